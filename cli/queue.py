"""`queue list|cancel|move`: the automated messages waiting to go, for the secretariat."""

from __future__ import annotations

import argparse

from cli import CliContext, CliError
from cli.common import add_yes, date_option, print_rows, require_yes
from core.i18n import t
from domain.rules import OSLO
from scheduler.store import QueueError, cancel_job, move_job, pending_job, upcoming
from storage import graph as graph_repo
from storage.db import session_scope

FORMAT = "%Y-%m-%d %H:%M"
# The job kinds (stored identifiers) as the secretariat reads them.
KIND_WORDS = {"invitation": t("cli.queue.innkalling"),
              "meeting_rsvp_reminder": t("cli.queue.svarpaminnelse"),
              "meeting_day_before": t("cli.queue.paminnelse_dagen_for"),
              "round_nudge": t("cli.queue.runde_varsel"),
              "innspill_reminder": t("cli.queue.innspillpaminnelse"),
              "innspill_close": t("cli.queue.innspill_stenges"),
              "outlook_answers": t("cli.queue.outlook_svar"),
              "meeting_attendance_report": t("cli.queue.frammoterapport"),
              "profile_daily": t("cli.queue.medlemsopplysninger"),
              "coverage_reminder": t("cli.queue.dekningspaminnelse")}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `queue` and its verbs."""
    parser = subparsers.add_parser("queue", help=t("cli.queue.koen_av_automatiske"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list",
                     help=t("cli.queue.vis_kommende_automatiske")).set_defaults(func=cmd_list)
    cancel = verbs.add_parser("cancel", help=t("cli.queue.avlys_en_planlagt"))
    cancel.add_argument("id", type=int)
    add_yes(cancel)
    cancel.set_defaults(func=cmd_cancel)
    move = verbs.add_parser("move", help=t("cli.queue.flytt_en_planlagt_2"))
    move.add_argument("id", type=int)
    move.add_argument("when", help=t("cli.queue.nytt_tidspunkt_norsk_2"))
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
        print(t("cli.queue.graph_mote_ga", call_id=call_id, meeting_id=meeting_id,
                operation=operation, error=error))
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
