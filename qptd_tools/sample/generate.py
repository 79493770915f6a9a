"""The synthetic sample: a filled workbook for every unit of the registry.

Every workbook is labelled "DỮ LIỆU MẪU — không phải số liệu thật". The sample is
deterministic for a seed and holds a few documented deliberate problems, listed in
``deliberate_problems.json`` beside the workbooks, so that the checks have something
real to find.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import yaml
from tqdm.auto import tqdm

from qptd_tools.catalog import Catalog
from qptd_tools.core.config import SAMPLE_LABEL
from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.intake import layout as L
from qptd_tools.intake.template import Filling, build_workbook, save_workbook, template_name
from qptd_tools.sample import awards as A
from qptd_tools.sample.series import generate, rng_for

DEFAULT_SEED = 2019


@dataclass(frozen=True)
class Deliberate:
    """One deliberate problem of the sample, and where it is."""

    id: str
    kind: str
    unit_code: str
    detail: str
    indicator: str = ""
    year: int | None = None
    finding: str = ""


DELIBERATE = (
    Deliberate("D1", "consistency", "062", "Huyện Ngân Sơn báo cáo số công dân nhập ngũ năm 2016 "
               "nhiều hơn tổng của các xã 7 người.", "TQ_NHAP_NGU", 2016, "QPTD-C101"),
    Deliberate("D2", "late_conference", "01858", "Xã Bằng Thành tổ chức hội nghị ngày 05/9/2019, "
               "sau hạn 30/8/2019.", finding="QPTD-S001"),
    Deliberate("D3", "late_report", "066", "Huyện Na Rì gửi báo cáo ngày 20/9/2019, sau hạn 15/9/2019.",
               finding="QPTD-S001"),
    Deliberate("D4", "missing_dates", "02131", "Xã Quảng Chu chưa điền ngày hội nghị và ngày gửi báo cáo.",
               finding="QPTD-S002"),
    Deliberate("D5", "duplicate_award", "063", "Huyện Bạch Thông đề nghị Giấy khen cấp huyện hai lần "
               "cho cùng một người (“Nguyễn Văn Hùng” và “Nguyen Van  Hung”).", finding="QPTD-A005"),
    Deliberate("D6", "missing_narrative", "060", "Huyện Pác Nặm chưa viết mục “Bài học kinh nghiệm”.",
               finding="QPTD-C003"),
    Deliberate("D7", "outlier", "01861", "Xã Nhạn Môn ghi lượt người nghe tuyên truyền năm 2014 "
               "gấp khoảng 10 lần các năm khác.", "TT_LUOT", 2014, "QPTD-C102"),
    Deliberate("D8", "missing_values", "01864", "Xã Bộc Bố để trống số lượt người được phổ biến "
               "kiến thức QP-AN năm 2009 và 2010.", "GD_PHO_BIEN", 2009, "QPTD-C002"),
    Deliberate("D9", "double_count", "065", "Huyện Chợ Mới ghi lượt người nghe tuyên truyền của "
               "toàn huyện (tổng các xã) vào dòng chỉ ghi số do cấp huyện thực hiện.", "TT_LUOT",
               2009, "QPTD-C103"),
)  # fmt: skip


def _texts() -> dict[str, list[str]]:
    source = resources.files("qptd_tools.sample") / "texts.yaml"
    return dict(yaml.safe_load(source.read_text(encoding="utf-8")))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dates(cat: Catalog, seed: int, code: str, level: str) -> dict[str, object]:
    rng = rng_for(seed, code, "dates")
    conference: dt.date | None = None
    if level == "xa":
        conference = dt.date(2019, 8, 1) + dt.timedelta(days=rng.randint(0, 27))
        report = min(conference + dt.timedelta(days=rng.randint(3, 10)), dt.date(2019, 9, 13))
    elif level == "huyen":
        conference = dt.date(2019, 9, 3) + dt.timedelta(days=rng.randint(0, 10))
        report = conference + dt.timedelta(days=rng.randint(0, 2))
    elif level == "tinh":
        conference, report = dt.date(2019, 9, 26), dt.date(2019, 9, 13)
    else:
        report = dt.date(2019, 9, 1) + dt.timedelta(days=rng.randint(0, 11))
    participants = {"xa": (40, 80), "huyen": (100, 150), "tinh": (200, 250)}.get(level)
    name, _ = A.person(rng)
    info: dict[str, object] = {
        "contact_name": A.person(rng)[0],
        "contact_phone": f"0209 38{rng.randint(10000, 99999)}",
        "report_submitted_date": report,
    }
    if conference:
        info |= {
            "conference_date": conference,
            "chair": name,
            "participants": rng.randint(*participants) if participants else None,
        }
    return info


def _awards(
    cat: Catalog,
    seed: int,
    code: str,
    level: str,
    info: dict[str, object],
    used: set[tuple[str, str]],
) -> list[dict]:
    rng = rng_for(seed, code, "awards")
    forms = dict(zip(cat.award_forms["code"], cat.award_forms["name"], strict=True))
    groups = dict(zip(cat.recipient_groups["code"], cat.recipient_groups["name"], strict=True))
    place = cat.place(code)
    records = []
    for form, (low, high), collective_share, decided in A.PLAN[level]:
        decision = None
        held = info.get("conference_date")
        if decided and isinstance(held, dt.date):
            decision = (f"{rng.randint(10, 400)}/QĐ-UBND", held)
        for _ in range(rng.randint(low, high)):
            records.append(A.record(
                rng, place, form, forms, groups, collective=rng.random() < collective_share,
                decision=decision, military=A.MILITARY.get(level, ()), used=used,
            ))  # fmt: skip
    return records


def build_sample(cat: Catalog, seed: int = DEFAULT_SEED) -> dict[str, Filling]:
    """Return the filling of every unit's workbook, deliberate problems included."""
    values = generate(cat, seed)
    texts = _texts()
    period = {"start": cat.review.period_start, "end": cat.review.period_end}
    required = set(cat.outline.loc[cat.outline["narrative"] != "none", "section_id"])
    fillings: dict[str, Filling] = {}
    used: set[tuple[str, str]] = set()
    for unit in cat.units.fillna("").to_dict("records"):
        code, level = unit["unit_code"], unit["level"]
        rng = rng_for(seed, code, "narrative")
        parent = cat.place(unit["parent_code"]) if unit["parent_code"] else cat.review.province_name
        agency = level in ("nganh", "donvi")
        narrative = {
            section: _sentence(
                rng.choice(texts.get(f"{section}.agency", variants) if agency else variants).format(
                    name=cat.place(code), parent=parent, **period
                )
            )
            for section, variants in texts.items()
            if section in required
        }
        if rng.random() < 0.1:  # a few units leave one section for later
            narrative.pop(rng.choice(sorted(narrative)))
        info = _dates(cat, seed, code, level)
        series: dict[tuple[str, int], object] = dict(values[code])
        if unit["parent_code"] == "064" and level == "xa":  # written as text, Vietnamese style
            for key, number in values[code].items():
                if key[0] == "DAN_SO":
                    series[key] = f"{int(number):,}".replace(",", ".")
        fillings[code] = Filling(
            values=series,
            info=info,
            awards=_awards(cat, seed, code, level, info, used),
            narrative=narrative,
        )
    _apply_deliberate(cat, fillings)
    return fillings


def _apply_deliberate(cat: Catalog, fillings: dict[str, Filling]) -> None:
    get = fillings.__getitem__
    values = {code: dict(f.values) for code, f in fillings.items()}
    for code in ("062", "06"):  # the district over-reports; the province adds up its districts
        values[code][("TQ_NHAP_NGU", 2016)] = float(values[code][("TQ_NHAP_NGU", 2016)]) + 7  # type: ignore[arg-type]
    values["01861"][("TT_LUOT", 2014)] = float(values["01861"][("TT_LUOT", 2014)]) * 10  # type: ignore[arg-type]
    for year in (2009, 2010):
        values["01864"].pop(("GD_PHO_BIEN", year), None)
    communes = cat.children("065", "xa")["unit_code"]
    for year in cat.years:  # the whole district's figure, where only its own belongs
        values["065"][("TT_LUOT", year)] = sum(
            float(values[c].get(("TT_LUOT", year), 0))
            for c in communes  # type: ignore[arg-type]
        )
    info = {code: dict(f.info) for code, f in fillings.items()}
    info["01858"] |= {
        "conference_date": dt.date(2019, 9, 5),
        "report_submitted_date": dt.date(2019, 9, 10),
    }
    info["066"]["report_submitted_date"] = dt.date(2019, 9, 20)
    for key in ("conference_date", "report_submitted_date"):
        info["02131"].pop(key, None)
    awards = list(get("063").awards)
    forms = dict(zip(cat.award_forms["code"], cat.award_forms["name"], strict=True))
    groups = dict(zip(cat.recipient_groups["code"], cat.recipient_groups["name"], strict=True))
    for name in ("Nguyễn Văn Hùng", "Nguyen Van  Hung"):
        awards.append({
            "recipient_type": L.RECIPIENT_TYPES["ca_nhan"], "recipient_name": name,
            "position": "Chỉ huy trưởng Ban CHQS xã Quang Thuận",
            "recipient_group": L.coded_label("CN_CT", groups["CN_CT"]), "gender": "Nam",
            "ethnicity": "Tày", "form": L.coded_label("GK_UBH", forms["GK_UBH"]),
            "status": L.STATUSES["de_nghi"],
        })  # fmt: skip
    narrative = dict(get("060").narrative)
    narrative.pop("P1.III.2", None)
    for code, f in fillings.items():
        fillings[code] = Filling(
            values=values[code],
            info=info[code],
            awards=awards if code == "063" else f.awards,
            narrative=narrative if code == "060" else f.narrative,
        )


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
        fillings.items(), desc="Tạo dữ liệu mẫu", unit="đơn vị", disable=not progress
    ):
        path = out_dir / template_name(code)
        save_workbook(build_workbook(cat, code, filling, sample=True), path)
        paths.append(path)
    listing = {
        "label": SAMPLE_LABEL,
        "seed": seed,
        "deliberate_problems": [asdict(d) for d in DELIBERATE],
    }
    text = json.dumps(listing, ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(out_dir / "deliberate_problems.json", text.encode("utf-8"))
    return paths
