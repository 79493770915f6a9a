"""qptd-toolkit: the analytical toolkit for the 2009–2019 review of the all-people national defence.

The public API for notebooks: :func:`open_workspace` gives a workspace's catalogues and
stored tables as DataFrames.
"""

from importlib.metadata import PackageNotFoundError, version

from qptd_tools.workspace import WorkspaceData, open_workspace

try:
    __version__ = version("qptd-toolkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["WorkspaceData", "__version__", "open_workspace"]
