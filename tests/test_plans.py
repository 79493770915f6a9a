"""Conference plans (issue #14, item 1 and 8), checked over every conference-holding unit of the
sample against the registry, the award records (as ``qptd awards`` counts them), the budget
estimate and the deadlines; the plans' dates in ``qptd check``; and the documents inside
``qptd run``."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import docx
import pandas as pd
import pytest

from qptd_tools.analytics import awards, checks, deadlines, indicators
from qptd_tools.export import plan as P

from .conftest import qptd

HOLDERS = ("xa", "huyen", "tinh")


def _text(path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def plans(written):
    """Every plan's facts, as `qptd documents` wrote them, and the reports folder."""
    folder, data, enriched = written
    cat = data.catalog
    board = deadlines.board(
        cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
    )
    dates = checks.plan_dates(cat, board)
    summary = indicators.compute(data.values, cat.units, cat.indicators, cat.years,
                                 cat.review.rollup_children)["summary"]  # fmt: skip
    money = awards.money_of(enriched, cat)
    facts = {
        u: P.facts(cat, u, enriched, money, summary, data.conferences, dates)
        for u in dates["unit_code"]
    }
    return folder.parent, data, facts, board


def test_every_conference_holder_has_its_plan_in_docx_and_html(plans, cat):
    reports, _, facts, _ = plans
    holders = set(cat.units.loc[cat.units["level"].isin(HOLDERS), "unit_code"])
    assert set(facts) == holders and len(holders) == 131
    found = {p.parent.name for p in (reports / "ke-hoach").glob("*/ke-hoach-hoi-nghi.docx")}
    assert found == holders
    assert {
        p.parent.name for p in (reports / "ke-hoach").glob("*/ke-hoach-hoi-nghi.html")
    } == holders


def test_participants_name_the_units_directly_below_from_the_registry(plans, cat):
    reports, _, facts, _ = plans
    for unit, plan in facts.items():
        kids = cat.units.loc[
            (cat.units["parent_code"] == unit) & cat.units["level"].isin(("huyen", "xa"))
        ]
        assert plan.below == kids["unit_code"].tolist(), unit
        text = _text(reports / "ke-hoach" / unit / "ke-hoach-hoi-nghi.docx")
        line = next(
            t for t in text.splitlines() if t.startswith("- Lãnh đạo địa phương cấp dưới trực tiếp")
        )
        for name in kids["name"]:  # "Xã Bằng Thành" → "Bằng Thành" in a list of communes
            assert name.split(" ", 1)[1] in line, (unit, name)
        if len(kids):
            assert line.rsplit(":", 1)[1].count(",") == len(kids) - 1, (unit, line)
        categories = [title for title, _ in plan.participants]
        assert len(categories) == 6, unit  # the seed's six categories (II.2)
        departments = cat.units.loc[
            (cat.units["parent_code"] == unit) & (cat.units["level"] == "nganh")
        ]
        for name in departments["name"]:  # the province invites each of its departments by name
            assert name in text, (unit, name)


def test_award_work_counts_equal_qptd_awards(plans, cat):
    reports, _, facts, _ = plans
    root = reports.parent
    table = pd.DataFrame(json.loads(qptd(root, "awards", "--by", "unit_code,district_code,deciding_level,form,recipient_type",
                                         "--format", "json")))  # fmt: skip
    level = cat.units.set_index("unit_code")["level"]
    checked = 0
    for unit, plan in facts.items():
        lv = level[unit]
        mine = {"xa": table["unit_code"] == unit, "huyen": table["district_code"] == unit,
                "tinh": pd.Series(True, index=table.index)}[lv] & (table["deciding_level"] == lv)  # fmt: skip
        expected = table.loc[mine].groupby(["form", "recipient_type"])["count"].sum()
        got = (
            plan.decides.groupby(["form", "recipient_type"])["count"].sum()
            if len(plan.decides)
            else expected.iloc[:0]
        )
        assert got.sort_index().to_dict() == expected.sort_index().to_dict(), unit
        own = (table["unit_code"] == unit) & ~(table["deciding_level"] == lv)
        expected = (
            table.loc[own].groupby(["deciding_level", "form", "recipient_type"])["count"].sum()
        )
        got = (plan.proposes.groupby(["deciding_level", "form", "recipient_type"])["count"].sum()
               if len(plan.proposes) else expected.iloc[:0])  # fmt: skip
        assert got.sort_index().to_dict() == expected.sort_index().to_dict(), unit
        checked += int(expected.sum()) + int(
            plan.decides["count"].sum() if len(plan.decides) else 0
        )
        text = _text(reports / "ke-hoach" / unit / "ke-hoach-hoi-nghi.docx")
        names = cat.award_forms.set_index("code")["short_name"]
        for form in set(plan.decides.get("form", [])) | set(plan.proposes.get("form", [])):
            assert names[form] in text, (unit, form)
    local = table.loc[table["deciding_level"].isin(HOLDERS), "count"].sum()
    assert sum(int(p.decides["count"].sum()) for p in facts.values() if len(p.decides)) == local
    assert checked > 0


def test_the_plans_money_is_its_budget_estimate(plans):
    reports, _, facts, _ = plans
    for unit, plan in facts.items():
        budget = _text(reports / "du-toan" / unit / "du-toan.docx")
        total = re.search(r"Tổng dự toán: ([\d.]+) đồng", budget).group(1)
        assert int(total.replace(".", "")) == round(plan.budget_total), unit
        assert f"dự toán: {total} đồng" in _text(
            reports / "ke-hoach" / unit / "ke-hoach-hoi-nghi.docx"
        ), unit


def test_dates_run_guidance_plan_tasks_conference_within_the_deadline(plans, cat):
    reports, data, facts, board = plans
    given = data.conferences.dropna(subset=["conference_date"]).set_index("unit_code")[
        "conference_date"
    ]
    due = board.set_index("unit_code")["conference_deadline"]
    proposed = 0
    for unit, plan in facts.items():
        if unit in given.index:
            assert not plan.proposed and plan.conference_date == pd.Timestamp(given[unit]).date(), (
                unit
            )
        else:  # proposed on a weekday, before the level's deadline
            proposed += 1
            assert plan.proposed and plan.conference_date.weekday() < 5, unit
            assert plan.conference_date < pd.Timestamp(due[unit]).date(), unit
        assert cat.guidance_date <= plan.plan_date < plan.conference_date, unit
        for task, owner, day in plan.tasks:
            assert plan.plan_date <= day < plan.conference_date, (unit, task, day)
            assert owner and "{" not in owner and "{" not in task, (unit, owner)
        assert [t[2] for t in plan.tasks] == sorted(t[2] for t in plan.tasks), unit
        text = _text(reports / "ke-hoach" / unit / "ke-hoach-hoi-nghi.docx")
        assert f"ngày {plan.conference_date.day}/{plan.conference_date.month}/2019" in text, unit
        assert ("Dự kiến" in text) == plan.proposed, unit
    assert proposed >= 1  # the sample has units that gave no conference date (QPTD-S002)


def test_the_programme_fills_half_a_day_with_named_speakers(plans, cat):
    _, _, facts, _ = plans
    for unit, plan in facts.items():
        times = [t for t, _, _ in plan.programme]
        starts = [t.split(" - ")[0] for t in times]
        ends = [t.split(" - ")[1] for t in times]
        assert starts[1:] == ends[:-1], unit  # back to back
        hours = lambda s: int(s[:2]) + int(s[3:]) / 60  # noqa: E731
        assert hours(ends[-1]) - hours(starts[0]) <= 4, unit  # ½ day (seed II.3)
        assert all("{" not in item and "{" not in who for _, item, who in plan.programme), unit
        level = cat.unit(unit)["level"]
        if level != "xa":  # the best and the weakest unit below on the key indicator speak
            assert (
                len(plan.speakers) >= 2
                and "cao nhất" in plan.speakers[0]
                and "thấp nhất" in plan.speakers[1]
            )
            assert plan.speakers[0] != plan.speakers[1], unit
        assert any(plan.speakers[0] in who for _, _, who in plan.programme), unit


def test_a_plan_that_cannot_follow_the_guidance_is_a_check_finding(workspace, cat):
    """A conference so early that its plan would precede the guidance: QPTD-S004 in qptd check."""
    from qptd_tools.store.snapshots import Store

    store = Store(workspace / "data" / "processed")
    tables = store.read_all()
    conferences = tables["conferences"]
    commune = conferences["unit_code"].iloc[0]
    conferences.loc[conferences["unit_code"] == commune, "conference_date"] = pd.Timestamp(
        "2019-06-05"
    )
    board = deadlines.board(cat.units, conferences, cat.deadlines, awards.district_of(cat.units))
    dates = checks.plan_dates(cat, board).set_index("unit_code")
    assert dates.at[commune, "plan_date"] == pd.Timestamp(cat.guidance_date)
    found = deadlines.plan_findings(checks.plan_dates(cat, board), cat.review.plan_lead_days,
                                    pd.Timestamp(cat.guidance_date))  # fmt: skip
    assert found["unit_code"].tolist() == [commune] and (found["code"] == "QPTD-S004").all()
    assert "5/6/2019" in found["message"].iloc[0] and "27/5/2019" in found["message"].iloc[0]
    result = checks.run(cat, tables["values"], tables["awards"], conferences, tables["narrative"],
                        tables["submissions"])  # fmt: skip
    assert result.findings.loc[result.findings["code"] == "QPTD-S004", "unit_code"].tolist() == [
        commune
    ]
    sample = json.loads(qptd(workspace, "check", "--format", "json"))["findings"]
    assert not [
        f for f in sample if f["code"] == "QPTD-S004"
    ]  # the sample's plans are all in order


@pytest.mark.slow
def test_qptd_run_writes_the_units_documents_in_its_formats_and_skips_them_unchanged(
    sample_store_dir, tmp_path
):
    src, _ = sample_store_dir
    root = tmp_path / "ws"
    shutil.copytree(src, root / "data" / "processed")
    batch = (
        "run",
        "--unit",
        "060",
        "01858",
        "--workers",
        "2",
    )  # a district and one of its communes
    qptd(root, *batch)
    reports = root / "reports"
    units = sorted(p.name for p in (reports / "ke-hoach").iterdir())
    assert units == ["01858", "060"], units  # only the batch's units
    for unit in units:
        for kind in ("ke-hoach/{u}/ke-hoach-hoi-nghi", "du-toan/{u}/du-toan"):
            stem = reports / kind.format(u=unit)
            assert stem.with_suffix(".docx").is_file() and stem.with_suffix(".html").is_file(), stem
    board = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="ke-hoach/060/ke-hoach-hoi-nghi.html"' in board
    record = reports / "van-ban.json"
    before = (
        record.stat().st_mtime_ns,
        (reports / "ke-hoach" / "060" / "ke-hoach-hoi-nghi.docx").stat().st_mtime_ns,
    )
    qptd(root, *batch)  # nothing changed: nothing rewritten
    assert (
        record.stat().st_mtime_ns,
        (reports / "ke-hoach" / "060" / "ke-hoach-hoi-nghi.docx").stat().st_mtime_ns,
    ) == before
    qptd(root, *batch, "--formats", "docx")
    assert (reports / "ke-hoach" / "060" / "ke-hoach-hoi-nghi.docx").is_file()
    assert not (reports / "ke-hoach" / "060" / "ke-hoach-hoi-nghi.html").exists()  # nothing stale
    board = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="ke-hoach/060/ke-hoach-hoi-nghi.docx"' in board


def test_number_date_and_signer_are_parameters_of_a_document(workspace, capsys):
    """`--number`, `--date`, `--signer` like the report's parameters; refused where they cannot apply."""
    from qptd_tools.cli import main

    args = ["--root", str(workspace), "--quiet", "documents", "--unit", "060", "--kind", "plan"]
    assert main([*args, "--number", "12", "--date", "10/8/2019", "--signer", "Nguyễn Văn An"]) == 0
    document = docx.Document(
        str(workspace / "reports" / "ke-hoach" / "060" / "ke-hoach-hoi-nghi.docx")
    )
    head = [c.text for c in document.tables[0].rows[1].cells]
    assert head == ["Số: 12/KH-UBND", "Pác Nặm, ngày 10 tháng 8 năm 2019"]
    assert document.tables[-1].rows[-1].cells[1].text.strip().endswith("Nguyễn Văn An")
    tasks = [row.cells[3].text for row in document.tables[-2].rows[1:]]
    assert tasks and all(
        pd.Timestamp(dt.datetime.strptime(t, "%d/%m/%Y")) >= pd.Timestamp("2019-08-10")
        for t in tasks
    )
    capsys.readouterr()
    assert main([*args, "--date", "20/9/2019"]) == 2  # on or after the conference (13/9/2019)
    said = capsys.readouterr().err
    assert "QPTD-E082" in said and "060 (13/9/2019)" in said and "Traceback" not in said
    assert main([*args[:-4], "--kind", "plan", "--number", "5"]) == 2  # no single unit
    assert (
        main([*args[:-2], "--kind", "decision", "--number", "5"]) == 2
    )  # numbers of decisions are records
    assert main([*args[:-4], "--signer", "Nguyễn Văn An"]) == 2  # whose signer?
    # a date after the conferences is refused for plans only: reminders go out after deadlines
    every = ["--root", str(workspace), "--quiet", "documents"]
    assert main([*every, "--kind", "reminder", "--date", "16/9/2019"]) == 0
    assert main([*every, "--kind", "budget", "--unit", "060", "--date", "20/9/2019"]) == 0
    budget = docx.Document(str(workspace / "reports" / "du-toan" / "060" / "du-toan.docx"))
    assert "ngày 20 tháng 9 năm 2019" in budget.tables[0].rows[1].cells[1].text


def test_the_provinces_award_numbers_appear_in_the_plans(plans):
    """With award_quotas.csv filled, each plan says the province's numbers instead of a placeholder."""
    import dataclasses

    _, data, facts, _ = plans
    cat = data.catalog
    quotas = pd.DataFrame([{"form": "GK_UBX", "level": "xa", "recipient_type": "ca_nhan", "max_count": 2,
                            "criteria": "Tiêu biểu ở cơ sở", "source": "HD297.III.B"}])  # fmt: skip
    with_quotas = dataclasses.replace(cat, award_quotas=quotas)
    plan = next(p for u, p in facts.items() if cat.unit(u)["level"] == "xa")
    text = " ".join(b.get("text", "") for b in P.document(with_quotas, plan, ("", ""), True).body)
    name = cat.award_forms.set_index("code").at["GK_UBX", "short_name"]
    assert f"{name}: tối đa 2 cá nhân mỗi {cat.level_name('xa').lower()}; Tiêu biểu ở cơ sở" in text
    assert "theo văn bản riêng của Ủy ban nhân dân tỉnh" not in text
    without = " ".join(b.get("text", "") for b in P.document(cat, plan, ("", ""), True).body)
    assert "theo văn bản riêng của Ủy ban nhân dân tỉnh" in without and "tối đa" not in without
