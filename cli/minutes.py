"""`minutes note|followup|show` and `followups list|done`: the minutes from the command line."""

from __future__ import annotations

import argparse
import sys

from cli import CliContext, CliError, minutes_review
from core.i18n import t
from core.timefmt import day_long
from services import minutes
from services.attendance import present_line
from storage import minutes as repo
from storage.db import session_scope
from storage.meeting_models import AgendaItem, Meeting

STATUS = {"open": t("cli.innspill.apen"), "done": "ferdig"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the nouns `minutes` and `followups` and their verbs."""
    parser = subparsers.add_parser("minutes", help=t("cli.minutes.referat_notater_vedtak"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    note = verbs.add_parser("note", help=t("cli.minutes.notater_og_eller"))
    note.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    note.add_argument("number", type=int, metavar="SAK-NR")
    note.add_argument("--text", help=t("cli.minutes.notatene_erstatter_de"))
    note.add_argument("--decision", help=t("cli.minutes.vedtaket_eller_utfallet"))
    note.add_argument("--append", action="store_true", help=t("cli.minutes.legg_text_til"))
    note.set_defaults(func=cmd_note)
    fu = verbs.add_parser("followup", help=t("cli.minutes.nytt_oppfolgingspunkt_skriver"))
    fu.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    fu.add_argument("number", type=int, metavar="SAK-NR")
    fu.add_argument("--what", required=True, help=t("cli.minutes.hva_som_skal"))
    fu.add_argument("--who", required=True, metavar="NAVN_ELLER_REGION")
    fu.add_argument("--due", required=True, metavar="DATO", help=t("core.dates.accepted_date"))
    fu.set_defaults(func=cmd_followup)
    show = verbs.add_parser("show", help=t("cli.minutes.referatet_sa_langt"))
    show.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    show.set_defaults(func=cmd_show)
    minutes_review.add_verbs(verbs)

    parser = subparsers.add_parser("followups",
                                   help=t("cli.minutes.oppfolgingspunkter_fra_referatene"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help=t("cli.minutes.id_status_frist"))
    listing.add_argument("--open", action="store_true", help=t("cli.minutes.bare_de_som"))
    listing.set_defaults(func=cmd_list)
    done = verbs.add_parser("done", help=t("cli.minutes.merk_et_oppfolgingspunkt"))
    done.add_argument("followup_id", type=int, metavar="ID")
    done.set_defaults(func=cmd_done)


def cmd_note(args: argparse.Namespace, ctx: CliContext) -> int:
    """Replace or append notes, replace the decision; a message on stderr."""
    try:
        with session_scope(ctx.engine) as session:
            done = minutes.write_note(session, args.meeting_id, args.number, text=args.text,
                                      decision=args.decision, append=args.append,
                                      now=ctx.clock.now())
    except minutes.MinutesError as exc:
        raise CliError(str(exc)) from None
    sys.stderr.write(t("cli.minutes.lagret_sak", number=args.number, done=', '.join(done)))
    return 0


def cmd_followup(args: argparse.Namespace, ctx: CliContext) -> int:
    """A new follow-up; prints its id alone."""
    try:
        with session_scope(ctx.engine) as session:
            f = minutes.cli_followup(session, args.meeting_id, args.number, what=args.what,
                                     who=args.who, due=args.due, now=ctx.clock.now())
            fid = f.id
    except minutes.MinutesError as exc:
        raise CliError(str(exc)) from None
    print(fid)
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """Tab-separated, id first, by due date."""
    with session_scope(ctx.engine) as session:
        rows = repo.followups(session, open_only=args.open)
        lines = []
        for f in rows:
            item = session.get(AgendaItem, f.agenda_item_id)
            lines.append("\t".join([
                str(f.id), STATUS.get(f.status, f.status), f"{f.due_date:%d.%m.%Y}",
                _one_line(repo.responsible_label(session, f)),
                t("cli.minutes.mote_sak", meeting_id=f.meeting_id,
                  value3=item.number if item else '?'), _one_line(f.what)]))
    for line in lines:
        print(line)
    return 0


def cmd_done(args: argparse.Namespace, ctx: CliContext) -> int:
    """Mark done (the CLI is the secretariat's own tool)."""
    try:
        with session_scope(ctx.engine) as session:
            _f, changed = minutes.finish(session, args.followup_id, None, ctx.clock.now(),
                                         by_cli=True)
    except minutes.MinutesError as exc:
        raise CliError(str(exc)) from None
    sys.stderr.write(t("cli.minutes.merket_som_ferdig") if changed else "Var allerede ferdig.\n")
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    """The minutes so far in agenda order: notes, decision, follow-ups per item."""
    with session_scope(ctx.engine) as session:
        if session.get(Meeting, args.meeting_id) is None:
            raise CliError(t("meetings.reply.fant_ikke_mote", meeting_id=args.meeting_id))
        per_item = repo.minutes_by_item(session, args.meeting_id)
        present = present_line(session, args.meeting_id)
        out = [present, ""] if present else []
        for m in per_item:
            out.append(f"{m.item.number}. {m.item.title}")
            if m.notes.value:
                out.append(m.notes.value)
            if m.decision.value:
                out.append(f"Vedtak: {m.decision.value}")
            for f in m.followups:
                out.append(t("cli.minutes.oppfolging_frist", id=f.id,
                             get=STATUS.get(f.status, f.status), one_line=_one_line(f.what),
                             responsible_label=repo.responsible_label(session, f),
                             day_long=day_long(f.due_date)))
            out.append("")
    sys.stdout.write("\n".join(out))
    return 0
