"""The limit-up ladder (连板梯队): per-stock, per-session ladder state, a day's ladder, daily heat.

Vocabulary (as traders use it; see the team's domain notes):

* ``streak`` (连板数): consecutive limit-up closes ending at this session; 1 = 首板, N = N板.
* ``one_word`` (一字板): open = high = low = close at the limit.
* ``broken`` (炸板): the high reached the limit-up price but the close was below it.
* ``down_streak`` (连续跌停): consecutive limit-down closes ending at this session.
* 最高标 (空间板): the stock with the highest streak on a day; ties go to the stronger seal
  (一字 first), then to the code. It is not the day's top gainer (领涨).
* 晋级率: of the stocks whose previous session closed limit-up, the share that closed
  limit-up again. 炸板率: broken ÷ (sealed + broken), i.e. of those that touched the limit.

Suspensions (chosen here, documented in README): a streak is counted over the stock's *own*
traded sessions, so a suspended day neither counts nor breaks it (600589's run would survive a
one-day halt). Eastmoney's pool counts the same way. Likewise "yesterday" for 晋级率 is the
stock's previous traded session, and a stock suspended today is not in today's denominator.

Everything is vectorised over a long frame sorted by (code, date); no Python loop runs per
row or per session. ``ladder_states`` is the frame other features (alerts) should consume.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from tui.analytics.limits import limit_flags

#: Columns of ``ladder_states`` beyond those of ``limit_flags``.
LADDER_EXTRA_COLUMNS = ["touched", "down_streak", "prev_streak", "prev_limit_up", "basis"]

HEAT_COLUMNS = [
    "stocks", "limit_up", "limit_down", "broken", "one_word", "top_streak", "broken_rate",
    "prev_limit_up", "promoted", "promotion_rate",
]


def _run_length(flag: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Consecutive True values ending at each row, restarting at each code's first row."""
    n = len(flag)
    if n == 0:
        return np.zeros(0, dtype="int64")
    pos = np.arange(n)
    # Index of the last row that is not part of the run (or the code's first row minus one).
    reset = np.where(~flag, pos, np.where(first, pos - 1, -1))
    last_reset = np.maximum.accumulate(reset)
    return np.where(flag, pos - last_reset, 0).astype("int64")


def add_ladder_columns(flags: pd.DataFrame, *, basis: str = "qfq") -> pd.DataFrame:
    """Add touched, down_streak, prev_streak, prev_limit_up and basis to a ``limit_flags`` frame
    (sorted by code and date, as ``limit_flags`` returns it). The streak is recomputed so that a
    code's first bar at the limit counts as 1 even without history before it."""
    out = flags
    codes = out["code"].to_numpy()
    n = len(out)
    first = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = codes[1:] != codes[:-1]
    up = out["limit_up"].to_numpy(dtype=bool)
    down = out["limit_down"].to_numpy(dtype=bool)
    streak = _run_length(up, first)
    out["streak"] = streak
    out["touched"] = up | out["broken"].to_numpy(dtype=bool)
    out["down_streak"] = _run_length(down, first)
    prev_streak = np.zeros(n, dtype="int64")
    if n > 1:
        prev_streak[1:] = streak[:-1]
    prev_streak[first] = 0
    out["prev_streak"] = prev_streak
    out["prev_limit_up"] = prev_streak > 0
    out["basis"] = basis
    return out


def ladder_states(
    bars: pd.DataFrame,
    *,
    prices: str = "qfq",
    st=None,
    new_listings: Mapping[str, object] | None = None,
    st_main_10pct_from=None,
) -> pd.DataFrame:
    """Per stock and session: ``limit_flags`` columns plus LADDER_EXTRA_COLUMNS.

    On qfq prices the flags use a one-tick band and mark ``uncertain`` bars (see
    ``tui.analytics.limits``); on raw prices they are exact.
    """
    flags = limit_flags(bars, prices=prices, st=st, new_listings=new_listings, st_main_10pct_from=st_main_10pct_from)
    return add_ladder_columns(flags, basis=prices)


def ladder_states_preferring_raw(
    qfq_bars: pd.DataFrame,
    raw_bars: pd.DataFrame | None = None,
    *,
    st=None,
    new_listings: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Ladder states on raw prices for the codes whose stored raw bars reach their newest qfq
    bar, on qfq prices (with the uncertainty band) for the rest. One basis per code: a streak
    never mixes adjusted and raw closes."""
    qfq = qfq_bars.loc[:, ["code", "date", "open", "high", "low", "close"]]
    raw_codes: set[str] = set()
    if raw_bars is not None and len(raw_bars):
        raw = raw_bars.loc[:, ["code", "date", "open", "high", "low", "close"]]
        raw_last = pd.to_datetime(raw["date"]).groupby(raw["code"]).max()
        qfq_last = pd.to_datetime(qfq["date"]).groupby(qfq["code"]).max() if len(qfq) else pd.Series(dtype="datetime64[ns]")
        both = raw_last.index.intersection(qfq_last.index)
        covered = both[(raw_last.reindex(both) >= qfq_last.reindex(both)).to_numpy()]
        only_raw = raw_last.index.difference(qfq_last.index)
        raw_codes = set(covered) | set(only_raw)
    parts = []
    if raw_codes:
        parts.append(ladder_states(raw.loc[raw["code"].isin(raw_codes)], prices="raw", st=st, new_listings=new_listings))
    rest = qfq.loc[~qfq["code"].isin(raw_codes)]
    if len(rest) or not parts:
        parts.append(ladder_states(rest, prices="qfq", st=st, new_listings=new_listings))
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts, ignore_index=True).sort_values(["code", "date"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------- one day's ladder


@dataclass(frozen=True)
class LadderDay:
    """A set of stocks' ladder on one session (a theme, or the whole market)."""

    date: str | None
    stocks: int
    limit_up: int
    limit_down: int
    broken: int
    one_word: int
    top_streak: int
    top_streak_code: str | None
    top_streak_one_word: bool
    ladder: dict[int, int] = field(default_factory=dict)  # height -> count, highest first
    prev_limit_up: int = 0
    promoted: int = 0
    uncertain: int = 0

    @property
    def broken_rate(self) -> float | None:
        touched = self.limit_up + self.broken
        return self.broken / touched if touched else None

    @property
    def promotion_rate(self) -> float | None:
        return self.promoted / self.prev_limit_up if self.prev_limit_up else None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["ladder"] = ladder_text(self.ladder)
        out["broken_rate"] = self.broken_rate
        out["promotion_rate"] = self.promotion_rate
        return out


def ladder_text(ladder: Mapping[int, int]) -> str:
    """The contract form of a ladder: "5:1 3:1 2:2 1:4" (height:count, highest first)."""
    return " ".join(f"{h}:{c}" for h, c in sorted(ladder.items(), reverse=True))


def ladder_label(ladder: Mapping[int, int], *, first: str = "首板", board: str = "板") -> str:
    """The display form: "5板×1 3板×1 2板×2 首板×4"."""
    return " ".join(f"{first if h == 1 else f'{h}{board}'}×{c}" for h, c in sorted(ladder.items(), reverse=True))


def streak_label(streak: int, one_word: bool = False, *, first: str = "首板", board: str = "板", word: str = "一字") -> str:
    """"首板", "5板", "5板 一字"; empty for 0."""
    if streak <= 0:
        return ""
    text = first if streak == 1 else f"{streak}{board}"
    return f"{text} {word}" if one_word else text


def _pick_top(codes: np.ndarray, streak: np.ndarray, one_word: np.ndarray) -> int | None:
    """Row of the 最高标: highest streak, then 一字, then the smallest code."""
    if len(codes) == 0 or streak.max(initial=0) <= 0:
        return None
    order = np.lexsort((codes.astype(str), ~one_word, -streak))
    return int(order[0])


def ladder_day(states: pd.DataFrame, day=None, codes: Iterable[str] | None = None) -> LadderDay:
    """The ladder of ``codes`` (all when None) on ``day`` (the newest date when None).

    ``states`` is a ``ladder_states`` frame, or any frame with code, streak, one_word,
    limit_up, limit_down, broken and prev_limit_up columns (a board frame with live states).
    Without a ``date`` column every row is the day.
    """
    frame = states
    if codes is not None:
        frame = frame.loc[frame["code"].isin(list(codes))]
    when = None
    if "date" in frame.columns and len(frame):
        dates = pd.to_datetime(frame["date"])
        target = dates.max() if day is None else pd.Timestamp(day).normalize()
        frame = frame.loc[(dates == target).to_numpy()]
        when = target.date().isoformat()
    elif day is not None:
        when = pd.Timestamp(day).date().isoformat()

    def col(name: str) -> np.ndarray:
        return frame[name].fillna(False).to_numpy(dtype=bool) if name in frame.columns else np.zeros(len(frame), dtype=bool)

    streak = frame["streak"].fillna(0).to_numpy(dtype="int64") if len(frame) else np.zeros(0, dtype="int64")
    return ladder_day_arrays(
        frame["code"].to_numpy(dtype=object), streak, col("one_word"), col("limit_up"), col("limit_down"),
        col("broken"), col("prev_limit_up"), col("uncertain"), when=when,
    )


def ladder_day_arrays(
    codes: np.ndarray, streak: np.ndarray, one_word: np.ndarray, limit_up: np.ndarray, limit_down: np.ndarray,
    broken: np.ndarray, prev_limit_up: np.ndarray, uncertain: np.ndarray | None = None, *, when: str | None = None,
) -> LadderDay:
    """``ladder_day`` on plain arrays of one day's rows (no pandas: the snapshot summarises
    every theme, and per-call pandas overhead would dominate)."""
    streak = np.asarray(streak, dtype="int64")
    up = np.asarray(limit_up, dtype=bool)
    word = np.asarray(one_word, dtype=bool)
    heights, counts = np.unique(streak[streak > 0], return_counts=True)
    top = _pick_top(np.asarray(codes, dtype=object), streak, word & up)
    prev_up = np.asarray(prev_limit_up, dtype=bool)
    down = np.asarray(limit_down, dtype=bool)
    failed = np.asarray(broken, dtype=bool)
    unsure = np.zeros(len(streak), dtype=bool) if uncertain is None else np.asarray(uncertain, dtype=bool)
    return LadderDay(
        date=when,
        stocks=len(streak),
        limit_up=int(up.sum()),
        limit_down=int(down.sum()),
        broken=int(failed.sum()),
        one_word=int((word & up).sum()),
        top_streak=int(streak[top]) if top is not None else 0,
        top_streak_code=str(codes[top]) if top is not None else None,
        top_streak_one_word=bool(word[top]) if top is not None else False,
        ladder={int(h): int(c) for h, c in sorted(zip(heights, counts), reverse=True)},
        prev_limit_up=int(prev_up.sum()),
        promoted=int((prev_up & up).sum()),
        uncertain=int((unsure & (up | down | failed)).sum()),
    )


# ---------------------------------------------------------------------- daily heat


def heat_series(states: pd.DataFrame, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Daily heat of a set of stocks: one row per session (HEAT_COLUMNS), oldest first.

    limit-up count, 最高标 height (top_streak), 炸板率 (broken_rate, NaN when none touched) and
    晋级率 (promotion_rate, NaN when nothing was limit-up the session before). One pass of
    ``np.bincount`` / ``np.maximum.at`` over the rows: no per-session loop.
    """
    frame = states if codes is None else states.loc[states["code"].isin(list(codes))]
    if len(frame) == 0:
        return pd.DataFrame(columns=HEAT_COLUMNS, index=pd.DatetimeIndex([], name="date"), dtype="float64")
    date_idx, labels = pd.factorize(frame["date"], sort=True)
    m = len(labels)

    def count(name: str, mask: np.ndarray | None = None) -> np.ndarray:
        values = frame[name].to_numpy(dtype=bool)
        if mask is not None:
            values = values & mask
        return np.bincount(date_idx, weights=values, minlength=m).astype("int64")

    up = frame["limit_up"].to_numpy(dtype=bool)
    out = pd.DataFrame(index=pd.DatetimeIndex(labels, name="date"))
    out["stocks"] = np.bincount(date_idx, minlength=m)
    out["limit_up"] = count("limit_up")
    out["limit_down"] = count("limit_down")
    out["broken"] = count("broken")
    out["one_word"] = count("one_word", up)
    top = np.zeros(m, dtype="int64")
    np.maximum.at(top, date_idx, frame["streak"].to_numpy(dtype="int64"))
    out["top_streak"] = top
    touched = out["limit_up"].to_numpy() + out["broken"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["broken_rate"] = np.where(touched > 0, out["broken"].to_numpy() / np.maximum(touched, 1), np.nan)
        out["prev_limit_up"] = count("prev_limit_up")
        out["promoted"] = count("prev_limit_up", up)
        prev = out["prev_limit_up"].to_numpy()
        out["promotion_rate"] = np.where(prev > 0, out["promoted"].to_numpy() / np.maximum(prev, 1), np.nan)
    return out[HEAT_COLUMNS]
