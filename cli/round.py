"""`round list`: one row per round (id first, topic, status, meeting) for the secretariat."""

from __future__ import annotations

import argparse

from cli import CliContext
from cli.common import add_link_verb, print_rows
from core.i18n import t
from core.timefmt import span
from storage import rounds
from storage.db import session_scope
from storage.meeting_models import Meeting
from storage.round_models import TalkRound


def _status(status: str) -> str:
    return {"running": t("cli.round.pagar"), "finished": t("cli.round.avsluttet")}.get(status,
                                                                                       status)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `round` and its verbs."""
    parser = subparsers.add_parser("round", help=t("cli.round.runden_rundt_bordet"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help=t("cli.round.vis_rundene_nyeste")).set_defaults(func=cmd_list)
    add_link_verb(verbs, t("cli.round.knytt_runden_til"), TalkRound)


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
            lines.append((rnd.id, topic, _status(rnd.status), where))
    print_rows(("id", "tema", "status", t("cli.round.mote")), lines)
    return 0
