"""Word in (issue #15): a unit's report sent as a ``.docx`` is read section by section of the
outline, with its unit, provenance and coded findings; the narrative in force follows one rule
(the file received last that gives a section a text); bad documents are refused with the store
unchanged. Twelve documents written from scratch as departments write them (different fonts,
Word's automatic numbering, heading styles, "1)" for "1.", no diacritics, a typo, an extra
section, a missing one, a table inside a section, a letterhead in paragraphs)."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from qptd_tools.core.vnformat import fold
from qptd_tools.intake.ingest import ingest
from qptd_tools.store.snapshots import Store
from qptd_tools.store.workspace import WorkspaceData

from .conftest import qptd

SECTIONS = ["P1.I.1", "P1.I.2", "P1.I.3", "P1.I.4", "P1.II.DGC"]


@dataclass
class Spec:
    """One department's document: how it is written and what intake must read from it."""

    unit: str
    name: str  # file name
    font: str = "Times New Roman"
    heading: str = "bold"  # bold | style | numbered | plain-label
    label: str = "{n}."  # how a section is numbered in the text
    sections: list[str] = field(default_factory=lambda: list(SECTIONS))
    title_of: dict[str, str] = field(default_factory=dict)  # a heading written differently
    extra: str = ""  # a heading that is no section of the outline, with text under it
    table_in: str = ""  # a section with a table inside
    letterhead: str = "table"  # table | paragraphs
    expect_missing: list[str] = field(default_factory=list)


def _text(spec: Spec, section: str) -> str:
    return f"Nội dung mục {section} của {spec.unit}: năm 2019 thực hiện đạt yêu cầu đề ra."


def _numbering(document) -> str:
    """Add a decimal numbering definition (Word's automatic numbering) and return its id."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", "%1.")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        level.append(element)
    abstract.append(level)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def write_report(cat, spec: Spec, folder: Path) -> Path:
    """Write a department's report the way it might be written in Word, not from our draft."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = spec.font
    style.font.size = Pt(13)
    unit = cat.unit(spec.unit)
    upper = ["ỦY BAN NHÂN DÂN", f"TỈNH {cat.review.province_name.upper()}"]
    issuer = str(unit["name"]).upper()
    if spec.letterhead == "table":
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "\n".join([" ".join(upper), issuer])
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    else:
        document.add_paragraph(" ".join(upper))
        document.add_paragraph(issuer)
    document.add_paragraph("BÁO CÁO").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Sơ kết xây dựng nền quốc phòng toàn dân giai đoạn 2009 - 2019")
    document.add_paragraph("Thực hiện Hướng dẫn số 297/HD-UBND, đơn vị báo cáo như sau:")
    num_id = _numbering(document) if spec.heading == "numbered" else ""
    for n, section in enumerate(spec.sections, start=1):
        title = spec.title_of.get(section) or cat.section_title(section, spec.unit).format(
            start=2009, end=2019
        )
        if spec.heading == "numbered":
            paragraph = document.add_paragraph(title)
            ppr = paragraph._p.get_or_add_pPr()
            numpr = OxmlElement("w:numPr")
            for tag, value in (("w:ilvl", "0"), ("w:numId", num_id)):
                element = OxmlElement(tag)
                element.set(qn("w:val"), value)
                numpr.append(element)
            ppr.append(numpr)
        elif spec.heading == "style":
            document.add_paragraph(f"{spec.label.format(n=n)} {title}", style="Heading 2")
        else:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{spec.label.format(n=n)} {title}").bold = spec.heading == "bold"
        document.add_paragraph(_text(spec, section))
        if section == spec.table_in:
            table = document.add_table(rows=2, cols=2)
            table.cell(0, 0).text, table.cell(0, 1).text = "Nội dung", "Số lượng"
            table.cell(1, 0).text, table.cell(1, 1).text = "Buổi tuyên truyền", "12"
    if spec.extra:
        document.add_paragraph().add_run(spec.extra).bold = True
        document.add_paragraph("Nội dung của đề mục thêm, không thuộc đề cương.")
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- UBND tỉnh (qua Bộ CHQS tỉnh);")
    path = folder / spec.name
    document.save(str(path))
    return path


def specs(cat) -> list[Spec]:
    untitled = {s: fold(cat.section_title(s, "06NG05")) for s in SECTIONS}
    return [
        Spec("06NG02", "so-noi-vu.docx"),
        Spec("06NG03", "bao cao so tu phap.docx", heading="style", font="Arial"),
        Spec(
            "06NG05",
            "tai-chinh.docx",
            heading="numbered",
            title_of={s: t.upper() for s, t in untitled.items()},
        ),
        Spec("06NG16", "y-te.docx", label="{n})", title_of={"P1.I.1": "ĐẶC  ĐIỂM,   TÌNH HÌNH"}),
        Spec("06NG21", "cong-an.docx", title_of=untitled),  # no diacritics at all
        Spec(
            "06NG23", "tinh-doan.docx", extra="4. Công tác phối hợp với Đoàn Thanh niên các huyện"
        ),
        Spec(
            "06NG25",
            "hoi-nong-dan.docx",
            sections=["P1.I.1", "P1.I.2", "P1.I.3", "P1.II.DGC"],
            expect_missing=["P1.I.4"],
        ),
        Spec("06NG15", "giao-duc.docx", table_in="P1.I.3"),
        Spec("06NG19", "bao.docx", font="Arial", title_of={"P1.I.3": "Thuân lợi"}),  # a typo
        Spec("06NG09", "06NG09_xay-dung.docx", letterhead="paragraphs", heading="plain-label"),
        Spec("06NG04", "ke-hoach.docx", heading="style", label="{n}/"),
        Spec("06NG24", "phu-nu.docx", font="Calibri", heading="bold", label="{n} -"),
    ]


@pytest.fixture(scope="module")
def read(tmp_path_factory, sample_store_dir, cat):
    """The sample's store with the twelve documents ingested in one call."""
    import shutil

    src, _ = sample_store_dir
    root = tmp_path_factory.mktemp("word") / "ws"
    shutil.copytree(src, root / "data" / "processed")
    folder = root / "data" / "raw"
    folder.mkdir(parents=True)
    made = specs(cat)
    for spec in made:
        write_report(cat, spec, folder)
    report = ingest([folder], Store(root / "data" / "processed"), cat, progress=False)
    return root, made, {r.path.name: r for r in report.files}


def test_twelve_departments_reports_are_read_section_by_section(read, cat):
    root, made, results = read
    data = WorkspaceData(root)
    stored = data.store.read("documents")
    narrative = data.narrative
    for spec in made:
        result = results[spec.name]
        assert result.status == "accepted", (spec.name, [p.message for p in result.problems])
        assert result.units == [spec.unit], spec.name
        mine = stored.loc[stored["unit_code"] == spec.unit].set_index("section_id")
        assert sorted(mine.index) == sorted(spec.sections), spec.name
        for section in spec.sections:
            assert mine.at[section, "text"].startswith(_text(spec, section)), (spec.name, section)
            assert mine.at[section, "source_file"] == spec.name
            assert mine.at[section, "cell"].startswith("đoạn ")
            assert mine.at[section, "source_sha256"] == result.sha256
            # the report uses it: the document came after the workbook
            now = narrative.loc[
                (narrative["unit_code"] == spec.unit) & (narrative["section_id"] == section)
            ]
            assert now["text"].iloc[0] == mine.at[section, "text"], (spec.name, section)
        codes = {p.code for p in result.problems}
        if spec.expect_missing:
            missing = next(p for p in result.problems if p.code == "QPTD-W118")
            for section in spec.expect_missing:
                assert cat.section_title(section, spec.unit) in missing.message
        if spec.extra:
            unmapped = next(p for p in result.problems if p.code == "QPTD-W117")
            assert spec.extra in unmapped.message
            assert "không thuộc đề cương" not in " ".join(mine["text"])
        if spec.table_in:
            assert "QPTD-W120" in codes
            assert "Buổi tuyên truyền | 12" in mine.at[spec.table_in, "text"]
        assert "Nơi nhận" not in " ".join(mine["text"]), spec.name
        assert "Thực hiện Hướng dẫn" not in " ".join(mine["text"]), (
            spec.name
        )  # before the first section


def test_history_and_check_show_the_documents_and_conflicts(read):
    root, made, _ = read
    said = qptd(root, "history", "--unit", made[0].unit, "--format", "json")
    assert made[0].name in said
    findings = json.loads(qptd(root, "check", "--format", "json"))["findings"]
    conflicts = [f for f in findings if f["code"] == "QPTD-C005"]
    units = {f["unit_code"] for f in conflicts}
    assert made[0].unit in units  # the workbook wrote other words for the same sections
    one = next(f for f in conflicts if f["unit_code"] == made[0].unit)
    assert made[0].name in one["message"]


def _store_state(root: Path) -> str:
    return (root / "data" / "processed" / "CURRENT").read_text()


@pytest.mark.parametrize(
    "case, code",
    [
        ("corrupt", "QPTD-E005"),
        ("password", "QPTD-E017"),
        ("bomb", "QPTD-E007"),
        ("doc", "QPTD-E016"),
        ("empty", "QPTD-E053"),
        ("no-sections", "QPTD-E054"),
        ("other-unit", "QPTD-E024"),
        ("odt", "QPTD-E008"),
    ],
)
def test_bad_documents_are_refused_with_a_code_and_the_store_unchanged(
    case, code, workspace, cat, tmp_path
):
    folder = tmp_path / "in"
    folder.mkdir()
    if case == "corrupt":
        path = folder / "01858.docx"
        path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 200)
    elif case == "password":  # an encrypted Office file is an OLE container holding EncryptionInfo
        path = folder / "01858.docx"
        path.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 512
            + "EncryptionInfo".encode("utf-16-le")
        )
    elif case == "bomb":  # a 1 GB image inside a document of a few MB
        path = write_report(cat, Spec("06NG02", "01858-bomb.docx".replace("01858-", "")), folder)
        with (
            zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
            archive.open("word/media/image1.png", "w", force_zip64=True) as image,
        ):
            chunk = b"\x00" * (64 * 1024 * 1024)
            for _ in range(16):
                image.write(chunk)
    elif case == "doc":
        path = folder / "bao-cao.doc"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    elif case == "odt":
        path = folder / "bao-cao.odt"
        path.write_bytes(b"PK\x03\x04odt")
    elif case == "empty":
        path = folder / "trong.docx"
        docx.Document().save(str(path))
    elif case == "no-sections":
        path = write_report(cat, Spec("06NG02", "noi-vu-thu.docx", sections=[]), folder)
    else:  # a department's report under another unit's code
        path = write_report(cat, Spec("06NG02", "06NG03_bao-cao.docx"), folder)
    before = _store_state(workspace)
    store = Store(workspace / "data" / "processed")
    report = ingest([folder], store, cat, progress=False)
    result = report.files[0]
    assert result.status == "rejected" and code in {p.code for p in result.problems}, [
        p.code for p in result.problems
    ]
    assert _store_state(workspace) == before
    assert all(p.message and "Traceback" not in p.message for p in result.problems)


def test_a_docx_saved_by_libreoffice_writer_reads_the_same(tmp_path, cat, sample_store_dir):
    """The same department report re-saved by LibreOffice Writer gives the same sections."""
    import shutil
    import subprocess

    from .conftest import office

    soffice = office()
    src = tmp_path / "src"
    src.mkdir()
    spec = Spec("06NG05", "tai-chinh.docx", heading="numbered")
    original = write_report(cat, spec, src)
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(original)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    from qptd_tools.intake.document import read_document

    first = read_document(original, cat).frame[["section_id", "text"]]
    again = read_document(out / "tai-chinh.docx", cat).frame[["section_id", "text"]]
    assert first.to_dict("records") == again.to_dict("records")
    assert list(first["section_id"]) == SECTIONS
    assert shutil.which(soffice)


_ = (copy, io)


def _marked(paragraph) -> bool:
    return any(
        (m.get(qn("w:name")) or "").startswith("_qptd_")
        for m in paragraph._p.iter(qn("w:bookmarkStart"))
    )


@pytest.mark.slow
def test_an_edited_draft_comes_back_with_the_units_words_and_todays_numbers(
    workspace, cat, tmp_path
):
    """A commune's report, edited as a clerk would and re-saved by LibreOffice Writer, ingested:
    the edits are the unit's text, the generated sentences are recomputed, nothing else changes."""
    import subprocess

    from .conftest import office

    findings = json.loads(qptd(workspace, "check", "--format", "json"))["findings"]
    level = cat.units.set_index("unit_code")["level"]
    unit = next(
        f["unit_code"]
        for f in findings
        if f["code"] == "QPTD-C003" and level.get(f["unit_code"]) == "xa"
    )
    qptd(workspace, "run", "--unit", unit, "--formats", "docx", "--no-documents")
    draft = workspace / "reports" / unit / "bao-cao.docx"
    before = [p.text for p in docx.Document(str(draft)).paragraphs]
    document = docx.Document(str(draft))
    paragraphs = document.paragraphs
    placeholder = next(p for p in paragraphs if p.text.strip() == "[Nội dung do đơn vị bổ sung]")
    unit_written = [p for p in paragraphs if p.text.strip() and not _marked(p) and len(p.text) > 80
                    and not p.runs[0].bold]  # fmt: skip
    from qptd_tools.intake.document import _titles, match_heading

    titles = _titles(cat, unit)
    takes_text = set(cat.outline.loc[cat.outline["narrative"] != "none", "section_id"])
    section, where = None, {}
    for p in paragraphs:  # the outline section each paragraph stands in
        named = match_heading(p.text, titles) if p.runs and p.runs[0].bold else None
        section = named or section
        where[id(p._p)] = section
    generated = [p for p in paragraphs if _marked(p) and any(c.isdigit() for c in p.text) and len(p.text) > 80
                 and where[id(p._p)] in takes_text]  # fmt: skip
    assert unit_written and len(generated) >= 3
    changed = unit_written[0]
    replaced = changed.text
    changed.text = "Đoạn do xã sửa lại trong Word: công tác quốc phòng được cấp ủy quan tâm lãnh đạo thường xuyên."
    edited_auto = generated[0]
    edited_original = edited_auto.text
    # typed into the sentence, as in Word: the runs change, the paragraph (and its mark) stays
    edited_auto.runs[-1].text = (
        edited_auto.runs[-1].text.rstrip(".") + ", được xã bổ sung nhận xét."
    )
    added = copy.deepcopy(generated[1]._p)
    generated[1]._p.addnext(added)
    new = docx.text.paragraph.Paragraph(added, generated[1]._parent)
    for bookmark in list(added.iter(qn("w:bookmarkStart"))) + list(added.iter(qn("w:bookmarkEnd"))):
        bookmark.getparent().remove(bookmark)
    new.text = "Đoạn xã thêm mới: dân quân tự vệ tham gia giúp dân khắc phục hậu quả thiên tai."
    placeholder.text = "Nội dung xã viết cho mục còn thiếu: bài học về phát huy sức mạnh tổng hợp."
    deleted = generated[2].text
    generated[2]._p.getparent().remove(generated[2]._p)
    edited = tmp_path / "edited" / "bao-cao.docx"
    edited.parent.mkdir()
    document.save(str(edited))
    out = tmp_path / "libreoffice"
    subprocess.run([office(), "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(edited)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    said = json.loads(qptd(workspace, "ingest", str(out / "bao-cao.docx"), "--format", "json"))
    result = said["files"][0]
    assert result["status"] == "accepted" and result["units"] == [unit], result
    assert not [p for p in result["problems"] if p["code"] in ("QPTD-W117", "QPTD-W119")], result[
        "problems"
    ]
    stored = WorkspaceData(workspace).store.read("documents")
    texts = " ".join(stored["text"])
    assert set(stored["unit_code"]) == {unit} and set(stored["origin"]) == {"draft"}
    for kept in (changed.text, new.text, placeholder.text, edited_auto.text):
        assert kept in texts, kept
    for untouched in generated[3:]:  # the toolkit's own sentences are not frozen
        assert untouched.text not in texts
    qptd(workspace, "run", "--unit", unit, "--formats", "docx", "--no-documents")
    after = [p.text for p in docx.Document(str(draft)).paragraphs]
    joined = "\n".join(after)
    for kept in (changed.text, new.text, placeholder.text, edited_auto.text):
        assert kept in joined, kept
    assert (
        "[Nội dung do đơn vị bổ sung]" not in joined
        or before.count("[Nội dung do đơn vị bổ sung]") > 1
    )
    assert deleted in after  # a deleted generated line comes back: the toolkit recomputes it
    # the generated sentence the clerk edited gives way to the edit (its numbers are unchanged)
    assert edited_original not in joined
    same = [
        t for t in before if t not in (replaced, edited_original, "[Nội dung do đơn vị bổ sung]")
    ]
    missing = [t for t in same if t not in joined and t.strip()]
    assert missing == [], missing[:3]  # nothing else changed


def test_the_province_reads_its_departments_reports_section_by_section(read, cat):
    """The compilation view: per outline section, each department's key sentences and source."""
    from qptd_tools.report.views import Overview

    root, made, _ = read
    view = Overview.open("06", "nganh", root=str(root), output_dir=str(root / "reports" / "tong-hop"),
                         display=lambda *_: None)  # fmt: skip
    found = view.narratives()
    for spec in made:
        mine = found.loc[found["unit_code"] == spec.unit].set_index("section_id")
        for section in spec.sections:
            assert mine.at[section, "source"].startswith(spec.name), (spec.name, section)
            assert mine.at[section, "text"].startswith(_text(spec, section))
    assert set(found["unit_code"]) <= set(cat.units.loc[cat.units["level"] == "nganh", "unit_code"])
    one = view.narratives("Thuận lợi", full=True)
    assert set(one["section_id"]) == {"P1.I.3"} and len(one) >= len(made)


def test_the_province_report_quotes_and_tabulates_its_departments_documents(read, cat, tmp_path):
    """Item 4 in the report: the departments' own words (from their Word reports) are quoted in
    the province's section and listed in the appendix with the units that wrote them."""
    from openpyxl import load_workbook

    from qptd_tools.report.compiled import CITED_POINTS, COMPILED_FILE
    from qptd_tools.report.context import compute_all, unit_context
    from qptd_tools.report.unit import UnitReport
    from qptd_tools.store.workspace import with_data

    root, made, _ = read
    ctx = unit_context(compute_all(with_data(WorkspaceData(root))), "06")
    report = UnitReport(ctx, cat, tmp_path, display=lambda _: None)
    report.compilation_table()
    (table,) = [b for b in report.emitted if b["kind"] == "table"]
    cells = {row[0]: row[1] for row in table["rows"]}
    for spec in made:  # each department's own point, with its own name as the unit
        if "P1.II.DGC" in spec.sections:
            assert cells[_text(spec, "P1.II.DGC")] == cat.unit(spec.unit)["name"], spec.name
    cited = report.cited_points("P1.II.DGC")
    assert cited.count("“") == CITED_POINTS and "ý kiến khác" in cited  # the rest: in the appendix
    assert report.cited_points("P1.I.3") == ""  # not a compiled section (views.yaml)
    lines = list(
        load_workbook(tmp_path / COMPILED_FILE, read_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    for spec in made:  # the full text with its source: the document, its heading, its paragraphs
        row = next(r for r in lines if r[2:3] == (spec.unit,) and r[0] == spec.sections[0])
        assert row[4].startswith(_text(spec, spec.sections[0])) and row[5].startswith(spec.name)
    # who makes a point: a whole group is counted, a few are named, many are counted and named
    nganh = list(cat.units.loc[cat.units["level"] == "nganh"].sort_values("unit_code")["unit_code"])
    names = dict(zip(cat.units["unit_code"], cat.units["name"], strict=True))
    assert report.who(nganh) == f"tất cả {len(nganh)} sở, ban, ngành, đoàn thể"
    assert all(names[c] in report.who(nganh[:3]) for c in nganh[:3])
    many = report.who(nganh[:20])
    assert many.startswith("20 sở, ban, ngành, đoàn thể: ") and many.endswith("và 14 đơn vị khác")
