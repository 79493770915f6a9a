"""Synthetic people of the sample (DỮ LIỆU MẪU): each unit's officials, and positions that fit it.

Every unit has one head (the chair of a People's Committee, the director of a department,
the commander of a military command), who chairs its conference and signs its report; the
award records reuse these people, so a unit's chair in an award list is the same person who
signs. Positions are worded for the kind of unit: no "Công an Sở Tài chính", no "Ban CHQS
Ban Chỉ huy Quân sự huyện …". None of these people exist.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

FAMILY = ("Nguyễn", "Hoàng", "Nông", "Lương", "Triệu", "Hà", "Ma", "Đàm", "Lý", "Bế", "Dương",
          "Lục", "Trần", "Phạm", "Lường", "Hứa", "Vi")  # fmt: skip
MIDDLE_M = ("Văn", "Đức", "Minh", "Xuân", "Hữu", "Quang", "Thanh", "Ngọc")
MIDDLE_F = ("Thị", "Thị", "Thị", "Thanh", "Ngọc", "Kim")
GIVEN_M = ("Hùng", "Dũng", "Tuấn", "Thắng", "Bình", "Cường", "Hải", "Sơn", "Quang", "Khánh",
           "Việt", "Long", "Toàn", "Chiến", "Hưng", "Thành", "Trung", "Nam", "Phong", "Lâm")  # fmt: skip
GIVEN_F = ("Hoa", "Lan", "Hằng", "Nga", "Hương", "Thủy", "Phương", "Tâm", "Huyền", "Mai", "Liên",
           "Thảo", "Yến", "Hạnh", "Dung")  # fmt: skip
ETHNICITIES = (("Tày", 54), ("Dao", 17), ("Kinh", 12), ("Nùng", 10), ("Mông", 7))


def person(rng: random.Random, female: bool | None = None) -> tuple[str, str]:
    """Return a synthetic full name and its gender code."""
    female = rng.random() < 0.3 if female is None else female
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{rng.choice(FAMILY)} {middle} {given}", "nu" if female else "nam"


def ethnicity(rng: random.Random) -> str:
    """Return an ethnicity drawn from the province's broad mix."""
    names = [name for name, _ in ETHNICITIES]
    weights = [weight for _, weight in ETHNICITIES]
    return rng.choices(names, weights)[0]


@dataclass(frozen=True)
class Official:
    """One of a unit's officials: name, gender, the position as written, its award group."""

    name: str
    gender: str
    position: str
    group: str  # CN_LD, CN_CT, CN_CC, CN_LLVT, CN_KHAC
    title: str  # the position without the unit: "Chủ tịch", "Giám đốc", "Chỉ huy trưởng"


def _roles(unit: Mapping[str, str], place: str) -> tuple[tuple[str, str, str], ...]:
    """Return (position as written, award group, count) … of a unit, its head first."""
    level, name = unit["level"], unit["name"]
    division = str(unit.get("division_type") or "")
    bare = place[len(division) + 1 :] if division and place.lower().startswith(division) else place
    if level in ("xa", "huyen", "tinh"):
        city = division == "thành phố"
        party = {"xa": f"Bí thư Đảng ủy {place}", "huyen": f"Bí thư {'Thành' if city else 'Huyện'} ủy {bare}",
                 "tinh": f"Bí thư {'Thành' if city else 'Tỉnh'} ủy {bare}"}[level]  # fmt: skip
        command = "Bộ CHQS" if level == "tinh" else "Ban CHQS"
        roles = [
            (f"Chủ tịch UBND {place}", "CN_LD", "1"),
            (f"Phó Chủ tịch UBND {place}", "CN_LD", "2"),
            (party, "CN_LD", "1"),
            (f"Chỉ huy trưởng {command} {place}", "CN_CT", "1"),
            (f"Phó Chỉ huy trưởng {command} {place}", "CN_CT", "2"),
        ]
        if level == "xa":
            roles += [(f"Công chức Văn phòng - Thống kê {place}", "CN_CC", "1"),
                      (f"Trung đội trưởng dân quân cơ động {place}", "CN_LLVT", "1"),
                      (f"Chiến sĩ dân quân {place}", "CN_LLVT", "6"),
                      (f"Trưởng thôn, {place}", "CN_KHAC", "4"),
                      (f"Người có uy tín, {place}", "CN_KHAC", "3")]  # fmt: skip
        else:
            # a district's office serves both its council and committee; a province has its
            # own "Văn phòng UBND" (the registry's department); militia belong to communes,
            # so a district's or province's own fighters are the self-defence of its offices
            office = "Văn phòng HĐND và UBND" if level == "huyen" else "Văn phòng UBND"
            roles += [(f"Trưởng phòng Nội vụ {place}" if level == "huyen" else f"Trưởng phòng, Sở Nội vụ {place}", "CN_CC", "1"),
                      (f"Chuyên viên {office} {place}", "CN_CC", "4"),
                      (f"Trợ lý tác chiến, {command} {place}", "CN_LLVT", "3"),
                      (f"Chiến sĩ tự vệ cơ quan UBND {place}", "CN_LLVT", "6")]  # fmt: skip
        return tuple(roles)
    if level == "nganh":
        head = _agency_head(name)
        return ((f"{head} {name}", "CN_LD", "1"), (f"Phó {head.lower()} {name}", "CN_LD", "2"),
                (f"Chỉ huy trưởng Ban CHQS {name}", "CN_CT", "1"),
                (f"Chuyên viên {name}", "CN_CC", "6"))  # fmt: skip
    return ((f"Chỉ huy trưởng {name}", "CN_LD", "1"), (f"Chính trị viên {name}", "CN_LD", "1"),
            (f"Phó Chỉ huy trưởng {name}", "CN_CT", "2"), (f"Trợ lý {name}", "CN_LLVT", "4"),
            (f"Chiến sĩ {name}", "CN_LLVT", "4"))  # fmt: skip


_AGENCY_HEADS = (("Sở ", "Giám đốc"), ("Văn phòng", "Chánh Văn phòng"), ("Thanh tra", "Chánh Thanh tra"),
                 ("Ban ", "Trưởng ban"), ("Công an", "Giám đốc"), ("Đài ", "Giám đốc"),
                 ("Báo ", "Tổng Biên tập"), ("Ủy ban Mặt trận", "Chủ tịch"), ("Tỉnh đoàn", "Bí thư"),
                 ("Hội ", "Chủ tịch"), ("Liên đoàn", "Chủ tịch"))  # fmt: skip


def _agency_head(name: str) -> str:
    for prefix, head in _AGENCY_HEADS:
        if name.startswith(prefix):
            return head
    return "Thủ trưởng"


def officials(
    rng: random.Random, unit: Mapping[str, str], place: str, taken: set[str] | None = None
) -> list[Official]:
    """Return a unit's officials, its head first; each position holder is one person.

    ``taken``: names already given (in other units); a name is never given twice, so that two
    different people never look like one award proposed twice (QPTD-A005).
    """
    out = []
    seen: set[str] = taken if taken is not None else set()
    for position, group, count in _roles(unit, place):
        title = _title(position, unit, place)
        for _ in range(int(count)):
            for _ in range(50):
                name, gender = person(rng)
                if name not in seen:
                    break
            seen.add(name)
            out.append(Official(name, gender, position, group, title))
    return out


def _title(position: str, unit: Mapping[str, str], place: str) -> str:
    """Return a position without its unit: "Chủ tịch UBND xã X" → "Chủ tịch"."""
    for tail in (f" UBND {place}", f" {unit['name']}", f" Ban CHQS {place}", f" Bộ CHQS {place}"):
        if position.endswith(tail):
            return position[: -len(tail)]
    return position


def head(people: list[Official]) -> Official:
    """Return the unit's head: chair of its conference and signer of its report."""
    return people[0]


def collectives(unit: Mapping[str, str], place: str) -> tuple[str, ...]:
    """Return the bodies of a unit that may receive a collective award, worded for its kind."""
    level, name = unit["level"], unit["name"]
    if level in ("xa", "huyen", "tinh"):
        unit_of_fighters = (f"Trung đội dân quân cơ động {place}" if level == "xa"
                            else f"Trung đội tự vệ cơ quan UBND {place}")  # fmt: skip
        return (f"Hội Liên hiệp Phụ nữ {place}", f"Đoàn Thanh niên Cộng sản Hồ Chí Minh {place}",
                f"Hội Cựu chiến binh {place}", f"Hội Nông dân {place}", f"Công an {place}",
                unit_of_fighters)  # fmt: skip
    if level == "nganh":
        return (f"Văn phòng {name}", f"Công đoàn cơ sở {name}", f"Đoàn Thanh niên {name}")
    return (name,)
