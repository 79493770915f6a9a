"""Shared fixtures: the bundled catalogue, small workbooks, and the sample built once."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from qptd_tools.analytics import awards
from qptd_tools.catalog import load_catalog
from qptd_tools.intake import layout as L
from qptd_tools.intake.ingest import ingest
from qptd_tools.intake.template import Filling, build_workbook, save_workbook
from qptd_tools.sample.generate import write_sample
from qptd_tools.store.snapshots import Store
from qptd_tools.store.workspace import WorkspaceData

COMMUNE = "01849"  # Xã Dương Quang, Thành phố Bắc Kạn


@pytest.fixture(scope="session")
def cat():
    return load_catalog()


def good_filling(cat, unit: str = COMMUNE) -> Filling:
    """A small, valid filling: a few values, one award, dates and one narrative section."""
    forms = dict(zip(cat.award_forms["code"], cat.award_forms["name"], strict=True))
    groups = dict(zip(cat.recipient_groups["code"], cat.recipient_groups["name"], strict=True))
    return Filling(
        values={("DAN_SO", 2009): 3000, ("DAN_SO", 2019): "3.250", ("DQ_QUAN_SO", 2019): 50,
                ("DQ_DANG_VIEN", 2019): 12, ("VM_CO_SO", 2019): 1},
        info={"conference_date": dt.date(2019, 8, 20), "report_submitted_date": "25/8/2019",
              "chair": "Hoàng Văn Thắng", "participants": 60},
        awards=[{"recipient_type": "Cá nhân", "recipient_name": "Lương Thị Hằng",
                 "recipient_group": L.coded_label("CN_CT", groups["CN_CT"]), "gender": "Nữ",
                 "ethnicity": "Tày", "form": L.coded_label("GK_UBX", forms["GK_UBX"]),
                 "status": "Đề nghị"}],
        narrative={"P1.I.1": "Xã có vị trí quan trọng về quốc phòng."},
    )  # fmt: skip


def write_workbook(cat, path: Path, unit: str = COMMUNE, filling: Filling | None = None) -> Path:
    save_workbook(
        build_workbook(cat, unit, filling if filling is not None else good_filling(cat, unit)), path
    )
    return path


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "processed")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory, cat) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(cat, out, progress=False)
    return out


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory, cat, sample_dir) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("sample-store") / "processed"
    report = ingest([sample_dir], Store(path), cat, progress=False)
    return path, report


@pytest.fixture
def sample_store(sample_store_dir, tmp_path) -> Store:
    """A private copy of the ingested sample store (tests may change it)."""
    src, _ = sample_store_dir
    dst = tmp_path / "processed"
    shutil.copytree(src, dst)
    return Store(dst)


@pytest.fixture
def workspace(sample_store_dir, tmp_path) -> Path:
    """A workspace folder holding a copy of the ingested sample store."""
    src, _ = sample_store_dir
    root = tmp_path / "ws"
    shutil.copytree(src, root / "data" / "processed")
    return root


DOCUMENT_FOLDERS = ("khen-thuong", "du-toan", "ke-hoach", "don-doc")  # qptd documents' folders
QPTD = shutil.which("qptd") or str(Path(sys.executable).with_name("qptd"))


def qptd(root: Path, *args: str) -> str:
    """Run the ``qptd`` command as a user does; return what it prints."""
    done = subprocess.run([QPTD, "--root", str(root), "--quiet", *args], capture_output=True,
                          text=True, timeout=1200)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def province_batch(tmp_path_factory, written):
    """The whole sample reported as a user does it: ``qptd run --all`` (the reports, and the
    documents written by its workers: plans, lists, decisions, submissions, budgets,
    reminders), ``check`` and ``deadlines`` (about 3 minutes on 2 cores; for the slow tests
    only). Made from a copy of the ``written`` workspace whose documents are removed: the
    run writes them again, to be compared with those of ``qptd documents``."""
    documents = written[0].parent.parent
    root = tmp_path_factory.mktemp("province") / "ws"
    shutil.copytree(documents, root)
    for folder in DOCUMENT_FOLDERS:
        shutil.rmtree(root / "reports" / folder)
    qptd(root, "run", "--all", "--workers", "2")
    findings = pd.DataFrame(json.loads(qptd(root, "check", "--format", "json"))["findings"])
    board = pd.DataFrame(json.loads(qptd(root, "deadlines", "--format", "json")))
    return root, findings, board


@pytest.fixture(scope="session")
def written(tmp_path_factory, sample_store_dir):
    """`qptd documents` on the whole sample, as a user runs it; with what it was made from."""
    src, _ = sample_store_dir
    root = tmp_path_factory.mktemp("documents") / "ws"
    shutil.copytree(src, root / "data" / "processed")
    said = qptd(root, "documents", "--workers", "2")  # in 2 processes (the default on 2 cores)
    assert said.count("\n") > 500, said[-500:]  # every file written is printed
    data = WorkspaceData(root)
    cat = data.catalog
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    enriched["scope"] = awards.deciding_unit(enriched, cat.units)
    money = awards.money_of(enriched, cat)
    enriched["amount"] = money["amount"].to_numpy()
    return root / "reports" / "khen-thuong", data, enriched


def _chromium() -> str:
    """The system Chromium (Debian's), which Playwright drives: no browser download."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium must be installed in CI (.ci/run installs it)")
        pytest.skip("Chromium not installed")
    return path


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through Playwright, for the tests of what a reader sees."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as play:
        launched = play.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


def office() -> str:
    """LibreOffice, which prints a DOCX as an official's office would (with poppler to read it)."""
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if not found or not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and poppler must be installed in CI (.ci/run installs them)")
        pytest.skip("LibreOffice or poppler not installed")
    return found
