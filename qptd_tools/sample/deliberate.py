"""The sample's deliberate problems, chosen from the registry by rule (any province works).

The districts that have at least three communes, in registry order, are picked by position:
the second gives a late conference (its first commune), a missing lesson section (itself), a
year-on-year outlier (its second commune) and missing values (its third commune); the fourth
over-reports conscripts against its communes; the fifth proposes one person twice; the
next-to-last enters its whole area's figure in an own-level row and has a commune with no
dates (its last); the last sends its report late. With Bắc Kạn's registry that is D1–D9 of
``data/sample/README.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat


@dataclass(frozen=True)
class Deliberate:
    """One deliberate problem of the sample, and where it is."""

    id: str
    kind: str
    unit_code: str
    detail: str
    indicator: str = ""
    year: int | None = None
    finding: str = ""


def _deadline(cat: Catalog, level: str, event: str) -> dt.date:
    rows = cat.deadlines.loc[(cat.deadlines["level"] == level) & (cat.deadlines["event"] == event)]
    return rows["deadline"].iloc[0]


def districts(cat: Catalog) -> list[str]:
    """Return the districts with at least three communes, in registry order."""
    units = cat.units
    return [
        code
        for code in units.loc[units["level"] == "huyen", "unit_code"]
        if len(cat.children(code, "xa")) >= 3
    ]


def late_conference_date(cat: Catalog) -> dt.date:
    """Return the deliberately late conference date: six days after the communes' deadline."""
    return _deadline(cat, "xa", "conference") + dt.timedelta(days=6)


def late_report_date(cat: Catalog) -> dt.date:
    """Return the deliberately late report date: five days after the districts' deadline."""
    return _deadline(cat, "huyen", "report") + dt.timedelta(days=5)


def deliberate(cat: Catalog) -> tuple[Deliberate, ...]:
    """Return the sample's deliberate problems for this registry (empty with fewer than 2 districts)."""
    picked = districts(cat)
    if len(picked) < 2:
        return ()

    def pick(i: int) -> str:
        return picked[i % len(picked)]

    def communes(code: str) -> list[str]:
        return list(cat.children(code, "xa")["unit_code"])

    second, fourth, fifth, before_last, last = pick(1), pick(3), pick(4), pick(-2), pick(-1)
    # a unit whose report nobody signs unless named: a department (no conference chair)
    agencies = list(cat.units.loc[cat.units["level"] == "nganh", "unit_code"])
    unsigned = agencies[len(agencies) // 2] if agencies else communes(fifth)[0]
    years = cat.years
    name = lambda code: str(cat.unit(code)["name"])  # noqa: E731
    late, due = late_conference_date(cat), _deadline(cat, "xa", "conference")
    late_report, report_due = late_report_date(cat), _deadline(cat, "huyen", "report")
    short = vnformat.date_prose
    return (
        Deliberate("D1", "consistency", fourth, f"{name(fourth)} báo cáo số công dân nhập ngũ năm "
                   f"{years[7 % len(years)]} nhiều hơn tổng của các xã 7 người.", "TQ_NHAP_NGU",
                   years[7 % len(years)], "QPTD-C101"),
        Deliberate("D2", "late_conference", communes(second)[0], f"{name(communes(second)[0])} tổ "
                   f"chức hội nghị ngày {short(late)}, sau hạn {short(due)}.", finding="QPTD-S001"),
        Deliberate("D3", "late_report", last, f"{name(last)} gửi báo cáo ngày {short(late_report)}, "
                   f"sau hạn {short(report_due)}.", finding="QPTD-S001"),
        Deliberate("D4", "missing_dates", communes(before_last)[-1], f"{name(communes(before_last)[-1])} "
                   "chưa điền ngày hội nghị và ngày gửi báo cáo.", finding="QPTD-S002"),
        Deliberate("D5", "duplicate_award", fifth, f"{name(fifth)} đề nghị Giấy khen cấp huyện hai "
                   "lần cho cùng một người (một lần có dấu, một lần gõ không dấu).",
                   finding="QPTD-A005"),
        Deliberate("D6", "missing_narrative", second, f"{name(second)} chưa viết mục “Bài học kinh "
                   "nghiệm”.", finding="QPTD-C003"),
        Deliberate("D7", "outlier", communes(second)[1], f"{name(communes(second)[1])} ghi lượt người "
                   f"nghe tuyên truyền năm {years[5 % len(years)]} gấp khoảng 10 lần các năm khác.",
                   "TT_LUOT", years[5 % len(years)], "QPTD-C102"),
        Deliberate("D8", "missing_values", communes(second)[2], f"{name(communes(second)[2])} để trống "
                   f"số lượt người được phổ biến kiến thức QP-AN năm {years[0]} và {years[1]}.",
                   "GD_PHO_BIEN", years[0], "QPTD-C002"),
        Deliberate("D9", "double_count", before_last, f"{name(before_last)} ghi lượt người nghe "
                   "tuyên truyền của toàn huyện (tổng các xã) vào dòng chỉ ghi số do cấp huyện thực "
                   "hiện.", "TT_LUOT", years[0], "QPTD-C103"),
        Deliberate("D10", "missing_signer", unsigned, f"{name(unsigned)} chưa ghi họ tên, chức vụ "
                   "người ký báo cáo.", finding="QPTD-C004"),
    )  # fmt: skip
