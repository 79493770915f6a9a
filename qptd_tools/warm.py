"""A papermill engine that keeps one warm kernel per worker process (``qptd_warm``).

Starting a kernel and importing the toolkit costs more than a unit's report. This engine
starts the kernel once, imports the toolkit in it, runs each unit's notebook in it (every
unit still gets its own executed notebook), then resets it: the user namespace, matplotlib's
settings and figures, and the toolkit's caches. A unit that fails or times out takes the
kernel with it; the next unit starts a fresh one.
"""

from __future__ import annotations

import atexit
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.engines import NBClientEngine, papermill_engines

WARMUP = "import qptd_tools.report, qptd_tools.views, qptd_tools.explore  # noqa\n"
RESET = """\
get_ipython().run_line_magic("reset", "-f")
import matplotlib as _m, matplotlib.pyplot as _p, gc as _g
_m.rcdefaults(); _p.close("all")
import qptd_tools.catalog as _c, qptd_tools.docmeta as _d
_c._load_cached.cache_clear(); _d._frames.cache_clear()
del _m, _p, _c, _d; _g.collect(); del _g
"""

# nbclient drives the kernel with asyncio: it must get an asynchronous manager (a blocking
# one freezes its event loop on the first timeout).
_KERNELS: dict[str, AsyncKernelManager] = {}


def _run(km: AsyncKernelManager, code: str, timeout: float = 60) -> None:
    client = km.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda _msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"warm kernel: {reply['content'].get('ename')}")
    finally:
        client.stop_channels()


def kernel(kernel_name: str, start_timeout: float = 60) -> AsyncKernelManager:
    """Return this process's warm kernel for ``kernel_name``, starting it when needed."""
    km = _KERNELS.get(kernel_name)
    if km is None or not run_sync(km.is_alive)():
        km = AsyncKernelManager(kernel_name=kernel_name)
        run_sync(km.start_kernel)()
        _run(km, WARMUP, start_timeout)
        _KERNELS[kernel_name] = km
    return km


def discard(kernel_name: str) -> None:
    """Shut down and forget the warm kernel (after a failure, a timeout or at exit)."""
    km = _KERNELS.pop(kernel_name, None)
    if km is not None and km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


class WarmEngine(NBClientEngine):
    """papermill engine ``qptd_warm``: run in the worker's warm kernel, then reset it."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Execute one notebook in the warm kernel; reset it after, or drop it on failure."""
        km = kernel(kernel_name, kwargs.get("start_timeout", 60))
        try:
            result = super().execute_managed_notebook(nb_man, kernel_name, km=km, **kwargs)
        except BaseException:
            discard(kernel_name)
            raise
        try:
            _run(km, RESET)
        except Exception:
            discard(kernel_name)
        return result


papermill_engines.register("qptd_warm", WarmEngine)


def _discard_all() -> None:
    for name in list(_KERNELS):
        discard(name)


atexit.register(_discard_all)
