"""Choose the market-data source: akshare by default, or another one by name.

`THEME_TRACKER_SOURCE` selects it: unset or "akshare" for akshare (imported only when a
fetch runs), "sample" for the shipped offline sample, or "package.module:callable" for any
object following tui.sources.base.MarketSource (a callable returning one).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from tui.errors import UsageError

SOURCE_ENV = "THEME_TRACKER_SOURCE"


def source_factory(spec: str | None = None, *, timeout: float = 10.0) -> Callable[[], Any]:
    """A zero-argument callable that builds the configured source (built lazily, per use)."""
    spec = (spec if spec is not None else os.environ.get(SOURCE_ENV, "")).strip() or "akshare"
    if spec == "akshare":
        def make_akshare() -> Any:
            from tui.sources.akshare_source import AkshareSource

            return AkshareSource(timeout=timeout)

        return make_akshare
    if spec == "sample":
        def make_sample() -> Any:
            from tui.sources.sample_source import SampleSource

            return SampleSource()

        return make_sample
    if ":" not in spec:
        raise UsageError(f"{SOURCE_ENV}={spec!r}: expected 'akshare', 'sample' or 'module:callable'")
    module_name, attr = spec.split(":", 1)

    def make_custom() -> Any:
        return getattr(importlib.import_module(module_name), attr)()

    return make_custom
