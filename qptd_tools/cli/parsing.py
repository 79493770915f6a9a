"""The ``qptd`` parser's Vietnamese help and errors, and its argument types.

Standard library only: building the parser (``qptd --help``, and each process a batch spawns,
which imports the ``qptd`` script) costs no pandas, no catalogue (issue #16).
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any

from qptd_tools.core.errors import UsageInvalid, fail


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help text with a Vietnamese usage line."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        """Write the usage line as "Cách dùng: …".

        argparse asks for a usage with the empty prefix ``""`` to name a sub-command's program;
        only a missing prefix becomes "Cách dùng: " (else every sub-command's help would start
        "Cách dùng: Cách dùng: qptd …").
        """
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An argument parser whose help and errors are Vietnamese (errors: QPTD-E082)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Tham số"
        self._optionals.title = "Tùy chọn"
        self.add_argument("-h", "--help", action="help", help="In hướng dẫn này rồi thoát.")

    def error(self, message: str) -> Any:
        """Raise the usage error, in Vietnamese, as a coded problem instead of printing and exiting."""
        raise fail(UsageInvalid, "QPTD-E082", detail=vietnamese(message))


# argparse's messages (Python 3.11–3.13) and how they read in Vietnamese
_MESSAGES = (
    (r"the following arguments are required: (.+)", "thiếu tham số bắt buộc: {0}"),
    (r"unrecognized arguments: (.+)", "không hiểu tham số: {0}"),
    (r"expected one argument", "cần ghi một giá trị sau tham số này"),
    (r"expected at least one argument", "cần ghi ít nhất một giá trị sau tham số này"),
    (r"expected at most one argument", "chỉ được ghi nhiều nhất một giá trị"),
    (r"expected (\d+) arguments?", "cần ghi {0} giá trị"),
    (r"not allowed with argument (.+)", "không dùng cùng với {0}"),
    (r"one of the arguments (.+) is required", "cần một trong các tham số: {0}"),
    (r"ambiguous option: (\S+) could match (.+)", "tùy chọn {0} chưa rõ, có thể là: {1}"),
    (r"invalid \S+ value: (.+)", "giá trị không hợp lệ: {0}"),
    (r"ignored explicit argument (.+)", "giá trị {0} bị bỏ qua"),
)


def vietnamese(message: str) -> str:
    """Say an argparse error in Vietnamese; a misspelt choice gets a "có phải là …?"."""
    found = re.fullmatch(r"argument (\S+): (.*)", message, flags=re.DOTALL)
    if found:
        name = "LỆNH" if found.group(1) in ("LỆNH", "command") else found.group(1)
        return f"tham số {name}: {vietnamese(found.group(2))}"
    choice = re.fullmatch(r"invalid choice: '(.*)' \(choose from (.*)\)", message, flags=re.DOTALL)
    if choice:
        given, options = choice.group(1), re.findall(r"'([^']*)'", choice.group(2))
        close = difflib.get_close_matches(given, options, n=1, cutoff=0.5)
        hint = f"; có lẽ định gõ “{close[0]}”" if close else ""
        return f"không có lựa chọn “{given}” (chọn một trong: {', '.join(options)}){hint}"
    for pattern, text in _MESSAGES:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            return text.format(*match.groups())
    return message


def positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """Return an argparse type: a number of ``kind`` greater than 0, refused in Vietnamese."""

    def parse(text: str) -> Any:
        try:
            value = kind(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}” không phải là số") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"cần một số lớn hơn 0 (đã ghi {text})")
        return value

    parse.__name__ = "số"
    return parse


def day(text: str) -> dt.date:
    """Read a date written 15/9/2019 or 2019-09-15 (an argparse type; refused in Vietnamese)."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"“{text}” không phải là ngày (ghi 15/9/2019 hoặc 2019-09-15)")
