"""Warm kernels forked by the batch's zygote (issue #16): they run a unit as a kernel started
on its own does (``test_warm``), an interrupt reaches them, a killed stand-in takes its
kernel with it, and without a zygote a worker starts a kernel of its own."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import psutil
import pytest
from jupyter_core.utils import run_sync

import qptd_tools.batch.warm as warm
from qptd_tools.batch import zygote

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


@pytest.fixture
def forks(monkeypatch, tmp_path):
    path = zygote.start()
    monkeypatch.setattr(warm, "ZYGOTE", path)
    yield zygote._RUNNING[0].pid
    warm.discard("python3")
    zygote.stop()


def _run(kernel: warm.Warm, code: str, timeout: float = 30) -> dict:
    async def run() -> dict:
        request = kernel.kc.execute(code)
        while True:
            reply = await kernel.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == request:
                return reply["content"]

    return run_sync(run)()


def test_a_kernel_is_a_fork_of_the_zygote_and_dies_with_its_stand_in(forks):
    kernel = warm.kernel("python3", start_timeout=120)
    stand_in = kernel.km.provisioner.process.pid
    assert kernel.pid not in (None, stand_in)
    assert psutil.Process(kernel.pid).ppid() == forks  # forked by the zygote
    assert _run(kernel, "x = 6 * 7")["status"] == "ok"
    # its CPU seconds are the kernel's own, not the stand-in's
    assert warm.kernel_cpu()[0] == kernel.pid
    first = kernel.pid
    os.kill(stand_in, signal.SIGKILL)  # as jupyter_client kills a kernel that hangs
    gone, alive = psutil.wait_procs([psutil.Process(first)], timeout=10)
    assert gone and not alive
    again = warm.kernel("python3", start_timeout=120)  # a new fork, from the same zygote
    assert again.pid != first and psutil.Process(again.pid).ppid() == forks
    assert _run(again, "'x' in globals()")["status"] == "ok"


def test_an_interrupt_reaches_a_forked_kernel(forks):
    kernel = warm.kernel("python3", start_timeout=120)

    async def interrupted() -> dict:
        request = kernel.kc.execute("import time\nfor _ in range(600):\n    time.sleep(0.1)")
        await asyncio.sleep(1.5)
        await kernel.km.interrupt_kernel()  # SIGINT to the stand-in, forwarded
        while True:
            reply = await kernel.kc.get_shell_msg(timeout=20)
            if reply["parent_header"].get("msg_id") == request:
                return reply["content"]

    content = run_sync(interrupted)()
    assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt"
    assert _run(kernel, "1 + 1")["status"] == "ok"  # the same kernel goes on


def test_without_its_zygote_a_worker_starts_a_kernel_of_its_own(monkeypatch, tmp_path, capfd):
    monkeypatch.setattr(warm, "ZYGOTE", str(tmp_path / "gone"))
    try:
        kernel = warm.kernel("python3", start_timeout=120)
        assert kernel.pid == kernel.km.provisioner.process.pid  # started, not forked
        assert _run(kernel, "6 * 7")["status"] == "ok"
    finally:
        warm.discard("python3")
    assert "không lấy được kernel từ zygote" in capfd.readouterr().err


def test_the_zygote_ends_when_stopped_and_leaves_no_socket():
    path = zygote.start()
    process = zygote._RUNNING[0]
    assert zygote.start() == path  # one per process
    zygote.stop()
    assert process.poll() is not None
    assert not os.path.exists(os.path.dirname(path))


def test_a_kernel_slow_to_start_is_waited_for(monkeypatch, tmp_path):
    """Its first answers come late, after more requests were sent: any answer counts."""
    (tmp_path / "sitecustomize.py").write_text("import time\ntime.sleep(1.6)\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(warm, "ZYGOTE", None)
    try:
        kernel = warm.kernel("python3", start_timeout=60)
        assert _run(kernel, "6 * 7")["status"] == "ok"
    finally:
        warm.discard("python3")
