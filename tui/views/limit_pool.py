"""The whole market's limit-up pool as the 涨停池 tab shows it (no Textual).

Rows are the day's sealed limit-ups (Eastmoney's 涨停股池). Those in one of the user's themes
are grouped by theme; those in none are grouped by the pool's 所属行业 (industry): the place
where a new theme starts. The header figures: the market ladder (连板数), 涨停/炸板/跌停 counts,
炸板率 = 炸板 ÷ (涨停 + 炸板), and 晋级率 = yesterday's limit-ups sealed again today ÷
yesterday's limit-ups, overall and by height (1进2, 2进3, …).

When no pool is stored (the offline sample source, or the fetch failed before ever working),
the view falls back to the ladder computed from the themes' own daily bars
(:func:`fallback_pool_view`), and says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: (theme id, theme name, codes) of the user's themes, in sidebar order.
ThemeCodes = tuple[str, str, Sequence[str]]

NO_INDUSTRY = "—"


@dataclass(frozen=True)
class PoolRow:
    code: str
    name: str
    streak: int
    one_word: bool | None = None
    first_seal: str | None = None
    opens: int | None = None
    change_pct: float | None = None
    amount: float | None = None
    industry: str | None = None
    themes: tuple[str, ...] = ()
    """Names of the user's themes holding the stock (empty: in none)."""


@dataclass(frozen=True)
class PoolGroup:
    key: str  # "theme:<id>" or "industry:<name>"
    title: str
    in_theme: bool
    rows: list[PoolRow] = field(default_factory=list)


@dataclass(frozen=True)
class PoolView:
    session: str | None = None
    fallback: bool = False
    """True when the rows come from the themes' own bars, not from Eastmoney's pool."""
    sample: bool = False
    limit_up: int = 0
    broken: int = 0
    limit_down: int = 0
    ladder: dict[int, int] = field(default_factory=dict)
    prev_limit_up: int = 0
    promoted: int = 0
    promotion_by_height: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Yesterday's height h -> (promoted, of) for 1进2, 2进3, …"""
    top: PoolRow | None = None
    groups: list[PoolGroup] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.session is not None

    @property
    def broken_rate(self) -> float | None:
        touched = self.limit_up + self.broken
        return self.broken / touched if touched else None

    @property
    def promotion_rate(self) -> float | None:
        return self.promoted / self.prev_limit_up if self.prev_limit_up else None

    def row(self, code: str) -> PoolRow | None:
        for group in self.groups:
            for r in group.rows:
                if r.code == code:
                    return r
        return None

    @property
    def outside_themes(self) -> int:
        return sum(len(g.rows) for g in self.groups if not g.in_theme)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _membership(themes: Iterable[ThemeCodes]) -> tuple[dict[str, list[str]], dict[str, str], list[tuple[str, str]]]:
    by_code: dict[str, list[str]] = {}
    first_theme: dict[str, str] = {}
    order: list[tuple[str, str]] = []
    for theme_id, name, codes in themes:
        order.append((theme_id, name))
        for code in codes:
            by_code.setdefault(code, [])
            if name not in by_code[code]:
                by_code[code].append(name)
            first_theme.setdefault(code, theme_id)
    return by_code, first_theme, order


def _group(rows: list[PoolRow], themes: Iterable[ThemeCodes], first_theme: dict[str, str], order: list[tuple[str, str]]) -> list[PoolGroup]:
    def key(r: PoolRow) -> tuple:
        return (-r.streak, r.first_seal or "99", r.code)

    groups: list[PoolGroup] = []
    for theme_id, name in order:
        members = sorted((r for r in rows if first_theme.get(r.code) == theme_id), key=key)
        if members:
            groups.append(PoolGroup(f"theme:{theme_id}", name, True, members))
    outside = [r for r in rows if r.code not in first_theme]
    industries: dict[str, list[PoolRow]] = {}
    for r in outside:
        industries.setdefault(r.industry or NO_INDUSTRY, []).append(r)
    for industry, members in sorted(industries.items(), key=lambda kv: (-len(kv[1]), -max(r.streak for r in kv[1]), kv[0])):
        groups.append(PoolGroup(f"industry:{industry}", industry, False, sorted(members, key=key)))
    return groups


def build_pool_view(pool: Any, themes: Sequence[ThemeCodes]) -> PoolView:
    """From a stored pool frame (tui.store.limit_pools.read_limit_pools) of one session."""
    if pool is None or len(pool) == 0:
        return PoolView()
    by_code, first_theme, order = _membership(themes)
    zt = pool.loc[pool["pool"] == "zt"]
    rows = []
    for rec in zt.to_dict("records"):
        streak = int(_num(rec.get("streak")) or 1)
        first, last = rec.get("first_seal"), rec.get("last_seal")
        rows.append(PoolRow(
            code=str(rec["code"]), name=str(rec.get("name") or ""), streak=streak,
            # Sealed in the opening auction and never reopened: the pool's sign of a 一字 board.
            one_word=bool(first == "09:25:00" and last == "09:25:00" and not (_num(rec.get("opens")) or 0)),
            first_seal=first, opens=int(_num(rec.get("opens")) or 0),
            change_pct=_num(rec.get("change_pct")), amount=_num(rec.get("amount")),
            industry=rec.get("industry") or None, themes=tuple(by_code.get(str(rec["code"]), ())),
        ))
    ladder: dict[int, int] = {}
    for r in rows:
        ladder[r.streak] = ladder.get(r.streak, 0) + 1
    prev = pool.loc[pool["pool"] == "prev"]
    sealed = {r.code for r in rows}
    by_height: dict[int, tuple[int, int]] = {}
    for rec in prev.to_dict("records"):
        h = int(_num(rec.get("streak")) or 1)
        done, of = by_height.get(h, (0, 0))
        by_height[h] = (done + (str(rec["code"]) in sealed), of + 1)
    top = min(rows, key=lambda r: (-r.streak, not r.one_word, r.first_seal or "99", r.code)) if rows else None
    return PoolView(
        session=str(pool["session"].iloc[0]),
        limit_up=len(rows),
        broken=int((pool["pool"] == "zb").sum()),
        limit_down=int((pool["pool"] == "dt").sum()),
        ladder=dict(sorted(ladder.items(), reverse=True)),
        prev_limit_up=len(prev),
        promoted=sum(d for d, _ in by_height.values()),
        promotion_by_height=dict(sorted(by_height.items())),
        top=top,
        groups=_group(rows, themes, first_theme, order),
    )


def fallback_pool_view(states: Any, themes: Sequence[ThemeCodes], *, sample: bool = False) -> PoolView:
    """The themes' own ladder on their newest session (tui.analytics.ladder states)."""
    from tui.analytics.ladder import ladder_day

    if states is None or len(states) == 0:
        return PoolView(fallback=True, sample=sample)
    newest = states["date"].max()
    today = states.loc[states["date"] == newest]
    day = ladder_day(today)
    by_code, first_theme, order = _membership(themes)
    rows = [
        PoolRow(code=str(r["code"]), name="", streak=int(r["streak"]), one_word=bool(r["one_word"]),
                themes=tuple(by_code.get(str(r["code"]), ())))
        for r in today.loc[today["streak"] > 0].to_dict("records")
    ]
    top = min(rows, key=lambda r: (-r.streak, not r.one_word, r.code)) if rows else None
    return PoolView(
        session=newest.date().isoformat(), fallback=True, sample=sample,
        limit_up=day.limit_up, broken=day.broken, limit_down=day.limit_down, ladder=day.ladder,
        prev_limit_up=day.prev_limit_up, promoted=day.promoted, top=top,
        groups=_group(rows, themes, first_theme, order),
    )


def with_names(view: PoolView, names: dict[str, str]) -> PoolView:
    """Fill blank names (fallback rows) from the watchlists."""
    from dataclasses import replace

    groups = [replace(g, rows=[replace(r, name=r.name or names.get(r.code, "")) for r in g.rows]) for g in view.groups]
    top = replace(view.top, name=view.top.name or names.get(view.top.code, "")) if view.top else None
    return replace(view, groups=groups, top=top)


def load_pool_view(data_dir: Path, themes: Sequence[ThemeCodes], names: dict[str, str]) -> PoolView:
    """Open this thread's own Store: the newest stored pool, else the themes' own ladder."""
    from datetime import timedelta

    from tui.analytics.ladder import ladder_states_preferring_raw
    from tui.store.limit_pools import read_limit_pools
    from tui.store.readers import newest_bar_date
    from tui.store.store import Store

    codes = list(dict.fromkeys(c for _i, _n, cs in themes for c in cs))
    with Store.open(data_dir) as store:
        pool = read_limit_pools(store)
        newest = newest_bar_date(store, codes) if codes else None
        pool_day = date.fromisoformat(str(pool["session"].iloc[0])) if len(pool) else None
        if pool_day is not None and (newest is None or pool_day >= newest):
            return with_names(build_pool_view(pool, themes), names)
        if newest is None:
            return with_names(build_pool_view(pool, themes), names) if len(pool) else PoolView(fallback=True)
        start = newest - timedelta(days=60)
        qfq = store.bars_for(codes, start=start)
        raw = store.bars_for(codes, adjust="raw", start=start)
    sample = bool(len(qfq)) and bool(qfq["is_sample"].fillna(False).astype(bool).all())
    states = ladder_states_preferring_raw(qfq, raw) if len(qfq) or len(raw) else None
    return with_names(fallback_pool_view(states, themes, sample=sample), names)


__all__ = ["PoolGroup", "PoolRow", "PoolView", "build_pool_view", "fallback_pool_view", "load_pool_view", "with_names"]
