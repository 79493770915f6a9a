"""The deadline board: conference and report dates against the guidance's deadlines (§7).

Pure functions over DataFrames. Deadlines are catalogue data (``deadlines.csv``); a date
on the deadline day is on time where the catalogue says the deadline is inclusive.
"""

from __future__ import annotations

import pandas as pd

from qptd_tools.core import vnformat

STATUS = {
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "missing": "Chưa có",
    "not_applicable": "Không áp dụng",
}
FINDING_COLUMNS = ["code", "unit_code", "event", "date", "deadline", "days_late", "message"]
EVENT_NAMES = {"conference": "hội nghị sơ kết", "report": "gửi báo cáo"}


def _status(
    dates: pd.Series, deadlines: pd.Series, inclusive: pd.Series
) -> tuple[pd.Series, pd.Series]:
    days = (dates - deadlines).dt.days
    late_by = days.where(inclusive.astype(bool), days + 1)
    status = pd.Series("on_time", index=dates.index)
    status[late_by > 0] = "late"
    status[dates.isna()] = "missing"
    status[deadlines.isna()] = "not_applicable"
    days_late = late_by.where(status == "late").astype("Int64")
    return status, days_late


def board(
    units: pd.DataFrame, conferences: pd.DataFrame, deadlines: pd.DataFrame, district: pd.Series
) -> pd.DataFrame:
    """Return one row per unit: conference and report date, deadline, status, days late.

    Parameters
    ----------
    units
        The registry.
    conferences
        The stored conference table (``unit_code, conference_date, report_submitted_date``).
    deadlines
        The deadline catalogue (``level, event, deadline, inclusive``).
    district
        Each unit's district code (for the per-district summary).
    """
    out = units[["unit_code", "name", "level", "parent_code"]].copy()
    out["district_code"] = out["unit_code"].map(district)
    for event, column in (("conference", "conference_date"), ("report", "report_submitted_date")):
        rule = deadlines.loc[deadlines["event"] == event].set_index("level")
        due = pd.to_datetime(out["level"].map(rule["deadline"]))
        inclusive = out["level"].map(rule["inclusive"]).fillna(True)
        found = out[["unit_code"]].merge(
            conferences[["unit_code", column]], on="unit_code", how="left"
        )
        when = pd.to_datetime(found[column]).set_axis(out.index)
        status, late = _status(when, due, inclusive)
        out[f"{event}_date"] = when
        out[f"{event}_deadline"] = due
        out[f"{event}_status"] = status
        out[f"{event}_days_late"] = late
    return out


def summary(board_: pd.DataFrame) -> pd.DataFrame:
    """Count statuses per district.

    A district counts with its communes; the province with the departments and military
    units. Columns ``district_code, units, conference_<status>…, report_<status>…``.
    """
    parts = []
    for event in ("conference", "report"):
        counts = pd.crosstab(board_["district_code"], board_[f"{event}_status"])
        counts = counts.reindex(columns=list(STATUS), fill_value=0)
        counts.columns = [f"{event}_{c}" for c in counts.columns]
        parts.append(counts)
    table = pd.concat(parts, axis=1)
    table.insert(0, "units", board_.groupby("district_code").size())
    return table.reset_index()


def _day(value: pd.Timestamp) -> str:
    return vnformat.date_prose(value.date())


def findings(board_: pd.DataFrame) -> pd.DataFrame:
    """Return the deadline findings of each unit.

    ``QPTD-S001`` late and ``QPTD-S002`` missing, for each event; ``QPTD-S003`` a report dated
    before the conference it reports on (a unit that holds a conference presents its report
    there, so the report cannot come first; with the seed's deadlines this also catches a
    conference after its deadline under a report "on time").
    """
    rows: list[tuple[object, ...]] = []
    for event in ("conference", "report"):
        status = board_[f"{event}_status"]
        for r in board_.loc[status.isin(["late", "missing"])].itertuples():
            date, due = getattr(r, f"{event}_date"), getattr(r, f"{event}_deadline")
            if getattr(r, f"{event}_status") == "late":
                days = int(getattr(r, f"{event}_days_late"))
                rows.append(("QPTD-S001", r.unit_code, event, date, due, days,
                             f"{EVENT_NAMES[event].capitalize()} ngày {_day(date)}, trễ {days} ngày "
                             f"so với hạn {_day(due)}."))  # fmt: skip
            else:
                rows.append(("QPTD-S002", r.unit_code, event, pd.NaT, due, None,
                             f"Chưa có ngày {EVENT_NAMES[event]} (hạn {_day(due)})."))  # fmt: skip
    held = board_.loc[board_["conference_status"] != "not_applicable"]
    early = held.loc[held["report_date"] < held["conference_date"]]
    for r in early.itertuples():
        rows.append(("QPTD-S003", r.unit_code, "report", r.report_date, r.conference_date, None,
                     f"Báo cáo đề ngày {_day(r.report_date)}, trước ngày hội nghị sơ kết "
                     f"{_day(r.conference_date)}: báo cáo sơ kết được trình bày tại hội nghị nên "
                     "không thể có trước hội nghị; kiểm tra lại hai ngày."))  # fmt: skip
    return _findings(rows)


def _findings(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["days_late"] = out["days_late"].astype("Int64")
    return out


def working_day_on_or_before(day: pd.Timestamp) -> pd.Timestamp:
    """Return ``day``, or the Friday before when it falls on a Saturday or Sunday."""
    while day.weekday() >= 5:
        day -= pd.Timedelta(days=1)
    return day


PLAN_COLUMNS = ["unit_code", "level", "conference_date", "proposed", "plan_date", "earliest"]


def plan_dates(
    board_: pd.DataFrame,
    lead_days: dict[str, int],
    proposed_before: int,
    earliest: pd.Timestamp,
) -> pd.DataFrame:
    """Date the conference plan of each conference-holding unit from its conference.

    A unit's conference is the date it gave, else one proposed ``proposed_before`` days before
    its level's deadline (on a weekday; ``proposed`` True). Its plan is dated ``lead_days`` of
    its level before that (the assignments are counted back from the conference), and never
    before ``earliest`` — the guidance the plan carries out: a plan that cannot be dated early
    enough is dated ``earliest`` and flagged by :func:`plan_findings` (``earliest`` True).
    """
    rows = []
    for r in board_.loc[board_["level"].isin(list(lead_days))].itertuples():
        held = r.conference_date
        proposed = pd.isna(held)
        if proposed:
            due = r.conference_deadline
            if pd.isna(due):
                continue
            held = working_day_on_or_before(due - pd.Timedelta(days=proposed_before))
        plan = held - pd.Timedelta(days=lead_days[r.level])
        rows.append((r.unit_code, r.level, held, proposed, max(plan, earliest), plan < earliest))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def plan_findings(
    dates: pd.DataFrame, lead_days: dict[str, int], earliest: pd.Timestamp
) -> pd.DataFrame:
    """Return ``QPTD-S004`` for each plan that cannot come its lead time before its conference.

    The seed's order is guidance → plan → conference: a conference so early that its plan,
    dated the level's lead time before it, would precede the guidance leaves the plan's
    assignments too little time.
    """
    rows: list[tuple[object, ...]] = []
    for r in dates.loc[dates["earliest"]].itertuples():
        rows.append(("QPTD-S004", r.unit_code, "plan", r.plan_date, r.conference_date, None,
                     f"Hội nghị sơ kết ngày {_day(r.conference_date)}: kế hoạch tổ chức cần ban hành trước "
                     f"{lead_days[r.level]} ngày nhưng không thể có trước Hướng dẫn ngày {_day(earliest)}; "
                     "kế hoạch đề ngày của Hướng dẫn, các việc chuẩn bị không đủ thời gian: kiểm tra ngày hội nghị."))  # fmt: skip
    return _findings(rows)
