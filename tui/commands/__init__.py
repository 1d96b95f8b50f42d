"""Subcommands. Each module has `register(subparsers)` and a `run(args, ctx) -> int` handler.

Modules here are headless: they never import Textual (the `app` command imports it lazily).
"""

# The order here is the order of `theme-tracker --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "tui.commands.app",
    "tui.commands.validate",
    "tui.commands.refresh",
    "tui.commands.event_study",
    "tui.commands.snapshot",
    "tui.commands.schedule",
    "tui.commands.edit",
    # issue 17
    "tui.commands.alerts",
    # issue 13: store check / rebuild
    "tui.commands.store",
    # concept boards (issue 18)
    "tui.commands.board",
    "tui.commands.theme",
    # catalyst inbox (issue 16)
    "tui.commands.inbox",
)
