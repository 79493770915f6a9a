"""Which units a batch runs, and which notebook it runs for them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from qptd_tools.catalog import Catalog
from qptd_tools.core.errors import UsageInvalid, fail

NOTEBOOK = "unit_report.ipynb"


def select_units(
    cat: Catalog,
    units: Iterable[str] = (),
    district: str | None = None,
    level: str | None = None,
    all_units: bool = False,
) -> list[str]:
    """Return the units a batch runs, in registry order.

    ``district`` gives the district and all its communes; ``level`` every unit of a level.

    Raises
    ------
    UsageInvalid
        QPTD-E082 when nothing is selected; UnitUnknown (QPTD-E081) for an unknown code.
    """
    chosen: set[str] = {cat.resolve(u) for u in units}
    if district:
        code = cat.resolve(district)
        if cat.unit(code)["level"] != "huyen":
            raise fail(UsageInvalid, "QPTD-E082", detail=f"{code} không phải mã huyện")
        chosen |= {code, *cat.children(code, "xa")["unit_code"]}
    if level:
        chosen |= set(cat.units.loc[cat.units["level"] == level, "unit_code"])
    if all_units:
        chosen |= set(cat.units["unit_code"])
    if not chosen:
        raise fail(UsageInvalid, "QPTD-E082", detail="chọn --unit, --district, --level hoặc --all")
    return [c for c in cat.units["unit_code"] if c in chosen]


def default_notebook(root: Path) -> Path:
    """Return the unit report notebook: the workspace's, else the one beside the package."""
    for folder in (root / "notebooks", Path(__file__).resolve().parents[2] / "notebooks"):
        if (folder / NOTEBOOK).is_file():
            return folder / NOTEBOOK
    raise fail(UsageInvalid, "QPTD-E082", detail=f"không tìm thấy notebooks/{NOTEBOOK}")
