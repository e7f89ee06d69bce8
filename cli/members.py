"""`members import|list|add|edit|resolve|candidates|merge|role|deactivate`: the register."""

from __future__ import annotations

import argparse
import sys

from sqlmodel import Session, col, select

from cli import CliContext, CliError, profile
from cli.common import add_yes, existing_group, group_to_fill, print_rows, require_yes
from cli.privacy import register_member_verbs
from core.i18n import t
from domain.members import ImportFileError, ImportRow, parse_role, read_members
from domain.names import group_key
from services import members as registry
from services.members import MemberFields, RegistryError, import_rows
from services.privacy import cli_actor, record_read
from storage import audit
from storage.db import session_scope
from storage.groups import default_group, group_names, member_ids
from storage.members import find_by_name_or_email
from storage.models import Member, Role
from storage.regions import region_names

ROLE_NB = {Role.secretariat: "sekretariat", Role.member: "medlem", Role.guest: "gjest"}
# What each import outcome is called on stdout (first column) and in the counts.
OUTCOME_NB = {"added": t("cli.members.lagt_til"), "updated": "endret", "unchanged": "uendret",
              "ambiguous": t("cli.members.kandidat")}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `members` and its verbs."""
    parser = subparsers.add_parser("members", help="medlemsregisteret")
    verbs = parser.add_subparsers(dest="verb", required=True)
    imp = verbs.add_parser("import", help=t("cli.members.importer_medlemmer_fra"))
    imp.add_argument("path", help=t("cli.members.tsv_fra_innkallingen"))
    imp.add_argument("--group", help=t("cli.members.faggruppen_medlemmene_skal_2"))
    imp.add_argument("--create-group", action="store_true",
                     help=t("cli.members.opprett_faggruppen_selv"))
    imp.set_defaults(func=cmd_import)
    lst = verbs.add_parser("list", help=t("cli.members.list_medlemmer"))
    lst.add_argument("--group", help=t("cli.members.bare_medlemmene_denne"))
    lst.set_defaults(func=cmd_list)
    role = verbs.add_parser("role", help=t("cli.members.sett_rolle_sekretariat"))
    role.add_argument("who", help=t("cli.members.medlemmets_navn_eller"))
    role.add_argument("role", help=t("cli.members.sekretariat_medlem_eller"))
    role.set_defaults(func=cmd_role)
    _register_registry(verbs)
    deact = verbs.add_parser("deactivate", help=t("cli.members.deaktiver_et_medlem"))
    deact.add_argument("who", help=t("cli.members.medlemmets_navn_eller"))
    add_yes(deact)
    deact.set_defaults(func=cmd_deactivate)
    register_member_verbs(verbs)
    profile.register_member_verbs(verbs)


def _check_groups(rows: list[ImportRow], flag: str | None) -> list[str]:
    """The group names the file and --group ask for; a disagreement is an error."""
    if flag:
        clash = [r for r in rows if r.group and group_key(r.group) != group_key(flag)]
        if clash:
            lines = ", ".join(str(r.line) for r in clash[:10])
            raise CliError(t("cli.members.group_og_gruppekolonnen", flag=flag, lines=lines,
                             group=clash[0].group))
        return [flag]
    return list(dict.fromkeys(r.group for r in rows if r.group))


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    """Import a member file; one line per member on stdout, counts on stderr."""
    try:
        rows, warnings = read_members(args.path)
    except ImportFileError as exc:
        raise CliError(str(exc)) from exc
    named = _check_groups(rows, args.group)
    with session_scope(ctx.engine) as session:
        for name in named:
            group_to_fill(session, name, create_close=args.create_group)
        fallback = None
        if not named or any(not r.group for r in rows) and not args.group:
            before = set(group_names(session))
            fallback = default_group(session)
            if fallback.name not in before:
                sys.stderr.write(t("cli.members.ingen_faggruppe_oppgitt", name=fallback.name))
        group_name = args.group or (fallback.name if fallback else None)
        outcomes = import_rows(session, rows, group_name=group_name, now=ctx.clock.now(),
                               source=str(args.path))
        kinds = ",".join(f"{kind}={sum(o.kind == kind for o in outcomes)}" for kind in OUTCOME_NB)
        audit.record(session, action="members.import", target=group_name or "",
                     detail=f"actor={cli_actor()} {kinds}", at=ctx.clock.now())
    for warning in warnings:
        sys.stderr.write(f"Advarsel: {warning}\n")
    counts = dict.fromkeys(OUTCOME_NB, 0)
    for out in outcomes:
        counts[out.kind] += 1
        ids = ",".join(str(i) for i in out.member_ids)
        if out.kind == "ambiguous":
            alike = ", ".join(f"«{n}»" for n in out.similar)
            print(f"{OUTCOME_NB[out.kind]}\t{out.candidate_id}\t{out.row.name}\t"
                  f"{out.row.organisation}\t{alike}")
            sys.stderr.write(t("cli.members.kandidat_ligner_pa", id=out.candidate_id,
                               name=out.row.name, alike=alike, ids=ids))
            continue
        print(f"{OUTCOME_NB[out.kind]}\t{ids}\t{out.row.name}\t{out.row.organisation}")
    sys.stderr.write(
        t("cli.members.lagt_til_endret", counts=counts['added'], counts2=counts['updated'],
          counts3=counts['unchanged'], counts4=counts['ambiguous'])
    )
    return 0


def _yes_no(flag: bool) -> str:
    return "ja" if flag else "nei"


HEADER = ("id", "navn", "organisasjon", "region", "e-post", "rolle", "aktiv",
          t("cli.members.nabar"))


def member_cells(member: Member, regions: dict[int, str]) -> list[str]:
    """id, name, organisation, region, email, role, active, reachable."""
    region = regions.get(member.region_id, "-") if member.region_id else "-"
    return [
        str(member.id), member.name, member.organisation or "-", region, member.email or "-",
        ROLE_NB[Role(member.role)], _yes_no(member.active), _yes_no(member.reachable),
    ]  # fmt: skip


def member_row(member: Member, regions: dict[int, str]) -> str:
    """Tab-separated member_cells."""
    return "\t".join(member_cells(member, regions))


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print every member (of one group, if asked), id first."""
    with session_scope(ctx.engine) as session:
        members = list(session.exec(select(Member).order_by(col(Member.id))))
        if args.group:
            ids = member_ids(session, existing_group(session, args.group))
            members = [m for m in members if m.id in ids]
        regions = region_names(session)
        record_read(session, "members.read", None, ctx.clock.now(), actor=cli_actor())
    print_rows(HEADER, [member_cells(m, regions) for m in members])
    return 0


def _one_member(session: Session, who: str) -> Member:
    found = find_by_name_or_email(session, who)
    if not found:
        raise CliError(t("cli.members.fant_ikke_noe", who=who))
    if len(found) > 1:
        ids = ", ".join(str(m.id) for m in found)
        raise CliError(t("cli.members.passer_pa_flere", who=who, ids=ids))
    return found[0]


def cmd_role(args: argparse.Namespace, ctx: CliContext) -> int:
    """Change a member's role and log it."""
    role = parse_role(args.role)
    if role is None:
        raise CliError(t("cli.members.ukjent_rolle_bruk", role=args.role))
    with session_scope(ctx.engine) as session:
        member = _one_member(session, args.who)
        before = Role(member.role)
        if before == role:
            row = member_row(member, region_names(session))
            print(row)
            sys.stderr.write(t("cli.members.har_allerede_rollen", name=member.name,
                               ROLE_NB=ROLE_NB[role]))
            return 0
        member.role, member.updated_at = role, ctx.clock.now()
        session.add(member)
        audit.record(
            session,
            action="member.role",
            target=f"member:{member.id}",
            detail=f"actor={cli_actor()} {before.value}->{role.value}",
            at=ctx.clock.now(),
        )
        row = member_row(member, region_names(session))
    print(row)
    sys.stderr.write(t("cli.members.rolle_endret_fra", name=member.name, ROLE_NB=ROLE_NB[before],
                       ROLE_NB2=ROLE_NB[role]))
    return 0


def cmd_deactivate(args: argparse.Namespace, ctx: CliContext) -> int:
    """Mark a member inactive (kept for history) and log it."""
    with session_scope(ctx.engine) as session:
        member = _one_member(session, args.who)
        was_active = member.active
        if was_active:
            require_yes(args.yes, "Deaktiveringen",
                        [f"deaktiveres\t{member.id}\t{member.name}\t{member.email or '-'}"])
        was_active = registry.deactivate(session, member, now=ctx.clock.now(),
                                         actor=cli_actor())
        row = member_row(member, region_names(session))
    print(row)
    note = t("cli.members.er_deaktivert") if was_active else "var allerede deaktivert"
    sys.stderr.write(f"{member.name} {note}.\n")
    return 0


def _register_registry(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`members add|edit|resolve|candidates|merge`: one person at a time."""
    add = verbs.add_parser("add", help=t("cli.members.legg_til_en_person"))
    add.add_argument("--name", required=True, help=t("cli.members.fullt_navn"))
    add.add_argument("--organisation", required=True, help=t("cli.members.kommune_eller_region"))
    add.add_argument("--email", help=t("cli.members.e_postadresse"))
    add.add_argument("--phone", help=t("cli.members.telefonnummer"))
    add.add_argument("--group", help=t("cli.members.faggruppen_standard"))
    add.add_argument("--role", help=t("cli.members.sekretariat_medlem_eller"))
    add.set_defaults(func=cmd_add)
    edit = verbs.add_parser("edit", help=t("cli.members.endre_en_person"))
    edit.add_argument("who", metavar="NAVN_ELLER_EPOST")
    edit.add_argument("--name", help=t("cli.members.fullt_navn"))
    edit.add_argument("--organisation", help=t("cli.members.kommune_eller_region"))
    edit.add_argument("--email", help=t("cli.members.e_postadresse_tom"))
    edit.add_argument("--phone", help=t("cli.members.telefonnummer_tom"))
    edit.set_defaults(func=cmd_edit)
    resolve = verbs.add_parser("resolve", help=t("cli.members.avgjor_en_kandidat"))
    resolve.add_argument("who", metavar="NAVN_ELLER_KANDIDAT-ID")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--same-as", metavar="ID", help=t("cli.members.samme_person_som"))
    choice.add_argument("--new", action="store_true", help=t("cli.members.en_ny_person"))
    resolve.set_defaults(func=cmd_resolve)
    cands = verbs.add_parser("candidates", help=t("cli.members.kandidater_som_venter"))
    cands.set_defaults(func=cmd_candidates)
    merge = verbs.add_parser("merge", help=t("cli.members.sla_sammen_to"))
    merge.add_argument("source", metavar="FRA")
    merge.add_argument("target", metavar="TIL")
    add_yes(merge)
    merge.set_defaults(func=cmd_merge)


def cmd_add(args: argparse.Namespace, ctx: CliContext) -> int:
    """Add one person; prints the new id alone."""
    role = parse_role(args.role) if args.role else None
    if args.role and role is None:
        raise CliError(t("cli.members.ukjent_rolle_bruk", role=args.role))
    fields = MemberFields(name=args.name, organisation=args.organisation, email=args.email,
                          phone=args.phone)
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group) if args.group else default_group(session)
        try:
            member = registry.add_member(session, fields, group=group, role=role,
                                         now=ctx.clock.now(), actor=cli_actor())
        except RegistryError as exc:
            raise CliError(str(exc)) from exc
        member_id, name = member.id, member.name
    print(member_id)
    sys.stderr.write(t("cli.members.lagt_til_i", name=name, group=group.name))
    return 0


def cmd_edit(args: argparse.Namespace, ctx: CliContext) -> int:
    """Change a person's name, organisation, e-mail or phone; prints the member row."""
    fields = MemberFields(name=args.name, organisation=args.organisation, email=args.email,
                          phone=args.phone)
    if fields == MemberFields():
        raise CliError(t("cli.members.ingenting_a_endre"))
    with session_scope(ctx.engine) as session:
        member = _one_member(session, args.who)
        try:
            changed = registry.edit_member(session, member, fields, now=ctx.clock.now(),
                                           actor=cli_actor())
        except RegistryError as exc:
            raise CliError(str(exc)) from exc
        row = member_row(member, region_names(session))
        name = member.name
    print(row)
    if changed:
        words = {"name": t("cli.members.felt_navn"), "organisation": t("cli.members.felt_org"),
                 "email": t("cli.members.felt_epost"), "phone": t("cli.members.felt_telefon")}
        sys.stderr.write(t("cli.members.endret_felt", name=name,
                           fields=", ".join(words[f] for f in changed)))
    else:
        sys.stderr.write(t("cli.members.ingen_endring", name=name))
    return 0


def _member_id(text: str) -> int:
    if not text.strip().isdigit():
        raise CliError(t("cli.members.ikke_et_id", text=text))
    return int(text)


def cmd_resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    """Decide a candidate: --same-as ID or --new; prints the member id."""
    same_as = _member_id(args.same_as) if args.same_as is not None else None
    with session_scope(ctx.engine) as session:
        try:
            candidate = registry.find_candidate(session, args.who)
            member = registry.resolve(session, candidate.id or 0, same_as=same_as,
                                      now=ctx.clock.now(), actor=cli_actor())
        except RegistryError as exc:
            raise CliError(str(exc)) from exc
        member_id, name, spelling = member.id, member.name, candidate.name
    print(member_id)
    if same_as is not None:
        sys.stderr.write(t("cli.members.samme_person_lagret", spelling=spelling, name=name,
                           id=member_id))
    else:
        sys.stderr.write(t("cli.members.ny_person_lagt", name=name, id=member_id))
    return 0


def cmd_candidates(args: argparse.Namespace, ctx: CliContext) -> int:
    """Open candidates: id, the row's name, organisation, file, the members it resembles."""
    with session_scope(ctx.engine) as session:
        rows = []
        for c in registry.open_candidates(session):
            alike = ", ".join(f"{m.id} {m.name}" for m in registry.similar_members(session, c))
            rows.append([c.id, c.name, c.organisation or "-", c.source or "-", alike or "-"])
    print_rows(("id", "navn", "organisasjon", "kilde", t("cli.members.ligner_pa")), rows)
    return 0


def cmd_merge(args: argparse.Namespace, ctx: CliContext) -> int:
    """Merge duplicate FRA into TIL (kept); prints TIL's id."""
    with session_scope(ctx.engine) as session:
        source, target = _one_member(session, args.source), _one_member(session, args.target)
        try:
            result = registry.merge_members(session, source.id or 0, target.id or 0,
                                            two_accounts_ok=args.yes, now=ctx.clock.now(),
                                            actor=cli_actor())
        except RegistryError as exc:
            raise CliError(str(exc)) from exc
        names = (source.name, target.name, target.id)
    print(names[2])
    sys.stderr.write(t("cli.members.slatt_sammen", source=names[0], target=names[1],
                       id=names[2], moved=result.moved, dropped=result.dropped,
                       kept=result.kept))
    return 0
