"""`round list`: one row per round (id first, topic, status, meeting) for the secretariat."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from cli.common import print_rows
from core.timefmt import span
from domain.minutes import MinutesError
from storage import minutes, rounds
from storage.db import session_scope
from storage.meeting_models import Meeting
from storage.round_models import TalkRound

STATUS = {"running": "pågår", "finished": "avsluttet"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `round` and its verbs."""
    parser = subparsers.add_parser("round", help="runden rundt bordet")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="vis rundene, nyeste først").set_defaults(func=cmd_list)
    link = verbs.add_parser("link", help="knytt runden til en sak på et møtes sakskart")
    link.add_argument("row_id", type=int, metavar="ID")
    link.add_argument("--meeting", type=int, required=True, metavar="MØTE-ID")
    link.add_argument("--item", type=int, required=True, metavar="SAK-NR")
    link.set_defaults(func=cmd_link)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """id, topic, status, meeting — tab-separated, newest first."""
    with session_scope(ctx.engine) as session:
        lines = []
        for rnd in rounds.list_rounds(session):
            meeting = session.get(Meeting, rnd.meeting_id) if rnd.meeting_id else None
            where = "-"
            if meeting is not None:
                when = span(meeting.starts_at) if meeting.starts_at else meeting.date_text
                where = f"{meeting.title} ({when})"
            topic = " ".join(rnd.topic.split())
            lines.append((rnd.id, topic, STATUS.get(rnd.status, rnd.status), where))
    print_rows(("id", "tema", "status", "møte"), lines)
    return 0


def cmd_link(args: argparse.Namespace, ctx: CliContext) -> int:
    """Tie runden to agenda item SAK-NR of a meeting (the minutes read it per item)."""
    try:
        with session_scope(ctx.engine) as session:
            item = minutes.link(session, TalkRound, args.row_id, args.meeting, args.item)
            text = f"Knyttet til møte {args.meeting}, sak {item.number}: {item.title}\n"
    except MinutesError as exc:
        raise CliError(str(exc)) from None
    sys.stderr.write(text)
    return 0
