"""``qptd``: the command line, one thin sub-command per step of the review.

Exit codes: 0 done; 1 something was rejected or is incomplete where the command says so;
2 a usage or input error (a message with its ``QPTD-E…`` code, never a traceback);
130 stopped by the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from qptd_tools.cli.parsing import Parser, day, positive
from qptd_tools.core.config import AWARD_GROUPS, LEVELS, SAMPLE_SEED, VERSION
from qptd_tools.core.errors import Problem, QptdError
from qptd_tools.core.lazy import defer_slow_imports


def _command(where: str) -> Callable[[argparse.Namespace], int]:
    """Return a sub-command ``"module:function"`` of this package, imported when it runs.

    Building the parser imports no pandas and no catalogue: ``qptd --help`` answers at once,
    and each worker process a batch spawns (which imports the ``qptd`` script) does not
    import every command (1,3 s of CPU each; issue #16).
    """
    module, name = where.split(":")

    def run(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(f"qptd_tools.cli.{module}"), name)(args))

    run.__name__ = name
    return run


cmd_sample = _command("intake_cmds:cmd_sample")
cmd_template = _command("intake_cmds:cmd_template")
cmd_ingest = _command("intake_cmds:cmd_ingest")
cmd_history = _command("intake_cmds:cmd_history")
cmd_check = _command("analysis_cmds:cmd_check")
cmd_indicators = _command("analysis_cmds:cmd_indicators")
cmd_awards = _command("analysis_cmds:cmd_awards")
cmd_deadlines = _command("analysis_cmds:cmd_deadlines")
cmd_documents = _command("document_cmds:cmd_documents")
cmd_run = _command("batch_cmds:cmd_run")
cmd_demo = _command("batch_cmds:cmd_demo")


# --- parser ------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """Return the ``qptd`` argument parser."""
    parser = Parser(
        prog="qptd",
        description="Bộ công cụ sơ kết xây dựng nền quốc phòng toàn dân (kỳ sơ kết theo danh mục review.yaml).",
        epilog="Ví dụ: qptd demo   |   qptd ingest data/raw   |   qptd check --district 061",
    )
    parser.add_argument(
        "--root", help="Thư mục làm việc (mặc định: $QPTD_ROOT hoặc thư mục hiện tại)."
    )
    parser.add_argument("--quiet", action="store_true", help="Không in tiến trình.")
    parser.add_argument("--debug", action="store_true", help="In chi tiết lỗi nội bộ.")
    parser.add_argument("--version", action="version", version=f"qptd {VERSION}",
                        help="In phiên bản rồi thoát.")  # fmt: skip
    subs = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=Parser)
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
    p.add_argument("--seed", type=int, default=SAMPLE_SEED, help="Hạt giống ngẫu nhiên.")
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
    p.add_argument("--use", nargs="+", metavar="TÊN_TỆP",
                   help="Khi một đơn vị có nhiều tệp khác nhau: dùng tệp này (các tệp kia không dùng).")  # fmt: skip
    p.add_argument(
        "--verbose", action="store_true", help="In cả các tệp không thay đổi, bản cũ, tệp trùng."
    )
    formats(p)

    p = sub("history", cmd_history, "Lịch sử nhận số liệu của một đơn vị: các tệp đã nhận, tệp đang "
            "dùng, những ô thay đổi giữa các lần gửi.")  # fmt: skip
    p.add_argument("--unit", metavar="MÃ", required=True, help="Mã đơn vị.")
    p.add_argument("--verbose", action="store_true", help="In mọi thay đổi.")
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
        "--by", metavar="CỘT,…", help="Cột nhóm (mặc định: " + ",".join(AWARD_GROUPS) + ")."
    )
    formats(p, ("table", "csv", "json"))

    p = sub("documents", cmd_documents, "Ghi các văn bản của sơ kết: kế hoạch hội nghị, danh sách, quyết định, "
            "tờ trình khen thưởng, dự toán kinh phí, công văn đôn đốc.")  # fmt: skip
    p.add_argument(
        "--unit",
        metavar="MÃ,…",
        help="Chỉ văn bản mang tiêu đề của các đơn vị này (mã cách nhau bởi dấu phẩy).",
    )
    p.add_argument("--kind", default="plan,list,decision,submission,budget,reminder", metavar="LOẠI,…",
                   help="plan: kế hoạch hội nghị; list: danh sách; decision: quyết định; submission: tờ trình; "
                        "budget: dự toán kinh phí; reminder: công văn đôn đốc (mặc định tất cả).")  # fmt: skip
    p.add_argument("--date", type=day, metavar="NGÀY",
                   help="Ngày của các văn bản được chọn: kế hoạch (phải trước hội nghị), dự toán, tờ trình, "
                        "công văn đôn đốc (15/9/2019 hoặc 2019-09-15). Mặc định: kế hoạch trước hội nghị số "
                        "ngày của cấp, dự toán cùng ngày kế hoạch, tờ trình ngày gửi báo cáo, công văn ngày sau "
                        "hạn cuối của các đơn vị được đôn đốc; quyết định giữ ngày trong hồ sơ.")  # fmt: skip
    p.add_argument("--number", metavar="SỐ",
                   help="Số văn bản (với một --unit và một --kind: plan, budget hoặc reminder).")  # fmt: skip
    p.add_argument("--signer", metavar="HỌ_TÊN",
                   help="Người ký các văn bản của các đơn vị --unit, thay cho người ký ở trang Thông tin.")  # fmt: skip
    p.add_argument("--workers", type=positive(int), default=0,
                   help="Số tiến trình ghi song song (mặc định: số nhân CPU; dưới 40 đơn vị "
                        "thì ghi trong một tiến trình).")  # fmt: skip

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
        type=positive(int),
        default=0,
        help="Số tiến trình chạy song song (mặc định: số nhân CPU).",
    )
    p.add_argument("--timeout", type=positive(float), default=600,
                   help="Số giây tối đa cho một đơn vị, lớn hơn 0 (mặc định 600).")  # fmt: skip
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
    p.add_argument("--no-documents", action="store_true",
                   help="Không viết kế hoạch hội nghị, văn bản khen thưởng, dự toán, đôn đốc của các đơn vị "
                        "(mặc định: viết cùng báo cáo, theo --formats).")  # fmt: skip
    formats(p)

    p = sub(
        "demo",
        cmd_demo,
        "Chạy thử trên DỮ LIỆU MẪU: tạo mẫu, nạp, kiểm tra, lập báo cáo toàn tỉnh.",
    )
    p.add_argument(
        "--district", metavar="MÃ", help="Chỉ lập báo cáo cho một huyện và các xã (nhanh hơn)."
    )
    p.add_argument("--seed", type=int, default=SAMPLE_SEED, help="Hạt giống ngẫu nhiên.")
    p.add_argument("--verbose", action="store_true", help="In mọi phát hiện.")
    formats(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``qptd``; return the exit code."""
    defer_slow_imports()
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
    except BrokenPipeError:  # `qptd check | head`: the reader has all it wants
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
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
