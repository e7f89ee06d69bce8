"""`python app.py system check`: every part of the configuration, OK or what to fix."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli import CliContext
from cli.common import NorwegianParser
from services.system_check import GraphCheck


def register(subparsers: Any) -> None:
    """Add `system check` to the top-level parser."""
    noun = subparsers.add_parser("system", help="drift: sjekk av oppsettet")
    verbs = noun.add_subparsers(dest="verb", required=True, parser_class=NorwegianParser,
                                metavar="check")
    check = verbs.add_parser(
        "check", help="Sjekk database, skjema, Entra-token, PUBLIC_URL og manifest",
        description="Én linje per sjekk: OK, ADVARSEL (virker, men se på det) eller FEIL. "
                    "Utkoden er 1 hvis noe feiler. Endrer ingenting.")
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print one line per check on stdout; exit 1 if any failed."""
    from services.system_check import failed, run_checks

    lines = run_checks(ctx.settings, ctx.unmigrated_engine, graph=graph_check(ctx))
    for line in lines:
        sys.stdout.write(line.render() + "\n")
    if failed(lines):
        sys.stderr.write("Oppsettet har feil: rett linjene merket FEIL og kjør sjekken igjen.\n")
        return 1
    return 0


def graph_check(ctx: CliContext) -> GraphCheck | None:
    """The Graph token check when Graph is configured in auth mode (local mode sends none)."""
    from delivery.graph import GraphTokens
    from services.outlook import needed_permissions

    settings = ctx.settings
    if settings.local_mode or not settings.graph_organizer.strip():
        return None
    return GraphCheck(acquire=GraphTokens(settings).acquire, needed=needed_permissions(settings))
