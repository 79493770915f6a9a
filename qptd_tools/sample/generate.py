"""The synthetic sample: a filled workbook for every unit of the registry.

Every workbook is labelled "DỮ LIỆU MẪU — không phải số liệu thật". The sample is
deterministic for a seed and holds a few documented deliberate problems, chosen from the
registry by rule (:mod:`qptd_tools.sample.deliberate`) and listed in
``deliberate_problems.json`` beside the workbooks, so that the checks have something real to
find. Dates follow the catalogue's deadlines, people are the units' own officials.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import yaml
from tqdm.auto import tqdm

from qptd_tools.catalog import Catalog
from qptd_tools.core.config import SAMPLE_LABEL, SAMPLE_SEED
from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.intake import layout as L
from qptd_tools.intake.template import Filling, build_workbook, save_workbook, template_name
from qptd_tools.sample import awards as A
from qptd_tools.sample import deliberate as D
from qptd_tools.sample.people import Official, collectives, head, officials, person
from qptd_tools.sample.series import generate, rng_for

DEFAULT_SEED = SAMPLE_SEED


def _texts() -> dict[str, list[str]]:
    source = resources.files("qptd_tools.sample") / "texts.yaml"
    return dict(yaml.safe_load(source.read_text(encoding="utf-8")))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _due(cat: Catalog, level: str, event: str) -> dt.date | None:
    rows = cat.deadlines.loc[(cat.deadlines["level"] == level) & (cat.deadlines["event"] == event)]
    return rows["deadline"].iloc[0] if len(rows) else None


def _dates(cat: Catalog, seed: int, code: str, level: str, chief: Official) -> dict[str, object]:
    """Conference and report dates on time and in order (the report never precedes the conference)."""
    rng = rng_for(seed, code, "dates")
    holds = bool(cat.levels.set_index("code").at[level, "holds_conference"])
    report_due = _due(cat, level, "report")
    conference_due = _due(cat, level, "conference")
    info: dict[str, object] = {
        "contact_name": person(rng)[0],
        "contact_phone": f"0209 38{rng.randint(10000, 99999)}",
        "signer_name": chief.name,
        "signer_title": chief.title,
    }
    if holds and conference_due is not None:
        window = {"xa": (30, 2), "huyen": (12, 2), "tinh": (4, 4)}.get(level, (10, 2))
        conference = conference_due - dt.timedelta(days=rng.randint(window[1], window[0]))
        report = conference + dt.timedelta(days=rng.randint(0, 10 if level == "xa" else 2))
        if report_due is not None:
            report = max(conference, min(report, report_due - dt.timedelta(days=1)))
        participants = {"xa": (40, 80), "huyen": (100, 150), "tinh": (200, 250)}.get(
            level, (50, 80)
        )
        info |= {"conference_date": conference, "report_submitted_date": report,
                 "chair": chief.name, "participants": rng.randint(*participants)}  # fmt: skip
    elif report_due is not None:
        info["report_submitted_date"] = report_due - dt.timedelta(days=rng.randint(3, 14))
    return info


def build_sample(cat: Catalog, seed: int = DEFAULT_SEED) -> dict[str, Filling]:
    """Return the filling of every unit's workbook, deliberate problems included."""
    values = generate(cat, seed)
    texts = _texts()
    period = {"start": cat.review.period_start, "end": cat.review.period_end}
    required = set(cat.outline.loc[cat.outline["narrative"] != "none", "section_id"])
    forms = dict(zip(cat.award_forms["code"], cat.award_forms["name"], strict=True))
    groups = dict(zip(cat.recipient_groups["code"], cat.recipient_groups["name"], strict=True))
    fillings: dict[str, Filling] = {}
    names: set[str] = set()  # one person, one name, across the whole sample
    for unit in cat.units.fillna("").to_dict("records"):
        code, level = unit["unit_code"], unit["level"]
        place = cat.place(code)
        people = officials(rng_for(seed, code, "people"), unit, place, names)
        rng = rng_for(seed, code, "narrative")
        parent = cat.place(unit["parent_code"]) if unit["parent_code"] else cat.review.province_name
        agency = level in ("nganh", "donvi")
        narrative: dict[str, object] = {
            # a unit writes the way its kind speaks ("dân quân" in a commune, "tự vệ" in a
            # department; wording.csv), as a clerk of that unit would
            section: cat.reword(
                _sentence(
                    rng.choice(
                        texts.get(f"{section}.agency", variants) if agency else variants
                    ).format(name=place, parent=parent, **period)
                ),
                level,
            )
            for section, variants in texts.items()
            if section in required
        }
        if rng.random() < 0.1:  # a few units leave one section for later
            narrative.pop(rng.choice(sorted(narrative)))
        info = _dates(cat, seed, code, level, head(people))
        series: dict[tuple[str, int], object] = dict(values[code])
        held = info.get("conference_date")
        records = A.unit_records(
            rng_for(seed, code, "awards"), unit, place, people, collectives(unit, place), forms,
            groups, held if isinstance(held, dt.date) else None,
        )  # fmt: skip
        fillings[code] = Filling(values=series, info=info, awards=records, narrative=narrative)
    _before_parent_conference(cat, fillings)
    _written_as_text(cat, fillings)
    _apply_deliberate(cat, seed, fillings, values)
    return fillings


def _before_parent_conference(cat: Catalog, fillings: dict[str, Filling]) -> None:
    """Send each commune's report (and its award proposals) before its district's conference.

    The district chair decides the proposals there (Guidance 297, V.3).
    """
    for unit in cat.units.loc[cat.units["level"] == "xa"].itertuples():
        info, parent = fillings[unit.unit_code].info, fillings.get(str(unit.parent_code))
        held = parent.info.get("conference_date") if parent else None
        sent, own = info.get("report_submitted_date"), info.get("conference_date")
        if isinstance(held, dt.date) and isinstance(sent, dt.date) and sent >= held:
            latest = held - dt.timedelta(days=1)
            info["report_submitted_date"] = max(own, latest) if isinstance(own, dt.date) else latest


def _written_as_text(cat: Catalog, fillings: dict[str, Filling]) -> None:
    """Write the third district's communes' population as text, Vietnamese style ("2.345")."""
    picked = D.districts(cat)
    if len(picked) < 3:
        return
    for commune in cat.children(picked[2], "xa")["unit_code"]:
        values = dict(fillings[commune].values)
        for key, number in list(values.items()):
            if key[0] == "DAN_SO":
                values[key] = f"{int(float(str(number))):,}".replace(",", ".")
        fillings[commune].values = values


def _apply_deliberate(
    cat: Catalog, seed: int, fillings: dict[str, Filling], generated: dict
) -> None:
    problems = {d.id: d for d in D.deliberate(cat)}
    if not problems:
        return

    def add(code: str, key: tuple[str, int], amount: float) -> None:
        fillings[code].values[key] = float(generated[code][key]) + amount

    d1 = problems["D1"]  # the district over-reports; the province adds up its districts
    key1 = (d1.indicator, int(d1.year or cat.years[0]))
    add(d1.unit_code, key1, 7)
    root = str(cat.units.loc[cat.units["level"] == "tinh", "unit_code"].iloc[0])
    add(root, key1, 7)
    d7 = problems["D7"]
    key7 = (d7.indicator, int(d7.year or cat.years[0]))
    fillings[d7.unit_code].values[key7] = float(generated[d7.unit_code][key7]) * 10
    d8 = problems["D8"]
    for year in cat.years[:2]:
        fillings[d8.unit_code].values.pop((d8.indicator, year), None)
    d9 = problems["D9"]
    communes = cat.children(d9.unit_code, "xa")["unit_code"]
    for year in cat.years:  # the whole district's figure, where only its own belongs
        fillings[d9.unit_code].values[(d9.indicator, year)] = sum(
            float(generated[c].get((d9.indicator, year), 0)) for c in communes
        )
    d2 = fillings[problems["D2"].unit_code].info
    d2["conference_date"] = D.late_conference_date(cat)
    d2["report_submitted_date"] = D.late_conference_date(cat) + dt.timedelta(days=5)
    fillings[problems["D3"].unit_code].info["report_submitted_date"] = D.late_report_date(cat)
    for key in ("conference_date", "report_submitted_date"):
        fillings[problems["D4"].unit_code].info.pop(key, None)
    fillings[problems["D6"].unit_code].narrative.pop("P1.III.2", None)
    for key in ("signer_name", "signer_title", "chair"):
        fillings[problems["D10"].unit_code].info.pop(key, None)
    d5 = problems["D5"].unit_code
    commune = cat.children(d5, "xa")["unit_code"].iloc[-1]
    name, _ = person(rng_for(seed, d5, "D5"), female=False)
    from qptd_tools.core.vnformat import fold

    plain = fold(name).title().replace(" ", "  ", 1)  # typed without tone marks, a double space
    forms = dict(zip(cat.award_forms["code"], cat.award_forms["name"], strict=True))
    groups = dict(zip(cat.recipient_groups["code"], cat.recipient_groups["name"], strict=True))
    for shown in (name, plain):
        fillings[d5].awards.append({
            "recipient_type": L.RECIPIENT_TYPES["ca_nhan"], "recipient_name": shown,
            "position": f"Chiến sĩ dân quân {cat.place(commune)}",
            "recipient_group": L.coded_label("CN_LLVT", groups["CN_LLVT"]), "gender": "Nam",
            "ethnicity": "Tày", "form": L.coded_label("GK_UBH", forms["GK_UBH"]),
            "status": L.STATUSES["de_nghi"],
        })  # fmt: skip


def write_sample(
    cat: Catalog, out_dir: Path, seed: int = DEFAULT_SEED, *, progress: bool = True
) -> list[Path]:
    """Write the sample workbooks and the list of deliberate problems into ``out_dir``.

    Parameters
    ----------
    cat
        The catalogues (registry, indicators, outline).
    out_dir
        The folder to write (``data/sample`` of the workspace by default).
    seed
        The seed; the same seed gives byte-identical workbooks.
    progress
        Show a progress bar.

    Returns
    -------
    list of Path
        The workbooks written, one per unit.
    """
    fillings = build_sample(cat, seed)
    paths = []
    for code, filling in tqdm(
        fillings.items(), desc="Tạo dữ liệu mẫu", unit=" đơn vị", disable=not progress
    ):
        path = out_dir / template_name(code)
        save_workbook(build_workbook(cat, code, filling, sample=True), path)
        paths.append(path)
    listing = {
        "label": SAMPLE_LABEL,
        "seed": seed,
        "deliberate_problems": [asdict(d) for d in D.deliberate(cat)],
    }
    text = json.dumps(listing, ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(out_dir / "deliberate_problems.json", text.encode("utf-8"))
    return paths
