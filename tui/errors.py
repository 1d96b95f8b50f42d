"""The one error base class and the CLI's exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    #: The input is invalid, or the operation failed (validation errors, failed fetches).
    FAILED = 1
    #: The command line itself is wrong (unknown option, missing argument, bad path).
    USAGE = 2


class ThemeTrackerError(Exception):
    """Base class for errors the CLI reports as one line, without a traceback."""

    exit_code: ExitCode = ExitCode.FAILED


class UsageError(ThemeTrackerError):
    """The user asked for something that cannot be done as asked."""

    exit_code = ExitCode.USAGE
