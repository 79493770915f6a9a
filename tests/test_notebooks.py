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
    "overview": {"parent_code": "'06'", "level": "'huyen'", "root": "''", "output_dir": "''", "section": "''"},
    "awards": {"unit_code": "'06'", "root": "''", "output_dir": "''"},
    "explore": {"unit_code": "'061'", "indicator": "'TT_BUOI'", "root": "''"},
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
        block
        for c in nb.cells
        for o in c.get("outputs", [])
        if blocks.MIME in o.get("data", {})
        for block in blocks.unpack(o["data"][blocks.MIME])
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
    # each report cell shows its blocks as one output (one message, not one per block: #16),
    # and the reader sees every block's HTML, the figures as images, in order
    report_cells = [c for c in nb.cells if c.cell_type == "code" and "report." in c.source]
    assert [len(c.outputs) for c in report_cells] == [1, 1, 1, 1, 1]  # header … appendix
    appendix = report_cells[-1].outputs[0]["data"]
    assert appendix[blocks.MIME]["kind"] == "group"
    assert appendix["text/html"].count("data:image/png;base64,") == len(figs)
    assert len(found) > 60


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
    # what each commune wrote, per section of the outline, with its source (issue #15)
    texts = [
        b
        for b in overview
        if b["kind"] == "table" and b["columns"][:3] == ["Mục", "Đơn vị", "Ý chính"]
    ]
    assert len(texts) == 1 and len({r[1] for r in texts[0]["rows"]}) >= 10
    assert all(r[3].endswith(".xlsx (Thuyết minh)") or ".xlsx (" in r[3] for r in texts[0]["rows"])
    awards = _blocks(_run("awards", tmp_path, root=str(workspace), unit_code="063"))
    assert any(
        "  " in r[2] for b in awards if b["kind"] == "table" for r in b["rows"]
    )  # D5's typing
    assert not any("Tày" in json.dumps(b, ensure_ascii=False) for b in awards)  # only aggregates
    # a numeric code, as `papermill -p unit_code 061` hands it over: 61
    nb = _run("explore", tmp_path, root=str(workspace), unit_code=61)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    # the views outside the widget: charts as PNG images, tables with rows
    images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2 and all(len(i) > 10_000 for i in images)
    tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 5 and all(t.count("<tr") > 2 for t in tables[:1] + tables[2:])
    assert (
        "Huyện Ba Bể" not in tables[0] and ">2019<" in tables[0]
    )  # ranks by year, years unformatted


def test_explorer_views_as_library_functions(workspace, tmp_path):
    from qptd_tools.report import Explorer

    explorer = Explorer.open(str(workspace))
    years = (2009, 2019)
    ranks = explorer.ranks("61", "TT_BUOI", years)  # "61" is 061
    assert list(ranks["Năm"]) == list(range(2009, 2020)) and ranks["Số đơn vị"].eq(8).all()
    assert ranks["Thứ hạng"].between(1, 8).all()
    assert explorer.ranks("061", "AN_VU_VIEC", years).empty  # more incidents is not "better"
    assert explorer.rank_figure("061", "AN_VU_VIEC", years) is None
    found = explorer.findings("02131")  # D4: no dates
    assert list(found["Mã"]) == ["QPTD-S002", "QPTD-S002"]
    for view in (explorer.compare, explorer.distribution, explorer.draw):
        paths = explorer.save(view("061", "TT_BUOI", years), tmp_path / "hinh", view.__name__)
        assert [p.suffix for p in paths] == [".png", ".svg"] and all(
            p.stat().st_size > 5_000 for p in paths
        )
    # the distribution has one box per year over the 8 districts and cities
    assert len(explorer._level_values("061", "TT_BUOI", years)) == 8


def test_one_rule_finds_the_workspace_and_an_empty_one_is_said(workspace, tmp_path, monkeypatch):
    import qptd_tools
    from qptd_tools.core.errors import QptdError

    notebooks = workspace / "notebooks"
    notebooks.mkdir()
    monkeypatch.delenv("QPTD_ROOT", raising=False)
    monkeypatch.chdir(notebooks)  # JupyterLab's kernel runs in the notebook's folder
    assert len(qptd_tools.open_workspace().values) > 1000
    empty = tmp_path / "trong"
    empty.mkdir()
    monkeypatch.chdir(empty)
    with pytest.raises(QptdError) as caught:
        qptd_tools.open_workspace()
    assert caught.value.problem.code == "QPTD-E093"


def test_blocks_held_by_a_cell_are_shown_once_even_when_it_fails(tmp_path):
    """A report method shows its blocks as one output at its end; an error in the middle still
    shows what came before it (the notebook says how far the unit got), and nesting shows once."""
    from qptd_tools.report.emitter import Emitter, shown_together

    class View(Emitter):
        @shown_together
        def part(self, fail: bool = False) -> None:
            self.paragraph("Một")
            self.inner()
            if fail:
                raise RuntimeError("dừng")
            self.paragraph("Bốn")

        @shown_together
        def inner(self) -> None:
            self.paragraph("Hai")
            self.paragraph("Ba")

    shown: list = []
    view = View(tmp_path, display=shown.append)
    view.part()
    assert len(shown) == 1 and shown[0][blocks.MIME]["kind"] == "group"
    assert [b["text"] for b in blocks.unpack(shown[0][blocks.MIME])] == ["Một", "Hai", "Ba", "Bốn"]
    assert shown[0]["text/html"].index("Một") < shown[0]["text/html"].index("Bốn")
    with pytest.raises(RuntimeError):
        view.part(fail=True)
    assert len(shown) == 2
    assert [b["text"] for b in blocks.unpack(shown[1][blocks.MIME])] == ["Một", "Hai", "Ba"]
    view.paragraph("Năm")  # outside a held method: shown at once, as before
    assert shown[2][blocks.MIME] == {"kind": "paragraph", "text": "Năm", "style": "body"}
    assert len(view.emitted) == 8
