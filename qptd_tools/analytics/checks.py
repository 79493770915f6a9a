"""All checks of a workspace's data in one place, as findings with stable codes.

``QPTD-C00x`` completeness, ``QPTD-C101`` consistency of a reported total with its
children, ``QPTD-C102`` year-on-year outliers, ``QPTD-C103`` a probable double count, ``QPTD-A00x`` award checks, ``QPTD-S00x``
deadlines and the conference plans' dates. Pure: the caller passes the catalogue and the stored tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qptd_tools.analytics import awards, completeness, deadlines, indicators
from qptd_tools.catalog import Catalog

COLUMNS = [
    "code",
    "unit_code",
    "unit_name",
    "indicator",
    "year",
    "section_id",
    "record_id",
    "event",
    "message",
]


@dataclass
class CheckResult:
    """Every check's tables and the findings of all of them."""

    completeness: pd.DataFrame
    coverage: pd.DataFrame  # what fills each narrative section of each submitted unit
    indicators: dict[str, pd.DataFrame]
    comparison: pd.DataFrame
    board: pd.DataFrame
    findings: pd.DataFrame


def _frame(found: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    out = found.reindex(columns=COLUMNS)
    out["unit_name"] = out["unit_code"].map(names)
    return out


def plan_dates(cat: Catalog, board: pd.DataFrame) -> pd.DataFrame:
    """Date each conference plan by the review's rules (:func:`deadlines.plan_dates`)."""
    return deadlines.plan_dates(board, cat.review.plan_lead_days,
                                cat.review.proposed_days_before_deadline, pd.Timestamp(cat.guidance_date))  # fmt: skip


def run(
    cat: Catalog,
    values: pd.DataFrame,
    award_records: pd.DataFrame,
    conferences: pd.DataFrame,
    narrative: pd.DataFrame,
    submissions: pd.DataFrame,
    years: list[int] | None = None,
    conflicts: pd.DataFrame | None = None,
) -> CheckResult:
    """Run every check over the stored tables.

    ``years`` restricts the computation to part of the review period (default: all of it);
    ``conflicts`` are the sections a workbook and a Word document gave different texts
    (``WorkspaceData.narrative_conflicts``), said as ``QPTD-C005``.

    Returns
    -------
    CheckResult
        ``findings`` has one row per finding: ``code, unit_code, unit_name, indicator,
        year, section_id, record_id, event, message``, in registry order.
    """
    units = cat.units
    years = list(years or cat.years)
    chair_signs = {
        lv for lv, rule in cat.documents["levels"].items() if rule.get("signer_from_chair")
    }
    values = values.loc[values["year"].isin(years)]
    names = units.set_index("unit_code")["name"]
    status = completeness.submission_status(units, submissions)
    submitted = units.loc[units["unit_code"].isin(status.loc[status["submitted"], "unit_code"])]
    missing = completeness.missing_values(submitted, cat.indicators, values, years)
    children = cat.review.rollup_children
    computed = indicators.compute(values, units, cat.indicators, years, children)
    drafted = completeness.drafted_sections(computed["summary"], cat.indicators)
    covered = completeness.coverage(submitted, cat.outline, narrative, drafted)
    sections = completeness.missing_sections(covered)
    per_level = {
        lv: len(cat.indicators_for(lv, inputs_only=True)) * len(cat.years)
        for lv in cat.levels["code"]
    }
    expected = units.set_index("unit_code")["level"].map(per_level)
    summary = completeness.summary(status, missing, sections, expected)

    comparison = indicators.area_comparison(
        computed["reported"], computed["values"], units, cat.indicators, children
    )
    enriched = awards.enrich(award_records, units, cat.award_forms)
    district = awards.district_of(units)
    board = deadlines.board(units, conferences, cat.deadlines, district)

    parts = [
        completeness.findings(
            status,
            missing,
            sections,
            dict(zip(cat.indicators["code"], cat.indicators["name"], strict=True)),
            completeness.missing_signers(submitted, conferences, chair_signs),
        ),
        indicators.consistency_findings(comparison, cat.indicators),
        indicators.outlier_findings(
            computed["reported"], cat.indicators, cat.review.outlier_min_level
        ),
        indicators.double_count_findings(
            computed["reported"],
            computed["children_sum"],
            cat.indicators,
            min_level=cat.review.outlier_min_level,
            window=cat.review.double_count_window,
            share=cat.review.double_count_share,
        ),
        awards.checks(
            enriched,
            units,
            cat.award_forms,
            cat.recipient_groups,
            cat.collective_levels,
            cat.award_quotas,
            cat.level_words,
        ),
        awards.order_findings(enriched, units, conferences),
        awards.missing_quotas(cat.award_quotas, units),
        deadlines.findings(board),
        completeness.conflict_findings(
            conflicts
            if conflicts is not None
            else pd.DataFrame(columns=["unit_code", "section_id", "kept", "other"]),
            {s: cat.section_title(s) for s in cat.outline["section_id"]},
        ),
        deadlines.plan_findings(
            plan_dates(cat, board), cat.review.plan_lead_days, pd.Timestamp(cat.guidance_date)
        ),
    ]
    found = pd.concat([_frame(p, names) for p in parts if len(p)], ignore_index=True)
    if found.empty:
        found = pd.DataFrame(columns=COLUMNS)
    order = {code: i for i, code in enumerate(units["unit_code"])}
    found["_order"] = found["unit_code"].map(order)
    found = found.sort_values(["_order", "code"], kind="stable").drop(columns="_order")
    found["year"] = found["year"].astype("Int64")
    return CheckResult(summary, covered, computed, comparison, board, found.reset_index(drop=True))
