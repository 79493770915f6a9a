"""Interactive exploration for JupyterLab: one unit, one indicator, a span of years, five views.

"How does Ba Bể compare with the other districts on X, and since when?" Each view is a
method that returns a figure or a DataFrame, usable outside the widget and savable as an
appendix figure (PNG and SVG, the report's style, :meth:`Explorer.save`):

* :meth:`Explorer.draw` / :meth:`Explorer.table`: the unit's series;
* :meth:`Explorer.compare`: the series against its siblings (the district among the
  districts, the commune among its district's communes) and their median;
* :meth:`Explorer.distribution`: each year's distribution over the siblings, the unit marked;
* :meth:`Explorer.ranks` / :meth:`Explorer.rank_figure`: the unit's rank by year, only for an
  indicator where more (or less) is better;
* :meth:`Explorer.findings`: what ``qptd check`` finds for the unit.

:meth:`Explorer.widget` drives all of them with ipywidgets; a chart is shown as a PNG image,
so it draws in JupyterLab, in a rendered notebook and under papermill alike.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from qptd_tools.core import vnformat
from qptd_tools.report import figures
from qptd_tools.report.context import AllContext, compute_all
from qptd_tools.store.workspace import WorkspaceData, with_data

VIEWS = ("Diễn biến", "So sánh cùng cấp", "Phân bố", "Xếp hạng", "Phát hiện")  # the tabs


class Explorer:
    """Unit × indicator × years explorer over a workspace's computed indicators."""

    def __init__(self, all_: AllContext):
        self.all = all_
        self.cat = all_.catalog
        self.values = all_.result.indicators["values"]
        self.meta = self.cat.indicators.set_index("code")
        units = self.cat.units
        present = set(self.values.index.get_level_values("unit_code"))
        self.units = units.loc[units["unit_code"].isin(present)]

    @classmethod
    def open(cls, root: str | None = None) -> Explorer:
        """Open the explorer on a workspace; QPTD-E093 when it holds no data.

        The workspace is found as everywhere: ``root``, ``$QPTD_ROOT``, or the nearest
        folder up with a store.
        """
        return cls(compute_all(with_data(WorkspaceData(root or None))))

    # --- the selection -------------------------------------------------------------------
    def resolve(self, unit_code: object) -> str:
        """Return the registry's code ("61" → "061"; QPTD-E081 when unknown)."""
        return self.cat.resolve(unit_code)

    def indicators_of(self, unit_code: str) -> list[tuple[str, str]]:
        """Return (label, code) of the indicators the unit has values for, catalogue order."""
        unit_code = self.resolve(unit_code)
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

    def _years(self, frame: pd.DataFrame | pd.Series, years: tuple[int, int]) -> list[Any]:
        columns = frame.columns if isinstance(frame, pd.DataFrame) else frame.index
        return [y for y in columns if years[0] <= int(y) <= years[1]]

    def series(self, unit_code: str, indicator: str, years: tuple[int, int]) -> pd.Series:
        """Return the yearly values of one indicator of one unit between two years."""
        row = self.values.loc[(self.resolve(unit_code), indicator)]
        return row.loc[self._years(row, years)]

    def siblings(self, unit_code: str) -> pd.DataFrame:
        """Return the units of the same level under the same parent, the unit included."""
        unit = self.cat.unit(self.resolve(unit_code))
        units = self.units
        return units.loc[
            (units["parent_code"] == unit["parent_code"]) & (units["level"] == unit["level"])
        ]

    def _level_values(self, unit_code: str, indicator: str, years: tuple[int, int]) -> pd.DataFrame:
        """Return the siblings' values (rows: unit names; columns: years), the unit included."""
        codes = list(self.siblings(unit_code)["unit_code"])
        wide = self.values.xs(indicator, level="indicator")
        rows = wide.loc[wide.index.intersection(codes)]
        rows = rows[self._years(rows, years)]
        names = self.cat.units.set_index("unit_code")["name"]
        return rows.set_axis([names[c] for c in rows.index], axis=0)

    # --- the views -----------------------------------------------------------------------
    def table(self, unit_code: str, indicator: str, years: tuple[int, int]) -> pd.DataFrame:
        """Return the series as a small table of Vietnamese-formatted values."""
        unit = self.meta.at[indicator, "unit"]
        values = self.series(unit_code, indicator, years)
        decimals = 1 if unit == "%" else 0
        return pd.DataFrame({"Năm": [str(y) for y in values.index],
                             "Giá trị": [vnformat.number(v, decimals) for v in values]})  # fmt: skip

    def draw(self, unit_code: str, indicator: str, years: tuple[int, int]) -> Figure:
        """Return the chart of the unit's series (a matplotlib Figure)."""
        meta = self.meta.loc[indicator]
        fig, ax = figures.new_figure()
        name = self.cat.unit(self.resolve(unit_code))["name"]
        figures.trend(ax, self.series(unit_code, indicator, years), f"{meta['name']} — {name}",
                      meta["unit"], meta["kind"])  # fmt: skip
        return fig

    def compare(self, unit_code: str, indicator: str, years: tuple[int, int]) -> Figure:
        """Return the unit's series against its siblings' (grey) and their median (dashed)."""
        meta = self.meta.loc[indicator]
        code = self.resolve(unit_code)
        name = str(self.cat.unit(code)["name"])
        level = self._level_values(code, indicator, years)
        fig, ax = figures.new_figure(6.3, 3.6)
        figures.against(ax, self.series(code, indicator, years), level.drop(index=name, errors="ignore"),
                        f"{meta['name']}: {name} và các đơn vị cùng cấp", meta["unit"], name)  # fmt: skip
        return fig

    def distribution(self, unit_code: str, indicator: str, years: tuple[int, int]) -> Figure:
        """Return each year's distribution over the unit's level (its siblings), the unit in red."""
        meta = self.meta.loc[indicator]
        code = self.resolve(unit_code)
        level = self._level_values(code, indicator, years)
        fig, ax = figures.new_figure()
        figures.spread(ax, level, self.series(code, indicator, years),
                       f"{meta['name']}: phân bố trong {len(level)} đơn vị cùng cấp", meta["unit"])  # fmt: skip
        return fig

    def ranks(self, unit_code: str, indicator: str, years: tuple[int, int]) -> pd.DataFrame:
        """Return the unit's rank among its siblings by year (``Năm, Thứ hạng, Số đơn vị``).

        Empty where a rank means nothing: an indicator that is neither better higher nor lower
        (``better`` in ``indicators.csv``), or a unit without siblings.
        """
        better = str(self.meta.at[indicator, "better"])
        code = self.resolve(unit_code)
        level = self._level_values(code, indicator, years)
        name = str(self.cat.unit(code)["name"])
        if better not in ("higher", "lower") or len(level) < 2 or name not in level.index:
            return pd.DataFrame(columns=["Năm", "Thứ hạng", "Số đơn vị"])
        ranked = level.rank(axis=0, ascending=better == "lower", method="min")
        return pd.DataFrame({"Năm": [int(y) for y in level.columns],
                             "Thứ hạng": ranked.loc[name].to_numpy(),
                             "Số đơn vị": level.notna().sum(axis=0).to_numpy()})  # fmt: skip

    def rank_figure(self, unit_code: str, indicator: str, years: tuple[int, int]) -> Figure | None:
        """Return the chart of :meth:`ranks` (None where a rank means nothing)."""
        ranks = self.ranks(unit_code, indicator, years)
        if ranks.empty:
            return None
        name = self.cat.unit(self.resolve(unit_code))["name"]
        fig, ax = figures.new_figure(6.3, 3.0)
        figures.ranking(ax, ranks.set_index("Năm")["Thứ hạng"], ranks.set_index("Năm")["Số đơn vị"],
                        f"{self.meta.at[indicator, 'name']}: thứ hạng của {name}")  # fmt: skip
        return fig

    def findings(self, unit_code: str) -> pd.DataFrame:
        """Return what ``qptd check`` finds for the unit (``Mã, Chỉ tiêu, Năm, Nội dung``)."""
        found = self.all.result.findings
        mine = found.loc[found["unit_code"] == self.resolve(unit_code)]
        return pd.DataFrame({"Mã": mine["code"].to_numpy(), "Chỉ tiêu": mine["indicator"].fillna("").to_numpy(),
                             "Năm": [str(int(y)) if pd.notna(y) else "" for y in mine["year"]],
                             "Nội dung": mine["message"].to_numpy()})  # fmt: skip

    def save(self, figure: Figure, folder: str | Path, stem: str) -> list[Path]:
        """Save a view as an appendix figure: ``<folder>/<stem>.png`` (200 dpi) and ``.svg``."""
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        return figures.save(figure, path, stem)

    # --- the widget ----------------------------------------------------------------------
    def widget(self, unit_code: str | int = "06", indicator: str | None = "DQ_QUAN_SO") -> Any:
        """Return the ipywidgets box: pickers, then the five views in tabs, redrawn on change."""
        import ipywidgets as w

        unit_code = self.resolve(unit_code)
        units = [(f"{r.name} ({r.unit_code})", r.unit_code) for r in self.units.itertuples()]
        options = self.indicators_of(unit_code)
        if indicator not in dict(options).values():
            indicator = options[0][1] if options else None
        wide = {"description_width": "5em"}
        unit_pick = w.Dropdown(options=units, value=unit_code, description="Đơn vị", style=wide,
                               layout=w.Layout(width="34em"))  # fmt: skip
        ind_pick = w.Dropdown(options=options, value=indicator, description="Chỉ tiêu", style=wide,
                              layout=w.Layout(width="52em"))  # fmt: skip
        years = self.cat.years
        year_pick = w.IntRangeSlider(value=(years[0], years[-1]), min=years[0], max=years[-1],
                                     description="Năm", style=wide, readout=True,
                                     layout=w.Layout(width="34em"), continuous_update=False)  # fmt: skip
        outs = [w.Output() for _ in VIEWS]
        tabs = w.Tab(children=outs)
        for i, title in enumerate(VIEWS):
            tabs.set_title(i, title)

        def redraw(*_: Any) -> None:
            unit, ind, span = unit_pick.value, ind_pick.value, tuple(year_pick.value)
            for out, view in zip(outs, VIEWS, strict=True):
                with out:
                    out.clear_output(wait=True)
                    if ind is None:
                        show_text("Đơn vị này chưa có số liệu chỉ tiêu nào.")
                        continue
                    self._show(view, unit, ind, span)

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
        return w.VBox([w.HBox([unit_pick, year_pick]), ind_pick, tabs])

    def _show(self, view: str, unit: str, ind: str, span: tuple[int, int]) -> None:
        if view == VIEWS[0]:
            show_figure(self.draw(unit, ind, span))
            show_table(self.table(unit, ind, span), numbers=("Giá trị",))
        elif view == VIEWS[1]:
            show_figure(self.compare(unit, ind, span))
        elif view == VIEWS[2]:
            show_figure(self.distribution(unit, ind, span))
        elif view == VIEWS[3]:
            figure = self.rank_figure(unit, ind, span)
            if figure is None:
                show_text("Không xếp hạng chỉ tiêu này: cao hay thấp đều không nói lên kết quả tốt hơn "
                          "(cột better của indicators.csv), hoặc đơn vị không có đơn vị cùng cấp.")  # fmt: skip
            else:
                show_figure(figure)
                show_table(self.ranks(unit, ind, span), numbers=("Thứ hạng", "Số đơn vị"))
        else:
            found = self.findings(unit)
            if found.empty:
                show_text("Không có phát hiện nào của qptd check cho đơn vị này.")
            else:
                show_table(found, nowrap=("Mã",))


def styled(frame: pd.DataFrame) -> Any:
    """Return a table as a notebook shows it: text left, numbers right, codes unbroken.

    No row index; an empty table says so in its caption instead of showing bare headers.
    """
    numbers = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    text = [c for c in frame.columns if c not in numbers]
    codes = [c for c in text if frame[c].astype(str).str.fullmatch(r"[\w.\-/]{1,16}").all()]
    years = [c for c in numbers if str(c) in ("year", "Năm") or str(c).endswith("_year")]
    style = frame.style.set_caption("Không có dòng nào.") if frame.empty else frame.style
    return (style.hide(axis="index")
            .set_properties(subset=text, **{"text-align": "left"})
            .set_properties(subset=codes, **{"white-space": "nowrap"})
            .set_properties(subset=numbers, **{"text-align": "right", "white-space": "nowrap"})
            .format({c: (lambda v: "–" if pd.isna(v) else str(int(v))) if c in years
                     else (lambda v: vnformat.number(v, 1)) for c in numbers})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))  # fmt: skip


def show_figure(figure: Figure) -> None:
    """Show a figure as a PNG image (a bare Figure made without pyplot shows only its repr)."""
    from IPython.display import Image, display

    display(Image(data=figures.rendered(figure)["png"], width=720))


def show_table(
    frame: pd.DataFrame, numbers: tuple[str, ...] = (), nowrap: tuple[str, ...] = ()
) -> None:
    """Show a table in the notebook: text left-aligned, numbers right-aligned, codes unbroken."""
    from IPython.display import HTML, display

    head = "".join(f'<th style="text-align:left">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            style = "text-align:right" if column in numbers else "text-align:left"
            style += ";white-space:nowrap" if column in nowrap or column in numbers else ""
            text = (
                vnformat.number(value)
                if column in numbers and not isinstance(value, str)
                else str(value)
            )
            cells.append(f'<td style="{style}">{html.escape(text)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    display(
        HTML(
            f'<table class="qptd"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
    )


def show_text(text: str) -> None:
    """Show a short note in the notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text))
