"""The A-share market's clock: its time zone and the times of the trading day (SSE/SZSE).

One home for these constants: the calendar, the sources, the store, the board, the schedule,
the snapshot and the app all read them from here. China has had no daylight saving time since
1991, but times are always converted with zoneinfo, never by a fixed offset.
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

#: The exchanges' time zone; every timestamp the app shows or stores is in it.
TIMEZONE_NAME = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TIMEZONE_NAME)

#: Opening call auction 09:15-09:25 (orders cancellable until 09:20), then pre-open.
AUCTION_START = time(9, 15)
AUCTION_END = time(9, 25)
#: Continuous trading, morning and afternoon sessions.
MORNING_OPEN = time(9, 30)
MORNING_CLOSE = time(11, 30)
AFTERNOON_OPEN = time(13, 0)
#: Closing call auction 14:57-15:00; the close is set by it.
CLOSING_AUCTION_START = time(14, 57)
MARKET_CLOSE = time(15, 0)
#: The two sessions whose prices move (both ends included): quote refreshes run inside them.
TRADING_SESSIONS: tuple[tuple[time, time], ...] = ((MORNING_OPEN, MORNING_CLOSE), (AFTERNOON_OPEN, MARKET_CLOSE))
