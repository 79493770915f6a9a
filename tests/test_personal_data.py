"""Personal data: no report, list or file the batch writes carries an individual's ethnicity.

Every individual's ethnicity in the store is replaced by a unique marker; then the reports
of the province, a district and a commune are built with both exports, the award lists of
every deciding unit are written, and every byte under ``reports/`` (notebooks, HTML, the
XML inside each DOCX and XLSX, manifests, the batch's own files) is searched for the markers.
Shares (women, ethnic minorities) still come out as aggregates.
"""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from qptd_tools.analytics import awards
from qptd_tools.batch.job import Batch
from qptd_tools.export.award_lists import LIST_COLUMNS, write_lists
from qptd_tools.store.snapshots import Store
from qptd_tools.store.workspace import WorkspaceData

MARK = "Canary"


@pytest.fixture(scope="module")
def marked(tmp_path_factory, sample_store_dir, cat):
    """A workspace whose individuals' ethnicities are unique markers, with its outputs built."""
    src, _ = sample_store_dir
    root = tmp_path_factory.mktemp("personal") / "ws"
    shutil.copytree(src, root / "data" / "processed")
    store = Store(root / "data" / "processed")
    records = store.read("awards")
    people = records["recipient_type"] == "ca_nhan"
    records.loc[people, "ethnicity"] = [f"{MARK}{i:04d}" for i in range(int(people.sum()))]
    with store.locked():
        store.commit({"awards": (set(records["unit_code"]), records)}, pd.DataFrame())
    data = WorkspaceData(root)
    result = Batch(data, ["06", "061", "01858"], workers=1, progress=False).run()
    assert not result.failed
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    lists = write_lists(enriched, cat, root / "reports" / "khen-thuong")
    return root, int(people.sum()), enriched, lists


def _contents(path):
    data = path.read_bytes()
    if path.suffix in {".docx", ".xlsx"}:
        with zipfile.ZipFile(path) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return data


def test_no_output_carries_an_individuals_ethnicity(marked):
    root, people, enriched, lists = marked
    assert people > 100 and enriched["ethnicity"].str.startswith(MARK).sum() == people
    files = [p for p in (root / "reports").rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".ipynb", ".html", ".docx", ".xlsx", ".png", ".svg", ".json"} <= kinds, kinds
    assert len(lists) >= 2 * 100  # a DOCX and an XLSX for each decision and each submission
    leaks = [str(p.relative_to(root)) for p in files if MARK.encode() in _contents(p)]
    assert leaks == []


def test_award_lists_carry_name_position_and_unit_only(marked):
    _, _, _, lists = marked
    book = next(p for p in lists if p.suffix == ".xlsx")
    sheet = openpyxl.load_workbook(book).active
    header = next(
        [c.value for c in row if c.value]
        for row in sheet.iter_rows()
        if any(c.value == "STT" for c in row)
    )
    assert header == LIST_COLUMNS and not {"Giới tính", "Dân tộc"} & set(header)


def test_shares_are_still_reported_as_aggregates(marked):
    _, people, enriched, _ = marked
    shares = awards.shares(enriched)
    assert int(shares["individuals"].iloc[0]) == people
    # every marker counts as a minority (it is not "Kinh"), only as a number
    assert int(shares["minorities"].iloc[0]) == people
