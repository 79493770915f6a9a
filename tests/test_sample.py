"""The synthetic sample: labelled, deterministic, plausible, loads cleanly, and its
deliberate problems are what the checks find."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd

from qptd_tools.analytics import completeness
from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import layout as L
from qptd_tools.intake.template import build_workbook, save_workbook, template_name
from qptd_tools.sample.deliberate import deliberate
from qptd_tools.sample.generate import build_sample, write_sample


def test_one_labelled_workbook_per_unit(sample_dir, cat):
    books = sorted(p.stem for p in sample_dir.glob("*.xlsx"))
    assert books == sorted(cat.units["unit_code"])
    wb = openpyxl.load_workbook(sample_dir / "061.xlsx")
    for sheet in (L.SHEET_INFO, L.SHEET_VALUES, L.SHEET_AWARDS, L.SHEET_NARRATIVE):
        assert wb[sheet]["A3"].value == "DỮ LIỆU MẪU — không phải số liệu thật"
    listing = json.loads((sample_dir / "deliberate_problems.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in listing["deliberate_problems"]] == [d.id for d in deliberate(cat)]


def test_deterministic(sample_dir, cat, tmp_path):
    """The same seed, the same workbooks byte for byte: the whole sample built again (every
    unit, in order), four of its workbooks written as ``write_sample`` writes each one."""
    again = build_sample(cat)
    for code in ("061", "01849", "06", "06NG21"):
        path = tmp_path / template_name(code)
        save_workbook(build_workbook(cat, code, again[code], sample=True), path)
        assert sha256_file(path) == sha256_file(sample_dir / template_name(code))


def test_ingests_with_zero_errors(sample_store_dir, cat):
    _, report = sample_store_dir
    assert report.count("accepted") == len(cat.units)
    assert report.rejected == []
    assert not [p for f in report.files for p in f.problems]


def _values(sample_store):
    v = sample_store.read("values")
    return v.pivot_table(index=["unit_code", "year"], columns="indicator", values="value")


def test_plausible(sample_store, cat):
    v = _values(sample_store)
    communes = cat.units.loc[cat.units["level"] == "xa", "unit_code"]
    c = v.loc[v.index.get_level_values(0).isin(communes)]
    share = c["DQ_QUAN_SO"] / c["DAN_SO"]
    assert share.between(0.011, 0.0205).all(), share.describe()
    quota = c["TQ_NHAP_NGU"] / c["TQ_CHI_TIEU"]
    assert quota.between(0.5, 1.0).all() and (quota < 1).any() and quota.mean() > 0.95
    exercises = c.groupby(level=0)["DT_CDPT"].sum()
    assert exercises.between(1, 5).all()
    districts = cat.units.loc[cat.units["level"] == "huyen", "unit_code"]
    zone = v.loc[v.index.get_level_values(0).isin(districts), "DT_KVPT"].groupby(level=0).sum()
    assert (zone >= 1).all() and len(zone) == 8
    awards = sample_store.read("awards")
    per_district = awards.assign(
        district=awards["unit_code"].map(cat.units.set_index("unit_code")["parent_code"])
    )
    counted = per_district.loc[per_district["district"].isin(districts)].groupby("district").size()
    assert (counted >= 20).all()
    province = awards.loc[awards["unit_code"] == "06", "form"].value_counts()
    assert 1 <= province["HC_BVTQ3"] <= 2 and 2 <= province["BK_TTG"] <= 4


def test_district_totals_equal_communes_except_the_deliberate_one(sample_store, cat):
    v = sample_store.read("values")
    parent = cat.units.set_index("unit_code")["parent_code"]
    communes = v.loc[v["unit_code"].map(cat.units.set_index("unit_code")["level"]) == "xa"]
    sums = communes.assign(unit_code=communes["unit_code"].map(parent)).groupby(
        ["unit_code", "year", "indicator"])["value"].sum()  # fmt: skip
    equal = cat.indicators.loc[cat.indicators["rollup"] == "area_equal", "code"]
    reported = v.loc[
        v["indicator"].isin(equal) & v["unit_code"].isin(sums.index.get_level_values(0))
    ]
    reported = reported.set_index(["unit_code", "year", "indicator"])["value"]
    diff = (reported - sums.reindex(reported.index)).loc[lambda d: d != 0]
    assert diff.to_dict() == {("062", 2016, "TQ_NHAP_NGU"): 7.0}


def test_completeness_finds_the_documented_gaps(sample_store, cat):
    subs = sample_store.read("submissions")
    status = completeness.submission_status(cat.units, subs)
    assert status["submitted"].all()
    missing = completeness.missing_values(
        cat.units, cat.indicators, sample_store.read("values"), cat.years
    )
    assert missing.values.tolist() == [
        ["01864", "GD_PHO_BIEN", 2009],
        ["01864", "GD_PHO_BIEN", 2010],
    ]
    from qptd_tools.analytics import checks

    tables = ("values", "awards", "conferences", "narrative", "submissions")
    result = checks.run(cat, *(sample_store.read(t) for t in tables))
    sections = completeness.missing_sections(result.coverage)
    assert ("060", "P1.III.2") in set(
        zip(sections["unit_code"], sections["section_id"], strict=True)
    )
    assert len(sections) < 30
    found = completeness.findings(status, missing, sections)
    assert set(found["code"]) == {"QPTD-C002", "QPTD-C003"}


def test_deliberate_dates_and_duplicate(sample_store):
    conf = sample_store.read("conferences").set_index("unit_code")
    assert conf.loc["01858", "conference_date"] == pd.Timestamp("2019-09-05")
    assert conf.loc["066", "report_submitted_date"] == pd.Timestamp("2019-09-20")
    assert pd.isna(conf.loc["02131", "conference_date"])
    awards = sample_store.read("awards")
    names = awards.loc[
        (awards["unit_code"] == "063") & (awards["form"] == "GK_UBH"), "recipient_name"
    ]
    from qptd_tools.core.vnformat import fold

    twice = [n for n in names if list(map(fold, names)).count(fold(n)) == 2]
    assert len(twice) == 2 and twice[0] != twice[1]  # one typed with tone marks, one without


def test_people_and_positions_fit_their_units(sample_store, cat):
    """Every individual's position names the proposing unit; each unit's head signs and
    chairs, and is in no award list of the sample."""
    awards = sample_store.read("awards")
    people = awards.loc[awards["recipient_type"] == "ca_nhan"]

    def bare(code):  # "Xã Bằng Thành" -> "Bằng Thành"; a department keeps its whole name
        unit = cat.unit(code)
        kind = str(unit["division_type"])
        name = str(unit["name"])
        return name[len(kind) + 1 :] if unit["level"] in ("tinh", "huyen", "xa") else name

    for (
        row
    ) in people.itertuples():  # the unit, or a unit below it (a district proposes commune people)
        names = [bare(code) for code in cat.descendants(row.unit_code)]
        assert any(n in row.position for n in names), (row.unit_code, row.position)
    bad = ("Công an Sở", "Ban CHQS Ban Chỉ huy", "Chỉ huy trưởng Ban CHQS Ban")
    assert not [p for p in awards["position"].dropna() if any(b in p for b in bad)]
    assert not [n for n in awards["recipient_name"] if any(b in n for b in bad)]
    chairs = people.loc[people["position"].str.startswith("Chủ tịch UBND"), "recipient_name"]
    conf = sample_store.read("conferences").set_index("unit_code")
    signers = set(conf["signer_name"].dropna())
    assert not set(chairs) & signers  # a unit's head is never in an award list
    held = conf.loc[conf["conference_date"].notna()]
    assert (held["chair"] == held["signer_name"]).all()  # the head chairs and signs
    unsigned = {d.unit_code for d in deliberate(cat) if d.kind == "missing_signer"}  # D10
    named = conf.drop(index=list(unsigned))
    assert named["signer_name"].notna().all() and named["signer_title"].notna().all()
    assert conf.loc[list(unsigned), "signer_name"].isna().all()
    # the same name is never two people (two units' proposals would look like one, A005)
    assert not people.groupby("recipient_name")["unit_code"].nunique().gt(1).any()


def test_population_is_that_of_the_real_province(sample_store):
    population = sample_store.read("values").query("indicator == 'DAN_SO' and unit_code == '06'")
    by_year = population.set_index("year")["value"]
    # Bắc Kạn's censuses: 294.660 people in 2009, 313.905 in 2019
    assert 285_000 <= by_year[2009] <= 305_000 and 305_000 <= by_year[2019] <= 325_000


def test_reports_never_predate_their_conference(sample_store):
    conf = sample_store.read("conferences")
    both = conf.dropna(subset=["conference_date", "report_submitted_date"])
    assert len(both) > 100
    assert (both["report_submitted_date"] >= both["conference_date"]).all()


def test_the_sample_works_for_another_provinces_registry(tmp_path):
    """Deliberate problems are chosen from the registry by rule, not by Bắc Kạn's codes."""
    import csv

    from qptd_tools.analytics import checks
    from qptd_tools.catalog import load_catalog
    from qptd_tools.intake.ingest import ingest
    from qptd_tools.store.snapshots import Store

    rows = [("99", "Tỉnh Thử", "tinh", "", "tỉnh")]
    for d in range(5):
        district = f"9{d}1"
        rows.append((district, f"Huyện Số {d + 1}", "huyen", "99", "huyện"))
        rows += [(f"99{d}{c:02d}", f"Xã Số {d + 1}-{c}", "xa", district, "xã") for c in range(1, 5)]
    rows.append(("99NG01", "Sở Nội vụ", "nganh", "99", "sở, ban, ngành"))
    folder = tmp_path / "catalog"
    folder.mkdir()
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "name", "level", "parent_code", "division_type", "valid_from",
                         "valid_to", "source"])  # fmt: skip
        writer.writerows([(*r, "", "", "DMHCVN") for r in rows])
    cat = load_catalog(tmp_path)
    paths = write_sample(cat, tmp_path / "sample", progress=False)
    assert len(paths) == len(rows)
    store = Store(tmp_path / "store")
    assert not ingest([tmp_path / "sample"], store, cat, progress=False).rejected
    result = checks.run(cat, *(store.read(t) for t in ("values", "awards", "conferences",
                                                        "narrative", "submissions")))  # fmt: skip
    found = set(zip(result.findings["code"], result.findings["unit_code"], strict=True))
    assert {(d.finding, d.unit_code) for d in deliberate(cat)} <= found


def test_check_finds_the_deliberate_problems_and_nothing_else(sample_store, cat):
    from qptd_tools.analytics import checks

    result = checks.run(
        cat,
        *(
            sample_store.read(t)
            for t in ("values", "awards", "conferences", "narrative", "submissions")
        ),
    )
    found = result.findings
    expected = {(d.finding, d.unit_code) for d in deliberate(cat)}
    # the bundled catalogue sets no award numbers (Guidance 297, III.C): said once, for the province
    assert list(found.loc[found["code"] == "QPTD-A010", "unit_code"]) == ["06"]
    found = found.loc[found["code"] != "QPTD-A010"]
    beyond_narrative = found.loc[found["code"] != "QPTD-C003"]
    assert set(
        zip(beyond_narrative["code"], beyond_narrative["unit_code"], strict=True)
    ) == expected - {("QPTD-C003", "060")}
    # one finding per deliberate problem, except D4 (both dates missing: two findings) and
    # D6 (a C003, counted with the narrative findings)
    assert len(beyond_narrative) == len(deliberate(cat)) - 1 + 1
    c101 = found.loc[found["code"] == "QPTD-C101"].iloc[0]
    assert (c101["indicator"], c101["year"]) == ("TQ_NHAP_NGU", 2016)
    c102 = found.loc[found["code"] == "QPTD-C102"].iloc[0]
    assert (c102["indicator"], c102["year"]) == ("TT_LUOT", 2014)
    narrative = found.loc[found["code"] == "QPTD-C003"]
    assert ("060", "P1.III.2") in set(
        zip(narrative["unit_code"], narrative["section_id"], strict=True)
    )
    assert len(narrative) <= 20  # about one unit in ten leaves one section (documented)
