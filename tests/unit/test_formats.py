"""The one home of number and column formats (tui.formats): unknown is "—" everywhere."""

import math

import numpy as np

from tui.formats import fmt_amount, fmt_change, fmt_frac, fmt_pct, fmt_price, pad


def test_unknown_numbers_are_a_dash_for_every_format():
    for bad in (None, math.nan, np.float64("nan"), math.inf, np.float32("nan")):
        assert fmt_frac(bad) == fmt_pct(bad) == fmt_amount(bad) == fmt_price(bad) == fmt_change(bad) == "—"


def test_returns_are_signed_percentages_of_fractions():
    assert fmt_frac(0.0123) == "+1.23%"
    assert fmt_frac(-0.5) == "-50.00%"
    assert fmt_frac(np.float32(0.25)) == "+25.00%"
    assert fmt_pct(1.5, sign=False) == "1.50%"
    assert fmt_amount(2.5e8) == "2.50亿" and fmt_amount(45_670_000) == "4567万"


def test_pad_counts_terminal_cells_not_characters():
    assert pad("沪深300", 9) == "沪深300  "  # two CJK characters are four cells
    assert pad("+1.00%", 8, right=True) == "  +1.00%"
    assert pad("too long", 3) == "too long"


def test_a_signed_return_is_red_up_green_down_unless_configured_otherwise():
    from tui.ui.formatting import signed_return

    assert signed_return(0.05, 8) == ("  +5.00%", "$error")
    assert signed_return(-0.05, 8) == ("  -5.00%", "$success")
    assert signed_return(0.05, 8, "green") == ("  +5.00%", "$success")
    assert signed_return(math.nan, 4) == ("   —", "") and signed_return(0.0, 6)[1] == ""
