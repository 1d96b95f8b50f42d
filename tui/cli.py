"""Command-line entry point: `theme-tracker [global options] [COMMAND ...]`.

With no command it opens the app. stdout carries data, stderr diagnostics; exit codes are
tui.errors.ExitCode. Textual is imported only by the `app` command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from tui import __version__
from tui.commands import COMMAND_MODULES
from tui.errors import ExitCode, ThemeTrackerError


class _Parser(argparse.ArgumentParser):
    """argparse with our exit code for usage errors (2, as argparse already uses)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="theme-tracker",
        description="Track A-share theme stocks (题材/概念股), their catalysts and indicators.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--watchlists", metavar="DIR", help="directory of theme watchlists (*.yaml); default ./watchlists")
    parser.add_argument("--catalysts", metavar="FILE", help="catalyst calendar; default ./catalysts.yaml")
    parser.add_argument("--alerts", metavar="FILE", help="alert rules; default ./alerts.yaml")
    parser.add_argument("--data-dir", metavar="DIR", help="directory of the SQLite store; default $THEME_TRACKER_DATA_DIR or the XDG data dir")
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML); default $THEME_TRACKER_CONFIG or the XDG config dir")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


_NEGATIVE_WINDOW = re.compile(r"^-\d+:[-+]?\d+$")


def _join_negative_windows(argv: list[str]) -> list[str]:
    """`--window -1:1` would read -1:1 as an option; pass it as `--window=-1:1`."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] == "--window" and i + 1 < len(argv) and _NEGATIVE_WINDOW.match(argv[i + 1]):
            out.append(f"--window={argv[i + 1]}")
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TQDM_DISABLE", "1")
    parser = build_parser()
    argv = _join_negative_windows(list(argv if argv is not None else sys.argv[1:]))
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "app"])
    from tui.context import resolve_context

    ctx = None
    try:
        ctx = resolve_context(
            watchlists=args.watchlists,
            catalysts=args.catalysts,
            data_dir=args.data_dir,
            config=args.config,
            alerts=args.alerts,
        )
        _recover_interrupted_edits(ctx)
        return int(args.handler(args, ctx))
    except ThemeTrackerError as exc:
        print(f"theme-tracker: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("theme-tracker: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    except sqlite3.DatabaseError as exc:
        # A damaged, read-only or full store surfaces from whichever query first touches it.
        from tui.paths import data_dir as default_data_dir
        from tui.store.health import describe

        print(f"theme-tracker: {describe(exc, ctx.data_dir if ctx else default_data_dir(args.data_dir))}", file=sys.stderr)
        return int(ExitCode.FAILED)
    except OSError as exc:
        print(f"theme-tracker: {_os_message(exc)}", file=sys.stderr)
        return int(ExitCode.FAILED)


def _os_message(exc: OSError) -> str:
    """A file-system failure (full disk, permissions) as one line naming the file."""
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}no space left on the device; free some space and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where}permission denied ({exc.strerror}); check that it is writable"
    return f"{where}{exc.strerror or exc}"


def _recover_interrupted_edits(ctx: object) -> None:
    """Complete a multi-file edit a killed run left half done, and remove orphan temp files
    (tui.config.journal); say so on stderr. Never stops the command itself."""
    from tui.config.journal import recover

    for directory in {getattr(ctx, "watchlists"), getattr(ctx, "catalysts").parent}:
        try:
            messages = recover(directory)
        except OSError as exc:
            messages = [f"{directory}: could not check for interrupted edits: {exc.strerror or exc}"]
        for message in messages:
            print(f"theme-tracker: {message}", file=sys.stderr)


def run() -> NoReturn:
    """The console script and `python -m tui`: run the CLI, then leave without the
    interpreter's teardown.

    Once a command is done, finalising the modules it loaded (pandas, numpy, pydantic, Textual)
    costs another 0.1-0.15 s of a whole-process run on this machine, and a daemon thread still
    blocked on a stalled server could trip over that teardown. What must reach the disk never
    waits for it: the store is closed by its context managers, files are written by the atomic
    writer (fsync, rename); stdout, stderr and the log handlers are flushed here. `main()`
    stays a plain function for callers in the same process (the tests).
    """
    try:
        code = main()
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    _leave(code)


def _leave(code: int) -> NoReturn:
    """Flush what the process wrote and exit at once with `code`."""
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError, OSError):  # the reader left (`| head`), or closed
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
