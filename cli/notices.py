"""`notices send`: a notice card 1:1 to every active member of a group, delivered once."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys

from sqlmodel import col, select

from cli import CliContext, CliError
from cli.common import existing_group
from delivery.run import Bar, deliver_sendout
from delivery.sendout import notice_activity, start_sendout
from storage.db import session_scope
from storage.models import Member, Membership

PURPOSE = "notice"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `notices` and its verbs."""
    parser = subparsers.add_parser("notices", help="kunngjøringer til medlemmer")
    verbs = parser.add_subparsers(dest="verb", required=True)
    send = verbs.add_parser("send", help="send en kunngjøring 1:1 til alle aktive medlemmer")
    send.add_argument("--group", required=True, help="faggruppens navn")
    send.add_argument("--text", required=True, help="teksten i kunngjøringen")
    send.add_argument("--title", default="Kunngjøring", help="overskrift på kortet")
    send.add_argument("--id", dest="notice_id", default="",
                      help="fast id for kunngjøringen (ellers avledet av gruppe og tekst)")
    send.set_defaults(func=cmd_send)


def notice_subject(group_id: int, text: str, explicit: str = "") -> str:
    """A stable id: the same group and text (or the same --id) is the same notice."""
    if explicit:
        return f"id:{explicit}"
    digest = hashlib.sha256(f"{group_id}\n{text}".encode()).hexdigest()[:24]
    return f"g{group_id}:{digest}"


def cmd_send(args: argparse.Namespace, ctx: CliContext) -> int:
    """Record the send-out, help deliver it, then list the members it could not reach."""
    text = args.text.strip()
    if not text:
        raise CliError("teksten kan ikke være tom")
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group)
        members = list(session.exec(
            select(Member).join(Membership, col(Membership.member_id) == Member.id)
            .where(Membership.group_id == group.id, Member.active == True)  # noqa: E712
            .order_by(col(Member.id))))
        subject = notice_subject(group.id or 0, text, args.notice_id)
        activity = notice_activity(args.title, [text])
        sendout = start_sendout(session, PURPOSE, subject, members, lambda _m: activity,
                                ctx.clock.now(), title=args.title)
        sendout_id = sendout.id or 0
    sys.stderr.write(f"Sender til {sendout.total} medlemmer i «{group.name}» …\n")
    final = asyncio.run(deliver_sendout(ctx.engine, ctx.settings, sendout_id, ctx.clock, Bar()))
    sent = final.by_status.get("sent", 0)
    print(f"utsending\t{sendout_id}\tsendt\t{sent}\tav\t{final.total}")
    if final.in_doubt:
        sys.stderr.write(f"{final.in_doubt} meldinger var uavklart etter et avbrudd og ble "
                         "sendt på nytt (kan ha gitt duplikater).\n")
    if final.missed:
        sys.stderr.write(f"Nådde ikke {len(final.missed)} medlemmer:\n")
        for name, why in final.missed:
            print(f"ikke nådd\t{name}\t{why}")
    return 0
