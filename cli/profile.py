"""`members unconfirmed`: who has not confirmed their details this year (the yearly check)."""

from __future__ import annotations

import argparse

from cli import CliContext
from cli.common import existing_group, print_rows
from core.i18n import t
from core.timefmt import OSLO
from domain.profile import oslo_day
from services.privacy import cli_actor, record_read
from storage import profile as repo
from storage.db import session_scope

DAY = "%Y-%m-%d"


def register_member_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `members unconfirmed [--group NAVN]`."""
    unconfirmed = verbs.add_parser("unconfirmed", help=t("cli.profile.hvem_har_ikke"))
    unconfirmed.add_argument("--group", help=t("cli.profile.bare_denne_faggruppen"))
    unconfirmed.set_defaults(func=cmd_unconfirmed)


def cmd_unconfirmed(args: argparse.Namespace, ctx: CliContext) -> int:
    """Active members without this year's confirmation: id, name, organisation, e-mail, the
    day they were asked and reminded («-»: not yet); the read is audited."""
    now = ctx.clock.now()
    year = oslo_day(now).year
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group) if args.group else None
        rows = []
        for member, check in repo.unconfirmed(session, year, group.id if group else None):
            asked = check.asked_at if check else None
            reminded = check.reminded_at if check else None
            rows.append([member.id, member.name, member.organisation or "-",
                         member.email or "-",
                         asked.astimezone(OSLO).strftime(DAY) if asked else "-",
                         reminded.astimezone(OSLO).strftime(DAY) if reminded else "-"])
        record_read(session, "profile.unconfirmed.read", None, now, actor=cli_actor(),
                    target=group.name if group else "")
    print_rows(("id", "navn", "organisasjon", "e-post", t("cli.profile.spurt"),
                t("cli.profile.paminnet")), rows)
    return 0
