"""A papermill engine that keeps one warm kernel per worker process (``qptd_warm``).

Starting a kernel and importing the toolkit costs more than a unit's report. This engine
starts the kernel once, imports the toolkit in it, and keeps one connected client to it.
Each unit's notebook runs in that kernel (every unit still gets its own executed notebook),
in papermill's working directory, and the kernel is reset after it: the user namespace and
history, matplotlib's settings and figures, and the toolkit's caches. A unit that fails or times out
takes the kernel with it; the next unit starts a fresh one.

Keeping the client connected matters: a new client waits for the kernel to answer and then
drains its output channel for 0,2 s (``wait_for_ready``), twice per unit if the reset used
its own client.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

# Importing papermill loads the engines its entry points name, this one included: when this
# module is imported first, papermill finds it half-made and asks it for ``WarmEngine``. It
# gets None, and the class is registered at the end of the module.
globals()["WarmEngine"] = None

from papermill.clientwrap import PapermillNotebookClient  # noqa: E402
from papermill.engines import NBClientEngine, papermill_engines  # noqa: E402
from papermill.log import logger  # noqa: E402
from papermill.utils import merge_kwargs, remove_args  # noqa: E402

WARMUP = (
    "import qptd_tools.report.unit, qptd_tools.report.views, qptd_tools.report.explore  # noqa\n"
)
CHDIR = "__import__('os').chdir({path!r})"
# What %reset -f does, without its two full garbage collections (a quarter of a unit's time):
# every name the unit defined, the input and output history, matplotlib's settings and
# figures, the toolkit's caches. Unreachable objects go with Python's own collector.
RESET = """\
def _qptd_reset(ip=get_ipython()):
    import matplotlib as mpl, matplotlib.pyplot as plt
    import qptd_tools.catalog as catalog
    import re
    numbered = re.compile(r"_i?[0-9]+$")  # _5, _i5: an output and an input of the unit
    hidden = ip.user_ns_hidden
    for name in [n for n in ip.user_ns if n not in hidden or numbered.match(n)]:
        del ip.user_ns[name]
        hidden.pop(name, None)
    history = ip.history_manager
    history.output_hist.clear()
    history.input_hist_parsed[:] = [""]
    history.input_hist_raw[:] = [""]
    for name in ("_", "__", "___", "_i", "_ii", "_iii"):
        ip.user_ns[name] = ""
    mpl.rcdefaults()
    plt.close("all")
    catalog._load_cached.cache_clear()
_qptd_reset()
"""


@dataclass
class Warm:
    """A running kernel and the client connected to it."""

    km: AsyncKernelManager
    kc: AsyncKernelClient


# nbclient drives the kernel with asyncio: it must get an asynchronous manager and client (a
# blocking one freezes its event loop on the first timeout).
_KERNELS: dict[str, Warm] = {}


async def _execute(kc: AsyncKernelClient, code: str, timeout: float) -> None:
    reply = await kc.execute_interactive(code, timeout=timeout, output_hook=lambda _msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"warm kernel: {reply['content'].get('ename')}")


def _run(warm: Warm, code: str, timeout: float = 60) -> None:
    run_sync(_execute)(warm.kc, code, timeout)


async def _start(kernel_name: str, start_timeout: float) -> Warm:
    # Unix sockets, not TCP ports: kernels started at the same moment by several workers can
    # race for the same free port (papermill#511); a socket path cannot collide, and nothing
    # is reachable from the network.
    km = AsyncKernelManager(kernel_name=kernel_name)
    if os.name == "posix":
        km.transport = "ipc"
        km.ip = os.path.join(tempfile.mkdtemp(prefix="qptd-kernel-"), "k")
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=start_timeout)
        kc.allow_stdin = False
        await _execute(kc, WARMUP, start_timeout)
    except BaseException:  # a kernel that never got ready is not left running
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        _remove_sockets(km)
        raise
    return Warm(km, kc)


def _remove_sockets(km: AsyncKernelManager) -> None:
    if km.transport == "ipc":
        shutil.rmtree(os.path.dirname(km.ip), ignore_errors=True)


def kernel(kernel_name: str, start_timeout: float = 60) -> Warm:
    """Return this process's warm kernel for ``kernel_name``, starting it when needed."""
    warm = _KERNELS.get(kernel_name)
    if warm is None or not run_sync(warm.km.is_alive)():
        discard(kernel_name)
        warm = run_sync(_start)(kernel_name, start_timeout)
        _KERNELS[kernel_name] = warm
    return warm


def kernel_cpu(kernel_name: str = "python3") -> tuple[int, float] | None:
    """Return this process's warm kernel's pid and CPU seconds so far (None: no kernel)."""
    warm = _KERNELS.get(kernel_name)
    process = getattr(getattr(warm, "km", None), "provisioner", None)
    pid = getattr(getattr(process, "process", None), "pid", None)
    if pid is None:
        return None
    try:
        import psutil

        times = psutil.Process(pid).cpu_times()
    except Exception:  # gone, or psutil missing: not measured
        return None
    return pid, times.user + times.system


def discard(kernel_name: str) -> None:
    """Shut down and forget the warm kernel (after a failure, a timeout or at exit)."""
    warm = _KERNELS.pop(kernel_name, None)
    if warm is None:
        return
    warm.kc.stop_channels()
    if warm.km.has_kernel:
        run_sync(warm.km.shutdown_kernel)(now=True)
    _remove_sockets(warm.km)


class WarmEngine(NBClientEngine):
    """papermill engine ``qptd_warm``: run in the worker's warm kernel, then reset it."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Execute one notebook in the warm kernel; reset it after, or drop it on failure."""
        start_timeout = kwargs.get("start_timeout", 60)
        warm = kernel(kernel_name, start_timeout)
        # the arguments papermill's own nbclient engine passes on
        timeout = kwargs.get("execution_timeout") or kwargs.get("timeout")
        drop = ["input_path", "timeout", "startup_timeout", "start_timeout", "execution_timeout"]
        client = PapermillNotebookClient(
            nb_man,
            km=warm.km,
            **merge_kwargs(
                remove_args(drop, **kwargs),
                timeout=timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
            ),
        )
        client.kc = warm.kc  # connected and ready: nbclient starts no client of its own
        # papermill writes the whole notebook (and validates it) when each cell starts and
        # ends: about twenty 1 MB writes per unit, a tenth of the worker's CPU. The notebook
        # is written once, when papermill completes it (also after a failure or a timeout,
        # with the cells' states, which the batch reads to say which cell stopped).
        save = nb_man.save
        nb_man.save = lambda **_: None
        try:
            _run(warm, CHDIR.format(path=os.getcwd()))  # papermill's ``cwd`` for this unit
            result = client.execute()
        except BaseException:
            discard(kernel_name)
            raise
        finally:
            nb_man.save = save
        try:
            _run(warm, RESET)
        except Exception:
            discard(kernel_name)
        return result


papermill_engines.register("qptd_warm", WarmEngine)


def _discard_all() -> None:
    for name in list(_KERNELS):
        discard(name)


atexit.register(_discard_all)
