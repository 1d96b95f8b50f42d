"""Eastmoney's whole-market limit pools through akshare, normalised to one long frame.

Four akshare functions (akshare/stock_feature/stock_ztb_em.py), each called with the session
as YYYYMMDD; Eastmoney serves recent sessions only (the 炸板 and 跌停 pools raise for dates
more than 30 days back):

==========================  =====  ===============================================
function                    pool   what it lists
==========================  =====  ===============================================
stock_zt_pool_em            zt     涨停股池: sealed limit-up at the close, with 连板数
stock_zt_pool_previous_em   prev   昨日涨停: yesterday's limit-ups, today's move
stock_zt_pool_zbgc_em       zb     炸板股池: touched the limit, closed below
stock_zt_pool_dtgc_em       dt     跌停股池: at the limit-down, with 连续跌停
==========================  =====  ===============================================

Every pool is fetched under the source's deadline and retries; a failed pool is reported as
a failure of that pool (code "pool:<name>") and the others still arrive. An empty pool (no
limit-ups that day, or a date the upstream no longer serves) is an empty frame, not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from tui.sources.base import Failure, FailureKind, FetchResult, SourceError, as_text
from tui.sources.schema import to_number, validate_frame

#: pool name -> akshare function
POOL_FUNCTIONS: dict[str, str] = {
    "zt": "stock_zt_pool_em",
    "prev": "stock_zt_pool_previous_em",
    "zb": "stock_zt_pool_zbgc_em",
    "dt": "stock_zt_pool_dtgc_em",
}

#: The normalised frame (one row per pool and code), stored as is in the `limit_pool` table.
POOL_COLUMNS = [
    "session", "pool", "code", "name", "change_pct", "price", "amount", "turnover_rate",
    "float_cap", "streak", "first_seal", "last_seal", "opens", "down_streak", "industry",
    "seal_fund", "stats", "fetched_at", "source",
]


def empty_pool() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in _NUMBERS else "object") for c in POOL_COLUMNS})


_NUMBERS = {"change_pct", "price", "amount", "turnover_rate", "float_cap", "streak", "opens", "down_streak", "seal_fund"}


def _hhmmss(series: pd.Series | None, n: int) -> list[str | None]:
    """'092500' -> '09:25:00'; anything else -> None."""
    if series is None:
        return [None] * n
    out: list[str | None] = []
    for v in series.tolist():
        text = str(v).strip() if v is not None else ""
        text = text.zfill(6) if text.isdigit() else ""
        out.append(f"{text[:2]}:{text[2:4]}:{text[4:]}" if len(text) == 6 and text != "000000" else None)
    return out


def normalize_pool(frame: pd.DataFrame, pool: str, session: date, fetched_at: datetime, source: str) -> pd.DataFrame:
    """One validated akshare pool frame -> POOL_COLUMNS rows."""
    n = len(frame)

    def num(name: str) -> np.ndarray:
        return to_number(frame[name]).to_numpy() if name in frame.columns else np.full(n, np.nan)

    def text(name: str) -> list[str | None]:
        if name not in frame.columns:
            return [None] * n
        return [None if (v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() in ("", "-")) else str(v) for v in frame[name].tolist()]

    out = pd.DataFrame(
        {
            "session": session.isoformat(),
            "pool": pool,
            "code": as_text(frame["代码"]).str.zfill(6).to_numpy(dtype=object),
            "name": text("名称"),
            "change_pct": num("涨跌幅"),
            "price": num("最新价"),
            "amount": num("成交额"),
            "turnover_rate": num("换手率"),
            "float_cap": num("流通市值"),
            "streak": num("连板数") if pool == "zt" else num("昨日连板数"),
            "first_seal": _hhmmss(frame.get("首次封板时间", frame.get("昨日封板时间")), n),
            "last_seal": _hhmmss(frame.get("最后封板时间"), n),
            "opens": num("炸板次数") if pool in ("zt", "zb") else num("开板次数"),
            "down_streak": num("连续跌停"),
            "industry": text("所属行业"),
            "seal_fund": num("封板资金") if pool == "zt" else num("封单资金"),
            "stats": text("涨停统计"),
            "fetched_at": fetched_at.isoformat(),
            "source": f"akshare:{POOL_FUNCTIONS[pool]}",
        }
    )
    return out.drop_duplicates(["pool", "code"], keep="first")[POOL_COLUMNS].reset_index(drop=True)


def fetch_limit_pools(
    call: Callable[..., Any],
    session: date,
    *,
    fetched_at: datetime,
    source: str = "akshare",
    pools: tuple[str, ...] = ("zt", "prev", "zb", "dt"),
) -> FetchResult:
    """Fetch ``pools`` of ``session`` with ``call(function, date=YYYYMMDD)`` (the source's
    deadline-and-retry wrapper). The frame holds the pools that arrived; ``notes`` name the
    pools that were empty; ``failures`` the pools that failed (code "pool:<name>")."""
    parts: list[pd.DataFrame] = []
    failures: list[Failure] = []
    notes: list[str] = []
    ymd = session.strftime("%Y%m%d")
    for pool in pools:
        function = POOL_FUNCTIONS[pool]
        try:
            raw = call(function, date=ymd)
        except SourceError as error:
            failures.append(Failure(f"pool:{pool}", error.kind, error.message, function, error.detail))
            continue
        except ValueError as exc:  # akshare raises it itself for dates beyond 30 sessions
            failures.append(Failure(f"pool:{pool}", FailureKind.EMPTY, "not served for this date", function, str(exc)))
            continue
        if raw is None or (isinstance(raw, pd.DataFrame) and raw.empty):
            notes.append(f"{function} {ymd}: empty pool")
            continue
        try:
            frame = validate_frame(raw, function)
        except SourceError as error:
            failures.append(Failure(f"pool:{pool}", error.kind, error.message, function, error.detail))
            continue
        parts.append(normalize_pool(frame, pool, session, fetched_at, source))
    frame = pd.concat(parts, ignore_index=True) if parts else empty_pool()
    return FetchResult(frame, failures, source, notes)
