"""File helpers used everywhere: atomic writes, hashing, reproducible zip archives."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from qptd_tools.core.errors import Problem, WriteFailed

FIXED_ZIP_TIME = (2019, 1, 1, 0, 0, 0)


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader sees either the old file or the new one, never a partial file. ``durable``
    also flushes the file to disk before the rename (``False`` for caches that are rebuilt
    when lost).

    Raises
    ------
    WriteFailed
        QPTD-E092 when the folder cannot be written.
    """
    path = Path(path)
    tmp_name = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            if durable:
                os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        detail = exc.strerror or str(exc)
        raise WriteFailed(Problem("QPTD-E092", file=str(path), detail=detail)) from exc
    finally:
        if tmp_name and os.path.exists(tmp_name) and not path.exists():
            os.unlink(tmp_name)


_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
FIXED_CORE_TIME = b"2019-01-01T00:00:00Z"


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an Office (zip) file so that equal content gives equal bytes.

    Entry times are fixed, and so are the created/modified times of ``docProps/core.xml``,
    which Office writers set to the moment of saving.
    """
    fixed = FixedZip()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            fixed.add(info.filename, src.read(info.filename))
    return fixed.close()


class FixedZip:
    """An Office (zip) file written entry by entry so that equal content gives equal bytes.

    As :func:`normalize_zip` makes them, without zipping what a writer saved a second time.
    """

    def __init__(self) -> None:
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED)

    def add(self, name: str, body: bytes) -> None:
        """Add one entry, with the fixed time and mode."""
        fixed = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
        fixed.compress_type = zipfile.ZIP_DEFLATED
        fixed.external_attr = 0o600 << 16
        if name == "docProps/core.xml":
            body = _CORE_TIME.sub(rb"\g<1>" + FIXED_CORE_TIME + rb"\g<2>", body)
        self._zip.writestr(fixed, body)

    def close(self) -> bytes:
        """Finish the file; return its bytes."""
        self._zip.close()
        return self._out.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (a leading ``'`` shows it as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
