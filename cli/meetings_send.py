"""`meetings send|approve`: the invitation 1:1 to every invitee, now or 7 days ahead."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlmodel import col, select

from cli import CliContext, CliError
from core.timefmt import span
from delivery.run import Bar, deliver_sendout
from services import meetings
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.models import Member


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Called from cli/meetings.py's register(): adds `send` and `approve`."""
    send = verbs.add_parser("send", help="send innkallingen nå til alle inviterte")
    send.add_argument("meeting_id", type=int, help="møtets id")
    send.set_defaults(func=cmd_send)
    approve = verbs.add_parser("approve", help="godkjenn automatisk utsending 7 dager før")
    approve.add_argument("meeting_id", type=int, help="møtets id")
    approve.set_defaults(func=cmd_approve)


def cmd_send(args: argparse.Namespace, ctx: CliContext) -> int:
    """Record the send-out, deliver it, list the members not reached with their e-mail."""
    links = ctx.links  # its key is read in a session of its own, before this one opens
    with session_scope(ctx.engine) as session:
        try:
            sendout = meetings.send(session, args.meeting_id, ctx.clock.now(), links=links)
        except meetings.SendError as exc:
            raise CliError(str(exc)) from exc
        sendout_id, total = sendout.id or 0, sendout.total
    sys.stderr.write(f"Sender innkallingen til {total} medlemmer …\n")
    final = asyncio.run(deliver_sendout(ctx.engine, ctx.settings, sendout_id, ctx.clock, Bar()))
    print(f"utsending\t{sendout_id}\tsendt\t{final.by_status.get('sent', 0)}\tav\t{final.total}")
    if final.missed:
        sys.stderr.write(f"Nådde ikke {len(final.missed)} medlemmer; send dem e-post:\n")
        with session_scope(ctx.engine) as session:
            rows = session.exec(
                select(Member.name, Member.email, Delivery.error)
                .join(Delivery, col(Delivery.member_id) == Member.id)
                .where(Delivery.sendout_id == sendout_id,
                       col(Delivery.status).in_(("failed", "unreachable")))
                .order_by(col(Member.name)))
            for name, email, why in rows:
                print(f"ikke nådd\t{name}\t{email or '(ingen e-post)'}\t{why}")
    return 0


def cmd_approve(args: argparse.Namespace, ctx: CliContext) -> int:
    """Schedule the invitation by the «invitation» rule."""
    with session_scope(ctx.engine) as session:
        try:
            due = meetings.approve(session, args.meeting_id, ctx.clock.now())
        except meetings.SendError as exc:
            raise CliError(str(exc)) from exc
    print(f"Innkallingen sendes automatisk {span(due)}.")
    return 0
