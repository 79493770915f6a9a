"""Auto-drafted Vietnamese sentences from the indicators, and the unit's own narrative.

Quantitative sections get a paragraph built from the catalogue's phrases ("tổ chức 1.234
buổi tuyên truyền về quốc phòng, thu hút 56.789 lượt người nghe"), with the change over the
period and the rank among sibling units. Qualitative sections take the unit's text; a
missing one is shown as the visible placeholder :data:`PLACEHOLDER`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from qptd_tools.core import vnformat

PLACEHOLDER = "[Nội dung do đơn vị bổ sung]"


def scope(unit: Mapping[str, object]) -> str:
    """Return how the report names its whole area: "toàn huyện", "toàn phường", "cơ quan, đơn vị".

    A territorial unit's area is "toàn" and its kind from the registry (``division_type``).
    """
    division = str(unit.get("division_type") or "")
    if unit.get("level") in ("tinh", "huyen", "xa") and division:
        return f"toàn {division}"
    return "cơ quan, đơn vị"


def value_text(value: float, unit: str) -> str:
    """Format a value as the sentence needs it: "1.234", "12,5%", "1.234 triệu đồng"."""
    if unit == "%":
        return vnformat.number(value, 1, fixed=True) + "%"
    if unit == "triệu đồng":
        return vnformat.million(value, 1)
    return vnformat.number(value, 1)


def _change(row: pd.Series) -> str:
    if pd.isna(row["pct_change"]) or row["first_year"] == row["last_year"]:
        return ""
    pct = float(row["pct_change"])
    if abs(pct) < 0.05:
        return f"năm {row['last_year']} tương đương năm {row['first_year']}"
    word = "tăng" if pct > 0 else "giảm"
    return f"năm {row['last_year']} {word} {vnformat.number(abs(pct), 1, fixed=True)}% so với năm {row['first_year']}"


def _clause(row: pd.Series, meta: pd.Series) -> str:
    """One clause from the catalogue's phrase (a parent's flag adds the share of communes)."""
    text = str(meta["phrase"]).replace("{v}", value_text(row["period_value"], str(meta["unit"])))
    if row["kind"] == "flag" and pd.notna(row.get("share_pct")):
        text += f" (chiếm {vnformat.number(row['share_pct'], 1, fixed=True)}% số xã)"
    return text


def section_paragraph(
    summary: pd.DataFrame,
    indicators: pd.DataFrame,
    unit: Mapping[str, object],
    section_id: str,
    years: Sequence[int],
    siblings: int = 0,
    siblings_word: str = "đơn vị",
) -> str:
    """Return the auto-drafted paragraph of one outline section for one unit ("" if no data).

    Standing sizes are stated for the last year ("Năm 2019, toàn huyện có lực lượng dân quân
    tự vệ 1.216 đồng chí; …"), flows for the whole period ("Giai đoạn 2009–2019, toàn huyện
    tổ chức 2.174 buổi tuyên truyền …"), each ratio right after its numerator; then the
    change of the key indicators and their rank among sibling units.

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
    siblings_word
        What the siblings are called in a rank ("xã", "huyện, thành phố").
    """
    meta = indicators.set_index("code")
    codes = list(indicators.loc[indicators["section_id"] == section_id, "code"])
    rows = summary.set_index("indicator").reindex(codes).dropna(subset=["period_value"])
    if rows.empty:
        return ""
    level = str(unit.get("level"))
    ratio_of = {str(meta.at[c, "numerator"]): c for c in codes if meta.at[c, "kind"] == "ratio"}
    stocks: list[str] = []
    flows: list[str] = []
    sentences = []
    where = scope(unit)
    for code, row in rows.iterrows():
        if row["kind"] == "ratio":
            continue
        if row["kind"] == "flag" and level == "xa":
            reached = "đạt" if row["last_value"] >= 1 else "chưa đạt"
            what = str(meta.at[code, "name"]).split(" đạt ", 1)[-1]
            sentences.append(f"Năm {row['last_year']}, xã {reached} {what}.")
            continue
        target = stocks if row["kind"] in ("stock", "flag") else flows
        target.append(_clause(row, meta.loc[code]))
        ratio = ratio_of.get(str(code))
        if ratio in rows.index:
            target.append(_clause(rows.loc[ratio], meta.loc[ratio]))
    if stocks:
        sentences.insert(0, f"Năm {years[-1]}, {where} có {'; '.join(stocks)}.")
    if flows:
        sentences.append(f"Giai đoạn {years[0]}–{years[-1]}, {where} {'; '.join(flows)}.")
    for code, row in rows.iterrows():
        if (
            not meta.at[code, "key"]
            or row["kind"] == "ratio"
            or (row["kind"] == "flag" and level == "xa")
        ):
            continue
        parts = [p for p in (_change(row),) if p]
        if siblings > 1 and pd.notna(row.get("rank")) and pd.notna(row.get("n_siblings")):
            parts.append(f"đứng thứ {int(row['rank'])}/{int(row['n_siblings'])} {siblings_word}")
        if parts:
            sentences.append(f"{meta.at[code, 'name']}: {', '.join(parts)}.")
    return " ".join(sentences)


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
