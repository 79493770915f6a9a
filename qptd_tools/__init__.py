"""qptd-toolkit: the analytical toolkit for the 2009 - 2019 review of the all-people national defence.

The public API for notebooks: :func:`open_workspace` gives a workspace's catalogues and
stored tables as DataFrames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qptd_tools.core.config import VERSION as __version__

if TYPE_CHECKING:
    from qptd_tools.store.workspace import WorkspaceData, open_workspace

__all__ = ["WorkspaceData", "__version__", "open_workspace"]


def __getattr__(name: str) -> Any:
    # imported on first use: a batch worker that only runs notebooks and exports them never
    # loads pandas and the schemas
    if name in ("WorkspaceData", "open_workspace"):
        from qptd_tools.store import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'qptd_tools' has no attribute {name!r}")
