"""The data model: themes (with segments, stocks, indicators) and catalysts.

Pydantic models validate one item at a time, so that one bad stock or reading is reported
and dropped while the rest of its file still loads (see tui.config.loader).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tui.domain.codes import SecurityCode, check_listing, parse_code
from tui.domain.labels import (  # noqa: F401 - the labels of these models, importable with them
    IMPACT_LABELS_ZH,
    KIND_LABELS_ZH,
    LISTING_LABELS_ZH,
    STATUS_LABELS_ZH,
)
from tui.domain.dates import PartialDate
from tui.domain.values import Value

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _slug(value: object) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ValueError(
            f"id {value!r} must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    return value


def _str_list(value: object) -> object:
    """Accept a single string where a list of strings is expected."""
    if isinstance(value, str):
        return [value]
    if value is None:
        return []
    return value


def _partial_date(value: object) -> PartialDate:
    return PartialDate.parse(value)


def _exact_date(value: object) -> date:
    p = PartialDate.parse(value)
    if not p.is_exact:
        raise ValueError(f"expected an exact date YYYY-MM-DD, got {value!r}")
    return p.start


def _value(value: object) -> Value:
    return Value.parse(value)


Slug = Annotated[str, BeforeValidator(_slug)]
StrList = Annotated[list[str], BeforeValidator(_str_list)]
PDate = Annotated[PartialDate, BeforeValidator(_partial_date), PlainSerializer(str)]
ExactDate = Annotated[date, BeforeValidator(_exact_date)]
ReadingValue = Annotated[Value, BeforeValidator(_value), PlainSerializer(lambda v: v.format())]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)


class Source(_Model):
    """Where a fact comes from: an article (file or title), its outlet, date and link."""

    article: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: PDate | None = None
    url: str | None = None
    quote: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"article": data} if isinstance(data, str) else data

    def label(self) -> str:
        parts = [p for p in (self.outlet, self.title or self.article) if p]
        if self.date:
            parts.append(str(self.date))
        return " · ".join(parts) if parts else "—"


# ---------------------------------------------------------------------------- stocks

ListingStatus = Literal["listed", "unlisted", "ipo_filed", "suspended", "delisted"]


class Segment(_Model):
    """An industry-chain segment of a theme (上游/中游/下游/…)."""

    name: str = Field(min_length=1)
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


class Stock(_Model):
    """A company in a theme: listed (with a code) or tracked before listing (no code)."""

    # `market` is declared before `code` so that the code's validator sees it: a five-digit
    # code is a Hong Kong listing only when the file says so (tui.domain.codes.check_listing).
    market: Literal["A", "HK"] | None = None
    code: str | None = None
    #: The fields in the order a file writes them (for "unknown field …; expected one of").
    field_display_order: ClassVar[tuple[str, ...]] = (
        "code", "name", "segment", "reason", "risks", "tags", "notes", "status", "status_note",
        "former_names", "source", "market",
    )
    name: str = Field(min_length=1)
    segment: str | None = None
    reason: str | None = None
    risks: StrList = Field(default_factory=list)
    tags: StrList = Field(default_factory=list)
    notes: str | None = None
    status: ListingStatus = "listed"
    status_note: str | None = None
    former_names: StrList = Field(default_factory=list)
    source: Source | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (int, float)):
            raise ValueError(
                f"code was read as the number {value!r} because it is not quoted; write it in quotes"
            )
        check_listing(value, info.data.get("market"))  # raises CodeError (a ValueError) with the reason
        return value

    @model_validator(mode="after")
    def _market_needs_code(self) -> Stock:
        if self.market == "HK" and self.code is None:
            raise ValueError(f"stock {self.name!r} has market: HK but no code; a Hong Kong listing needs its five-digit code")
        return self

    @model_validator(mode="after")
    def _code_needed(self) -> Stock:
        if self.code is None and self.status in ("listed", "suspended"):
            raise ValueError(
                f"stock {self.name!r} has no code; a listed stock needs one, "
                "or set status: unlisted / ipo_filed / delisted"
            )
        return self

    @property
    def security(self) -> SecurityCode | None:
        return parse_code(self.code) if self.code else None

    @property
    def key(self) -> str:
        """Stable key for tables: the code, or the name for unlisted companies."""
        return self.code or f"name:{self.name}"


# ------------------------------------------------------------------------ indicators

_EVERY = {
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "half-yearly": 183,
    "yearly": 366,
}
_DAYS = re.compile(r"^(\d+)\s*d$")


def _interval_days(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _EVERY:
            return _EVERY[text]
        if m := _DAYS.match(text):
            return int(m[1])
    raise ValueError(
        f"update_every {value!r} must be one of {', '.join(_EVERY)} or a number of days like '90d'"
    )


class Baseline(_Model):
    """Where progress toward a target is measured from."""

    date: PDate
    value: float


class Target(_Model):
    """A target: a value (with the indicator's good direction), or a range; optionally dated."""

    value: float | None = None
    range: tuple[float, float] | None = None
    by: ExactDate | None = None
    baseline: Baseline | None = None
    note: str | None = None
    source: Source | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _one_of(self) -> Target:
        if (self.value is None) == (self.range is None):
            raise ValueError("a target needs exactly one of 'value' or 'range'")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError(f"target range {list(self.range)} has its low end above its high end")
        return self

    def describe(self, unit: str, good: str) -> str:
        sep = "" if unit in ("%", "") else " "
        if self.range is not None:
            text = f"{self.range[0]:g}–{self.range[1]:g}{sep}{unit}"
        else:
            assert self.value is not None
            op = "≥" if good == "higher" else "≤"
            text = f"{op} {self.value:,g}{sep}{unit}"
        if self.by:
            text += f" (by {self.by.isoformat()})"
        return text


class Reading(_Model):
    """One observation of an indicator."""

    date: PDate
    value: ReadingValue
    unit: str | None = None
    source: Source | None = None
    note: str | None = None


class Indicator(_Model):
    """A key figure of a theme, tracked against a target."""

    id: Slug
    name: str = Field(min_length=1)
    unit: str = ""
    good: Literal["higher", "lower"] = "higher"
    target: Target | None = None
    update_every: Annotated[int, BeforeValidator(_interval_days)] = 92
    subject: str | None = None
    codes: StrList = Field(default_factory=list)
    readings: list[Reading] = Field(default_factory=list)
    notes: str | None = None
    source: Source | None = None


# ------------------------------------------------------------------------ themes


class BoardRef(_Model):
    """A portal board (东方财富 概念板块 / 行业板块) a theme keeps in step with (`theme diff`)."""

    code: str
    name: str | None = None
    kind: Literal["concept", "industry"] = "concept"
    added: PDate | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        from tui.domain.boards import is_board_code

        if not is_board_code(value):
            raise ValueError(f"board code {value!r} must be BK and four digits, e.g. BK1128")
        return value.strip().upper()


class Theme(_Model):
    """A theme (题材): its thesis, industry-chain segments, stocks and indicators."""

    id: Slug
    name: str = Field(min_length=1)
    description: str | None = None
    benchmark: str = "sz399006"
    segments: list[Segment] = Field(default_factory=list)
    stocks: list[Stock] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    tags: StrList = Field(default_factory=list)
    source: Source | None = None
    boards: list[BoardRef] = Field(default_factory=list)

    @field_validator("segments", "boards", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        # `segments:` followed only by comments (the template `theme new` writes) means none.
        return [] if value is None else value
    # Catalyst inbox (tui.inbox.relevance): words that make a fetched item relevant to this
    # theme, and patterns of routine filings to mute. `mute` left out = the documented
    # defaults; `mute: []` = mute nothing.
    keywords: StrList = Field(default_factory=list)
    mute: list[str] | None = None

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, values: list[str]) -> list[str]:
        for v in values:
            if not isinstance(v, str) or not v.strip():
                raise ValueError(f"keyword {v!r} must be a non-empty text")
        return [v.strip() for v in values]

    @field_validator("mute", mode="before")
    @classmethod
    def _mute(cls, value: object) -> object:
        if value is None:
            return None
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            raise ValueError(f"mute must be a list of patterns, got {type(value).__name__}")
        for v in values:
            if not isinstance(v, str) or not v.strip():
                raise ValueError(f"mute pattern {v!r} must be a non-empty text")
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"mute pattern {v!r} is not a valid regular expression: {exc}") from None
        return values

    @field_validator("benchmark")
    @classmethod
    def _benchmark(cls, value: str) -> str:
        if not re.match(r"^(sh|sz|bj)\d{6}$", value):
            raise ValueError(f"benchmark {value!r} must be an index code with its market prefix, e.g. sh000300 or sz399006")
        return value

    def segment_names(self) -> list[str]:
        return [s.name for s in self.segments]


# ------------------------------------------------------------------------ catalysts

CatalystKind = Literal[
    "policy", "industry", "company", "earnings", "order", "financing", "risk", "market", "other"
]
CatalystStatus = Literal["expected", "confirmed", "happened", "missed", "cancelled"]
Impact = Literal["positive", "negative", "mixed", "unknown"]



class Catalyst(_Model):
    """A dated (or expected but undated) event that may move a theme's stocks."""

    id: Slug
    title: str = Field(min_length=1)
    date: PDate | None = None
    kind: CatalystKind = "other"
    themes: StrList = Field(default_factory=list)
    stocks: StrList = Field(default_factory=list)
    impact: Impact = "unknown"
    expected: str | None = None
    status: CatalystStatus = "expected"
    outcome: str | None = None
    claimed_reaction: str | None = None
    source: Source | None = None
    notes: str | None = None

    @field_validator("stocks")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        for v in values:
            if not isinstance(v, str):
                raise ValueError(f"stock code {v!r} must be quoted")
            parse_code(v)
        return values
