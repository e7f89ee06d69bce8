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
from core.i18n import t
from core.timefmt import to_oslo
from services import privacy as service
from storage import audit
from storage import privacy as repo
from storage.db import session_scope
from storage.members import find_by_name_or_email
from storage.models import Member


def register_member_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `members export` and `members erase` to the members noun."""
    exp = verbs.add_parser("export", help=t("cli.privacy.alle_data_om"))
    exp.add_argument("who", metavar="NAVN_ELLER_EPOST")
    exp.add_argument("--output", type=Path, default=None,
                     help=t("cli.export_attendance.skriv_til_fil"))
    exp.set_defaults(func=cmd_export)
    erase = verbs.add_parser("erase", help=t("cli.privacy.slett_en_person"))
    erase.add_argument("who", metavar="NAVN_ELLER_EPOST")
    add_yes(erase)
    erase.add_argument("--reference", default="",
                       help=t("cli.privacy.saksnummeret_for_foresporselen"))
    erase.set_defaults(func=cmd_erase)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `privacy` (rules, status)."""
    parser = subparsers.add_parser("privacy", help=t("cli.privacy.lagringsregler_og_sletting"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    rules = verbs.add_parser("rules", help=t("cli.privacy.vis_eller_endre"))
    rules.add_argument("--set", action="append", default=[], metavar="TYPE.days=N",
                       help=t("cli.privacy.for_eksempel_ledger"))
    rules.set_defaults(func=cmd_rules)
    status = verbs.add_parser("status", help=t("cli.privacy.hva_som_slettes"))
    status.set_defaults(func=cmd_status)


def register_audit(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `audit list`."""
    parser = subparsers.add_parser("audit", help=t("cli.privacy.loggen_over_sekretariatets"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    lst = verbs.add_parser("list", help=t("cli.privacy.list_loggen_nyeste"))
    lst.add_argument("--since", help=t("cli.privacy.fra_dato_for"))
    lst.add_argument("--who", help=t("cli.privacy.navn_eller_post"))
    lst.add_argument("--action", help=t("cli.privacy.handlingstype_for_eksempel"))
    lst.add_argument("--format", choices=("tsv", "csv"), default="tsv")
    lst.set_defaults(func=cmd_audit)


def _one(session: object, who: str) -> Member:
    found = find_by_name_or_email(session, who)  # type: ignore[arg-type]
    if not found:
        raise CliError(t("cli.members.fant_ikke_noe", who=who))
    if len(found) > 1:
        ids = ", ".join(str(m.id) for m in found)
        raise CliError(t("cli.members.passer_pa_flere", who=who, ids=ids))
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
            raise CliError(t("cli.privacy.medlem_er_allerede", id=member.id))
        member_id = member.id or 0
        data = repo.export(session, member_id)
        require_yes(args.yes,
                    t("cli.privacy.slettingen_av_id", name=member.name, member_id=member_id),
                    [f"{member_id}\t{what}\t{len(data[what])}"
                     for what in ("svar", "oppmote", "innspill", "runden", "utsendinger")])
        kinds = service.erase_member(session, member_id, ctx.clock.now(), actor_member_id=None,
                                     actor=service.cli_actor(), reference=args.reference)
    print(member_id)
    sys.stderr.write(t("cli.privacy.slettet_medlem", member_id=member_id, kinds=', '.join(kinds)))
    return 0


def cmd_rules(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print every kind's retention (kind, days); --set KIND.days=N changes one, audited."""
    changes: list[tuple[str, int]] = []
    for item in args.set:
        key, _, value = item.partition("=")
        kind, _, field = key.partition(".")
        if field != "days" or not value.strip().isdigit() or kind not in repo.DEFAULT_DAYS:
            known = ", ".join(f"{k}.days" for k in repo.DEFAULT_DAYS)
            raise CliError(t("cli.privacy.ugyldig_regel_bruk", item=item, known=known))
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
    sys.stderr.write(t("cli.privacy.sist_kjort",
                       last_at=last_at) if last else t("cli.privacy.ikke_kjort_enna"))
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
                raise CliError(t("cli.members.fant_ikke_noe", who=args.who))
        rows = [(e.id, to_oslo(e.at).strftime("%Y-%m-%d %H:%M"), name, e.action, e.target,
                 e.outcome, e.detail)
                for e, name in service.audit_entries(session, since=since, who=who,
                                                     action=args.action)]
        # The log names who did what: reading it is itself recorded (after the rows are read).
        service.record_read(session, "audit.read", None, ctx.clock.now(),
                            actor=service.cli_actor())
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "tid", "hvem", "handling", t("cli.privacy.mal"), "utfall",
                         "detaljer"])
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        print_rows(("id", "tid", "hvem", "handling", t("cli.privacy.mal"), "utfall", "detaljer"),
                   rows)
    return 0
