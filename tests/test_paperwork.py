"""The units' documents written by a batch's workers, in parts (issue #16).

On the sample's files: split into parts, the documents are those one process writes, byte for
byte; a part whose worker was lost is written by the batch itself; an error of the user's kind
raised in a worker reaches the user as it is; unchanged documents are not written again.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import pickle
import shutil
from concurrent.futures.process import BrokenProcessPool

import pytest

from qptd_tools.batch.paperwork import RECORD, Paperwork, split, write_in_parts
from qptd_tools.core.errors import Problem, WriteFailed
from qptd_tools.export.documents import write_all
from qptd_tools.store.workspace import WorkspaceData

UNITS = ["06", "060", "01858", "01861", "06NG02"]  # province, district, communes, department
FORMATS = ("html", "docx")


def _files(reports):
    return {
        str(p.relative_to(reports)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(reports.rglob("*"))
        if p.is_file() and p.name != RECORD
    }


def _done(result):
    future: cf.Future = cf.Future()
    future.set_result(result)
    return future


def _failed(error):
    future: cf.Future = cf.Future()
    future.set_exception(error)
    return future


@pytest.fixture
def one_process(workspace, tmp_path):
    """The documents of UNITS written in one process (``qptd documents``' way), then removed."""
    reports = workspace / "reports"
    written = write_all(WorkspaceData(workspace), only=set(UNITS), formats=FORMATS)
    files = _files(reports)
    assert len(files) == len(written) > 20
    shutil.rmtree(reports)
    return files


def test_parts_written_by_workers_and_a_lost_part_give_the_same_files(workspace, one_process):
    reports = workspace / "reports"
    work = Paperwork.due(workspace, reports, UNITS, FORMATS, "inputs", workers=3)
    assert work is not None and len(work.parts) == 3
    assert sorted(u for part in work.parts for u in part) == sorted(UNITS)
    calls = []

    def submit(*call):  # a pool whose second worker dies
        function, root, part, formats, options = pickle.loads(pickle.dumps(call))  # as sent
        calls.append(part)
        if len(calls) == 2:
            return _failed(BrokenProcessPool("a worker died"))
        return _done(function(root, part, formats, options))

    work.send(submit)
    work.collect()
    assert work.parts == [calls[1]]  # the lost part, left for the batch's own process
    paths = work.finish()
    assert _files(reports) == one_process  # same files, byte for byte
    record = json.loads((reports / RECORD).read_text(encoding="utf-8"))
    assert (
        sorted(record["files"])
        == sorted(one_process)
        == sorted(str(p.relative_to(reports)) for p in paths)
    )
    assert [t["units"] for t in work.timings()] == [len(calls[0]), len(calls[2]), len(calls[1])]
    # nothing changed: nothing to write; a file removed, or another key: written again
    assert Paperwork.due(workspace, reports, UNITS, FORMATS, "inputs", workers=3) is None
    assert Paperwork.due(workspace, reports, UNITS, FORMATS, "other", workers=3) is not None
    (reports / record["files"][0]).unlink()
    assert Paperwork.due(workspace, reports, UNITS, FORMATS, "inputs", workers=3) is not None


def test_a_users_error_in_a_worker_reaches_the_user_whole(workspace):
    work = Paperwork.due(workspace, workspace / "reports", UNITS, FORMATS, "inputs", workers=2)
    error = WriteFailed(Problem("QPTD-E092", file="/ro/reports/ke-hoach", detail="chỉ đọc"))
    again = pickle.loads(pickle.dumps(error))  # as it comes back from a worker process
    assert (type(again), again.code, str(again)) == (WriteFailed, "QPTD-E092", str(error))
    work.send(lambda *_: _failed(again))
    with pytest.raises(WriteFailed, match="QPTD-E092"):
        work.collect()
    assert not (workspace / "reports" / RECORD).exists()  # nothing recorded as written


def test_qptd_documents_parts_in_real_processes_write_what_one_process_writes(workspace):
    """``qptd documents`` with workers: the parts go to spawned processes with the user's
    kinds, date and signer; the files are those one process writes with the same choices,
    byte for byte; progress counts every unit; ``van-ban.json`` (the batch's) is not written."""
    reports = workspace / "reports"
    options = {"kinds": ("plan", "budget", "reminder", "decision"), "day": dt.date(2019, 7, 1),
               "signer": ("Nguyễn Thị Hoà", "")}  # fmt: skip
    alone = write_all(WorkspaceData(workspace), only=set(UNITS), formats=FORMATS, **options)
    expected = _files(reports)
    assert len(expected) == len(alone) > 10
    shutil.rmtree(reports)
    counted: list[int] = []
    paths = write_in_parts(workspace, reports, UNITS, 2, options, FORMATS, per_part=2,
                           done=counted.append)  # fmt: skip
    assert _files(reports) == expected
    assert sorted(paths) == sorted(alone)
    assert sorted(counted) == [2, 3] and not (reports / RECORD).exists()
    shutil.rmtree(reports)
    counted.clear()  # fewer units than a part's worth: one process, this one
    assert sorted(write_in_parts(workspace, reports, UNITS, 2, options, FORMATS,
                                 done=counted.append)) == sorted(alone)  # fmt: skip
    assert counted == [5] and _files(reports) == expected
    shutil.rmtree(reports)
    counted.clear()  # one worker: in this process, whatever the number of units
    write_in_parts(workspace, reports, UNITS, 1, options, FORMATS, per_part=1, done=counted.append)
    assert counted == [5] and _files(reports) == expected


def test_qptd_documents_writes_a_lost_part_itself_and_counts_it(workspace, monkeypatch):
    """A part whose process died is written by ``qptd documents`` itself: the same files,
    and the progress still counts every unit."""
    reports = workspace / "reports"
    alone = write_all(WorkspaceData(workspace), only=set(UNITS), formats=FORMATS)
    expected = _files(reports)
    shutil.rmtree(reports)

    class DyingPool:  # the second part's process dies
        def __init__(self, **_kwargs):
            self.calls = 0

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            return False

        def submit(self, function, *args):
            self.calls += 1
            if self.calls == 2:
                return _failed(BrokenProcessPool("a worker died"))
            return _done(function(*args))

    monkeypatch.setattr(cf, "ProcessPoolExecutor", DyingPool)
    counted: list[int] = []
    paths = write_in_parts(workspace, reports, UNITS, 2, {}, FORMATS, per_part=2,
                           done=counted.append)  # fmt: skip
    assert sorted(paths) == sorted(alone) and _files(reports) == expected
    assert sorted(counted) == [2, 3]  # the lost part counted once written here


def test_split_spreads_the_first_units_over_the_parts():
    assert split(["06", "060", "061", "a", "b"], 2) == [["06", "061", "b"], ["060", "a"]]
    assert split(["06"], 4) == [["06"]]
    assert split([], 3) == [[]]
