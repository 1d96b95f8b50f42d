"""Garbage-collector settings while the app runs: keep full collections off key presses."""

from __future__ import annotations

import gc

#: Full (generation 2) garbage collections run a tenth as often as Python's default: on the
#: app's heap one takes 100-200 ms, long enough to hold a key press's repaint.
FULL_GC_EVERY = 100


def tune_garbage_collector() -> tuple[int, int, int]:
    """Once start-up has loaded everything (modules, models, the first store read): exempt that
    heap from the cyclic collector (it lives as long as the app) and make full collections
    rarer. Refcounting still frees everything that is dropped; only cycles wait longer.
    Returns the previous thresholds, for :func:`restore_garbage_collector`.

    Measured with benchmarks/bench_key_latency.py: a full collection landed on one key press
    in eight and took 170-230 ms of its repaint; with this, p95 of the repaint 180-230 ms ->
    85-95 ms (a rarer full collection during a heavy refresh can still take longer).
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(before[0], before[1], FULL_GC_EVERY)
    return before


def restore_garbage_collector(thresholds: tuple[int, int, int]) -> None:
    """Undo :func:`tune_garbage_collector` when the app closes (the tests run many apps in one
    process: a closed app's heap must be collectable again)."""
    gc.unfreeze()
    gc.set_threshold(*thresholds)
