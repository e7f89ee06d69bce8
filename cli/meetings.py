"""`python app.py meetings create|import|list|show` (times are Europe/Oslo wall-clock)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli import CliContext, CliError
from cli.common import date_option, existing_group, print_rows
from cli.meetings_send import add_verbs, apply_outlook_choice, outlook_flags
from core.i18n import t
from domain.meetings import parse_agenda, parse_plan
from services import minutes_review
from storage import meetings as repo
from storage import rsvp
from storage.db import session_scope
from storage.groups import list_groups
from storage.meeting_models import MeetingFormat, MeetingStatus

OSLO = ZoneInfo("Europe/Oslo")
# The words the CLI prints and takes; the English values (stored) are accepted as aliases.
FORMAT_WORDS = {MeetingFormat.physical: "fysisk", MeetingFormat.digital: "digitalt",
                MeetingFormat.hybrid: "hybrid", MeetingFormat.webinar: "webinar",
                MeetingFormat.conference: "konferanse", MeetingFormat.study_trip: "studietur"}
STATUS_WORDS = {MeetingStatus.planned: t("cli.meetings.planlagt"),
                MeetingStatus.date_tba: t("cli.meetings.dato_ikke_satt"),
                MeetingStatus.tentative: t("cli.meetings.forelopig"),
                MeetingStatus.invited: t("cli.meetings.invitert"),
                MeetingStatus.held: t("cli.meetings.holdt"),
                MeetingStatus.cancelled: t("cli.meetings.avlyst")}
_FORMAT_INPUT = {**{w: f for f, w in FORMAT_WORDS.items()}, **{f.value: f for f in MeetingFormat},
                 "digital": MeetingFormat.digital, "fysisk": MeetingFormat.physical}
DATE_HELP = t("cli.meetings.kl_eller_norsk")


def meeting_format(text: str) -> MeetingFormat:
    """--format: the Norwegian word, or the stored English value as an alias."""
    found = _FORMAT_INPUT.get(text.strip().casefold())
    if found is None:
        raise argparse.ArgumentTypeError(
            t("cli.meetings.ukjent_moteform_bruk", text=text))
    return found


def format_word(value: str) -> str:
    """The Norwegian word for a stored format."""
    return FORMAT_WORDS.get(MeetingFormat(value), value) if value in _FORMAT_INPUT else value


def status_word(value: str) -> str:
    """The Norwegian word for a stored status."""
    return STATUS_WORDS.get(MeetingStatus(value), value) if value in set(MeetingStatus) else value


def register(nouns: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `meetings` noun."""
    verbs = nouns.add_parser("meetings", help=t("cli.meetings.moter")).add_subparsers(dest="verb",
                                                                                      required=True)
    create = verbs.add_parser("create", help=t("cli.meetings.opprett_et_mote"))
    create.add_argument("--group", action="append", required=True,
                        help=t("cli.meetings.en_faggruppe_som"))
    create.add_argument("--title", required=True, help=t("cli.meetings.motets_tittel"))
    create.add_argument("--start", required=True, help=DATE_HELP)
    create.add_argument("--end", required=True, help=DATE_HELP)
    create.add_argument("--place", default="", help="sted")
    create.add_argument("--online-url", default="", help=t("cli.meetings.lenke_til_digitalt"))
    create.add_argument("--format", type=meeting_format, default=MeetingFormat.physical,
                        metavar="fysisk|digitalt|hybrid|webinar|konferanse",
                        help=t("cli.meetings.moteform_standard_fysisk"))
    create.add_argument("--deadline", help=t("cli.meetings.svarfrist_senest_motestart"))
    create.add_argument("--past", action="store_true", help=t("cli.meetings.tillat_et_mote"))
    create.add_argument("--preparation", default="", help=t("cli.meetings.forberedelser_til_motet"))
    create.add_argument("--agenda", type=Path, help=t("cli.meetings.fil_med_nummererte"))
    outlook_flags(create)
    create.set_defaults(func=create_meeting)
    imp = verbs.add_parser("import", help=t("cli.meetings.les_en_moteplan"))
    imp.add_argument("path", type=Path)
    imp.add_argument("--group", required=True, help=t("cli.meetings.en_faggruppe_som_2"))
    imp.set_defaults(func=import_plan)
    lst = verbs.add_parser("list", help=t("cli.meetings.list_moter_id"))
    lst.add_argument("--group", help=t("cli.meetings.bare_motene_til"))
    lst.set_defaults(func=list_meetings)
    show = verbs.add_parser("show", help=t("cli.meetings.vis_et_mote"))
    show.add_argument("id", type=int, metavar="MØTE-ID")
    show.set_defaults(func=show_meeting)
    add_verbs(verbs)  # send, approve: the delivery side, in cli/meetings_send.py
    from cli import meetings_edit  # it imports check_times from here

    meetings_edit.add_verbs(verbs)  # edit, cancel


def check_times(start: datetime | None, end: datetime | None, deadline: datetime | None,
                now: datetime, past: bool) -> None:
    """The checks on what is given: end after start, deadline by the start, no past start."""
    if start is not None and end is not None and end <= start:
        raise CliError(t("cli.meetings.end_ma_vaere"))
    if start is not None and start < now and not past:
        raise CliError(t("cli.meetings.motestart_har_vaert", oslo=oslo(start)))
    if start is not None and deadline is not None and deadline > start:
        raise CliError(t("cli.meetings.svarfristen_er_etter", oslo=oslo(deadline),
                         oslo2=oslo(start)))


def oslo(moment: datetime) -> str:
    """'2023-08-31 09:00' in Oslo wall-clock."""
    return moment.astimezone(OSLO).strftime("%Y-%m-%d %H:%M")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(t("cli.meetings.kan_ikke_lese", path=path)) from exc


def create_meeting(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create one meeting; print its id alone."""
    start, end = date_option(args.start, "--start"), date_option(args.end, "--end")
    deadline = date_option(args.deadline, "--deadline") if args.deadline else None
    check_times(start, end, deadline, ctx.clock.now(), args.past)
    agenda = parse_agenda(_read(args.agenda)) if args.agenda else []
    if args.agenda and not agenda:
        raise CliError(t("cli.meetings.fant_ingen_nummererte", agenda=args.agenda))
    with session_scope(ctx.engine) as session:
        groups = [existing_group(session, name) for name in args.group]
        meeting = repo.create_meeting(
            session, groups, ctx.clock.now(), title=args.title, starts_at=start, ends_at=end,
            place=args.place, online_url=args.online_url, format=args.format,
            rsvp_deadline=deadline, preparation=args.preparation)
        repo.replace_agenda(session, meeting, agenda)
        minutes_review.add_approval_item(session, meeting, ctx.clock.now())
        apply_outlook_choice(session, meeting, getattr(args, "outlook", None))
        print(meeting.id)
    return 0


def import_plan(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create (or update) one meeting per row of a yearly plan."""
    planned = parse_plan(_read(args.path))
    if not planned:
        raise CliError(t("cli.meetings.fant_ingen_moter", path=args.path))
    now = ctx.clock.now()
    held = 0
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group)
        everyone = [g for g, _count in list_groups(session)]
        for row in planned:
            # A row whose day has passed is history: kept as held, never invited to.
            over = row.ends_at is not None and row.ends_at < now \
                and row.status != MeetingStatus.cancelled
            held += over
            fields = dict(title=row.title, format=row.format,
                          status=MeetingStatus.held if over else row.status,
                          starts_at=row.starts_at, ends_at=row.ends_at, date_text=row.date_text,
                          theme1=row.theme1, theme2=row.theme2, comment=row.comment)
            meeting = repo.find_planned(session, group, row.title, row.starts_at, row.date_text)
            verb = "oppdatert" if meeting else "opprettet"
            if meeting is None:
                meeting = repo.create_meeting(session, [group], ctx.clock.now(), **fields)
            else:
                for key, value in fields.items():
                    setattr(meeting, key, value)
                session.add(meeting)
            # A joint meeting ("fellesmøte") belongs to every group there is.
            repo.set_groups(session, meeting, everyone if row.joint else [group])
            minutes_review.add_approval_item(session, meeting, now)
            print(f"{verb}\t{meeting.id}\t{when(meeting)}\t{meeting.title}")
    if held:
        sys.stderr.write(t("cli.meetings.av_motene_planen", held=held))
    return 0


def when(meeting: repo.Meeting) -> str:
    """'2022-05-20 09:00' in Oslo, or the plan's text ('juni 2022') while TBA."""
    if meeting.starts_at is None:
        return meeting.date_text or "-"
    return oslo(meeting.starts_at)


def list_meetings(args: argparse.Namespace, ctx: CliContext) -> int:
    """One row per meeting: id, when, status, format, title, groups."""
    with session_scope(ctx.engine) as session:
        group = existing_group(session, args.group) if args.group else None
        rows = [(m.id, when(m), status_word(m.status), format_word(m.format), m.title,
                 ", ".join(g.name for g in repo.invited_groups(session, m.id or 0)))
                for m in repo.list_meetings(session, group)]
    print_rows(("id", "tid", "status", "form", "tittel", "faggrupper"), rows)
    return 0


def show_meeting(args: argparse.Namespace, ctx: CliContext) -> int:
    """Everything about one meeting, one «field<TAB>value» per line, then agenda and documents."""
    with session_scope(ctx.engine) as session:
        m = repo.get_meeting(session, args.id)
        if m is None:
            raise CliError(t("cli.meetings.fant_ikke_mote_2", id=args.id))
        mid = m.id or 0
        deadline = repo.rsvp_deadline(m)
        answered = sum(rsvp.counts(session, mid).values())
        fields = [
            ("id", str(mid)), ("tittel", m.title),
            ("faggrupper", ", ".join(g.name for g in repo.invited_groups(session, mid))),
            ("form", format_word(m.format)), ("start", when(m)),
            ("slutt", oslo(m.ends_at) if m.ends_at else "-"), ("sted", m.place or "-"),
            ("lenke", m.online_url or "-"), ("svarfrist", oslo(deadline) if deadline else "-"),
            ("status", status_word(m.status)),
            ("invitert", str(len(rsvp.invitees(session, mid)))), ("svart", str(answered)),
        ]
        agenda = [f"{item.number}. {item.title}" for item in repo.agenda_items(session, mid)]
        docs = [f"{d.title}\t{d.url}" for d in repo.documents(session, mid)]
    for name, value in fields:
        print(f"{name}\t{value}")
    print(t("cli.meetings.saksliste") if agenda else t("cli.meetings.saksliste_ingen"))
    for line in agenda:
        print(f"  {line}")
    print(t("cli.meetings.dokumenter") if docs else t("cli.meetings.dokumenter_ingen"))
    for line in docs:
        print(f"  {line}")
    return 0
