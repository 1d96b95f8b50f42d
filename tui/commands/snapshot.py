"""`theme-tracker snapshot [--date YYYY-MM-DD] [--out DIR] [--format csv,json,md]`.

Writes ``DIR/<session>/`` (stocks.csv, themes.csv, indicators.csv, catalysts.csv,
snapshot.json, report.md) from the local store, offline, and records one row per theme x
stock in the store's snapshots table. stdout carries only the paths written (or the JSON with
``--format json --out -``); messages go to stderr. Exit codes: 0 written, 1 failed (no data,
cannot write), 2 usage error (bad option, a date that is not a session or in the future).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tui.errors import ExitCode, UsageError

FORMATS = ("csv", "json", "md")


def register(subparsers: Any) -> None:
    """Add the `snapshot` subcommand."""
    parser = subparsers.add_parser(
        "snapshot",
        help="write the daily snapshot (CSV, JSON and a Chinese report) from the local store",
        description="Write DIR/<session>/ with stocks.csv, themes.csv, indicators.csv, "
        "catalysts.csv, snapshot.json and report.md for one trading session, offline from the "
        "local store. Past sessions are replayed from stored history. Sample or stale figures "
        "are marked in every format. Exit status: 0 written, 1 failed, 2 usage error.",
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD",
                        help="the session (default: the latest session with stored data)")
    parser.add_argument("--out", metavar="DIR",
                        help="output directory (default: <data dir>/snapshots); '-' prints the JSON on stdout")
    parser.add_argument("--format", metavar="LIST", default="csv,json,md",
                        help="comma-separated formats among csv, json, md (default: all)")
    parser.set_defaults(handler=run)


def parse_formats(text: str) -> tuple[str, ...]:
    """The formats of a --format value, in canonical order; UsageError on an unknown one."""
    wanted = [f.strip().lower() for f in (text or "").split(",") if f.strip()]
    if not wanted:
        raise UsageError("--format needs at least one of csv, json, md")
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"--format: unknown format {', '.join(unknown)}; choose among csv, json, md")
    return tuple(f for f in FORMATS if f in wanted)


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--date {text!r} is not a date; write it as YYYY-MM-DD") from None


def run(args: argparse.Namespace, ctx: Any) -> int:
    """Build and write the snapshot; print the paths (or the JSON) on stdout."""
    formats = parse_formats(args.format)
    session = parse_date(args.date)
    to_stdout = args.out == "-"
    if to_stdout and formats != ("json",):
        raise UsageError("--out - prints the JSON on stdout: use it with --format json")
    from tui.export.snapshot import take_snapshot

    result = take_snapshot(
        data_dir=ctx.data_dir,
        watchlists=ctx.watchlists,
        catalysts=ctx.catalysts,
        session=session,
        out="-" if to_stdout else (Path(args.out) if args.out else None),
        formats=formats,
        today=ctx.today(),
        refresh_interval=ctx.settings.refresh_interval,
    )
    snap = result.snapshot
    for w in snap.warnings:
        print(f"theme-tracker snapshot: warning: {w.message}", file=sys.stderr)
    if to_stdout:
        sys.stdout.buffer.write(result.json_bytes or b"")
        sys.stdout.flush()
    else:
        for path in result.paths:
            print(path)
    stored = result.store_result
    print(
        f"snapshot {snap.session.isoformat()}: {len(snap.stocks)} stock row(s) in {len(snap.themes)} theme(s); "
        f"{snap.stale_rows} stale{' (sample data)' if snap.sample else ''}; "
        f"store: {stored.inserted} new, {stored.updated} updated, {stored.unchanged} unchanged",
        file=sys.stderr,
    )
    return int(ExitCode.OK)


__all__ = ["register", "run", "parse_formats", "parse_date"]
