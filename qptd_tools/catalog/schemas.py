"""Row schemas of the catalogue files (pydantic), one model per file."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Level = Literal["tinh", "huyen", "xa", "nganh", "donvi"]
UNIT_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _split_levels(value: object) -> object:
    if isinstance(value, str):
        return tuple(value.split())
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class UnitRow(_Row):
    """One unit of the registry (``units.csv``)."""

    unit_code: str = Field(pattern=UNIT_CODE_RE.pattern)
    name: str = Field(min_length=1)
    level: Level
    parent_code: str = ""
    division_type: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""


class IndicatorRow(_Row):
    """One indicator of the catalogue (``indicators.csv``)."""

    code: str = Field(pattern=r"^[A-Z0-9_]+$")
    name: str = Field(min_length=1)
    short_label: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    section_id: str
    kind: Literal["flow", "stock", "flag", "ratio"]
    numerator: str = ""
    denominator: str = ""
    levels: tuple[Level, ...]
    integer: bool
    rollup: Literal["area_equal", "area_min", "own", "flag", "none"]
    tolerance_pct: float | None = None
    max_of: str = ""
    yoy_factor: float | None = None
    key: bool
    better: Literal["higher", "lower", "neither"]  # whether a rank among siblings means something
    phrase: str = Field(pattern=r"\{v\}")

    _levels = field_validator("levels", mode="before")(_split_levels)


class OutlineRow(_Row):
    """One section of the report outline (``outline.csv``)."""

    section_id: str = Field(pattern=r"^[A-Za-z0-9.]+$")
    parent_id: str = ""
    order: int
    level: Literal["part", "roman", "arabic", "point", "star", "dash"]
    label: str
    title: str = Field(min_length=1)
    narrative: Literal["required", "optional", "none"]
    guidance: str = ""


class AwardFormRow(_Row):
    """One award form (``award_forms.csv``)."""

    code: str = Field(pattern=r"^[A-Z0-9_]+$")
    order: int
    name: str
    short_name: str
    recipients: tuple[Literal["tap_the", "ca_nhan"], ...]
    decided_by: str
    paid_by: str
    proposing_levels: tuple[Level, ...]
    source: str

    _recipients = field_validator("recipients", "proposing_levels", mode="before")(_split_levels)


class RecipientGroupRow(_Row):
    """One recipient group (``recipient_groups.csv``)."""

    code: str = Field(pattern=r"^(TT|CN)_[A-Z]+$")
    recipient_type: Literal["tap_the", "ca_nhan"]
    order: int
    name: str
    source: str


class CollectiveLevelRow(_Row):
    """One level of military collectives (``collective_levels.csv``)."""

    code: str = Field(pattern=r"^[A-Z_]+$")
    order: int
    name: str
    eligible: bool
    source: str


class AwardRateRow(_Row):
    """The money rate of one award form (``award_rates.csv``)."""

    form: str
    coefficient: float | None = Field(default=None, ge=0)
    collective_multiplier: float = Field(gt=0)
    confirmed: bool
    source: str


class BaseSalaryRow(_Row):
    """The base salary from a date on (``base_salary.csv``)."""

    effective_from: dt.date
    amount: int = Field(gt=0)
    source: str


class DeadlineRow(_Row):
    """One deadline of the review (``deadlines.csv``)."""

    level: Level
    event: Literal["conference", "report"]
    deadline: dt.date
    inclusive: bool
    source: str


class AwardQuotaRow(_Row):
    """The province's numbers for a form (``award_quotas.csv``; Guidance 297, III.C).

    At most ``max_count`` records of ``form`` per unit of ``level``, for one recipient type
    (``tap_the``, ``ca_nhan``) or both (empty); ``criteria`` quotes the province's criteria.
    """

    form: str
    level: Level
    recipient_type: Literal["tap_the", "ca_nhan", ""] = ""
    max_count: int = Field(ge=0)
    criteria: str = ""
    source: str


class TargetRow(_Row):
    """A target or norm of an indicator's period value, with its source (``targets.csv``)."""

    indicator: str
    operator: Literal[">=", "<="]
    target: float
    source: str


class LevelRow(_Row):
    """One level of unit (``levels.csv``): its names in Vietnamese."""

    code: Level
    order: int
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    plural: str = Field(min_length=1)
    territorial: bool
    holds_conference: bool  # seed II.2: conferences at three levels; others send a report
    group_title: str = ""  # how a report's comparison table heads a group of such units
    closing: str = ""  # the closing sentence of a report of a level that holds none
    source: str


class OutlineTitleRow(_Row):
    """A section heading worded for one level (``outline_titles.csv``).

    ``{division}`` is the unit's kind ("huyện", "thành phố"), ``{parent_division}`` its parent's.
    """

    section_id: str
    level: Level
    title: str = Field(min_length=1)
    source: str


class WordingRow(_Row):
    """A wording of the auto-drafted text fitted to a level (``wording.csv``).

    Level ``keep``: a phrase no wording changes (a law's name).
    """

    level: Level | Literal["keep"]
    find: str = Field(min_length=1)
    replace: str
    source: str


class AuthorityRow(_Row):
    """One authority that decides award forms (``authorities.csv``).

    Also who pays its awards, and how a submission reaches it: the addressee ("Kính gửi")
    and the body it goes through.
    """

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    order: int
    name: str = Field(min_length=1)
    payer: str = Field(min_length=1)
    addressee: str = ""
    via: str = ""
    channel: Literal["civil", "military"] = "civil"
    source: str


class ConferenceCostRow(_Row):
    """One cost of a level's half-day conference (``conference_costs.csv``).

    ``basis`` says what the rate is multiplied by: the conference, each participant, or each
    award presented there. ``confirmed`` is false for a rate no document confirms yet.
    """

    code: str = Field(pattern=r"^[A-Z0-9_]+$")
    order: int
    item: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    basis: Literal["conference", "participant", "award"]
    level: Level
    rate: float = Field(ge=0)
    confirmed: bool
    source: str


class ProgrammeRow(_Row):
    """One item of a level's half-day conference programme (``conference_programme.csv``).

    ``by`` names who does it; ``{chair}``, ``{commander}``, ``{upper}``, ``{speakers}`` and
    ``{awards}`` are filled from the registry and the records when the plan is written.
    """

    code: str = Field(pattern=r"^[A-Z0-9_]+$")
    order: int
    level: Level
    minutes: int = Field(gt=0)
    item: str = Field(min_length=1)
    by: str
    source: str


class PlanTaskRow(_Row):
    """One assignment of a conference plan (``plan_tasks.csv``), due ``days_before`` the conference."""

    code: str = Field(pattern=r"^[A-Z0-9_]+$")
    order: int
    level: Level
    task: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    days_before: int = Field(ge=0)
    source: str


class LegalBasisRow(_Row):
    """One legal basis ("Căn cứ …") of the review's documents (``legal_bases.csv``).

    A document cites it only when dated while it is in force.
    """

    code: str = Field(pattern=r"^[A-Za-z0-9_.]+$")
    order: int
    documents: tuple[Literal["decision", "submission", "plan"], ...]
    valid_from: dt.date
    valid_to: dt.date | None = None
    text: str = Field(min_length=1)
    source: str

    _split = field_validator("documents", mode="before")(_split_levels)


class SourceRow(_Row):
    """One cited source (``sources.csv``)."""

    id: str
    citation: str


class ReportViews(_Row):
    """The indicators of the unit report's appendix views (``views.yaml``, ``report``)."""

    trend_sections: tuple[str, ...]
    children_table: tuple[str, ...]
    children_figure: dict[str, str]
    # the sections whose sub-units' texts the compiling report quotes and tabulates (issue #15)
    compiled_sections: tuple[str, ...] = ()

    @field_validator("children_figure")
    @classmethod
    def _has_default(cls, value: dict[str, str]) -> dict[str, str]:
        if "default" not in value:
            raise ValueError("children_figure cần khóa default")
        return value

    def compare_code(self, level: str) -> str:
        """Return the indicator the sub-units of a unit of ``level`` are compared on."""
        return self.children_figure.get(level, self.children_figure["default"])


class OverviewViews(_Row):
    """The indicators of the overview notebook (``views.yaml``, ``overview``)."""

    table: tuple[str, ...]
    figures: tuple[str, ...]


class Views(_Row):
    """Which indicators each table and figure shows (``views.yaml``)."""

    report: ReportViews
    overview: OverviewViews

    def codes(self) -> set[str]:
        """Return every indicator code the views name."""
        r, o = self.report, self.overview
        return {*r.children_table, *r.children_figure.values(), *o.table, *o.figures}


class Review(_Row):
    """The review itself (``review.yaml``): its period, province and settings."""

    id: str
    title: str
    conference_title: str
    period_start: int = Field(ge=1945, le=2100)
    period_end: int = Field(ge=1945, le=2100)
    province_code: str
    province_name: str
    source: str
    template_version: str
    award_rounding_dong: int = Field(ge=1)
    date_window: tuple[dt.date, dt.date]
    rollup_children: dict[str, tuple[str, ...]]
    award_reference_date: dt.date
    outlier_min_level: float = Field(ge=0)
    double_count_window: tuple[float, float] = (0.95, 1.10)
    double_count_share: float = Field(default=0.6, gt=0, le=1)
    estimated_years: tuple[int, ...] = ()
    plan_lead_days: dict[str, int] = Field(default_factory=dict)
    proposed_days_before_deadline: int = Field(default=5, ge=0)

    @property
    def years(self) -> list[int]:
        """The years of the review period, first to last."""
        return list(range(self.period_start, self.period_end + 1))
