"""Award decisions and submissions (issue #14), checked against the award records over the
whole sample: every decided list has its decision, every chair with proposals waiting has a
draft decision dated by its conference, every proposal list has its submission; each carries
only the forms of its authority, the counts and the money of its records, the legal bases in
force on its date, and a twin HTML page."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser

import docx
import pandas as pd
import pytest

from qptd_tools.analytics import awards, deadlines
from qptd_tools.cli import main
from qptd_tools.core import vnformat
from qptd_tools.export import award_docs
from qptd_tools.export.award_lists import slug
from qptd_tools.store.snapshots import Store

from .conftest import office, qptd

LOCAL = ("xa", "huyen", "tinh")


def _texts(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _counts(records: pd.DataFrame) -> str:
    counts = records["recipient_type"].value_counts()
    said = [
        f"{counts[k]} {w}"
        for k, w in (("tap_the", "tập thể"), ("ca_nhan", "cá nhân"))
        if k in counts
    ]
    return " và ".join(said)


def _date_line(path) -> str:
    head = docx.Document(str(path)).tables[0]
    return head.rows[-1].cells[1].text


def test_every_decision_has_its_authoritys_forms_counts_money_and_date(written, cat):
    folder, _, enriched = written
    forms = cat.award_forms.set_index("code")
    decided = enriched.loc[
        (enriched["status"] == "quyet_dinh") & enriched["deciding_level"].isin(LOCAL)
    ]
    expected = set()
    for (scope, number), part in decided.groupby(["scope", "decision_no"]):
        authority = part["deciding_level"].iloc[0]
        path = folder / scope / f"quyet-dinh-khen-thuong-{authority}-{slug(number)}.docx"
        expected.add(path)
        texts = _texts(path)
        assert texts[texts.index("QUYẾT ĐỊNH:") - 1].startswith("Xét đề nghị của"), path
        article1 = next(t for t in texts if t.startswith("Điều 1."))
        assert f"cho {_counts(part)} (có danh sách kèm theo)" in article1, (path, article1)
        # only the forms this chair decides, named after this chair
        named = [c for c in forms.index if forms.at[c, "decided_by"] == authority]
        assert set(part["form"]) <= set(named)
        assert f"Ủy ban nhân dân {cat.place(scope)}" in article1
        for other in forms.index.difference(named):
            assert str(forms.at[other, "short_name"]) not in article1
        article2 = next(t for t in texts if t.startswith("Điều 2."))
        total = vnformat.number(part["amount"].sum())
        assert f"Tổng số tiền thưởng: {total} đồng" in article2, (path, article2)
        assert f"ngân sách {cat.place(scope)}" in article2
        assert texts[-1].endswith("Quyết định này./.") or any(
            t.endswith("Quyết định này./.") for t in texts
        )
        number_cell = docx.Document(str(path)).tables[0].rows[-1].cells[0].text
        assert number_cell.replace(" ", "") == f"Số:{number}".replace(" ", ""), number_cell
        day = part["decision_date"].iloc[0].date()
        assert _date_line(path).endswith(vnformat.date_long(day)), path
    made = {
        p for p in folder.glob("*/quyet-dinh-khen-thuong-*.docx") if not p.stem.endswith("du-thao")
    }
    assert made == expected and len(made) >= 100


def test_each_chair_with_proposals_waiting_gets_a_draft_dated_by_its_conference(written, cat):
    folder, data, enriched = written
    held = data.conferences.set_index("unit_code")["conference_date"]
    waiting = enriched.loc[
        (enriched["status"] == "de_nghi") & enriched["deciding_level"].isin(LOCAL)
    ]
    expected = set()
    for (scope, authority), part in waiting.groupby(["scope", "deciding_level"]):
        path = folder / scope / f"quyet-dinh-khen-thuong-{authority}-du-thao.docx"
        expected.add(path)
        texts = _texts(path)
        assert texts[1].startswith("DỰ THẢO") or "DỰ THẢO — trình ký tại hội nghị sơ kết" in texts
        assert f"cho {_counts(part)}" in next(t for t in texts if t.startswith("Điều 1."))
        assert _date_line(path).endswith(vnformat.date_long(held[scope].date())), path
        attached = path.with_name(f"danh-sach-kem-du-thao-quyet-dinh-{authority}.docx")
        assert attached.is_file()
    assert {p for p in folder.glob("*/quyet-dinh-khen-thuong-*-du-thao.docx")} == expected
    assert len(expected) == 9  # the 8 district chairs and the province's


def test_every_submission_goes_to_the_authority_of_its_forms(written, cat):
    folder, data, enriched = written
    forms = cat.award_forms.set_index("code")
    authorities = cat.authorities.set_index("code")
    sent = data.conferences.set_index("unit_code")["report_submitted_date"]
    proposed = enriched.loc[enriched["status"] == "de_nghi"]
    expected = set()
    for (unit, authority), part in proposed.groupby(["unit_code", "deciding_level"]):
        path = folder / unit / f"to-trinh-{authority.replace('_', '-')}.docx"
        expected.add(path)
        document = docx.Document(str(path))
        texts = [p.text for p in document.paragraphs]
        scope = part["scope"].iloc[0]
        addressee = next(t for t in texts if t.startswith("Kính gửi: "))
        if authority in LOCAL:
            assert addressee.startswith(f"Kính gửi: Chủ tịch Ủy ban nhân dân {cat.place(scope)}"), (
                path
            )
        else:
            assert addressee.startswith(f"Kính gửi: {authorities.at[authority, 'addressee']}"), path
        table = document.tables[1]
        rows = [[c.text for c in r.cells] for r in table.rows[1:]]
        # one row per form of the records, each a form this authority decides, named after it
        named = {
            str(forms.at[f, "name"])
            if authority not in LOCAL
            else f"{str(forms.at[f, 'name']).split(' của ')[0]} của Chủ tịch Ủy ban nhân dân "
            f"{cat.place(scope)}"
            for f in part["form"].unique()
        }
        assert {r[1] for r in rows[:-1]} == named, (path, rows)
        assert set(forms.loc[part["form"].unique(), "decided_by"]) == {authority}
        collective = int((part["recipient_type"] == "tap_the").sum())
        assert rows[-1][1:] == [
            "Cộng",
            str(collective),
            str(len(part) - collective),
            str(len(part)),
        ], path
        day = sent.get(unit)
        if pd.notna(day):
            assert _date_line(path).endswith(vnformat.date_long(day.date())), path
    assert set(folder.glob("*/to-trinh-*.docx")) == expected and len(expected) >= 100


def test_dates_follow_the_guidance_and_check_says_when_they_do_not(written, cat):
    """A decision is signed by its conference; proposals reach a chair before its conference.
    The sample keeps that order; a record that breaks it is a finding of `qptd check`."""
    _, data, enriched = written
    assert awards.order_findings(enriched, cat.units, data.conferences).empty
    late = enriched.copy()
    first = late.index[(late["status"] == "quyet_dinh") & (late["deciding_level"] == "xa")][0]
    scope = late.at[first, "scope"]
    number = late.at[first, "decision_no"]
    same = (late["scope"] == scope) & (late["decision_no"] == number)
    late.loc[same, "decision_date"] = pd.Timestamp("2019-09-20")
    found = awards.order_findings(late, cat.units, data.conferences)
    assert list(found["code"]) == ["QPTD-A008"] and number in found["message"].iloc[0]
    conferences = data.conferences.copy()
    commune = late.loc[
        (late["status"] == "de_nghi") & (late["deciding_level"] == "huyen"), "unit_code"
    ].iloc[0]
    conferences.loc[conferences["unit_code"] == commune, "report_submitted_date"] = pd.Timestamp(
        "2019-09-16"
    )
    found = awards.order_findings(enriched, cat.units, conferences)
    assert list(found["code"]) == ["QPTD-A009"] and found["unit_code"].iloc[0] == commune


def test_legal_bases_are_those_in_force_on_the_date(cat):
    in_2019 = award_docs.bases(cat, "decision", dt.date(2019, 9, 1))
    assert [b.split(" ngày ")[0] for b in in_2019] == [
        "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Căn cứ Luật Thi đua, Khen thưởng",
        "Căn cứ Nghị định số 91/2017/NĐ-CP",
        "Căn cứ Hướng dẫn số 297/HD-UBND",
    ]
    in_2024 = award_docs.bases(cat, "decision", dt.date(2024, 6, 1))  # the 2003 law replaced
    assert not any("Luật Thi đua, Khen thưởng ngày 26" in b or "91/2017" in b for b in in_2024)
    before_guidance = award_docs.bases(cat, "submission", dt.date(2019, 5, 1))
    assert not any("297/HD-UBND" in b for b in before_guidance)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_each_document_has_its_html_twin(written):
    folder, _, _ = written
    pages = sorted(folder.glob("*/quyet-dinh-*.html")) + sorted(folder.glob("*/to-trinh-*.html"))
    assert len(pages) == len(list(folder.glob("*/quyet-dinh-*.docx"))) + len(
        list(folder.glob("*/to-trinh-*.docx"))
    )
    for page in pages[:: max(1, len(pages) // 25)]:
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        text = re.sub(r"\s+", " ", "".join(parser.parts).replace("\u00a0", " "))
        words = [
            p.text
            for p in docx.Document(str(page.with_suffix(".docx"))).paragraphs
            if p.text.strip("\u200b \n")
        ]
        for paragraph in words:
            assert re.sub(r"\s+", " ", paragraph.replace("\u00a0", " ")).strip() in text, (
                page,
                paragraph,
            )


def test_documents_command_refuses_an_unknown_kind_and_writes_one_units(workspace, capsys):
    assert main(["--root", str(workspace), "documents", "--kind", "ke-hoach"]) == 2
    assert "QPTD-E082" in capsys.readouterr().err
    assert (
        main(["--root", str(workspace), "documents", "--unit", "1858", "--kind", "decision"]) == 0
    )
    written = sorted(p.name for p in (workspace / "reports" / "khen-thuong").rglob("*.*"))
    assert written and all(n.startswith("quyet-dinh-khen-thuong-xa-") for n in written), written
    assert {p.parent.name for p in (workspace / "reports" / "khen-thuong").rglob("*.*")} == {
        "01858"
    }


@pytest.mark.slow
def test_decisions_and_submissions_print_whole_with_their_signature(written, tmp_path):
    """Printed by LibreOffice: one or two pages, the bases on the first, and the last page
    holds the closing article with the signature (never a signature alone)."""
    import os
    import subprocess

    folder, _, _ = written
    chosen = {
        "xa": sorted(folder.glob("018*/quyet-dinh-khen-thuong-xa-*.docx"))[0],
        "xa-to-trinh": sorted(folder.glob("018*/to-trinh-huyen.docx"))[0],
        "huyen-du-thao": folder / "060" / "quyet-dinh-khen-thuong-huyen-du-thao.docx",
        "tinh-du-thao": folder / "06" / "quyet-dinh-khen-thuong-tinh-du-thao.docx",
        "tinh-qk1": folder / "06" / "to-trinh-qk1.docx",
        "tinh-don-doc": folder.parent / "don-doc" / "06" / "cong-van-don-doc.docx",
        "tinh-du-toan": folder.parent / "du-toan" / "06" / "du-toan.docx",
        "xa-du-toan": folder.parent / "du-toan" / "01858" / "du-toan.docx",
    }
    for name, path in chosen.items():
        shutil.copy(path, tmp_path / f"{name}.docx")
    subprocess.run([office(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *sorted(str(p) for p in tmp_path.glob("*.docx"))], check=True, capture_output=True,
                   timeout=600, env={**os.environ, "HOME": str(tmp_path)})  # fmt: skip
    for name in chosen:
        pdf = tmp_path / f"{name}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages <= 2, (name, pages)

        def page(n: int, pdf=pdf) -> str:
            return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                                  capture_output=True, text=True).stdout  # fmt: skip

        first, last = page(1), page(pages)
        stem = chosen[name].stem
        if stem.startswith("cong-van"):  # a letter: its abstract under the number, no title
            assert "V/v đôn đốc" in first and "Kính gửi" in first, name
            closing = "báo cáo rõ lý do./."
        elif stem == "du-toan":
            assert "DỰ TOÁN KINH PHÍ" in first and "Tổng cộng" in first, name
            closing = "đồng./."
        else:
            assert "Căn cứ" in first and ("QUYẾT ĐỊNH" in first or "TỜ TRÌNH" in first), name
            closing = (
                "xem xét, quyết định./." if stem.startswith("to-trinh") else "Quyết định này./."
            )
        assert closing in re.sub(r"\s+", " ", last) and "CHỦ TỊCH" in last, (name, last[:300])


# --- reminders (công văn đôn đốc, seed V.2) ---------------------------------------------------
def test_a_reminder_goes_to_every_late_or_missing_unit_and_to_no_other(written, cat):
    folder, data, _ = written
    reports = folder.parent
    board = deadlines.board(
        cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
    )
    shown = set(board.loc[board["conference_status"].isin(["late", "missing"])
                          | board["report_status"].isin(["late", "missing"]), "unit_code"])  # fmt: skip
    assert shown  # the sample's deliberate late and missing units
    written_to = {}
    for path in sorted((reports / "don-doc").glob("*/cong-van-don-doc.docx")):
        document = docx.Document(str(path))
        rows = [[c.text for c in r.cells] for r in document.tables[1].rows[1:]]
        texts = [p.text for p in document.paragraphs]
        day = dt.datetime.strptime(_date_line(path).split("ngày ")[-1], "%d tháng %m năm %Y").date()
        for _, name, items in rows:
            code = next(c for c in cat.units["unit_code"] if name.endswith(str(cat.unit(c)["name"]))
                        or name == f"Ủy ban nhân dân {cat.place(c)}")  # fmt: skip
            assert code not in written_to, code  # one letter per unit
            written_to[code] = path.parent.name
            unit = cat.unit(code)
            assert path.parent.name == (unit["parent_code"] if unit["level"] == "xa" else "06"), (
                path
            )
            for mentioned in re.findall(
                r"\d{1,2}/\d{1,2}/\d{4}", items
            ):  # nothing after the letter
                if "hạn" not in items.split(mentioned)[0][-6:]:
                    assert dt.datetime.strptime(mentioned, "%d/%m/%Y").date() <= day, (path, items)
        assert any(t.startswith("Kính gửi") for t in texts), path
        assert path.with_suffix(".html").is_file()
    assert set(written_to) == shown


def test_reminders_follow_the_board_when_many_units_are_late(cat, sample_store_dir):
    """The rule over many units: a third of the units lose their dates, some are late."""
    from qptd_tools.export import reminders as R

    conferences = Store(sample_store_dir[0]).read("conferences")
    late = conferences.copy()
    late.loc[late.index % 3 == 0, ["conference_date", "report_submitted_date"]] = pd.NaT
    late.loc[late.index % 3 == 1, "report_submitted_date"] = pd.Timestamp("2019-09-25")
    board = deadlines.board(cat.units, late, cat.deadlines, awards.district_of(cat.units))
    shown = set(board.loc[board["conference_status"].isin(["late", "missing"])
                          | board["report_status"].isin(["late", "missing"]), "unit_code"])  # fmt: skip
    letters = R.reminders(board, cat, set(late["unit_code"]))
    listed = [code for letter in letters for code, _ in letter.units]
    assert len(listed) == len(set(listed)) and set(listed) == shown and len(shown) > 80
    for letter in letters:
        for code, items in letter.units:
            assert items and all(i.endswith(".") for i in items)
            assert R.issuer_of(cat, code) == letter.issuer


# --- budget estimates (dự toán kinh phí, seed IV) ---------------------------------------------
def _number_of(text: str) -> int:
    return int(text.replace(".", "")) if text not in ("", "…") else 0


def test_each_conference_holder_estimates_what_its_own_budget_pays(written, cat):
    folder, data, _ = written
    reports = folder.parent
    money = pd.DataFrame(
        json.loads(qptd(reports.parent, "awards", "--view", "money", "--format", "json"))
    )
    holders = set(cat.units.loc[cat.units["level"].isin(["xa", "huyen", "tinh"]), "unit_code"])
    made = {p.parent.name for p in (reports / "du-toan").glob("*/du-toan.docx")}
    assert made == holders and len(made) == 131
    people = data.conferences.set_index("unit_code")["participants"]
    rates = cat.conference_costs.set_index(["level", "code"])
    for unit in sorted(holders):
        path = reports / "du-toan" / unit / "du-toan.docx"
        rows = [[c.text for c in r.cells] for r in docx.Document(str(path)).tables[1].rows[1:]]
        split = next(i for i, r in enumerate(rows) if r[0] == "II")
        awards_part, conference_part, total = rows[1:split], rows[split + 1 : -1], rows[-1]
        paid = money.loc[money["payer_code"] == unit]
        # the award money equals `qptd awards --view money` for this payer
        assert _number_of(rows[0][5]) == round(paid["amount"].sum()), unit
        assert sum(_number_of(r[3]) for r in awards_part) == paid["records"].sum(), unit
        for r in awards_part:
            assert _number_of(r[3]) * _number_of(r[4]) == _number_of(r[5]), (unit, r)
        # the conference at the catalogue's rates for the level, with the workbook's delegates
        level = str(cat.unit(unit)["level"])
        delegates = people.get(unit)
        for r in conference_part:
            code = next(
                c
                for (lv, c), row in rates.iterrows()
                if lv == level and r[1].startswith(row["item"])
            )
            if rates.at[(level, code), "basis"] == "participant" and pd.notna(delegates):
                assert _number_of(r[3]) == int(delegates), (unit, r)
            assert _number_of(r[4]) == round(rates.at[(level, code), "rate"]), (unit, r)
        assert _number_of(total[5]) == _number_of(rows[0][5]) + _number_of(rows[split][5]), unit
        assert path.with_suffix(".html").is_file()
