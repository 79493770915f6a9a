"""A papermill engine that keeps one warm kernel per worker process (``qptd_warm``).

Starting a kernel and importing the toolkit costs more than a unit's report. This engine
starts the kernel once, imports the toolkit in it, and keeps one connected client to it.
Each unit's notebook runs in that kernel (every unit still gets its own executed notebook),
in papermill's working directory, and the kernel is reset after it: the user namespace and
history, matplotlib's settings and figures, and the toolkit's caches. A unit that fails or times out
takes the kernel with it; the next unit starts a fresh one.

Keeping the client connected matters: a new client waits for the kernel to answer and then
drains its output channel for 0,2 s (``wait_for_ready``), twice per unit if the reset used
its own client; the one client waits without that drain (:func:`_ready`). In a local batch
the kernel is a fork of the batch's zygote (:mod:`qptd_tools.batch.zygote`), which imported
the toolkit once for every worker.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from qptd_tools.batch import zygote

# Importing papermill loads the engines its entry points name, this one included: when this
# module is imported first, papermill finds it half-made and asks it for ``WarmEngine``. It
# gets None, and the class is registered at the end of the module.
globals()["WarmEngine"] = None

from papermill.clientwrap import PapermillNotebookClient  # noqa: E402
from papermill.engines import NBClientEngine, papermill_engines  # noqa: E402
from papermill.log import logger  # noqa: E402
from papermill.utils import merge_kwargs, remove_args  # noqa: E402

WARMUP = (
    f"import {', '.join(zygote.TOOLKIT)}  # noqa\n"
    # a kernel forked by the zygote imported the toolkit before IPython ran: its display hooks
    # are installed now (again, harmlessly, in a kernel started on its own)
    "__import__('qptd_tools')._notebook_hooks()\n"
    # what is loaded now lives as long as the kernel: out of the collector's sight, each
    # unit's garbage collections no longer walk it (a tenth of the kernel's CPU per unit)
    "__import__('gc').freeze()\n"
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
    pid: int | None = None  # the kernel's own process (a forked kernel's is not km's)


# nbclient drives the kernel with asyncio: it must get an asynchronous manager and client (a
# blocking one freezes its event loop on the first timeout).
_KERNELS: dict[str, Warm] = {}
# the socket of the batch's zygote (:mod:`qptd_tools.batch.zygote`), set in a local worker
ZYGOTE: str | None = None


class _ForkSpecs(KernelSpecManager):
    """Kernel specs whose ipykernel is forked by the zygote at ``ZYGOTE``."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = zygote.kernel_argv(str(ZYGOTE), list(spec.argv))
        if argv is not None:
            spec.argv = argv
        return spec


async def _execute(
    kc: AsyncKernelClient, code: str, timeout: float, **expressions: str
) -> dict[str, Any]:
    reply = await kc.execute_interactive(
        code, timeout=timeout, output_hook=lambda _msg: None, user_expressions=expressions
    )
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"warm kernel: {reply['content'].get('ename')}")
    return dict(reply["content"].get("user_expressions") or {})


def _run(warm: Warm, code: str, timeout: float = 60) -> None:
    run_sync(_execute)(warm.kc, code, timeout)


async def _start(kernel_name: str, start_timeout: float) -> Warm:
    if ZYGOTE is not None:
        try:
            return await _launch(kernel_name, start_timeout, forked=True)
        except Exception as exc:  # the zygote is gone or failed: a kernel of its own
            print(f"qptd: không lấy được kernel từ zygote ({exc}); khởi động kernel riêng.",
                  file=sys.stderr)  # fmt: skip
    return await _launch(kernel_name, start_timeout)


async def _launch(kernel_name: str, start_timeout: float, forked: bool = False) -> Warm:
    # Unix sockets, not TCP ports: kernels started at the same moment by several workers can
    # race for the same free port (papermill#511); a socket path cannot collide, and nothing
    # is reachable from the network.
    km = (
        AsyncKernelManager(kernel_name=kernel_name, kernel_spec_manager=_ForkSpecs())
        if forked
        else AsyncKernelManager(kernel_name=kernel_name)
    )
    if os.name == "posix":
        km.transport = "ipc"
        km.ip = os.path.join(tempfile.mkdtemp(prefix="qptd-kernel-"), "k")
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        await _ready(km, kc, start_timeout)
        kc.allow_stdin = False
        found = await _execute(kc, WARMUP, start_timeout, pid="__import__('os').getpid()")
    except BaseException:  # a kernel that never got ready is not left running
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        _remove_sockets(km)
        raise
    pid = found.get("pid", {}).get("data", {}).get("text/plain", "")
    return Warm(km, kc, int(pid) if pid.isdigit() else None)


async def _ready(km: AsyncKernelManager, kc: AsyncKernelClient, timeout: float) -> None:
    """Wait until the kernel answers and its output channel is connected.

    What ``kc.wait_for_ready`` does, less its last step: after the kernel answered, it
    drains the output channel until 0,2 s pass without a message, 0,2 s during which the
    worker and its kernel wait, once per kernel started (at the start of every batch).
    Here the wait ends with the kernel's last message about the request, its ``idle``
    status; every later reader takes only the replies to its own requests.
    """
    deadline = time.monotonic() + timeout
    requests: set[str] = set()  # a kernel still starting answers them all, in order, later
    while True:
        requests.add(kc.kernel_info())
        try:
            reply = await kc.get_shell_msg(timeout=1)
        except queue.Empty:
            reply = None
        answered = reply is not None and reply["parent_header"].get("msg_id") in requests
        if answered and await _idle(kc, requests):  # connected: its status messages arrive
            return
        if not await km.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


async def _idle(kc: AsyncKernelClient, requests: set[str]) -> bool:
    """Whether the kernel's ``idle`` after one of ``requests`` arrives (none for 0,2 s: no)."""
    while True:
        try:
            msg = await kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            return False
        if (
            msg["parent_header"].get("msg_id") in requests
            and msg["msg_type"] == "status"
            and msg["content"].get("execution_state") == "idle"
        ):
            return True


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
    if warm is None or warm.pid is None:
        return None
    pid = warm.pid
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
