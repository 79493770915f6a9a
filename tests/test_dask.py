"""A real Dask cluster (issue #16): ``distributed.LocalCluster`` with two worker *processes*
(local, no external address), driven by ``qptd run --district 060 --scheduler ADDRESS`` as a
user runs it. The reports are byte-identical to a local run and the manifest is the same apart
from timings; a worker process killed while units are in flight loses no unit, leaves no
partial file, and a resume completes the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import docx
import nbformat
import pytest

from .conftest import DOCUMENT_FOLDERS, QPTD, qptd

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow
DISTRICT = "060"  # Huyện Pác Nặm: the district and its 10 communes
TIMINGS = {"seconds", "finished_at", "timing"}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as made:  # fmt: skip
        yield made


def _manifest(root: Path) -> dict:
    return json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))


def _files(root: Path, units: list[str]) -> dict[str, bytes]:
    """Every file a unit's run left in its folder (the executed notebook apart: it carries
    papermill's start times), by path."""
    out = {}
    for unit in units:
        for path in sorted((root / "reports" / unit).rglob("*")):
            if path.is_file() and path.suffix != ".ipynb":
                out[str(path.relative_to(root / "reports"))] = path.read_bytes()
    return out


def _outputs(notebook: Path) -> list:
    """What the executed notebook shows: every cell's outputs (no run metadata)."""
    nb = nbformat.read(notebook, as_version=4)
    return [[o for o in c.get("outputs", [])] for c in nb.cells if c.cell_type == "code"]


def test_a_dask_cluster_gives_the_same_reports_as_a_local_run(workspace, cluster):
    root = workspace
    qptd(root, "run", "--district", DISTRICT, "--workers", "2")
    local = _manifest(root)
    units = sorted(local["units"])
    assert len(units) == 11 and all(e["status"] == "ok" for e in local["units"].values())
    before = _files(root, units)
    papers = _files(root, list(DOCUMENT_FOLDERS))  # the units' documents: plans, awards, …
    assert len(papers) > 100 and len(local["batch"]["documents"]) == 2
    shown = {u: _outputs(root / "reports" / u / f"{u}.ipynb") for u in units}
    said = qptd(root, "run", "--district", DISTRICT, "--force",
                "--scheduler", cluster.scheduler_address)  # fmt: skip
    assert "chạy xong 11" in said, said
    after = _manifest(root)
    assert _files(root, units) == before  # byte for byte: DOCX, HTML, figures, sources
    assert _files(root, list(DOCUMENT_FOLDERS)) == papers  # written again, the same bytes
    parts = after["batch"]["documents"]  # by the cluster's workers, not by the command
    assert parts and {p["pid"] for p in parts} <= set(cluster_pids(cluster))
    assert {u: _outputs(root / "reports" / u / f"{u}.ipynb") for u in units} == shown
    strip = lambda e: {k: v for k, v in e.items() if k not in TIMINGS}  # noqa: E731
    assert {u: strip(e) for u, e in after["units"].items()} == {
        u: strip(e) for u, e in local["units"].items()
    }
    assert after["batch"]["scheduler"] is True and local["batch"]["workers"] == 2
    # the units ran in the cluster's two worker processes, not in the command's
    ran = {e["timing"]["pid"] for e in after["units"].values()}
    assert ran <= set(cluster_pids(cluster)) and not ran & {
        e["timing"]["pid"] for e in local["units"].values()
    }


def cluster_pids(cluster) -> list[int]:
    with distributed.Client(cluster.scheduler_address) as client:
        return list(client.run(os.getpid).values())


def test_a_killed_dask_worker_loses_no_unit_and_a_resume_completes(workspace, cluster):
    root = workspace
    reports = root / "reports"
    command = [QPTD, "--root", str(root), "--quiet", "run", "--district", DISTRICT,
               "--no-documents", "--scheduler", cluster.scheduler_address]  # fmt: skip
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with distributed.Client(cluster.scheduler_address) as client:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # wait until units are in flight on both workers
            busy = client.processing()
            if sum(map(len, busy.values())) >= 2 and list(reports.glob("*/.*.tmp.ipynb")):
                break
            time.sleep(0.2)
        else:
            pytest.fail("no unit started on the cluster")
        victim, pid = next(iter(client.run(os.getpid).items()))
        in_flight = client.processing()[victim]
        os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would
    said, err = running.communicate(timeout=600)
    assert "Traceback" not in err and "Kết quả:" in said, (said, err)
    manifest = _manifest(root)
    units = [DISTRICT, *sorted(u for u in manifest["units"] if u != DISTRICT)]
    assert len(units) == 11 and in_flight
    for unit in units:  # none lost: each ended ok, or failed with a Vietnamese reason
        entry = manifest["units"][unit]
        assert entry["status"] in ("ok", "failed"), (unit, entry)
        if entry["status"] == "failed":
            assert "Tiến trình chạy đơn vị bị dừng đột ngột" in entry["error"], entry
        else:
            docx.Document(str(reports / unit / "bao-cao.docx"))  # whole, readable
    # no partial file: no temporary notebook or half-written export anywhere
    assert not [p for p in reports.rglob(".*") if p.is_file() and ".tmp" in p.name]
    assert not (reports / "manifest.journal").exists()
    # the resume runs what is left and skips what is done
    said = qptd(root, "run", "--district", DISTRICT, "--no-documents",
                "--scheduler", cluster.scheduler_address)  # fmt: skip
    done = _manifest(root)["units"]
    assert all(done[u]["status"] in ("ok", "skipped") for u in units), said
    failed = [u for u in units if manifest["units"][u]["status"] == "failed"]
    assert all(done[u]["status"] == "ok" for u in failed)
