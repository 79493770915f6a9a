"""The notebooks: their parameter contract, and each one executed with papermill on the sample."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from qptd_tools.report import blocks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CONTRACT = {
    "unit_report": {"unit_code": "'061'", "period_start": "2009", "period_end": "2019", "root": "''",
                    "context_path": "''", "output_dir": "''", "document_date": "''", "doc_number": "''",
                    "signer": "''", "format_profile": "'auto'"},
    "overview": {"parent_code": "'06'", "level": "'huyen'", "root": "''", "output_dir": "''"},
    "awards": {"unit_code": "'06'", "root": "''", "output_dir": "''"},
    "explore": {"unit_code": "'06'", "indicator": "'DQ_QUAN_SO'", "root": "''"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_parameter_contract(name):
    params = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert {k: v["default"].replace('"', "'") for k, v in params.items()} == CONTRACT[name]
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert all(
        not c.get("outputs") and not c.get("execution_count")
        for c in nb.cells
        if c.cell_type == "code"
    )


def _run(name, tmp_path, **parameters):
    out = tmp_path / f"{name}-out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                        progress_bar=False, kernel_name="python3", cwd=str(tmp_path))  # fmt: skip
    return nbformat.read(out, as_version=4)


def _blocks(nb):
    return [
        o["data"][blocks.MIME]
        for c in nb.cells
        for o in c.get("outputs", [])
        if blocks.MIME in o.get("data", {})
    ]


def test_unit_report_of_a_district(workspace, tmp_path):
    nb = _run("unit_report", tmp_path, unit_code="061", root=str(workspace))
    found = _blocks(nb)
    headings = [b["title"] for b in found if b["kind"] == "heading"]
    assert headings[0].startswith("KẾT QUẢ THỰC HIỆN CÔNG TÁC") and "Đánh giá chung" in headings
    assert headings.index("Bài học kinh nghiệm") < headings.index("CHỦ TRƯƠNG, GIẢI PHÁP")
    tables = [b for b in found if b["kind"] == "table"]
    figs = [b for b in found if b["kind"] == "figure"]
    assert [t["number"] for t in tables] == list(range(1, len(tables) + 1)) and len(tables) >= 4
    assert [f["number"] for f in figs] == list(range(1, len(figs) + 1)) and len(figs) >= 5
    for fig in figs:
        assert (workspace / "reports" / "061" / fig["png"]).is_file()
        assert (workspace / "reports" / "061" / fig["svg"]).is_file()
    text = " ".join(b.get("text", "") for b in found if b["kind"] == "paragraph")
    assert "Giai đoạn 2009 - 2019, toàn huyện" in text
    assert (
        found[0]["kind"] == "meta" and found[0]["document"]["sample"] is True
    )  # shown as "DỮ LIỆU MẪU"


def test_unit_report_of_a_commune_and_a_department(workspace, tmp_path):
    for code in ("01858", "06NG21"):
        nb = _run("unit_report", tmp_path, unit_code=code, root=str(workspace), period_start=2014)
        found = _blocks(nb)
        assert found[0]["kind"] == "meta" and found[0]["document"]["unit_code"] == code
        assert any(b["kind"] == "table" for b in found)
    assert "Giai đoạn 2014 - 2019" in json.dumps(found, ensure_ascii=False)


def test_overview_awards_and_explore(workspace, tmp_path):
    overview = _blocks(
        _run("overview", tmp_path, root=str(workspace), parent_code="061", level="xa")
    )
    table = next(b for b in overview if b["kind"] == "table")
    assert len(table["rows"]) == 16 and table["rows"][0][0].startswith(("Thị trấn", "Xã"))
    awards = _blocks(_run("awards", tmp_path, root=str(workspace), unit_code="063"))
    assert any(
        "  " in r[2] for b in awards if b["kind"] == "table" for r in b["rows"]
    )  # D5's typing
    assert not any("Tày" in json.dumps(b, ensure_ascii=False) for b in awards)  # only aggregates
    nb = _run("explore", tmp_path, root=str(workspace), unit_code="061")
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)
