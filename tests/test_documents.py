"""Every document of the whole sample, as an official would read it (issue #12).

One province-wide batch (``qptd run --all``, then ``qptd awards --list``, ``qptd check`` and
``qptd deadlines``, as a user runs them) writes the report of each of the 167 units and every
award list; each rule below is then asserted over **all** of them, not one example.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from qptd_tools.catalog import load_catalog
from qptd_tools.store.workspace import WorkspaceData

pytestmark = pytest.mark.slow

QPTD = shutil.which("qptd") or str(Path(sys.executable).with_name("qptd"))
PLACEHOLDER = "[Nội dung do đơn vị bổ sung]"
SIGNER_PLACEHOLDER = "[Họ và tên người ký]"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
DATE_LINE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


@dataclass
class Report:
    """One unit's DOCX and HTML as read back."""

    code: str
    level: str
    document: docx.document.Document
    html: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def date_line(self) -> str:
        return self.document.tables[0].rows[1].cells[1].text

    @property
    def signature(self) -> list[str]:
        table = next(t for t in self.document.tables
                     if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")  # fmt: skip
        return [p.text for p in table.rows[0].cells[1].paragraphs if p.text.strip()]

    @property
    def recipients(self) -> list[str]:
        table = next(t for t in self.document.tables
                     if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")  # fmt: skip
        return [p.text for p in table.rows[0].cells[0].paragraphs[1:]]

    @property
    def body(self) -> list[str]:
        """The paragraphs of the body: from the title to the closing "./."."""
        end = next(i for i, t in enumerate(self.paragraphs) if t.endswith("./."))
        return self.paragraphs[: end + 1]


@pytest.fixture(scope="module")
def batch(province_batch):
    return province_batch


@pytest.fixture(scope="module")
def reports(batch) -> dict[str, Report]:
    root, _, _ = batch
    cat = load_catalog(root)
    out = {}
    for row in cat.units.itertuples():
        folder = root / "reports" / row.unit_code
        document = docx.Document(str(folder / "bao-cao.docx"))
        out[row.unit_code] = Report(row.unit_code, row.level, document,
                                    (folder / "bao-cao.html").read_text(encoding="utf-8"),
                                    [p.text for p in document.paragraphs])  # fmt: skip
    return out


@pytest.fixture(scope="module")
def stored(batch):
    root, _, _ = batch
    return WorkspaceData(root)


def _sentences(text: str) -> list[str]:
    return [
        s
        for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ])", text)
        if s
    ]


# --- 1. facts that contradict each other ----------------------------------------------------
def test_no_report_is_dated_before_its_conference(reports, stored, batch):
    _, findings, _ = batch
    conf = stored.conferences.set_index("unit_code")
    checked = 0
    for code, report in reports.items():
        found = DATE_LINE.search(report.date_line)
        if not found or code not in conf.index or pd.isna(conf.at[code, "conference_date"]):
            continue
        day, month, year = (int(g) for g in found.groups())
        dated = pd.Timestamp(year, month, day)
        assert dated >= conf.at[code, "conference_date"], (code, report.date_line)
        checked += 1
    assert checked >= 120  # every unit that held a conference and dated its report
    assert "QPTD-S003" not in set(findings["code"])  # the sample never makes an impossible pair


def test_departments_hold_no_conference_and_report_to_the_military_agency(reports, batch, cat):
    _, _, board = batch
    units = cat.units.set_index("unit_code")
    for code, report in reports.items():
        if report.level != "nganh":
            continue
        body = " ".join(report.body)
        assert "chưa tổ chức hội nghị" not in body and "đã tổ chức hội nghị" not in body, code
        # its level's military agency: the military command under the same parent
        parent = units.at[code, "parent_code"]
        agency = units.loc[(units["parent_code"] == parent) & (units["level"] == "donvi")]
        agency = agency.loc[agency["name"].str.contains("tỉnh")]["name"].iloc[0]
        assert agency in report.body[-1] and "không tổ chức hội nghị sơ kết" in report.body[-1], (
            code
        )
        assert not re.search(r"địa bàn rộng|địa hình phức tạp", body, re.IGNORECASE), code
    departments = board.loc[board["level"] == "nganh"]
    assert len(departments) == 27 and set(departments["conference_status"]) == {"not_applicable"}


class _Sections(html.parser.HTMLParser):
    """The outline sections whose heading a placeholder follows in the HTML page."""

    def __init__(self):
        super().__init__()
        self.section, self.in_placeholder, self.found = "", False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("data-section"):
            self.section = attrs["data-section"]
        self.in_placeholder = tag == "p" and attrs.get("class") == "placeholder"

    def handle_data(self, data):
        if self.in_placeholder and data == PLACEHOLDER:
            self.found.append(self.section)
            self.in_placeholder = False


def test_every_placeholder_is_a_check_finding_and_nothing_else(reports, batch):
    _, findings, _ = batch
    c003 = findings.loc[findings["code"] == "QPTD-C003"]
    expected = Counter(zip(c003["unit_code"], c003["section_id"], strict=True))
    shown: Counter = Counter()
    for code, report in reports.items():
        page = _Sections()
        page.feed(report.html)
        shown.update((code, section) for section in page.found)
        # the DOCX shows the same number of placeholders as the HTML
        assert report.paragraphs.count(PLACEHOLDER) == len(page.found), code
    assert shown == expected
    assert len(expected) >= 10  # the sample leaves some sections for later (D6 and others)


def test_a_missing_signer_is_highlighted_and_found(reports, batch, stored, cat):
    _, findings, _ = batch
    conf = stored.conferences.set_index("unit_code")
    unsigned = set(findings.loc[findings["code"] == "QPTD-C004", "unit_code"])
    assert unsigned  # the sample's D10
    for code, report in reports.items():
        name = report.signature[-1]
        if code in unsigned:
            assert name == SIGNER_PLACEHOLDER, code
            table = next(t for t in report.document.tables
                         if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")  # fmt: skip
            run = table.rows[0].cells[1].paragraphs[-1].runs[0]
            assert run.font.highlight_color is not None, code
            continue
        signer = conf.at[code, "signer_name"] if code in conf.index else None
        chair = conf.at[code, "chair"] if code in conf.index else None
        assert name in {signer, chair} and name, (code, name)


# --- 2. the outline, per level ---------------------------------------------------------------
def test_each_level_has_its_own_heading_for_ii3(reports, cat):
    units = cat.units.set_index("unit_code")
    expected = {
        "tinh": lambda u: "Kết quả xây dựng khu vực phòng thủ tỉnh",
        "huyen": lambda u: f"Kết quả xây dựng khu vực phòng thủ {u['division_type'].lower()}",
        "xa": lambda u: "Kết quả xây dựng nền quốc phòng toàn dân gắn với thế trận quốc phòng toàn dân",
        "nganh": lambda u: "Kết quả tham gia xây dựng khu vực phòng thủ tỉnh",
        "donvi": lambda u: "Kết quả tham mưu, tham gia xây dựng khu vực phòng thủ "
        + ("tỉnh" if units.at[u["parent_code"], "level"] == "tinh"
           else units.at[u["parent_code"], "division_type"].lower()),
    }  # fmt: skip
    seen = Counter()
    for code, report in reports.items():
        headings = [t for t in report.body if t.startswith("3. Kết quả")]
        assert headings == [f"3. {expected[report.level](units.loc[code])}"], (code, headings)
        assert not any("(xây dựng nền quốc phòng toàn dân gắn với" in t for t in report.paragraphs)
        seen[report.level] += 1
    assert seen == Counter({"xa": 122, "nganh": 27, "donvi": 9, "huyen": 8, "tinh": 1})


def test_ii1_and_ii2_have_the_seeds_points(reports, cat):
    outline = cat.outline.set_index("section_id")
    points = {parent: [f"- {outline.at[s, 'title']}" for s in outline.index
                       if outline.at[s, "parent_id"] == parent]
              for parent in ("P1.II.1", "P1.II.2")}  # fmt: skip
    assert len(points["P1.II.1"]) == 2 and len(points["P1.II.2"]) == 5
    assert "Văn kiện Đại hội lần thứ X, XI, XII" in outline.at["P1.II.2.a", "guidance"]
    for code, report in reports.items():
        for parent, lines in points.items():
            where = [report.body.index(line) for line in lines]
            assert where == sorted(where), (code, parent)


def test_body_points_to_the_appendix_and_sources_are_named(reports, cat):
    for code, report in reports.items():
        texts = report.paragraphs
        assert any("được tổng hợp tại Phụ lục kèm theo Báo cáo này" in t for t in report.body), code
        appendix = texts[texts.index("PHỤ LỤC") :]
        attached = appendix[2] if appendix[1].isupper() else appendix[1]
        assert re.fullmatch(r"\(Kèm theo Báo cáo số .*/BC-.* ngày .* của .*\)", attached), (
            code,
            attached,
        )
        captions = [i for i, t in enumerate(texts) if re.match(r"(Bảng|Hình) \d+\. ", t)]
        assert captions, code
        for i in captions:  # a "Nguồn:" line under every table and figure
            after = texts[i + 1 : i + 4]
            assert any(t.startswith("Nguồn:") for t in after) or texts[i].startswith("Bảng"), (
                code,
                texts[i],
            )
        tables = [
            t
            for t in report.document.tables[1:]
            if len(t.columns) > 2 and t.rows[0].cells[0].text == "STT"
        ]
        for table in tables:
            following = table._element.getnext()
            text = "".join(following.itertext()) if following is not None else ""
            assert "Nguồn:" in text or "Ghi chú" in text, (code, text)


# --- 3. auto-drafted prose ---------------------------------------------------------------------
ZERO = re.compile(r"(?<![\d.,/])0(?![\d.,/])")


def test_no_zero_is_stated_as_an_achievement(reports):
    for code, report in reports.items():
        for text in report.body:
            assert not ZERO.search(text), (code, text)


def test_ranks_only_good_ones_of_better_indicators_and_say_what(reports, cat):
    indicators = cat.indicators
    named = sorted(((str(r.name)[:1].lower() + str(r.name)[1:], r.better) for r in indicators.itertuples()),
                   key=lambda item: -len(item[0]))  # fmt: skip
    ranked = 0
    for code, report in reports.items():
        for text in report.body:
            for sentence in _sentences(text):
                found = re.search(r"đứng thứ (\d+)/(\d+)", sentence)
                if not found:
                    continue
                rank, n = int(found.group(1)), int(found.group(2))
                assert rank <= max(1, n // 3) and rank < n, (code, sentence)
                assert re.match(
                    r"Về (tổng số |tổng |số )?.+ (cả giai đoạn \d{4} - \d{4}|năm \d{4}), ", sentence
                ), sentence
                what = next(b for name, b in named
                            if name in cat.reword(sentence, "xa") or cat.reword(name, report.level) in sentence)  # fmt: skip
                assert what in ("higher", "lower"), (code, sentence)
                ranked += 1
    assert ranked >= 50


def test_changes_of_percentages_are_in_points(reports, cat):
    ratios = [str(n) for n in cat.indicators.loc[cat.indicators["unit"] == "%", "name"]]
    changes = 0
    for report in reports.values():
        for text in report.body:
            for sentence in _sentences(text):
                if (
                    not re.search(r"\b(tăng|giảm) [\d.,]+", sentence)
                    or "so với năm" not in sentence
                ):
                    continue
                subject = sentence.split(" năm ")[0]
                if any(cat.reword(r, report.level) == subject for r in ratios):
                    assert "điểm phần trăm" in sentence and not re.search(r"[\d,]+%", sentence), (
                        sentence
                    )
                    changes += 1
    assert changes >= 20
    for report in reports.values():
        note = next(t for t in report.paragraphs if t.startswith("Cả giai đoạn:"))
        assert f"tổng {len(cat.years)} năm" in note and f"năm {cat.years[-1]}" in note, note
        table = next(t for t in report.document.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
        if any(r.cells[1].text == "%" for r in table.rows):  # how a ratio of the period is made
            assert "100 × tử số / mẫu số" in note and "không lấy trung bình" in note, note


def test_text_fits_the_kind_of_unit(reports, cat):
    units = cat.units
    for code, report in reports.items():
        words = " ".join(report.paragraphs)
        plain = words.replace("Luật Dân quân tự vệ", "")  # a law keeps its name
        if report.level in ("nganh", "xa"):  # "tự vệ" in an agency, "dân quân" in a commune
            assert "dân quân tự vệ" not in plain.lower() and "DQTV" not in plain, code
            assert ("tự vệ" if report.level == "nganh" else "dân quân") in words, code
            assert "tự vệ" in words, code
        if report.level == "huyen":  # "UBND các xã, thị trấn" only where there are towns
            kids = units.loc[
                (units["parent_code"] == code) & (units["level"] == "xa"), "division_type"
            ]
            counts = kids.value_counts()
            kinds = sorted(counts.index, key=lambda k: (-counts[k], k))
            assert f"- UBND các {', '.join(kinds)};" in report.recipients, (code, report.recipients)


def test_one_way_of_writing_the_period_and_dates(reports):
    for code, report in reports.items():
        page = re.sub(r"<[^>]+>", " ", report.html)
        for text in ("\n".join(report.paragraphs), page):
            assert not re.search(r"2009\s*[-–—]\s*2019", text.replace("2009 - 2019", "")), code
            assert not re.search(r"\b\d{1,2}/0\d/\d{4}\b", text), code  # "15/09/2019"
            assert "2009 - 2019" in text


# --- 4. tables and pages ------------------------------------------------------------------------
def _data_tables(report: Report):
    return [t for t in report.document.tables[1:]
            if t.rows[0].cells[0].text in ("STT", "Chỉ tiêu", "TT")]  # fmt: skip


def test_tables_have_a_unit_column_and_rows_that_do_not_split(reports):
    for code, report in reports.items():
        tables = _data_tables(report)
        assert tables, code
        for table in tables:
            for row in table.rows:
                assert row._tr.trPr is not None and row._tr.trPr.xml.count("cantSplit") == 1, code
        series = [t for t in tables if any("Đơn vị tính" in c.text for c in t.rows[0].cells)]
        assert series, code  # Bảng 1 and Bảng 2 say what each number counts


def test_tables_of_sub_units_are_grouped_with_subtotals(reports, cat):
    units = cat.units
    for code, report in reports.items():
        if report.level not in ("tinh", "huyen"):
            continue
        texts = report.paragraphs
        caption = next(t for t in texts if t.endswith(". So sánh các đơn vị trực thuộc"))
        table = next(t for t in report.document.tables if t.rows[0].cells[0].text == "Đơn vị")
        rows = [[c.text for c in r.cells] for r in table.rows[1:]]
        groups = [r[0] for r in rows if not any(r[1:])]
        totals = [r[0] for r in rows if r[0].startswith("Cộng ")]
        kids = units.loc[units["parent_code"] == code]
        expected = ["Các huyện, thành phố", "Các sở, ban, ngành, đoàn thể", "Lực lượng vũ trang"] \
            if report.level == "tinh" else [None, "Lực lượng vũ trang"]  # fmt: skip
        assert len(groups) == len(expected) == len(totals), (code, groups, totals)
        assert all(e is None or g == e for g, e in zip(groups, expected, strict=True)), groups
        military = units.loc[
            units["unit_code"].isin(cat.descendants(code)) & (units["level"] == "donvi")
        ]
        assert set(military["name"]) <= {r[0] for r in rows}, (
            code
        )  # every military command is there
        named = {r[0] for r in rows} - set(groups) - set(totals)
        assert set(kids.loc[kids["level"].isin(["huyen", "xa", "nganh"]), "name"]) <= named, code
        for row in rows:  # one decimal for ratios, as everywhere else
            assert not any(re.search(r",\d\d$", cell) for cell in row[1:]), row
        note = texts[texts.index(caption) + 1]
        assert "Lực lượng vũ trang báo cáo riêng, không cộng vào số của" in note, note
        assert "100 × tổng tử số / tổng mẫu số" in note and f"năm {cat.years[-1]}" in note, note
        source = texts[texts.index(caption) + 2]
        assert source.startswith("Nguồn:") and f"{len(military)} cơ quan quân sự" in source, source


def test_the_signature_is_kept_with_the_end_of_the_body(reports):
    for code, report in reports.items():
        last = next(p for p in report.document.paragraphs if p.text.endswith("./."))
        assert last.paragraph_format.keep_with_next, code


def test_cell_provenance_is_in_its_own_workbook(batch, reports, stored):
    root, _, _ = batch
    files = set(stored.submissions["source_sha256"])
    for code, report in reports.items():
        text = "\n".join(report.paragraphs)
        assert not re.search(r"\b[0-9a-f]{64}\b", text), code
        assert "nguon-so-lieu.xlsx" in text, code
        assert "NGUỒN SỐ LIỆU" in report.paragraphs
    for code in ("06", "061", "01858", "06NG02"):
        sheet = openpyxl.load_workbook(
            root / "reports" / code / "nguon-so-lieu.xlsx", read_only=True
        ).active
        rows = list(sheet.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r[0] == "Mã đơn vị")
        body = rows[header + 1 :]
        assert body and {r[9] for r in body} <= files and all(r[8] for r in body)


# --- 5. award lists ---------------------------------------------------------------------------
def test_award_lists_are_each_attached_to_one_document(batch, cat, stored, reports):
    root, findings, _ = batch
    folder = root / "reports" / "khen-thuong"
    lists = sorted(folder.glob("*/danh-sach-*.docx"))
    assert len(lists) >= 150
    unsigned = set(findings.loc[findings["code"] == "QPTD-C004", "unit_code"])
    conf = stored.conferences.set_index("unit_code")
    for path in lists:
        issuer = path.parent.name
        document = docx.Document(str(path))
        texts = [p.text for p in document.paragraphs]
        head = document.tables[0]
        assert "Số:" not in head.rows[1].cells[0].text, path
        assert "Nơi nhận" not in " ".join(
            c.text for t in document.tables for r in t.rows for c in r.cells
        )
        attached = next(t for t in texts if t.startswith("(Kèm theo"))
        sheet = openpyxl.load_workbook(path.with_suffix(".xlsx"), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))[3:]
        status = {r[6] for r in rows}
        if "kem-quyet-dinh" in path.name:
            assert status == {"Quyết định"}, path
            number = {r[7] for r in rows}
            assert len(number) == 1 and f"Quyết định số {number.pop()} ngày" in attached, path
        elif "kem-du-thao" in path.name:  # proposals awaiting a chair: its draft decision's list
            assert status == {"Đề nghị"} and attached.startswith("(Kèm theo Quyết định số"), path
        else:
            assert status == {"Đề nghị"} and attached.startswith("(Kèm theo Tờ trình số"), path
        # numbering: forms I., II. … and, in each form, its groups 1., 2. — only among others
        forms = [
            i for i, t in enumerate(texts) if t.isupper() and t != "DANH SÁCH"
        ]  # the forms' headings
        numbered = [re.match(r"^([IVX]+)\. ", texts[i]) for i in forms]
        if len(forms) > 1:
            assert [m.group(1) if m else None for m in numbered] == ROMAN[: len(forms)], (
                path,
                forms,
            )
        else:
            assert numbered == [None], path
        for start, end in zip(forms, [*forms[1:], len(texts)], strict=True):
            groups = [
                t for t in texts[start:end] if re.match(r"^(\d+\. )?(Tập thể|Cá nhân) \(\d+\)$", t)
            ]
            labels = [t.split(".")[0] if t[0].isdigit() else "" for t in groups]
            assert labels == (
                [str(k) for k in range(1, len(groups) + 1)] if len(groups) > 1 else [""]
            ), (path, groups)
        total = next(t for t in texts if t.startswith("Tổng số:"))
        assert re.fullmatch(
            r"Tổng số: (\d+ tập thể và \d+ cá nhân|\d+ tập thể|\d+ cá nhân)\.", total
        ), total
        name = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text.strip()][
            -1
        ]
        if issuer in unsigned:
            assert name == SIGNER_PLACEHOLDER, path
        else:
            assert name != SIGNER_PLACEHOLDER and name in set(
                conf[["signer_name", "chair"]].stack()
            ), path


def test_district_and_province_reports_compile_their_sub_units_reports(reports, stored, batch, cat):
    """Issue #15, item 4, over every unit: each compiled section quotes the sub-units (generated
    text, marked), the appendix tabulates every distinct point, the full texts go beside."""
    from openpyxl import load_workbook

    from qptd_tools.analytics.compilation import key_sentences
    from qptd_tools.report.compiled import COMPILED_FILE, POINT_LIMIT
    from qptd_tools.report.context import compiled_units

    root, _, _ = batch
    narrative = stored.narrative
    header = "Nội dung chính (trích báo cáo của đơn vị)"
    quoted = "Tổng hợp báo cáo của các đơn vị trực thuộc về nội dung này"
    compiling = 0
    for code, report in reports.items():
        members = compiled_units(cat, code)
        tables = [t for t in report.document.tables if t.rows[0].cells[0].text == header]
        beside = root / "reports" / code / COMPILED_FILE
        if members.empty:
            assert not tables and not beside.exists(), code
            continue
        compiling += 1
        assert len(tables) == 1, code
        mine = narrative.loc[narrative["unit_code"].isin(members["unit_code"])
                             & narrative["text"].fillna("").str.strip().ne("")]  # fmt: skip
        rows = [[c.text for c in r.cells] for r in tables[0].rows[1:]]
        sections = [s for s in cat.views.report.compiled_sections if s in set(mine["section_id"])]
        assert [r[0] for r in rows if not r[1]] == [cat.section_title(s, code) for s in sections]
        starts = [i for i, r in enumerate(rows) if not r[1]] + [len(rows)]
        for s, a, b in zip(sections, starts, starts[1:], strict=False):
            said = {
                r[0].casefold() for r in rows[a + 1 : b] if not r[0].startswith("(Chưa báo cáo")
            }
            texts = mine.loc[mine["section_id"] == s, "text"]
            assert said == {key_sentences(t, POINT_LIMIT).casefold() for t in texts}, (code, s)
            silent = set(members["unit_code"]) - set(mine.loc[mine["section_id"] == s, "unit_code"])
            assert any(r[0].startswith("(Chưa báo cáo") for r in rows[a + 1 : b]) == bool(silent)
        body = [p for p in report.document.paragraphs if p.text.startswith(quoted)]
        assert len(body) == len(sections), code  # one in each compiled section
        assert all("_qptd_a_" in p._p.xml for p in body), code  # generated: never frozen by intake
        assert not any(p.text.endswith(".”.") for p in body), code
        sheet = load_workbook(beside, read_only=True).worksheets[0]
        lines = [
            r
            for r in sheet.iter_rows(values_only=True)
            if len(r) > 4 and r[0] in set(mine["section_id"])
        ]
        assert len(lines) == len(mine), code  # every section of every sub-unit, in full
        assert {(r[2], r[0], r[4]) for r in lines} == set(
            zip(mine["unit_code"], mine["section_id"], mine["text"], strict=True)
        )
    assert compiling == 1 + len(cat.units.loc[cat.units["level"] == "huyen"])


def _ink_margins(png: Path) -> tuple[str, tuple[int, int], list[int]]:
    """A PNG's mode, size and white margins (top, bottom, left, right) in pixels."""
    import numpy as np
    from PIL import Image

    image = Image.open(png)
    rgb = np.asarray(image.convert("RGB"))
    ink = (rgb != 255).any(axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    tall, wide = ink.shape
    margins = [int(rows[0]), tall - 1 - int(rows[-1]), int(cols[0]), wide - 1 - int(cols[-1])]
    return image.mode, (wide, tall), margins


def test_every_figure_is_whole_cut_to_its_ink_and_its_svg_has_the_same_box(batch, cat):
    """Issue #16, over every figure of every unit: the PNG is RGB at 200 dpi, nothing is cut
    (white on every side), the white is exactly the style's 0,1 inch padding unless the figure
    reached past its drawing margins (then matplotlib's tight box), and the SVG has its size."""
    root, _, _ = batch
    pad = 20  # 0,1 inch at 200 dpi
    count, usual = 0, []
    for code in cat.units["unit_code"]:
        for png in sorted((root / "reports" / code / "figures").glob("hinh-*.png")):
            count += 1
            mode, (wide, tall), margins = _ink_margins(png)
            assert mode == "RGB" and min(margins) >= 1, (png, mode, margins)
            if margins != [pad] * 4:  # reached past the margins: matplotlib's tight box
                usual.append(png)
                assert max(margins) <= 2 * pad, (png, margins)
            svg = png.with_suffix(".svg").read_text(encoding="utf-8")
            size = re.search(r'<svg[^>]*width="([\d.]+)pt" height="([\d.]+)pt"', svg)
            assert size, png
            assert abs(float(size.group(1)) - wide * 72 / 200) < 1, png
            assert abs(float(size.group(2)) - tall * 72 / 200) < 1, png
    assert count >= 4 * len(cat.units) and len(usual) <= count // 50, (count, usual)


def test_every_figure_comes_back_from_its_cache_byte_for_byte(batch, cat, tmp_path):
    """Issue #16, every unit: reopening each report from its batch context in another process,
    with a copy of the unit's figure cache, draws nothing (the keys computed in the batch's
    kernel are found again) and gives each figure's PNG and SVG byte for byte. The appendix
    is made whole but for its sources workbook (no figure; 40 % of its time)."""
    from qptd_tools.report import UnitReport
    from qptd_tools.report.figure_cache import FOLDER

    root, _, _ = batch
    for code in cat.units["unit_code"]:
        unit = root / "reports" / code
        out = tmp_path / code
        shutil.copytree(unit / FOLDER, out / FOLDER)
        kept = sorted(p.name for p in (out / FOLDER).iterdir())
        report = UnitReport.open(code, root=str(root), output_dir=str(out),
                                 context_path=str(root / "reports" / ".contexts" / f"{code}.pkl"),
                                 display=lambda block: None)  # fmt: skip
        report.sources = lambda: None  # type: ignore[method-assign]
        report.appendix()
        assert sorted(p.name for p in (out / FOLDER).iterdir()) == kept, code  # nothing drawn
        mine = {p.name: p.read_bytes() for p in (unit / "figures").iterdir()}
        again = {p.name: p.read_bytes() for p in (out / "figures").iterdir()}
        assert again == mine and len(kept) == len(mine) >= 4, code


def test_the_documents_the_batchs_workers_wrote_are_those_of_qptd_documents(batch, written):
    """``qptd run --all`` on 2 workers writes the units' documents in parts, ahead of the
    units (issue #16): every file ``qptd documents`` writes, byte for byte, for every unit —
    the batch in 2 parts (84 + 83 units), ``qptd documents --workers 2`` in 8 parts of about
    20 (the ``written`` fixture), so the files do not depend on how the units are split (one
    part against two, in real processes: ``test_paperwork``); the parts' cost is in the
    manifest; the board links them."""
    import hashlib
    import json

    from tests.conftest import DOCUMENT_FOLDERS

    root, _, _ = batch
    one = written[0].parent.parent / "reports"
    ran = root / "reports"

    def files(reports: Path) -> dict[str, str]:
        return {str(p.relative_to(reports)): hashlib.sha256(p.read_bytes()).hexdigest()
                for folder in DOCUMENT_FOLDERS for p in sorted((reports / folder).rglob("*"))
                if p.is_file()}  # fmt: skip

    expected, got = files(one), files(ran)
    assert len(expected) > 1500
    assert sorted(got) == sorted(expected)
    assert [f for f in expected if got[f] != expected[f]] == []
    record = json.loads((ran / "van-ban.json").read_text(encoding="utf-8"))
    assert sorted(record["files"]) == sorted(expected)
    manifest = json.loads((ran / "manifest.json").read_text(encoding="utf-8"))
    parts = manifest["batch"]["documents"]
    assert [p["units"] for p in parts] == [84, 83] and all(p["cpu_s"] > 1 for p in parts)
    units = [e["timing"] for e in manifest["units"].values()]
    assert min(p["start"] for p in parts) < min(u["start"] for u in units)  # ahead of the units
    board = (ran / "index.html").read_text(encoding="utf-8")
    assert 'href="ke-hoach/060/ke-hoach-hoi-nghi.html"' in board
