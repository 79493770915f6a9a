"""``qptd``: the command line, one thin sub-command per step of the review.

Exit codes: 0 done; 1 something was rejected or is incomplete where the command says so;
2 a usage or input error (a message with its ``QPTD-E…`` code, never a traceback);
130 stopped by the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.analytics import awards, checks, deadlines, indicators
from qptd_tools.batch.job import Batch, summary_line
from qptd_tools.batch.selection import select_units
from qptd_tools.catalog import Catalog
from qptd_tools.catalog.schemas import LEVELS
from qptd_tools.core import vnformat
from qptd_tools.core.config import VERSION, Workspace
from qptd_tools.core.errors import Problem, QptdError, StoreEmpty, UsageInvalid, fail
from qptd_tools.core.fsutil import safe_cell
from qptd_tools.intake.ingest import IngestReport, ingest
from qptd_tools.intake.template import build_workbook, save_workbook, template_name
from qptd_tools.sample.generate import DEFAULT_SEED, write_sample
from qptd_tools.store.workspace import WorkspaceData

SUMMARY_COLUMNS = [
    "kind", "period_value", "first_year", "first_value", "last_year", "last_value", "change",
    "pct_change", "cagr_pct", "peak_year", "peak_value", "years_reported", "share_pct", "rank",
    "n_siblings",
]  # fmt: skip


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix or "Cách dùng: ")


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Tham số"
        self._optionals.title = "Tùy chọn"
        self.add_argument("-h", "--help", action="help", help="In hướng dẫn này rồi thoát.")

    def error(self, message: str) -> Any:
        raise fail(UsageInvalid, "QPTD-E082", detail=message)


def _out(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stdout)


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr)


def _safe_csv(frame: pd.DataFrame) -> str:
    """Return CSV text in which no cell can run as a spreadsheet formula."""
    cleaned = frame.copy()
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(safe_cell)
    return cleaned.to_csv(index=False).rstrip("\n")


def _table(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2)
    if fmt == "csv":
        return _safe_csv(frame)
    return frame.to_string(index=False) if len(frame) else "(không có)"


# --- sample ------------------------------------------------------------------------------
def cmd_sample(args: argparse.Namespace) -> int:
    """Write the synthetic sample workbooks."""
    ws = Workspace.at(args.root)
    out = Path(args.out) if args.out else ws.sample
    paths = write_sample(_catalog(ws), out, seed=args.seed, progress=not args.quiet)
    _say(args, f"Đã tạo {len(paths)} biểu mẫu DỮ LIỆU MẪU (không phải số liệu thật) tại {out}")
    return 0


def _catalog(ws: Workspace) -> Catalog:
    from qptd_tools.catalog import load_catalog

    return load_catalog(ws.root)


# --- template ----------------------------------------------------------------------------
def cmd_template(args: argparse.Namespace) -> int:
    """Write blank fill-in workbooks, or list the units."""
    ws = Workspace.at(args.root)
    cat = _catalog(ws)
    units = cat.units
    if args.list:
        _out(args, _table(units[["unit_code", "name", "level", "parent_code"]], args.format))
        return 0
    if args.unit:
        for code in args.unit:
            cat.unit(code)
        chosen = list(args.unit)
    elif args.level:
        chosen = list(units.loc[units["level"] == args.level, "unit_code"])
    elif args.all:
        chosen = list(units["unit_code"])
    else:
        raise fail(UsageInvalid, "QPTD-E082", detail="chọn --unit MÃ, --level CẤP hoặc --all")
    out = Path(args.out) if args.out else ws.templates
    for code in chosen:
        save_workbook(build_workbook(cat, code), out / template_name(code))
    _say(args, f"Đã tạo {len(chosen)} biểu mẫu trống tại {out}")
    return 0


# --- ingest ------------------------------------------------------------------------------
def _print_report(args: argparse.Namespace, report: IngestReport) -> None:
    if args.format == "json":
        _out(args, json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    for res in report.files:
        shown = [p for p in res.problems if p.code != "QPTD-W108" or args.verbose]
        if res.status == "rejected":
            _out(args, f"TỪ CHỐI {res.path} ({len(res.errors)} lỗi, {len(res.warnings)} cảnh báo)")
        elif shown:
            _out(args, f"ĐÃ NẠP {res.path} ({len(res.warnings)} cảnh báo)")
        for problem in shown:
            _out(args, f"  {problem}")
    _out(
        args,
        f"Kết quả: nhận {report.count('accepted')} tệp, không đổi {report.count('unchanged')}, "
        f"từ chối {report.count('rejected')}.",
    )


def _ingest(args: argparse.Namespace, paths: Sequence[Path]) -> IngestReport:
    data = WorkspaceData(args.root)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise fail(UsageInvalid, "QPTD-E001", file=str(missing[0]))
    return ingest(paths, data.store, data.catalog, progress=not args.quiet)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Validate and load workbooks and tables."""
    report = _ingest(args, [Path(p) for p in args.paths])
    _print_report(args, report)
    return 1 if report.rejected else 0


# --- check ------------------------------------------------------------------------------
def _scope(
    cat: Catalog, frame: pd.DataFrame, unit: str | None, district: str | None
) -> pd.DataFrame:
    if unit:
        cat.unit(unit)
        return frame.loc[frame["unit_code"] == unit]
    if district:
        cat.unit(district)
        codes = {district, *cat.children(district)["unit_code"]}
        return frame.loc[frame["unit_code"].isin(codes)]
    return frame


def _checks(data: WorkspaceData) -> checks.CheckResult:
    return checks.run(
        data.catalog, data.values, data.awards, data.conferences, data.narrative, data.submissions
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Report completeness, consistency, outliers, award checks and deadlines."""
    data = WorkspaceData(args.root)
    if data.store.current() is None:
        _say(args, str(Problem("QPTD-E093", file=str(data.paths.root))))
    result = _checks(data)
    summary = _scope(data.catalog, result.completeness, args.unit, args.district)
    findings = _scope(data.catalog, result.findings, args.unit, args.district)
    if args.format == "json":
        payload = {
            "summary": json.loads(summary.to_json(orient="records", force_ascii=False)),
            "findings": json.loads(
                findings.to_json(orient="records", force_ascii=False, date_format="iso")
            ),
        }
        _out(args, json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if args.format == "csv":
        _out(args, _safe_csv(findings))
        return 0
    submitted = int(summary["submitted"].sum())
    _out(args, f"ĐỘ ĐẦY ĐỦ SỐ LIỆU — {submitted}/{len(summary)} đơn vị đã gửi số liệu")
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
    _out(args, by_level.to_string())
    _out(args, "")
    counts = findings["code"].value_counts().sort_index()
    _out(
        args, f"PHÁT HIỆN ({len(findings)}): " + ", ".join(f"{c} × {n}" for c, n in counts.items())
    )
    limit = None if args.verbose else 40
    for row in findings.head(limit).itertuples():
        _out(args, f"  {row.code} {row.unit_code} {row.unit_name}: {row.message}")
    if limit is not None and len(findings) > limit:
        _out(args, f"  … và {len(findings) - limit} phát hiện khác (dùng --verbose để xem hết).")
    return 0


# --- indicators, awards, deadlines ---------------------------------------------------------
SUMMARY_HEADERS = {
    "indicator": "Mã", "name": "Chỉ tiêu", "unit": "ĐVT", "period_value": "Cả giai đoạn",
    "first_value": "Năm đầu", "last_value": "Năm cuối", "pct_change": "Tăng/giảm (%)",
    "cagr_pct": "Tăng BQ/năm (%)", "peak_year": "Năm cao nhất", "years_reported": "Số năm",
    "share_pct": "Tỷ lệ xã (%)", "rank": "Xếp hạng",
}  # fmt: skip


def _loaded(args: argparse.Namespace) -> WorkspaceData:
    data = WorkspaceData(args.root)
    if data.store.current() is None:
        raise fail(StoreEmpty, "QPTD-E093", file=str(data.paths.root))
    return data


def cmd_indicators(args: argparse.Namespace) -> int:
    """Print a unit's ten-year indicators (period summary, or the yearly series)."""
    data = _loaded(args)
    cat = data.catalog
    cat.unit(args.unit)
    computed = indicators.compute(
        data.values, cat.units, cat.indicators, cat.years, cat.review.rollup_children
    )
    meta = cat.indicators.set_index("code")[["name", "unit", "section_id"]]
    if args.series:
        wide = computed["values"].xs(args.unit, level="unit_code", drop_level=True)
        frame = meta.join(wide, how="right").reset_index(names="indicator")
        frame.columns = [str(c) for c in frame.columns]
    else:
        part = computed["summary"].loc[computed["summary"]["unit_code"] == args.unit]
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
        _out(args, f"{cat.unit(args.unit)['name']} — giai đoạn {cat.years[0]}–{cat.years[-1]}")
        _out(args, shown.to_string(index=False))
        return 0
    _out(args, _table(frame, "text" if args.format == "table" else args.format))
    return 0


def _award_lists(args: argparse.Namespace, data: WorkspaceData) -> int:
    from qptd_tools.export.award_lists import write_lists

    cat = data.catalog
    subs = data.submissions
    sample = bool(subs["is_sample"].any()) if len(subs) else False
    out = data.paths.reports / "khen-thuong"
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    only = cat.resolve(args.unit) if args.unit else None
    paths = write_lists(enriched, cat, out, data.paths.root, only=only, sample=sample)
    for path in paths:
        _out(args, str(path))
    _say(args, f"Đã ghi {len(paths) // 2} danh sách khen thưởng (DOCX và XLSX) tại {out}")
    return 0


def cmd_awards(args: argparse.Namespace) -> int:
    """Print award statistics, shares, money or check findings; or write the award lists."""
    data = _loaded(args)
    cat = data.catalog
    records = data.awards
    if args.unit:
        cat.unit(args.unit)
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
        amounts = awards.money(enriched, cat.units, cat.award_rates, cat.base_salary,
                               rounding=cat.review.award_rounding_dong,
                               reference_date=cat.review.award_reference_date,
                               authorities=cat.authorities)  # fmt: skip
        frame = awards.money_summary(amounts)
    else:
        frame = awards.checks(enriched, cat.units, cat.award_forms, cat.recipient_groups,
                              cat.collective_levels, cat.award_quotas)  # fmt: skip
    _out(args, _table(frame, "text" if args.format == "table" else args.format))
    return 0


def cmd_deadlines(args: argparse.Namespace) -> int:
    """Print the deadline board, or its summary per district."""
    data = _loaded(args)
    cat = data.catalog
    board = deadlines.board(
        cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
    )
    frame = deadlines.summary(board) if args.summary else _scope(cat, board, None, args.district)
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
        _out(args, shown.to_string(index=False))
        return 0
    _out(args, _table(frame, "text" if args.format == "table" else args.format))
    return 0


# --- run ---------------------------------------------------------------------------------
def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in ("html", "docx")]
    if unknown:
        raise fail(
            UsageInvalid,
            "QPTD-E082",
            detail=f"định dạng không hỗ trợ: {', '.join(unknown)} (html, docx)",
        )
    return chosen


def cmd_run(args: argparse.Namespace) -> int:
    """Run the unit report notebook for the selected units."""
    data = WorkspaceData(args.root)
    units = select_units(data.catalog, args.unit or (), args.district, args.level, args.all)
    job = Batch(
        data,
        units,
        workers=args.workers or (os.cpu_count() or 1),
        timeout=args.timeout,
        force=args.force,
        notebook=Path(args.notebook) if args.notebook else None,
        scheduler=args.scheduler,
        progress=not args.quiet,
        formats=_formats(args.formats),
        warm=not args.cold,
    )
    _say(args, f"Chạy báo cáo cho {len(units)} đơn vị…")
    result = job.run()
    if args.format == "json":
        _out(args, json.dumps(result.entries, ensure_ascii=False, indent=2))
    else:
        for code in result.failed:
            entry = result.entries[code]
            _out(
                args,
                f"  LỖI {code}: {entry.get('error')} → {data.paths.reports / code / (code + '.ipynb')}",
            )
        _out(args, summary_line(result))
    return 1 if result.failed else 0


# --- demo --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """Sample → ingest → check, on the synthetic sample."""
    ws = Workspace.at(args.root)
    _say(args, "Bước 1/4: tạo DỮ LIỆU MẪU (không phải số liệu thật)")
    paths = write_sample(_catalog(ws), ws.sample, seed=args.seed, progress=not args.quiet)
    _say(args, f"  {len(paths)} biểu mẫu tại {ws.sample}")
    _say(args, "Bước 2/4: kiểm tra và nạp số liệu")
    report = _ingest(args, [ws.sample])
    _print_report(args, report)
    _say(args, "Bước 3/4: kiểm tra số liệu")
    district, args.unit, args.district = args.district, None, None
    cmd_check(args)
    args.district = district
    data = WorkspaceData(ws.root)
    if args.district:
        units = select_units(data.catalog, district=args.district)
    else:
        units = select_units(data.catalog, all_units=True)
    _say(args, f"Bước 4/4: lập báo cáo (sổ tay, HTML, DOCX) cho {len(units)} đơn vị")
    result = Batch(data, units, progress=not args.quiet).run()
    _out(args, summary_line(result))
    _out(args, f"Kho dữ liệu: {ws.processed}")
    _out(
        args,
        f"Báo cáo: {ws.reports / 'index.html'} (mỗi đơn vị: reports/<mã>/bao-cao.html, bao-cao.docx)",
    )
    _out(args, f"Ví dụ báo cáo của tỉnh: {ws.reports / '06' / 'bao-cao.docx'}")
    return 1 if report.rejected or result.failed else 0


# --- parser ------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """Return the ``qptd`` argument parser."""
    parser = _Parser(
        prog="qptd",
        description="Bộ công cụ sơ kết xây dựng nền quốc phòng toàn dân giai đoạn 2009–2019.",
        epilog="Ví dụ: qptd demo   |   qptd ingest data/raw   |   qptd check --district 061",
    )
    parser.add_argument(
        "--root", help="Thư mục làm việc (mặc định: $QPTD_ROOT hoặc thư mục hiện tại)."
    )
    parser.add_argument("--quiet", action="store_true", help="Không in tiến trình.")
    parser.add_argument("--debug", action="store_true", help="In chi tiết lỗi nội bộ.")
    parser.add_argument("--version", action="version", version=f"qptd {VERSION}",
                        help="In phiên bản rồi thoát.")  # fmt: skip
    subs = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    subs.required = True

    def sub(
        name: str, func: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        p = subs.add_parser(name, help=text, description=text)
        p.set_defaults(func=func)
        return p

    def formats(p: argparse.ArgumentParser, choices: tuple[str, ...] = ("text", "json")) -> None:
        p.add_argument("--format", choices=choices, default=choices[0], help="Dạng kết quả.")

    p = sub("sample", cmd_sample, "Tạo DỮ LIỆU MẪU (biểu mẫu đã điền) cho mọi đơn vị.")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Hạt giống ngẫu nhiên.")
    p.add_argument("--out", help="Thư mục ghi (mặc định data/sample).")

    p = sub("template", cmd_template, "Tạo biểu mẫu trống cho đơn vị.")
    p.add_argument("--unit", nargs="+", metavar="MÃ", help="Mã đơn vị.")
    p.add_argument("--level", choices=LEVELS, help="Mọi đơn vị của một cấp.")
    p.add_argument("--all", action="store_true", help="Mọi đơn vị trong danh mục.")
    p.add_argument("--list", action="store_true", help="Liệt kê danh mục đơn vị.")
    p.add_argument("--out", help="Thư mục ghi (mặc định data/templates).")
    formats(p, ("text", "csv", "json"))

    p = sub(
        "ingest", cmd_ingest, "Kiểm tra và nạp biểu mẫu (.xlsx) hoặc bảng chuẩn (.csv, .parquet)."
    )
    p.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="Tệp hoặc thư mục.")
    p.add_argument("--verbose", action="store_true", help="In cả các tệp không thay đổi.")
    formats(p)

    p = sub("check", cmd_check, "Kiểm tra số liệu đã nạp: độ đầy đủ, khớp tổng, bất thường, "
            "khen thưởng, hạn nộp.")  # fmt: skip
    p.add_argument("--unit", metavar="MÃ", help="Chỉ một đơn vị.")
    p.add_argument("--district", metavar="MÃ", help="Một huyện và các xã của huyện.")
    p.add_argument("--verbose", action="store_true", help="In mọi phát hiện.")
    formats(p, ("text", "csv", "json"))

    p = sub("indicators", cmd_indicators, "Chỉ tiêu 10 năm của một đơn vị (tổng hợp cả giai đoạn).")
    p.add_argument("--unit", metavar="MÃ", required=True, help="Mã đơn vị.")
    p.add_argument("--series", action="store_true", help="In số liệu từng năm thay cho tổng hợp.")
    formats(p, ("table", "csv", "json"))

    p = sub("awards", cmd_awards, "Thống kê, kiểm tra và tiền thưởng khen thưởng.")
    p.add_argument("--unit", metavar="MÃ", help="Một đơn vị và các đơn vị cấp dưới.")
    p.add_argument("--view", choices=("stats", "shares", "money", "checks"), default="stats",
                   help="stats: số lượng; shares: tỷ lệ nữ, dân tộc thiểu số, cấp xã; "
                        "money: tiền thưởng theo cấp chi; checks: kiểm tra.")  # fmt: skip
    p.add_argument(
        "--list",
        action="store_true",
        help="Ghi danh sách khen thưởng (DOCX, XLSX) của từng cấp quyết định (--unit: của một cấp).",
    )
    p.add_argument(
        "--by", metavar="CỘT,…", help="Cột nhóm (mặc định: " + ",".join(awards.DEFAULT_BY) + ")."
    )
    formats(p, ("table", "csv", "json"))

    p = sub("deadlines", cmd_deadlines, "Bảng theo dõi hạn tổ chức hội nghị và gửi báo cáo.")
    p.add_argument("--district", metavar="MÃ", help="Một huyện và các xã của huyện.")
    p.add_argument("--summary", action="store_true", help="Tổng hợp theo huyện.")
    formats(p, ("table", "csv", "json"))

    p = sub("run", cmd_run, "Chạy sổ tay báo cáo (papermill) cho từng đơn vị, song song.")
    p.add_argument("--unit", nargs="+", metavar="MÃ", help="Mã đơn vị.")
    p.add_argument("--district", metavar="MÃ", help="Một huyện và mọi xã của huyện.")
    p.add_argument("--level", choices=LEVELS, help="Mọi đơn vị của một cấp.")
    p.add_argument("--all", action="store_true", help="Mọi đơn vị trong danh mục.")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Số tiến trình chạy song song (mặc định: số nhân CPU).",
    )
    p.add_argument(
        "--timeout", type=float, default=600, help="Số giây tối đa cho một đơn vị (mặc định 600)."
    )
    p.add_argument("--force", action="store_true", help="Chạy lại cả đơn vị có dữ liệu không đổi.")
    p.add_argument("--notebook", help="Sổ tay cần chạy (mặc định notebooks/unit_report.ipynb).")
    p.add_argument(
        "--scheduler", metavar="ĐỊA_CHỈ", help="Gửi tới cụm Dask (tcp://máy:cổng) thay cho máy này."
    )
    p.add_argument(
        "--formats",
        default="html,docx",
        help='Tệp xuất ra: html, docx (mặc định cả hai; "" để không xuất).',
    )
    p.add_argument(
        "--cold",
        action="store_true",
        help="Mỗi đơn vị một nhân Python mới (mặc định: dùng lại nhân đã nạp).",
    )
    formats(p)

    p = sub(
        "demo",
        cmd_demo,
        "Chạy thử trên DỮ LIỆU MẪU: tạo mẫu, nạp, kiểm tra, lập báo cáo toàn tỉnh.",
    )
    p.add_argument(
        "--district", metavar="MÃ", help="Chỉ lập báo cáo cho một huyện và các xã (nhanh hơn)."
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Hạt giống ngẫu nhiên.")
    p.add_argument("--verbose", action="store_true", help="In mọi phát hiện.")
    formats(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``qptd``; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        return int(args.func(args))
    except QptdError as exc:
        print(str(exc.problem), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu người dùng.", file=sys.stderr)
        return 130
    except Exception as exc:
        if args is not None and args.debug:
            traceback.print_exc()
        print(str(Problem("QPTD-E099", detail=type(exc).__name__)), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
