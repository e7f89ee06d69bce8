"""`members export|erase`, `privacy rules|status`, `audit list`: personal data and the log."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import time
from pathlib import Path

from cli import CliContext, CliError
from cli.common import add_yes, print_rows, require_yes
from cli.export import write_output
from core.dates import DateTextError, parse_datetime_utc
from core.timefmt import to_oslo
from services import privacy as service
from storage import audit
from storage import privacy as repo
from storage.db import session_scope
from storage.members import find_by_name_or_email
from storage.models import Member


def register_member_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `members export` and `members erase` to the members noun."""
    exp = verbs.add_parser("export", help="alle data om én person som JSON (innsyn)")
    exp.add_argument("who", metavar="NAVN_ELLER_EPOST")
    exp.add_argument("--output", type=Path, default=None, help="skriv til fil")
    exp.set_defaults(func=cmd_export)
    erase = verbs.add_parser("erase", help="slett én person (sletting etter ønske)")
    erase.add_argument("who", metavar="NAVN_ELLER_EPOST")
    add_yes(erase)
    erase.add_argument("--reference", default="", help="saksnummeret for forespørselen")
    erase.set_defaults(func=cmd_erase)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `privacy` (rules, status)."""
    parser = subparsers.add_parser("privacy", help="lagringsregler og sletting")
    verbs = parser.add_subparsers(dest="verb", required=True)
    rules = verbs.add_parser("rules", help="vis eller endre lagringsreglene")
    rules.add_argument("--set", action="append", default=[], metavar="TYPE.days=N",
                       help="for eksempel ledger.days=90")
    rules.set_defaults(func=cmd_rules)
    status = verbs.add_parser("status", help="hva som slettes neste gang, og hva som ble slettet")
    status.set_defaults(func=cmd_status)


def register_audit(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `audit list`."""
    parser = subparsers.add_parser("audit", help="loggen over sekretariatets handlinger")
    verbs = parser.add_subparsers(dest="verb", required=True)
    lst = verbs.add_parser("list", help="list loggen, nyeste først")
    lst.add_argument("--since", help="fra dato, for eksempel 1.12.2026")
    lst.add_argument("--who", help="navn eller e-post på den som gjorde det")
    lst.add_argument("--action", help="handlingstype, for eksempel member.erase")
    lst.add_argument("--format", choices=("tsv", "csv"), default="tsv")
    lst.set_defaults(func=cmd_audit)


def _one(session: object, who: str) -> Member:
    found = find_by_name_or_email(session, who)  # type: ignore[arg-type]
    if not found:
        raise CliError(f"fant ikke noe medlem med navn eller e-post «{who}»")
    if len(found) > 1:
        ids = ", ".join(str(m.id) for m in found)
        raise CliError(f"«{who}» passer på flere medlemmer (id {ids}); bruk e-post eller id")
    return found[0]


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """The person's data as UTF-8 JSON on stdout or --output; the export is audited."""
    with session_scope(ctx.engine) as session:
        member = _one(session, args.who)
        data = service.export_member(session, member.id or 0, ctx.clock.now(),
                                     actor_member_id=None, actor=service.cli_actor())
    write_output(json.dumps(data, ensure_ascii=False, indent=2), args.output)
    return 0


def cmd_erase(args: argparse.Namespace, ctx: CliContext) -> int:
    """Erase the person (--yes; without it, what would go); prints the id; audited."""
    with session_scope(ctx.engine) as session:
        member = _one(session, args.who)
        if member.aad_object_id is None and member.name.startswith("Slettet medlem #"):
            raise CliError(f"medlem {member.id} er allerede slettet")
        member_id = member.id or 0
        data = repo.export(session, member_id)
        require_yes(args.yes, f"Slettingen av {member.name} (id {member_id})",
                    [f"{member_id}\t{what}\t{len(data[what])}"
                     for what in ("svar", "oppmote", "innspill", "runden", "utsendinger")])
        kinds = service.erase_member(session, member_id, ctx.clock.now(), actor_member_id=None,
                                     actor=service.cli_actor(), reference=args.reference)
    print(member_id)
    sys.stderr.write(f"Slettet medlem #{member_id} ({', '.join(kinds)}).\n")
    return 0


def cmd_rules(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print every kind's retention (kind, days); --set KIND.days=N changes one, audited."""
    changes: list[tuple[str, int]] = []
    for item in args.set:
        key, _, value = item.partition("=")
        kind, _, field = key.partition(".")
        if field != "days" or not value.strip().isdigit() or kind not in repo.DEFAULT_DAYS:
            known = ", ".join(f"{k}.days" for k in repo.DEFAULT_DAYS)
            raise CliError(f"ugyldig regel «{item}»; bruk TYPE.days=ANTALL med TYPE blant {known}")
        changes.append((kind, int(value)))
    with session_scope(ctx.engine) as session:
        for kind, days in changes:
            before = repo.rules(session)[kind]
            repo.set_rule(session, kind, days, ctx.clock.now())
            audit.record(session, action="privacy.rule", target=kind,
                         detail=f"actor={service.cli_actor()} {before}->{days}",
                         at=ctx.clock.now())
        current = repo.rules(session)
    print_rows(("type", "dager"), current.items())
    return 0


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> int:  # noqa: ARG001
    """What the next run would delete (kind, rows), then what the last run deleted."""
    with session_scope(ctx.engine) as session:
        due = repo.due(session, ctx.clock.now())
        last = repo.last_run(session)
        last_done = json.loads(last.deleted) if last else {}
        last_at = to_oslo(last.at).strftime("%d.%m.%Y %H.%M") if last else ""
    print_rows(("type", "neste", "sist"),
               [(kind, n, last_done.get(kind, "-")) for kind, n in due.items()])
    sys.stderr.write(f"Sist kjørt: {last_at}.\n" if last else "Ikke kjørt ennå.\n")
    return 0


def cmd_audit(args: argparse.Namespace, ctx: CliContext) -> int:
    """Audit entries newest first: id, time (Oslo), who, action, target, outcome, detail."""
    since = None
    if args.since:
        try:
            since = parse_datetime_utc(args.since, default_time=time(0, 0))
        except DateTextError as exc:
            raise CliError(str(exc)) from exc
    with session_scope(ctx.engine) as session:
        who = None
        if args.who:
            who = [m.id or 0 for m in find_by_name_or_email(session, args.who)]
            if not who:
                raise CliError(f"fant ikke noe medlem med navn eller e-post «{args.who}»")
        rows = [(e.id, to_oslo(e.at).strftime("%Y-%m-%d %H:%M"), name, e.action, e.target,
                 e.outcome, e.detail)
                for e, name in service.audit_entries(session, since=since, who=who,
                                                     action=args.action)]
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "tid", "hvem", "handling", "mål", "utfall", "detaljer"])
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        print_rows(("id", "tid", "hvem", "handling", "mål", "utfall", "detaljer"), rows)
    return 0
