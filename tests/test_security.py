"""Hostile text stays text: HTML inert in the web page, plain in the DOCX; CSV and workbook
cells never run as formulas; papermill parameters with quotes and newlines arrive intact."""

from __future__ import annotations

import io
import json

import docx
import nbformat
import papermill as pm
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from qptd_tools.cli import main
from qptd_tools.core.fsutil import safe_cell
from qptd_tools.export import QptdDocxExporter, QptdHTMLExporter
from qptd_tools.report import context
from qptd_tools.report.unit import UnitReport
from qptd_tools.store.workspace import WorkspaceData

from .test_notebooks import NOTEBOOKS, _blocks

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'


def test_html_is_inert_and_docx_plain(workspace, cat, tmp_path):
    ctx = context.unit_context(context.compute_all(WorkspaceData(workspace)), "01858")
    ctx.narrative["P1.I.1"] = HOSTILE
    ctx.unit["name"] = "Xã <b>Bằng</b> Thành"
    bundles = []
    UnitReport(ctx, cat, tmp_path / "out", bundles.append, signer=HOSTILE).full()
    cell = new_code_cell("")
    cell.outputs = [new_output("display_data", data=b) for b in bundles]
    nb = new_notebook(cells=[cell])
    page, _ = QptdHTMLExporter().from_notebook_node(nb)
    assert "<script" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        or "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    )
    body, _ = QptdDocxExporter().from_notebook_node(nb)
    document = docx.Document(io.BytesIO(body))
    texts = [p.text for p in document.paragraphs]
    assert HOSTILE in texts
    signature = [
        p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    assert HOSTILE in signature


def test_formulas_are_neutralised(workspace, capsys):
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "Xã", 5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "Xã",
        5,
    ]
    csv = workspace / "awards.csv"
    csv.write_text("unit_code,recipient_type,recipient_name,recipient_group,form,status\n"
                   "01858,Cá nhân,=HYPERLINK(\"http://x\"),CN_KHAC,GK_UBX,Đề nghị\n", encoding="utf-8")  # fmt: skip
    assert main(["--root", str(workspace), "--quiet", "ingest", str(csv)]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "--root",
                str(workspace),
                "awards",
                "--unit",
                "01858",
                "--view",
                "checks",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert main(["--root", str(workspace), "--quiet", "awards", "--list", "--unit", "01858"]) == 0
    capsys.readouterr()
    import openpyxl

    names = [
        row[3].value
        for book in sorted(
            (workspace / "reports" / "khen-thuong" / "01858").glob("danh-sach-*.xlsx")
        )
        for row in openpyxl.load_workbook(book).active.iter_rows(min_row=4)
    ]
    assert '\'=HYPERLINK("http://x")' in names and not any(str(n).startswith("=") for n in names)


def test_parameters_with_quotes_and_newlines_arrive_intact(workspace, tmp_path):
    signer = 'Nguyễn "Văn" A\'s\nxuống dòng \\ cuối'
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / "unit_report.ipynb"), str(out), progress_bar=False, kernel_name="python3",
                        parameters={"unit_code": "01858", "root": str(workspace), "signer": signer,
                                    "doc_number": '12"/a'})  # fmt: skip
    meta = _blocks(nbformat.read(out, as_version=4))[0]["document"]
    assert meta["signer"] == signer and meta["number"] == '12"/a'
    assert json.dumps(meta, ensure_ascii=False)


def _exports(bundles):
    cell = new_code_cell("")
    cell.outputs = [new_output("display_data", data=b) for b in bundles]
    nb = new_notebook(cells=[cell])
    return QptdHTMLExporter().from_notebook_node(nb)[0], QptdDocxExporter().from_notebook_node(nb)[
        0
    ]


def test_hostile_unit_name_and_award_records(workspace, tmp_path, capsys):
    """A hostile unit name (in a workspace's own registry) and award names stay text in the
    report, the awards view and the award list."""
    from qptd_tools.catalog import load_catalog
    from qptd_tools.report.views import AwardsView

    name = "Xã <b>Bằng</b> Thành <script>x()</script>"
    registry = load_catalog().units.copy()
    registry.loc[registry["unit_code"] == "01858", "name"] = name
    (workspace / "catalog").mkdir()
    registry.to_csv(workspace / "catalog" / "units.csv", index=False)
    quoted = HOSTILE.replace('"', '""')
    csv = workspace / "awards.csv"
    csv.write_text("unit_code,recipient_type,recipient_name,recipient_group,form,status\n"
                   + f'01858,Cá nhân,"{quoted}",CN_KHAC,GK_UBX,Đề nghị\n' * 2, encoding="utf-8")  # fmt: skip
    assert main(["--root", str(workspace), "--quiet", "ingest", str(csv)]) == 0
    capsys.readouterr()

    bundles: list = []
    UnitReport.open("01858", root=str(workspace), output_dir=str(tmp_path / "r"),
                    display=bundles.append).full()  # fmt: skip
    page, body = _exports(bundles)
    assert "<script" not in page and "<b>" not in page
    assert "Thành &lt;script&gt;x()&lt;/script&gt;" in page
    head = docx.Document(io.BytesIO(body)).tables[0].rows[0].cells[0].text
    assert "<SCRIPT>X()</SCRIPT>" in head.upper()  # the letterhead, as plain text

    bundles = []
    view = AwardsView.open("01858", root=str(workspace), output_dir=str(tmp_path / "a"),
                           display=bundles.append)  # fmt: skip
    view.checks()  # the two records are flagged as a possible duplicate, by name
    page = "".join(b["text/html"] for b in bundles)  # what the notebook shows
    assert "<script" not in page and "&lt;script&gt;alert(" in page

    assert main(["--root", str(workspace), "--quiet", "awards", "--list", "--unit", "01858"]) == 0
    listings = sorted((workspace / "reports" / "khen-thuong" / "01858").glob("danh-sach-*.docx"))
    cells = [c.text for path in listings for t in docx.Document(str(path)).tables
             for r in t.rows for c in r.cells]  # fmt: skip
    assert HOSTILE in cells


@pytest.mark.parametrize("code", ["../061", "061/../06", "..", "..\\061", "/etc/passwd", "01858/x"])
def test_unit_codes_with_paths_are_refused_before_any_path(workspace, cat, code, capsys):
    """A unit code is checked against the registry before it becomes part of a path."""
    from qptd_tools.batch.selection import select_units
    from qptd_tools.core.errors import QptdError

    before = sorted(p for p in workspace.parent.rglob("*"))
    with pytest.raises(QptdError) as err:
        select_units(cat, units=[code])
    assert err.value.code in {"QPTD-E081", "QPTD-E023"}
    with pytest.raises(QptdError):
        UnitReport.open(code, root=str(workspace))
    for command in (["run", "--unit", code], ["template", "--unit", code],
                    ["awards", "--list", "--unit", code]):  # fmt: skip
        assert main(["--root", str(workspace), "--quiet", *command]) == 2
        assert "Traceback" not in capsys.readouterr().err
    assert sorted(p for p in workspace.parent.rglob("*")) == before
