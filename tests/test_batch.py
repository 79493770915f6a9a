"""qptd run: selection, papermill per unit, failure isolation, timeout, SIGKILL, skip when
unchanged, resume after interruption, and the same tasks on a Dask LocalCluster."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from qptd_tools.batch import job as batch_job
from qptd_tools.batch import zygote
from qptd_tools.batch.job import Batch
from qptd_tools.batch.runner import WORKER_LOST
from qptd_tools.batch.selection import select_units
from qptd_tools.core.errors import UsageInvalid
from qptd_tools.store.snapshots import Store
from qptd_tools.store.workspace import WorkspaceData

OK, BAD, SLOW, KILL = "01849", "01852", "01855", "01858"
KILL_WORKER, OTHERS = "01873", ["01864", "01867", "01870"]


@pytest.fixture
def probe(tmp_path):
    """A notebook with the unit report's parameters that fails, hangs or dies on cue."""
    params = new_code_cell('unit_code = ""\nroot = ""\ncontext_path = ""\noutput_dir = ""')
    params.metadata["tags"] = ["parameters"]
    body = new_code_cell(
        "import os, pickle, signal, time\nfrom pathlib import Path\n"
        "ctx = pickle.load(open(context_path, 'rb'))\n"
        f"if unit_code == '{BAD}':\n    raise ValueError('dữ liệu của đơn vị làm sổ tay lỗi')\n"
        f"if unit_code == '{SLOW}':\n    time.sleep(120)\n"
        f"if unit_code == '{KILL}':\n    os.kill(os.getpid(), signal.SIGKILL)\n"
        # the worker: the kernel's parent, or its stand-in's when the zygote forked it
        f"if unit_code == '{KILL_WORKER}':\n"
        "    os.kill(int(os.environ['JPY_PARENT_PID']), signal.SIGKILL)\n"
        "Path(output_dir, 'xong.txt').write_text(ctx.unit['name'], encoding='utf-8')\n"
        "parent = __import__('psutil').Process(os.getppid())\n"
        "Path(output_dir, 'kernel.txt').write_text(' '.join([str(parent.pid), *parent.cmdline()]))"
    )
    nb = new_notebook(cells=[params, body])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_selection(cat):
    assert select_units(cat, district="061") == [
        "061",
        *cat.children("061", "xa")["unit_code"],
    ]
    assert select_units(cat, units=[61, "01858"]) == ["01858", "061"]  # registry order
    assert len(select_units(cat, level="nganh")) == 27
    assert len(select_units(cat, all_units=True)) == len(cat.units)
    with pytest.raises(UsageInvalid):
        select_units(cat)
    with pytest.raises(UsageInvalid):
        select_units(cat, district="01858")


def test_failures_are_isolated_and_the_manifest_is_true(workspace, probe):
    data = WorkspaceData(workspace)
    for unit in (BAD, SLOW):  # an earlier run's report must not pass for this run's output
        (workspace / "reports" / unit).mkdir(parents=True, exist_ok=True)
        (workspace / "reports" / unit / "bao-cao.docx").write_bytes(b"old")
    job = Batch(
        data,
        [OK, BAD, SLOW, KILL],
        workers=2,
        timeout=8,
        notebook=probe,
        progress=False,
        formats=(),
    )
    result = job.run()
    status = {u: e["status"] for u, e in result.entries.items()}
    assert status == {OK: "ok", BAD: "failed", SLOW: "timeout", KILL: "failed"}
    # the kernels were forked by the batch's zygote, stopped with the batch (#16)
    forker, *command = (workspace / "reports" / OK / "kernel.txt").read_text().split()
    assert command[1:3] == ["-m", "qptd_tools.batch.zygote"]
    assert int(forker) not in {p.pid for p in psutil.Process().children(recursive=True)}
    assert zygote._RUNNING is None
    assert "dữ liệu của đơn vị làm sổ tay lỗi" in result.entries[BAD]["error"]
    slow = result.entries[SLOW]["error"]  # which cell of which notebook, after how long
    assert slow.startswith("Quá thời gian: ô lệnh thứ 2 của sổ tay probe.ipynb chưa chạy xong sau")
    assert "giới hạn 8 giây" in slow and "---" not in slow and "CellTimeoutError" not in slow
    for unit in (BAD, SLOW):
        assert not (workspace / "reports" / unit / "bao-cao.docx").exists()
        assert not any("bao-cao" in o for o in result.entries[unit]["outputs"])
    assert (
        "Dead" in result.entries[KILL]["error"] or "died" in result.entries[KILL]["error"].lower()
    )
    reports = workspace / "reports"
    assert (reports / OK / "xong.txt").read_text(encoding="utf-8") == "Xã Dương Quang"
    banner = nbformat.read(reports / BAD / f"{BAD}.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in banner.cells)
    assert not list(reports.glob("*/.*.tmp.ipynb"))  # no partial output file
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert {u: e["status"] for u, e in manifest["units"].items()} == status
    assert (
        manifest["units"][OK]["seconds"] > 0
        and f"{OK}/{OK}.ipynb" in manifest["units"][OK]["outputs"]
    )


def test_a_dead_worker_process_fails_only_its_unit(workspace, probe):
    """The worker process itself is killed (as the out-of-memory killer would): the pool is
    replaced, the units that were in flight run again alone, only the cause fails."""
    units = [OK, KILL_WORKER, *OTHERS]
    result = Batch(WorkspaceData(workspace), units, workers=2, notebook=probe,
                         progress=False, formats=()).run()  # fmt: skip
    status = {u: e["status"] for u, e in result.entries.items()}
    assert status == {**{u: "ok" for u in units}, KILL_WORKER: "failed"}
    assert result.entries[KILL_WORKER]["error"] == WORKER_LOST
    manifest = json.loads((workspace / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert {u: e["status"] for u, e in manifest["units"].items()} == status
    assert not list((workspace / "reports").glob("*/.*.tmp.ipynb"))


def test_real_batch_skips_unchanged_and_resumes(workspace, monkeypatch):
    data = WorkspaceData(workspace)
    units = ["060", "01858", "01861"]
    real = batch_job.run_unit
    calls = []

    def stop_after_first(task):
        if calls:
            raise KeyboardInterrupt
        calls.append(task.unit_code)
        return real(task)

    monkeypatch.setattr(batch_job, "run_unit", stop_after_first)
    with pytest.raises(KeyboardInterrupt):
        Batch(data, units, workers=1, progress=False).run()
    manifest = json.loads((workspace / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert {u: e["status"] for u, e in manifest["units"].items()} == {
        "060": "ok",
        "01858": "interrupted",
        "01861": "interrupted",
    }
    monkeypatch.setattr(batch_job, "run_unit", real)
    resumed = Batch(WorkspaceData(workspace), units, workers=2, progress=False).run()
    assert {u: e["status"] for u, e in resumed.entries.items()} == {
        "060": "skipped",
        "01858": "ok",
        "01861": "ok",
    }
    for unit in units:
        assert (workspace / "reports" / unit / f"{unit}.ipynb").is_file()
        assert list((workspace / "reports" / unit / "figures").glob("hinh-01.png"))
        assert (workspace / "reports" / unit / "bao-cao.docx").is_file()
        assert (workspace / "reports" / unit / "bao-cao.html").is_file()
    assert "01858/bao-cao.html" in (workspace / "reports" / "index.html").read_text(
        encoding="utf-8"
    )
    # nothing changed: every unit is skipped without computing any analytic
    with monkeypatch.context() as m:
        m.setattr(
            "qptd_tools.report.context.compute_all", lambda *a, **k: pytest.fail("recomputed")
        )
        again = Batch(WorkspaceData(workspace), units, workers=2, progress=False).run()
    assert again.count("skipped") == 3
    # one commune's own text changes: its report runs again, and its district's, which
    # quotes and tabulates its communes' texts (#15); the other commune's does not show it
    store = Store(workspace / "data" / "processed")
    narrative = store.read("narrative")
    mine = narrative["unit_code"] == "01861"
    narrative.loc[mine, "text"] = narrative.loc[mine, "text"] + " Bổ sung."
    with store.locked():
        store.commit({"narrative": ({"01861"}, narrative.loc[mine])}, pd.DataFrame())
    changed = Batch(WorkspaceData(workspace), units, workers=1, progress=False).run()
    assert {u: e["status"] for u, e in changed.entries.items()} == {
        "060": "ok",
        "01858": "skipped",
        "01861": "ok",
    }
    forced = Batch(WorkspaceData(workspace), ["01861"], workers=1, force=True, progress=False).run()
    assert forced.entries["01861"]["status"] == "ok"
    # html only: the Word file of the run before is gone, not listed as this run's output
    html = Batch(WorkspaceData(workspace), ["01861"], workers=1, force=True, progress=False,
                 formats=("html",)).run()  # fmt: skip
    assert not (workspace / "reports" / "01861" / "bao-cao.docx").exists()
    assert "01861/bao-cao.html" in html.entries["01861"]["outputs"]
    assert not any(o.endswith(".docx") for o in html.entries["01861"]["outputs"])


def test_dask_local_cluster(workspace, probe):
    """Worker processes, not threads; a unit that kills every worker it runs on is given up
    by the scheduler (allowed-failures) and ends failed with the Vietnamese reason."""
    distributed = pytest.importorskip("distributed")
    import dask

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        job = Batch(WorkspaceData(workspace), [OK, BAD, "01861", KILL_WORKER], notebook=probe,
                    scheduler=cluster.scheduler_address, timeout=60, progress=False, formats=())  # fmt: skip
        result = job.run()
    assert {u: e["status"] for u, e in result.entries.items()} == {
        OK: "ok",
        BAD: "failed",
        "01861": "ok",
        KILL_WORKER: "failed",
    }
    assert result.entries[KILL_WORKER]["error"].startswith(WORKER_LOST)
    assert "KilledWorker" in result.entries[KILL_WORKER]["error"]
    assert (workspace / "reports" / "01861" / "xong.txt").is_file()
    assert not list((workspace / "reports").rglob(".*.tmp*"))


def test_a_unit_that_cannot_be_written_fails_alone(workspace, probe):
    blocked = "01861"
    reports = workspace / "reports"
    reports.mkdir()
    (reports / blocked).write_text("a file where the unit's folder should be", encoding="utf-8")
    result = Batch(WorkspaceData(workspace), [OK, blocked], workers=1, notebook=probe, progress=False,
                         formats=()).run()  # fmt: skip
    assert {u: e["status"] for u, e in result.entries.items()} == {OK: "ok", blocked: "failed"}
    assert result.entries[blocked]["error"].startswith(("FileExistsError", "NotADirectoryError"))
    assert not list(reports.glob("**/.*.tmp.ipynb"))


def test_the_manifest_costs_a_unit_one_journal_line_and_a_killed_batch_is_read_back(
    workspace, probe, monkeypatch
):
    """Issue #16: a unit appends one line to ``manifest.journal``; the manifest is rewritten
    when due (here never during the batch) and at its end; after a batch killed outright
    the next one reads the journal back (a line cut short is skipped)."""
    writes = []
    real = Batch.write_manifest
    monkeypatch.setattr(batch_job, "MANIFEST_EVERY", 3600.0)
    monkeypatch.setattr(
        Batch, "write_manifest", lambda self, m: (writes.append(len(m["units"])), real(self, m))
    )
    units = [OK, "01861", "01864", "01867"]
    result = Batch(WorkspaceData(workspace), units, workers=1, notebook=probe, progress=False,
                   formats=()).run()  # fmt: skip
    assert all(e["status"] == "ok" for e in result.entries.values())
    assert len(writes) == 3  # before the units, at their end, with the batch's own figures
    reports = workspace / "reports"
    assert not (reports / "manifest.journal").exists()
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["units"]) == set(units) and manifest["batch"]["units_run"] == 4
    timing = manifest["units"][OK]["timing"]
    assert timing["start"] <= timing["end"] and timing["worker_cpu_s"] >= 0
    # a batch killed after two units: their lines are in the journal, the manifest is older
    entry = {**manifest["units"]["01861"], "status": "failed", "error": "x"}
    with (reports / "manifest.journal").open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n" + '{"unit_code": "0186')
    read = Batch(WorkspaceData(workspace), units, progress=False).read_manifest()
    assert read["units"]["01861"]["status"] == "failed" and read["units"][OK]["status"] == "ok"
    again = Batch(WorkspaceData(workspace), units, workers=1, notebook=probe, progress=False,
                  formats=()).run()  # fmt: skip
    assert {u: e["status"] for u, e in again.entries.items()} == {
        OK: "skipped",
        "01861": "ok",
        "01864": "skipped",
        "01867": "skipped",
    }


def test_the_batch_index_slices_every_units_rows_as_a_filter_would(workspace, cat):
    """Issue #16: the per-batch index gives, for every unit of the sample, exactly the rows a
    filter over the whole table gives, in the same order, with each Arrow column in one chunk
    (a slice of a many-chunk column joined every chunk: a cost in the whole table per unit)."""
    from qptd_tools.report.context import compute_all

    shared = compute_all(WorkspaceData(workspace))
    ix = shared.index
    tables = {"values": shared.tables["values"], "narrative": shared.tables["narrative"],
              "awards": shared.awards, "summary": shared.result.indicators["summary"]}  # fmt: skip
    for code in cat.units["unit_code"]:
        below = cat.descendants(code)
        assert ix.descendants(code) == below
        assert sorted(ix.rollup(code)) == sorted(cat.rollup_children(code)["unit_code"])
        for name, frame in tables.items():
            got = ix.rows(frame, below)
            pd.testing.assert_frame_equal(got, frame.loc[frame["unit_code"].isin(below)], obj=name)
    # a table made of pieces (a concatenation, a parquet file's row groups): its Arrow
    # columns come in several chunks; the index joins them once, keeping values and dtypes
    narrative = shared.tables["narrative"]
    pieces = pd.concat(
        [narrative.iloc[: len(narrative) // 2], narrative.iloc[len(narrative) // 2 :]]
    )
    assert pieces["text"].array._pa_array.num_chunks == 2
    for code in cat.units["unit_code"]:
        got = ix.rows(pieces, [code])
        pd.testing.assert_frame_equal(got, pieces.loc[pieces["unit_code"] == code])
    # what makes a slice cost its own rows: the index holds the table joined in one chunk
    # (the rows taken are one chunk either way; the cost is a benchmark's, not a test's)
    held, _ = ix._positions[id(pieces)]
    assert (
        held["text"].array._pa_array.num_chunks == 1 and held["text"].dtype == pieces["text"].dtype
    )


def test_a_rerun_draws_only_the_figures_whose_data_changed(workspace, cat):
    """Issue #16: one commune's number of propaganda sessions in 2015 is corrected; the
    commune and its district run again, and of their figures only those showing that number
    are drawn again — the others come from the unit's figure cache, byte for byte."""
    units = ["060", "01861"]
    first = Batch(WorkspaceData(workspace), units, workers=2, progress=False).run()
    assert first.count("ok") == 2

    def figures_of(unit):
        folder = workspace / "reports" / unit / "figures"
        return {p.name: p.read_bytes() for p in sorted(folder.glob("hinh-*"))}

    def kept(unit):
        folder = workspace / "reports" / unit / ".hinh-cache"
        return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    before = {u: figures_of(u) for u in units}
    cache_before = {u: kept(u) for u in units}
    # the cache holds exactly the unit's figures: one PNG and one SVG each, same bytes
    for unit in units:
        assert len(cache_before[unit]) == len(before[unit]) >= 8
        cached = {(workspace / "reports" / unit / ".hinh-cache" / n).read_bytes()
                  for n in cache_before[unit]}  # fmt: skip
        assert cached == set(before[unit].values())
    store = Store(workspace / "data" / "processed")
    values = store.read("values")
    mine = values["unit_code"] == "01861"
    cell = mine & (values["indicator"] == "TT_BUOI") & (values["year"] == 2015)
    assert cell.sum() == 1
    values.loc[cell, "value"] = values.loc[cell, "value"] + 7
    with store.locked():
        store.commit({"values": ({"01861"}, values.loc[mine])}, pd.DataFrame())
    again = Batch(WorkspaceData(workspace), units, workers=2, progress=False).run()
    assert again.count("ok") == 2
    name = cat.indicators.set_index("code").loc["TT_BUOI", "name"]
    for unit in units:
        after = figures_of(unit)
        assert after.keys() == before[unit].keys()
        changed = {n for n in after if after[n] != before[unit][n]}
        # the trend of the corrected indicator (Hình 1 in both) and nothing else
        assert changed == {"hinh-01.png", "hinh-01.svg"}, (unit, changed)
        html = (workspace / "reports" / unit / "bao-cao.html").read_text(encoding="utf-8")
        assert f"Hình 1. {name}" in html
        now = kept(unit)
        drawn = {n for n in now if n not in cache_before[unit]}  # new keys: drawn this run
        assert len(drawn) == 2 and {(workspace / "reports" / unit / ".hinh-cache" / n)
                                    .read_bytes() for n in drawn} == {after[n] for n in changed}  # fmt: skip
        # the rest were not written again, and the old Hình 1 is no longer kept
        assert {n: now[n] for n in now if n not in drawn} == {
            n: t for n, t in cache_before[unit].items() if n in now
        }
        assert len(now) == len(after)
        assert not any(o.count("/.") for o in again.entries[unit]["outputs"])


def test_a_local_batch_plans_just_ahead_of_its_workers_and_stops_while_waiting():
    """Contexts planned all at once took the cores the starting workers needed (#16)."""
    import threading
    import time

    made: list[int] = []
    gate = threading.Event()

    def plan():
        for i in range(50):
            made.append(i)
            yield i
        gate.set()

    planner = batch_job.Planner(plan(), ahead=2)
    tasks = planner.tasks()
    assert next(tasks) == 0
    time.sleep(0.5)  # room for 2 more: the 3rd planned waits to be queued, the 4th is not made
    assert len(made) == 4 and not gate.is_set()
    assert [next(tasks) for _ in range(3)] == [1, 2, 3]
    started = time.monotonic()
    planner.stop()  # the batch ended or was stopped while the planner waited for room
    assert time.monotonic() - started < 2 and len(made) < 50
    unbounded = batch_job.Planner(iter(range(50)))  # a cluster: everything at once
    assert list(unbounded.tasks()) == list(range(50))
    unbounded.stop()
