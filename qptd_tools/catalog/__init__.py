"""Layer 1, the catalogues of a review: data files shipped in the package, and their loaders.

May import ``core`` only. Each file is checked row by row against its schema (``schemas.py``) and across files
(every parent unit exists, every indicator's section is in the outline, …). A workspace
may override any file by putting one of the same name in ``<root>/catalog/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from qptd_tools.catalog import schemas
from qptd_tools.core.config import LEVELS
from qptd_tools.core.errors import CatalogInvalid, Problem, UnitUnknown, fail

_Model = TypeVar("_Model", bound=BaseModel)
BUNDLED = Path(str(resources.files("qptd_tools.catalog") / "data"))

_FILES: dict[str, type[BaseModel]] = {
    "units": schemas.UnitRow,
    "indicators": schemas.IndicatorRow,
    "outline": schemas.OutlineRow,
    "award_forms": schemas.AwardFormRow,
    "recipient_groups": schemas.RecipientGroupRow,
    "collective_levels": schemas.CollectiveLevelRow,
    "award_rates": schemas.AwardRateRow,
    "base_salary": schemas.BaseSalaryRow,
    "deadlines": schemas.DeadlineRow,
    "award_quotas": schemas.AwardQuotaRow,
    "targets": schemas.TargetRow,
    "sources": schemas.SourceRow,
    "levels": schemas.LevelRow,
    "authorities": schemas.AuthorityRow,
    "legal_bases": schemas.LegalBasisRow,
    "conference_costs": schemas.ConferenceCostRow,
    "conference_programme": schemas.ProgrammeRow,
    "plan_tasks": schemas.PlanTaskRow,
    "outline_titles": schemas.OutlineTitleRow,
    "wording": schemas.WordingRow,
}


def _invalid(path: Path, detail: str) -> CatalogInvalid:
    return CatalogInvalid(Problem("QPTD-E080", file=str(path), detail=detail))


def _read_rows(path: Path, model: type[BaseModel]) -> pd.DataFrame:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _invalid(path, f"không đọc được ({exc})") from exc
    rows: list[dict[str, Any]] = []
    for line, record in enumerate(raw, start=2):
        fields = model.model_fields
        cleaned = {
            k: v
            for k, v in record.items()
            if k is not None and not (v == "" and fields.get(k) and fields[k].default is None)
        }
        try:
            rows.append(model.model_validate(cleaned).model_dump())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise _invalid(path, f"dòng {line}, cột {where}: {first['msg']}") from exc
    return pd.DataFrame(rows, columns=list(model.model_fields))


def _unique(df: pd.DataFrame, column: str, path: Path) -> None:
    dup = df[column][df[column].duplicated()]
    if not dup.empty:
        raise _invalid(path, f"giá trị trùng ở cột {column}: {', '.join(map(str, dup))}")


@dataclass(frozen=True)
class Catalog:
    """All catalogues of one review, as validated DataFrames plus the review settings."""

    review: schemas.Review
    units: pd.DataFrame
    indicators: pd.DataFrame
    outline: pd.DataFrame
    award_forms: pd.DataFrame
    recipient_groups: pd.DataFrame
    collective_levels: pd.DataFrame
    award_rates: pd.DataFrame
    base_salary: pd.DataFrame
    deadlines: pd.DataFrame
    award_quotas: pd.DataFrame
    targets: pd.DataFrame
    sources: pd.DataFrame
    levels: pd.DataFrame
    authorities: pd.DataFrame
    legal_bases: pd.DataFrame
    conference_costs: pd.DataFrame
    conference_programme: pd.DataFrame
    plan_tasks: pd.DataFrame
    outline_titles: pd.DataFrame
    wording: pd.DataFrame
    views: schemas.Views
    documents: dict[str, Any]  # documents.yaml: letterheads, signers, distribution lists
    origin: dict[str, str]

    @property
    def years(self) -> list[int]:
        """The years of the review period."""
        return self.review.years

    @functools.cached_property
    def _unit_rows(self) -> dict[str, pd.Series]:
        # reports look units up hundreds of times; a catalogue is never changed once loaded
        return {str(row["unit_code"]): row for _, row in self.units.iterrows()}

    @property
    def guidance_date(self) -> dt.date:
        """The date of the guidance the review carries out (the legal basis ``review.source``)."""
        rows = self.legal_bases.loc[self.legal_bases["code"] == self.review.source, "valid_from"]
        return rows.iloc[0] if len(rows) else self.review.date_window[0]

    def unit(self, unit_code: str) -> pd.Series:
        """Return one unit's registry row, or raise :class:`UnitUnknown` (QPTD-E081)."""
        row = self._unit_rows.get(unit_code) if isinstance(unit_code, str) else None
        if row is None:
            raise fail(UnitUnknown, "QPTD-E081", value=unit_code)
        return row.copy()

    def resolve(self, code: object) -> str:
        """Return the registry's code for ``code``, restoring leading zeros lost on the way.

        ``papermill -p unit_code 061`` hands the notebook the number 61; official codes have
        2, 3 or 5 digits, so a number matches at most one of them.
        """
        text = str(code).strip()
        known = set(self.units["unit_code"])
        if text in known:
            return text
        if text.isdigit():
            matches = [text.zfill(n) for n in (2, 3, 5) if text.zfill(n) in known]
            if len(matches) == 1:
                return matches[0]
        raise fail(UnitUnknown, "QPTD-E081", value=text)

    def place(self, unit_code: str) -> str:
        """Return a unit's name as written mid-sentence: "huyện Ba Bể", "xã Bằng Thành"."""
        row = self.unit(unit_code)
        name = str(row["name"])
        kind = str(row["division_type"])
        if row["level"] in ("tinh", "huyen", "xa") and name.lower().startswith(kind.lower()):
            return kind.lower() + name[len(kind) :]
        return name

    def descendants(self, unit_code: str) -> set[str]:
        """Return the unit and every unit below it in the registry."""
        found, frontier = {unit_code}, {unit_code}
        while frontier:
            frontier = (
                set(self.units.loc[self.units["parent_code"].isin(frontier), "unit_code"]) - found
            )
            found |= frontier
        return found

    def children(self, unit_code: str, level: str | None = None) -> pd.DataFrame:
        """Return the units whose parent is ``unit_code`` (optionally of one level)."""
        kids = self.units.loc[self.units["parent_code"] == unit_code]
        return kids if level is None else kids.loc[kids["level"] == level]

    def rollup_children(self, unit_code: str) -> pd.DataFrame:
        """Return the units whose values roll up into ``unit_code`` (``review.yaml``)."""
        level = str(self.unit(unit_code)["level"])
        return self.children(unit_code).loc[
            lambda kids: kids["level"].isin(self.review.rollup_children.get(level, ()))
        ]

    def military_agency(self, unit_code: str) -> str:
        """Return the military agency a unit reports to: its level's, else the one above.

        A department of the province reports to the provincial military command (seed II.2);
        a district's military command to the provincial one; the provincial command to the
        military region named in ``documents.yaml`` (or "cơ quan quân sự cấp trên").
        """
        parent = str(self.unit(unit_code)["parent_code"])
        while parent:
            agencies = self.children(parent, "donvi")
            agencies = agencies.loc[agencies["unit_code"] != unit_code]
            if len(agencies):
                return str(agencies["name"].iloc[0])
            parent = str(self.unit(parent)["parent_code"])
        return "cơ quan quân sự cấp trên"

    def kinds(self, units: pd.DataFrame) -> str:
        """Name the kinds of some units as a list would: "các phường, xã", "các huyện, thành phố".

        Kinds come from the registry's ``division_type`` (most frequent first), so a district
        with only communes reads "các xã" and a city "các phường, xã".
        """
        counts = units["division_type"].fillna("").replace("", pd.NA).dropna().value_counts()
        kinds = sorted(counts.index, key=lambda k: (-counts[k], k))
        return f"các {', '.join(kinds)}" if kinds else "các đơn vị"

    def scope_text(self, indicator: str, unit_code: str) -> str:
        """Say in words what a unit enters for an indicator, so that no total is counted twice.

        An ``own`` indicator at a level that rolls up: only what the level itself did, not its
        sub-units; an area indicator: the whole area, its sub-units included; a unit with no
        sub-units: its own figure.
        """
        unit = self.unit(unit_code)
        rule = str(self.indicators.set_index("code").at[indicator, "rollup"])
        division = str(unit["division_type"] or self.level_name(str(unit["level"]), "plural"))
        kids = self.rollup_children(unit_code)
        if rule == "flag":
            return "ghi 1 nếu năm đó đạt, 0 nếu chưa đạt"
        if kids.empty:
            return (
                "số của cơ quan, đơn vị"
                if unit["level"] in ("nganh", "donvi")
                else f"số của {division}"
            )
        groups = [self.kinds(part) for _, part in kids.groupby("level", sort=False)]
        below = " và ".join(groups)
        if rule == "own":
            return f"chỉ ghi số do cấp {division} trực tiếp thực hiện, không gồm {below}"
        return f"số toàn {division}, gồm cả {below}"

    def indicators_for(self, level: str, *, inputs_only: bool = False) -> pd.DataFrame:
        """Return the indicators that apply to a level, in catalogue order.

        Parameters
        ----------
        level
            A unit level (``xa``, ``huyen``, ``tinh``, ``nganh``, ``donvi``).
        inputs_only
            Leave out derived (ratio) indicators, which are never entered.
        """
        mask = self.indicators["levels"].map(lambda levels: level in levels)
        if inputs_only:
            mask &= self.indicators["kind"] != "ratio"
        return self.indicators.loc[mask]

    def level_name(self, level: str, form: str = "name") -> str:
        """Return a level's Vietnamese name: ``name`` ("Cấp huyện"), ``short_name``, ``plural``."""
        match = self.levels.loc[self.levels["code"] == level, form]
        return str(match.iloc[0]) if not match.empty else level

    def section_title(self, section_id: str, unit_code: str | None = None) -> str:
        """Return an outline section's heading, worded for the unit's level when it says so."""
        if unit_code is not None:
            unit = self.unit(unit_code)
            worded = self._worded_titles.get((section_id, str(unit["level"])))
            if worded is not None:
                parent = self.unit(str(unit["parent_code"])) if unit["parent_code"] else unit
                return worded.format(
                    division=unit["division_type"] or self.level_name(str(unit["level"]), "plural"),
                    parent_division=parent["division_type"] or self.review.province_name,
                )
        return self._titles[section_id]

    @functools.cached_property
    def _titles(self) -> dict[str, str]:
        return dict(zip(self.outline["section_id"], self.outline["title"].astype(str), strict=True))

    @functools.cached_property
    def _worded_titles(self) -> dict[tuple[str, str], str]:
        frame = self.outline_titles.drop_duplicates(["section_id", "level"])
        return {(str(s), str(lv)): str(t)
                for s, lv, t in zip(frame["section_id"], frame["level"], frame["title"], strict=True)}  # fmt: skip

    @property
    def level_words(self) -> dict[str, str]:
        """Each level as a sentence names it: ``{"xa": "xã", "huyen": "huyện", …}``."""
        return {str(r.code): str(r.short_name).lower() for r in self.levels.itertuples()}

    def reword(self, text: str, level: str) -> str:
        """Fit auto-drafted text to a level's way of speaking (``wording.csv``).

        Phrases of the level ``keep`` (a law's name: "Luật Dân quân tự vệ") are never changed.
        """
        rules = self._wording.get(level, ())
        if not rules:
            return text
        kept = self._wording.get("keep", ())
        for i, (phrase, _) in enumerate(kept):
            text = text.replace(phrase, f"\x00{i}\x00")
        for find, replace in rules:
            text = text.replace(find, replace)
        for i, (phrase, _) in enumerate(kept):
            text = text.replace(f"\x00{i}\x00", phrase)
        return text

    @functools.cached_property
    def _wording(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for row in self.wording.itertuples():
            out.setdefault(str(row.level), []).append((str(row.find), str(row.replace)))
        return out

    @property
    def period_text(self) -> str:
        """The review period as every document writes it: "2009 - 2019"."""
        return f"{self.review.period_start} - {self.review.period_end}"

    def cite(self, source_id: str) -> str:
        """Return the citation text of a source id (or the id itself when unknown)."""
        match = self.sources.loc[self.sources["id"] == source_id, "citation"]
        return str(match.iloc[0]) if not match.empty else source_id


def _locate(name: str, override_dir: Path | None) -> Path:
    if override_dir is not None:
        candidate = override_dir / name
        if candidate.is_file():
            return candidate
    return BUNDLED / name


def _load_yaml(path: Path, model: type[_Model]) -> _Model:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise _invalid(path, str(exc).splitlines()[0]) from exc


def _load_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _invalid(path, str(exc).splitlines()[0]) from exc
    if not isinstance(data, dict) or "levels" not in data:
        raise _invalid(path, "cần một bảng có mục levels")
    return data


def _cross_check(cat: dict[str, pd.DataFrame], paths: dict[str, Path]) -> None:
    units = cat["units"]
    _unique(units, "unit_code", paths["units"])
    known = set(units["unit_code"])
    orphans = sorted(set(units["parent_code"]) - known - {""})
    if orphans:
        raise _invalid(paths["units"], f"mã đơn vị cấp trên không tồn tại: {', '.join(orphans)}")
    ind = cat["indicators"]
    _unique(ind, "code", paths["indicators"])
    codes = set(ind["code"])
    sections = set(cat["outline"]["section_id"])
    bad_sections = sorted(set(ind["section_id"]) - sections)
    if bad_sections:
        raise _invalid(paths["indicators"], f"mục đề cương không tồn tại: {bad_sections}")
    for row in ind.itertuples():
        refs = [r for r in (row.numerator, row.denominator, row.max_of) if r]
        if row.kind == "ratio" and not (row.numerator and row.denominator):
            raise _invalid(paths["indicators"], f"{row.code}: tỷ lệ thiếu tử số hoặc mẫu số")
        if any(r not in codes for r in refs):
            raise _invalid(paths["indicators"], f"{row.code}: tham chiếu chỉ tiêu không tồn tại")
    _unique(cat["outline"], "section_id", paths["outline"])
    stray = sorted(set(cat["outline_titles"]["section_id"]) - sections)
    if stray:
        raise _invalid(paths["outline_titles"], f"mục đề cương không tồn tại: {stray}")
    forms = set(cat["award_forms"]["code"])
    _unique(cat["award_forms"], "code", paths["award_forms"])
    if set(cat["award_rates"]["form"]) != forms:
        raise _invalid(paths["award_rates"], "danh sách hình thức không khớp award_forms.csv")
    cited = set(cat["sources"]["id"])
    levels = set(cat["levels"]["code"])
    if levels != set(LEVELS):
        raise _invalid(paths["levels"], f"cần đủ các cấp {', '.join(LEVELS)}")
    authorities = set(cat["authorities"]["code"])
    for column in ("decided_by", "paid_by"):
        missing_auth = sorted(set(cat["award_forms"][column]) - authorities)
        if missing_auth:
            raise _invalid(
                paths["award_forms"], f"cấp không có trong authorities.csv: {missing_auth}"
            )
    for name in (
        "award_forms",
        "award_rates",
        "award_quotas",
        "base_salary",
        "deadlines",
        "recipient_groups",
        "levels",
        "authorities",
        "legal_bases",
        "conference_costs",
        "conference_programme",
        "plan_tasks",
        "outline_titles",
        "wording",
    ):
        missing = sorted(set(cat[name]["source"]) - cited)
        if missing:
            raise _invalid(paths[name], f"nguồn chưa có trong sources.csv: {missing}")


@functools.lru_cache(maxsize=8)
def _load_cached(override_dir: Path | None, signature: tuple[tuple[str, int], ...]) -> Catalog:
    paths = {name: _locate(f"{name}.csv", override_dir) for name in _FILES}
    frames = {name: _read_rows(paths[name], model) for name, model in _FILES.items()}
    review_path = _locate("review.yaml", override_dir)
    review = _load_yaml(review_path, schemas.Review)
    views_path = _locate("views.yaml", override_dir)
    views = _load_yaml(views_path, schemas.Views)
    documents_path = _locate("documents.yaml", override_dir)
    documents = _load_mapping(documents_path)
    period = {"start": review.period_start, "end": review.period_end}
    for column in ("title", "guidance"):
        frames["outline"][column] = frames["outline"][column].map(lambda t: t.format(**period))
    frames["outline"] = frames["outline"].sort_values("order", ignore_index=True)
    _cross_check(frames, paths)
    unknown = sorted(views.codes() - set(frames["indicators"]["code"]))
    sections = {*views.report.trend_sections, *views.report.compiled_sections}
    unknown += sorted(sections - set(frames["outline"]["section_id"]))
    if unknown:
        raise _invalid(
            views_path, f"chỉ tiêu hoặc mục đề cương không tồn tại: {', '.join(unknown)}"
        )
    origin = {name: str(path) for name, path in paths.items()}
    origin["review"] = str(review_path)
    origin["views"] = str(views_path)
    origin["documents"] = str(documents_path)
    return Catalog(review=review, views=views, documents=documents, origin=origin, **frames)


def load_catalog(root: str | Path | None = None) -> Catalog:
    """Load and check every catalogue, applying the workspace's overrides.

    Parameters
    ----------
    root
        The workspace root; files in ``<root>/catalog/`` replace bundled ones. ``None``
        loads the bundled catalogues only.

    Returns
    -------
    Catalog
        The validated catalogues (cached; treat the DataFrames as read-only).
    """
    override = Path(root).resolve() / "catalog" if root is not None else None
    if override is not None and not override.is_dir():
        override = None
    signature: tuple[tuple[str, int], ...] = ()
    if override is not None:
        signature = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in override.iterdir()))
    return _load_cached(override, signature)


__all__ = ["BUNDLED", "Catalog", "load_catalog", "schemas"]
