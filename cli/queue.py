"""`queue list|cancel|move`: the automated messages waiting to go, for the secretariat."""

from __future__ import annotations

import argparse

from cli import CliContext, CliError
from cli.common import add_yes, date_option, print_rows, require_yes
from domain.rules import OSLO
from scheduler.store import QueueError, cancel_job, move_job, pending_job, upcoming
from storage import graph as graph_repo
from storage.db import session_scope

FORMAT = "%Y-%m-%d %H:%M"
# The job kinds (stored identifiers) as the secretariat reads them.
KIND_WORDS = {"invitation": "innkalling", "meeting_rsvp_reminder": "svarpåminnelse",
              "meeting_day_before": "påminnelse dagen før", "round_nudge": "runde-varsel",
              "innspill_reminder": "innspillpåminnelse", "innspill_close": "innspill stenges"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `queue` and its verbs."""
    parser = subparsers.add_parser("queue", help="køen av automatiske meldinger")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="vis kommende automatiske meldinger").set_defaults(func=cmd_list)
    cancel = verbs.add_parser("cancel", help="avlys en planlagt melding")
    cancel.add_argument("id", type=int)
    add_yes(cancel)
    cancel.set_defaults(func=cmd_cancel)
    move = verbs.add_parser("move", help="flytt en planlagt melding til et nytt tidspunkt")
    move.add_argument("id", type=int)
    move.add_argument("when", help="nytt tidspunkt i norsk tid, f.eks. «24.08.2023 09.00»")
    move.set_defaults(func=cmd_move)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """id, time (Oslo), kind, description — soonest first."""
    with session_scope(ctx.engine) as session:
        jobs = upcoming(session)
        failed = [(c.id, c.meeting_id, c.operation, c.last_error)
                  for c in graph_repo.given_up(session)]
    print_rows(("id", "tid", "type", "beskrivelse"),
               [(job.id, job.due_at.astimezone(OSLO).strftime(FORMAT),
                 KIND_WORDS.get(job.kind, job.kind), job.description) for job in jobs])
    for call_id, meeting_id, operation, error in failed:
        print(f"graph\t{call_id}\tmøte {meeting_id}\t{operation}\tga opp\t{error}")
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    """Cancel one pending job (nothing happens without --yes)."""
    try:
        with session_scope(ctx.engine) as session:
            job = pending_job(session, args.id)
            when = job.due_at.astimezone(OSLO).strftime(FORMAT)
            require_yes(args.yes, "Avlysningen",
                        [f"avlyses\t{job.id}\t{when}\t{KIND_WORDS.get(job.kind, job.kind)}\t"
                         f"{job.description}"])
            cancel_job(session, args.id, ctx.clock.now())
    except QueueError as exc:
        raise CliError(str(exc)) from exc
    print(f"{args.id}\tavlyst")
    return 0


def cmd_move(args: argparse.Namespace, ctx: CliContext) -> int:
    """Move a pending job to a new Oslo time; its grace moves with it."""
    new_due = date_option(args.when, "tidspunktet")
    try:
        with session_scope(ctx.engine) as session:
            move_job(session, args.id, new_due, ctx.clock.now())
    except QueueError as exc:
        raise CliError(str(exc)) from exc
    print(f"{args.id}\t{new_due.astimezone(OSLO).strftime(FORMAT)}")
    return 0
