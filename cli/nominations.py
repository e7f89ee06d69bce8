"""`nominations add|list|approve|reject`: nominations that arrive by e-mail, and decisions."""

from __future__ import annotations

import argparse
import sys

from sqlmodel import Session

from cli import CliContext, CliError
from cli.common import existing_group, print_rows
from core.i18n import t
from domain.bounds import parse_id
from domain.nominations import NominationSource, NominationStatus, check_nominee
from services import nominations as service
from services.privacy import cli_actor, record_read
from storage import nominations as repo
from storage.db import session_scope
from storage.members import find_by_name_or_email
from storage.models import Member, WorkingGroup


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `nominations` and its verbs."""
    parser = subparsers.add_parser("nominations", help=t("cli.nominations.nominasjoner"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help=t("cli.nominations.registrer_en_nominasjon"))
    add.add_argument("--group", required=True, help=t("cli.nominations.faggruppen"))
    add.add_argument("--name", required=True, help=t("cli.nominations.navn"))
    add.add_argument("--email", required=True, help=t("cli.nominations.epost"))
    add.add_argument("--organisation", required=True, help=t("cli.nominations.organisasjon"))
    add.add_argument("--role", default="", help=t("cli.nominations.rolle_der"))
    add.add_argument("--replaces", metavar="NAVN_ELLER_EPOST",
                     help=t("cli.nominations.erstatter"))
    add.set_defaults(func=cmd_add)
    lst = verbs.add_parser("list", help=t("cli.nominations.list_nominasjoner"))
    lst.add_argument("--open", action="store_true", help=t("cli.nominations.bare_apne"))
    lst.set_defaults(func=cmd_list)
    approve = verbs.add_parser("approve", help=t("cli.nominations.godkjenn"))
    approve.add_argument("id", metavar="ID")
    approve.set_defaults(func=cmd_approve)
    reject = verbs.add_parser("reject", help=t("cli.nominations.avsla"))
    reject.add_argument("id", metavar="ID")
    reject.add_argument("--reason", required=True, help=t("cli.nominations.begrunnelse"))
    reject.set_defaults(func=cmd_reject)


def _replaced(session: Session, who: str | None) -> int | None:
    if not who:
        return None
    found = [m for m in find_by_name_or_email(session, who) if m.merged_into_id is None]
    if not found:
        raise CliError(t("cli.nominations.fant_ikke_medlem", who=who))
    if len(found) > 1:
        raise CliError(t("cli.nominations.passer_pa_flere", who=who,
                         ids=", ".join(str(m.id) for m in found)))
    return found[0].id


def cmd_add(args: argparse.Namespace, ctx: CliContext) -> int:
    """Enter a nomination (one that came by e-mail); prints its id alone."""
    fields, errors = check_nominee(args.name, args.email, args.organisation, args.role)
    if fields is None:
        raise CliError(" ".join(errors))
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group)
        try:
            row = service.submit(session, group.id or 0, fields, now=ctx.clock.now(),
                                 source=NominationSource.cli, nominator=None,
                                 entered_by=cli_actor(),
                                 replaces_member_id=_replaced(session, args.replaces))
        except service.NominationError as exc:
            raise CliError(str(exc)) from exc
        nid, told = row.id, len(service.secretariat_of(session, group.id or 0))
    print(nid)
    sys.stderr.write(t("cli.nominations.registrert", id=nid, name=fields.name,
                       group=group.name, count=told))
    return 0


def status_word(status: str) -> str:
    """A nomination's state as the list prints it."""
    return {NominationStatus.submitted: t("cli.nominations.innsendt"),
            NominationStatus.approved: t("cli.nominations.godkjent"),
            NominationStatus.rejected: t("cli.nominations.avslatt_status")}[
        NominationStatus(status)]


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """id, status, group, name, e-mail, organisation, replaces, received (Oslo)."""
    with session_scope(ctx.engine) as session:
        rows = []
        for n in repo.listed(session, open_only=args.open):
            group = session.get(WorkingGroup, n.group_id)
            replaced = session.get(Member, n.replaces_member_id) if n.replaces_member_id else None
            rows.append([n.id, status_word(n.status), group.name if group else "-",
                         n.name, n.email, n.organisation, replaced.name if replaced else "-",
                         n.created_at.strftime("%Y-%m-%d %H:%M")])
        record_read(session, "nominations.read", None, ctx.clock.now(), actor=cli_actor())
    print_rows(("id", "status", "gruppe", "navn", "e-post", "organisasjon", "erstatter",
                "mottatt"), rows)
    return 0


def _id(text: str) -> int:
    value = parse_id(text)
    if value is None:
        raise CliError(t("cli.nominations.ikke_et_id", text=text))
    return value


def cmd_approve(args: argparse.Namespace, ctx: CliContext) -> int:
    """Approve: the member is added; prints the member's id."""
    with session_scope(ctx.engine) as session:
        try:
            done = service.approve(session, _id(args.id), now=ctx.clock.now(),
                                   by_member_id=None, by=cli_actor())
        except service.NominationError as exc:
            raise CliError(str(exc)) from exc
        group = session.get(WorkingGroup, done.nomination.group_id)
        member_id, text = done.member.id, done.text(group.name if group else "")
    print(member_id)
    sys.stderr.write(text + "\n")
    return 0


def cmd_reject(args: argparse.Namespace, ctx: CliContext) -> int:
    """Reject with a reason (sent to the nominator); prints the nomination's id."""
    with session_scope(ctx.engine) as session:
        try:
            row = service.reject(session, _id(args.id), args.reason, now=ctx.clock.now(),
                                 by_member_id=None, by=cli_actor())
        except service.NominationError as exc:
            raise CliError(str(exc)) from exc
        nid, name, told = row.id, row.name, row.nominator_member_id is not None
    print(nid)
    sys.stderr.write(t("cli.nominations.avslatt", id=nid, name=name) + (
        t("cli.nominations.nominator_far_beskjed") if told else "") + "\n")
    return 0
