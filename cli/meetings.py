"""`python app.py meetings create|import|list|show` (times are Europe/Oslo wall-clock)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli import CliContext, CliError
from cli.meetings_send import add_verbs, apply_outlook_choice, outlook_flags
from domain.meetings import parse_agenda, parse_plan
from storage import meetings as repo
from storage.db import session_scope
from storage.groups import find_group, get_or_create_group, list_groups
from storage.meeting_models import MeetingFormat

OSLO = ZoneInfo("Europe/Oslo")
FORMATS = [f.value for f in MeetingFormat]


def register(nouns: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `meetings` noun."""
    verbs = nouns.add_parser("meetings", help="Møter").add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", help="Opprett et møte; skriver id-en")
    create.add_argument("--group", action="append", required=True,
                        help="faggruppe (gjentas for fellesmøte)")
    create.add_argument("--title", required=True)
    create.add_argument("--start", required=True, help='"ÅÅÅÅ-MM-DD TT:MM"')
    create.add_argument("--end", required=True, help='"ÅÅÅÅ-MM-DD TT:MM"')
    create.add_argument("--place", default="")
    create.add_argument("--online-url", default="")
    create.add_argument("--format", choices=FORMATS, default="physical")
    create.add_argument("--deadline", help='svarfrist "ÅÅÅÅ-MM-DD TT:MM" (standard: møtestart)')
    create.add_argument("--preparation", default="", help="forberedelser til møtet")
    create.add_argument("--agenda", type=Path, help="fil med nummererte saker")
    outlook_flags(create)
    create.set_defaults(func=create_meeting)
    imp = verbs.add_parser("import", help="Les en møteplan (årshjul)")
    imp.add_argument("path", type=Path)
    imp.add_argument("--group", required=True)
    imp.set_defaults(func=import_plan)
    lst = verbs.add_parser("list", help="List møter: id først")
    lst.add_argument("--group")
    lst.set_defaults(func=list_meetings)
    show = verbs.add_parser("show", help="Vis et møte med saksliste")
    show.add_argument("id", type=int)
    show.set_defaults(func=show_meeting)
    add_verbs(verbs)  # send, approve: the delivery side, in cli/meetings_send.py
    from cli import meetings_edit  # it imports oslo_time from here

    meetings_edit.add_verbs(verbs)  # edit, cancel


def oslo_time(text: str, what: str) -> datetime:
    """'2023-08-31 09:00' in Oslo wall-clock → aware UTC."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=OSLO)
    except ValueError as exc:
        raise CliError(f"{what} må skrives som «ÅÅÅÅ-MM-DD TT:MM», ikke «{text}»") from exc


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"kan ikke lese {path}") from exc


def create_meeting(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create one meeting; print its id alone."""
    start, end = oslo_time(args.start, "--start"), oslo_time(args.end, "--end")
    if end <= start:
        raise CliError("--end må være etter --start")
    deadline = oslo_time(args.deadline, "--deadline") if args.deadline else None
    agenda = parse_agenda(_read(args.agenda)) if args.agenda else []
    if args.agenda and not agenda:
        raise CliError(f"fant ingen nummererte saker («1. Godkjenning …») i {args.agenda}")
    with session_scope(ctx.engine) as session:
        groups = [get_or_create_group(session, name) for name in args.group]
        meeting = repo.create_meeting(
            session, groups, ctx.clock.now(), title=args.title, starts_at=start, ends_at=end,
            place=args.place, online_url=args.online_url, format=MeetingFormat(args.format),
            rsvp_deadline=deadline, preparation=args.preparation)
        repo.replace_agenda(session, meeting, agenda)
        apply_outlook_choice(session, meeting, getattr(args, "outlook", None))
        print(meeting.id)
    return 0


def import_plan(args: argparse.Namespace, ctx: CliContext) -> int:
    """Create (or update) one meeting per row of a yearly plan."""
    planned = parse_plan(_read(args.path))
    if not planned:
        raise CliError(f"fant ingen møter i {args.path}")
    with session_scope(ctx.engine) as session:
        group = get_or_create_group(session, args.group)
        everyone = [g for g, _count in list_groups(session)]
        for row in planned:
            fields = dict(title=row.title, format=row.format, status=row.status,
                          starts_at=row.starts_at, ends_at=row.ends_at, date_text=row.date_text,
                          theme1=row.theme1, theme2=row.theme2, comment=row.comment)
            meeting = repo.find_planned(session, group, row.title, row.starts_at, row.date_text)
            verb = "updated" if meeting else "created"
            if meeting is None:
                meeting = repo.create_meeting(session, [group], ctx.clock.now(), **fields)
            else:
                for key, value in fields.items():
                    setattr(meeting, key, value)
                session.add(meeting)
            # A joint meeting ("fellesmøte") belongs to every group there is.
            repo.set_groups(session, meeting, everyone if row.joint else [group])
            print(f"{verb}\t{meeting.id}\t{when(meeting)}\t{meeting.title}")
    return 0


def when(meeting: repo.Meeting) -> str:
    """'2022-05-20 09:00' in Oslo, or the plan's text ('juni 2022') while TBA."""
    if meeting.starts_at is None:
        return meeting.date_text or "-"
    return meeting.starts_at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M")


def list_meetings(args: argparse.Namespace, ctx: CliContext) -> int:
    """One row per meeting: id, when, status, format, title, groups."""
    with session_scope(ctx.engine) as session:
        group = find_group(session, args.group) if args.group else None
        if args.group and group is None:
            raise CliError(f"fant ingen faggruppe som heter «{args.group}»")
        for m in repo.list_meetings(session, group):
            groups = ", ".join(g.name for g in repo.invited_groups(session, m.id or 0))
            print(f"{m.id}\t{when(m)}\t{m.status}\t{m.format}\t{m.title}\t{groups}")
    return 0


def show_meeting(args: argparse.Namespace, ctx: CliContext) -> int:
    """The meeting's details and numbered agenda."""
    with session_scope(ctx.engine) as session:
        m = repo.get_meeting(session, args.id)
        if m is None:
            raise CliError(f"fant ikke møte {args.id}")
        print(f"{m.id}\t{m.title}\n{when(m)}\t{m.place or m.online_url or '-'}\t{m.status}")
        for item in repo.agenda_items(session, args.id):
            print(f"{item.number}. {item.title}")
    return 0
