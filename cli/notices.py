"""`notices send`: a notice card 1:1 to every active member of a group, delivered once."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys

from sqlmodel import col, select

from cli import CliContext, CliError
from cli.common import existing_group
from core.i18n import t
from delivery.run import Bar, deliver_sendout
from delivery.sendout import notice_activity, per_language, start_sendout
from storage.db import session_scope
from storage.models import Member, Membership

PURPOSE = "notice"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `notices` and its verbs."""
    parser = subparsers.add_parser("notices", help=t("cli.notices.kunngjoringer_til_medlemmer"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    send = verbs.add_parser("send", help=t("cli.notices.send_en_kunngjoring"))
    send.add_argument("--group", required=True, help=t("cli.notices.faggruppens_navn"))
    send.add_argument("--text", required=True, help=t("cli.notices.teksten_kunngjoringen"))
    send.add_argument("--title", default="", help=t("cli.notices.overskrift_pa_kortet"))
    send.add_argument("--id", dest="notice_id", default="",
                      help=t("cli.notices.fast_id_for"))
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
        raise CliError(t("cli.notices.teksten_kan_ikke"))
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group)
        members = list(session.exec(
            select(Member).join(Membership, col(Membership.member_id) == Member.id)
            .where(Membership.group_id == group.id, Member.active == True)  # noqa: E712
            .order_by(col(Member.id))))
        subject = notice_subject(group.id or 0, text, args.notice_id)
        title = args.title.strip()
        # Without --title each member reads «Kunngjøring» in their own language.
        sendout = start_sendout(
            session, PURPOSE, subject, members,
            per_language(lambda: notice_activity(title or t("notices.kunngjoring"), [text])),
            ctx.clock.now(), title=title or t("notices.kunngjoring"))
        sendout_id = sendout.id or 0
    sys.stderr.write(t("cli.notices.sender_til_medlemmer", total=sendout.total, name=group.name))
    final = asyncio.run(deliver_sendout(ctx.engine, ctx.settings, sendout_id, ctx.clock, Bar()))
    sent = final.by_status.get("sent", 0)
    print(f"utsending\t{sendout_id}\tsendt\t{sent}\tav\t{final.total}")
    if final.in_doubt:
        sys.stderr.write(t("cli.notices.meldinger_var_uavklart", in_doubt=final.in_doubt))
    if final.missed:
        sys.stderr.write(t("cli.notices.nadde_ikke_medlemmer", missed_count=len(final.missed)))
        for name, why in final.missed:
            print(t("cli.notices.ikke_nadd", name=name, why=why))
    return 0
