"""``qptd``: the command line, one thin sub-command per step of the review.

Exit codes: 0 done; 1 something was rejected or is incomplete where the command says so;
2 a usage or input error (a message with its ``QPTD-E…`` code, never a traceback);
130 stopped by the user.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools import __version__, completeness
from qptd_tools.catalog import Catalog
from qptd_tools.config import Workspace
from qptd_tools.errors import Problem, QptdError, UsageInvalid, fail
from qptd_tools.intake.ingest import IngestReport, ingest
from qptd_tools.intake.template import build_workbook, save_workbook, template_name
from qptd_tools.sample import DEFAULT_SEED, write_sample
from qptd_tools.workspace import WorkspaceData

LEVELS = ("xa", "huyen", "tinh", "nganh", "donvi")


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


def _table(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2)
    if fmt == "csv":
        return frame.to_csv(index=False)
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


# --- check -------------------------------------------------------------------------------
def completeness_tables(data: WorkspaceData) -> dict[str, pd.DataFrame]:
    """Compute the completeness tables of a workspace (status, missing, sections, summary)."""
    cat = data.catalog
    status = completeness.submission_status(cat.units, data.submissions)
    submitted = cat.units.loc[
        cat.units["unit_code"].isin(status.loc[status["submitted"], "unit_code"])
    ]
    missing = completeness.missing_values(submitted, cat.indicators, data.values, cat.years)
    sections = completeness.missing_sections(submitted, cat.outline, data.narrative)
    per_level = {
        level: len(cat.indicators_for(level, inputs_only=True)) * len(cat.years) for level in LEVELS
    }
    expected = cat.units.set_index("unit_code")["level"].map(per_level)
    summary = completeness.summary(status, missing, sections, expected)
    findings = completeness.findings(status, missing, sections)
    return {"summary": summary, "findings": findings}


def _select(
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


def cmd_check(args: argparse.Namespace) -> int:
    """Report completeness: who submitted, what is missing."""
    data = WorkspaceData(args.root)
    tables = completeness_tables(data)
    summary = _select(data.catalog, tables["summary"], args.unit, args.district)
    findings = _select(data.catalog, tables["findings"], args.unit, args.district)
    if args.format == "json":
        payload = {
            "summary": json.loads(summary.to_json(orient="records", force_ascii=False)),
            "findings": json.loads(findings.to_json(orient="records", force_ascii=False)),
        }
        _out(args, json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if args.format == "csv":
        _out(args, findings.to_csv(index=False))
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
    by_level.index = by_level.index.map(lambda lv: {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện",
                                                    "xa": "Cấp xã", "nganh": "Sở, ban, ngành",
                                                    "donvi": "Đơn vị quân đội"}[lv])  # fmt: skip
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
    _out(args, f"Phát hiện ({len(findings)}):")
    limit = None if args.verbose else 30
    for row in findings.head(limit).itertuples():
        _out(args, f"  {row.code} {row.unit_code} {row.unit_name}: {row.message}")
    if limit is not None and len(findings) > limit:
        _out(args, f"  … và {len(findings) - limit} phát hiện khác (dùng --verbose để xem hết).")
    return 0


# --- demo --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """Sample → ingest → check, on the synthetic sample."""
    ws = Workspace.at(args.root)
    _say(args, "Bước 1/3: tạo DỮ LIỆU MẪU (không phải số liệu thật)")
    paths = write_sample(_catalog(ws), ws.sample, seed=args.seed, progress=not args.quiet)
    _say(args, f"  {len(paths)} biểu mẫu tại {ws.sample}")
    _say(args, "Bước 2/3: kiểm tra và nạp số liệu")
    report = _ingest(args, [ws.sample])
    _print_report(args, report)
    _say(args, "Bước 3/3: kiểm tra độ đầy đủ")
    args.unit = args.district = None
    cmd_check(args)
    _say(args, f"Kho dữ liệu: {ws.processed}")
    return 1 if report.rejected else 0


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
    parser.add_argument("--version", action="version", version=f"qptd {__version__}",
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
        p.add_argument("--format", choices=choices, default="text", help="Dạng kết quả.")

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

    p = sub("check", cmd_check, "Kiểm tra độ đầy đủ của số liệu đã nạp.")
    p.add_argument("--unit", metavar="MÃ", help="Chỉ một đơn vị.")
    p.add_argument("--district", metavar="MÃ", help="Một huyện và các xã của huyện.")
    p.add_argument("--verbose", action="store_true", help="In mọi phát hiện.")
    formats(p, ("text", "csv", "json"))

    p = sub("demo", cmd_demo, "Chạy thử trên DỮ LIỆU MẪU: tạo mẫu, nạp, kiểm tra.")
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
