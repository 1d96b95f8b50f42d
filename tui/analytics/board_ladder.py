"""The ladder state of each board row: today's 连板/一字/炸板/跌停 from bars, or live from a quote.

* When the row's price is a quote from a session after the newest stored bar (during the
  session, or after the close before the day's bar is stored), today's state comes from the
  quote: at the limit-up price now extends the last bar's streak by one, a high at the
  limit-up price with the price below it is 炸板, open = high = low = price at the limit is
  一字, at the limit-down price extends the last bar's 跌停 run.
* Otherwise the newest bar's state is the row's (``tui.analytics.ladder``: raw prices where
  stored, qfq with its uncertainty band elsewhere).

The board's own limit prices (the source's where it sent them) decide the live case, so the
flags agree with the board's 涨停/跌停 marks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tui.analytics.ladder import ladder_states_preferring_raw

#: Columns ``attach_ladder`` adds to a board frame.
LADDER_BOARD_COLUMNS = ["streak", "one_word", "broken", "down_streak", "prev_limit_up", "ladder_uncertain", "ladder_basis"]

SHANGHAI = "Asia/Shanghai"


def _empty(board: pd.DataFrame) -> pd.DataFrame:
    out = board.copy()
    n = len(out)
    out["streak"] = np.zeros(n, dtype="int64")
    out["one_word"] = np.zeros(n, dtype=bool)
    out["broken"] = np.zeros(n, dtype=bool)
    out["down_streak"] = np.zeros(n, dtype="int64")
    out["prev_limit_up"] = np.zeros(n, dtype=bool)
    out["ladder_uncertain"] = np.zeros(n, dtype=bool)
    out["ladder_basis"] = pd.Series([""] * n, index=out.index, dtype="object")
    return out


#: The newest ladder state per code of the last (bars, raw_bars) seen: the app redraws (theme
#: switches, quote refreshes) with the same bar frames many times, and the states of every
#: code are computed once per frame pair (~20 ms for a 30-stock watchlist) instead of per redraw.
_CACHE: list[tuple[object, object, object, pd.DataFrame | None]] = []


def _last_states(bars: pd.DataFrame, raw_bars: pd.DataFrame | None, st) -> pd.DataFrame | None:
    for cached_bars, cached_raw, cached_st, last in list(_CACHE):
        if cached_bars is bars and cached_raw is raw_bars and cached_st is st:
            return last
    needed = {"code", "date", "open", "high", "low", "close"}
    last = None
    if len(bars) and needed <= set(bars.columns):
        raw = raw_bars if raw_bars is not None and len(raw_bars) and needed <= set(raw_bars.columns) else None
        states = ladder_states_preferring_raw(bars, raw, st=st)
        last = states.groupby("code", sort=False).tail(1).set_index("code")
    _CACHE[:] = [(bars, raw_bars, st, last)]  # one entry; holding the frames keeps ids unique
    return last


def attach_ladder(
    board: pd.DataFrame,
    bars: pd.DataFrame,
    quotes: pd.DataFrame,
    *,
    raw_bars: pd.DataFrame | None = None,
    st=None,
) -> pd.DataFrame:
    """The board with LADDER_BOARD_COLUMNS (see the module docstring)."""
    out = _empty(board)
    if len(out) == 0:
        return out
    codes = out["code"].tolist()
    states_last = _last_states(bars, raw_bars, st)
    last = states_last.reindex(codes) if states_last is not None else None
    if last is not None and last["date"].isna().all():
        last = None

    def last_col(name: str, dtype: str, fill) -> np.ndarray:
        if last is None:
            return np.full(len(codes), fill, dtype=dtype)
        return last[name].fillna(fill).to_numpy(dtype=dtype)

    bar_day = pd.to_datetime(last["date"]).to_numpy(dtype="datetime64[ns]") if last is not None else np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    streak = last_col("streak", "int64", 0)
    down_streak = last_col("down_streak", "int64", 0)
    bar_up = last_col("limit_up", "bool", False)
    bar_down = last_col("limit_down", "bool", False)

    # ---- live rows: a quote newer than the newest bar
    basis = out["basis"].to_numpy(dtype=object) if "basis" in out.columns else np.full(len(codes), "none", dtype=object)
    as_of = pd.to_datetime(out["as_of"], utc=True, errors="coerce") if "as_of" in out.columns else pd.Series(pd.NaT, index=out.index)
    quote_day = as_of.dt.tz_convert(SHANGHAI).dt.tz_localize(None).dt.normalize().to_numpy(dtype="datetime64[ns]")
    live = (basis == "quote") & ~np.isnat(quote_day) & (np.isnat(bar_day) | (quote_day > bar_day))
    suspended = out["suspended"].fillna(False).to_numpy(dtype=bool) if "suspended" in out.columns else np.zeros(len(codes), bool)
    flag = out["limit_flag"].fillna("").to_numpy(dtype=object) if "limit_flag" in out.columns else np.full(len(codes), "", dtype=object)
    at_up, at_down = (flag == "up") & ~suspended, (flag == "down") & ~suspended
    q = quotes.drop_duplicates("code", keep="last").set_index("code").reindex(codes) if len(quotes) and "code" in quotes.columns else pd.DataFrame(index=codes)

    def cents(name: str, frame: pd.DataFrame) -> np.ndarray:
        if name not in frame.columns:
            return np.full(len(codes), np.nan)
        return np.rint(pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64") * 100)

    price_c = cents("price", out)
    up_c = cents("limit_up_price", out)
    q_open, q_high, q_low = cents("open", q), cents("high", q), cents("low", q)
    live_broken = ~suspended & ~at_up & ~np.isnan(up_c) & (q_high >= up_c)
    live_word = (at_up | at_down) & (q_open == q_high) & (q_high == q_low) & (q_low == price_c)
    live_streak = np.where(at_up, np.where(bar_up, streak, 0) + 1, 0)
    live_down = np.where(at_down, np.where(bar_down, down_streak, 0) + 1, 0)

    # A row whose newest figure is older than the board's session (suspended today, or a
    # series that did not refresh) has no state today: its last bar's streak is not today's.
    row_day = np.where(live, quote_day, bar_day)
    session = row_day[~np.isnat(row_day)].max() if (~np.isnat(row_day)).any() else None
    today = ~np.isnat(row_day) & (row_day == session) if session is not None else np.zeros(len(codes), bool)
    live &= today
    old = ~today
    streak = np.where(old, 0, streak)
    down_streak = np.where(old, 0, down_streak)

    out["streak"] = np.where(live, live_streak, streak)
    out["down_streak"] = np.where(live, live_down, down_streak)
    out["one_word"] = np.where(live, live_word, last_col("one_word", "bool", False) & today)
    out["broken"] = np.where(live, live_broken, last_col("broken", "bool", False) & today)
    out["prev_limit_up"] = np.where(live, bar_up, last_col("prev_limit_up", "bool", False) & today)
    out["ladder_uncertain"] = np.where(live, False, last_col("uncertain", "bool", False) & today & (bar_up | bar_down | last_col("broken", "bool", False)))
    # One definition of 涨停/跌停: a row whose state comes from its bar takes the ladder's flags
    # (exact on raw prices; within a tick on qfq, marked uncertain), so the row's 涨停 mark, the
    # header counts and the ladder never disagree.
    from_bar = ~live & today & (basis == "bar")
    if "limit_flag" in out.columns and from_bar.any():
        flag_now = np.where(bar_up, "up", np.where(bar_down, "down", ""))
        out["limit_flag"] = np.where(from_bar & ~suspended, flag_now, out["limit_flag"].to_numpy(dtype=object))
    bar_basis = last_col("basis", "object", "") if last is not None else np.full(len(codes), "", dtype=object)
    out["ladder_basis"] = np.where(live, "quote", bar_basis)
    return out
