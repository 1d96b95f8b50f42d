"""Property-based: every headless view, export and command copes with a theme that has little or
no data (no bars, one stock with bars, only suspended stocks, only unlisted companies, no
stocks, a benchmark with no bars, catalysts before every bar or after the last one).

"Copes" means: no exception escapes, commands exit 0 or 1 with a message (never a traceback),
blanks where there is no figure (never NaN or None printed), and the figures that exist are
for the stocks that have data.
"""

from __future__ import annotations

import contextlib
import io
import math
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.sparse_store import NAMED, POOL, StockSpec, StoreSpec, build
from tui.analytics.board import build_board, summarize_board
from tui.analytics.catalyst_reaction import STATUSES
from tui.views.catalyst_reaction import load_reaction
from tui.config.loader import load_project
from tui.store import Store
from tui.store.readers import read_board_inputs
from tui.views.price import load_price_view
from tui.views.theme_index import load_theme_index_view, theme_codes

SHANGHAI = ZoneInfo("Asia/Shanghai")
BAD_WORDS = ("nan", "None", "NaT", "inf")

stock_specs = st.builds(
    StockSpec,
    code=st.sampled_from(POOL),
    bars=st.sampled_from([0, 1, 2, 6, 25]),
    quote=st.sampled_from([None, None, "live", "suspended"]),
)
store_specs = st.builds(
    StoreSpec,
    stocks=st.lists(stock_specs, max_size=3, unique_by=lambda s: s.code).map(tuple),
    unlisted=st.integers(0, 2),
    benchmark_bars=st.sampled_from([0, 1, 25, 40]),
    catalyst_offsets=st.lists(st.sampled_from([-5, 0, 3, 10, 30, 100]), min_size=1, max_size=2, unique=True).map(tuple),
)


def cli(argv: list[str]) -> tuple[int, str, str]:
    import tui.cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = tui.cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def no_bad_words(text: str) -> bool:
    return not any(word in text for word in BAD_WORDS)


def check_everything(spec: StoreSpec, root: Path) -> None:
    ctx = build(root, spec)
    project = load_project(ctx.watchlists, ctx.catalysts)
    assert not project.errors, project.errors
    theme = project.theme("zz-new")
    codes = [s.code for s in theme.stocks if s.code]
    assert codes == spec.listed

    # ---- the board and its header (app and snapshot)
    with Store.open(ctx.data_dir) as store:
        inputs = read_board_inputs(store, project.listed_codes(), [theme.benchmark, "sh000300"])
    now = datetime(2026, 11, 22, 20, 0, tzinfo=SHANGHAI)
    board = build_board(codes, {c: f"股票{c}" for c in codes}, inputs.quotes, inputs.bars, now=now, expected_as_of=now - timedelta(days=2))
    assert list(board["code"]) == codes
    priced = {c for c, p in zip(board["code"], board["price"]) if not math.isnan(p)}
    assert priced == set(spec.with_data())
    bench = inputs.benchmarks.get(theme.benchmark)
    summary = summarize_board(board, benchmark=theme.benchmark, benchmark_pct=bench.change_pct if bench else None)
    assert (summary.n, summary.priced) == (len(codes), len(priced))
    assert (summary.mean_pct is None) == (summary.up + summary.down + summary.flat == 0)

    # ---- the index tab, the stock detail chart, every catalyst's measured reaction
    members, _unlisted = theme_codes(theme)
    view = load_theme_index_view(ctx.data_dir, members, theme.benchmark)
    assert set(view.used) <= {s.code for s in spec.stocks if s.bars}
    for code in codes:
        load_price_view(ctx.data_dir, code, theme.benchmark, project.catalysts)
    for catalyst in project.catalysts:
        reaction = load_reaction(ctx.data_dir, catalyst, codes, catalyst.stocks, theme_id=theme.id)
        assert reaction.status in STATUSES
        for result in reaction.results:
            assert result.n <= len(codes)

    # ---- the commands
    base = ["--watchlists", str(ctx.watchlists), "--catalysts", str(ctx.catalysts), "--data-dir", str(ctx.data_dir)]
    assert cli(base + ["validate"])[0] == 0
    for catalyst in project.catalysts:
        for fmt in ("table", "json", "csv"):
            code, out, err = cli(base + ["event-study", "--catalyst", catalyst.id, "--theme", theme.id, "--format", fmt])
            assert code in (0, 1) and "Traceback" not in err
            assert code == 0 or err.strip(), "a failure says why"
    out_dir = root / "snapshots"
    code, out, err = cli(base + ["snapshot", "--out", str(out_dir)])
    has_data = bool(spec.with_data()) or any(s.quote for s in spec.stocks)
    assert code == (0 if has_data else 1), err
    if code == 0:
        for path in out_dir.rglob("*"):
            if path.suffix in (".csv", ".md"):
                assert no_bad_words(path.read_text(encoding="utf-8")), path.name
        stocks_csv = next(out_dir.rglob("stocks.csv")).read_text(encoding="utf-8").splitlines()
        assert len(stocks_csv) == 1 + len(codes)
    else:
        assert "Traceback" not in err and err.strip()
    # A session before every stored bar: a message, exit 1, nothing written.
    code, out, err = cli(base + ["snapshot", "--date", "2023-06-01", "--out", str(root / "early")])
    assert code == 1 and out == "" and not (root / "early").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=store_specs)
def test_every_view_and_command_copes_with_sparse_data(spec):
    root = Path(tempfile.mkdtemp(prefix="sparse-"))
    try:
        check_everything(spec, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_named_cases(tmp_path):
    """The cases the issue names, each once, whatever the random draw."""
    for i, spec in enumerate(NAMED.values()):
        check_everything(spec, tmp_path / str(i))

