"""Figure files kept by a key of what draws them, so a rerun draws only what changed (#16).

A unit's report draws 4 to 8 figures, two thirds of its computing. When the unit runs again
because one of its indicators changed, most of its figures show the same numbers: their key —
the chart function, its data, the figure's size, the effective matplotlib settings, and the
code and library versions that draw — is unchanged, and their PNG and SVG are taken from the
unit's cache (``reports/<mã>/.hinh-cache/``) instead of being drawn. Drawing is deterministic
(the same data give the same bytes: ``tests/test_figures.py``), so a figure taken from the cache
is byte for byte the one that would be drawn. A key that cannot be computed (data that do not
pickle) simply means the figure is drawn.

The cache holds one generation: after a report's appendix, the files its figures did not use
are removed (:meth:`FigureCache.keep_only`).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import platform
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import matplotlib as mpl

from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.report import figures

FOLDER = ".hinh-cache"
# settings that do not change a saved figure's bytes (the backend, the keys of the GUI)
_IGNORED_RC = ("backend", "interactive", "keymap.", "webagg.", "toolbar", "figure.hooks")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the code and libraries that draw and format a figure (once per process)."""
    digest = hashlib.sha256()
    package = resources.files("qptd_tools")
    for part in ("report/figures.py", "report/figure_cache.py", "core/vnformat.py"):
        digest.update(package.joinpath(part).read_bytes())
    digest.update(figures.STYLE.read_bytes())
    for name in ("matplotlib", "numpy", "pillow", "babel", "pandas"):
        digest.update(f"{name}={metadata.version(name)};".encode())
    digest.update(platform.python_version().encode())
    return digest.hexdigest()


def _settings() -> bytes:
    """Return the matplotlib settings in force inside the figures' style, as bytes."""
    with figures.style():
        items = sorted(
            (k, repr(v)) for k, v in mpl.rcParams.items() if not k.startswith(_IGNORED_RC)
        )
    return repr(items).encode()


def key(
    chart: Callable[..., Any],
    data: Mapping[str, Any],
    size: tuple[float, float],
    formats: Sequence[str],
) -> str | None:
    """Return the key of a figure drawn by ``chart(ax, **data)``, or None if it has none."""
    try:
        payload = pickle.dumps(dict(data), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    digest = hashlib.sha256()
    for part in (code_digest().encode(), _settings(), f"{chart.__module__}.{chart.__qualname__}".encode(),
                 repr((tuple(size), tuple(formats))).encode(), payload):  # fmt: skip
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


class FigureCache:
    """A unit's figure files by key: ``<folder>/<key>.png`` and ``.svg``.

    Parameters
    ----------
    folder
        The cache's folder (``reports/<mã>/.hinh-cache``).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def get(self, key: str | None, formats: Sequence[str]) -> dict[str, bytes] | None:
        """Return the figure's bytes in each format, or None when one of them is not kept."""
        if key is None:
            return None
        out = {}
        for fmt in formats:
            try:
                out[fmt] = (self.folder / f"{key}.{fmt}").read_bytes()
            except OSError:
                return None
        return out

    def put(self, key: str | None, files: Mapping[str, bytes]) -> None:
        """Keep a figure's bytes under its key (atomically; a cache, so not flushed to disk)."""
        if key is None:
            return
        for fmt, data in files.items():
            atomic_write_bytes(self.folder / f"{key}.{fmt}", data, durable=False)

    def keep_only(self, keys: Iterable[str | None]) -> int:
        """Remove the files of every other key; return how many files were removed."""
        wanted = {k for k in keys if k}
        removed = 0
        if not self.folder.is_dir():
            return 0
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
