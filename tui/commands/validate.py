"""`theme-tracker validate [PATH ...]`: check watchlists and the catalyst calendar.

Prints one line per problem, `path:line:col: severity: message`, then a summary on stderr.
Exit codes: 0 valid (warnings allowed unless --strict), 1 invalid, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.config.loader import YAML_SUFFIXES, Project, load_files, load_project, yaml_files
from tui.context import Context
from tui.errors import ExitCode, UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check watchlists and the catalyst calendar",
        description="Check YAML files (default: the configured watchlists and catalyst calendar). "
        "Exit status: 0 valid, 1 invalid, 2 usage error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    p.set_defaults(handler=run)


def _expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = yaml_files(path)
            if not found:
                raise UsageError(f"{path}: no *.yaml files in this directory")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return files


def _alert_rules(project: Project, path: Path) -> Project:
    """Add the alert rules file's problems (issue 17) to the report."""
    from tui.alerts.rules import load_rules

    project.files.append(path)
    project.diagnostics += load_rules(path, project).diagnostics
    return project


def _load(args: argparse.Namespace, ctx: Context) -> Project:
    if not args.paths:
        project = load_project(ctx.watchlists, ctx.catalysts)
        return _alert_rules(project, ctx.alerts) if ctx.alerts.is_file() else project
    files = _expand(args.paths)
    alert_files = [f for f in files if f.resolve() == ctx.alerts.resolve()]
    if alert_files:
        rest = [f for f in files if f not in alert_files]
        project = load_project(ctx.watchlists, ctx.catalysts) if not rest else _load_files(rest, ctx)
        if not rest:
            project.diagnostics, project.files = [], []
        return _alert_rules(project, alert_files[0])
    return _load_files(files, ctx)


def _load_files(files: list[Path], ctx: Context) -> Project:
    catalyst_files = [f for f in files if f.resolve() == ctx.catalysts.resolve()]
    project = load_files([f for f in files if f not in catalyst_files], catalyst_paths=catalyst_files)
    if not project.themes and project.catalysts and ctx.watchlists.is_dir():
        # Only a calendar was given: check its references against the configured watchlists.
        merged = load_files([*yaml_files(ctx.watchlists), *files], catalyst_paths=catalyst_files)
        own = {str(f) for f in files}
        project.diagnostics = [d for d in merged.diagnostics if str(d.path) in own]
    return project


def run(args: argparse.Namespace, ctx: Context) -> int:
    project = _load(args, ctx)
    diags = sorted(project.diagnostics, key=lambda d: (str(d.path), d.line, d.col))
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "json":
        json.dump(
            {
                "valid": not failed,
                "files": [str(p) for p in project.files],
                "themes": len(project.themes),
                "stocks": sum(len(t.stocks) for t in project.themes),
                "catalysts": len(project.catalysts),
                "errors": errors,
                "warnings": warnings,
                "diagnostics": [d.to_dict() for d in diags],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for d in diags:
            print(d)
    stocks = sum(len(t.stocks) for t in project.themes)
    print(
        f"{len(project.files)} file(s): {len(project.themes)} theme(s), {stocks} stock(s), "
        f"{len(project.catalysts)} catalyst(s); {errors} error(s), {warnings} warning(s)",
        file=sys.stderr,
    )
    return int(ExitCode.FAILED if failed else ExitCode.OK)


__all__ = ["register", "run", "YAML_SUFFIXES"]
