"""Award statistics, eligibility and duplicate checks, and award money (DESIGN §6).

Pure functions over DataFrames; no file I/O. Award records are the canonical ``awards``
table; the catalogue supplies forms, recipient groups, military collective levels, money
rates, base salaries and quotas.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.config import AWARD_GROUPS
from qptd_tools.core.vnformat import fold, same_name

LOCAL_LEVELS = ("xa", "huyen", "tinh")
FINDING_COLUMNS = ["code", "unit_code", "record_id", "form", "message"]
DEFAULT_BY = list(AWARD_GROUPS)


def _root(units: pd.DataFrame) -> str:
    return str(units.loc[units["level"] == "tinh", "unit_code"].iloc[0])


def district_of(units: pd.DataFrame) -> pd.Series:
    """Map every unit to its district.

    Communes map to their parent, districts to themselves, everything else to the province.
    """
    reg = units.set_index("unit_code")
    parent, level = reg["parent_code"], reg["level"]
    root = _root(units)

    def find(code: str) -> str:
        if level[code] == "huyen":
            return code
        up = parent.get(code, "")
        if up and level.get(up) == "huyen":
            return str(up)
        return root

    return pd.Series({c: find(c) for c in reg.index}, name="district_code")


def enrich(awards: pd.DataFrame, units: pd.DataFrame, forms: pd.DataFrame) -> pd.DataFrame:
    """Add the proposing unit's level and district, and the form's deciding and paying levels."""
    reg = units.set_index("unit_code")
    catalog = forms.set_index("code")
    out = awards.copy()
    out["unit_level"] = out["unit_code"].map(reg["level"])
    out["district_code"] = out["unit_code"].map(district_of(units))
    out["deciding_level"] = out["form"].map(catalog["decided_by"])
    out["paid_by"] = out["form"].map(catalog["paid_by"])
    out["form_order"] = out["form"].map(catalog["order"])
    return out


def within(awards: pd.DataFrame, units: pd.DataFrame, unit_code: str) -> pd.DataFrame:
    """Return the records of a unit and of every unit below it.

    A district gives its own records and its communes'; the province gives everything.
    """
    below = {unit_code}
    frontier = {unit_code}
    while frontier:
        frontier = set(units.loc[units["parent_code"].isin(frontier), "unit_code"]) - below
        below |= frontier
    return awards.loc[awards["unit_code"].isin(below)]


def statistics(enriched: pd.DataFrame, by: Sequence[str] = DEFAULT_BY) -> pd.DataFrame:
    """Count records by the given columns; columns ``by…, count``.

    The default groups by form × recipient type × group × deciding level × status.
    """
    if enriched.empty:
        return pd.DataFrame(columns=[*by, "count"])
    counts = enriched.groupby(list(by), dropna=False, observed=True).size().rename("count")
    return counts.reset_index()


def decided_vs_proposed(enriched: pd.DataFrame) -> pd.DataFrame:
    """Per form and recipient type: proposed, decided and total records."""
    table = enriched.pivot_table(
        index=["form", "recipient_type"],
        columns="status",
        values="record_id",
        aggfunc="count",
        fill_value=0,
    )
    table = table.reindex(columns=["de_nghi", "quyet_dinh"], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.reset_index().rename_axis(columns=None)


def shares(enriched: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Shares among individuals: women, ethnic minorities (not Kinh), commune level.

    Only aggregates: no individual's gender or ethnicity leaves this function.

    Returns
    -------
    pandas.DataFrame
        ``by…, individuals, women, women_pct, minorities, minorities_pct, commune_level,
        commune_level_pct`` (a share is over the individuals whose attribute is known).
    """
    people = enriched.loc[enriched["recipient_type"] == "ca_nhan"].copy()
    people["_woman"] = people["gender"].eq("nu").astype(float).where(people["gender"].notna())
    known_ethnicity = people["ethnicity"].fillna("").str.strip() != ""
    minority = people["ethnicity"].map(lambda e: fold(str(e)) != "kinh")
    people["_minority"] = minority.astype(float).where(known_ethnicity)
    people["_commune"] = (people["unit_level"] == "xa").astype(float)
    keys = list(by) if by else [lambda _: "all"]
    grouped = people.groupby(keys, dropna=False)
    out = pd.DataFrame({
        "individuals": grouped.size(),
        "women": grouped["_woman"].sum(),
        "women_pct": 100 * grouped["_woman"].mean(),
        "minorities": grouped["_minority"].sum(),
        "minorities_pct": 100 * grouped["_minority"].mean(),
        "commune_level": grouped["_commune"].sum(),
        "commune_level_pct": 100 * grouped["_commune"].mean(),
    })  # fmt: skip
    return out.reset_index(drop=not by)


def deciding_unit(enriched: pd.DataFrame, units: pd.DataFrame) -> pd.Series:
    """Return the unit whose authority decides each record (commune, district or province)."""
    root = _root(units)
    scope = np.where(
        enriched["deciding_level"] == "xa",
        enriched["unit_code"],
        np.where(enriched["deciding_level"] == "huyen", enriched["district_code"], root),
    )
    return pd.Series(scope, index=enriched.index)


def checks(
    enriched: pd.DataFrame,
    units: pd.DataFrame,
    forms: pd.DataFrame,
    groups: pd.DataFrame,
    collective_levels: pd.DataFrame,
    quotas: pd.DataFrame,
    level_words: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Eligibility, level, duplicate and quota checks; one finding per problem.

    ``level_words`` names the levels in messages ("huyện" for ``huyen``).

    Codes: ``QPTD-A001`` the form is not given to this kind of recipient (the Kỷ niệm
    chương only to individuals); ``QPTD-A002`` a military collective below company level
    or of unknown level; ``QPTD-A003`` a decided local form whose deciding level is not the
    unit's (e.g. a Giấy khen cấp xã decided outside a commune); ``QPTD-A004`` a proposal
    from a level that does not propose this form; ``QPTD-A005`` the same person or
    collective twice for the same form under the same deciding authority (matched across
    diacritics, spacing and case); ``QPTD-A006`` more records than the catalogue's quota;
    ``QPTD-A007`` a recipient group of the other recipient type.
    """
    catalog = forms.set_index("code")
    names = catalog["name"]
    words = dict(level_words or {})
    group_type = groups.set_index("code")["recipient_type"]
    eligible = set(collective_levels.loc[collective_levels["eligible"], "code"])
    level_names = collective_levels.set_index("code")["name"]
    rows: list[tuple[str, str, str, str, str]] = []

    def add(code: str, rec: Mapping[str, Any], message: str) -> None:
        rows.append((code, rec["unit_code"], rec["record_id"], rec["form"], message))

    for rec in enriched.to_dict("records"):
        form = rec["form"]
        who = "tập thể" if rec["recipient_type"] == "tap_the" else "cá nhân"
        label = f"{rec['recipient_name']} ({names[form]})"
        if rec["recipient_type"] not in catalog.at[form, "recipients"]:
            add("QPTD-A001", rec, f"{label}: hình thức này không áp dụng cho {who}.")
        if group_type.get(rec["recipient_group"]) != rec["recipient_type"]:
            add("QPTD-A007", rec, f"{label}: nhóm {rec['recipient_group']} không dành cho {who}.")
        if rec["recipient_group"] == "TT_QD" and rec["collective_level"] not in eligible:
            level = level_names.get(rec["collective_level"], "chưa ghi cấp")
            add(
                "QPTD-A002",
                rec,
                f"{label}: đơn vị quân đội cấp “{level}”; chỉ khen từ cấp đại đội trở lên.",
            )
        decider = catalog.at[form, "decided_by"]
        if (
            rec["status"] == "quyet_dinh"
            and decider in LOCAL_LEVELS
            and decider != rec["unit_level"]
        ):
            add(
                "QPTD-A003",
                rec,
                f"{label}: hình thức do cấp {words.get(decider, decider)} quyết định, không phải "
                "cấp của đơn vị.",
            )
        if (
            rec["status"] == "de_nghi"
            and rec["unit_level"] not in catalog.at[form, "proposing_levels"]
        ):
            add("QPTD-A004", rec, f"{label}: cấp của đơn vị không đề nghị hình thức này.")
    if len(enriched):
        keyed = enriched.assign(
            _scope=deciding_unit(enriched, units), _name=enriched["recipient_name"].map(fold)
        )
        key = ["_scope", "form", "_name"]
        keyed = keyed.loc[keyed.duplicated(key, keep=False)]  # a name alone has no double
        for (_, form, _), part in keyed.groupby(key):
            for cluster in _same_name_clusters(part):
                shown = "; ".join(
                    f"“{n}” ({u})"
                    for n, u in zip(cluster["recipient_name"], cluster["unit_code"], strict=True)
                )
                for _, rec in cluster.iloc[1:].iterrows():
                    add(
                        "QPTD-A005",
                        rec,
                        f"Có thể trùng: {names[form]} đề nghị {len(cluster)} lần cho {shown}.",
                    )
    for quota in quotas.itertuples():
        kind = str(getattr(quota, "recipient_type", "") or "")
        counted = enriched.loc[
            (enriched["form"] == quota.form)
            & (enriched["unit_level"] == quota.level)
            & ((enriched["recipient_type"] == kind) if kind else True)
        ]
        for _, part in counted.groupby("unit_code"):
            if len(part) > quota.max_count:
                rec = part.iloc[quota.max_count]
                add(
                    "QPTD-A006",
                    rec,
                    f"{names[quota.form]}: {len(part)} hồ sơ, vượt chỉ tiêu {quota.max_count}.",
                )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _same_name_clusters(part: pd.DataFrame) -> list[pd.DataFrame]:
    """Split records whose names fold alike into clusters of the same name (size > 1)."""
    if len(part) < 2:
        return []
    names = list(part["recipient_name"])
    group = list(range(len(names)))
    for i in range(len(names)):
        for j in range(i):
            if same_name(names[i], names[j]):
                old, new = group[i], group[j]
                group = [new if g == old else g for g in group]
    clusters = pd.Series(group, index=part.index)
    return [part.loc[idx] for _, idx in clusters.groupby(clusters).groups.items() if len(idx) > 1]


def base_salary_on(day: dt.date, salaries: pd.DataFrame) -> int:
    """Return the base salary in force on ``day`` (the latest ``effective_from`` ≤ day)."""
    valid = salaries.loc[salaries["effective_from"] <= day].sort_values("effective_from")
    if valid.empty:
        raise ValueError(f"no base salary for {day}")
    return int(valid["amount"].iloc[-1])


def money(
    enriched: pd.DataFrame,
    units: pd.DataFrame,
    rates: pd.DataFrame,
    salaries: pd.DataFrame,
    *,
    rounding: int,
    reference_date: dt.date,
    authorities: pd.DataFrame,
) -> pd.DataFrame:
    """Return each record's award money and who pays it.

    ``amount = coefficient × base salary on the decision date (the reference date for a
    proposal) × 2 for a collective``, rounded up to a multiple of ``rounding`` đồng
    (Decree 91/2017/NĐ-CP, Điều 68). ``rate_confirmed`` is False where the catalogue marks
    the rate unconfirmed; ``amount`` is NaN where no rate is known. ``authorities`` names the
    payer of forms paid outside the local levels (``authorities.csv``: Bộ Quốc phòng, …).
    """
    columns = ["record_id", "unit_code", "recipient_type", "form", "status", "decision_date", "paid_by",
               "salary_date", "base_salary", "coefficient", "amount", "rate_confirmed", "payer_code", "payer"]  # fmt: skip
    if enriched.empty:
        return pd.DataFrame(columns=columns)
    rate = rates.set_index("form")
    names = units.set_index("unit_code")["name"]
    root = _root(units)
    out = enriched[
        ["record_id", "unit_code", "recipient_type", "form", "status", "decision_date", "paid_by"]
    ].copy()
    days = [
        d.date() if isinstance(d, pd.Timestamp) and not pd.isna(d) else reference_date
        for d in enriched["decision_date"]
    ]
    out["salary_date"] = days
    salary = {d: base_salary_on(d, salaries) for d in set(days)}  # a few dozen decision days
    out["base_salary"] = [salary[d] for d in days]
    out["coefficient"] = out["form"].map(rate["coefficient"]).astype(float)
    multiplier = np.where(
        out["recipient_type"] == "tap_the", out["form"].map(rate["collective_multiplier"]), 1.0
    )
    raw = out["coefficient"] * out["base_salary"] * multiplier
    out["amount"] = [
        math.ceil(round(v, 6) / rounding) * rounding if pd.notna(v) else np.nan for v in raw
    ]
    out["rate_confirmed"] = out["form"].map(rate["confirmed"]).astype(bool)
    payer = np.where(
        out["paid_by"] == "xa",
        enriched["unit_code"],
        np.where(
            out["paid_by"] == "huyen",
            enriched["district_code"],
            np.where(out["paid_by"] == "tinh", root, ""),
        ),
    )
    out["payer_code"] = payer
    payers = dict(zip(authorities["code"], authorities["payer"], strict=True))
    out["payer"] = [
        names.get(p, payers.get(pb, pb)) if p else payers.get(pb, pb)
        for p, pb in zip(payer, out["paid_by"], strict=True)
    ]
    return out


def money_of(
    enriched: pd.DataFrame, cat: Catalog, reference_date: dt.date | None = None
) -> pd.DataFrame:
    """Return :func:`money` of records with the review's rates, and the deciding unit (``scope``).

    ``reference_date`` (default the review's) prices the records without a decision date.
    """
    out = money(enriched, cat.units, cat.award_rates, cat.base_salary,
                rounding=cat.review.award_rounding_dong,
                reference_date=reference_date or cat.review.award_reference_date,
                authorities=cat.authorities)  # fmt: skip
    out["scope"] = deciding_unit(enriched, cat.units).to_numpy() if len(enriched) else []
    return out


def money_summary(
    amounts: pd.DataFrame, by: Sequence[str] = ("paid_by", "payer_code", "payer")
) -> pd.DataFrame:
    """Return award money totals by payer.

    Columns ``records, amount, unconfirmed_records, unconfirmed_amount, unknown_records,
    complete``: a total that depends on an unconfirmed or unknown rate has ``complete``
    False.
    """
    grouped = amounts.assign(
        _unconfirmed=~amounts["rate_confirmed"],
        _unc_amount=amounts["amount"].where(~amounts["rate_confirmed"], 0.0).fillna(0.0),
        _unknown=amounts["amount"].isna(),
    ).groupby(list(by), dropna=False)
    out = pd.DataFrame({
        "records": grouped.size(),
        "amount": grouped["amount"].sum(min_count=1).fillna(0.0),
        "unconfirmed_records": grouped["_unconfirmed"].sum(),
        "unconfirmed_amount": grouped["_unc_amount"].sum(),
        "unknown_records": grouped["_unknown"].sum(),
    }).reset_index()  # fmt: skip
    out["complete"] = (out["unconfirmed_records"] == 0) & (out["unknown_records"] == 0)
    return out


def order_findings(
    enriched: pd.DataFrame, units: pd.DataFrame, conferences: pd.DataFrame
) -> pd.DataFrame:
    """Check the awards' dates against the order the guidance sets (seed V.3).

    Each level decides its awards and presents them at its own conference, so:
    ``QPTD-A008`` a decision of a People's Committee chair dated after that level's conference
    (one finding per decision); ``QPTD-A009`` proposals to a chair from a unit that sent its
    report (and with it its proposals) after that chair's conference: they cannot be decided
    there (one finding per proposing unit and chair).
    """
    rows: list[tuple[str, str, str, str, str]] = []
    if enriched.empty:
        return pd.DataFrame(rows, columns=FINDING_COLUMNS)
    held = conferences.dropna(subset=["conference_date"]).set_index("unit_code")["conference_date"]
    sent = conferences.dropna(subset=["report_submitted_date"]).set_index("unit_code")[
        "report_submitted_date"
    ]
    names = units.set_index("unit_code")["name"]
    local = enriched.loc[enriched["deciding_level"].isin(LOCAL_LEVELS)].assign(
        _scope=lambda d: deciding_unit(d, units)
    )
    decided = local.loc[(local["status"] == "quyet_dinh") & local["decision_date"].notna()]
    for (scope, number), part in decided.groupby(["_scope", decided["decision_no"].fillna("")]):
        day, conference = part["decision_date"].max(), held.get(scope)
        if conference is not None and day > conference:
            rec = part.iloc[0]
            rows.append(("QPTD-A008", str(scope), rec["record_id"], rec["form"],
                         f"Quyết định khen thưởng {number or '(chưa có số)'} ký ngày "
                         f"{vnformat.date_short(day.date())}, sau hội nghị sơ kết của {names[scope]} "
                         f"({vnformat.date_short(conference.date())}): khen thưởng được quyết định và trao "
                         "tại hội nghị (Hướng dẫn 297, mục V.3)."))  # fmt: skip
    waiting = local.loc[(local["status"] == "de_nghi") & (local["_scope"] != local["unit_code"])]
    for (unit, scope), part in waiting.groupby(["unit_code", "_scope"]):
        day, conference = sent.get(unit), held.get(scope)
        if day is not None and conference is not None and day > conference:
            rec = part.iloc[0]
            rows.append(("QPTD-A009", str(unit), rec["record_id"], rec["form"],
                         f"{len(part)} hồ sơ đề nghị {names[scope]} khen thưởng gửi ngày "
                         f"{vnformat.date_short(day.date())}, sau hội nghị sơ kết của {names[scope]} "
                         f"({vnformat.date_short(conference.date())}): không kịp xét và trao tại hội nghị."))  # fmt: skip
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def missing_quotas(quotas: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Return ``QPTD-A010`` once, for the province, when no award numbers are set.

    Guidance 297, III.C leaves them to a separate document; without them no count is checked.
    """
    rows: list[tuple[str, str, str, str, str]] = []
    if quotas.empty:
        rows.append(("QPTD-A010", _root(units), "", "",
                     "Chưa có số lượng khen thưởng do tỉnh giao (Hướng dẫn 297, mục III.C: văn bản riêng): "
                     "chưa kiểm tra được số lượng; ghi vào catalog/award_quotas.csv của thư mục làm việc "
                     "(hình thức, cấp, đối tượng, số tối đa mỗi đơn vị, tiêu chuẩn)."))  # fmt: skip
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
