"""Daily price limits and limit flags (涨停/跌停, 一字板, 炸板, 连板) per bar.

Limit rule (a function of board, status and date)
-------------------------------------------------
* The board rule is ``tui.domain.codes.parse_code(code).limit_pct(on, st=)``: ±10% main
  board, ±20% STAR and ChiNext (ChiNext ±10% before 2020-08-24), ±30% Beijing, ±5% for ST on
  the main boards, none for Hong Kong.
* Main-board ST: on 2025-06-27 both exchanges *proposed* moving it to ±10%. The effective
  date is not encoded here: pass ``st_main_10pct_from`` once you have it from the exchange
  notice. Without it, main-board ST rows on or after 2025-06-27 keep ±5% and are marked
  ``uncertain`` (never a silent guess).
* Newly listed stocks have no limit for their first five sessions: pass ``new_listings``
  (code -> listing date); that stock's first five bars on or after the date get no limit.
* The limit price is ``prev_close * (1 ± pct)`` rounded to 0.01 yuan HALF UP, computed
  exactly in integers (the previous close is taken to 1e-4 yuan), never with float round().
  ``prev_close`` is the stock's previous bar's close, so a suspension is bridged.
  A stock's first bar in the frame has no previous close and so no limit (NaN prices).

Flags (all False where there is no limit)
-----------------------------------------
Prices are compared in whole cents, within a tolerance band ``tol`` (0 for raw prices;
for qfq prices see below):
``limit_up``: close >= limit-up price - tol; ``limit_down``: close <= limit-down price + tol;
``one_word`` (一字板): open = high = low = close and the bar closed at a limit;
``broken`` (炸板): high >= limit-up price - tol but close below limit-up price - tol;
``streak`` (连板): number of consecutive limit-up closes ending at this bar (bars of the
stock, so suspended days neither count nor break the run), 0 when not limit-up.

qfq prices and the ``uncertain`` rule
-------------------------------------
Forward-adjusted (qfq) prices are raw prices times a factor, re-rounded to the cent, so a
limit computed from a qfq previous close can miss the qfq close of a real limit move by a
cent or more either way (the shipped sample has locked 一字板 bars one cent below the
qfq-derived limit, e.g. 603881 on 2025-02-17). With ``prices="qfq"``:

* ``tol`` = max(``tolerance`` (default 0.01 yuan, one tick),
  floor(``rel_tolerance`` (default 0.0003) x limit price) in cents), per bar and side;
* the flags above are evaluated with that band (a close one tick under the limit counts);
* ``uncertain`` is True where any flag decision fell inside the band: the close within
  ``tol`` of either limit price (exact hits included, since the raw close can be a tick
  away) or the high within ``tol`` of the limit-up price. Confirm those on raw prices.

With ``prices="raw"`` the band is 0 and only the ST-rule case above is uncertain. On raw
prices the exchange uses the ex-rights reference price, not the previous close, on an
ex-dividend day; qfq prices do not have that problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from tui.analytics._frames import DateLike, to_timestamp
from tui.domain.codes import CHINEXT_20PCT_FROM, Board, parse_code

#: Date the exchanges proposed ±10% for main-board ST stocks (effective date not encoded).
ST_MAIN_10PCT_PROPOSED = date(2025, 6, 27)
#: Dates on which a board rule in ``codes.py`` changes; limits are looked up once per era.
RULE_BREAKS: tuple[date, ...] = (CHINEXT_20PCT_FROM,)
NEW_LISTING_SESSIONS = 5

FLAG_COLUMNS = [
    "prev_close", "limit_pct", "limit_up_price", "limit_down_price", "limit_up",
    "limit_down", "one_word", "broken", "streak", "st", "uncertain",
]


def limit_price(prev_close: float, pct: float) -> tuple[float, float]:
    """(limit-up, limit-down) price for one previous close, via Decimal HALF UP to 0.01."""
    prev = Decimal(str(prev_close))
    step = Decimal(str(pct))
    cent = Decimal("0.01")
    up = (prev * (1 + step)).quantize(cent, rounding=ROUND_HALF_UP)
    down = (prev * (1 - step)).quantize(cent, rounding=ROUND_HALF_UP)
    return float(up), float(down)


def limit_prices_cents(prev_close: np.ndarray, pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised exact HALF UP limit prices in integer cents (-1 where there is no limit)."""
    prev = np.asarray(prev_close, dtype="float64")
    pct = np.asarray(pct, dtype="float64")
    ok = ~(np.isnan(prev) | np.isnan(pct))
    units = np.where(ok, np.rint(np.where(ok, prev, 0.0) * 10_000), 0).astype("int64")  # 1e-4 yuan
    bp = np.where(ok, np.rint(np.where(ok, pct, 0.0) * 10_000), 0).astype("int64")  # basis points
    # units * (10000 ± bp) is in 1e-8 yuan; one cent is 1e6 of those; +5e5 then floor = half up.
    up = (units * (10_000 + bp) + 500_000) // 1_000_000
    down = (units * (10_000 - bp) + 500_000) // 1_000_000
    return np.where(ok, up, -1), np.where(ok, down, -1)


def _board_pct(
    code_idx: np.ndarray, labels: np.ndarray, dates: np.ndarray, st: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(limit fraction per row, main-board flag per row) from ``codes.py``.

    ``limit_pct`` is asked once per (code, rule era, st); rows pick from that small table.
    """
    reps = [RULE_BREAKS[0] - timedelta(days=1), *RULE_BREAKS]
    breaks = np.array([np.datetime64(b) for b in RULE_BREAKS], dtype="datetime64[ns]")
    era = np.searchsorted(breaks, dates, side="right")
    table = np.full((len(labels), len(reps), 2), np.nan)
    main = np.zeros(len(labels), dtype=bool)
    for i, code in enumerate(labels):
        parsed = parse_code(str(code))
        main[i] = parsed.board is Board.MAIN
        for e, on in enumerate(reps):
            for s in (0, 1):
                pct = parsed.limit_pct(on, st=bool(s))
                table[i, e, s] = np.nan if pct is None else pct
    return table[code_idx, era, st.astype("int64")], main[code_idx]


def _st_rows(frame: pd.DataFrame, st) -> np.ndarray:
    """Per-row ST flag from (code, start, end) periods, a boolean per row, or a column name."""
    n = len(frame)
    if st is None:
        return np.zeros(n, dtype=bool)
    if isinstance(st, str):
        return frame[st].fillna(False).to_numpy(dtype=bool)
    if isinstance(st, (pd.Series, np.ndarray)) and pd.api.types.is_bool_dtype(st.dtype):
        flags = np.asarray(pd.Series(st).fillna(False), dtype=bool)
        if len(flags) != n:
            raise ValueError(f"st has {len(flags)} flags for {n} bars")
        return flags[frame["_row"].to_numpy()]
    periods = pd.DataFrame(list(st), columns=["code", "start", "end"])
    if periods.empty:
        return np.zeros(n, dtype=bool)
    periods["start"] = pd.to_datetime(periods["start"]).astype("datetime64[ns]")
    periods["end"] = pd.to_datetime(periods["end"]).astype("datetime64[ns]")
    rows = frame[["code", "date"]].assign(_pos=np.arange(n))
    rows = rows.loc[rows["code"].isin(periods["code"].unique())]
    hits = rows.merge(periods, on="code", how="inner")
    inside = (hits["start"].isna() | (hits["date"] >= hits["start"])) & (
        hits["end"].isna() | (hits["date"] <= hits["end"])
    )
    out = np.zeros(n, dtype=bool)
    out[hits.loc[inside, "_pos"].to_numpy()] = True
    return out


def limit_flags(
    bars: pd.DataFrame,
    *,
    prices: str = "qfq",
    st: Iterable[tuple[str, DateLike | None, DateLike | None]] | pd.Series | np.ndarray | str | None = None,
    new_listings: Mapping[str, DateLike] | None = None,
    st_main_10pct_from: DateLike | None = None,
    tolerance: float = 0.01,
    rel_tolerance: float = 0.0003,
) -> pd.DataFrame:
    """Limit prices and flags for every bar (see the module docstring for the rules).

    ``bars`` needs code, date, open, high, low, close; if it has an ``adjust`` column, rows
    of the ``prices`` adjustment are used and a frame with none of them raises. ``st`` is a set of (code, start, end)
    periods (None = open-ended), a boolean array/Series aligned with ``bars`` rows, or the
    name of a boolean column. Returns code, date, open, high, low, close and ``FLAG_COLUMNS``,
    sorted by code and date.
    """
    if prices not in ("qfq", "raw"):
        raise ValueError("prices must be 'qfq' or 'raw'")
    cols = ["code", "date", "open", "high", "low", "close"]
    missing = set(cols) - set(bars.columns)
    if missing:
        raise ValueError(f"bars frame lacks column(s) {sorted(missing)}")
    if "adjust" in bars.columns:  # the marker must agree with the frame's own label
        kinds = set(bars["adjust"].unique())
        if kinds and prices not in kinds:
            raise ValueError(f"prices={prices!r} but the bars are adjusted {sorted(kinds)}")
        if len(kinds) > 1:
            keep = (bars["adjust"] == prices).to_numpy()
            if isinstance(st, (pd.Series, np.ndarray)) and pd.api.types.is_bool_dtype(st.dtype):
                st = np.asarray(st)[keep]
            bars = bars.loc[keep]
    extra = [st] if isinstance(st, str) else []
    frame = bars.loc[:, cols + extra].assign(_row=np.arange(len(bars)))
    frame["date"] = pd.to_datetime(frame["date"]).dt.normalize()
    code_idx, labels = pd.factorize(frame["code"], sort=True)
    dates = frame["date"].to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((dates, code_idx))
    if np.array_equal(order, np.arange(len(order))):
        frame = frame.reset_index(drop=True)
    else:
        frame = frame.iloc[order].reset_index(drop=True)
        code_idx, dates = code_idx[order], dates[order]
    n = len(frame)
    pos = np.arange(n)
    first = np.ones(n, dtype=bool)
    first[1:] = code_idx[1:] != code_idx[:-1]
    if n > 1 and np.any(~first[1:] & (dates[1:] == dates[:-1])):
        raise ValueError("bars frame has more than one row for a code and date")
    code_start = np.maximum.accumulate(np.where(first, pos, 0))

    st_row = _st_rows(frame, st)
    pct, main = _board_pct(code_idx, np.asarray(labels), dates, st_row)
    main_st = st_row & main & (pct == 0.05)
    uncertain = np.zeros(n, dtype=bool)
    if st_main_10pct_from is not None:
        pct = np.where(main_st & (dates >= to_timestamp(st_main_10pct_from).to_datetime64()), 0.10, pct)
    else:
        uncertain |= main_st & (dates >= np.datetime64(ST_MAIN_10PCT_PROPOSED))
    if new_listings:
        listing = pd.to_datetime(pd.Series(labels).map(dict(new_listings)))
        listed = listing.to_numpy(dtype="datetime64[ns]")[code_idx]
        after = ~np.isnat(listed) & (dates >= listed)
        seen = np.cumsum(after)
        rank = seen - np.where(code_start > 0, seen[np.maximum(code_start - 1, 0)], 0)
        pct = np.where(after & (rank <= NEW_LISTING_SESSIONS), np.nan, pct)

    close = frame["close"].to_numpy(dtype="float64")
    prev = np.where(first, np.nan, np.concatenate([[np.nan], close[:-1]]))
    up_c, down_c = limit_prices_cents(prev, pct)
    has = up_c >= 0
    cents = {k: np.rint(frame[k].to_numpy(dtype="float64") * 100) for k in ("open", "high", "low", "close")}
    c, h = cents["close"], cents["high"]
    if prices == "qfq":
        abs_tol = np.rint(tolerance * 100)
        tol_up = np.maximum(abs_tol, np.floor(rel_tolerance * up_c + 1e-9))
        tol_down = np.maximum(abs_tol, np.floor(rel_tolerance * down_c + 1e-9))
    else:
        tol_up = tol_down = np.zeros(n)
    lim_up = has & (c >= up_c - tol_up)
    lim_down = has & (c <= down_c + tol_down)
    flat_bar = (cents["open"] == h) & (h == cents["low"]) & (cents["low"] == c)
    broken = has & (h >= up_c - tol_up) & (c < up_c - tol_up)
    last_reset = np.maximum.accumulate(np.where(~lim_up | first, pos, 0))
    streak = np.where(lim_up, pos - last_reset, 0)
    if prices == "qfq":
        uncertain |= has & (
            (np.abs(c - up_c) <= tol_up) | (np.abs(c - down_c) <= tol_down) | (np.abs(h - up_c) <= tol_up)
        )
    out = frame.loc[:, cols].copy()
    out["prev_close"] = prev
    out["limit_pct"] = np.where(has, pct, np.nan)
    out["limit_up_price"] = np.where(has, up_c / 100.0, np.nan)
    out["limit_down_price"] = np.where(has, down_c / 100.0, np.nan)
    out["limit_up"] = lim_up
    out["limit_down"] = lim_down
    out["one_word"] = flat_bar & (lim_up | lim_down)
    out["broken"] = broken
    out["streak"] = streak
    out["st"] = st_row
    out["uncertain"] = uncertain
    return out
