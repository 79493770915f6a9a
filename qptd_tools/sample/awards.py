"""Synthetic award records (DỮ LIỆU MẪU): tens per district, a handful of high forms.

Names are drawn from common Vietnamese family, middle and given names; ethnicities follow
the broad mix of the province. None of these people exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from qptd_tools.core.vnformat import fold
from qptd_tools.intake import layout as L

FAMILY = [
    "Nguyễn",
    "Hoàng",
    "Nông",
    "Lương",
    "Triệu",
    "Hà",
    "Ma",
    "Đàm",
    "Lý",
    "Bế",
    "Dương",
    "Lục",
    "Trần",
    "Phạm",
    "Lường",
    "Hứa",
    "Vi",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Xuân", "Hữu", "Quang", "Thanh", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thanh", "Ngọc", "Kim"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Thắng",
    "Bình",
    "Cường",
    "Hải",
    "Sơn",
    "Quang",
    "Khánh",
    "Việt",
    "Long",
    "Toàn",
    "Chiến",
    "Hưng",
]
GIVEN_F = [
    "Hoa",
    "Lan",
    "Hằng",
    "Nga",
    "Hương",
    "Thủy",
    "Phương",
    "Tâm",
    "Huyền",
    "Mai",
    "Liên",
    "Thảo",
    "Yến",
]
ETHNICITIES = (("Tày", 54), ("Dao", 17), ("Kinh", 12), ("Nùng", 10), ("Mông", 7))

POSITIONS = {
    "CN_LD": ("Chủ tịch UBND {place}", "Phó Chủ tịch UBND {place}", "Bí thư Đảng ủy {place}"),
    "CN_CT": ("Chỉ huy trưởng Ban CHQS {place}", "Chỉ huy phó Ban CHQS {place}"),
    "CN_CC": ("Công chức Văn phòng - Thống kê {place}", "Chuyên viên {place}"),
    "CN_LLVT": ("Trung đội trưởng dân quân cơ động {place}", "Chiến sĩ dân quân {place}"),
    "CN_KHAC": ("Trưởng thôn, {place}", "Người có uy tín, {place}"),
}
COLLECTIVES = (
    "Hội Liên hiệp Phụ nữ {place}", "Đoàn Thanh niên {place}", "Hội Cựu chiến binh {place}",
    "Công an {place}", "Hội Nông dân {place}", "Trung đội dân quân cơ động {place}",
)  # fmt: skip
MILITARY = {
    "huyen": (("Ban Chỉ huy Quân sự {place}", "Ban CHQS cấp huyện"),),
    "tinh": (("Cơ quan Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh"),
             ("Đại đội bộ binh, Bộ Chỉ huy Quân sự tỉnh", "Đại đội")),
    "donvi": (("{place}", "Ban CHQS cấp huyện"),),
}  # fmt: skip


def person(rng: random.Random) -> tuple[str, str]:
    """Return a synthetic full name and its gender code."""
    female = rng.random() < 0.3
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{rng.choice(FAMILY)} {middle} {given}", "nu" if female else "nam"


def ethnicity(rng: random.Random) -> str:
    """Return an ethnicity drawn from the province's broad mix."""
    names = [name for name, _ in ETHNICITIES]
    weights = [weight for _, weight in ETHNICITIES]
    return rng.choices(names, weights)[0]


def record(
    rng: random.Random,
    place: str,
    form: str,
    forms: Mapping[str, str],
    groups: Mapping[str, str],
    *,
    collective: bool,
    decision: tuple[str, dt.date] | None,
    military: tuple[tuple[str, str], ...] = (),
    used: set[tuple[str, str]] | None = None,
) -> dict[str, object]:
    """Return one award record as it would be typed in the workbook.

    ``used`` holds (form, folded name) pairs already given out: no recipient is drawn
    twice for the same form (the sample's only duplicate is a deliberate one).
    """
    used = used if used is not None else set()
    for _ in range(20):
        rec = _draw(rng, place, form, forms, groups, collective=collective, decision=decision,
                    military=military)  # fmt: skip
        key = (form, fold(str(rec["recipient_name"])))
        if key not in used:
            used.add(key)
            return rec
        collective = False  # a place has few bodies; fall back to a person
    raise RuntimeError("sample names exhausted")


def _draw(
    rng: random.Random,
    place: str,
    form: str,
    forms: Mapping[str, str],
    groups: Mapping[str, str],
    *,
    collective: bool,
    decision: tuple[str, dt.date] | None,
    military: tuple[tuple[str, str], ...],
) -> dict[str, object]:
    if collective:
        gender, ethnic, position, level = "", "", "", ""
        if military and rng.random() < 0.4:
            group = "TT_QD"
            pattern, level = rng.choice(military)
            name = pattern.format(place=place)
        else:
            group = "TT_CQ"
            name = rng.choice(COLLECTIVES).format(place=place)
    else:
        group = rng.choice(list(POSITIONS))
        name, code = person(rng)
        gender, ethnic, level = L.GENDERS[code], ethnicity(rng), ""
        position = rng.choice(POSITIONS[group]).format(place=place)
    rec: dict[str, object] = {
        "recipient_type": L.RECIPIENT_TYPES["tap_the" if collective else "ca_nhan"],
        "recipient_name": name,
        "position": position,
        "recipient_group": L.coded_label(group, groups[group]),
        "gender": gender,
        "ethnicity": ethnic,
        "collective_level": level,
        "form": L.coded_label(form, forms[form]),
        "status": L.STATUSES["quyet_dinh" if decision else "de_nghi"],
    }
    if decision:
        rec["decision_no"], rec["decision_date"] = decision
    return rec


# level -> list of (form, how many (low, high), share of collectives, decided here?)
PLAN = {
    "xa": (("GK_UBX", (2, 6), 0.3, True), ("GK_UBH", (1, 2), 0.3, False)),
    "huyen": (("GK_UBH", (15, 25), 0.3, True), ("BK_UBT", (3, 6), 0.4, False)),
    "tinh": (
        ("HC_BVTQ3", (1, 2), 0.5, False), ("BK_TTG", (2, 4), 0.5, False),
        ("BK_BQP", (3, 6), 0.4, False), ("BK_UBT", (20, 30), 0.3, True),
        ("BK_QK1", (4, 6), 0.4, False), ("KNC_QDND", (5, 10), 0.0, False),
    ),
    "nganh": (("BK_UBT", (1, 3), 0.3, False),),
    "donvi": (("BK_QK1", (1, 3), 0.5, False),),
}  # fmt: skip
DECISION_SYMBOL = {"xa": "QĐ-UBND", "huyen": "QĐ-UBND", "tinh": "QĐ-UBND"}
