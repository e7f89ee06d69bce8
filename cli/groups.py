"""`groups list|create|rules`: the working groups the bot serves, and their rules."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from core.i18n import t
from domain.names import collapse_spaces
from domain.rules import RuleSettingError, parse_setting, with_setting
from storage import audit
from storage.db import session_scope
from storage.groups import find_group, get_or_create_group, group_rules, list_groups


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `groups` and its verbs."""
    parser = subparsers.add_parser("groups", help="faggrupper")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help=t("cli.groups.list_faggrupper")).set_defaults(func=cmd_list)
    create = verbs.add_parser("create", help=t("cli.groups.opprett_en_faggruppe"))
    create.add_argument("name")
    create.set_defaults(func=cmd_create)
    rules = verbs.add_parser("rules", help=t("cli.groups.vis_eller_endre"))
    rules.add_argument("name")
    rules.add_argument("--set", action="append", default=[], metavar="REGEL.FELT=VERDI",
                       help=t("cli.groups.eks_invitation_days"))
    rules.add_argument("--reset", action="store_true",
                       help=t("cli.groups.tilbake_til_standardreglene"))
    rules.set_defaults(func=cmd_rules)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """One row per group: id, name, linked team or "-", member count."""
    with session_scope(ctx.engine) as session:
        rows = list_groups(session)
    for group, count in rows:
        print(f"{group.id}\t{group.name}\t{group.team_id or '-'}\t{count}")
    return 0


def cmd_create(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create a group (or find the existing one) and print its id alone."""
    name = collapse_spaces(args.name)
    if not name:
        raise CliError(t("cli.groups.navnet_pa_faggruppen"))
    with session_scope(ctx.engine) as session:
        existing = find_group(session, name)
        group = existing or get_or_create_group(session, name)
    print(group.id)
    if existing is not None:
        sys.stderr.write(t("cli.groups.faggruppen_finnes_allerede", name=group.name))
    else:
        sys.stderr.write(t("cli.groups.opprettet_faggruppen", name=group.name))
    return 0


def cmd_rules(args: argparse.Namespace, ctx: CliContext) -> int:
    """Change the group's rules if asked; print one row per rule, name first."""
    try:
        settings = [parse_setting(text) for text in args.set]
    except RuleSettingError as exc:
        raise CliError(str(exc)) from exc
    with session_scope(ctx.engine) as session:
        group = find_group(session, args.name)
        if group is None:
            raise CliError(t("cli.groups.fant_ingen_faggruppe", name=args.name))
        stored = "{}" if args.reset else group.rules
        for name, field, value in settings:
            stored = with_setting(stored, name, field, value)
        if args.reset or settings:
            group.rules = stored
            session.add(group)
            audit.record(session, action="groups.rules", target=group.name, detail=stored)
        rules = group_rules(session, group.id)
    for rule in rules.values():
        at = rule.at.strftime("%H:%M") if rule.at else "-"
        hours = int(rule.grace.total_seconds() // 3600)
        print(f"{rule.name}\t{rule.days_before}\t{at}\t"
              f"{'ja' if rule.working_hours else 'nei'}\t{hours}")
    return 0
