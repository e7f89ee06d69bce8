"""`groups list|create|rules`: the working groups the bot serves, and their rules."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from domain.names import collapse_spaces
from domain.rules import RuleSettingError, parse_setting, with_setting
from storage import audit
from storage.db import session_scope
from storage.groups import find_group, get_or_create_group, group_rules, list_groups


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `groups` and its verbs."""
    parser = subparsers.add_parser("groups", help="faggrupper")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="list faggrupper").set_defaults(func=cmd_list)
    create = verbs.add_parser("create", help="opprett en faggruppe")
    create.add_argument("name")
    create.set_defaults(func=cmd_create)
    rules = verbs.add_parser("rules", help="vis eller endre gruppens regler for utsending")
    rules.add_argument("name")
    rules.add_argument("--set", action="append", default=[], metavar="REGEL.FELT=VERDI",
                       help="f.eks. invitation.days_before=10, rsvp_reminder.at=08:30, "
                       "day_before.working_hours=nei, input_deadline.grace_hours=12")
    rules.add_argument("--reset", action="store_true", help="tilbake til standardreglene")
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
        raise CliError("navnet på faggruppen kan ikke være tomt")
    with session_scope(ctx.engine) as session:
        existing = find_group(session, name)
        group = existing or get_or_create_group(session, name)
    print(group.id)
    if existing is not None:
        sys.stderr.write(f"Faggruppen «{group.name}» finnes allerede.\n")
    else:
        sys.stderr.write(f"Opprettet faggruppen «{group.name}».\n")
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
            raise CliError(f"fant ingen faggruppe som heter «{args.name}»")
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
