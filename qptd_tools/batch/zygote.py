"""Warm kernels forked from one process that imported the toolkit once (issue #16).

Each worker of a local batch keeps a warm kernel, and each kernel used to import the same
modules on its own: ipykernel, pandas, pyarrow, matplotlib and the toolkit's report modules,
1,25 s of CPU per kernel, paid again by every worker at the start of a batch, when the cores
are busiest. A *zygote* process imports them once; a worker's kernel is a fork of it, ready
in milliseconds, with the imported modules shared copy-on-write.

jupyter_client still starts and watches an ordinary process: the kernel's command is
:mod:`qptd_tools.batch.forkclient`, a stdlib-only stand-in that asks the zygote for a
kernel, passes its standard streams, environment and working directory, forwards the
signals it gets (an interrupt, a termination) to the kernel, and exits with the kernel's
exit status. A kernel whose stand-in is killed is killed by the zygote; a kernel outlives
neither. The zygote ends when its batch stops it or when the batch's process is gone (its
standard input closes). Linux only (forking after importing numpy and matplotlib is not
tried on macOS here); anywhere else, and whenever the zygote cannot be reached, kernels
start as before.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# the toolkit's modules a warm kernel imports (``warm.WARMUP``)
TOOLKIT = ("qptd_tools.report.unit", "qptd_tools.report.views", "qptd_tools.report.explore")
# those, with what ipykernel needs to start and the pyplot the reset between units imports
PRELOAD = ("ipykernel.kernelapp", "matplotlib.pyplot", *TOOLKIT)
CLIENT = str(Path(__file__).with_name("forkclient.py"))
# ipykernel sets this before a kernel imports matplotlib; the zygote imports it earlier
INLINE = "module://matplotlib_inline.backend_inline"

_RUNNING: tuple[subprocess.Popen[bytes], str] | None = None


def start(log: Path | None = None) -> str | None:
    """Start this process's zygote (once); return its socket's path, None where unsupported."""
    global _RUNNING
    if not sys.platform.startswith("linux"):  # tried here only; elsewhere kernels start alone
        return None
    if _RUNNING is not None and _RUNNING[0].poll() is None:
        return _RUNNING[1]
    path = os.path.join(tempfile.mkdtemp(prefix="qptd-zygote-"), "z")
    # listening before the zygote runs: a worker that asks early waits in the backlog
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    err = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "qptd_tools.batch.zygote", str(listener.fileno())],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err,
            pass_fds=[listener.fileno()], start_new_session=True,  # a Ctrl-C stops the batch
        )  # fmt: skip
    finally:
        listener.close()
        if log is not None:
            err.close()  # type: ignore[union-attr]
    _RUNNING = (process, path)
    return path


def stop() -> None:
    """Stop this process's zygote; the kernels it forked stay until their workers stop them."""
    global _RUNNING
    if _RUNNING is None:
        return
    process, path = _RUNNING
    _RUNNING = None
    if process.stdin is not None:
        process.stdin.close()  # the zygote's signal to end
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(OSError):
        os.unlink(path)
    with contextlib.suppress(OSError):
        os.rmdir(os.path.dirname(path))


def kernel_argv(path: str, argv: list[str]) -> list[str] | None:
    """Return the command that gets a kernel from the zygote at ``path`` (None: not an ipykernel)."""
    if argv[1:3] != ["-m", "ipykernel_launcher"] or not _same_python(argv[0]):
        return None  # another kernel, or another interpreter: started as its spec says
    return [sys.executable, "-I", "-S", CLIENT, path, *argv[3:]]


def _same_python(program: str) -> bool:
    """Whether a kernel spec's program is this interpreter (jupyter_client's reading of it)."""
    if program in {
        "python",
        f"python{sys.version_info[0]}",
        "python{}.{}".format(*sys.version_info[:2]),
    }:
        return True
    try:
        return os.path.samefile(program, sys.executable)
    except OSError:
        return False


def serve(listening: int) -> None:
    """Import the kernels' modules once, then fork a kernel per request on ``listening``."""
    listener = socket.socket(fileno=listening)
    os.environ.setdefault("MPLBACKEND", INLINE)
    for name in PRELOAD:
        __import__(name)
    gc.freeze()  # the imported objects are never touched by the collector: pages stay shared
    clients: dict[int, socket.socket] = {}  # kernel pid: the stand-in's connection
    while True:
        ready, _, _ = select.select([listener, sys.stdin, *clients.values()], [], [], 0.2)
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 512):
            break  # the batch stopped the zygote, or its process is gone
        for pid, conn in list(clients.items()):
            if conn in ready and not _recv(conn):  # the stand-in is gone: so is its kernel
                _kill(pid)
        if listener in ready:
            try:  # one request that fails (its stand-in gone, no memory to fork) fails alone
                conn, _ = listener.accept()
                pid = _fork(conn, listener, clients)
                if pid:
                    clients[pid] = conn
            except OSError as exc:
                print(f"qptd zygote: {exc}", file=sys.stderr)
        _reap(clients)
    listener.close()


def _fork(conn: socket.socket, listener: socket.socket, clients: dict[int, socket.socket]) -> int:
    """Fork a kernel for the request on ``conn``; return its pid (0 when the request failed)."""
    fds: list[int] = []
    try:
        message, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        size, message = int.from_bytes(message[:8], "big"), message[8:]
        while len(message) < size:  # a stream: the request may come in several pieces
            piece = conn.recv(size - len(message))
            if not piece:
                raise ValueError("the request ended early")
            message += piece
        request = json.loads(message)
        if len(fds) != 3:
            raise ValueError("a request passes three streams")
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        conn.close()
        return 0
    pid = os.fork()
    if pid == 0:  # the kernel
        try:
            listener.close()
            for other in clients.values():
                other.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            _kernel(conn, request)
        finally:
            os._exit(1)
    for fd in fds:
        os.close(fd)
    try:
        conn.sendall(f"{pid}\n".encode())
    except OSError:  # the stand-in is gone already
        _kill(pid)
        conn.close()
        return 0
    return pid


def _recv(conn: socket.socket) -> bytes:
    """Return a byte from a stand-in, or nothing when it has gone."""
    try:
        return conn.recv(1)
    except OSError:
        return b""


def _kernel(conn: socket.socket, request: dict[str, object]) -> None:
    """Run ipykernel in this forked process, as its stand-in asked; exit when it ends."""
    os.setsid()  # as jupyter_client starts a kernel: no terminal's signal reaches it
    os.chdir(str(request["cwd"]))
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})  # type: ignore[call-overload]
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)

    def watch() -> None:  # the stand-in is gone (killed): nobody drives this kernel
        try:
            conn.recv(1)
        finally:
            os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    args = [str(a) for a in request["args"]]  # type: ignore[attr-defined]
    # read by ipykernel from the environment when it was imported, here before the request
    parent = os.environ.get("JPY_PARENT_PID", "")
    if parent.isdigit():
        args.append(f"--IPKernelApp.parent_handle={parent}")
    sys.argv = ["ipykernel_launcher", *args]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(clients: dict[int, socket.socket]) -> None:
    """Reap every ended kernel; tell its stand-in its exit status."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = clients.pop(pid, None)
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
            conn.close()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
    os._exit(0)  # nothing to finalize: at the end of a batch, not 0,05 s tearing down modules
