"""The theme board: one row per stock with its latest price, move, limits, returns and freshness.

Pure pandas: callers pass the stored quotes and recent daily bars (docs/data-contracts.md).
The latest price is the stored quote when there is one; otherwise the last daily close (for a
fresh install, the shipped sample bars), so the board always shows the newest figure the store
has, marked with where it comes from and how old it is. Nothing is invented: a stock with
neither shows blanks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from tui.analytics.limits import limit_prices_cents
from tui.domain.codes import CodeError, parse_code
from tui.domain.market import MARKET_CLOSE, SHANGHAI


BOARD_COLUMNS = [
    "code", "name", "price", "change", "change_pct", "amount", "turnover_rate", "market_cap",
    "ret_5d", "ret_20d", "prev_close", "limit_up_price", "limit_down_price", "limit_flag",
    "suspended", "st", "as_of", "source", "is_sample", "stale", "basis",
    # the limit-up ladder (tui.analytics.board_ladder)
    "streak", "one_word", "broken", "down_streak", "prev_limit_up", "ladder_uncertain", "ladder_basis",
]
"""`basis` is "quote" (a stored quote), "bar" (the last daily close) or "none" (no data)."""


def is_st_name(name: object) -> bool:
    return isinstance(name, str) and name.lstrip("*").upper().startswith("ST")


def _limit_pct(code: str, st: bool, on: datetime) -> float:
    try:
        pct = parse_code(code).limit_pct(on.date(), st=st)
    except CodeError:
        return float("nan")
    return float("nan") if pct is None else pct


def _close_at_session_end(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, MARKET_CLOSE), tz=SHANGHAI)


def build_board(
    codes: Sequence[str],
    names: Mapping[str, str],
    quotes: pd.DataFrame,
    bars: pd.DataFrame,
    *,
    now: datetime,
    stale_after: timedelta | None = None,
    expected_as_of: datetime | None = None,
    raw_bars: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per code, in the given order (see BOARD_COLUMNS).

    - `quotes`: the store's latest quotes (may be empty); `bars`: recent qfq daily bars of the
      codes (at least 21 sessions for the 20-day return).
    - A row is stale when its data is sample data, when it is older than `stale_after` (pass
      the refresh interval while the market is open), or older than `expected_as_of` (pass the
      last session's close when the market is shut).
    - `raw_bars`: stored raw (unadjusted) bars; the ladder columns use them where they reach
      the newest qfq bar (exact limits), else the qfq bars with their uncertainty band.
    """
    codes = list(dict.fromkeys(codes))
    out = pd.DataFrame({"code": pd.Series(codes, dtype="str")})
    out["name"] = [names.get(c, "") for c in codes]

    # ---- last two closes and trailing closes from bars (wide table: date x code)
    if len(bars):
        frame = bars.loc[bars["code"].isin(codes), ["code", "date", "close", "amount", "source", "is_sample"]]
        frame = frame.sort_values(["code", "date"], kind="stable")
        table = frame.pivot_table(index="date", columns="code", values="close", aggfunc="last").reindex(columns=codes)
        last_rows = frame.groupby("code", sort=False).tail(1).set_index("code")
    else:
        table = pd.DataFrame(columns=codes, dtype="float64")
        last_rows = pd.DataFrame(columns=["date", "close", "amount", "source", "is_sample"])
    closes = table.ffill()

    def back(n: int) -> np.ndarray:
        """Close n sessions before the last row of the table (NaN if too short)."""
        if len(closes) <= n:
            return np.full(len(codes), np.nan)
        return closes.iloc[-1 - n].to_numpy(dtype="float64")

    last_close = back(0)
    prev_close_bar = back(1)
    last_bar_day = pd.to_datetime(last_rows["date"]).reindex(codes) if len(last_rows) else pd.Series(pd.NaT, index=codes)

    # ---- quotes (only rows with a price count as a quote)
    q = quotes.set_index("code").reindex(codes) if len(quotes) else pd.DataFrame(index=pd.Index(codes, name="code"))
    def qcol(name: str, default=np.nan) -> pd.Series:
        return q[name] if name in q.columns else pd.Series(default, index=q.index)

    q_price = pd.to_numeric(qcol("price"), errors="coerce").to_numpy(dtype="float64")
    has_quote = ~np.isnan(q_price)
    has_bar = ~np.isnan(last_close)

    basis = np.where(has_quote, "quote", np.where(has_bar, "bar", "none"))
    price = np.where(has_quote, q_price, last_close)
    q_prev = pd.to_numeric(qcol("prev_close"), errors="coerce").to_numpy(dtype="float64")
    q_as_of = pd.to_datetime(qcol("as_of", pd.NaT), utc=True, errors="coerce")
    # tz-aware even when no stock has a bar (an all-NaT index would be tz-naive and the
    # conversion below would fail: a new theme with no stored bars crashed the board).
    bar_as_of = pd.DatetimeIndex([_close_at_session_end(d) if pd.notna(d) else pd.NaT for d in last_bar_day], dtype="datetime64[ns, Asia/Shanghai]")
    quote_newer = has_quote & (
        q_as_of.isna().to_numpy() | (q_as_of.dt.tz_convert(SHANGHAI).dt.normalize().dt.tz_localize(None).to_numpy() > last_bar_day.to_numpy())
    )
    # The previous close: the quote's own, else the bar before the quote's day.
    prev_close = np.where(has_quote, np.where(np.isnan(q_prev), np.where(quote_newer, last_close, prev_close_bar), q_prev), prev_close_bar)
    change = price - prev_close
    change_pct = np.where(prev_close > 0, change / prev_close * 100.0, np.nan)
    q_change_pct = pd.to_numeric(qcol("change_pct"), errors="coerce").to_numpy(dtype="float64")
    change_pct = np.where(has_quote & ~np.isnan(q_change_pct), q_change_pct, change_pct)

    out["price"] = price
    out["change"] = change
    out["change_pct"] = change_pct
    bar_amount = pd.to_numeric(last_rows["amount"], errors="coerce").reindex(codes).to_numpy(dtype="float64") if len(last_rows) else np.full(len(codes), np.nan)
    out["amount"] = np.where(has_quote, pd.to_numeric(qcol("amount"), errors="coerce").to_numpy(dtype="float64"), bar_amount)
    out["turnover_rate"] = np.where(has_quote, pd.to_numeric(qcol("turnover_rate"), errors="coerce").to_numpy(dtype="float64"), np.nan)
    out["market_cap"] = np.where(has_quote, pd.to_numeric(qcol("market_cap"), errors="coerce").to_numpy(dtype="float64"), np.nan)

    # ---- trailing returns ending at the latest price
    for n in (5, 20):
        base = np.where(quote_newer, back(n - 1), back(n))
        out[f"ret_{n}d"] = np.where(base > 0, price / base - 1.0, np.nan)

    # ---- names, ST, suspension
    q_name = qcol("name", "")
    out["name"] = [qn if isinstance(qn, str) and qn else n for qn, n in zip(q_name, out["name"])]
    st = np.array([is_st_name(n) for n in out["name"]], dtype=bool)
    out["st"] = st
    q_susp = qcol("suspended", False).fillna(False).astype(bool).to_numpy()
    out["suspended"] = q_susp & (basis == "quote")

    # ---- limits: the source's own limit prices when it gave them, else computed (HALF UP)
    pct = np.array([_limit_pct(c, s, now) for c, s in zip(codes, st)], dtype="float64")
    up_c, down_c = limit_prices_cents(prev_close, pct)
    up = np.where(up_c >= 0, up_c / 100.0, np.nan)
    down = np.where(down_c >= 0, down_c / 100.0, np.nan)
    q_up = pd.to_numeric(qcol("limit_up"), errors="coerce").to_numpy(dtype="float64")
    q_down = pd.to_numeric(qcol("limit_down"), errors="coerce").to_numpy(dtype="float64")
    up = np.where(has_quote & ~np.isnan(q_up), q_up, up)
    down = np.where(has_quote & ~np.isnan(q_down), q_down, down)
    out["prev_close"] = prev_close
    out["limit_up_price"] = up
    out["limit_down_price"] = down
    cents = np.rint(price * 100)
    at_up = ~np.isnan(up) & (cents >= np.rint(up * 100))
    at_down = ~np.isnan(down) & (cents <= np.rint(down * 100))
    out["limit_flag"] = np.where(out["suspended"], "", np.where(at_up, "up", np.where(at_down, "down", "")))

    # ---- provenance and freshness
    as_of = pd.Series(np.where(has_quote, q_as_of, pd.Series(bar_as_of).dt.tz_convert("UTC")), index=out.index)
    out["as_of"] = pd.to_datetime(as_of, utc=True, errors="coerce").dt.tz_convert(SHANGHAI)
    bar_source = last_rows["source"].reindex(codes).to_numpy() if len(last_rows) else np.full(len(codes), None)
    bar_sample = last_rows["is_sample"].reindex(codes).fillna(False).astype(bool).to_numpy() if len(last_rows) else np.zeros(len(codes), bool)
    out["source"] = np.where(has_quote, qcol("source", "").astype("object").to_numpy(), bar_source)
    out["is_sample"] = np.where(has_quote, qcol("is_sample", False).fillna(False).astype(bool).to_numpy(), bar_sample)
    now_ts = pd.Timestamp(now).tz_convert(SHANGHAI) if pd.Timestamp(now).tzinfo else pd.Timestamp(now, tz=SHANGHAI)
    stale = out["is_sample"].to_numpy(dtype=bool) | (basis == "none")
    age = (now_ts - out["as_of"]).to_numpy()
    if stale_after is not None:
        stale |= np.where(pd.isna(out["as_of"]).to_numpy(), True, age > np.timedelta64(int(stale_after.total_seconds() * 1e9), "ns"))
    if expected_as_of is not None:
        exp = pd.Timestamp(expected_as_of).tz_convert(SHANGHAI) if pd.Timestamp(expected_as_of).tzinfo else pd.Timestamp(expected_as_of, tz=SHANGHAI)
        stale |= np.where(pd.isna(out["as_of"]).to_numpy(), True, (out["as_of"] < exp - pd.Timedelta(minutes=1)).to_numpy())
    out["stale"] = stale
    out["basis"] = basis
    from tui.analytics.board_ladder import attach_ladder

    out = attach_ladder(out, bars, quotes, raw_bars=raw_bars)
    return out[BOARD_COLUMNS]


@dataclass(frozen=True)
class ThemeSummary:
    """The theme header: breadth, moves, limits, leader/laggard, turnover, vs the benchmark."""

    n: int
    priced: int
    mean_pct: float | None
    median_pct: float | None
    up: int
    down: int
    flat: int
    limit_up: int
    limit_down: int
    suspended: int
    leader: str | None
    leader_pct: float | None
    laggard: str | None
    laggard_pct: float | None
    amount: float | None
    benchmark: str | None
    benchmark_pct: float | None
    excess_pct: float | None
    as_of: str | None
    stale: int
    sample: int
    # the limit-up ladder of the day (tui.analytics.ladder.LadderDay); leader above is 领涨
    top_streak: int = 0
    top_streak_code: str | None = None
    top_streak_name: str | None = None
    top_streak_one_word: bool = False
    ladder: dict[int, int] = field(default_factory=dict)
    broken: int = 0
    broken_rate: float | None = None
    prev_limit_up: int = 0
    promoted: int = 0
    promotion_rate: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _flags(board: pd.DataFrame, column: str) -> np.ndarray:
    return board[column].fillna(False).to_numpy(dtype=bool)


def summarize_board(board: pd.DataFrame, *, benchmark: str | None = None, benchmark_pct: float | None = None) -> ThemeSummary:
    """Header figures for a board frame (moves in %). Plain numpy on the columns: the snapshot
    summarises every theme, and pandas' per-call overhead would dominate."""
    pct = pd.to_numeric(board["change_pct"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    suspended = _flags(board, "suspended")
    live = ~suspended & ~np.isnan(pct)
    moves = pct[live]
    mean = float(moves.mean()) if moves.size else None
    median = float(np.median(moves)) if moves.size else None
    leader = laggard = None
    leader_pct = laggard_pct = None
    if moves.size:
        rows = np.flatnonzero(live)
        top, bottom = rows[int(np.argmax(moves))], rows[int(np.argmin(moves))]  # first of ties
        names, codes = board["name"].to_numpy(dtype=object), board["code"].to_numpy(dtype=object)
        leader, leader_pct = f"{names[top]} {codes[top]}", float(pct[top])
        laggard, laggard_pct = f"{names[bottom]} {codes[bottom]}", float(pct[bottom])
    amounts = pd.to_numeric(board["amount"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    amounts = amounts[~np.isnan(amounts)]
    as_of = board["as_of"].dropna()
    flags = board["limit_flag"].to_numpy(dtype=object)
    ladder = _ladder_fields(board)
    return ThemeSummary(
        n=len(board),
        priced=int(board["price"].notna().sum()),
        mean_pct=mean,
        median_pct=median,
        up=int((moves > 0).sum()),
        down=int((moves < 0).sum()),
        flat=int((moves == 0).sum()),
        limit_up=ladder.pop("limit_up", int((flags == "up").sum())),
        limit_down=ladder.pop("limit_down", int((flags == "down").sum())),
        suspended=int(suspended.sum()),
        leader=leader,
        leader_pct=leader_pct,
        laggard=laggard,
        laggard_pct=laggard_pct,
        amount=float(amounts.sum()) if amounts.size else None,
        benchmark=benchmark,
        benchmark_pct=benchmark_pct,
        excess_pct=(mean - benchmark_pct) if (mean is not None and benchmark_pct is not None) else None,
        as_of=as_of.max().isoformat() if len(as_of) else None,
        stale=int(_flags(board, "stale").sum()),
        sample=int(_flags(board, "is_sample").sum()),
        **ladder,
    )


def _ladder_fields(board: pd.DataFrame) -> dict:
    """最高标, the ladder, 炸板 and 晋级 of a board with ladder columns (none without them).

    With ladder columns, 涨停/跌停 are counted from them too, so the header's counts and its
    ladder always agree (on qfq prices the ladder's one-tick band can differ from the plain
    comparison behind the row flags)."""
    if "streak" not in board.columns or len(board) == 0:
        return {}
    from tui.analytics.ladder import ladder_day_arrays

    def flags(column: str) -> np.ndarray:
        return board[column].to_numpy(dtype=bool, na_value=False)

    streak = board["streak"].to_numpy(dtype="int64", na_value=0)
    limit_flag = board["limit_flag"].to_numpy(dtype=object)
    day = ladder_day_arrays(
        board["code"].to_numpy(dtype=object), streak, flags("one_word"), streak > 0,
        (limit_flag == "down") | (board["down_streak"].to_numpy(dtype="int64", na_value=0) > 0),
        flags("broken"), flags("prev_limit_up"), flags("ladder_uncertain"),
    )
    name = None
    if day.top_streak_code is not None:
        hits = np.flatnonzero(board["code"].to_numpy(dtype=object) == day.top_streak_code)
        name = str(board["name"].to_numpy(dtype=object)[hits[0]]) if len(hits) else None
    return {
        "limit_up": day.limit_up,
        "limit_down": day.limit_down,
        "top_streak": day.top_streak,
        "top_streak_code": day.top_streak_code,
        "top_streak_name": name,
        "top_streak_one_word": day.top_streak_one_word,
        "ladder": day.ladder,
        "broken": day.broken,
        "broken_rate": day.broken_rate,
        "prev_limit_up": day.prev_limit_up,
        "promoted": day.promoted,
        "promotion_rate": day.promotion_rate,
    }
