"""`meetings edit|cancel`: move or cancel a meeting; sent cards are redrawn, people are told."""

from __future__ import annotations

import argparse
import asyncio

from cli import CliContext, CliError
from core.i18n import t
from delivery import live_cards
from delivery.run import deliver_sendout
from services import meetings, runtime
from storage.db import session_scope
from storage.delivery_models import Sendout


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Called from cli/meetings.py's register(): adds `edit` and `cancel`."""
    edit = verbs.add_parser("edit", help=t("cli.meetings_edit.endre_tid_eller"))
    edit.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    edit.add_argument("--start", help=t("cli.meetings_edit.aaaa_mm_dd"))
    edit.add_argument("--end", help=t("cli.meetings.aaaa_mm_dd"))
    edit.add_argument("--place", help=t("cli.meetings_edit.nytt_sted"))
    edit.set_defaults(func=cmd_edit)
    cancel = verbs.add_parser("cancel", help=t("cli.meetings_edit.avlys_motet_alle"))
    cancel.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    cancel.set_defaults(func=cmd_cancel)


def _finish(ctx: CliContext, sendout: Sendout | None) -> tuple[int, int]:
    """Deliver the notices and redraw the cards now (a running app would do it too)."""
    told = 0
    if sendout is not None and sendout.total:
        final = asyncio.run(deliver_sendout(ctx.engine, ctx.settings, sendout.id or 0, ctx.clock))
        told = final.by_status.get("sent", 0)
    redrawn = asyncio.run(live_cards.run_once(ctx.engine, ctx.settings, ctx.clock,
                                              runtime.renderer(ctx.links)))
    return told, redrawn


def cmd_edit(args: argparse.Namespace, ctx: CliContext) -> int:
    """Change time and/or place; print what was done."""
    from cli.meetings import oslo_time

    if not (args.start or args.end or args.place is not None):
        raise CliError(t("cli.meetings_edit.oppgi_minst_en"))
    start = oslo_time(args.start, "--start") if args.start else None
    end = oslo_time(args.end, "--end") if args.end else None
    links = ctx.links  # its key is read in a session of its own, before this one opens
    with session_scope(ctx.engine) as session:
        try:
            meeting, sendout = meetings.edit(session, args.meeting_id, ctx.clock.now(),
                                                    starts_at=start, ends_at=end, place=args.place,
                                             links=links)
        except meetings.ChangeError as exc:
            raise CliError(str(exc)) from exc
        when = meetings.when_text(meeting)
        session.expunge_all()
    told, redrawn = _finish(ctx, sendout)
    print(t("cli.meetings_edit.endret_varslet_kort", meeting_id=args.meeting_id, when=when,
            told=told, redrawn=redrawn))
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    """Cancel the meeting; print how many were told."""
    with session_scope(ctx.engine) as session:
        try:
            _meeting, sendout = meetings.cancel(session, args.meeting_id, ctx.clock.now())
        except meetings.ChangeError as exc:
            raise CliError(str(exc)) from exc
        session.expunge_all()
    told, redrawn = _finish(ctx, sendout)
    print(t("cli.meetings_edit.avlyst_varslet_kort", meeting_id=args.meeting_id, told=told,
            redrawn=redrawn))
    return 0
