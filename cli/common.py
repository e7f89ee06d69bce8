"""Helpers every CLI noun shares: the Norwegian argparse frame, lists, --yes, groups, dates.

The rules live here once so that every command behaves alike: a list is id first with a
header only for a person at a terminal; a destructive verb shows what would go and does
nothing without --yes; a group name that is a typo is never taken as a new group.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from sqlmodel import Session

from cli import CliError
from core.dates import DateTextError, accepted_datetime, parse_datetime_utc
from core.i18n import t
from domain.group_names import closest
from domain.minutes import MinutesError
from storage import minutes
from storage.db import session_scope
from storage.groups import find_group, get_or_create_group, group_names
from storage.models import WorkingGroup

EMPTY = t("cli.common.ingen")

# Positionals and options get Norwegian placeholders in usage and help, by their dest.
METAVARS = {
    "path": "FIL", "name": "NAVN", "id": "ID", "meeting_id": t("cli.common.mote_id"),
    "session_id": t("cli.common.okt_id"), "round_id": "RUNDE-ID", "who": "NAVN_ELLER_EPOST",
    "role": "ROLLE", "when": "DATO", "directory": "MAPPE", "group": "NAVN",
    "title": t("cli.common.tittel"),
    "start": "DATO", "end": "DATO", "deadline": "DATO", "due": "DATO", "since": "DATO",
    "place": "STED", "online_url": "LENKE", "preparation": "TEKST", "agenda": "FIL",
    "output": "FIL", "text": t("cli.common.tekst"), "notice_id": "ID", "source": "FRA",
    "target": "TIL",
    "new_name": "NYTT_NAVN", "app_id": "GUID", "app_version": "VERSJON",
}  # fmt: skip

# argparse's own sentences (Python 3.11), each with its Norwegian form.
_ERRORS = [
    (re.compile(r"^the following arguments are required: (.*)$"),
     t("cli.common.disse_argumentene_mangler")),
    (re.compile(r"^unrecognized arguments: (.*)$"), "ukjente argumenter: {0}"),
    (re.compile(r"^argument (.+?): invalid choice: (.*?) \(choose from (.*)\)$"),
     t("cli.common.argumentet_ugyldig_valg")),
    (re.compile(r"^argument (.+?): invalid int value: (.*)$"),
     t("cli.common.argumentet_er_ikke")),
    (re.compile(r"^argument (.+?): invalid \w+ value: (.*)$"),
     t("cli.common.argumentet_ugyldig_verdi")),
    (re.compile(r"^argument (.+?): expected one argument$"), t("cli.common.argumentet_mangler_en")),
    (re.compile(r"^argument (.+?): expected .*$"), t("cli.common.argumentet_feil_antall")),
    (re.compile(r"^argument (.+?): not allowed with argument (.*)$"),
     t("cli.common.argumentet_kan_ikke")),
    (re.compile(r"^argument (.+?): ignored explicit argument (.*)$"),
     t("cli.common.argumentet_tar_ingen")),
    (re.compile(r"^ambiguous option: (.*?) could match (.*)$"), t("cli.common.tvetydig_valg_kan")),
    # Our own type= checks already speak Norwegian; only the frame is argparse's.
    (re.compile(r"^argument (.+?): (.*)$"), "argumentet {0}: {1}"),
]


def translate_argparse(message: str) -> str:
    """argparse's English error sentence in Norwegian (unknown ones pass through)."""
    for pattern, norwegian in _ERRORS:
        match = pattern.match(message)
        if match:
            return norwegian.format(*match.groups())
    return message


class NorwegianFormatter(argparse.HelpFormatter):
    """«bruk:» instead of «usage:»."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "bruk: ")


class NorwegianParser(argparse.ArgumentParser):
    """argparse with its frame in bokmål: usage, section titles, -h, errors, placeholders."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", NorwegianFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "posisjonsargumenter"
        self._optionals.title = "valg"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=t("cli.common.vis_denne_hjelpen"))

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """As argparse, with a Norwegian placeholder unless one is given."""
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.nargs != 0 and action.dest in METAVARS:
            action.metavar = METAVARS[action.dest]
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        """Subcommands titled in Norwegian: OMRÅDE for the noun, HANDLING for the verb."""
        kwargs.setdefault("metavar",
                          t("cli.common.omrade") if kwargs.get("dest") == "noun" else "HANDLING")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        """Usage and the Norwegian sentence on stderr, exit 2 (argparse's convention)."""
        self.print_usage(sys.stderr)
        sys.stderr.write(t("cli.common.feil_kommandoen",
                           translate_argparse=translate_argparse(message)))
        sys.exit(2)


def _cell(value: object) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else "-"


def print_rows(header: Sequence[str], rows: Iterable[Sequence[object]],
               out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Tab-separated rows, id first; a header row and «(ingen)» only for a person at a tty.

    Piped output stays pure data (no header); «(ingen)» then goes to stderr so that
    `| wc -l` still counts 0.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    tty = out.isatty()
    count = 0
    for row in rows:
        if count == 0 and tty:
            out.write("\t".join(header) + "\n")
        out.write("\t".join(_cell(v) for v in row) + "\n")
        count += 1
    if count == 0:
        (out if tty else err).write(EMPTY + "\n")
    return count


def add_yes(parser: argparse.ArgumentParser) -> None:
    """The one --yes every destructive verb takes."""
    parser.add_argument("--yes", action="store_true",
                        help=t("cli.common.gjor_det_uten"))


def require_yes(yes: bool, what: str, lines: Iterable[str]) -> None:
    """Without --yes: print what would go on stdout and stop (exit 1, nothing changed)."""
    if yes:
        return
    for line in lines:
        print(line)
    raise CliError(t("cli.common.er_ikke_gjort", what=what))


def date_option(text: str, option: str) -> datetime:
    """A typed Oslo date and time (core.dates' forms) → aware UTC; a CliError names the option."""
    try:
        return parse_datetime_utc(text)
    except DateTextError as exc:
        message = str(exc)
        if accepted_datetime() not in message:  # a date-only hint: the option wants a time too
            message += t("cli.common.dato_og_klokkeslett", accepted=accepted_datetime())
        raise CliError(f"{option}: {message}") from exc


def did_you_mean(session: Session, name: str) -> str | None:
    """The existing group this name is probably a typo of, if any."""
    return closest(name, group_names(session))


def existing_group(session: Session, name: str) -> WorkingGroup:
    """The group by name; a typo gets «Mente du «…»?», anything else the list of groups."""
    group = find_group(session, name)
    if group is not None:
        return group
    close = did_you_mean(session, name)
    if close is not None:
        raise CliError(t("cli.common.fant_ingen_faggruppe", name=name, close=close))
    names = group_names(session)
    known = ", ".join(f"«{n}»" for n in names) if names else t("cli.common.ingen_enna")
    raise CliError(t("cli.common.fant_ingen_faggruppe_2", name=name, known=known))


def group_to_fill(session: Session, name: str, *, create_close: bool) -> WorkingGroup:
    """For an import: the named group, created when far from every group (said on stderr).

    A name close to an existing one is refused with «Mente du «…»?» unless `create_close`
    (--create-group): a typo must not become an empty new group.
    """
    group = find_group(session, name)
    if group is not None:
        return group
    close = did_you_mean(session, name)
    if close is not None and not create_close:
        raise CliError(t("cli.common.fant_ingen_faggruppe_3", name=name, close=close))
    group = get_or_create_group(session, name)
    sys.stderr.write(t("cli.groups.opprettet_faggruppen", name=group.name))
    return group


def add_link_verb(verbs: argparse._SubParsersAction, help_text: str,  # type: ignore[type-arg]
                  model: Any) -> None:
    """`<noun> link ID --meeting M --item N`: tie a row of `model` (an innspill session, a
    round) to agenda item N of meeting M, as its form's field does (the minutes read it)."""
    link = verbs.add_parser("link", help=help_text)
    link.add_argument("row_id", type=int, metavar="ID")
    link.add_argument("--meeting", type=int, required=True, metavar="MØTE-ID")
    link.add_argument("--item", type=int, required=True, metavar="SAK-NR")

    def cmd_link(args: argparse.Namespace, ctx: Any) -> int:
        try:
            with session_scope(ctx.engine) as session:
                item = minutes.link(session, model, args.row_id, args.meeting, args.item)
                text = t("cli.innspill.knyttet_til_mote", meeting=args.meeting,
                         number=item.number, title=item.title)
        except MinutesError as exc:
            raise CliError(str(exc)) from None
        sys.stderr.write(text)
        return 0

    link.set_defaults(func=cmd_link)
