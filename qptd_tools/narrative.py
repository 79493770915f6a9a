"""Auto-drafted Vietnamese sentences from the indicators, and the unit's own narrative.

Quantitative sections get a paragraph built from the catalogue's phrases ("tổ chức 1.234
buổi tuyên truyền về quốc phòng, thu hút 56.789 lượt người nghe"), with the change over the
period and the rank among sibling units. Qualitative sections take the unit's text; a
missing one is shown as the visible placeholder :data:`PLACEHOLDER`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from qptd_tools import vnformat

PLACEHOLDER = "[Nội dung do đơn vị bổ sung]"
SCOPE = {"tinh": "toàn tỉnh", "huyen": "toàn huyện", "xa": "toàn xã"}
DIVISION_SCOPE = {
    "thành phố": "toàn thành phố",
    "phường": "toàn phường",
    "thị trấn": "toàn thị trấn",
}
LEVEL_PLURAL = {
    "xa": "xã",
    "huyen": "huyện, thành phố",
    "nganh": "sở, ban, ngành",
    "donvi": "đơn vị",
    "tinh": "tỉnh",
}


def scope(unit: Mapping[str, object]) -> str:
    """Return how the report names its whole area: "toàn huyện", "toàn phường", "đơn vị"."""
    division = str(unit.get("division_type", ""))
    if division in DIVISION_SCOPE:
        return DIVISION_SCOPE[division]
    return SCOPE.get(str(unit.get("level")), "cơ quan, đơn vị")


def value_text(value: float, unit: str) -> str:
    """Format a value as the sentence needs it: "1.234", "12,5%", "1.234 triệu đồng"."""
    if unit == "%":
        return vnformat.percent(value, 1)
    if unit == "triệu đồng":
        return vnformat.million(value, 1)
    return vnformat.number(value, 1)


def _change(row: pd.Series, years: Sequence[int]) -> str:
    if pd.isna(row["pct_change"]) or row["first_year"] == row["last_year"]:
        return ""
    pct = float(row["pct_change"])
    if abs(pct) < 0.05:
        return f"năm {row['last_year']} tương đương năm {row['first_year']}"
    word = "tăng" if pct > 0 else "giảm"
    return f"năm {row['last_year']} {word} {vnformat.percent(abs(pct), 1)} so với năm {row['first_year']}"


def indicator_clause(row: pd.Series, meta: pd.Series, years: Sequence[int]) -> str:
    """Return one clause for one indicator's period summary row, e.g. "tổ chức 2.174 buổi …".

    Stocks are stated for the last year ("năm 2019, lực lượng … có 1.216 đồng chí").
    """
    phrase = str(meta["phrase"]).replace("{v}", value_text(row["period_value"], str(meta["unit"])))
    if (
        row["kind"] in ("stock", "flag")
        and pd.notna(row["last_year"])
        and row["last_year"] != years[-1]
    ):
        phrase = f"{phrase} (năm {row['last_year']})"
    return phrase


def section_paragraph(
    summary: pd.DataFrame,
    indicators: pd.DataFrame,
    unit: Mapping[str, object],
    section_id: str,
    years: Sequence[int],
    siblings: int = 0,
) -> str:
    """Return the auto-drafted paragraph of one outline section for one unit ("" if no data).

    Parameters
    ----------
    summary
        The unit's period summary rows (one per indicator).
    indicators
        The indicator catalogue (phrases, units, sections, key flags).
    unit
        The unit's registry row.
    section_id
        The outline section.
    years
        The review period.
    siblings
        How many sibling units there are (ranks are mentioned when more than one).
    """
    meta = indicators.set_index("code")
    codes = [c for c in indicators.loc[indicators["section_id"] == section_id, "code"]]
    rows = summary.set_index("indicator").reindex(codes).dropna(subset=["period_value"])
    if rows.empty:
        return ""
    clauses = []
    for code, row in rows.iterrows():
        if row["kind"] == "ratio" and not meta.at[code, "key"]:
            continue
        clauses.append(indicator_clause(row, meta.loc[code], years))
    period = f"Giai đoạn {years[0]}–{years[-1]}"
    text = f"{period}, {scope(unit)} {'; '.join(clauses)}."
    notes = []
    for code, row in rows.iterrows():
        if not meta.at[code, "key"] or row["kind"] == "ratio":
            continue
        change = _change(row, years)
        name = str(meta.at[code, "name"])
        rank = ""
        if siblings > 1 and pd.notna(row.get("rank")):
            rank = f"đứng thứ {int(row['rank'])}/{int(row['n_siblings'])} {LEVEL_PLURAL.get(str(unit.get('level')), '')}".rstrip()
        parts = [p for p in (change, rank) if p]
        if parts:
            notes.append(f"{name}: {', '.join(parts)}.")
    return " ".join([text, *notes])


def qualitative(narrative: Mapping[str, str], section_id: str) -> str:
    """Return the unit's text for a section, or the visible placeholder."""
    text = narrative.get(section_id, "")
    return text if text and text.strip() else PLACEHOLDER


def award_paragraph(
    stats: pd.DataFrame, forms: pd.DataFrame, money_total: float, complete: bool
) -> str:
    """Return a paragraph on awards: counts by form (collectives and individuals) and money.

    Parameters
    ----------
    stats
        Counts with columns ``form, recipient_type, count``.
    forms
        The award form catalogue (names, order).
    money_total
        The estimated award money paid by this unit's level, in đồng.
    complete
        Whether that estimate rests only on confirmed rates.
    """
    if stats.empty:
        return "Chưa có hồ sơ đề nghị khen thưởng."
    names = forms.set_index("code")
    parts = []
    for form in forms.sort_values("order")["code"]:
        rows = stats.loc[stats["form"] == form]
        if rows.empty:
            continue
        tt = int(rows.loc[rows["recipient_type"] == "tap_the", "count"].sum())
        cn = int(rows.loc[rows["recipient_type"] == "ca_nhan", "count"].sum())
        who = " và ".join(
            p for p in (f"{tt} tập thể" if tt else "", f"{cn} cá nhân" if cn else "") if p
        )
        parts.append(f"{names.at[form, 'short_name']}: {who}")
    total = int(stats["count"].sum())
    text = f"Tổng số {vnformat.number(total)} hồ sơ khen thưởng ({'; '.join(parts)})."
    if money_total:
        mark = "" if complete else " (có mức thưởng chưa được xác nhận)"
        text += f" Dự kiến kinh phí khen thưởng do cấp mình chi trả: {vnformat.dong(money_total)}{mark}."
    return text


def conference_paragraph(conference: Mapping[str, object], title: str) -> str:
    """Return the sentence on the unit's review conference (date, chair, participants)."""
    when = conference.get("conference_date")
    if when is None or pd.isna(when):
        return f"{title}: chưa tổ chức hoặc chưa báo cáo ngày tổ chức."
    day = pd.Timestamp(when).date()
    text = f"{title} được tổ chức {vnformat.date_long(day)}"
    chair = conference.get("chair")
    if chair and not pd.isna(chair):
        text += f", do đồng chí {chair} chủ trì"
    people = conference.get("participants")
    if people is not None and not pd.isna(people):
        text += f", với {vnformat.number(float(people))} đại biểu tham dự"  # type: ignore[arg-type]
    return text + "."
