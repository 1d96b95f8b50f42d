"""The A-share trading calendar and the market's intraday state, all in Asia/Shanghai.

Session dates come from exchange-calendars' XSHG, imported lazily (the import takes ~0.5 s and
must stay off the app's first paint). XSHG's data ends on a fixed date (2026-12-31 in 4.13.2;
new years arrive weeks into January). Past that end the calendar falls back, in order, to:

1. trade dates supplied by the caller (the store's meta "trade_dates", filled by a refresh
   from akshare), up to the last supplied date;
2. weekdays, minus the fixed-date statutory holidays on which the exchanges always close
   (1 Jan, 1 May, 1–3 Oct). This is a guess: 调休 and the Spring Festival are not known.

Whenever an answer came from the weekday guess, or "today" lies past XSHG's end,
``calendar_stale`` is True and ``stale_reason`` says why, for the UI and CLI to show. Nothing
here raises for a date past the end.

Intraday states (see :class:`MarketState`): opening call auction 09:15–09:25, pre-open
09:25–09:30 (orders accepted, no matching), continuous trading 09:30–11:30 and 13:00–14:57,
closing call auction 14:57–15:00. China has had no daylight saving time since 1991, but
times are always converted with zoneinfo, never by a fixed offset.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import Enum

from tui.domain.labels import MARKET_STATE_LABELS
from tui.domain.market import (  # noqa: F401 - re-exported: the calendar's callers read them here too
    AFTERNOON_OPEN,
    AUCTION_END,
    AUCTION_START,
    CLOSING_AUCTION_START,
    MARKET_CLOSE,
    MORNING_CLOSE,
    MORNING_OPEN,
    SHANGHAI,
)
from tui.errors import ThemeTrackerError

#: Fixed-date holidays on which SSE/SZSE are closed every year (元旦, 劳动节, 国庆).
FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


class MarketState(str, Enum):
    """Where the market is within the trading day."""

    PRE_OPEN_AUCTION = "pre_open_auction"
    PRE_OPEN = "pre_open"
    OPEN = "open"
    LUNCH_BREAK = "lunch_break"
    CLOSING_AUCTION = "closing_auction"
    CLOSED = "closed"
    HOLIDAY = "holiday"

    @property
    def label_zh(self) -> str:
        """Chinese label for the status bar."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return _LABELS[self][1]

    @property
    def is_trading(self) -> bool:
        """True while prices can move (auctions included)."""
        return self in (MarketState.PRE_OPEN_AUCTION, MarketState.OPEN, MarketState.CLOSING_AUCTION)


_LABELS: dict[MarketState, tuple[str, str]] = {MarketState(k): v for k, v in MARKET_STATE_LABELS.items()}


def _as_date(value: date | datetime | str) -> date:
    """A calendar date from a date, a datetime (converted to Shanghai if aware) or ISO text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return _as_date(value.to_pydatetime())
    return date.fromisoformat(str(value)[:10])


def to_shanghai(now: datetime) -> datetime:
    """``now`` as Shanghai wall time; a naive datetime is taken to be Shanghai time already."""
    if now.tzinfo is None:
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


#: The Shanghai Stock Exchange's first session.
XSHG_FIRST_SESSION = date(1990, 12, 19)


class BeforeFirstSessionError(ThemeTrackerError, ValueError):
    """A session before the exchange's first was asked for."""


def _load_xshg() -> list[date]:
    """XSHG session dates (lazy import of exchange-calendars)."""
    import warnings

    with warnings.catch_warnings():
        # exchange-calendars 4.13 trips pandas 3.1 deprecation warnings while building XSHG.
        warnings.simplefilter("ignore")
        import exchange_calendars as xcals

        # By default exchange-calendars starts 20 years before today, so a plan or a study of
        # 2005 fell back to the weekday guess and listed the Spring Festival week as sessions.
        # The Shanghai exchange opened on 1990-12-19: cover the whole listed history (the
        # longer calendar costs no measurable time: ~0.07 s either way).
        cal = xcals.get_calendar("XSHG", start=XSHG_FIRST_SESSION.isoformat())
    return [ts.date() for ts in cal.sessions]


class TradingCalendar:
    """Session dates from XSHG, then the supplied trade dates, then a weekday guess.

    ``today`` (default: the date in Shanghai when first needed) only decides whether the
    calendar counts as stale because XSHG's data has run out.
    """

    def __init__(
        self,
        trade_dates: Iterable[date | datetime | str] | None = None,
        *,
        today: date | None = None,
        xshg_sessions: Iterable[date] | None = None,
    ) -> None:
        self._supplied = sorted({_as_date(d) for d in trade_dates or ()})
        self._today = today
        self._xshg_override = list(xshg_sessions) if xshg_sessions is not None else None
        self._lock = threading.Lock()
        self._sessions: list[date] | None = None
        self._session_set: frozenset[date] = frozenset()
        self._xshg_start = self._xshg_end = self._known_end = date.min
        self._guessed: set[date] = set()

    # --- data --------------------------------------------------------------------------------

    def _ensure(self) -> list[date]:
        if self._sessions is not None:
            return self._sessions
        with self._lock:
            if self._sessions is None:
                xshg = sorted(self._xshg_override if self._xshg_override is not None else _load_xshg())
                self._xshg_start, self._xshg_end = xshg[0], xshg[-1]
                extra = [d for d in self._supplied if d > self._xshg_end]
                sessions = xshg + extra
                self._known_end = sessions[-1]
                self._session_set = frozenset(sessions)
                self._sessions = sessions
        return self._sessions

    @property
    def xshg_end(self) -> date:
        """The last date exchange-calendars' XSHG data covers."""
        self._ensure()
        return self._xshg_end

    @property
    def xshg_start(self) -> date:
        """The first date exchange-calendars' XSHG data covers (dates before it are guessed)."""
        self._ensure()
        return self._xshg_start

    @property
    def known_end(self) -> date:
        """The last date covered by real data (XSHG or supplied trade dates)."""
        self._ensure()
        return self._known_end

    def _today_date(self) -> date:
        return self._today or datetime.now(SHANGHAI).date()

    @property
    def calendar_stale(self) -> bool:
        """True if XSHG's data has run out for today, or any answer used the weekday guess."""
        self._ensure()
        return self._today_date() > self._xshg_end or bool(self._guessed)

    @property
    def stale_reason(self) -> str:
        """Why the calendar is stale ("" when it is not), in English, one sentence or two."""
        self._ensure()
        parts: list[str] = []
        if self._today_date() > self._xshg_end or self._guessed:
            parts.append(f"exchange-calendars XSHG data ends {self._xshg_end.isoformat()}")
            if self._known_end > self._xshg_end:
                parts.append(f"using supplied trade dates to {self._known_end.isoformat()}")
            else:
                parts.append("no trade dates supplied beyond it (refresh to fetch them)")
        if self._guessed:
            first, last = min(self._guessed), max(self._guessed)
            span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
            parts.append(f"weekdays assumed to be sessions for {span}")
        return "; ".join(parts)

    @staticmethod
    def _guess(d: date) -> bool:
        return d.weekday() < 5 and (d.month, d.day) not in FIXED_HOLIDAYS

    # --- queries -----------------------------------------------------------------------------

    def is_session(self, d: date | datetime | str) -> bool:
        """True if the exchange trades on ``d``."""
        d = _as_date(d)
        self._ensure()
        if self._xshg_start <= d <= self._known_end:
            return d in self._session_set
        if d < XSHG_FIRST_SESSION:
            return False  # before the exchange opened: certainly no session, not a guess
        self._guessed.add(d)
        return self._guess(d)

    def sessions_in_range(self, start: date | datetime | str, end: date | datetime | str) -> list[date]:
        """Sessions from ``start`` to ``end``, both inclusive, oldest first."""
        a, b = _as_date(start), _as_date(end)
        if b < a:
            return []
        sessions = self._ensure()
        out: list[date] = []
        d = a
        while d < self._xshg_start and d <= b:  # before XSHG's data: guess
            if self.is_session(d):
                out.append(d)
            d += timedelta(days=1)
        lo = bisect.bisect_left(sessions, max(a, self._xshg_start))
        hi = bisect.bisect_right(sessions, b)
        out.extend(sessions[lo:hi])
        d = max(a, self._known_end + timedelta(days=1))
        while d <= b:  # past the known end: guess
            if self.is_session(d):
                out.append(d)
            d += timedelta(days=1)
        return out

    def next_session(self, d: date | datetime | str) -> date:
        """The first session strictly after ``d``."""
        d = _as_date(d)
        sessions = self._ensure()
        if self._xshg_start <= d < self._known_end:
            return sessions[bisect.bisect_right(sessions, d)]
        d += timedelta(days=1)
        while not self.is_session(d):
            d += timedelta(days=1)
        return d

    def previous_session(self, d: date | datetime | str) -> date:
        """The last session strictly before ``d``."""
        d = _as_date(d)
        sessions = self._ensure()
        if self._xshg_start < d <= self._known_end + timedelta(days=1):
            i = bisect.bisect_left(sessions, d)
            if i > 0:
                return sessions[i - 1]
        if d <= XSHG_FIRST_SESSION:
            raise BeforeFirstSessionError(
                f"there is no session before {XSHG_FIRST_SESSION.isoformat()}, the Shanghai exchange's first"
            )
        d -= timedelta(days=1)
        while not self.is_session(d):
            d -= timedelta(days=1)
        return d

    def trading_days_between(self, start: date | datetime | str, end: date | datetime | str) -> int:
        """Sessions after ``start`` up to and including ``end`` (the N of a T−N countdown):
        0 for the same day, 1 if ``end`` is the next session; negative if ``end`` is earlier."""
        a, b = _as_date(start), _as_date(end)
        if b < a:
            return -self.trading_days_between(b, a)
        return len(self.sessions_in_range(a + timedelta(days=1), b))

    # --- intraday ----------------------------------------------------------------------------

    def market_state(self, now: datetime) -> MarketState:
        """The market's state at ``now`` (aware, any zone; naive means Shanghai time)."""
        local = to_shanghai(now)
        if not self.is_session(local.date()):
            return MarketState.HOLIDAY
        t = local.time()
        if t < AUCTION_START or t >= MARKET_CLOSE:
            return MarketState.CLOSED
        if t < AUCTION_END:
            return MarketState.PRE_OPEN_AUCTION
        if t < MORNING_OPEN:
            return MarketState.PRE_OPEN
        if t < MORNING_CLOSE:
            return MarketState.OPEN
        if t < AFTERNOON_OPEN:
            return MarketState.LUNCH_BREAK
        if t < CLOSING_AUCTION_START:
            return MarketState.OPEN
        return MarketState.CLOSING_AUCTION

    def state_label(self, now: datetime, lang: str = "zh") -> str:
        """The state's label, telling "not yet open" (未开盘) from "closed" (已收盘) on a
        session day."""
        state = self.market_state(now)
        if state is MarketState.CLOSED and to_shanghai(now).time() < AUCTION_START:
            return "未开盘" if lang == "zh" else "Not yet open"
        return state.label_zh if lang == "zh" else state.label_en

    def next_open(self, now: datetime, *, auction: bool = False) -> datetime:
        """When continuous trading next runs (09:30 or 13:00; 09:15 with ``auction``), as an
        aware Shanghai datetime; ``now`` itself if trading is under way."""
        local = to_shanghai(now)
        state = self.market_state(local)
        if state in (MarketState.OPEN, MarketState.CLOSING_AUCTION) or (
            auction and state is MarketState.PRE_OPEN_AUCTION
        ):
            return local
        day, t = local.date(), local.time()
        first = AUCTION_START if auction else MORNING_OPEN
        if state is not MarketState.HOLIDAY:
            if t < first:
                return datetime.combine(day, first, SHANGHAI)
            if t < MORNING_OPEN:  # pre-open (or auction when not counting it)
                return datetime.combine(day, MORNING_OPEN, SHANGHAI)
            if state is MarketState.LUNCH_BREAK:
                return datetime.combine(day, AFTERNOON_OPEN, SHANGHAI)
        return datetime.combine(self.next_session(day), first, SHANGHAI)

    def last_close(self, now: datetime) -> date:
        """The latest session whose close (15:00) has passed at ``now``: the date of the last
        complete daily bar."""
        local = to_shanghai(now)
        day = local.date()
        if self.is_session(day) and local.time() >= MARKET_CLOSE:
            return day
        return self.previous_session(day)
