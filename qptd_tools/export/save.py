"""Writing one document in the chosen formats, and only those."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.export import html
from qptd_tools.export.collect import Document
from qptd_tools.export.docx_build import build

FORMATS = ("docx", "html")


def save(doc: Document, folder: Path, stem: str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``<folder>/<stem>.docx`` and/or ``.html``; remove the other one left by an earlier run.

    A format not chosen this time must not leave a file of older data beside the new one.
    """
    written = []
    for suffix in FORMATS:
        path = folder / f"{stem}.{suffix}"
        if suffix not in formats:
            path.unlink(missing_ok=True)
            continue
        atomic_write_bytes(
            path, build(doc) if suffix == "docx" else html.render(doc).encode("utf-8")
        )
        written.append(path)
    return written
