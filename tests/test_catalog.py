"""The catalogues: registry, indicators, outline, awards, deadlines, overrides."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from qptd_tools.catalog import load_catalog
from qptd_tools.core.errors import CatalogInvalid, UnitUnknown

SHARED_UNITS = Path(__file__).resolve().parents[2] / "shared" / "data" / "bac-kan-2019-units.csv"

# Every indicator code of DESIGN §5, copied here by hand.
DESIGN_CODES = """DAN_SO LD_VAN_BAN LD_HOI_NGHI LD_LUOT_QT TT_BUOI TT_LUOT TT_TIN_BAI TT_CHUYEN_MUC
DQ_QUAN_SO DQ_DANG_VIEN DQ_TL_DAN_SO DQ_TL_DANG_VIEN DQ_HL_QUAN_SO DQ_HL_KHA_GIOI DQ_TL_KHA_GIOI
DB_NHU_CAU DB_SAP_XEP DB_TL_SAP_XEP TQ_CHI_TIEU TQ_NHAP_NGU TQ_TL_HOAN_THANH CS_NHA CS_KINH_PHI
GD_DT1 GD_DT2 GD_DT3 GD_DT4 GD_CHUC_SAC GD_HSSV GD_PHO_BIEN KT_DU_AN DT_KVPT DT_CDPT DT_CDPT_GIOI
DT_PCTT VM_CO_SO PH_HOAT_DONG PH_NGAY_CONG AN_VU_VIEC CSVC_CONG_TRINH CSVC_KINH_PHI NS_CHI_QP
NH_HOAT_DONG NH_LUOT NV_PCTT_LUOT""".split()


def test_registry_levels(cat):
    counts = cat.units["level"].value_counts().to_dict()
    assert counts["tinh"] == 1 and counts["huyen"] == 8 and counts["xa"] == 122
    assert counts["nganh"] >= 20 and counts["donvi"] >= 9


def test_registry_matches_national_list(cat):
    if not SHARED_UNITS.exists():
        pytest.skip("shared/ not beside the checkout")
    with SHARED_UNITS.open(encoding="utf-8") as handle:
        official = {
            r["unit_code"]: (r["name"], r["level"], r["parent_code"])
            for r in csv.DictReader(handle)
        }
    ours = {
        r.unit_code: (r.name, r.level, r.parent_code)
        for r in cat.units.itertuples()
        if r.source == "DMHCVN"
    }
    assert ours == official


def test_districts_have_official_codes(cat):
    districts = dict(
        zip(
            cat.children("06", "huyen")["unit_code"],
            cat.children("06", "huyen")["name"],
            strict=True,
        )
    )
    assert districts == {
        "058": "Thành phố Bắc Kạn", "060": "Huyện Pác Nặm", "061": "Huyện Ba Bể", "062": "Huyện Ngân Sơn",
        "063": "Huyện Bạch Thông", "064": "Huyện Chợ Đồn", "065": "Huyện Chợ Mới", "066": "Huyện Na Rì",
    }  # fmt: skip
    assert len(cat.children("061", "xa")) == 16


def test_place_names(cat):
    assert cat.place("061") == "huyện Ba Bể"
    assert cat.place("058") == "thành phố Bắc Kạn"
    assert cat.place("01834") == "phường Nguyễn Thị Minh Khai"
    assert cat.place("06") == "tỉnh Bắc Kạn"
    with pytest.raises(UnitUnknown) as err:
        cat.unit("99999")
    assert err.value.code == "QPTD-E081"


def test_indicators_cover_design(cat):
    assert sorted(cat.indicators["code"]) == sorted(DESIGN_CODES)
    ratios = cat.indicators.set_index("code").loc[lambda d: d["kind"] == "ratio"]
    assert ratios.loc["DQ_TL_DAN_SO", ["numerator", "denominator"]].tolist() == [
        "DQ_QUAN_SO",
        "DAN_SO",
    ]
    assert ratios.loc["TQ_TL_HOAN_THANH", ["numerator", "denominator"]].tolist() == [
        "TQ_NHAP_NGU",
        "TQ_CHI_TIEU",
    ]
    assert len(ratios) == 5
    flags = cat.indicators.loc[cat.indicators["kind"] == "flag", "code"].tolist()
    assert flags == ["VM_CO_SO"]


def test_indicators_by_level(cat):
    commune = set(cat.indicators_for("xa", inputs_only=True)["code"])
    assert (
        "VM_CO_SO" in commune and "TT_CHUYEN_MUC" not in commune and "DQ_TL_DAN_SO" not in commune
    )
    assert set(cat.indicators_for("donvi")["code"]) >= {
        "PH_NGAY_CONG",
        "NV_PCTT_LUOT",
        "LD_VAN_BAN",
    }
    assert "GD_DT1" in set(cat.indicators_for("tinh")["code"])


def test_outline_follows_seed(cat):
    titles = cat.outline.set_index("section_id")["title"]
    # the period written one way in every document, as the guidance writes it: "2009 - 2019"
    assert (
        titles["P1"]
        == "KẾT QUẢ THỰC HIỆN CÔNG TÁC XÂY DỰNG NỀN QUỐC PHÒNG TOÀN DÂN, GIAI ĐOẠN 2009 - 2019"
    )
    assert titles["P1.II"] == "KẾT QUẢ XÂY DỰNG NỀN QUỐC PHÒNG TOÀN DÂN GIAI ĐOẠN 2009 - 2019"
    # II.1 has the seed's two points and II.2 its five, each a section of its own
    points = cat.outline.groupby("parent_id")["section_id"].apply(list)
    assert points["P1.II.1"] == ["P1.II.1.a", "P1.II.1.b"]
    assert points["P1.II.2"] == [f"P1.II.2.{c}" for c in "abcde"]
    assert (
        "Nghị quyết số 28-NQ/TW" in cat.outline.set_index("section_id").at["P1.II.2.a", "guidance"]
    )
    assert titles["P1.III"] == "HẠN CHẾ, NGUYÊN NHÂN VÀ BÀI HỌC KINH NGHIỆM"
    assert titles["P2.II"] == "CHỦ TRƯƠNG, GIẢI PHÁP"
    order = list(cat.outline["section_id"])
    assert (
        order.index("P1")
        < order.index("P1.II.3.5")
        < order.index("P1.III.2")
        < order.index("P2.DXKN")
    )
    labels = cat.outline.loc[cat.outline["parent_id"] == "P1.II.3", "label"].tolist()
    assert labels == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)", "h)", "i)"]
    assert set(cat.indicators["section_id"]) <= set(order)


def test_awards_and_money(cat):
    assert list(cat.award_forms.sort_values("order")["code"]) == [
        "HC_BVTQ3", "BK_TTG", "BK_BQP", "BK_UBT", "BK_QK1", "GK_UBH", "GK_UBX", "KNC_QDND"]  # fmt: skip
    rates = cat.award_rates.set_index("form")
    assert (
        rates.loc["HC_BVTQ3", "coefficient"] == 4.5 and rates.loc["GK_UBX", "coefficient"] == 0.15
    )
    assert not rates.loc["BK_QK1", "confirmed"] and not rates.loc["KNC_QDND", "confirmed"]
    assert rates.loc[rates["confirmed"], "source"].str.startswith("ND91").all()
    knc = cat.award_forms.set_index("code").loc["KNC_QDND", "recipients"]
    assert knc == ("ca_nhan",)
    salary = cat.base_salary.set_index("effective_from")["amount"]
    assert salary[dt.date(2019, 7, 1)] == 1_490_000 and salary[dt.date(2018, 7, 1)] == 1_390_000


def test_deadlines(cat):
    d = {(r.level, r.event): r.deadline for r in cat.deadlines.itertuples()}
    assert d[("xa", "conference")] == dt.date(2019, 8, 30)
    assert d[("huyen", "conference")] == dt.date(2019, 9, 15)
    assert d[("tinh", "conference")] == dt.date(2019, 9, 30)
    assert d[("huyen", "report")] == dt.date(2019, 9, 15)


def test_workspace_override(tmp_path, cat):
    override = tmp_path / "catalog"
    override.mkdir()
    rows = cat.units.fillna("").astype(str)
    rows = rows.loc[rows["level"].isin(["tinh", "huyen"])]
    rows.to_csv(override / "units.csv", index=False)
    mine = load_catalog(tmp_path)
    assert len(mine.units) == 9
    assert len(load_catalog().units) == len(cat.units)  # the bundled one is untouched


def test_broken_override_names_the_row(tmp_path):
    override = tmp_path / "catalog"
    override.mkdir()
    (override / "units.csv").write_text(
        "unit_code,name,level,parent_code,division_type,valid_from,valid_to,source\n"
        "06,Tỉnh Bắc Kạn,tinh,,tỉnh,,,x\n061,Huyện Ba Bể,quan,06,huyện,,,x\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogInvalid) as err:
        load_catalog(tmp_path)
    assert err.value.code == "QPTD-E080"
    assert "dòng 3" in err.value.problem.detail and "level" in err.value.problem.detail


def test_the_defence_zone_heading_is_worded_for_each_level(cat):
    """II.3 is "… khu vực phòng thủ tỉnh" for the province, "… huyện"/"… thành phố" for districts,
    the bracketed wording for communes and an agency wording for departments, over all units."""
    for unit in cat.units.itertuples():
        title = cat.section_title("P1.II.3", unit.unit_code)
        assert "tỉnh, huyện, thành phố" not in title and "đối với cấp xã" not in title
        if unit.level in ("tinh", "huyen"):
            assert title == f"Kết quả xây dựng khu vực phòng thủ {unit.division_type}"
        elif unit.level == "xa":
            assert title.startswith("Kết quả xây dựng nền quốc phòng toàn dân gắn với thế trận")
        else:
            assert "tham gia xây dựng khu vực phòng thủ" in title
