"""`theme-tracker app` (the default command): open the Textual app."""

from __future__ import annotations

import argparse

from tui.context import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the app (the default)", description="Open the terminal app.")
    p.add_argument("--lang", choices=("zh", "en"), help="UI language (default from settings: zh)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from tui.ui.app import make_app  # Textual is imported only here

    app = make_app(ctx, language=args.lang)
    app.run()
    return app.return_code or 0
