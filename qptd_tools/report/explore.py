"""Interactive exploration for JupyterLab: pickers for unit, indicator and years.

The chart and the table redraw on every change. Built on ipywidgets; without a live front
end (e.g. under papermill) it draws the default selection once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qptd_tools.core import vnformat
from qptd_tools.core.config import find_root
from qptd_tools.report import figures
from qptd_tools.report.context import AllContext, compute_all
from qptd_tools.store.workspace import WorkspaceData


class Explorer:
    """Unit × indicator × years explorer over a workspace's computed indicators."""

    def __init__(self, all_: AllContext):
        self.all = all_
        self.cat = all_.catalog
        self.values = all_.result.indicators["values"]
        units = self.cat.units
        present = set(self.values.index.get_level_values("unit_code"))
        self.units = units.loc[units["unit_code"].isin(present)]

    @classmethod
    def open(cls, root: str | None = None) -> Explorer:
        """Open the explorer on a workspace (``$QPTD_ROOT`` or the nearest one by default)."""
        return cls(compute_all(WorkspaceData(find_root(root))))

    def indicators_of(self, unit_code: str) -> list[tuple[str, str]]:
        """Return (label, code) of the indicators the unit has values for, catalogue order."""
        have = (
            set(self.values.loc[unit_code].index)
            if unit_code in self.values.index.get_level_values(0)
            else set()
        )
        return [
            (f"{r.name} ({r.unit})", r.code)
            for r in self.cat.indicators.itertuples()
            if r.code in have
        ]

    def series(self, unit_code: str, indicator: str, years: tuple[int, int]) -> pd.Series:
        """Return the yearly values of one indicator of one unit between two years."""
        row = self.values.loc[(unit_code, indicator)]
        return row.loc[[y for y in row.index if years[0] <= y <= years[1]]]

    def table(self, unit_code: str, indicator: str, years: tuple[int, int]) -> pd.DataFrame:
        """Return the series as a small table of Vietnamese-formatted values."""
        unit = self.cat.indicators.set_index("code").at[indicator, "unit"]
        values = self.series(unit_code, indicator, years)
        decimals = 1 if unit == "%" else 0
        return pd.DataFrame({"Năm": [str(y) for y in values.index],
                             "Giá trị": [vnformat.number(v, decimals) for v in values]})  # fmt: skip

    def draw(self, unit_code: str, indicator: str, years: tuple[int, int]) -> Any:
        """Return the chart (a matplotlib Figure) of the selection."""
        meta = self.cat.indicators.set_index("code").loc[indicator]
        fig, ax = figures.new_figure()
        name = self.cat.unit(unit_code)["name"]
        figures.trend(
            ax,
            self.series(unit_code, indicator, years),
            f"{meta['name']} — {name}",
            meta["unit"],
            meta["kind"],
        )
        return fig

    def widget(self, unit_code: str = "06", indicator: str = "DQ_QUAN_SO") -> Any:
        """Return the ipywidgets box with the pickers, the chart and the table."""
        import ipywidgets as w
        from IPython.display import display

        units = [(f"{r.name} ({r.unit_code})", r.unit_code) for r in self.units.itertuples()]
        unit_pick = w.Dropdown(options=units, value=unit_code, description="Đơn vị")
        ind_pick = w.Dropdown(
            options=self.indicators_of(unit_code), value=indicator, description="Chỉ tiêu"
        )
        years = self.cat.years
        year_pick = w.IntRangeSlider(
            value=(years[0], years[-1]), min=years[0], max=years[-1], description="Năm"
        )
        out = w.Output()

        def redraw(*_: Any) -> None:
            with out:
                out.clear_output(wait=True)
                if ind_pick.value is None:
                    return
                display(self.draw(unit_pick.value, ind_pick.value, year_pick.value))
                display(self.table(unit_pick.value, ind_pick.value, year_pick.value))

        def unit_changed(_: Any) -> None:
            options = self.indicators_of(unit_pick.value)
            current = ind_pick.value
            ind_pick.options = options
            ind_pick.value = (
                current
                if current in dict(options).values()
                else (options[0][1] if options else None)
            )
            redraw()

        unit_pick.observe(unit_changed, names="value")
        ind_pick.observe(redraw, names="value")
        year_pick.observe(redraw, names="value")
        redraw()
        return w.VBox([w.HBox([unit_pick, ind_pick]), year_pick, out])
