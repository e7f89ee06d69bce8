"""`meetings send|approve|outlook`: the invitation 1:1 to every invitee, now or 7 days ahead,
and the meeting's Outlook event (made while the send-out waits for its join URL)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from sqlmodel import col, select

from cli import CliContext, CliError
from core.i18n import t
from core.timefmt import span
from delivery.graph import GraphWorker
from delivery.run import Bar, deliver_sendout
from delivery.sendout import Progress
from services import meetings, outlook
from storage import graph as graph_repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.meeting_models import Meeting
from storage.models import Member


def outlook_flags(parser: argparse.ArgumentParser) -> None:
    """--outlook / --no-outlook: an Outlook event for a physical meeting, or none at all."""
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--outlook", dest="outlook", action="store_const", const=True,
                        default=None, help=t("cli.meetings_send.lag_ogsa_outlook"))
    choice.add_argument("--no-outlook", dest="outlook", action="store_const", const=False,
                        help=t("cli.meetings_send.ingen_outlook_invitasjon"))


def apply_outlook_choice(session: object, meeting: Meeting, choice: bool | None) -> None:
    """Store the flag on the meeting (no-op without one)."""
    outlook.set_choice(session, meeting, choice)  # type: ignore[arg-type]


async def make_graph_calls(ctx: CliContext, meeting_id: int, wait_s: float) -> None:
    """Make the meeting's recorded Graph calls until none is open or `wait_s` has passed."""
    worker = GraphWorker(ctx.engine, ctx.settings, ctx.clock,
                         meetings.outlook_hook(ctx.links, ctx.settings),
                         meeting_id=meeting_id, poll_s=0.25)
    await worker.run(until_idle=True, deadline=time.monotonic() + wait_s)


def _has_open_calls(ctx: CliContext, meeting_id: int) -> bool:
    with session_scope(ctx.engine) as session:
        return graph_repo.next_due(session, meeting_id) is not None


def _print_outlook(ctx: CliContext, meeting_id: int) -> None:
    with session_scope(ctx.engine) as session:
        event = graph_repo.event_for(session, meeting_id)
        if event is None or event.sent == "{}":
            return
        if event.event_id:
            print(f"outlook\t{event.event_id}\t{event.join_url or '-'}")
            return
        open_ = graph_repo.next_due(session, meeting_id) is not None
    sys.stderr.write(t("cli.meetings_send.outlook_motet_er")
                     if open_ else t("cli.meetings_send.outlook_motet_kunne",
                                     meeting_id=meeting_id))


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Called from cli/meetings.py's register(): adds `send` and `approve`."""
    send = verbs.add_parser("send", help=t("cli.meetings_send.send_innkallingen_na"))
    send.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    outlook_flags(send)
    send.set_defaults(func=cmd_send)
    approve = verbs.add_parser("approve", help=t("cli.meetings_send.godkjenn_automatisk_utsending"))
    approve.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    approve.set_defaults(func=cmd_approve)
    event = verbs.add_parser("outlook", help=t("cli.meetings_send.vis_motets_outlook"))
    event.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    event.add_argument("--recreate", action="store_true",
                       help=t("cli.meetings_send.opprett_outlook_motet"))
    event.set_defaults(func=cmd_outlook)


def cmd_send(args: argparse.Namespace, ctx: CliContext) -> int:
    """Record the send-out, deliver it, list the members not reached with their e-mail."""
    links = ctx.links  # its key is read in a session of its own, before this one opens
    with session_scope(ctx.engine) as session:
        meeting = session.get(Meeting, args.meeting_id)
        if meeting is not None:
            apply_outlook_choice(session, meeting, getattr(args, "outlook", None))
        try:
            sendout = meetings.send(session, args.meeting_id, ctx.clock.now(), links=links,
                                    settings=ctx.settings)
        except meetings.SendError as exc:
            raise CliError(str(exc)) from exc
        sendout_id, total = sendout.id or 0, sendout.total
    graph = _has_open_calls(ctx, args.meeting_id)
    if graph:
        sys.stderr.write(t("cli.meetings_send.lager_outlook_motet"))
    sys.stderr.write(t("cli.meetings_send.sender_innkallingen_til", total=total))

    async def both() -> Progress:
        # The copies are held in the ledger until the event exists (or 2 minutes pass).
        making = asyncio.create_task(make_graph_calls(ctx, args.meeting_id,
                                                      outlook.HOLD.total_seconds()))
        final = await deliver_sendout(ctx.engine, ctx.settings, sendout_id, ctx.clock, Bar())
        await making
        return final

    final = asyncio.run(both()) if graph else asyncio.run(
        deliver_sendout(ctx.engine, ctx.settings, sendout_id, ctx.clock, Bar()))
    _print_outlook(ctx, args.meeting_id)
    print(f"utsending\t{sendout_id}\tsendt\t{final.by_status.get('sent', 0)}\tav\t{final.total}")
    if final.missed:
        sys.stderr.write(t("cli.meetings_send.nadde_ikke_medlemmer",
                           missed_count=len(final.missed)))
        with session_scope(ctx.engine) as session:
            rows = session.exec(
                select(Member.name, Member.email, Delivery.error)
                .join(Delivery, col(Delivery.member_id) == Member.id)
                .where(Delivery.sendout_id == sendout_id,
                       col(Delivery.status).in_(("failed", "unreachable")))
                .order_by(col(Member.name)))
            for name, email, why in rows:
                print(t("cli.meetings_send.ikke_nadd", name=name,
                        email=email or t('cli.meetings_send.ingen_epost'),
                        why=why))
    return 0


def cmd_approve(args: argparse.Namespace, ctx: CliContext) -> int:
    """Schedule the invitation by the «invitation» rule."""
    with session_scope(ctx.engine) as session:
        try:
            due = meetings.approve(session, args.meeting_id, ctx.clock.now())
        except meetings.SendError as exc:
            raise CliError(str(exc)) from exc
    print(t("cli.meetings_send.innkallingen_sendes_automatisk", due=span(due)))
    return 0


def cmd_outlook(args: argparse.Namespace, ctx: CliContext) -> int:
    """The meeting's Outlook event and its Graph calls; --recreate makes a new event."""
    if args.recreate:
        with session_scope(ctx.engine) as session:
            why = outlook.recreate(session, args.meeting_id, ctx.clock.now(), ctx.settings,
                                   force=True)
        if why:
            raise CliError(why)
        sys.stderr.write(t("cli.meetings_send.oppretter_outlook_motet"))
        asyncio.run(make_graph_calls(ctx, args.meeting_id, outlook.HOLD.total_seconds()))
    with session_scope(ctx.engine) as session:
        if session.get(Meeting, args.meeting_id) is None:
            raise CliError(t("meetings.service.fant_ikke_mote", meeting_id=args.meeting_id))
        for line in outlook.status_lines(session, args.meeting_id):
            print(line)
    return 0
