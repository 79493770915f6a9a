"""The review's documents of chosen units: plans, award paperwork, budgets, reminders.

:func:`write_all` writes them under ``reports/`` (``qptd documents`` and ``qptd run``). The
documents of a set of units do not depend on which other units are written with them, so a
batch splits its units into parts and its workers write one part each
(:mod:`qptd_tools.batch.paperwork`): the same files, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd

from qptd_tools.analytics import awards, deadlines
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.export.save import FORMATS
from qptd_tools.store.workspace import WorkspaceData

KINDS = ("plan", "list", "decision", "submission", "budget", "reminder")


def write_all(data: WorkspaceData, kinds: tuple[str, ...] = KINDS,
              only: str | Collection[str] | None = None, day: dt.date | None = None,
              formats: Sequence[str] = FORMATS, number: str = "",
              signer: tuple[str, str] | None = None) -> list[Path]:  # fmt: skip
    """Write the review's documents of the chosen kinds (of some units only) under reports/.

    ``formats`` (``docx``, ``html``) applies to every kind but the award lists, which are
    always DOCX with their XLSX (an attachment and its data). ``day`` dates the plans, budget
    estimates, submissions and reminders (decisions keep their recorded dates; a plan dated
    on or after its conference is refused, QPTD-E082); ``number`` numbers the one document
    chosen; ``signer`` signs the chosen units' documents instead of the workbook's signer.
    """
    from qptd_tools.export.award_docs import write_documents
    from qptd_tools.export.award_lists import chosen_units, signers_of, write_lists
    from qptd_tools.export.reminders import issuer_of

    cat = data.catalog
    subs = data.submissions
    sample = bool(subs["is_sample"].any()) if len(subs) else False
    folder = data.paths.reports / "khen-thuong"
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    signers = signers_of(data.conferences)
    chosen = chosen_units(only)
    if signer is not None and chosen is not None:
        signers.update({u: (signer[0], signer[1] or signers.get(u, ("", ""))[1]) for u in chosen})
    paths: list[Path] = []
    if "list" in kinds:
        paths += write_lists(enriched, cat, folder, only=only, sample=sample,
                             signers=signers)  # fmt: skip
    paths += write_documents(enriched, cat, data.conferences, folder, only=only, sample=sample,
                             kinds=tuple(k for k in kinds if k in ("decision", "submission")), formats=formats,
                             day=day)  # fmt: skip
    board = _board(data)
    dates = _plan_dates(cat, board, chosen, day, plans="plan" in kinds)
    money = awards.money_of(enriched, cat) if {"budget", "plan"} & set(kinds) else None
    if "budget" in kinds:
        from qptd_tools.export.budget import write_budgets

        paths += write_budgets(money, cat, data.conferences, data.paths.reports / "du-toan", signers, only=chosen,
                               sample=sample, formats=formats, number=number,
                               dates={str(u): d.date() for u, d in zip(dates["unit_code"], dates["plan_date"], strict=True)})  # fmt: skip
    if "plan" in kinds:
        from qptd_tools.analytics import indicators
        from qptd_tools.export.plan import write_plans

        summary = indicators.compute(data.values, cat.units, cat.indicators, cat.years,
                                     cat.review.rollup_children)["summary"]  # fmt: skip
        scoped = enriched.assign(scope=awards.deciding_unit(enriched, cat.units))
        paths += write_plans(cat, scoped, money, summary, data.conferences, dates, data.paths.reports / "ke-hoach",
                             signers, only=chosen, sample=sample, formats=formats, number=number)  # fmt: skip
    if "reminder" in kinds:
        from qptd_tools.export.reminders import write_reminders

        if chosen is not None:
            board = board.loc[board["unit_code"].map(lambda c: issuer_of(cat, c) in chosen)]
        paths += write_reminders(board, cat, set(data.submissions["unit_code"]), data.paths.reports / "don-doc",
                                 signers, sample=sample, day=day, formats=formats, number=number)  # fmt: skip
    return paths


def check_day(data: WorkspaceData, kinds: Sequence[str], only: Collection[str] | None,
              day: dt.date | None) -> None:  # fmt: skip
    """Refuse a ``--date`` on or after a chosen unit's conference when plans are written.

    QPTD-E082, before any document is written: the message counts every chosen unit, not one
    part's (:func:`qptd_tools.batch.paperwork.write_in_parts`).
    """
    if day is None or "plan" not in kinds:
        return
    _plan_dates(data.catalog, _board(data), None if only is None else set(only), day, plans=True)


def _board(data: WorkspaceData) -> pd.DataFrame:
    """Return the deadline board the plans are dated by and the reminders written from."""
    cat = data.catalog
    return deadlines.board(
        cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
    )


def _plan_dates(
    cat: Catalog, board: pd.DataFrame, chosen: set[str] | None, day: dt.date | None, plans: bool
) -> pd.DataFrame:
    """Date the plans by the review's rules, or on the user's ``--date``.

    A plan is never dated on or after its conference: when ``plans`` are written, such a
    ``--date`` is refused (a budget estimate or a reminder may well be dated later).
    """
    from qptd_tools.analytics import checks

    dates = checks.plan_dates(cat, board)
    if day is None:
        return dates
    mine = (
        dates["unit_code"].isin(chosen)
        if chosen is not None
        else pd.Series(True, index=dates.index)
    )
    late = dates.loc[mine & (dates["conference_date"] <= pd.Timestamp(day))]
    if plans and len(late):
        said = ", ".join(
            f"{r.unit_code} ({vnformat.date_prose(r.conference_date.date())})"
            for r in late.head(5).itertuples()
        )
        raise fail(UsageInvalid, "QPTD-E082",
                   detail=f"--date {vnformat.date_prose(day)}: kế hoạch phải có trước hội nghị sơ kết, nhưng "
                          f"{len(late)} đơn vị họp trước hoặc đúng ngày đó: {said}; chọn ngày sớm hơn, hoặc "
                          "chọn --kind không có plan")  # fmt: skip
    dates.loc[mine, "plan_date"] = pd.Timestamp(day)
    return dates
