from datetime import date

import pytest

from tui.domain.codes import Board, CodeError, Exchange, parse_code


@pytest.mark.parametrize(
    ("code", "exchange", "board", "limit"),
    [
        ("600589", Exchange.SH, Board.MAIN, 0.10),
        ("603881", Exchange.SH, Board.MAIN, 0.10),
        ("688041", Exchange.SH, Board.STAR, 0.20),
        ("002602", Exchange.SZ, Board.MAIN, 0.10),
        ("000815", Exchange.SZ, Board.MAIN, 0.10),
        ("300133", Exchange.SZ, Board.CHINEXT, 0.20),
        ("301085", Exchange.SZ, Board.CHINEXT, 0.20),
        ("430017", Exchange.BJ, Board.BSE, 0.30),
        ("832175", Exchange.BJ, Board.BSE, 0.30),
        ("920106", Exchange.BJ, Board.BSE, 0.30),
        ("00700", Exchange.HK, Board.HK, None),
    ],
)
def test_exchange_board_and_limit_from_code(code, exchange, board, limit):
    sec = parse_code(code)
    assert (sec.exchange, sec.board) == (exchange, board)
    assert sec.limit_pct(date(2025, 3, 13)) == limit


def test_st_narrows_main_board_only():
    assert parse_code("002602").limit_pct(date(2025, 4, 7), st=True) == 0.05
    assert parse_code("300133").limit_pct(date(2025, 4, 7), st=True) == 0.20


def test_chinext_was_ten_percent_before_registration_reform():
    assert parse_code("300133").limit_pct(date(2020, 8, 21)) == 0.10
    assert parse_code("300133").limit_pct(date(2020, 8, 24)) == 0.20


def test_symbol_has_lowercase_market_prefix():
    assert parse_code("300133").symbol == "sz300133"
    assert parse_code("688041").symbol == "sh688041"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("3001334", "six digits"),
        ("30013", None),  # parse_code reads five digits as Hong Kong; check_listing makes it explicit
        ("700001", "unknown prefix"),
        ("30A133", "six digits"),
        ("", "six digits"),
    ],
)
def test_invalid_codes_say_why(code, fragment):
    if fragment is None:
        assert parse_code(code).exchange is Exchange.HK
        return
    with pytest.raises(CodeError, match=fragment):
        parse_code(code)


def test_a_number_is_refused_with_a_hint_to_quote_it():
    with pytest.raises(CodeError, match="quoted string"):
        parse_code(2602)  # type: ignore[arg-type]
