"""What a reader sees: the DOCX rendered by LibreOffice (then read with poppler) and the HTML
in Chromium (driven with Playwright), for a province, a district, a commune, a department
and two award lists of the whole-sample batch."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from .conftest import office

pytestmark = pytest.mark.slow

REPORTS = ("06", "061", "01858", "06NG02", "06NG14")  # 06NG14: a long name, and no signer
NUMBER = re.compile(r"^[+−-]?\d{1,3}(\.\d{3})*(,\d+)?%?$")
SIGNER_WORDS = ("CHỦ TỊCH", "GIÁM ĐỐC", "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG", "TRƯỞNG", "BÍ THƯ")


@pytest.fixture(scope="module")
def rendered(province_batch, tmp_path_factory):
    """Each chosen DOCX beside its PDF as LibreOffice prints it (one LibreOffice run)."""
    root, _, _ = province_batch
    out = tmp_path_factory.mktemp("rendered")
    docs = {code: root / "reports" / code / "bao-cao.docx" for code in REPORTS}
    lists = root / "reports" / "khen-thuong"
    docs["ds-06"] = sorted((lists / "06").glob("danh-sach-kem-quyet-dinh-*.docx"))[0]
    docs["ds-061"] = sorted((lists / "061").glob("danh-sach-*.docx"))[0]
    for name, path in docs.items():
        shutil.copy(path, out / f"{name}.docx")
    subprocess.run([office(), "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    *sorted(str(p) for p in out.glob("*.docx"))], check=True, capture_output=True,
                   timeout=600, env={**os.environ, "HOME": str(out)})  # fmt: skip
    return {name: (out / f"{name}.docx", out / f"{name}.pdf") for name in docs}


def _words(pdf: Path) -> list[dict]:
    """Every word of a PDF with its page and box (``pdftotext -tsv``)."""
    tsv = subprocess.run(["pdftotext", "-tsv", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        r for r in rows if r["level"] == "5" and r["text"].strip() and r["text"] != "###FLOW###"
    ]


def test_no_number_in_a_table_wraps_in_the_printed_page(rendered):
    checked = 0
    for name, (path, pdf) in rendered.items():
        document = docx.Document(str(path))
        wanted: dict[str, int] = {}
        for table in document.tables[1:]:
            for row in table.rows:
                for cell in row.cells:
                    for token in cell.text.split():
                        if NUMBER.match(token) and len(token) >= 4:
                            wanted[token] = wanted.get(token, 0) + 1
        printed: dict[str, int] = {}
        for word in _words(pdf):
            printed[word["text"]] = printed.get(word["text"], 0) + 1
        for token, count in wanted.items():  # a number split over two lines is two words
            assert printed.get(token, 0) >= count, (name, token, count, printed.get(token, 0))
            checked += count
    assert checked > 300


def test_letterhead_lines_are_printed_as_written(rendered):
    """LibreOffice does not wrap a letterhead line again ("TỈNH BẮC / KẠN", "CÔNG / NGHỆ")."""
    for name, (path, pdf) in rendered.items():
        head = docx.Document(str(path)).tables[0].rows[0].cells[0]
        lines = [p.text for p in head.paragraphs if p.text.strip("\u200b ")]
        page = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout  # fmt: skip
        printed = [" ".join(line.split()) for line in page.splitlines()]
        for line in lines:
            assert any(p.startswith(line) for p in printed), (name, line, printed[:8])


def test_the_signature_page_carries_the_end_of_the_body(rendered):
    for name, (_, pdf) in rendered.items():
        if name.startswith("ds-"):
            continue
        words = _words(pdf)
        pages: dict[int, list[str]] = {}
        for word in words:
            pages.setdefault(int(word["page_num"]), []).append(word["text"])
        text = {page: " ".join(ws) for page, ws in pages.items()}
        signed = [p for p, t in text.items() if "Nơi nhận:" in t]
        assert len(signed) == 1, name
        page = signed[0]
        before = text[page].split("Nơi nhận:")[0]
        assert "./." in before, (name, page)  # the closing paragraph is on the signature's page
        assert len(before.split()) > 15, (name, page)  # and more than a stray line


def test_award_lists_render_with_their_attachment_and_signer(rendered):
    for name in ("ds-06", "ds-061"):
        _, pdf = rendered[name]
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout  # fmt: skip
        flat = " ".join(text.split())
        assert "DANH SÁCH" in flat and "(Kèm theo " in flat, name
        assert "Số:" not in flat and "Nơi nhận" not in flat, name
        assert "[Họ và tên người ký]" not in flat, name


@pytest.mark.parametrize("code", REPORTS)
def test_chromium_uses_the_stylesheet_font_and_keeps_numbers_on_one_line(
    browser, province_batch, code
):
    root, _, _ = province_batch
    page = browser.new_page()
    page.goto((root / "reports" / code / "bao-cao.html").as_uri())
    # the stylesheet's whole list, not the browser's default ("Times New Roman" alone)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert [f.strip() for f in font.split(",")] == [
        '"Times New Roman"',
        '"Liberation Serif"',
        "Tinos",
        "serif",
    ], font
    heading = page.evaluate("getComputedStyle(document.querySelector('h2')).fontFamily")
    assert heading.startswith('"Times New Roman", "Liberation Serif"'), heading
    size = page.evaluate("getComputedStyle(document.querySelector('p.body')).fontSize")
    assert size == "18.6667px", size  # 14 pt
    # each number cell is one line box: no number broken over two lines at A4 width
    page.set_viewport_size({"width": 794, "height": 1123})
    broken = page.evaluate(
        """() => [...document.querySelectorAll('td')].filter(td => /^[+−-]?[0-9][0-9.]*(,[0-9]+)?%?$/
             .test(td.textContent.trim())).filter(td => { const r = document.createRange();
             r.selectNodeContents(td); const lines = new Set([...r.getClientRects()]
             .map(b => Math.round(b.top))); return lines.size > 1; }).map(td => td.textContent)"""
    )
    assert broken == [], broken
    page.close()


def test_printed_html_is_not_much_longer_than_the_docx(browser, province_batch, rendered):
    """The issue's district printed 17 pages from HTML against 12 in the DOCX."""
    root, _, _ = province_batch
    page = browser.new_page()
    page.goto((root / "reports" / "061" / "bao-cao.html").as_uri())
    printed = page.pdf(prefer_css_page_size=True)
    page.close()
    html_pages = len(re.findall(rb"/Type\s*/Page[^s]", printed))
    info = subprocess.run(["pdfinfo", str(rendered["061"][1])], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    docx_pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert html_pages <= docx_pages * 1.25 + 1, (html_pages, docx_pages)


def test_the_coordinators_board_agrees_with_check_and_deadlines(browser, province_batch, cat):
    """reports/index.html as the provincial command opens it: the summary's numbers are those
    of `qptd check` and `qptd deadlines`, every district folds, and every link resolves."""
    root, findings, board = province_batch
    index = root / "reports" / "index.html"
    page = browser.new_page()
    page.goto(index.as_uri())
    shown = page.evaluate(
        """() => [...document.querySelectorAll('#summary tbody tr')].map(tr => [
             tr.cells[0].textContent.trim(),
             Object.fromEntries([...tr.querySelectorAll('td[data-key]')]
               .map(td => [td.dataset.key, Number(td.textContent)]))])"""
    )
    names = {"Tổng số": None, **{str(lv.name): str(lv.code) for lv in cat.levels.itertuples()}}
    assert len(shown) >= 4 and shown[-1][0] == "Tổng số"
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    for label, counts in shown:
        assert label in names, label
        level = names[label]
        part = board if level is None else board.loc[board["level"] == level]
        units = set(part["unit_code"])
        mine = findings.loc[findings["unit_code"].isin(units)]
        assert counts["units"] == len(units), label
        assert counts["missing"] == int((mine["code"] == "QPTD-C001").sum()), label
        assert counts["submitted"] + counts["missing"] == len(units), label
        for event in ("conference", "report"):
            for status in ("on_time", "late", "missing"):
                expected = int((part[f"{event}_status"] == status).sum())
                assert counts[f"{event}_{status}"] == expected, (label, event, status)
        for i, prefix in enumerate(("QPTD-C00", "QPTD-C1", "QPTD-A", "QPTD-S")):
            assert counts[f"findings_{i}"] == int(mine["code"].str.startswith(prefix).sum())
        built = sum(manifest["units"].get(u, {}).get("status") in ("ok", "skipped") for u in units)
        assert counts["built"] == built and counts["failed"] == 0, label
    # one folding section per district, the departments and the military agencies apart
    sections = page.evaluate(
        "[...document.querySelectorAll('details > summary')].map(s => s.textContent)"
    )
    districts = board.loc[board["level"] == "huyen", "unit_code"]
    assert len(sections) >= len(districts) + 2
    # every link resolves: a file beside the page, or an anchor of the page
    links = page.evaluate(
        "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    ids = set(page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
    assert len(links) > 3 * len(board)
    for href in links:
        if href.startswith("#"):
            assert href[1:] in ids, href
        else:
            assert (index.parent / href).is_file(), href
    page.close()
