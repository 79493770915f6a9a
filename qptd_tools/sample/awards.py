"""Synthetic award records (DỮ LIỆU MẪU): tens per district, a handful of high forms.

Individuals are the unit's own officials (:mod:`qptd_tools.sample.people`), never its head
(who signs the unit's decisions and reports) and never its leaders for the forms its own chair
decides, each at most once per unit; collectives are
bodies of the unit worded for its kind. None of these people exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from qptd_tools.intake import layout as L
from qptd_tools.sample.people import Official, ethnicity

# level -> list of (form, how many (low, high), share of collectives, decided here?)
PLAN = {
    "xa": (("GK_UBX", (2, 6), 0.3, True), ("GK_UBH", (1, 2), 0.3, False)),
    "huyen": (("GK_UBH", (8, 14), 0.3, True), ("BK_UBT", (3, 6), 0.4, False)),
    "tinh": (
        ("HC_BVTQ3", (1, 2), 0.5, False), ("BK_TTG", (2, 4), 0.5, False),
        ("BK_BQP", (3, 6), 0.4, False), ("BK_UBT", (12, 18), 0.3, True),
        ("BK_QK1", (4, 6), 0.4, False), ("KNC_QDND", (5, 10), 0.0, False),
    ),
    "nganh": (("BK_UBT", (1, 3), 0.3, False),),
    "donvi": (("BK_QK1", (1, 3), 0.5, False),),
}  # fmt: skip
# Military collectives a level proposes: (name pattern, collective level)
MILITARY = {
    "huyen": (("Ban Chỉ huy Quân sự {place}", "Ban CHQS cấp huyện"),),
    "tinh": (("Cơ quan Bộ Chỉ huy Quân sự {place}", "Bộ CHQS tỉnh"),
             ("Đại đội bộ binh, Bộ Chỉ huy Quân sự {place}", "Đại đội")),
    "donvi": (("{name}", "Ban CHQS cấp huyện"),),
}  # fmt: skip
DECISION_SYMBOL = "QĐ-UBND"


def record(
    *,
    form: str,
    forms: Mapping[str, str],
    groups: Mapping[str, str],
    rng: random.Random,
    official: Official | None = None,
    collective: str = "",
    military_level: str = "",
    decision: tuple[str, dt.date] | None = None,
) -> dict[str, object]:
    """Return one award record as a clerk types it in the workbook."""
    if official is not None:
        group, name, position = official.group, official.name, official.position
        gender, ethnic, level = L.GENDERS[official.gender], ethnicity(rng), ""
    else:
        group = "TT_QD" if military_level else "TT_CQ"
        name, position, gender, ethnic, level = collective, "", "", "", military_level
    rec: dict[str, object] = {
        "recipient_type": L.RECIPIENT_TYPES["ca_nhan" if official else "tap_the"],
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


def unit_records(
    rng: random.Random,
    unit: Mapping[str, str],
    place: str,
    people: Sequence[Official],
    bodies: Sequence[str],
    forms: Mapping[str, str],
    groups: Mapping[str, str],
    held: dt.date | None,
) -> list[Mapping[str, object]]:
    """Return a unit's award records by its level's plan.

    Its own forms are decided at its conference (the decision dated that day); the others are
    proposals. No official and no body is drawn twice in a unit.
    """
    level = unit["level"]
    pool = list(people[1:])  # the head signs: never in the unit's own list
    rng.shuffle(pool)
    free_bodies = list(bodies)
    rng.shuffle(free_bodies)
    military = [(p.format(place=place, name=unit["name"]), lv) for p, lv in MILITARY.get(level, ())]
    records: list[Mapping[str, object]] = []
    for form, (low, high), collective_share, decided in PLAN[level]:
        decision = None
        if decided and held is not None:
            decision = (f"{rng.randint(10, 400)}/{DECISION_SYMBOL}", held)
        for _ in range(rng.randint(low, high)):
            collective = rng.random() < collective_share
            if collective and military and rng.random() < 0.4:
                name, mil = military.pop()
                records.append(record(form=form, forms=forms, groups=groups, rng=rng,
                                      collective=name, military_level=mil, decision=decision))  # fmt: skip
            elif collective and free_bodies:
                records.append(record(form=form, forms=forms, groups=groups, rng=rng,
                                      collective=free_bodies.pop(), decision=decision))  # fmt: skip
            elif pool:
                # the unit's chair does not reward its own leaders (party secretary, deputy
                # chairs): they may only be proposed to a higher level
                eligible = [i for i, p in enumerate(pool) if not (decided and p.group == "CN_LD")]
                if eligible:
                    records.append(record(form=form, forms=forms, groups=groups, rng=rng,
                                          official=pool.pop(eligible[-1]), decision=decision))  # fmt: skip
    return records
