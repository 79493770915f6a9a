"""The exporters on papermill-executed unit notebooks: nbconvert registration, the DOCX in the
administrative format (python-docx, then LibreOffice → PDF → poppler), the self-contained
HTML, byte-identical reruns, the award lists and the index."""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import nbformat
import openpyxl
import papermill as pm
import pytest
from docx.shared import Mm
from nbconvert.exporters import get_exporter

from qptd_tools.export import QptdDocxExporter, QptdHTMLExporter
from qptd_tools.export.award_lists import safe_cell

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "unit_report.ipynb"
JUPYTER = shutil.which("jupyter") or str(Path(sys.executable).with_name("jupyter"))
OUTLINE = [
    "KẾT QUẢ THỰC HIỆN CÔNG TÁC XÂY DỰNG NỀN QUỐC PHÒNG TOÀN DÂN, GIAI ĐOẠN 2009 - 2019",
    "I. ĐẶC ĐIỂM, TÌNH HÌNH", "1. Đặc điểm, tình hình", "2. Tổ chức Đảng, chính quyền, đoàn thể",
    "3. Thuận lợi", "4. Khó khăn", "II. KẾT QUẢ XÂY DỰNG NỀN QUỐC PHÒNG TOÀN DÂN GIAI ĐOẠN 2009 - 2019",
    "1. Công tác lãnh đạo, chỉ đạo xây dựng nền quốc phòng toàn dân",
    "- Công tác quán triệt và tổ chức thực hiện các văn bản",
    "2. Công tác tuyên truyền xây dựng nền quốc phòng toàn dân",
    "- Nội dung, hình thức tuyên truyền thực hiện nhiệm vụ tại địa phương, đơn vị",
    "- Hiệu quả của các phương tiện thông tin đại chúng, của đội ngũ báo cáo viên, tuyên truyền viên",
    "- Những khó khăn, hạn chế trong công tác tuyên truyền",
    "3. Kết quả xây dựng khu vực phòng thủ huyện", "* Đánh giá chung",
    "III. HẠN CHẾ, NGUYÊN NHÂN VÀ BÀI HỌC KINH NGHIỆM", "1. Một số hạn chế, tồn tại và nguyên nhân",
    "* Hạn chế, tồn tại", "* Nguyên nhân", "2. Bài học kinh nghiệm",
    "PHƯƠNG HƯỚNG NHIỆM VỤ, CHỦ TRƯƠNG, GIẢI PHÁP XÂY DỰNG NỀN QUỐC PHÒNG TOÀN DÂN NHỮNG NĂM TIẾP THEO",
    "* Nhận định tình hình", "I. PHƯƠNG HƯỚNG, NHIỆM VỤ", "- Phương hướng chung", "- Nhiệm vụ cụ thể",
    "II. CHỦ TRƯƠNG, GIẢI PHÁP", "* Những đề xuất, kiến nghị",
]  # fmt: skip


def _report_day(root: Path, code: str) -> str:
    """The unit's report date as its workbook gives it, in the document's form."""
    from qptd_tools.core import vnformat
    from qptd_tools.store.workspace import WorkspaceData

    conf = WorkspaceData(root).conferences.set_index("unit_code")
    return vnformat.date_long(conf.at[code, "report_submitted_date"].date())


@pytest.fixture(scope="module")
def executed(tmp_path_factory, sample_store_dir):
    """The sample workspace with the district 061 and commune 01858 reports executed."""
    src, _ = sample_store_dir
    root = tmp_path_factory.mktemp("export") / "ws"
    shutil.copytree(src, root / "data" / "processed")
    out = {}
    for code in ("061", "01858"):
        path = root / f"{code}.ipynb"
        pm.execute_notebook(str(NOTEBOOK), str(path), parameters={"unit_code": code, "root": str(root)},
                            progress_bar=False, kernel_name="python3", cwd=str(root))  # fmt: skip
        out[code] = path
    return root, out


@pytest.fixture(scope="module")
def district_docx(executed, tmp_path_factory):
    _, notebooks = executed
    folder = tmp_path_factory.mktemp("cli")
    shutil.copy(notebooks["061"], folder / "061.ipynb")
    for fmt in ("qptd_html", "qptd_docx"):
        subprocess.run([JUPYTER, "nbconvert", "--to", fmt, str(folder / "061.ipynb")], check=True,
                       capture_output=True)  # fmt: skip
    return folder / "061.docx", folder / "061.html", _report_day(executed[0], "061")


def test_exporters_are_registered():
    assert get_exporter("qptd_html") is QptdHTMLExporter
    assert get_exporter("qptd_docx") is QptdDocxExporter
    assert (
        QptdDocxExporter().output_mimetype
        == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        QptdDocxExporter().file_extension == ".docx"
        and QptdHTMLExporter().file_extension == ".html"
    )


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs + section.footer.paragraphs)
    return "\n".join(parts)


def test_docx_follows_the_administrative_format(district_docx):
    document = docx.Document(str(district_docx[0]))
    section = document.sections[0]

    def mm(length):
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert [
        mm(m)
        for m in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    head = document.tables[0]
    left, right = head.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text.strip("\u200b")] == [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN BA BỂ",
    ]
    assert [p.text for p in right.paragraphs if p.text.strip("\u200b")] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert re.fullmatch(r"Số: \s+/BC-UBND", head.rows[1].cells[0].text)
    date_line = head.rows[1].cells[1].paragraphs[0]
    assert date_line.text == f"Ba Bể, {district_docx[2]}" and date_line.runs[0].font.italic
    assert all(r.font.bold for p in left.paragraphs[1:2] for r in p.runs)
    texts = [p.text for p in document.paragraphs]
    assert (
        "BÁO CÁO" in texts
        and "Sơ kết xây dựng nền quốc phòng toàn dân giai đoạn 2009 - 2019" in texts
    )
    positions = [texts.index(h) for h in OUTLINE]
    assert positions == sorted(positions)
    body = next(
        p for p in document.paragraphs if p.text.startswith("Năm 2019, toàn huyện có dân số")
    )
    assert body.paragraph_format.first_line_indent is not None and body.runs[0].font.size.pt == 14
    assert body.paragraph_format.alignment == 3  # justified
    assert any(t.endswith("./.") for t in texts)
    captions = [t for t in texts if re.match(r"(Bảng|Hình) \d+\. ", t)]
    assert [c for c in captions if c.startswith("Bảng 1.")] and [
        c for c in captions if c.startswith("Hình 1.")
    ]
    assert len(document.inline_shapes) >= 5
    data = document.tables[2]
    assert data.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # repeated header row
    assert data.rows[1].cells[3].paragraphs[0].alignment == 2  # numbers right-aligned
    closing = next(
        t for t in document.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
    )
    assert closing.rows[0].cells[0].paragraphs[-1].text.startswith("- Lưu: VT")
    assert [p.text for p in closing.rows[0].cells[1].paragraphs if p.text][:2] == [
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ]
    everything = _all_text(document)
    for bad in ("nan", "None", "NaT", "TODO", "Lorem", "{", "}"):
        assert not re.search(rf"(?<![\w]){re.escape(bad)}(?![\w])", everything), bad
    footer = section.footer._element.xml
    assert (
        "PAGE" in footer and section.different_first_page_header_footer
    )  # Circular 01/2011: no number on page 1


def test_docx_renders_with_vietnamese_fonts(district_docx, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and poppler must be installed in CI (.ci/run installs them)")
        pytest.skip("LibreOffice or poppler not installed")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(district_docx[0])],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})  # fmt: skip
    pdf = tmp_path / "061.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for heading in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                    "I. ĐẶC ĐIỂM, TÌNH HÌNH", "III. HẠN CHẾ, NGUYÊN NHÂN VÀ BÀI HỌC KINH NGHIỆM",
                    "II. CHỦ TRƯƠNG, GIẢI PHÁP", "PHỤ LỤC", f"Ba Bể, {district_docx[2]}"):  # fmt: skip
        assert heading in flat, heading
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in fonts if line.strip()}
    assert names and all(
        n.startswith(("LiberationSerif", "Tinos", "TimesNewRoman")) for n in names
    ), names


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.attrs = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_vietnamese(district_docx):
    page_text = district_docx[1].read_text(encoding="utf-8")
    page = _Page()
    page.feed(page_text)
    html_tag = next(a for t, a in page.attrs if t == "html")
    assert html_tag["lang"] == "vi"
    assert "script" not in page.tags and "link" not in page.tags
    images = [a["src"] for t, a in page.attrs if t == "img"]
    assert images and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(
        r"url\(\s*['\"]?(https?:)?//", page_text
    ) and "http://" not in page_text.replace("http://www.w3.org", "")
    assert "@page" in page_text and "size: A4" in page_text
    text = "".join(page.text)  # (the period is one unbreakable span: "2009 - 2019")
    assert (
        "Giai đoạn 2009 - 2019, toàn huyện" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    )
    assert "In [" not in text and "import " not in text
    tips = [a.get("title") for t, a in page.attrs if t == "td" and a.get("title")]
    assert any("trang Chỉ tiêu" in tip for tip in tips) and any(
        tip.startswith("tính toán") for tip in tips
    )


def test_exports_are_byte_identical(executed):
    _, notebooks = executed
    nb = nbformat.read(notebooks["01858"], as_version=4)
    first = (
        QptdDocxExporter().from_notebook_node(nb)[0],
        QptdHTMLExporter().from_notebook_node(nb)[0],
    )
    second = (
        QptdDocxExporter().from_notebook_node(nb)[0],
        QptdHTMLExporter().from_notebook_node(nb)[0],
    )
    assert first == second
    with zipfile.ZipFile(__import__("io").BytesIO(first[0])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2019, 1, 1, 0, 0, 0)}


def test_a_docx_is_zipped_once_to_the_bytes_save_then_normalize_gave(district_docx):
    """The builder writes python-docx's parts straight into the normalised zip (issue #16):
    the same bytes as ``document.save`` followed by ``normalize_zip``, on a district report."""
    import io

    from qptd_tools.core.fsutil import normalize_zip
    from qptd_tools.export.docx_build import package_bytes

    built = district_docx[0].read_bytes()
    document = docx.Document(io.BytesIO(built))
    saved = io.BytesIO()
    document.save(saved)
    once = package_bytes(document)
    assert once == normalize_zip(saved.getvalue())
    assert once == built  # read back and written again: nothing changes
    with zipfile.ZipFile(io.BytesIO(once)) as archive:
        names = archive.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"] and "word/document.xml" in names
        assert archive.read("docProps/core.xml").count(b">2019-01-01T00:00:00Z<") == 2


def test_commune_report_texts(executed):
    _, notebooks = executed
    body, _ = QptdDocxExporter().from_notebook_node(nbformat.read(notebooks["01858"], as_version=4))
    path = executed[0] / "01858.docx"
    path.write_bytes(body)
    document = docx.Document(str(path))
    head = document.tables[0]
    assert [p.text for p in head.rows[0].cells[0].paragraphs if p.text.strip("\u200b")] == [
        "ỦY BAN NHÂN DÂN",
        "XÃ BẰNG THÀNH",
    ]
    assert head.rows[1].cells[1].text == f"Bằng Thành, {_report_day(executed[0], '01858')}"
    assert document.paragraphs[0].text == "DỮ LIỆU MẪU — không phải số liệu thật"


def test_award_lists_carry_no_personal_attributes(executed, cat):
    from qptd_tools.analytics import awards
    from qptd_tools.export.award_lists import lists, write_lists
    from qptd_tools.store.workspace import WorkspaceData

    root, _ = executed
    data = WorkspaceData(root)
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    paths = write_lists(enriched, cat, root / "reports" / "khen-thuong", only="063")
    names = sorted(p.name for p in paths)
    assert names and all(re.fullmatch(r"danh-sach-(kem-quyet-dinh-[a-z0-9-]+|de-nghi-[a-z0-9-]+)\.(docx|xlsx)", n)
                         for n in names), names  # fmt: skip
    people = [
        n for al in lists(enriched, cat) if al.issuer == "063" for n in al.records["recipient_name"]
    ]
    for path in paths:
        if path.suffix == ".docx":
            text = _all_text(docx.Document(str(path)))
            values = text.split()
        else:
            sheet = openpyxl.load_workbook(path).active
            values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
            text = "\n".join(values)
        if "kem-quyet-dinh" in path.name:  # the district decides its own certificates
            assert "GIẤY KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN CẤP HUYỆN" in text.upper()
        for word in ("Tày", "Dao", "Nùng", "Mông", "Kinh", "Nữ"):
            assert word not in values
    every = "\n".join(_all_text(docx.Document(str(p))) for p in paths if p.suffix == ".docx")
    assert all(name in every for name in people)
    assert (
        safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
        and safe_cell("@x") == "'@x"
        and safe_cell("Xã") == "Xã"
    )


def test_exporters_read_the_notebook_as_it_is_and_a_users_preprocessor_still_runs(executed):
    """Issue #16: with no preprocessor enabled, the exporters validate the notebook once and
    read it without copying it (nbconvert copied a 1 MB notebook three times and validated it
    eleven times); the notebook is left unchanged. A preprocessor a user enables by
    configuration still runs, through nbconvert's own path: a tagged cell removed is gone."""
    import copy
    from unittest import mock

    from traitlets.config import Config

    _, notebooks = executed
    nb = nbformat.read(notebooks["01858"], as_version=4)
    before = copy.deepcopy(nb)
    deepcopy = copy.deepcopy

    def no_notebook_copied(thing, *args):  # the builder may copy its own small XML pieces
        assert not isinstance(thing, nbformat.NotebookNode), "the notebook was copied"
        return deepcopy(thing, *args)

    with mock.patch("copy.deepcopy", side_effect=no_notebook_copied), \
            mock.patch("nbformat.validate", wraps=nbformat.validate) as validate:  # fmt: skip
        html = QptdHTMLExporter().from_notebook_node(nb)[0]
        docx_bytes = QptdDocxExporter().from_notebook_node(nb)[0]
    assert validate.call_count == 2  # once per export
    assert nb == before
    assert "Phụ lục".upper() in html.upper() and docx_bytes[:2] == b"PK"
    appendix = next(i for i, c in enumerate(nb.cells) if "report.appendix()" in c.source)
    nb.cells[appendix].metadata["tags"] = ["bo-qua"]
    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["bo-qua"]}})
    trimmed = QptdHTMLExporter(config=config).from_notebook_node(nb)[0]
    assert "nguon-so-lieu.xlsx" in html and "nguon-so-lieu.xlsx" not in trimmed
    assert "report.appendix()" in nb.cells[appendix].source  # the user's notebook is untouched
