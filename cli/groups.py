"""`groups list|create|rename|merge|delete|rules`: the working groups and their rules."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from cli.common import add_yes, did_you_mean, existing_group, print_rows, require_yes
from domain.names import collapse_spaces
from domain.rules import RuleSettingError, parse_setting, with_setting
from storage import audit
from storage import meetings as meeting_repo
from storage.db import session_scope
from storage.groups import (
    delete_group,
    find_group,
    get_or_create_group,
    group_rules,
    list_groups,
    member_ids,
    merge_groups,
    rename_group,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `groups` and its verbs."""
    parser = subparsers.add_parser("groups", help="faggrupper")
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="list faggrupper").set_defaults(func=cmd_list)
    create = verbs.add_parser("create", help="opprett en faggruppe")
    create.add_argument("name")
    create.add_argument("--create-group", action="store_true",
                        help="opprett selv om navnet ligner på en faggruppe som finnes")
    create.set_defaults(func=cmd_create)
    rename = verbs.add_parser("rename", help="gi en faggruppe nytt navn")
    rename.add_argument("name")
    rename.add_argument("new_name")
    rename.set_defaults(func=cmd_rename)
    merge = verbs.add_parser("merge", help="flytt medlemmer, møter og team fra FRA til TIL, "
                             "og fjern FRA")
    merge.add_argument("source")
    merge.add_argument("target")
    add_yes(merge)
    merge.set_defaults(func=cmd_merge)
    delete = verbs.add_parser("delete", help="fjern en faggruppe (medlemskap fjernes; møter "
                              "som bare hørte til den, beholdes uten gruppe)")
    delete.add_argument("name")
    add_yes(delete)
    delete.set_defaults(func=cmd_delete)
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
    print_rows(("id", "navn", "team", "medlemmer"),
               [(group.id, group.name, group.team_id or "-", count) for group, count in rows])
    return 0


def cmd_create(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create a group (or find the existing one) and print its id alone."""
    name = collapse_spaces(args.name)
    if not name:
        raise CliError("navnet på faggruppen kan ikke være tomt")
    with session_scope(ctx.engine) as session:
        existing = find_group(session, name)
        close = did_you_mean(session, name) if existing is None else None
        if close is not None and not args.create_group:
            raise CliError(f"«{name}» ligner på faggruppen «{close}». Mente du «{close}»? "
                           "(Bruk --create-group for å opprette den likevel.)")
        group = existing or get_or_create_group(session, name)
        if existing is None:
            audit.record(session, action="groups.create", target=group.name,
                         detail="actor=cli", at=ctx.clock.now())
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
        group = existing_group(session, args.name)
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


def cmd_rename(args: argparse.Namespace, ctx: CliContext) -> int:
    """Rename a group; print its id and new name."""
    new_name = collapse_spaces(args.new_name)
    if not new_name:
        raise CliError("det nye navnet kan ikke være tomt")
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.name)
        taken = find_group(session, new_name)
        if taken is not None and taken.id != group.id:
            raise CliError(f"det finnes allerede en faggruppe som heter «{taken.name}»; "
                           "slå dem sammen med `groups merge`")
        old = group.name
        rename_group(session, group, new_name)
        audit.record(session, action="groups.rename", target=f"group:{group.id}",
                     detail=f"actor=cli «{old}» -> «{group.name}»", at=ctx.clock.now())
    print(f"{group.id}\t{group.name}")
    sys.stderr.write(f"Faggruppen «{old}» heter nå «{group.name}».\n")
    return 0


def cmd_merge(args: argparse.Namespace, ctx: CliContext) -> int:
    """Move everything of FRA into TIL and remove FRA (nothing happens without --yes)."""
    with session_scope(ctx.engine) as session:
        source = existing_group(session, args.source)
        target = existing_group(session, args.target)
        if source.id == target.id:
            raise CliError("FRA og TIL er samme faggruppe")
        members = len(member_ids(session, source))
        meetings = meeting_repo.list_meetings(session, source)
        require_yes(args.yes, "Sammenslåingen", [
            f"fjernes\t{source.id}\t{source.name}\tmedlemmer\t{members}\tmøter\t{len(meetings)}"
            f"\tteam\t{source.team_id or '-'}\tflyttes til\t{target.id}\t{target.name}"])
        moved = merge_groups(session, source, target)
        audit.record(session, action="groups.merge", target=f"group:{target.id}",
                     detail=f"actor=cli from=group:{source.id} «{source.name}» "
                     f"members={moved['medlemmer']} meetings={moved['møter']}",
                     at=ctx.clock.now())
    print(f"{target.id}\t{target.name}")
    sys.stderr.write(f"Slo «{source.name}» inn i «{target.name}»: {moved['medlemmer']} nye "
                     f"medlemmer, {moved['møter']} nye møter.\n")
    return 0


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    """Remove a group; meetings of no other group are kept and listed (needs --yes)."""
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.name)
        members = len(member_ids(session, group))
        meetings = meeting_repo.list_meetings(session, group)
        lines = [f"fjernes\t{group.id}\t{group.name}\tmedlemskap\t{members}"]
        lines += [f"møte\t{m.id}\t{m.title}" for m in meetings]
        require_yes(args.yes, "Slettingen", lines)
        name = group.name
        detached = delete_group(session, group)
        audit.record(session, action="groups.delete", target=f"group:{group.id}",
                     detail=f"actor=cli «{name}» memberships={members} "
                     f"detached={','.join(map(str, detached)) or '-'}", at=ctx.clock.now())
        titles = {m.id: m.title for m in meetings}
    for meeting_id in detached:
        print(f"uten gruppe\t{meeting_id}\t{titles.get(meeting_id, '')}")
    sys.stderr.write(f"Fjernet faggruppen «{name}» ({members} medlemskap). "
                     f"{len(detached)} møter hører nå ikke til noen faggruppe.\n")
    return 0
