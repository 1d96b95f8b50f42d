"""The inbox end to end on recorded feed frames: fetch into the store, dedupe across fetches
and sources, relevance and mute rules, triage into catalysts.yaml (comments kept)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tests.fixtures import feed_frames as ff
from tui.config.loader import load_project
from tui.context import Context
from tui.domain.models import Theme
from tui.inbox.fetch import run_inbox_fetch
from tui.inbox.relevance import DEFAULT_MUTE_PATTERNS, classify, rules_by_code
from tui.inbox import triage
from tui.sources.feeds import FeedCaller
from tui.store import LATEST_VERSION, Store
from tui.store import inbox as inbox_store
from tui.views.inbox import build_rows, fetched_rows, load_rows, new_relevant_counts, new_relevant_items, report_section

TODAY = date(2026, 11, 22)
SINCE = date(2026, 11, 8)
CODES = ["300738", "300133", "688041"]

THEME_YAML = """\
# A test theme for the inbox.
id: compute
name: 算力
keywords: [算力, 智算, 液冷]
stocks:
  - code: "300738"
    name: 奥飞数据
  - code: "300133"
    name: 华策影视
  - code: "688041"
    name: 海光信息
"""

CATALYSTS_YAML = """\
# My calendar: keep this comment.
catalysts:
  - id: first
    date: 2026-01-05
    title: 旧事件  # inline comment stays
    kind: policy
"""


@pytest.fixture
def project_dir(tmp_path: Path) -> tuple[Path, Path]:
    watch = tmp_path / "watchlists"
    watch.mkdir()
    (watch / "compute.yaml").write_text(THEME_YAML, encoding="utf-8")
    cats = tmp_path / "catalysts.yaml"
    cats.write_text(CATALYSTS_YAML, encoding="utf-8")
    return watch, cats


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data", load_sample=False) as s:
        yield s


def caller(fake) -> FeedCaller:
    return FeedCaller(loader=lambda: fake, sleep=lambda s: None, min_interval=0.0)


def fetch(store, fake=None, codes=CODES, **kw):
    fake = fake or ff.feed_akshare()
    names = {"300738": "奥飞数据", "300133": "华策影视", "688041": "海光信息"}
    return run_inbox_fetch(store.conn, caller(fake), codes, today=TODAY, names=names, since=SINCE, **kw)


# --------------------------------------------------------------------------- store + fetch


def test_migration_creates_inbox_tables(store):
    assert store.schema_version == LATEST_VERSION
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"inbox_items", "fetched_catalysts", "earnings_previews"} <= tables


def test_fetch_stores_items_once_across_fetches_and_sources(store):
    first = fetch(store)
    items = inbox_store.list_items(store.conn)
    # 300738: 3 announcements + 2 answered Q&A + 2 news; 300133: 2 answered Q&A; 688041: 1 SSE answer
    assert first.items_new == len(items) == 10
    assert sorted(f.code for _, f in first.failures) == ["300133", "688041"]  # news: curl_cffi DNSError
    again = fetch(store)
    assert again.items_new == 0 and again.items_duplicate == 10
    assert len(inbox_store.list_items(store.conn)) == 10
    # Eastmoney down: cninfo returns the same contract announcement (no "奥飞数据:" prefix) and a new one
    third = fetch(store, ff.feed_akshare(stock_individual_notice_report=ff.network_down), codes=["300738"], feeds=["announcements"])
    assert third.items_new == 1 and third.items_duplicate == 1
    twin = next(i for i in inbox_store.list_items(store.conn) if "算力租赁服务合同" in i.title)
    assert twin.source == "em-notice" and twin.also_in == ("cninfo",)


def test_triage_state_survives_refetch(store):
    fetch(store)
    item = inbox_store.list_items(store.conn)[0]
    triage.dismiss(store.conn, item.id)
    fetch(store)
    assert inbox_store.get_item(store.conn, item.id).state == "dismissed"


def test_earnings_catalysts_updated_on_date_change_and_happened_when_disclosed(store):
    summary = fetch(store, feeds=["earnings", "previews"])
    assert summary.catalysts_new == 3
    rows = {c.code: c for c in inbox_store.fetched_catalysts(store.conn) if c.kind == "earnings"}
    assert rows["300133"].status == "happened" and rows["300133"].date == "2026-10-28"
    assert rows["300738"].status == "expected" and rows["300738"].date == "2026-10-29"  # 一次变更
    assert rows["300738"].changes == 1 and rows["300738"].first_date == "2026-10-25"
    assert rows["300738"].title == "奥飞数据 2026年三季报披露"
    # the exchange moves the date again (二次变更), then the report is out (实际披露时间)
    moved = ff.yysj_frame()
    moved.loc[moved["股票代码"] == "300738", "二次变更日期"] = date(2026, 10, 31)
    fetch(store, ff.feed_akshare(stock_yysj_em=lambda **kw: moved), feeds=["earnings"])
    row = next(c for c in inbox_store.fetched_catalysts(store.conn) if c.key == "earnings:300738:2026-09-30")
    assert (row.date, row.status, row.changes) == ("2026-10-31", "expected", 2)
    moved.loc[moved["股票代码"] == "300738", "实际披露时间"] = date(2026, 10, 31)
    fetch(store, ff.feed_akshare(stock_yysj_em=lambda **kw: moved), feeds=["earnings"])
    row = next(c for c in inbox_store.fetched_catalysts(store.conn) if c.key == "earnings:300738:2026-09-30")
    assert row.status == "happened"


def test_previews_attach_to_the_earnings_catalyst(store, project_dir):
    watch, cats = project_dir
    fetch(store, feeds=["earnings", "previews"])
    project = load_project(watch, cats)
    rows = {r.catalyst.code: r for r in fetched_rows(store.conn, project)}
    assert [p["metric"] for p in rows["300738"].previews] == ["归属于上市公司股东的净利润", "扣除非经常性损益后的净利润"]
    assert rows["300738"].preview_text().startswith("预增 净利润1.5亿元至1.8亿元")
    assert rows["300133"].previews == ()


def test_lockups_are_risk_catalysts(store):
    fetch(store, feeds=["lockups"])
    rows = [c for c in inbox_store.fetched_catalysts(store.conn) if c.kind == "risk"]
    assert [(c.date, c.status) for c in rows] == [("2026-11-10", "happened"), ("2026-12-15", "expected")]
    assert rows[1].title == "奥飞数据 限售解禁 1.20亿股，市值约31.00亿元"
    assert rows[1].source == "stock_restricted_release_queue_em"


def test_hong_kong_codes_are_skipped(store):
    summary = fetch(store, codes=["00700"])
    assert summary.skipped_codes == ["00700"] and summary.counts["news"].calls == 0


def test_snooze_wakes_up(store):
    fetch(store, feeds=["news"])
    item = inbox_store.list_items(store.conn)[0]
    triage.snooze(store.conn, item.id, today=TODAY, days=2)
    assert inbox_store.wake_snoozed(store.conn, date(2026, 11, 23)) == 0
    assert inbox_store.wake_snoozed(store.conn, date(2026, 11, 24)) == 1
    assert inbox_store.get_item(store.conn, item.id).state == "new"


# --------------------------------------------------------------------------- relevance


def test_keywords_mark_relevant_and_sort_first_defaults_mute_routine(store, project_dir):
    watch, cats = project_dir
    fetch(store)
    project = load_project(watch, cats)
    rows = load_rows(store.conn, project, today=TODAY)
    titles = [r.item.title for r in rows]
    # relevant first (算力 / 智算 / 液冷), then newest
    relevant = [r.item.title for r in rows if r.relevant]
    assert titles[: len(relevant)] == relevant
    assert "奥飞数据:关于签订算力租赁服务合同的公告" in relevant
    assert "请问公司液冷数据中心的上架率如何？" in relevant
    assert "请问公司今年分红吗？" not in relevant
    # default mute patterns: the board resolution and the convertible-bond notice are hidden
    assert not any("决议公告" in t or "可转换公司债券" in t for t in titles)
    everything = load_rows(store.conn, project, today=TODAY, include_muted=True)
    assert len(everything) == len(rows) + 2
    assert new_relevant_counts(rows) == {"300738": 3, "300133": 1, "688041": 1}
    assert {r.item.code for r in new_relevant_items(store.conn, project)} == {"300738", "300133", "688041"}


def test_keyword_wins_over_mute_and_empty_mute_list_mutes_nothing():
    theme = Theme.model_validate({"id": "t", "name": "T", "keywords": ["智算"], "stocks": [{"code": "300738", "name": "奥飞"}]})
    rules = rules_by_code([theme])["300738"]
    assert classify("第四届董事会决议公告（智算中心投资）", "", rules).relevant
    assert classify("第四届董事会决议公告", "", rules).muted
    open_theme = theme.model_copy(update={"mute": []})
    assert not classify("第四届董事会决议公告", "", rules_by_code([open_theme])["300738"]).muted
    assert DEFAULT_MUTE_PATTERNS  # documented in the README


def test_keywords_and_mute_validated_at_their_line(tmp_path):
    watch = tmp_path / "w"
    watch.mkdir()
    (watch / "bad.yaml").write_text(
        "id: bad\nname: Bad\nkeywords: [算力, '']\nmute: ['(unclosed']\nstocks: []\n", encoding="utf-8")
    project = load_project(watch, None)
    messages = [str(d) for d in project.errors]
    assert any("bad.yaml:3" in m and "keyword" in m for m in messages), messages
    assert any("bad.yaml:4" in m and "not a valid regular expression" in m for m in messages), messages


# --------------------------------------------------------------------------- triage


def test_accept_writes_catalyst_with_source_and_link_keeping_comments(store, project_dir):
    watch, cats = project_dir
    fetch(store)
    project = load_project(watch, cats)
    item = next(i for i in inbox_store.list_items(store.conn) if "算力租赁服务合同" in i.title)
    done = triage.accept(store.conn, item.id, cats, project, today=TODAY, impact="positive")
    text = cats.read_text(encoding="utf-8")
    assert text.startswith(CATALYSTS_YAML)  # the comment lines and the first item, byte for byte
    reloaded = load_project(watch, cats)
    assert reloaded.errors == []
    cat = next(c for c in reloaded.catalysts if c.id == done.catalyst_id)
    assert done.catalyst_id == f"inbox-300738-2026-11-20-{item.id}"
    assert cat.status == "happened" and cat.kind == "order" and cat.impact == "positive"
    assert cat.stocks == ["300738"] and cat.themes == ["compute"]
    assert cat.source.url == item.link and cat.source.outlet == "东方财富公告"
    assert str(cat.date) == "2026-11-20"
    assert inbox_store.get_item(store.conn, item.id).state == "accepted"
    with pytest.raises(triage.TriageError, match="already accepted"):
        triage.accept(store.conn, item.id, cats, project, today=TODAY)


def test_accept_future_item_is_expected_and_options_override(store, project_dir):
    watch, cats = project_dir
    fetch(store, feeds=["news"])
    project = load_project(watch, cats)
    item = inbox_store.list_items(store.conn)[0]
    done = triage.accept(store.conn, item.id, cats, project, today=date(2026, 11, 1), kind="industry", title="自定义标题")
    cat = next(c for c in load_project(watch, cats).catalysts if c.id == done.catalyst_id)
    assert (cat.status, cat.kind, cat.title) == ("expected", "industry", "自定义标题")


def test_accept_with_invalid_kind_writes_nothing_and_keeps_item_new(store, project_dir):
    watch, cats = project_dir
    fetch(store, feeds=["news"])
    item = inbox_store.list_items(store.conn)[0]
    with pytest.raises(triage.EditError):
        triage.accept(store.conn, item.id, cats, load_project(watch, cats), today=TODAY, kind="rumour")
    assert cats.read_text(encoding="utf-8") == CATALYSTS_YAML
    assert inbox_store.get_item(store.conn, item.id).state == "new"


def test_unknown_item_is_usage_error(store, project_dir):
    with pytest.raises(triage.TriageError, match="no inbox item 999"):
        triage.dismiss(store.conn, 999)


def test_report_section_lists_relevant_first_with_links(store, project_dir):
    watch, cats = project_dir
    fetch(store)
    rows = load_rows(store.conn, load_project(watch, cats), today=TODAY)
    lines = report_section(rows)
    assert lines[0].startswith("| 日期")
    assert "★" in lines[2] and "](https://data.eastmoney.com/notices/detail/300738/" in "\n".join(lines)
    assert report_section([]) == ["No new items."]


# --------------------------------------------------------------------------- CLI


def run_cli(ctx_args, *args, env_extra=None):
    import os

    env = dict(os.environ, PYTHONPATH=str(ROOT), THEME_TRACKER_TODAY=TODAY.isoformat(), TQDM_DISABLE="1")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "tui", *ctx_args, *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_list_json_contract_accept_and_dismiss(tmp_path, project_dir):
    watch, cats = project_dir
    data = tmp_path / "data"
    with Store.open(data, load_sample=False) as s:
        fetch(s)
    ctx_args = ["--watchlists", str(watch), "--catalysts", str(cats), "--data-dir", str(data)]
    out = run_cli(ctx_args, "inbox", "list", "--format", "json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert items and all({"id", "code", "title", "date", "kind", "source", "link", "state", "relevant"} <= set(i) for i in items)
    assert items[0]["relevant"] is True
    theme_only = json.loads(run_cli(ctx_args, "inbox", "list", "--theme", "compute", "--format", "json").stdout)
    assert len(theme_only) == len(items)
    target = next(i for i in items if i["kind"] == "qa")
    out = run_cli(ctx_args, "inbox", "accept", str(target["id"]), "--kind", "company", "--impact", "positive", "--title", "液冷上架率提升")
    assert out.returncode == 0, out.stderr
    assert f"accepted inbox item {target['id']}" in out.stdout
    assert any(c.title == "液冷上架率提升" for c in load_project(watch, cats).catalysts)
    other = next(i for i in items if i["id"] != target["id"])
    assert run_cli(ctx_args, "inbox", "dismiss", str(other["id"])).returncode == 0
    remaining = json.loads(run_cli(ctx_args, "inbox", "list", "--format", "json").stdout)
    assert {i["id"] for i in remaining} == {i["id"] for i in items} - {target["id"], other["id"]}
    accepted = json.loads(run_cli(ctx_args, "inbox", "list", "--state", "accepted", "--format", "json").stdout)
    assert [i["id"] for i in accepted] == [target["id"]]
    missing = run_cli(ctx_args, "inbox", "dismiss", "9999")
    assert missing.returncode == 2 and "no inbox item 9999" in missing.stderr
    table = run_cli(ctx_args, "inbox", "list")
    assert table.returncode == 0 and "TITLE" in table.stdout


def test_cli_fetch_through_injected_caller(tmp_path, project_dir, monkeypatch, capsys):
    from tui import cli
    from tui.commands import inbox as inbox_cmd

    watch, cats = project_dir
    fake = ff.feed_akshare()
    monkeypatch.setattr(inbox_cmd, "caller_factory", lambda ctx, budget, timeout: caller(fake))
    code = cli.main(["--watchlists", str(watch), "--catalysts", str(cats), "--data-dir", str(tmp_path / "data"),
                     "inbox", "fetch", "--since", "2026-11-08"])
    out = capsys.readouterr().out
    assert code == 1  # the news of 300133 and 688041 failed (curl_cffi DNSError)
    assert "inbox fetch: 10 new item(s)" in out
    assert "failed: network unreachable (2); e.g. news " in out and "[stock_news_em]" in out
    bad = cli.main(["--watchlists", str(watch), "--data-dir", str(tmp_path / "data"), "inbox", "fetch", "--feeds", "tweets"])
    assert bad == 2


# --------------------------------------------------------------------------- refresh --feeds, schedule


def test_refresh_fetches_feeds_only_with_feeds_flag(tmp_path, project_dir, monkeypatch, capsys):
    import argparse

    from tests.unit.test_refresh import FakeSource, full_series
    from tui.commands import inbox as inbox_cmd
    from tui.commands import refresh as refresh_cmd
    from tui.sources import akshare_source

    watch, cats = project_dir
    fake = ff.feed_akshare()
    monkeypatch.setattr(akshare_source, "AkshareSource", lambda **kw: FakeSource(full_series()))
    monkeypatch.setattr(inbox_cmd, "caller_factory", lambda ctx, budget, timeout: caller(fake))
    ctx = Context(watchlists=watch, catalysts=cats, data_dir=tmp_path / "data", today_override=TODAY)

    def parse(argv):
        parser = argparse.ArgumentParser()
        refresh_cmd.register(parser.add_subparsers(dest="command"))
        return parser.parse_args(["refresh", "--codes", "300738", *argv])

    refresh_cmd.run(parse([]), ctx)
    assert fake.calls == [] and "inbox fetch" not in capsys.readouterr().out
    refresh_cmd.run(parse(["--feeds"]), ctx)
    assert "inbox fetch: " in capsys.readouterr().out
    assert {c[0] for c in fake.calls} >= {"stock_yysj_em", "stock_individual_notice_report", "stock_news_em"}


def test_schedule_close_job_fetches_feeds_of_a_source_that_offers_them(tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.unit.test_schedule import OfflineSource
    from tui.jobs import schedule as sched

    fake = ff.feed_akshare()

    class WithFeeds(OfflineSource):
        def feed_caller(self):
            return caller(fake)

    now = datetime(2025, 11, 21, 15, 35, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    runner = sched.ScheduleRunner(data_dir=tmp_path / "data", watchlists=WATCHLISTS, catalysts=CATALYSTS, interval=5,
                                  out=tmp_path / "snaps", source_factory=lambda: WithFeeds(), clock=lambda: now)
    text = runner.close_job()
    assert "feeds " in text and "snapshot 2025-11-21" in text, text
    assert fake.calls  # the after-close job asked the feeds


def test_snapshot_report_has_new_in_the_inbox_section(tmp_path, project_dir):
    from tui.export.report import render_report
    from tui.export.snapshot import build_snapshot

    watch, cats = project_dir
    news = ff.news_frame()
    news["发布时间"] = ["2025-11-20 08:30:00", "2025-11-19 07:05:00", "2025-10-01 09:00:00"]
    fake = ff.feed_akshare(stock_news_em=lambda **kw: news)
    with Store.open(tmp_path / "data") as s:  # with the shipped sample bars (last session 2025-11-21)
        run_inbox_fetch(s.conn, caller(fake), ["300738"], today=date(2025, 11, 21), since=date(2025, 11, 1), feeds=["news"])
        project = load_project(watch, cats)
        snap = build_snapshot(s, project, date(2025, 11, 21), today=date(2025, 11, 21))
        earlier = build_snapshot(s, project, date(2025, 11, 18), today=date(2025, 11, 21))
    assert [sec["theme"] for sec in snap.inbox] == ["compute"]
    text = render_report(snap)
    assert "## 收件箱新条目" in text and "**算力**" in text
    assert "| 2025-11-20 | 300738 | 奥飞数据 | 新闻 | [奥飞数据：智算中心二期投产](http://finance.eastmoney.com/a/" in text
    assert earlier.inbox == []  # items dated after a replayed session are not in its report
    assert "收件箱新条目" not in render_report(earlier)


def test_cli_calendar_snooze_restore_in_process(tmp_path, project_dir, capsys, monkeypatch):
    from tui import cli

    monkeypatch.setenv("THEME_TRACKER_TODAY", TODAY.isoformat())
    watch, cats = project_dir
    data = tmp_path / "data"
    with Store.open(data, load_sample=False) as s:
        fetch(s)
        item_id = inbox_store.list_items(s.conn)[0].id
    base = ["--watchlists", str(watch), "--catalysts", str(cats), "--data-dir", str(data)]
    assert cli.main([*base, "inbox", "calendar", "--format", "json"]) == 0
    cal = json.loads(capsys.readouterr().out)
    keys = {c["key"] for c in cal}
    assert {"earnings:300738:2026-09-30", "lockup:300738:2026-12-15"} <= keys
    aofei = next(c for c in cal if c["key"] == "earnings:300738:2026-09-30")
    assert aofei["changes"] == 1 and aofei["previews"][0]["type"] == "预增"
    assert cli.main([*base, "inbox", "calendar"]) == 0
    assert "date changed 1x" in capsys.readouterr().out
    assert cli.main([*base, "inbox", "snooze", str(item_id), "--days", "2"]) == 0
    assert "until 2026-11-24" in capsys.readouterr().out
    assert cli.main([*base, "inbox", "list", "--format", "json"]) == 0
    assert item_id not in [i["id"] for i in json.loads(capsys.readouterr().out)]
    assert cli.main([*base, "inbox", "list", "--state", "snoozed", "--format", "json"]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [item_id]
    assert cli.main([*base, "inbox", "restore", str(item_id)]) == 0
    capsys.readouterr()
    assert cli.main([*base, "inbox", "list", "--format", "json"]) == 0
    assert item_id in [i["id"] for i in json.loads(capsys.readouterr().out)]
    assert cli.main([*base, "inbox", "list", "--theme", "nope"]) == 2
