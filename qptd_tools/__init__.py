"""qptd-toolkit: the analytical toolkit for the 2009 - 2019 review of the all-people national defence.

The public API for notebooks: :func:`open_workspace` gives a workspace's catalogues and
stored tables as DataFrames.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from qptd_tools.core.config import VERSION as __version__

if TYPE_CHECKING:
    from qptd_tools.store.workspace import WorkspaceData, open_workspace

__all__ = ["WorkspaceData", "__version__", "open_workspace"]


def _figure_png(figure: Any) -> bytes:
    from qptd_tools.report.figures import rendered

    return rendered(figure)["png"]


def _notebook_hooks() -> None:
    """Fit the toolkit to a notebook's display, when it runs in one.

    A user's error (a coded QPTD problem) shows as its message, not a traceback; a matplotlib
    Figure shows as its image in the toolkit's style (a Figure made without pyplot otherwise
    shows only its text ``<Figure size 630x320 …>``).
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    from qptd_tools.core.errors import QptdError

    png = shell.display_formatter.formatters["image/png"]
    png.for_type_by_name("matplotlib.figure", "Figure", _figure_png)

    def show(
        _shell: Any, _etype: Any, value: BaseException, _tb: Any, tb_offset: Any = None
    ) -> list[str]:
        problem = getattr(value, "problem", value)
        return [f"\x1b[1;31m{problem}\x1b[0m"]

    shell.set_custom_exc((QptdError,), show)


_notebook_hooks()


def __getattr__(name: str) -> Any:
    # imported on first use: a batch worker that only runs notebooks and exports them never
    # loads pandas and the schemas
    if name in ("WorkspaceData", "open_workspace"):
        from qptd_tools.store import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'qptd_tools' has no attribute {name!r}")
