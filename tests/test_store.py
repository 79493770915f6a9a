"""The store: atomic replacement, unchanged re-ingest, crash safety, the lock."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pandas as pd
import pytest

from qptd_tools.core.errors import StoreLocked
from qptd_tools.intake.ingest import ingest
from qptd_tools.intake.template import Filling

from .conftest import good_filling, write_workbook


def _ingest(store, cat, *paths):
    return ingest(list(paths), store, cat, progress=False)


def test_unchanged_file_changes_nothing(tmp_path, cat, store):
    path = write_workbook(cat, tmp_path / "a" / "01849.xlsx")
    first = _ingest(store, cat, path)
    current = (store.path / "CURRENT").read_text()
    second = _ingest(store, cat, path)
    assert first.files[0].status == "accepted" and second.files[0].status == "unchanged"
    assert second.snapshot is None
    assert (store.path / "CURRENT").read_text() == current
    assert [p.code for p in second.files[0].problems] == ["QPTD-W108"]


def test_new_submission_replaces_only_that_unit(tmp_path, cat, store):
    a = write_workbook(cat, tmp_path / "a" / "01849.xlsx")
    b = write_workbook(cat, tmp_path / "a" / "01852.xlsx", "01852")
    _ingest(store, cat, a, b)
    other_before = store.read("values").query("unit_code == '01852'").reset_index(drop=True)
    changed = good_filling(cat)
    changed = Filling(values={("DAN_SO", 2015): 4321}, info=changed.info, awards=[], narrative={})
    write_workbook(cat, tmp_path / "b" / "01849.xlsx", filling=changed)
    _ingest(store, cat, tmp_path / "b" / "01849.xlsx")
    values = store.read("values")
    mine = values.query("unit_code == '01849'")
    assert mine[["year", "indicator", "value"]].values.tolist() == [[2015, "DAN_SO", 4321.0]]
    pd.testing.assert_frame_equal(
        values.query("unit_code == '01852'").reset_index(drop=True), other_before
    )
    assert store.read("awards").query("unit_code == '01849'").empty
    subs = store.read("submissions").query("unit_code == '01849'")
    assert set(subs["source_path"]) == {str((tmp_path / "b" / "01849.xlsx").resolve())}


def test_crash_mid_write_keeps_previous_store(tmp_path, cat, store, monkeypatch):
    path = write_workbook(cat, tmp_path / "a" / "01849.xlsx")
    _ingest(store, cat, path)
    before = store.read("values")
    current = (store.path / "CURRENT").read_text()
    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def dying(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", dying)
    changed = Filling(values={("DAN_SO", 2011): 1}, info={"conference_date": dt.date(2019, 8, 2)})
    write_workbook(cat, tmp_path / "b" / "01849.xlsx", filling=changed)
    with pytest.raises(Exception) as err:
        _ingest(store, cat, tmp_path / "b" / "01849.xlsx")
    assert getattr(err.value, "code", "") == "QPTD-E092"
    assert (store.path / "CURRENT").read_text() == current
    pd.testing.assert_frame_equal(store.read("values"), before)
    monkeypatch.undo()
    _ingest(store, cat, tmp_path / "b" / "01849.xlsx")  # and the next ingest works and cleans up
    assert not list(store.snapshots.glob(".staging-*"))
    assert store.read("values")["value"].tolist() == [1.0]


def _hold_lock(path, ready, release):
    from qptd_tools.store.snapshots import Store

    with Store(path).locked():
        ready.set()
        release.wait(10)


def test_second_ingest_is_refused_while_one_runs(tmp_path, cat, store):
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(store.path, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        path = write_workbook(cat, tmp_path / "a" / "01849.xlsx")
        with pytest.raises(StoreLocked) as err:
            _ingest(store, cat, path)
        assert err.value.code == "QPTD-E090"
    finally:
        release.set()
        holder.join(10)
    assert _ingest(store, cat, path).files[0].status == "accepted"


def test_two_different_files_for_one_unit_in_one_call_are_both_rejected(tmp_path, cat, store):
    a = write_workbook(cat, tmp_path / "a" / "01849.xlsx")
    changed = good_filling(cat)
    changed.values[("DAN_SO", 2015)] = 3100
    b = write_workbook(cat, tmp_path / "b" / "01849-ban-sua.xlsx", filling=changed)
    report = _ingest(store, cat, a, b)
    assert [f.status for f in report.files] == ["rejected", "rejected"]
    for result in report.files:  # said once per file, naming both files
        e025 = [p for p in result.problems if p.code == "QPTD-E025"]
        assert len(e025) == 1 and "01849.xlsx" in e025[0].message
        assert "01849-ban-sua.xlsx" in e025[0].message
    assert store.current() is None


def test_the_same_content_twice_is_one_submission(tmp_path, cat, store):
    a = write_workbook(cat, tmp_path / "a" / "01849.xlsx")
    b = write_workbook(cat, tmp_path / "b" / "01849-ban-sao.xlsx")
    report = _ingest(store, cat, a, b)
    assert [f.status for f in report.files] == ["accepted", "duplicate"]
    assert "01849.xlsx" in report.files[1].note


def test_csv_tables_load_with_row_provenance(tmp_path, cat, store):
    csv = tmp_path / "chi-tieu.csv"
    csv.write_text("unit_code;year;indicator;value\n061;2010;TT_BUOI;1.234\n061;2011;TT_BUOI;12\n",
                   encoding="utf-8-sig")  # fmt: skip
    report = _ingest(store, cat, csv)
    assert report.files[0].status == "accepted", [str(p) for p in report.files[0].problems]
    values = store.read("values")
    assert values["value"].tolist() == [1234.0, 12.0]
    assert values["cell"].tolist() == ["dòng 2", "dòng 3"]


def test_csv_in_windows_1258_and_tcvn3(tmp_path, cat, store):
    path = tmp_path / "thuyet-minh.csv"
    # Windows-1258 writes "ế" as "ê" + a combining acute accent
    path.write_bytes(
        "unit_code,section_id,text\n061,P1.I.3,Nhân dân đoàn kê\u0301t\n".encode("cp1258")
    )
    legacy = tmp_path / "tm2.csv"
    legacy.write_bytes(
        "unit_code,section_id,text\n062,P1.I.3,Nh©n d©n ®oµn kÕt\n".encode("latin-1")
    )
    report = _ingest(store, cat, path, legacy)
    assert [f.status for f in report.files] == ["accepted", "accepted"]
    assert "QPTD-W107" in [p.code for p in report.files[0].problems]
    assert "QPTD-W101" in [p.code for p in report.files[1].problems]
    texts = store.read("narrative").set_index("unit_code")["text"].to_dict()
    assert texts == {"061": "Nhân dân đoàn kết", "062": "Nhân dân đoàn kết"}
