"""Modules a dependency imports eagerly and our processes never use: loaded on first use.

``jsonschema`` (which ``nbformat``, and so papermill and nbconvert, import) imports
``rfc3987_syntax`` when it is installed — JupyterLab's ``jupyter-events`` installs it — to
check the ``iri`` format, and that module builds some thirty-five Earley parsers when it is
imported: 1,1 s of CPU in each process that imports nbformat (a batch's parent and each of its
workers), for a format no notebook schema uses (jsonschema issue #1428; on this machine,
issue #16). :func:`defer_slow_imports` (called when ``qptd_tools.batch`` is imported, and by
the ``qptd`` command) puts a stand-in in its place that imports the real
module the first time anything of it is used, so nothing changes but when the cost is paid.

A batch worker also defers ``pyarrow.fs`` (``defer_slow_imports(worker=True)``): papermill
imports it for ``hdfs://`` paths, and with it pyarrow and numpy — 0,19 s of CPU at each
worker's start for a package a worker never uses (the ``light-workers`` contract keeps
pandas out of it). Only there: a process that uses pyarrow itself must get the real module.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

# module: its functions a dependency imports by name (``from rfc3987_syntax import …``)
DEFERRED = {"rfc3987_syntax": ("is_valid_syntax",)}
# deferred in a batch worker only (papermill.iorw: ``from pyarrow.fs import …``)
WORKER_DEFERRED = {"pyarrow.fs": ("FileSelector", "HadoopFileSystem")}
_NAMES = {**DEFERRED, **WORKER_DEFERRED}


class _Deferred(types.ModuleType):
    """A module's stand-in: the first use of any of its names imports the real module."""

    def _real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):  # import machinery's questions
            raise AttributeError(name)
        if name in _NAMES.get(self.__name__, ()):
            return _Forward(self, name)
        return getattr(self._real(), name)


class _Forward:
    """A function of a deferred module, named at import and called later (``from m import f``)."""

    def __init__(self, module: _Deferred, name: str):
        self._module, self._name = module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._module._real(), self._name)(*args, **kwargs)


def defer_slow_imports(worker: bool = False) -> list[str]:
    """Put a stand-in for each deferred module not yet imported; return their names.

    ``worker``: also those of :data:`WORKER_DEFERRED` (in a batch worker's process only).
    A module whose package is imported already is left alone.
    """
    deferred = []
    for name in {**DEFERRED, **(WORKER_DEFERRED if worker else {})}:
        if name in sys.modules or name.partition(".")[0] in sys.modules:
            continue
        spec = _spec(name)
        if spec is None:
            continue
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec  # what find_spec answers for it (the real module's)
        sys.modules[name] = stand_in
        deferred.append(name)
    return deferred


def _spec(name: str) -> importlib.machinery.ModuleSpec | None:
    """Return the module's spec, found without importing it or its package."""
    package, _, rest = name.partition(".")
    spec = importlib.util.find_spec(package)
    if not rest or spec is None:
        return spec
    if spec.submodule_search_locations is None:
        return None
    return importlib.machinery.PathFinder.find_spec(name, list(spec.submodule_search_locations))
