"""Sub-commands that make and take files: ``sample``, ``template``, ``ingest``, ``history``."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qptd_tools.cli.common import catalog, out, say, table
from qptd_tools.core.config import Workspace
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.intake.ingest import STATUS_WORDS, IngestReport, ingest, read_submission
from qptd_tools.intake.template import build_workbook, save_workbook, template_name
from qptd_tools.sample.generate import write_sample
from qptd_tools.store import history as H
from qptd_tools.store.workspace import WorkspaceData

LABELS = {
    "accepted": "ĐÃ NẠP",
    "unchanged": "KHÔNG ĐỔI",
    "superseded": "BẢN CŨ",
    "duplicate": "TRÙNG",
    "set_aside": "KHÔNG DÙNG",
    "rejected": "TỪ CHỐI",
    "ignored": "BỎ QUA",
}


def cmd_sample(args: argparse.Namespace) -> int:
    """Write the synthetic sample workbooks."""
    ws = Workspace.at(args.root)
    folder = Path(args.out) if args.out else ws.sample
    paths = write_sample(catalog(ws), folder, seed=args.seed, progress=not args.quiet)
    say(args, f"Đã tạo {len(paths)} biểu mẫu DỮ LIỆU MẪU (không phải số liệu thật) tại {folder}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """Write blank fill-in workbooks, or list the units."""
    ws = Workspace.at(args.root)
    cat = catalog(ws)
    units = cat.units
    if args.list:
        out(args, table(units[["unit_code", "name", "level", "parent_code"]], args.format))
        return 0
    if args.unit:
        chosen = [cat.resolve(code) for code in args.unit]
    elif args.level:
        chosen = list(units.loc[units["level"] == args.level, "unit_code"])
    elif args.all:
        chosen = list(units["unit_code"])
    else:
        raise fail(UsageInvalid, "QPTD-E082", detail="chọn --unit MÃ, --level CẤP hoặc --all")
    folder = Path(args.out) if args.out else ws.templates
    for code in chosen:
        save_workbook(build_workbook(cat, code), folder / template_name(code))
    say(args, f"Đã tạo {len(chosen)} biểu mẫu trống tại {folder}")
    return 0


def print_report(args: argparse.Namespace, report: IngestReport) -> None:
    """Print what became of every file: its status, why, and each problem with its cell."""
    if args.format == "json":
        out(args, json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    verbose = getattr(args, "verbose", False)
    grouped: dict[str, list[str]] = {}
    for res in report.files:
        shown = [p for p in res.problems if p.code != "QPTD-W108" or verbose]
        quiet = res.status in ("unchanged", "superseded", "duplicate") and not verbose
        if quiet or (res.status == "accepted" and not shown and not verbose):
            grouped.setdefault(res.status, []).append(res.path.name)  # named, on one line
            continue
        counts = []
        if res.errors:
            counts.append(f"{len(res.errors)} lỗi")
        if res.warnings:
            counts.append(f"{len(res.warnings)} cảnh báo")
        tail = f" — {res.note}" if res.note else ""
        tail += f" ({', '.join(counts)})" if counts else ""
        out(args, f"{LABELS[res.status]} {res.path}{tail}")
        for problem in shown:
            out(args, f"  {problem}")
    for status, names in grouped.items():
        out(args, textwrap.fill(f"{LABELS[status]} ({len(names)}): {', '.join(names)}.",
                                width=100, subsequent_indent="  ", break_on_hyphens=False))  # fmt: skip
    out(args, report.summary())


def run_ingest(args: argparse.Namespace, paths: Sequence[Path]) -> IngestReport:
    """Ingest ``paths`` into the workspace's store (``--use`` settles conflicts)."""
    data = WorkspaceData(args.root)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise fail(UsageInvalid, "QPTD-E001", file=str(missing[0]))
    use = list(getattr(args, "use", None) or [])
    return ingest(paths, data.store, data.catalog, progress=not args.quiet, use=use)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Validate and load workbooks and tables."""
    report = run_ingest(args, [Path(p) for p in args.paths])
    print_report(args, report)
    return 1 if report.rejected else 0


def _version_tables(data: WorkspaceData, sha: str) -> dict[str, pd.DataFrame]:
    """Re-read a kept file into canonical tables (empty when it can no longer be read)."""
    kept = data.store.kept(sha)
    if kept is None:
        return {}
    result = read_submission(kept, data.catalog)
    return dict(result.frames)


def _log(data: WorkspaceData, unit: str) -> list[dict]:
    path = data.store.path / "ingest_log.jsonl"
    if not path.is_file():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [e for e in entries if unit in e.get("units", []) and e.get("status") == "rejected"]


def cmd_history(args: argparse.Namespace) -> int:
    """List every file a unit sent, which one is in force, and what changed between them."""
    data = WorkspaceData(args.root)
    cat = data.catalog
    unit = cat.resolve(args.unit)
    history, subs = data.store.read("history"), data.store.read("submissions")
    listing = H.versions(history, subs, unit)
    names = dict(zip(cat.indicators["code"], cat.indicators["name"], strict=True))
    changes: list[pd.DataFrame] = []
    previous: dict[str, pd.DataFrame] = {}
    for version in listing.itertuples():
        frames = _version_tables(data, version.source_sha256)
        diff = (
            H.differences(previous, frames, unit, names)
            if previous
            else H.differences({}, {}, unit)
        )
        changes.append(diff.assign(version=version.version))
        previous = frames
    refused = _log(data, unit)
    if args.format == "json":
        payload = {
            "unit_code": unit,
            "versions": json.loads(listing.to_json(orient="records", force_ascii=False)),
            "changes": json.loads(pd.concat(changes).to_json(orient="records", force_ascii=False))
            if changes else [],
            "refused": refused,
        }  # fmt: skip
        out(args, json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    out(args, f"LỊCH SỬ NHẬN SỐ LIỆU — {unit} {cat.unit(unit)['name']}")
    if listing.empty:
        out(args, "Chưa nhận tệp nào của đơn vị này. Nạp bằng `qptd ingest THƯ_MỤC`.")
    for version, diff in zip(listing.itertuples(), changes, strict=True):
        force = "ĐANG DÙNG" if version.in_force == version.tables else (
            f"đang dùng: {', '.join(version.in_force)}" if version.in_force else "đã được thay")  # fmt: skip
        out(args, f"#{version.version} {version.source_file}  [{force}]")
        out(args, f"   SHA-256 {version.source_sha256}")
        out(args, f"   nhận lúc {version.received_at.replace('T', ' ')[:19]} UTC; "
                  f"tệp sửa lần cuối {str(version.file_modified).replace('T', ' ')[:19]} UTC")  # fmt: skip
        if version.version > 1:
            if diff.empty:
                out(args, "   Nội dung không khác bản trước.")
            else:
                out(args, f"   Khác bản #{version.version - 1} ở {len(diff)} chỗ:")
                for change in diff.head(None if args.verbose else 30).itertuples():
                    where = f" (ô {change.where})" if change.where else ""
                    out(
                        args,
                        f"     - {change.table}, {change.what}{where}: {change.old} → {change.new}",
                    )
                if not args.verbose and len(diff) > 30:
                    out(args, f"     … và {len(diff) - 30} chỗ khác (--verbose để xem hết).")
    for entry in refused:
        codes = ", ".join(entry.get("codes", []))
        out(
            args,
            f"Tệp bị từ chối: {Path(entry['file']).name} lúc {entry['at'][:19].replace('T', ' ')} UTC ({codes})",
        )
    return 0


__all__ = ["LABELS", "STATUS_WORDS", "cmd_history", "cmd_ingest", "cmd_sample", "cmd_template",
           "print_report", "run_ingest"]  # fmt: skip
