"""Sub-commands that run the notebooks: ``run`` (a batch of unit reports) and ``demo``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qptd_tools.batch.job import Batch, BatchResult, summary_line
from qptd_tools.batch.selection import select_units
from qptd_tools.cli.analysis_cmds import cmd_check
from qptd_tools.cli.common import catalog, out, say, workers
from qptd_tools.cli.intake_cmds import print_report, run_ingest
from qptd_tools.core.config import Workspace
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.sample.generate import write_sample
from qptd_tools.store.workspace import WorkspaceData


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
        workers=workers(args),
        timeout=args.timeout,
        force=args.force,
        notebook=Path(args.notebook) if args.notebook else None,
        scheduler=args.scheduler,
        progress=not args.quiet,
        formats=_formats(args.formats),
        warm=not args.cold,
        documents=not args.no_documents,
    )
    say(args, starting(job))
    result = job.run()
    documents(args, job, result)
    if args.format == "json":
        out(args, json.dumps(result.entries, ensure_ascii=False, indent=2))
    else:
        for code in result.failed:
            entry = result.entries[code]
            out(
                args,
                f"  LỖI {code}: {entry.get('error')} → {data.paths.reports / code / (code + '.ipynb')}",
            )
        out(args, summary_line(result))
    return 1 if result.failed else 0


def starting(job: Batch) -> str:
    """Say what a batch is about to do."""
    if job.writes_documents:
        return (f"Chạy báo cáo cho {len(job.units)} đơn vị, kèm văn bản (kế hoạch hội nghị, "
                "khen thưởng, dự toán, đôn đốc)…")  # fmt: skip
    return f"Chạy báo cáo cho {len(job.units)} đơn vị…"


def documents(args: argparse.Namespace, job: Batch, result: BatchResult) -> None:
    """Say which documents the batch wrote (plans, award documents, budgets, reminders)."""
    if not job.writes_documents:
        return
    if result.documents is None:
        say(args, "  Văn bản không đổi từ lần chạy trước (số liệu, danh mục, bộ công cụ như cũ).")
    else:
        say(args, f"  {len(result.documents)} tệp văn bản tại {job.reports}")


# --- demo --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """Sample → ingest → check, on the synthetic sample."""
    ws = Workspace.at(args.root)
    say(args, "Bước 1/4: tạo DỮ LIỆU MẪU (không phải số liệu thật)")
    paths = write_sample(catalog(ws), ws.sample, seed=args.seed, progress=not args.quiet)
    say(args, f"  {len(paths)} biểu mẫu tại {ws.sample}")
    say(args, "Bước 2/4: kiểm tra và nạp số liệu")
    report = run_ingest(args, [ws.sample])
    print_report(args, report)
    say(args, "Bước 3/4: kiểm tra số liệu")
    district, args.unit, args.district = args.district, None, None
    cmd_check(args)
    args.district = district
    data = WorkspaceData(ws.root)
    if args.district:
        units = select_units(data.catalog, district=args.district)
    else:
        units = select_units(data.catalog, all_units=True)
    say(args, "Bước 4/4: kế hoạch hội nghị, văn bản khen thưởng, dự toán, đôn đốc; báo cáo (sổ tay, HTML, "
              f"DOCX) cho {len(units)} đơn vị")  # fmt: skip
    job = Batch(data, units, progress=not args.quiet, documents=True)
    result = job.run()
    documents(args, job, result)
    out(args, summary_line(result))
    out(args, f"Kho dữ liệu: {ws.processed}")
    out(
        args,
        f"Báo cáo: {ws.reports / 'index.html'} (mỗi đơn vị: reports/<mã>/bao-cao.html, bao-cao.docx)",
    )
    # the first report written, highest level first (the district when --district is given)
    written = [ws.reports / code / "bao-cao.docx" for code in units if code not in result.failed]
    example = next((path for path in written if path.is_file()), None)
    if example is not None:
        out(args, f"Ví dụ báo cáo của {data.catalog.place(example.parent.name)}: {example}")
    return 1 if report.rejected or result.failed else 0
