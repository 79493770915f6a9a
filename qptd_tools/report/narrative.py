"""Auto-drafted Vietnamese sentences from the indicators, and the unit's own narrative.

Quantitative sections get a paragraph built from the catalogue's phrases ("tổ chức 1.234
buổi tuyên truyền về quốc phòng, thu hút 56.789 lượt người nghe"), with the change over the
period and, where more is better, a rank among sibling units when it is a good one. A zero is
never stated as an achievement: it is said as "chưa phát sinh" / "chưa có". A percentage
changes by percentage points. The period is written as every document writes it ("2009 -
2019"), dates in prose without leading zeros ("15/9/2019"). Qualitative sections take the
unit's text; a missing one is shown as the visible placeholder :data:`PLACEHOLDER` (which
sections, is decided once, by :func:`qptd_tools.analytics.completeness.coverage`).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import pandas as pd

from qptd_tools.core import vnformat

PLACEHOLDER = "[Nội dung do đơn vị bổ sung]"
SIGNER_PLACEHOLDER = "[Họ và tên người ký]"


def scope(unit: Mapping[str, object]) -> str:
    """Return how the report names its whole area: "toàn huyện", "toàn phường", "Sở Nội vụ".

    A territorial unit's area is "toàn" and its kind from the registry (``division_type``); an
    agency is named ("Sở Nội vụ có lực lượng tự vệ …").
    """
    division = str(unit.get("division_type") or "")
    if unit.get("level") in ("tinh", "huyen", "xa") and division:
        return f"toàn {division}"
    return str(unit.get("name") or "cơ quan, đơn vị")


# names that already say what they count ("Quân số …", "Tỷ lệ …", "Kinh phí …")
_NAMED = ("Tỷ lệ", "Kinh phí", "Chi ", "Dân số", "Quân số", "Nhu cầu", "Chỉ tiêu")
SMALL_BASE = 10  # below this first-year count, a change is said in numbers, not in percent


def subject(meta: Mapping[str, object]) -> str:
    """Return an indicator as the subject of a sentence: "Số buổi tuyên truyền …", "Tỷ lệ …"."""
    name, unit = str(meta["name"]), str(meta["unit"])
    if unit in ("%", "triệu đồng") or name.startswith(_NAMED):
        return name
    if unit == "cuộc" and not name.lower().startswith(unit):  # "Số cuộc diễn tập …"
        return f"Số {unit} {_lower_first(name)}"
    return f"Số {_lower_first(name)}"


def points(row: Mapping[str, object]) -> float | None:
    """Return a percentage's change in points, from the values as printed (1 decimal).

    2,4% → 2,6% is "tăng 0,2 điểm phần trăm" even when the unrounded difference is 0,14, so the
    reader's arithmetic on the table agrees with the text.
    """
    first, last = row.get("first_value"), row.get("last_value")
    if not isinstance(first, numbers.Real) or not isinstance(last, numbers.Real):
        return None
    if pd.isna(first) or pd.isna(last):
        return None
    return vnformat.rounded(float(last), 1) - vnformat.rounded(float(first), 1)


def value_text(value: float, unit: str) -> str:
    """Format a value as the sentence needs it: "1.234", "12,5%", "1.234 triệu đồng"."""
    if unit == "%":
        return vnformat.number(value, 1, fixed=True) + "%"
    if unit == "triệu đồng":
        return vnformat.million(value, 1)
    return vnformat.number(value, 1)


def change_text(row: pd.Series, unit: str) -> str:
    """Return the change from the first to the last year: "tăng 5,2%" or "tăng 2,3 điểm phần trăm".

    A percentage's change is in points, never a percentage of a percentage.
    """
    if row["first_year"] == row["last_year"] or pd.isna(row["change"]):
        return ""
    if unit == "%":
        change = points(row)
        if change is None:
            return ""
        if abs(change) < 0.05:
            return "tương đương"
        word = "tăng" if change > 0 else "giảm"
        return f"{word} {vnformat.number(abs(change), 1, fixed=True)} điểm phần trăm"
    if pd.isna(row["pct_change"]):
        return ""
    pct = float(row["pct_change"])
    if abs(pct) < 0.05:
        return "tương đương"
    return f"{'tăng' if pct > 0 else 'giảm'} {vnformat.number(abs(pct), 1, fixed=True)}%"


def _clause(row: pd.Series, meta: pd.Series) -> str:
    """One clause from the catalogue's phrase (a parent's flag adds the share of communes)."""
    text = str(meta["phrase"]).replace("{v}", value_text(row["period_value"], str(meta["unit"])))
    if row["kind"] == "flag" and pd.notna(row.get("share_pct")):
        text += f" (chiếm {vnformat.number(row['share_pct'], 1, fixed=True)}% số xã)"
    return text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _rank_sentence(
    row: pd.Series, meta: pd.Series, who: str, siblings: str, period: str, standing: bool
) -> str:
    """Return a rank among siblings, said only where it means something and is a good one.

    Only for indicators where more (or less) is better; only a rank in the top third; the
    sentence names what is ranked: the period total of a flow, the last year of a stock (and
    of a ratio of stocks, ``standing``), the period ratio of a ratio of flows.
    """
    better = str(meta.get("better", "neither"))
    if better == "neither" or pd.isna(row.get("rank")) or pd.isna(row.get("n_siblings")):
        return ""
    n, rank = int(row["n_siblings"]), int(row["rank"])
    if better == "lower":
        rank = n + 1 - rank
    if n < 3 or rank > max(1, n // 3):
        return ""
    # a count is named as one ("tổng số buổi tuyên truyền", "số xã đạt …"); money and ratios
    # by their own names ("tổng kinh phí …", "tỷ lệ …")
    name = _lower_first(subject(meta))
    if row["kind"] in ("stock", "flag") or (row["kind"] == "ratio" and standing):
        measure = f"{name} năm {row['last_year']}"
    elif row["kind"] == "ratio":
        measure = f"{name} cả giai đoạn {period}"
    else:
        measure = f"tổng {name} cả giai đoạn {period}"
    return f"Về {measure}, {who} đứng thứ {rank}/{n} {siblings}."


def section_paragraph(
    summary: pd.DataFrame,
    indicators: pd.DataFrame,
    unit: Mapping[str, object],
    section_id: str,
    period: str,
    *,
    who: str = "",
    siblings: str = "",
) -> str:
    """Return the auto-drafted paragraph of one outline section for one unit ("" if no data).

    Standing sizes are stated for the last year ("Năm 2019, toàn huyện có lực lượng dân quân
    tự vệ 1.216 đồng chí; …"), flows for the whole period ("Giai đoạn 2009 - 2019, toàn huyện
    tổ chức 2.174 buổi tuyên truyền …"), each ratio right after its numerator, zeros as "chưa
    phát sinh"; then the change of the key indicators and a good rank among sibling units.
    A paragraph is drafted exactly when one of the section's input indicators has a value
    (:func:`qptd_tools.analytics.completeness.drafted_sections`).

    Parameters
    ----------
    summary
        The unit's period summary rows (one per indicator).
    indicators
        The indicator catalogue (phrases, units, sections, key and better flags).
    unit
        The unit's registry row.
    section_id
        The outline section.
    period
        The period as written ("2009 - 2019").
    who
        The unit as a sentence names it ("huyện Ba Bể"), for ranks.
    siblings
        The units it is ranked among ("huyện, thành phố"); no rank when empty.
    """
    return Drafter(summary, indicators).paragraph(
        unit, section_id, period, who=who, siblings=siblings
    )


class Drafter:
    """A unit's summary and the indicator catalogue as lookups, for drafting every section.

    A report drafts some forty sections from the same two frames; looking rows up in pandas
    for each was a tenth of a unit's computing (issue #16). Built once per report.
    """

    def __init__(self, summary: pd.DataFrame, indicators: pd.DataFrame):
        self.meta: dict[str, dict[str, Any]] = {
            str(code): record
            for code, record in indicators.set_index("code").to_dict("index").items()
        }
        self.codes: dict[str, list[str]] = {}
        for code, record in self.meta.items():
            self.codes.setdefault(str(record["section_id"]), []).append(code)
        found = summary.dropna(subset=["period_value"]).drop_duplicates("indicator", keep="first")
        self.rows: dict[str, dict[str, Any]] = {
            str(code): record
            for code, record in found.set_index("indicator").to_dict("index").items()
        }

    def paragraph(
        self,
        unit: Mapping[str, object],
        section_id: str,
        period: str,
        *,
        who: str = "",
        siblings: str = "",
    ) -> str:
        """Return the drafted paragraph of one section (:func:`section_paragraph`)."""
        codes = self.codes.get(section_id, [])
        if not codes:  # most sections are the unit's own words
            return ""
        meta = self.meta
        rows = {c: self.rows[c] for c in codes if c in self.rows}
        inputs = [c for c in rows if meta[c]["kind"] != "ratio"]
        if not inputs:
            return ""
        level = str(unit.get("level"))
        ratio_of = {str(meta[c]["numerator"]): c for c in codes if meta[c]["kind"] == "ratio"}
        stocks: list[str] = []
        flows: list[str] = []
        absent_stocks: list[str] = []
        absent_flows: list[str] = []
        sentences: list[str] = []
        where = scope(unit)
        years = [rows[c]["last_year"] for c in inputs if pd.notna(rows[c]["last_year"])]
        last_year = int(max(years)) if years else None
        # a zero is said ("chưa phát sinh …") for a key indicator, or when it is all there is
        nonzero = any(rows[c]["period_value"] != 0 for c in inputs)
        last_prefix = {"stock": "", "flow": ""}
        for code in inputs:
            row = rows[code]
            if row["kind"] == "flag" and level == "xa":
                reached = "đạt" if row["last_value"] >= 1 else "chưa đạt"
                what = str(meta[code]["name"]).split(" đạt ", 1)[-1]
                sentences.append(f"Năm {row['last_year']}, xã {reached} {what}.")
                continue
            standing = row["kind"] in ("stock", "flag")
            if row["period_value"] == 0:
                if meta[code]["key"] or not nonzero:
                    (absent_stocks if standing else absent_flows).append(
                        _lower_first(str(meta[code]["name"]))
                    )
                continue
            target, slot = (stocks, "stock") if standing else (flows, "flow")
            clause = _clause(row, meta[code])
            # "bồi dưỡng … cho 674 cán bộ đối tượng 3, 707 cán bộ đối tượng 4": a phrase said once
            prefix = str(meta[code]["phrase"]).split("{v}", 1)[0]
            if target and prefix.strip() and prefix == last_prefix[slot]:
                target[-1] += ", " + clause[len(prefix) :]
            else:
                target.append(clause)
            last_prefix[slot] = prefix
            ratio = ratio_of.get(str(code))
            if ratio in rows:
                target.append(_clause(rows[ratio], meta[ratio]))
                last_prefix[slot] = ""
        if stocks or absent_stocks:
            parts = [*stocks, *([f"chưa có {', '.join(absent_stocks)}"] if absent_stocks else [])]
            verb = "có " if stocks else ""
            sentences.insert(0, f"Năm {last_year}, {where} {verb}{'; '.join(parts)}.")
        if flows:
            sentences.append(f"Giai đoạn {period}, {where} {'; '.join(flows)}.")
        if absent_flows:
            sentences.append(
                f"Giai đoạn {period}, {where} chưa phát sinh {'; '.join(absent_flows)}."
            )
        for code, row in rows.items():
            if not meta[code]["key"] or (row["kind"] == "flag" and level == "xa"):
                continue
            if row["period_value"] == 0 or (
                row["kind"] == "ratio" and str(meta[code]["numerator"]) not in inputs
            ):
                continue
            unit_of = str(meta[code]["unit"])
            said = subject(meta[code])
            change = change_text(row, unit_of)
            small = (unit_of not in ("%", "triệu đồng") and pd.notna(row.get("first_value"))
                     and 0 < float(row["first_value"]) < SMALL_BASE)  # fmt: skip
            if (
                change and unit_of != "%" and row["last_value"] == 0
            ):  # never "là 0", nor "giảm 100%"
                first_said = value_text(row["first_value"], unit_of) + (
                    "" if unit_of == "triệu đồng" else f" {unit_of}"
                )
                sentences.append(f"Năm {row['last_year']}, {where} chưa phát sinh {_lower_first(str(meta[code]['name']))} "
                                 f"(năm {row['first_year']}: {first_said}).")  # fmt: skip
            elif change and small and row["last_value"] == row["first_value"]:
                sentences.append(f"{said} năm {row['last_year']} và năm {row['first_year']} đều là "
                                 f"{value_text(row['last_value'], unit_of)} {unit_of}.")  # fmt: skip
            elif change and small:  # "tăng 100,0%" from 1 to 2 says less than the two numbers
                sentences.append(f"{said} năm {row['last_year']} là {value_text(row['last_value'], unit_of)} {unit_of}, "
                                 f"năm {row['first_year']} là {value_text(row['first_value'], unit_of)} {unit_of}.")  # fmt: skip
            elif change == "tương đương":
                sentences.append(
                    f"{said} năm {row['last_year']} tương đương năm {row['first_year']}."
                )
            elif change:
                sentences.append(
                    f"{said} năm {row['last_year']} {change} so với năm {row['first_year']}."
                )
            if siblings:
                numerator = str(meta[code]["numerator"])
                standing = numerator in meta and meta[numerator]["kind"] in ("stock", "flag")
                ranked = _rank_sentence(row, meta[code], who, siblings, period, standing)
                if ranked:
                    sentences.append(ranked)
        return " ".join(sentences)


def qualitative(narrative: Mapping[str, str], section_id: str) -> str:
    """Return the unit's text for a section, or the visible placeholder."""
    text = narrative.get(section_id, "")
    return text if text and text.strip() else PLACEHOLDER


def award_paragraph(
    stats: pd.DataFrame, forms: pd.DataFrame, money_total: float, complete: bool, payer: str = ""
) -> str:
    """Return a paragraph on awards: decided and proposed apart, by form, and the money.

    Parameters
    ----------
    stats
        Counts with columns ``form, recipient_type, count`` (and ``status``: decided
        ``quyet_dinh`` and proposed ``de_nghi`` are said apart).
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
    if "status" not in stats:
        stats = stats.assign(status="de_nghi")
    sentences = []
    for status, said in (
        ("quyet_dinh", "Đã có quyết định khen thưởng"),
        ("de_nghi", "Đang đề nghị khen thưởng"),
    ):
        mine = stats.loc[stats["status"] == status]
        parts = []
        for form in forms.sort_values("order")["code"]:
            rows = mine.loc[mine["form"] == form]
            if rows.empty:
                continue
            tt = int(rows.loc[rows["recipient_type"] == "tap_the", "count"].sum())
            cn = int(rows.loc[rows["recipient_type"] == "ca_nhan", "count"].sum())
            who = " và ".join(
                p for p in (f"{tt} tập thể" if tt else "", f"{cn} cá nhân" if cn else "") if p
            )
            parts.append(f"{names.at[form, 'short_name']}: {who}")
        if parts:
            sentences.append(
                f"{said} {vnformat.number(int(mine['count'].sum()))} hồ sơ ({'; '.join(parts)})."
            )
    text = " ".join(sentences)
    if money_total:
        mark = "" if complete else " (có mức thưởng chưa được xác nhận)"
        who = f"do {payer} chi trả" if payer else "do cấp báo cáo chi trả"
        text += f" Dự kiến kinh phí khen thưởng {who}: {vnformat.dong(money_total)}{mark}."
    return text


def conference_paragraph(conference: Mapping[str, object], title: str) -> str:
    """Return the sentence on the unit's review conference (date, chair, participants)."""
    when = conference.get("conference_date")
    if when is None or pd.isna(when):
        return f"{title}: chưa tổ chức hoặc chưa báo cáo ngày tổ chức."
    day = pd.Timestamp(when).date()
    text = f"{title} được tổ chức ngày {vnformat.date_prose(day)}"
    chair = conference.get("chair")
    if chair and not pd.isna(chair):
        text += f", do đồng chí {chair} chủ trì"
    people = conference.get("participants")
    if people is not None and not pd.isna(people):
        text += f", với {vnformat.number(float(people))} đại biểu tham dự"  # type: ignore[arg-type]
    return text + "."
