"""Sub-commands that read the store: ``check``, ``indicators``, ``awards``, ``deadlines``."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from qptd_tools.analytics import awards, checks, deadlines, indicators
from qptd_tools.cli.common import loaded, out, safe_csv, say, scope, table
from qptd_tools.core import vnformat
from qptd_tools.core.errors import StoreEmpty, UsageInvalid, fail
from qptd_tools.store.workspace import WorkspaceData

SUMMARY_COLUMNS = [
    "kind", "period_value", "first_year", "first_value", "last_year", "last_value", "change",
    "pct_change", "cagr_pct", "peak_year", "peak_value", "years_reported", "share_pct", "rank",
    "n_siblings",
]  # fmt: skip


def _checks(data: WorkspaceData) -> checks.CheckResult:
    return checks.run(
        data.catalog,
        data.values,
        data.awards,
        data.conferences,
        data.narrative,
        data.submissions,
        conflicts=data.narrative_conflicts,
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Report completeness, consistency, outliers, award checks and deadlines."""
    data = loaded(args)
    result = _checks(data)
    summary = scope(data.catalog, result.completeness, args.unit, args.district)
    findings = scope(data.catalog, result.findings, args.unit, args.district)
    if args.format == "json":
        payload = {
            "summary": json.loads(summary.to_json(orient="records", force_ascii=False)),
            "findings": json.loads(
                findings.to_json(orient="records", force_ascii=False, date_format="iso")
            ),
        }
        out(args, json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if args.format == "csv":
        out(args, safe_csv(findings))
        return 0
    submitted = int(summary["submitted"].sum())
    out(args, f"ĐỘ ĐẦY ĐỦ SỐ LIỆU — {submitted}/{len(summary)} đơn vị đã gửi số liệu")
    by_level = summary.groupby("level", sort=False).agg(
        don_vi=("unit_code", "size"),
        da_gui=("submitted", "sum"),
        o_thieu=("cells_missing", "sum"),
        o_can=("cells_expected", "sum"),
        muc_thieu=("sections_missing", "sum"),
    )
    by_level.index = by_level.index.map(lambda lv: data.catalog.level_name(str(lv)))
    by_level.index.name = "Cấp"
    by_level.columns = [
        "Số đơn vị",
        "Đã gửi",
        "Ô số liệu thiếu",
        "Ô số liệu cần",
        "Mục thuyết minh thiếu",
    ]
    out(args, by_level.to_string())
    out(args, "")
    counts = findings["code"].value_counts().sort_index()
    out(args, f"PHÁT HIỆN ({len(findings)}): " + ", ".join(f"{c} × {n}" for c, n in counts.items()))
    limit = None if args.verbose else 40
    for row in findings.head(limit).itertuples():
        out(args, f"  {row.code} {row.unit_code} {row.unit_name}: {row.message}")
    if limit is not None and len(findings) > limit:
        out(args, f"  … và {len(findings) - limit} phát hiện khác (dùng --verbose để xem hết).")
    return 0


# --- indicators, awards, deadlines ---------------------------------------------------------
SUMMARY_HEADERS = {
    "indicator": "Mã", "name": "Chỉ tiêu", "unit": "ĐVT", "period_value": "Cả giai đoạn",
    "first_value": "Năm đầu", "last_value": "Năm cuối", "pct_change": "Tăng/giảm (%)",
    "cagr_pct": "Tăng BQ/năm (%)", "peak_year": "Năm cao nhất", "years_reported": "Số năm",
    "share_pct": "Tỷ lệ xã (%)", "rank": "Xếp hạng",
}  # fmt: skip


def cmd_indicators(args: argparse.Namespace) -> int:
    """Print a unit's ten-year indicators (period summary, or the yearly series)."""
    data = loaded(args)
    cat = data.catalog
    unit = cat.resolve(args.unit)
    if not data.values["unit_code"].isin(cat.descendants(unit)).any():
        raise fail(StoreEmpty, "QPTD-E094", value=unit, detail=str(cat.unit(unit)["name"]))
    computed = indicators.compute(
        data.values, cat.units, cat.indicators, cat.years, cat.review.rollup_children
    )
    meta = cat.indicators.set_index("code")[["name", "unit", "section_id"]]
    if args.series:
        wide = computed["values"].xs(unit, level="unit_code", drop_level=True)
        frame = meta.join(wide, how="right").reset_index(names="indicator")
        frame.columns = [str(c) for c in frame.columns]
    else:
        part = computed["summary"].loc[computed["summary"]["unit_code"] == unit]
        frame = part.merge(meta, left_on="indicator", right_index=True)
        frame = frame[["unit_code", "indicator", "name", "unit", "section_id", *SUMMARY_COLUMNS]]
    order = {code: i for i, code in enumerate(cat.indicators["code"])}
    frame = frame.sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)
    if args.format == "table" and not args.series:
        shown = frame.copy()
        for col in ("period_value", "first_value", "last_value"):
            shown[col] = [vnformat.number(v, 2) for v in shown[col]]
        for col in ("pct_change", "cagr_pct", "share_pct"):
            shown[col] = [vnformat.number(v, 1) for v in shown[col]]
        shown = shown[list(SUMMARY_HEADERS)].rename(columns=SUMMARY_HEADERS)
        out(args, f"{cat.unit(unit)['name']} — giai đoạn {cat.period_text}")
        out(args, shown.to_string(index=False))
        return 0
    if args.format == "table":  # the series: one row per indicator, named, cut to the terminal
        frame = frame.drop(columns=["section_id"])
    out(args, table(frame, args.format, cat, keys=("indicator", "name")))
    return 0


def _award_lists(args: argparse.Namespace, data: WorkspaceData) -> int:
    from qptd_tools.export.documents import write_all

    folder = data.paths.reports / "khen-thuong"
    only = data.catalog.resolve(args.unit) if args.unit else None
    paths = write_all(data, ("list",), only)
    for path in paths:
        out(args, str(path))
    say(args, f"Đã ghi {len(paths) // 2} danh sách khen thưởng (DOCX và XLSX) tại {folder}")
    return 0


def cmd_awards(args: argparse.Namespace) -> int:
    """Print award statistics, shares, money or check findings; or write the award lists."""
    data = loaded(args)
    cat = data.catalog
    records = data.awards
    if args.unit:
        args.unit = cat.resolve(args.unit)  # "61" is 061, as everywhere
        records = awards.within(records, cat.units, args.unit)
    if args.list:
        return _award_lists(args, data)
    enriched = awards.enrich(records, cat.units, cat.award_forms)
    if args.view == "stats":
        by = [c.strip() for c in args.by.split(",")] if args.by else awards.DEFAULT_BY
        unknown = [c for c in by if c not in enriched.columns]
        if unknown:
            raise fail(UsageInvalid, "QPTD-E082", detail=f"cột không có: {', '.join(unknown)}")
        frame = awards.statistics(enriched, by)
    elif args.view == "shares":
        frame = awards.shares(enriched, [c.strip() for c in args.by.split(",")] if args.by else ())
    elif args.view == "money":
        frame = awards.money_summary(awards.money_of(enriched, cat))
    else:
        frame = awards.checks(enriched, cat.units, cat.award_forms, cat.recipient_groups,
                              cat.collective_levels, cat.award_quotas, cat.level_words)  # fmt: skip
    out(args, table(frame, args.format, cat))
    return 0


def cmd_deadlines(args: argparse.Namespace) -> int:
    """Print the deadline board, or its summary per district."""
    data = loaded(args)
    cat = data.catalog
    board = deadlines.board(
        cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
    )
    frame = deadlines.summary(board) if args.summary else scope(cat, board, None, args.district)
    if args.format == "table" and not args.summary:
        shown = frame[["unit_code", "name", "conference_date", "conference_status", "conference_days_late",
                       "report_date", "report_status", "report_days_late"]].copy()  # fmt: skip
        for col in ("conference_date", "report_date"):
            shown[col] = [
                vnformat.date_short(d.date() if pd.notna(d) else None) for d in shown[col]
            ]
        for col in ("conference_status", "report_status"):
            shown[col] = shown[col].map(deadlines.STATUS)
        shown.columns = ["Mã", "Đơn vị", "Ngày hội nghị", "Hội nghị", "Trễ (ngày)", "Ngày gửi báo cáo",
                         "Báo cáo", "Trễ (ngày)"]  # fmt: skip
        out(args, shown.to_string(index=False))
        return 0
    out(args, table(frame, args.format, cat, keys=("district_code",)))
    return 0
