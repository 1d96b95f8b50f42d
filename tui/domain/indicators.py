"""Progress of an indicator toward its target, and its status.

Status, in order of precedence:
- no_data: no readings at all;
- stale: the latest reading is older than the indicator's `update_every` (days from the
  end of the reading's period to today);
- met: the latest reading satisfies the target (for a range reading or a bound, every value
  it allows must satisfy it: "< 50" does not meet "≥ 80", "> 100000" does meet "≥ 100000");
- on_track / off_track: with a dated target, whether the latest reading is at or beyond the
  straight line from the baseline (or the first reading) to the target at its date; without
  a date, a reading that does not meet the target is off track;
- untargeted: readings but no target (shown as tracking only).

Progress is the fraction of the way from the baseline to the target (0..1, clipped), using
the reading's point value (a range's midpoint, or the bound). With no baseline it is measured
from zero (higher-is-better) or as target/value (lower-is-better).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from tui.domain.labels import INDICATOR_STATUS_EN, INDICATOR_STATUS_ZH
from tui.domain.models import Indicator, Reading, Target
from tui.domain.values import Value, ValueKind


class IndicatorStatus(str, Enum):
    MET = "met"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    STALE = "stale"
    UNTARGETED = "untargeted"


#: Labels by status (defined in tui.domain.labels).
STATUS_LABELS_ZH = {IndicatorStatus(k): v for k, v in INDICATOR_STATUS_ZH.items()}
STATUS_LABELS_EN = {IndicatorStatus(k): v for k, v in INDICATOR_STATUS_EN.items()}


@dataclass(frozen=True)
class IndicatorAssessment:
    """What the app shows for one indicator on one day."""

    indicator: Indicator
    status: IndicatorStatus
    latest: Reading | None
    progress: float | None
    days_since_reading: int | None
    target_met: bool | None
    detail: str
    detail_zh: str = ""


def meets(value: Value, target: Target, good: str) -> bool:
    """True when every value `value` allows satisfies `target`."""
    lo, hi = value.low, value.high
    if target.range is not None:
        t_lo, t_hi = target.range
        return lo is not None and hi is not None and t_lo <= lo and hi <= t_hi
    assert target.value is not None
    if good == "higher":
        return lo is not None and lo >= target.value
    return hi is not None and hi <= target.value


def _progress(point: float, target: Target, good: str, baseline: float | None) -> float | None:
    if target.range is not None:
        t_lo, t_hi = target.range
        if t_lo <= point <= t_hi:
            return 1.0
        return None
    t = target.value
    assert t is not None
    if baseline is not None and baseline != t:
        frac = (point - baseline) / (t - baseline)
    elif good == "higher":
        frac = point / t if t else (1.0 if point >= t else 0.0)
    else:
        frac = t / point if point else 1.0
    return max(0.0, min(1.0, frac))


def _baseline(indicator: Indicator) -> tuple[date, float] | None:
    target = indicator.target
    if target is not None and target.baseline is not None:
        return target.baseline.date.end, target.baseline.value
    if len(indicator.readings) >= 2:
        first = indicator.readings[0]
        return first.date.end, first.value.point
    return None


def assess(indicator: Indicator, today: date) -> IndicatorAssessment:
    """Status, progress and a one-line explanation for `indicator` as of `today`."""
    readings = indicator.readings
    if not readings:
        return IndicatorAssessment(indicator, IndicatorStatus.NO_DATA, None, None, None, None, "no readings yet", "尚无读数")
    latest = readings[-1]
    age = (today - latest.date.end).days
    target = indicator.target
    if target is None:
        status = IndicatorStatus.STALE if age > indicator.update_every else IndicatorStatus.UNTARGETED
        if status is IndicatorStatus.STALE:
            return IndicatorAssessment(indicator, status, latest, None, age, None, f"last reading {age} days old; expected every {indicator.update_every} days; no target set", f"最新读数已过去{age}天，超过更新周期{indicator.update_every}天；未设目标")
        return IndicatorAssessment(indicator, status, latest, None, age, None, "no target set", "未设目标，仅跟踪读数")

    met = meets(latest.value, target, indicator.good)
    base = _baseline(indicator)
    baseline_value = base[1] if base else None
    progress = 1.0 if met else _progress(latest.value.point, target, indicator.good, baseline_value)
    if met and latest.value.kind is not ValueKind.EXACT:
        progress = 1.0

    if age > indicator.update_every:
        status = IndicatorStatus.STALE
        detail = f"last reading {age} days old; expected every {indicator.update_every} days"
        detail_zh = f"最新读数已过去{age}天，超过更新周期{indicator.update_every}天"
        if met:
            detail += " (it met the target)"
            detail_zh += "（该读数已达标）"
    elif met:
        status, detail, detail_zh = IndicatorStatus.MET, "target met", "已达到目标"
    elif target.by is not None and target.value is not None and base is not None:
        start_day, start_value = base
        span = (target.by - start_day).days
        elapsed = (latest.date.end - start_day).days
        expected = target.value if span <= 0 else start_value + (target.value - start_value) * min(1.0, max(0.0, elapsed / span))
        ahead = latest.value.point >= expected if indicator.good == "higher" else latest.value.point <= expected
        status = IndicatorStatus.ON_TRACK if ahead and latest.date.end <= target.by else IndicatorStatus.OFF_TRACK
        detail = f"expected {expected:,.4g} by {latest.date.end.isoformat()} on the path to the target"
        detail_zh = f"按基线到目标的直线路径，{latest.date.end.isoformat()} 应达 {expected:,.4g}"
    elif target.by is not None and target.by >= today:
        status = IndicatorStatus.OFF_TRACK
        detail = f"target not met yet; due {target.by.isoformat()}, no baseline to judge the pace"
        detail_zh = f"尚未达标；截止 {target.by.isoformat()}，没有基线无法判断进度"
    else:
        status = IndicatorStatus.OFF_TRACK
        detail, detail_zh = "target not met", "未达到目标"
    return IndicatorAssessment(indicator, status, latest, progress, age, met, detail, detail_zh)
