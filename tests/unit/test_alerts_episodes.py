"""Once per episode: the state machine, dated episodes, namespaces, and two processes."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from tests.fixtures import alert_frames as af
from tui.alerts import episodes
from tui.alerts.conditions import Verdict
from tui.alerts.rules import Rule
from tui.store import Store

RULE = Rule(id="r", stock="600001", when="limit_up")
DATED = Rule(id="d", theme="all", when="catalyst_due", days=3)
NOW = af.at(date(2025, 3, 31), 10)


def v(true: bool, rule: Rule = RULE, subject: str = "600001", episode: str = "") -> Verdict:
    return Verdict(rule, subject, "n", true, NOW, False, episode, "zh", "en")


@pytest.mark.parametrize(
    ("active", "episode", "verdict", "expected"),
    [
        (False, "", v(True), (True, True, "")),  # becomes true: fire
        (True, "", v(True), (False, True, "")),  # still true: quiet
        (True, "", v(False), (False, False, "")),  # false: episode over
        (False, "", v(False), (False, False, "")),
        (False, "", v(True, DATED, "c", "2025-04-02"), (True, True, "2025-04-02")),
        (True, "2025-04-02", v(True, DATED, "c", "2025-04-02"), (False, True, "2025-04-02")),
        (False, "2025-04-02", v(True, DATED, "c", "2025-04-02"), (False, True, "2025-04-02")),  # once per date
        (True, "2025-04-02", v(True, DATED, "c", "2025-04-03"), (True, True, "2025-04-03")),  # a new date
    ],
)
def test_decide(active, episode, verdict, expected):
    assert episodes.decide(active, episode, verdict) == expected


def test_claim_fires_again_only_after_the_condition_was_false(tmp_path):
    with af.open_store(tmp_path) as store:
        claim = lambda t: episodes.claim(store.conn, [v(t)], namespace=episodes.LIVE, session=None, now=NOW)  # noqa: E731
        assert len(claim(True)) == 1
        assert claim(True) == []
        assert claim(False) == []
        again = claim(True)
        assert len(again) == 1 and again[0].id is not None
        assert [a.id for a in episodes.recent_alerts(store.conn)] == [again[0].id, again[0].id - 1]


def test_dry_run_records_nothing(tmp_path):
    with af.open_store(tmp_path) as store:
        assert len(episodes.claim(store.conn, [v(True)], namespace="live", session=None, now=NOW, dry_run=True)) == 1
        assert len(episodes.claim(store.conn, [v(True)], namespace="live", session=None, now=NOW)) == 1
        assert episodes.recent_alerts(store.conn) and len(episodes.recent_alerts(store.conn)) == 1


def test_replay_and_live_episodes_are_apart_and_replays_can_be_reset(tmp_path):
    with af.open_store(tmp_path) as store:
        assert len(episodes.claim(store.conn, [v(True)], namespace=episodes.REPLAY, session=None, now=NOW)) == 1
        assert len(episodes.claim(store.conn, [v(True)], namespace=episodes.LIVE, session=None, now=NOW)) == 1
        assert episodes.reset(store.conn, episodes.REPLAY) == 1
        assert len(episodes.claim(store.conn, [v(True)], namespace=episodes.REPLAY, session=None, now=NOW)) == 1
        assert episodes.claim(store.conn, [v(True)], namespace=episodes.LIVE, session=None, now=NOW) == []


def test_two_processes_never_both_fire(tmp_path):
    """Eight connections (as the app and the schedule would hold) claim the same verdict at
    once: exactly one gets the alert."""
    with af.open_store(tmp_path):
        pass
    results: list[int] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        store = Store.open(tmp_path / "data", load_sample=False)
        try:
            barrier.wait(timeout=30)
            results.append(len(episodes.claim(store.conn, [v(True)], namespace="live", session=None, now=NOW)))
        finally:
            store.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [0] * 7 + [1]
