"""`queue list|cancel|move`: the automated messages waiting to go, for the secretariat."""

from __future__ import annotations

import argparse
from datetime import datetime

from cli import CliContext, CliError
from domain.rules import OSLO, wall
from scheduler.store import QueueError, cancel_job, move_job, upcoming
from storage import graph as graph_repo
from storage.db import session_scope

FORMAT = "%Y-%m-%d %H:%M"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `queue` and its verbs."""
    parser = subparsers.add_parser("queue", help="køen av automatiske meldinger")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="vis kommende automatiske meldinger").set_defaults(func=cmd_list)
    cancel = verbs.add_parser("cancel", help="avlys en planlagt melding")
    cancel.add_argument("id", type=int)
    cancel.set_defaults(func=cmd_cancel)
    move = verbs.add_parser("move", help='flytt en planlagt melding til "ÅÅÅÅ-MM-DD TT:MM"')
    move.add_argument("id", type=int)
    move.add_argument("when", help="nytt tidspunkt i norsk tid")
    move.set_defaults(func=cmd_move)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """id, time (Oslo), kind, description — soonest first."""
    with session_scope(ctx.engine) as session:
        jobs = upcoming(session)
        failed = [(c.id, c.meeting_id, c.operation, c.last_error)
                  for c in graph_repo.given_up(session)]
    for job in jobs:
        when = job.due_at.astimezone(OSLO).strftime(FORMAT)
        print(f"{job.id}\t{when}\t{job.kind}\t{job.description}")
    for call_id, meeting_id, operation, error in failed:
        print(f"graph\t{call_id}\tmøte {meeting_id}\t{operation}\tga opp\t{error}")
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    """Cancel one pending job."""
    try:
        with session_scope(ctx.engine) as session:
            cancel_job(session, args.id, ctx.clock.now())
    except QueueError as exc:
        raise CliError(str(exc)) from exc
    print(f"{args.id}\tavlyst")
    return 0


def cmd_move(args: argparse.Namespace, ctx: CliContext) -> int:
    """Move a pending job to a new Oslo time; its grace moves with it."""
    try:
        local = datetime.strptime(args.when.strip(), FORMAT)
    except ValueError as exc:
        raise CliError(f"ugyldig tidspunkt «{args.when}»; skriv ÅÅÅÅ-MM-DD TT:MM") from exc
    new_due = wall(local.date(), local.time())
    try:
        with session_scope(ctx.engine) as session:
            move_job(session, args.id, new_due, ctx.clock.now())
    except QueueError as exc:
        raise CliError(str(exc)) from exc
    print(f"{args.id}\t{new_due.astimezone(OSLO).strftime(FORMAT)}")
    return 0
