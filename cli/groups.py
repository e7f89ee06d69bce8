"""`groups list|create|rename|merge|delete|rules|set|coverage`: the working groups, their
rules, the language of their channel cards and which sub-regions they cover."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError
from cli.common import add_yes, did_you_mean, existing_group, print_rows, require_yes
from core.i18n import language_from_word, t
from domain.names import collapse_spaces
from domain.rules import YEARLY, RuleSettingError, parse_setting, with_setting
from domain.subregions import Status
from services import coverage
from services.language import choose_group_language
from services.privacy import cli_actor
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
    verbs.add_parser("list", help=t("cli.groups.list_faggrupper")).set_defaults(func=cmd_list)
    create = verbs.add_parser("create", help=t("cli.groups.opprett_en_faggruppe"))
    create.add_argument("name")
    create.add_argument("--create-group", action="store_true",
                        help=t("cli.groups.opprett_selv_om"))
    create.set_defaults(func=cmd_create)
    rename = verbs.add_parser("rename", help=t("cli.groups.gi_en_faggruppe"))
    rename.add_argument("name")
    rename.add_argument("new_name")
    rename.set_defaults(func=cmd_rename)
    merge = verbs.add_parser("merge", help=t("cli.groups.flytt_medlemmer_moter"))
    merge.add_argument("source")
    merge.add_argument("target")
    add_yes(merge)
    merge.set_defaults(func=cmd_merge)
    delete = verbs.add_parser("delete", help=t("cli.groups.fjern_en_faggruppe"))
    delete.add_argument("name")
    add_yes(delete)
    delete.set_defaults(func=cmd_delete)
    rules = verbs.add_parser("rules", help=t("cli.groups.vis_eller_endre"))
    rules.add_argument("name")
    rules.add_argument("--set", action="append", default=[], metavar="REGEL.FELT=VERDI",
                       help=t("cli.groups.eks_invitation_days"))
    rules.add_argument("--reset", action="store_true",
                       help=t("cli.groups.tilbake_til_standardreglene"))
    rules.set_defaults(func=cmd_rules)
    change = verbs.add_parser("set", help=t("cli.groups.endre_en_faggruppe"))
    change.add_argument("name")
    change.add_argument("--language", required=True, metavar="nb|nn|en",
                        help=t("cli.groups.sprak_pa_kortene"))
    change.set_defaults(func=cmd_set)
    cover = verbs.add_parser("coverage", help=t("cli.groups.dekning_av_delregionene"))
    cover.add_argument("name", nargs="?")
    cover.set_defaults(func=cmd_coverage)


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
        raise CliError(t("cli.groups.navnet_pa_faggruppen"))
    with session_scope(ctx.engine) as session:
        existing = find_group(session, name)
        close = did_you_mean(session, name) if existing is None else None
        if close is not None and not args.create_group:
            raise CliError(t("cli.groups.ligner_pa_faggruppen", name=name, close=close))
        group = existing or get_or_create_group(session, name)
        if existing is None:
            audit.record(session, action="groups.create", target=group.name,
                         detail=f"actor={cli_actor()}", at=ctx.clock.now())
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
        group = existing_group(session, args.name)
        stored = "{}" if args.reset else group.rules
        for name, field, value in settings:
            stored = with_setting(stored, name, field, value)
        if args.reset or settings:
            group.rules = stored
            session.add(group)
            audit.record(session, action="groups.rules", target=group.name,
                         detail=f"actor={cli_actor()} {stored}", at=ctx.clock.now())
        if args.reset or any(name == coverage.KIND for name, _f, _v in settings):
            coverage.reschedule(session, group.id or 0)
        rules = group_rules(session, group.id)
    for rule in rules.values():
        at = rule.at.strftime("%H:%M") if rule.at else "-"
        hours = int(rule.grace.total_seconds() // 3600)
        # A yearly rule has a sixth column: its day (DD.MM), «-» for its default day.
        day = f"\t{rule.date or '-'}" if rule.name in YEARLY else ""
        # A monthly rule's sixth column: whether it is on (days_before does not apply).
        monthly = "" if rule.monthly is None else f"\t{'ja' if rule.monthly else 'nei'}"
        print(f"{rule.name}\t{rule.days_before}\t{at}\t"
              f"{'ja' if rule.working_hours else 'nei'}\t{hours}{day}{monthly}")
    return 0


def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    """Set the language of the group's channel cards; print its id and language."""
    lang = language_from_word(args.language)
    if lang is None:
        raise CliError(t("cli.groups.ukjent_sprak", language=args.language))
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.name)
        changed = choose_group_language(session, group, lang, ctx.clock.now(),
                                        actor=cli_actor())
    print(f"{group.id}\t{lang}")
    sys.stderr.write(t("cli.groups.spraket_er_na", name=group.name, language=lang) if changed
                     else t("cli.groups.spraket_var_allerede", name=group.name, language=lang))
    return 0


def cmd_rename(args: argparse.Namespace, ctx: CliContext) -> int:
    """Rename a group; print its id and new name."""
    new_name = collapse_spaces(args.new_name)
    if not new_name:
        raise CliError(t("cli.groups.det_nye_navnet"))
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.name)
        taken = find_group(session, new_name)
        if taken is not None and taken.id != group.id:
            raise CliError(t("cli.groups.det_finnes_allerede", name=taken.name))
        old = group.name
        rename_group(session, group, new_name)
        audit.record(session, action="groups.rename", target=f"group:{group.id}",
                     detail=f"actor={cli_actor()} «{old}» -> «{group.name}»", at=ctx.clock.now())
    print(f"{group.id}\t{group.name}")
    sys.stderr.write(t("cli.groups.faggruppen_heter_na", old=old, name=group.name))
    return 0


def cmd_merge(args: argparse.Namespace, ctx: CliContext) -> int:
    """Move everything of FRA into TIL and remove FRA (nothing happens without --yes)."""
    with session_scope(ctx.engine) as session:
        source = existing_group(session, args.source)
        target = existing_group(session, args.target)
        if source.id == target.id:
            raise CliError(t("cli.groups.fra_og_til"))
        members = len(member_ids(session, source))
        meetings = meeting_repo.list_meetings(session, source)
        require_yes(args.yes, t("cli.groups.sammenslaingen"), [
            t("cli.groups.fjernes_medlemmer_moter", id=source.id, name=source.name,
              members=members, meetings_count=len(meetings), team=source.team_id or "-",
              id2=target.id, name2=target.name)])
        moved = merge_groups(session, source, target)
        audit.record(session, action="groups.merge", target=f"group:{target.id}",
                     detail=f"actor={cli_actor()} from=group:{source.id} «{source.name}» "
                     f"members={moved['medlemmer']} meetings={moved['møter']}",
                     at=ctx.clock.now())
    print(f"{target.id}\t{target.name}")
    sys.stderr.write(t("cli.groups.slo_inn_nye", name=source.name, name2=target.name,
                       moved=moved['medlemmer'], moved2=moved['møter']))
    return 0


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    """Remove a group; meetings of no other group are kept and listed (needs --yes)."""
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.name)
        members = len(member_ids(session, group))
        meetings = meeting_repo.list_meetings(session, group)
        lines = [f"fjernes\t{group.id}\t{group.name}\tmedlemskap\t{members}"]
        lines += [t("cli.groups.mote", id=m.id, title=m.title) for m in meetings]
        require_yes(args.yes, "Slettingen", lines)
        name = group.name
        detached = delete_group(session, group)
        audit.record(session, action="groups.delete", target=f"group:{group.id}",
                     detail=f"actor={cli_actor()} «{name}» memberships={members} "
                     f"detached={','.join(map(str, detached)) or '-'}", at=ctx.clock.now())
        titles = {m.id: m.title for m in meetings}
    for meeting_id in detached:
        print(t("cli.groups.uten_gruppe", meeting_id=meeting_id, get=titles.get(meeting_id, '')))
    sys.stderr.write(t("cli.groups.fjernet_faggruppen_medlemskap", name=name, members=members,
                       detached_count=len(detached)))
    return 0


def status_words() -> dict[Status, str]:
    """How `groups coverage` names each status."""
    return {Status.covered: t("cli.groups.dekket"), Status.single: t("cli.groups.en_person"),
            Status.missing: t("cli.groups.mangler")}


def cmd_coverage(args: argparse.Namespace, ctx: CliContext) -> int:
    """Per group and sub-region: status, active members, their organisations; then the
    organisations the file places in none («utenfor») or does not know («ukjent»)."""
    words = status_words()
    rows: list[tuple[object, ...]] = []
    missing = 0
    with session_scope(ctx.engine) as session:
        groups = ([existing_group(session, args.name)] if args.name
                  else coverage.all_groups(session))
        for group, cov in coverage.groups_coverage(session, groups):
            for sub in cov.sub_regions:
                rows.append((group.id, group.name, sub.name, words[sub.status], sub.count,
                             ", ".join(sub.organisations)))
            for word, pairs in ((t("cli.groups.utenfor"), cov.outside),
                                (t("cli.groups.ukjent"), cov.unknown)):
                rows += [(group.id, group.name, "-", word, n, org) for org, n in pairs]
            missing += len(cov.named(Status.missing))
    print_rows(("id", "faggruppe", "delregion", "status", "medlemmer",
                "organisasjoner"), rows)
    if missing:
        sys.stderr.write(t("cli.groups.delregioner_mangler", count=missing))
    return 0
