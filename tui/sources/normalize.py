"""Turn validated akshare frames into the normalized quotes/bars frames (data-contracts.md).

Every function here takes a frame that already passed `schema.validate_frame` and returns
(frame, notes). Units: A-share and index volumes in lots (手), amounts in yuan; Hong Kong
volumes stay in shares (HK lot sizes differ per stock). Suspended stocks: a quote with no
price (NaN, "-", a 100-dash string) or zero volume is `suspended=True` with price NaN; bars
with no close or zero volume are dropped.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from tui.domain.market import MARKET_CLOSE, SHANGHAI
from tui.sources.schema import to_number



def session_close(day: date) -> datetime:
    """15:00 Asia/Shanghai on `day`: the as-of time of a closing price."""
    return datetime.combine(day, MARKET_CLOSE, tzinfo=SHANGHAI)


def realtime_as_of(fetched_at: datetime) -> datetime:
    """As-of time of a real-time quote with no timestamp: the fetch time, capped at 15:00."""
    close = session_close(fetched_at.astimezone(SHANGHAI).date())
    return min(fetched_at, close)


def _num(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _quote_row(
    code: str,
    *,
    name: object = np.nan,
    price: float,
    change: float = math.nan,
    change_pct: float = math.nan,
    volume: float = math.nan,
    amount: float = math.nan,
    turnover_rate: float = math.nan,
    market_cap: float = math.nan,
    open_: float = math.nan,
    high: float = math.nan,
    low: float = math.nan,
    prev_close: float = math.nan,
    limit_up: float = math.nan,
    limit_down: float = math.nan,
    as_of: datetime,
    fetched_at: datetime,
    source: str,
) -> dict[str, object]:
    """One quotes row; decides `suspended` (no price, or zero volume) and blanks the price."""
    suspended = math.isnan(price) or price <= 0 or volume == 0
    if suspended:
        price = change = change_pct = math.nan
    return {
        "code": code, "name": name if isinstance(name, str) and name else np.nan,
        "price": price, "change": change, "change_pct": change_pct, "volume": volume,
        "amount": amount, "turnover_rate": turnover_rate, "market_cap": market_cap,
        "open": open_ if not suspended else math.nan,
        "high": high if not suspended else math.nan,
        "low": low if not suspended else math.nan,
        "prev_close": prev_close if prev_close and prev_close > 0 else math.nan,
        "limit_up": limit_up if limit_up and limit_up > 0 else math.nan,
        "limit_down": limit_down if limit_down and limit_down > 0 else math.nan,
        "suspended": suspended, "as_of": as_of, "fetched_at": fetched_at, "source": source,
        "is_sample": False,
    }


def quote_from_bid_ask(code: str, items: dict[str, float], fetched_at: datetime) -> dict[str, object]:
    """A quote row from `stock_bid_ask_em` items (validated; dash strings already NaN)."""
    return _quote_row(
        code,
        price=_num(items.get("最新")), change=_num(items.get("涨跌")),
        change_pct=_num(items.get("涨幅")), volume=_num(items.get("总手")),
        amount=_num(items.get("金额")), turnover_rate=_num(items.get("换手")),
        open_=_num(items.get("今开")), high=_num(items.get("最高")), low=_num(items.get("最低")),
        prev_close=_num(items.get("昨收")), limit_up=_num(items.get("涨停")),
        limit_down=_num(items.get("跌停")),
        as_of=realtime_as_of(fetched_at), fetched_at=fetched_at,
        source="akshare:stock_bid_ask_em",
    )


def quotes_from_spot(
    frame: pd.DataFrame, codes: list[str], fetched_at: datetime, function: str
) -> tuple[list[dict[str, object]], list[str], int]:
    """Quote rows for `codes` from a whole-market snapshot.

    Handles `stock_zh_a_spot_em` / `stock_hk_spot_em` (bare codes, volume in lots / shares)
    and Sina `stock_zh_a_spot` (prefixed codes like sz300133, volume in shares → lots).
    Returns (rows, codes not in the snapshot, duplicate rows dropped).
    """
    sina = function == "stock_zh_a_spot"
    key = frame["代码"].astype("str").str.strip()
    if sina:
        key = key.str[-6:]
    frame = frame.assign(_code=key)
    before = len(frame)
    frame = frame.drop_duplicates(subset="_code", keep="first")
    duplicates = before - len(frame)
    by_code = frame.set_index("_code")
    wanted = set(codes)
    rows: list[dict[str, object]] = []
    for code in codes:
        if code not in by_code.index:
            continue
        rec = by_code.loc[code]
        volume = _num(rec["成交量"])
        if sina and not math.isnan(volume):
            volume /= 100
        rows.append(
            _quote_row(
                code, name=rec["名称"], price=_num(rec["最新价"]), change=_num(rec["涨跌额"]),
                change_pct=_num(rec["涨跌幅"]), volume=volume, amount=_num(rec["成交额"]),
                turnover_rate=_num(rec.get("换手率", math.nan)),
                market_cap=_num(rec.get("总市值", math.nan)),
                open_=_num(rec["今开"]), high=_num(rec["最高"]), low=_num(rec["最低"]),
                prev_close=_num(rec["昨收"]), as_of=realtime_as_of(fetched_at),
                fetched_at=fetched_at, source=f"akshare:{function}",
            )
        )
    missing = sorted(wanted - set(by_code.index))
    return rows, missing, duplicates


def quote_from_bars(code: str, bars: pd.DataFrame, fetched_at: datetime, function: str) -> dict[str, object]:
    """A quote from the last daily bars (normalized bars frame): the fallback quote path.

    The price is the last close; as_of is that session's close (or the fetch time for today's
    unfinished session).
    """
    last = bars.iloc[-1]
    prev = bars.iloc[-2] if len(bars) > 1 else None
    price = float(last["close"])
    prev_close = float(prev["close"]) if prev is not None else math.nan
    day = pd.Timestamp(last["date"]).date()
    as_of = min(session_close(day), fetched_at)
    return _quote_row(
        code, price=price,
        change=price - prev_close, change_pct=(price / prev_close - 1) * 100 if prev_close else math.nan,
        volume=float(last["volume"]), amount=float(last["amount"]),
        open_=float(last["open"]), high=float(last["high"]), low=float(last["low"]),
        prev_close=prev_close, as_of=as_of, fetched_at=fetched_at, source=f"akshare:{function}",
    )


# Column maps: normalized name -> akshare column, per function.
_BAR_MAPS: dict[str, dict[str, str]] = {
    "stock_zh_a_hist": {"date": "日期", "open": "开盘", "high": "最高", "low": "最低", "close": "收盘", "volume": "成交量", "amount": "成交额"},
    "stock_hk_daily": {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close", "volume": "volume", "amount": ""},
    "stock_hk_hist": {"date": "日期", "open": "开盘", "high": "最高", "low": "最低", "close": "收盘", "volume": "成交量", "amount": "成交额"},
    "index_zh_a_hist": {"date": "日期", "open": "开盘", "high": "最高", "low": "最低", "close": "收盘", "volume": "成交量", "amount": "成交额"},
    "stock_zh_a_hist_tx": {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close", "volume": "volume", "amount": "amount"},
    "stock_zh_index_daily_em": {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close", "volume": "volume", "amount": "amount"},
    # Tencent's sixth field is the volume in lots (akshare names it "amount"; its docs: 注意单位：手);
    # Tencent sends no turnover in yuan, so amount is left empty.
    "stock_zh_index_daily_tx": {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close", "volume": "amount", "amount": ""},
}


def bars_from_frame(
    frame: pd.DataFrame,
    function: str,
    *,
    code: str,
    adjust: str,
    start: date,
    end: date,
    volume_divisor: float = 1.0,
) -> tuple[pd.DataFrame, list[str]]:
    """Bars (contract columns, not yet de-duplicated) from a validated daily-bar frame.

    `volume_divisor` converts shares to lots (100 for Tencent). Rows outside [start, end],
    without a close, or with zero volume (suspension placeholders) are dropped and counted.
    """
    mapping = _BAR_MAPS[function]
    out = pd.DataFrame({"code": code}, index=frame.index)
    out["date"] = pd.to_datetime(frame[mapping["date"]].astype("str"), errors="coerce", format="mixed")
    for name in ("open", "high", "low", "close", "volume", "amount"):
        out[name] = to_number(frame[mapping[name]]) if mapping[name] else np.nan
    if volume_divisor != 1.0:
        out["volume"] = out["volume"] / volume_divisor
    out["adjust"] = adjust
    out["source"] = f"akshare:{function}"
    out["is_sample"] = False
    notes: list[str] = []
    in_range = out["date"].notna() & (out["date"] >= pd.Timestamp(start)) & (out["date"] <= pd.Timestamp(end))
    out = out.loc[in_range]
    dead = out["close"].isna() | (out["close"] <= 0) | (out["volume"] == 0)
    if dead.any():
        notes.append(f"{code}: dropped {int(dead.sum())} bar(s) without trading (suspended)")
    return out.loc[~dead], notes


def trade_dates_frame(values: list[object] | pd.Series) -> pd.DataFrame:
    """A trade-dates frame: one `date` column (datetime64[ns]), unique, ascending."""
    dates = pd.to_datetime(pd.Series(list(values), dtype="object").astype("str"), errors="coerce", format="mixed")
    dates = dates.dropna().dt.normalize().drop_duplicates().sort_values()
    return pd.DataFrame({"date": dates.astype("datetime64[ns]").reset_index(drop=True)})
