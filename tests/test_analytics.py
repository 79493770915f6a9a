"""Analytics on a hand-made mini registry: every expected number is worked out by hand
below (in the comments), not produced by the code under test.

Registry: province P; districts D1 (communes C1, C2) and D2 (commune C3); department N1.
Years 2009–2011.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from qptd_tools.analytics import awards as A
from qptd_tools.analytics import deadlines as S
from qptd_tools.analytics import indicators as I

YEARS = [2009, 2010, 2011]
CHILDREN = {"huyen": ["xa"], "tinh": ["huyen", "nganh"]}
UNITS = pd.DataFrame(
    [
        ("P", "Tỉnh Thử", "tinh", "", "tỉnh"),
        ("D1", "Huyện Một", "huyen", "P", "huyện"),
        ("D2", "Huyện Hai", "huyen", "P", "huyện"),
        ("C1", "Xã Một", "xa", "D1", "xã"),
        ("C2", "Xã Hai", "xa", "D1", "xã"),
        ("C3", "Xã Ba", "xa", "D2", "xã"),
        ("N1", "Sở Thử", "nganh", "P", "sở, ban, ngành"),
    ],
    columns=["unit_code", "name", "level", "parent_code", "division_type"],
)


def long(rows: dict[tuple[str, str], list[float | None]]) -> pd.DataFrame:
    out = [
        (u, y, i, v)
        for (u, i), series in rows.items()
        for y, v in zip(YEARS, series, strict=True)
        if v is not None
    ]
    return pd.DataFrame(out, columns=["unit_code", "year", "indicator", "value"])


VALUES = long({
    ("C1", "DAN_SO"): [1000, 1100, 1210], ("C2", "DAN_SO"): [2000, 2000, 2000], ("C3", "DAN_SO"): [500, 550, 605],
    ("D1", "DAN_SO"): [3000, 3100, 3215], ("D2", "DAN_SO"): [None, 600, None], ("P", "DAN_SO"): [3500, None, None],
    ("C1", "DQ_QUAN_SO"): [20, 22, 24], ("C2", "DQ_QUAN_SO"): [30, 30, 33], ("C3", "DQ_QUAN_SO"): [10, 10, 11],
    ("N1", "DQ_QUAN_SO"): [15, 15, 15], ("D1", "DQ_QUAN_SO"): [None, 60, 50],
    ("C1", "TQ_CHI_TIEU"): [4, 5, 1], ("C1", "TQ_NHAP_NGU"): [4, 5, 0],
    ("C1", "TT_BUOI"): [5, 6, 7], ("C2", "TT_BUOI"): [10, 10, 10], ("D1", "TT_BUOI"): [3, 3, 3],
    ("C3", "TT_BUOI"): [2, 2, 2], ("N1", "TT_BUOI"): [1, 1, 1], ("P", "TT_BUOI"): [4, 4, 4],
    ("C1", "VM_CO_SO"): [0, 1, 1], ("C2", "VM_CO_SO"): [0, 0, 1], ("C3", "VM_CO_SO"): [1, 1, 0],
})  # fmt: skip


@pytest.fixture(scope="module")
def result(cat):
    return I.compute(VALUES, UNITS, cat.indicators, YEARS, CHILDREN)


def value(result, unit, indicator, year):
    return result["values"].loc[(unit, indicator), year]


def summary(result, unit, indicator):
    s = result["summary"]
    return s.loc[(s["unit_code"] == unit) & (s["indicator"] == indicator)].iloc[0]


def test_area_values_prefer_reported_and_fall_back_to_children(result):
    assert value(result, "D1", "DAN_SO", 2011) == 3215  # reported, kept
    assert value(result, "D2", "DAN_SO", 2009) == 500  # not reported: C3's 500
    assert value(result, "D2", "DAN_SO", 2010) == 600  # reported
    assert value(result, "P", "DAN_SO", 2009) == 3500  # reported
    assert value(result, "P", "DAN_SO", 2010) == 3700  # D1 3100 + D2 600
    assert value(result, "D1", "DQ_QUAN_SO", 2009) == 50  # not reported: 20 + 30
    assert value(result, "P", "DQ_QUAN_SO", 2009) == 75  # D1 50 + D2 10 + N1 15
    assert value(result, "P", "DQ_QUAN_SO", 2011) == 76  # D1 50 + D2 11 + N1 15


def test_own_activity_adds_to_children(result):
    assert value(result, "D1", "TT_BUOI", 2009) == 18  # own 3 + C1 5 + C2 10
    assert value(result, "D2", "TT_BUOI", 2009) == 2  # no own report: C3 2
    assert value(result, "P", "TT_BUOI", 2011) == 4 + 20 + 2 + 1  # own + D1 + D2 + N1 = 27
    assert summary(result, "P", "TT_BUOI")["period_value"] == 25 + 26 + 27  # 78
    assert summary(result, "D1", "TT_BUOI")["period_value"] == 18 + 19 + 20  # 57


def test_flows_sum_stocks_take_the_last_year(result):
    flow = summary(result, "C1", "TT_BUOI")
    assert flow["period_value"] == 18 and flow["first_value"] == 5 and flow["last_value"] == 7
    assert flow["change"] == 2 and flow["pct_change"] == pytest.approx(40.0)
    assert flow["peak_year"] == 2011 and flow["years_reported"] == 3 and np.isnan(flow["cagr_pct"])
    stock = summary(result, "C1", "DAN_SO")
    assert stock["period_value"] == 1210 and stock["first_value"] == 1000
    assert stock["change"] == 210 and stock["pct_change"] == pytest.approx(21.0)
    assert stock["cagr_pct"] == pytest.approx(10.0)  # (1210/1000)^(1/2) - 1
    partial = summary(result, "D2", "DAN_SO")  # 500 (children), 600 (reported), 605 (children)
    assert partial["period_value"] == 605 and partial["first_year"] == 2009


def test_ratios_are_ratios_of_sums_never_means_of_ratios(result):
    # D1 2009: militia 50 (20 + 30) over population 3000 → 1,6667 %, not the mean of
    # the communes' ratios (2 % and 1,5 % → 1,75 %)
    assert value(result, "D1", "DQ_TL_DAN_SO", 2009) == pytest.approx(100 * 50 / 3000)
    # P 2009: 75 / 3500
    assert value(result, "P", "DQ_TL_DAN_SO", 2009) == pytest.approx(100 * 75 / 3500)
    # conscription over the period: 9 enlisted of a quota of 10 → 90 %, not the mean
    # of the yearly rates (100, 100, 0 → 66,7 %)
    tq = summary(result, "C1", "TQ_TL_HOAN_THANH")
    assert tq["period_value"] == pytest.approx(90.0)
    assert value(result, "C1", "TQ_TL_HOAN_THANH", 2011) == 0.0
    # a stock ratio over the period uses the last year: D1 2011 50 / 3215
    assert summary(result, "D1", "DQ_TL_DAN_SO")["period_value"] == pytest.approx(100 * 50 / 3215)


def test_flags_count_communes(result):
    assert [value(result, "D1", "VM_CO_SO", y) for y in YEARS] == [0, 1, 2]
    assert [value(result, "P", "VM_CO_SO", y) for y in YEARS] == [1, 2, 2]
    d1, d2, p = (summary(result, u, "VM_CO_SO") for u in ("D1", "D2", "P"))
    assert d1["period_value"] == 2 and d1["share_pct"] == pytest.approx(100.0)
    assert d2["period_value"] == 0 and d2["share_pct"] == pytest.approx(0.0)
    assert p["share_pct"] == pytest.approx(100 * 2 / 3)
    assert np.isnan(summary(result, "C1", "VM_CO_SO")["share_pct"])


def test_ranks_among_siblings(result):
    assert (
        summary(result, "D1", "TT_BUOI")["rank"] == 1
        and summary(result, "D2", "TT_BUOI")["rank"] == 2
    )
    assert (
        summary(result, "C2", "DAN_SO")["rank"] == 1
        and summary(result, "C1", "DAN_SO")["rank"] == 2
    )
    assert summary(result, "C1", "DAN_SO")["n_siblings"] == 2
    table = I.siblings(result["summary"], UNITS, "P", "huyen")
    assert list(table.index) == ["D1", "D2"] and table.loc["D1", "TT_BUOI"] == 57


def test_consistency_keeps_both_and_reports_differences(result, cat):
    comp = I.area_comparison(result["reported"], result["values"], UNITS, cat.indicators, CHILDREN)
    row = comp.set_index(["unit_code", "indicator", "year"])
    assert row.loc[("D1", "DAN_SO", 2011), "children_sum"] == 3210  # 1210 + 2000
    assert row.loc[("D1", "DAN_SO", 2011), "difference"] == 5
    assert bool(row.loc[("D1", "DAN_SO", 2011), "consistent"])  # within 0,5 % of 3210
    assert row.loc[("D2", "DAN_SO", 2010), "difference"] == 50
    assert not bool(row.loc[("D2", "DAN_SO", 2010), "consistent"])  # 9,1 % > 0,5 %
    assert not bool(row.loc[("D1", "DQ_QUAN_SO", 2011), "consistent"])  # 50 < 24 + 33
    assert bool(row.loc[("D1", "DQ_QUAN_SO", 2010), "consistent"])  # 60 ≥ 52
    found = I.consistency_findings(comp, cat.indicators)
    assert set(zip(found["unit_code"], found["indicator"], found["year"], strict=True)) == {
        ("D2", "DAN_SO", 2010), ("D1", "DQ_QUAN_SO", 2011)}  # fmt: skip
    assert (found["code"] == "QPTD-C101").all()


def test_outliers(cat):
    years = [2009, 2010, 2011, 2012, 2013]
    wide = pd.DataFrame(
        [[100, 100, 1000, 100, 110], [100, 110, 120, 840, 900], [2, 12, 2, 12, 2], [100, None, 900, 100, 100]],
        index=pd.MultiIndex.from_tuples([("A", "TT_LUOT"), ("B", "TT_LUOT"), ("C", "TT_LUOT"), ("E", "TT_LUOT")],
                                        names=I.KEY),
        columns=years, dtype=float,
    )  # fmt: skip
    found = I.outlier_findings(wide, cat.indicators, min_level=20)
    # A: one spike at 2011 (the fall back in 2012 is the same spike); B: a 7× rise in
    # 2012; C: small counts; E: the gap hides 2010→2011, the fall in 2012 is 9×
    assert list(zip(found["unit_code"], found["year"], strict=True)) == [
        ("A", 2011),
        ("B", 2012),
        ("E", 2012),
    ]


def test_empty_inputs_give_empty_results(cat):
    empty = VALUES.iloc[:0]
    out = I.compute(empty, UNITS, cat.indicators, YEARS, CHILDREN)
    assert out["summary"].empty
    assert I.area_comparison(out["reported"], out["values"], UNITS, cat.indicators, CHILDREN).empty


# --- awards ----------------------------------------------------------------------------------
def award(
    rid,
    unit,
    rtype,
    name,
    group,
    form,
    status="de_nghi",
    level=None,
    date=None,
    gender=None,
    ethnicity=None,
):
    return {"record_id": rid, "unit_code": unit, "recipient_type": rtype, "recipient_name": name,
            "position": None, "recipient_group": group, "gender": gender, "ethnicity": ethnicity,
            "collective_level": level, "form": form, "status": status, "decision_no": "1/QĐ" if date else None,
            "decision_date": pd.Timestamp(date) if date else pd.NaT}  # fmt: skip


AWARDS = pd.DataFrame([
    award("r1", "P", "tap_the", "Đơn vị A", "TT_CQ", "KNC_QDND"),                         # A001
    award("r2", "P", "tap_the", "Trung đội B", "TT_QD", "BK_UBT", level="TRUNG_DOI"),      # A002
    award("r3", "P", "tap_the", "Đơn vị C", "TT_QD", "BK_UBT"),                            # A002 (no level)
    award("r4", "P", "tap_the", "Đại đội D", "TT_QD", "BK_UBT", level="DAI_DOI"),          # fine
    award("r5", "D1", "ca_nhan", "Lò Văn E", "CN_LD", "GK_UBX", "quyet_dinh", date="2019-09-01"),  # A003
    award("r6", "C1", "ca_nhan", "Ma Thị F", "CN_CT", "HC_BVTQ3"),                         # A004
    award("r7", "C1", "ca_nhan", "Nguyễn Văn Hùng", "CN_CT", "GK_UBH"),
    award("r8", "C2", "ca_nhan", "Nguyen  van hung", "CN_CT", "GK_UBH"),                  # A005 with r7
    award("r9", "C3", "ca_nhan", "Nguyễn Văn Hùng", "CN_CT", "GK_UBH"),                    # other district
    award("r10", "C1", "ca_nhan", "Hoàng Văn Hưng", "CN_CT", "GK_UBH"),
    award("r11", "C2", "ca_nhan", "Hoàng Văn Hùng", "CN_CT", "GK_UBH"),                    # differs: Hưng
    # quota of 1 GK_UBH per commune (set in the test): C1 has r7, r10 → r10; C2 has r8, r11 → r11
    award("r12", "C1", "ca_nhan", "Vi Văn G", "TT_CQ", "GK_UBX", "quyet_dinh", date="2019-08-20"),  # A007
])  # fmt: skip


def test_award_checks_hit_every_rule(cat):
    enriched = A.enrich(AWARDS, UNITS, cat.award_forms)
    quotas = pd.DataFrame(
        [("GK_UBH", "xa", 1, "test")], columns=["form", "level", "max_count", "source"]
    )
    found = A.checks(
        enriched, UNITS, cat.award_forms, cat.recipient_groups, cat.collective_levels, quotas
    )
    got = sorted(zip(found["code"], found["record_id"], strict=True))
    assert got == sorted([
        ("QPTD-A001", "r1"), ("QPTD-A002", "r2"), ("QPTD-A002", "r3"), ("QPTD-A003", "r5"),
        ("QPTD-A004", "r6"), ("QPTD-A005", "r8"), ("QPTD-A006", "r10"), ("QPTD-A006", "r11"),
        ("QPTD-A007", "r12"),
    ])  # fmt: skip


def test_duplicates_match_across_diacritics_spacing_and_case():
    from qptd_tools.core.vnformat import same_name

    assert same_name("Nguyễn Văn Hùng", "nguyen  van HUNG")
    assert same_name("Nguyễn Văn Hùng", "Nguyễn  văn hùng")
    assert not same_name("Hoàng Văn Hưng", "Hoàng Văn Hùng")
    assert not same_name("Nguyễn Văn Hùng", "Nguyễn Văn Hùng Anh")


MONEY = pd.DataFrame([
    award("m1", "P", "ca_nhan", "A", "CN_LD", "HC_BVTQ3", "quyet_dinh", date="2019-09-20"),
    award("m2", "P", "tap_the", "B", "TT_CQ", "HC_BVTQ3", "quyet_dinh", date="2019-09-20"),
    award("m3", "C1", "ca_nhan", "C", "CN_CT", "GK_UBX", "quyet_dinh", date="2019-06-15", gender="nu", ethnicity="Tày"),
    award("m4", "C1", "tap_the", "D", "TT_CQ", "GK_UBX", "quyet_dinh", date="2019-06-15"),
    award("m5", "C2", "tap_the", "E", "TT_CQ", "GK_UBH"),
    award("m6", "P", "ca_nhan", "F", "CN_LLVT", "BK_QK1", gender="nam", ethnicity="Kinh"),
    award("m7", "C2", "ca_nhan", "G", "CN_LLVT", "KNC_QDND", gender="nu", ethnicity="Dao"),
    award("m8", "C3", "ca_nhan", "H", "CN_KHAC", "GK_UBX", "quyet_dinh", date="2019-07-01", gender="nam"),
])  # fmt: skip


def test_award_money_by_hand(cat):
    enriched = A.enrich(MONEY, UNITS, cat.award_forms)
    money = A.money(enriched, UNITS, cat.award_rates, cat.base_salary, rounding=10_000,
                    reference_date=dt.date(2019, 9, 30), authorities=cat.authorities).set_index("record_id")  # fmt: skip
    assert money.loc["m1", "amount"] == 6_710_000  # 4,5 × 1.490.000 = 6.705.000 → up to 6.710.000
    assert money.loc["m2", "amount"] == 13_410_000  # × 2 for a collective
    assert money.loc["m3", "amount"] == 210_000  # 0,15 × 1.390.000 = 208.500 (before 01/7/2019)
    assert money.loc["m4", "amount"] == 420_000  # 417.000 → 420.000
    assert money.loc["m5", "amount"] == 900_000  # proposal: 0,3 × 1.490.000 × 2 = 894.000
    assert money.loc["m8", "amount"] == 230_000  # 01/7/2019 itself: 0,15 × 1.490.000 = 223.500
    assert money.loc["m6", "amount"] == 1_490_000 and not money.loc["m6", "rate_confirmed"]
    assert np.isnan(money.loc["m7", "amount"])
    assert money.loc["m3", "payer_code"] == "C1" and money.loc["m5", "payer_code"] == "D1"
    assert money.loc["m1", "payer_code"] == "P" and money.loc["m6", "payer"] == "Quân khu 1"
    totals = A.money_summary(money.reset_index()).set_index("payer_code")
    assert totals.loc["P", "amount"] == 6_710_000 + 13_410_000 and totals.loc["P", "complete"]
    assert totals.loc["C1", "amount"] == 630_000
    bqp = totals.loc[totals["paid_by"] == "bqp"].iloc[0]
    assert bqp["unknown_records"] == 1 and not bqp["complete"]
    qk = totals.loc[totals["paid_by"] == "qk1"].iloc[0]
    assert qk["unconfirmed_amount"] == 1_490_000 and not qk["complete"]


def test_award_statistics_and_shares(cat):
    enriched = A.enrich(MONEY, UNITS, cat.award_forms)
    stats = A.statistics(enriched, ["form", "status"]).set_index(["form", "status"])["count"]
    assert stats[("GK_UBX", "quyet_dinh")] == 3 and stats[("HC_BVTQ3", "quyet_dinh")] == 2
    d1 = A.statistics(A.enrich(A.within(MONEY, UNITS, "D1"), UNITS, cat.award_forms), ["unit_code"])
    assert dict(zip(d1["unit_code"], d1["count"], strict=True)) == {"C1": 2, "C2": 2}
    vs = A.decided_vs_proposed(enriched).set_index(["form", "recipient_type"])
    assert (
        vs.loc[("GK_UBX", "ca_nhan"), "quyet_dinh"] == 2
        and vs.loc[("GK_UBH", "tap_the"), "de_nghi"] == 1
    )
    share = A.shares(enriched).iloc[0]
    # individuals m1, m3, m6, m7, m8 → 5; gender known for m3, m6, m7, m8: women 2 of 4
    assert share["individuals"] == 5 and share["women_pct"] == pytest.approx(50.0)
    # ethnicity known for m3 (Tày), m6 (Kinh), m7 (Dao): minorities 2 of 3
    assert share["minorities_pct"] == pytest.approx(100 * 2 / 3)
    # commune level: m3 (C1), m7 (C2), m8 (C3) of 5
    assert share["commune_level_pct"] == pytest.approx(60.0)
    assert "recipient_name" not in A.shares(enriched, ["unit_code"]).columns


# --- deadlines -------------------------------------------------------------------------------
def test_deadline_board(cat):
    conf = pd.DataFrame([
        ("C1", "2019-08-30", "2019-09-10"), ("C2", "2019-08-31", "2019-09-15"), ("C3", None, None),
        ("D1", "2019-09-15", "2019-09-14"), ("D2", "2019-09-16", "2019-09-20"), ("P", "2019-09-30", "2019-09-15"),
        ("N1", None, "2019-09-16"),
    ], columns=["unit_code", "conference_date", "report_submitted_date"])  # fmt: skip
    for col in ("conference_date", "report_submitted_date"):
        conf[col] = pd.to_datetime(conf[col])
    board = S.board(UNITS, conf, cat.deadlines, A.district_of(UNITS)).set_index("unit_code")
    assert board.loc["C1", "conference_status"] == "on_time"  # on the deadline day
    assert (
        board.loc["C2", "conference_status"] == "late"
        and board.loc["C2", "conference_days_late"] == 1
    )
    assert (
        board.loc["C3", "conference_status"] == "missing"
        and board.loc["C3", "report_status"] == "missing"
    )
    assert board.loc["D2", "conference_days_late"] == 1 and board.loc["D2", "report_days_late"] == 5
    assert board.loc["P", "conference_status"] == "on_time"
    assert (
        board.loc["N1", "conference_status"] == "not_applicable"
        and board.loc["N1", "report_days_late"] == 1
    )
    summary = S.summary(board.reset_index()).set_index("district_code")
    assert summary.loc["D1", "units"] == 3 and summary.loc["D1", "conference_late"] == 1
    assert summary.loc["D2", "conference_missing"] == 1 and summary.loc["D2", "report_late"] == 1
    strict = cat.deadlines.assign(inclusive=False)
    board2 = S.board(UNITS, conf, strict, A.district_of(UNITS)).set_index("unit_code")
    assert (
        board2.loc["C1", "conference_status"] == "late"
        and board2.loc["C1", "conference_days_late"] == 1
    )
    found = S.findings(board.reset_index())
    assert sorted(zip(found["code"], found["unit_code"], found["event"], strict=True)) == sorted([
        ("QPTD-S001", "C2", "conference"), ("QPTD-S001", "D2", "conference"), ("QPTD-S001", "D2", "report"),
        ("QPTD-S001", "N1", "report"), ("QPTD-S002", "C3", "conference"), ("QPTD-S002", "C3", "report"),
        # a report dated before the conference it reports on (D1: 14/9 < 15/9; P: 15/9 < 30/9)
        ("QPTD-S003", "D1", "report"), ("QPTD-S003", "P", "report"),
    ])  # fmt: skip


def test_targets_come_from_the_catalogue_with_their_source(result, cat):
    assert list(cat.targets["indicator"]) == ["TQ_TL_HOAN_THANH"]
    attained = I.target_attainment(result["summary"], cat.targets).set_index("unit_code")
    assert attained.loc["C1", "period_value"] == pytest.approx(90.0)
    assert not attained.loc["C1", "met"]  # 90 % of the quota < 100 %
    assert "78/2015/QH13" in cat.cite(attained.loc["C1", "source"])
