"""`python app.py innspill list`: one row per session, id first."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from cli.common import print_rows
from domain.minutes import MinutesError
from storage import innspill as repo
from storage import minutes
from storage.db import session_scope
from storage.innspill_models import InnspillSession

STATUS = {"draft": "utkast", "open": "åpen", "closed": "stengt", "voting": "prioritering",
          "done": "avsluttet"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `innspill` and its verbs."""
    parser = subparsers.add_parser("innspill", help="innspill fra arbeidsmøter")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="alle innspillsøkter").set_defaults(func=cmd_list)
    link = verbs.add_parser("link", help="knytt innspillsøkten til en sak på et møtes sakskart")
    link.add_argument("row_id", type=int, metavar="ID")
    link.add_argument("--meeting", type=int, required=True, metavar="MØTE-ID")
    link.add_argument("--item", type=int, required=True, metavar="SAK-NR")
    link.set_defaults(func=cmd_link)


def cmd_list(_args: argparse.Namespace, ctx: CliContext) -> int:
    """Tab-separated: id, question, status, entries, participants."""
    with session_scope(ctx.engine) as db:
        rows = [(s.id, " / ".join(repo.questions(s)), STATUS.get(s.status, s.status), count,
                 people) for s, count, people in repo.list_sessions(db)]
    print_rows(("id", "spørsmål", "status", "innspill", "deltakere"), rows)
    return 0


def cmd_link(args: argparse.Namespace, ctx: CliContext) -> int:
    """Tie innspillsøkten to agenda item SAK-NR of a meeting (the minutes read it per item)."""
    try:
        with session_scope(ctx.engine) as session:
            item = minutes.link(session, InnspillSession, args.row_id, args.meeting, args.item)
            text = f"Knyttet til møte {args.meeting}, sak {item.number}: {item.title}\n"
    except MinutesError as exc:
        raise CliError(str(exc)) from None
    sys.stderr.write(text)
    return 0
