"""`python app.py innspill list`: one row per session, id first."""

from __future__ import annotations

import argparse

from cli import CliContext
from cli.common import print_rows
from storage import innspill as repo
from storage.db import session_scope

STATUS = {"draft": "utkast", "open": "åpen", "closed": "stengt", "voting": "prioritering",
          "done": "avsluttet"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `innspill` and its verbs."""
    parser = subparsers.add_parser("innspill", help="innspill fra arbeidsmøter")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="alle innspillsøkter").set_defaults(func=cmd_list)


def cmd_list(_args: argparse.Namespace, ctx: CliContext) -> int:
    """Tab-separated: id, question, status, entries, participants."""
    with session_scope(ctx.engine) as db:
        rows = [(s.id, " / ".join(repo.questions(s)), STATUS.get(s.status, s.status), count,
                 people) for s, count, people in repo.list_sessions(db)]
    print_rows(("id", "spørsmål", "status", "innspill", "deltakere"), rows)
    return 0
