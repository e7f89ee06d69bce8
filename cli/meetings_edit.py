"""`meetings edit|cancel`: move or cancel a meeting; sent cards are redrawn, people are told."""

from __future__ import annotations

import argparse
import asyncio

from cli import CliContext, CliError
from cli.common import add_yes, date_option, require_yes
from delivery import live_cards
from delivery.run import deliver_sendout
from services import meetings, outlook, runtime
from storage import rsvp
from storage.db import session_scope
from storage.delivery_models import Sendout
from storage.meeting_models import Meeting, MeetingStatus


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Called from cli/meetings.py's register(): adds `edit` and `cancel`."""
    edit = verbs.add_parser("edit", help="endre tid eller sted; de som har sagt ja, får beskjed")
    edit.add_argument("meeting_id", type=int, help="møtets id")
    edit.add_argument("--start", help="ny start, f.eks. «31.08.2023 09.00» (varigheten "
                      "beholdes uten --end)")
    edit.add_argument("--end", help="ny slutt, f.eks. «31.08.2023 10.30»")
    edit.add_argument("--place", help="nytt sted")
    edit.add_argument("--past", action="store_true", help="tillat en start som har vært")
    from cli.meetings_send import outlook_flags

    outlook_flags(edit)
    edit.set_defaults(func=cmd_edit)
    cancel = verbs.add_parser("cancel", help="avlys møtet; alle inviterte får beskjed")
    cancel.add_argument("meeting_id", type=int, help="møtets id")
    add_yes(cancel)
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


def _patch(ctx: CliContext, meeting_id: int) -> None:
    """Make the Outlook PATCH or cancel now (a running app would do it too)."""
    from cli.meetings_send import _has_open_calls, make_graph_calls

    if outlook.enabled(ctx.settings) and _has_open_calls(ctx, meeting_id):
        asyncio.run(make_graph_calls(ctx, meeting_id, 30.0))


def cmd_edit(args: argparse.Namespace, ctx: CliContext) -> int:
    """Change time and/or place; print what was done."""
    from cli.meetings import check_times

    choice = getattr(args, "outlook", None)
    if not (args.start or args.end or args.place is not None or choice is not None):
        raise CliError("oppgi minst én av --start, --end, --place og --outlook/--no-outlook")
    start = date_option(args.start, "--start") if args.start else None
    end = date_option(args.end, "--end") if args.end else None
    links = ctx.links  # its key is read in a session of its own, before this one opens
    with session_scope(ctx.engine) as session:
        current = session.get(Meeting, args.meeting_id)
        if current is not None:
            check_times(start, end, current.rsvp_deadline if start else None,
                        ctx.clock.now(), args.past)
        try:
            found = session.get(Meeting, args.meeting_id)
            if found is not None and choice is not None:
                outlook.set_choice(session, found, choice)
            meeting, sendout = meetings.edit(session, args.meeting_id, ctx.clock.now(),
                                             starts_at=start, ends_at=end, place=args.place,
                                             links=links, settings=ctx.settings)
        except meetings.ChangeError as exc:
            raise CliError(str(exc)) from exc
        when = meetings.when_text(meeting)
        session.expunge_all()
    _patch(ctx, args.meeting_id)
    told, redrawn = _finish(ctx, sendout)
    print(f"endret\t{args.meeting_id}\t{when}\tvarslet\t{told}\tkort oppdatert\t{redrawn}")
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    """Cancel the meeting; print how many were told (nothing happens without --yes)."""
    with session_scope(ctx.engine) as session:
        current = session.get(Meeting, args.meeting_id)
        if current is not None and current.status != MeetingStatus.cancelled:
            invited = len(rsvp.invitees(session, args.meeting_id))
            require_yes(args.yes, "Avlysningen",
                        [f"avlyses\t{args.meeting_id}\t{current.title}\t"
                         f"inviterte som får beskjed\t{invited}"])
        try:
            _meeting, sendout = meetings.cancel(session, args.meeting_id, ctx.clock.now(),
                                                ctx.settings)
        except meetings.ChangeError as exc:
            raise CliError(str(exc)) from exc
        session.expunge_all()
    _patch(ctx, args.meeting_id)
    told, redrawn = _finish(ctx, sendout)
    print(f"avlyst\t{args.meeting_id}\tvarslet\t{told}\tkort oppdatert\t{redrawn}")
    return 0
