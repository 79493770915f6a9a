"""Every writing the README says intake accepts arrives as exactly the value meant — also after
the workbook is re-saved by LibreOffice Calc — and ingest is deterministic (issue #11)."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qptd_tools.core.vnformat import number
from qptd_tools.intake.ingest import ingest
from qptd_tools.intake.template import Filling
from qptd_tools.store.snapshots import Store

from .conftest import write_workbook

UNITS = ("01858", "060", "06NG15")  # a commune, a district, a department
DATE_WRITINGS = (
    lambda d: d,
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{d.day}.{d.month}.{d.year}",
    lambda d: f"{d.day}-{d.month}-{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
)


def _integer_writings(value: int) -> list[object]:
    grouped = number(value)  # "1.234.567"
    return [value, float(value), str(value), grouped, grouped.replace(".", " "),
            grouped.replace(".", "\u00a0")]  # fmt: skip


def _decimal_writings(value: float) -> list[object]:
    shown = number(value, 2)  # "1.234,5"
    return [value, shown, shown.replace(".", "")]


@st.composite
def fillings(draw) -> tuple[str, Filling, dict[tuple[str, int], float], dict[str, dt.date]]:
    """A unit's workbook filled with random values, each in a writing intake accepts."""
    from qptd_tools.catalog import load_catalog

    cat = load_catalog()
    unit = draw(st.sampled_from(UNITS))
    level = str(cat.unit(unit)["level"])
    rows = cat.indicators_for(level, inputs_only=True)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    meant: dict[tuple[str, int], float] = {}
    written: dict[tuple[str, int], object] = {}
    for ind in rows.itertuples():
        for year in cat.years:
            if rng.random() < 0.15:
                continue  # left blank
            if ind.kind == "flag":
                value: float = float(rng.randint(0, 1))
                writing: object = rng.choice([int(value), str(int(value))])
            elif ind.integer:
                value = float(rng.choice([rng.randint(0, 99), rng.randint(0, 10**7)]))
                writing = rng.choice(_integer_writings(int(value)))
            else:
                value = round(rng.uniform(0, 10**5), rng.choice([0, 1, 2]))
                writing = rng.choice(_decimal_writings(value))
            meant[(ind.code, year)] = value
            written[(ind.code, year)] = writing
    for ind in rows.loc[rows["max_of"] != ""].itertuples():  # parts never above their whole
        for year in cat.years:
            part, whole = (ind.code, year), (ind.max_of, year)
            if part in meant and whole in meant and meant[part] > meant[whole]:
                meant[part], written[part] = meant[whole], written[whole]
    days = {
        "conference_date": dt.date(2019, 8, 1) + dt.timedelta(days=rng.randint(0, 40)),
        "report_submitted_date": dt.date(2019, 8, 1) + dt.timedelta(days=rng.randint(0, 45)),
    }
    info = {k: rng.choice(DATE_WRITINGS)(d) for k, d in days.items()}
    return unit, Filling(values=written, info=info), meant, days


def _check(store: Store, unit: str, meant: dict, days: dict) -> None:
    values = store.read("values")
    got = {(r.indicator, int(r.year)): r.value for r in values.itertuples()}
    assert got == meant
    conference = store.read("conferences").set_index("unit_code").loc[unit]
    for name, day in days.items():
        assert conference[name] == pd.Timestamp(day)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=fillings())
def test_every_accepted_writing_arrives_exactly(tmp_path_factory, cat, case):
    unit, filling, meant, days = case
    folder = tmp_path_factory.mktemp("w")
    path = write_workbook(cat, folder / f"{unit}.xlsx", unit, filling)
    store = Store(folder / "store")
    result = ingest([path], store, cat, progress=False).files[0]
    assert result.status == "accepted", [str(p) for p in result.errors]
    _check(store, unit, meant, days)


@pytest.mark.slow
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=fillings())
def test_the_same_workbook_resaved_by_libreoffice_arrives_the_same(tmp_path_factory, cat, case):
    if shutil.which("soffice") is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed")
    unit, filling, meant, days = case
    folder = tmp_path_factory.mktemp("lo")
    path = write_workbook(cat, folder / "src" / f"{unit}.xlsx", unit, filling)
    out = folder / "calc"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    resaved = out / path.name
    assert resaved.read_bytes() != path.read_bytes()  # really written by Calc
    store = Store(folder / "store")
    result = ingest([resaved], store, cat, progress=False).files[0]
    assert result.status == "accepted", [str(p) for p in result.errors]
    _check(store, unit, meant, days)


# --- deterministic ingest of the sample plus a clerk's folder of mistakes -----------------------
@pytest.fixture(scope="module")
def messy_folder(tmp_path_factory, cat, sample_dir) -> Path:
    """The whole sample, plus a corrected file, a misnamed file and an exact copy."""
    folder = tmp_path_factory.mktemp("messy")
    shutil.copytree(sample_dir, folder / "sample")
    extra = folder / "extra"
    extra.mkdir()
    shutil.copy(sample_dir / "01858.xlsx", extra / "01858 ban sao.xlsx")  # same content
    shutil.copy(sample_dir / "01864.xlsx", extra / "01861.xlsx")  # named after another unit
    from qptd_tools.intake.template import build_workbook, save_workbook
    from qptd_tools.sample.generate import build_sample

    corrected = build_sample(cat)["01873"]
    corrected.values[("TT_BUOI", 2015)] = 99  # type: ignore[index]
    save_workbook(build_workbook(cat, "01873", corrected, sample=True), extra / "01873_sua.xlsx")
    return folder


def _tables(store: Store) -> dict[str, pd.DataFrame]:
    out = {}
    for name in ("values", "awards", "conferences", "narrative", "submissions", "history"):
        frame = store.read(name).drop(columns=["ingested_at", "source_path", "file_modified"],
                                      errors="ignore")  # fmt: skip
        out[name] = frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)
    return out


@pytest.mark.slow
def test_ingest_is_deterministic(tmp_path, cat, messy_folder):
    forward = Store(tmp_path / "a")
    first = ingest([messy_folder], forward, cat, progress=False)
    statuses = {str(f.path.relative_to(messy_folder)): f.status for f in first.files}
    copies = [statuses["extra/01858 ban sao.xlsx"], statuses["sample/01858.xlsx"]]
    assert sorted(copies) == ["accepted", "duplicate"]
    assert statuses["extra/01861.xlsx"] == "rejected"  # 01864's data under 01861's name
    assert statuses["sample/01861.xlsx"] == "accepted"
    assert statuses["extra/01873_sua.xlsx"] == statuses["sample/01873.xlsx"] == "rejected"
    snapshot = sorted((forward.path / "CURRENT").read_text())
    files = {p.relative_to(forward.path): p.read_bytes()
             for p in forward.path.rglob("*") if p.is_file() and p.suffix == ".parquet"}  # fmt: skip
    second = ingest([messy_folder], forward, cat, progress=False)  # a run in a row: same store
    assert second.snapshot is None and sorted((forward.path / "CURRENT").read_text()) == snapshot
    assert files == {p.relative_to(forward.path): p.read_bytes()
                     for p in forward.path.rglob("*") if p.is_file() and p.suffix == ".parquet"}  # fmt: skip
    backward = Store(tmp_path / "b")  # listed in the opposite order: the same data in force
    paths = sorted(p for p in messy_folder.rglob("*") if p.is_file())[::-1]
    ingest(paths, backward, cat, progress=False)
    for name, frame in _tables(forward).items():
        pd.testing.assert_frame_equal(frame, _tables(backward)[name], check_like=True)
