"""Synthetic yearly indicator values for every unit (DỮ LIỆU MẪU — không phải số liệu thật).

Plausible by construction: communes of about 2.000–4.500 people, so that the province counts
about 297 thousand people in 2009 and 315 thousand in 2019 (Bắc Kạn's censuses: 294.660 in
2009, 313.905 in 2019); militia 1,2–2 % of the population, conscription near the quota
with occasional shortfalls, a commune combat exercise every few years, every district at
least one defence-zone exercise. Area totals of districts and the province are the sums
of their sub-units (plus their own level's part where the indicator counts one).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping

import pandas as pd

from qptd_tools.catalog import Catalog

Series = dict[tuple[str, int], float]

MEDIA = ("Đài Phát thanh", "Báo ", "Sở Thông tin")


def rng_for(seed: int, *parts: str) -> random.Random:
    """Return a random generator that depends only on the seed and the given names."""
    return random.Random(zlib.crc32("|".join((str(seed), *parts)).encode()))


def _flows(rng: random.Random, years: list[int], spec: Mapping[str, tuple[float, float]]) -> Series:
    """Yearly flows: a level drawn once per indicator, varying ±25 % from year to year."""
    out: Series = {}
    for code, (low, high) in spec.items():
        level = rng.uniform(low, high)
        trend = rng.uniform(-0.01, 0.04)
        for t, year in enumerate(years):
            out[(code, year)] = round(level * (1 + trend) ** t * rng.uniform(0.8, 1.25))
    return out


def commune(seed: int, unit: Mapping[str, str], years: list[int]) -> Series:
    """Return the values of one commune-level unit."""
    rng = rng_for(seed, unit["unit_code"])
    urban = unit["division_type"] in ("phường", "thị trấn")
    pop0 = rng.lognormvariate(7.63 if not urban else 8.43, 0.3)
    growth = rng.uniform(0.003, 0.009)
    militia_share = rng.uniform(0.012, 0.019)
    out: Series = {}
    for t, year in enumerate(years):
        pop = round(pop0 * (1 + growth) ** t)
        militia = round(pop * min(0.02, militia_share + 0.0002 * t))
        trained = round(militia * rng.uniform(0.85, 1.0))
        quota = max(2, round(pop * rng.uniform(0.0010, 0.0018)))
        out |= {
            ("DAN_SO", year): pop,
            ("DQ_QUAN_SO", year): militia,
            ("DQ_DANG_VIEN", year): round(militia * (0.18 + 0.01 * t + rng.uniform(0, 0.03))),
            ("DQ_HL_QUAN_SO", year): trained,
            ("DQ_HL_KHA_GIOI", year): round(trained * rng.uniform(0.6, 0.85)),
            ("TQ_CHI_TIEU", year): quota,
            ("TQ_NHAP_NGU", year): quota - (1 if rng.random() < 0.08 else 0),
            ("CS_NHA", year): 1 if rng.random() < 0.15 else 0,
            ("VM_CO_SO", year): 1 if rng.random() < 0.35 + 0.05 * t else 0,
            ("DT_PCTT", year): 1 if rng.random() < 0.1 else 0,
            ("CSVC_CONG_TRINH", year): 1 if rng.random() < 0.08 else 0,
        }
        out[("CSVC_KINH_PHI", year)] = round(out[("CSVC_CONG_TRINH", year)] * rng.uniform(80, 400))
    first, every = rng.randrange(0, 4), rng.choice((3, 4, 5))
    for t, year in enumerate(years):
        held = t >= first and (t - first) % every == 0
        out[("DT_CDPT", year)] = 1 if held else 0
        out[("DT_CDPT_GIOI", year)] = 1 if held and rng.random() < 0.6 else 0
    out |= _flows(rng, years, {
        "LD_VAN_BAN": (3, 8), "LD_HOI_NGHI": (1, 4), "LD_LUOT_QT": (40, 150),
        "TT_BUOI": (4, 15), "CS_KINH_PHI": (5, 30), "GD_DT4": (3, 10),
        "GD_PHO_BIEN": (300, 1500), "PH_HOAT_DONG": (1, 5), "PH_NGAY_CONG": (20, 200),
        "AN_VU_VIEC": (0, 3), "NS_CHI_QP": (50, 300), "NH_HOAT_DONG": (1, 4),
        "NH_LUOT": (100, 600), "NV_PCTT_LUOT": (20, 300),
    })  # fmt: skip
    for year in years:
        out[("TT_LUOT", year)] = out[("TT_BUOI", year)] * rng.randint(40, 120)
    return out


def _sum(children: list[Series], code: str, year: int) -> float:
    return sum(s.get((code, year), 0) for s in children)


def area(
    seed: int,
    unit: Mapping[str, str],
    years: list[int],
    cat: Catalog,
    children: list[Series],
) -> Series:
    """Return the values of a district or the province from its sub-units' values."""
    rng = rng_for(seed, unit["unit_code"])
    level = unit["level"]
    province = level == "tinh"
    scale = 6 if province else 1
    out: Series = {}
    applicable = cat.indicators_for(level, inputs_only=True)
    own = _flows(rng, years, {
        "LD_VAN_BAN": (10 * scale, 25 * scale), "LD_HOI_NGHI": (3 * scale, 8 * scale),
        "LD_LUOT_QT": (200 * scale, 600 * scale), "TT_BUOI": (10 * scale, 30 * scale),
        "TT_TIN_BAI": (20 * scale, 60 * scale), "TT_CHUYEN_MUC": (6, 24),
        "CS_NHA": (1, 4 * scale), "CS_KINH_PHI": (50 * scale, 200 * scale),
        "GD_DT1": (5, 15), "GD_DT2": (20, 50), "GD_DT3": (20 * scale, 60 * scale),
        "GD_DT4": (5, 20), "GD_CHUC_SAC": (5 * scale, 20 * scale),
        "GD_HSSV": (500 * scale, 2000 * scale), "KT_DU_AN": (3 * scale, 15 * scale),
        "PH_HOAT_DONG": (5 * scale, 15 * scale), "PH_NGAY_CONG": (100, 600),
        "AN_VU_VIEC": (1, 6), "CSVC_CONG_TRINH": (0, 2), "NS_CHI_QP": (800 * scale, 2500 * scale),
        "NH_HOAT_DONG": (3 * scale, 10 * scale), "NH_LUOT": (1000 * scale, 4000 * scale),
        "NV_PCTT_LUOT": (200 * scale, 800 * scale), "DT_PCTT": (0, 1),
    })  # fmt: skip
    for year in years:
        own[("TT_LUOT", year)] = own[("TT_BUOI", year)] * rng.randint(60, 150)
        own[("CSVC_KINH_PHI", year)] = round(
            own[("CSVC_CONG_TRINH", year)] * rng.uniform(500, 3000)
        )
    exercise_years = rng.sample(years, 2 if province else rng.choice((1, 2)))
    need0 = rng.uniform(800, 1500) * scale
    for ind in applicable.itertuples():
        for t, year in enumerate(years):
            key = (ind.code, year)
            if ind.rollup == "area_equal":
                out[key] = _sum(children, ind.code, year)
            elif ind.rollup == "area_min":
                extra = {"DQ_QUAN_SO": 150, "DQ_DANG_VIEN": 60, "DQ_HL_QUAN_SO": 140,
                         "DQ_HL_KHA_GIOI": 100, "GD_PHO_BIEN": 800, "DB_NHU_CAU": 300,
                         "DB_SAP_XEP": 250}.get(ind.code, 0)  # fmt: skip
                if ind.code.startswith("DB_") and not province:
                    need = round(need0 * (1 + 0.01 * t))
                    out[key] = (
                        need if ind.code == "DB_NHU_CAU" else round(need * rng.uniform(0.9, 1.0))
                    )
                else:
                    out[key] = _sum(children, ind.code, year) + round(
                        extra * scale * rng.uniform(0.8, 1.2)
                    )
            elif ind.code == "DT_KVPT":
                out[key] = 1 if year in exercise_years else 0
            elif key in own:
                out[key] = own[key]
    return out


def agency(seed: int, unit: Mapping[str, str], years: list[int], cat: Catalog) -> Series:
    """Return the values of a department or a military unit."""
    rng = rng_for(seed, unit["unit_code"])
    name = unit["name"]
    media = name.startswith(MEDIA)
    spec = {
        "LD_VAN_BAN": (1, 5), "LD_HOI_NGHI": (1, 3), "LD_LUOT_QT": (20, 120), "TT_BUOI": (1, 6),
        "TT_LUOT": (30, 300), "TT_TIN_BAI": (50, 300) if media else (0, 5),
        "TT_CHUYEN_MUC": (5, 20) if media else (0, 1), "CS_NHA": (0, 1), "CS_KINH_PHI": (2, 40),
        "GD_DT2": (0, 3), "GD_DT3": (1, 8), "GD_HSSV": (5000, 8000) if "Giáo dục" in name else (0, 0),
        "KT_DU_AN": (5, 20) if "Kế hoạch" in name or "Xây dựng" in name else (0, 2),
        "PH_HOAT_DONG": (1, 6), "PH_NGAY_CONG": (50, 400), "NH_HOAT_DONG": (1, 4),
        "NH_LUOT": (50, 500), "NV_PCTT_LUOT": (50, 500),
    }  # fmt: skip
    applicable = set(cat.indicators_for(unit["level"], inputs_only=True)["code"])
    out = _flows(rng, years, {k: v for k, v in spec.items() if k in applicable})
    if "DQ_QUAN_SO" in applicable:
        size = rng.randint(10, 40)
        for t, year in enumerate(years):
            militia = size + t // 3
            trained = round(militia * rng.uniform(0.85, 1.0))
            out |= {
                ("DQ_QUAN_SO", year): militia,
                ("DQ_DANG_VIEN", year): round(militia * rng.uniform(0.3, 0.5)),
                ("DQ_HL_QUAN_SO", year): trained,
                ("DQ_HL_KHA_GIOI", year): round(trained * rng.uniform(0.6, 0.9)),
            }
    return out


def generate(cat: Catalog, seed: int) -> dict[str, Series]:
    """Return the values of every unit of the registry, keyed by unit code."""
    years = cat.years
    units = cat.units.fillna("").astype(str)
    rows = {r["unit_code"]: r for r in units.to_dict("records")}
    values: dict[str, Series] = {}
    for code, row in rows.items():
        if row["level"] == "xa":
            values[code] = commune(seed, row, years)
        elif row["level"] in ("nganh", "donvi"):
            values[code] = agency(seed, row, years, cat)
    for code, row in rows.items():
        if row["level"] == "huyen":
            kids = [values[c] for c in cat.children(code, "xa")["unit_code"]]
            values[code] = area(seed, row, years, cat, kids)
    for code, row in rows.items():
        if row["level"] == "tinh":
            kids = [values[c] for c in cat.children(code, "huyen")["unit_code"]]
            kids += [values[c] for c in cat.children(code, "nganh")["unit_code"]]
            values[code] = area(seed, row, years, cat, kids)
    return values


def as_frame(values: Mapping[str, Series]) -> pd.DataFrame:
    """Return generated values as a canonical long table (unit_code, year, indicator, value)."""
    rows = [(u, y, i, float(v)) for u, series in values.items() for (i, y), v in series.items()]
    return pd.DataFrame(rows, columns=["unit_code", "year", "indicator", "value"])
