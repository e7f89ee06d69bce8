"""`minutes circulate|version|versions|upload`: the referat's høring and versions from the
command line (the secretariat's own tool)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

from cli import CliContext, CliError
from cli.common import print_rows
from core.dates import DateTextError, parse_date
from core.i18n import t
from core.os_errors import os_error_text
from core.timefmt import span
from delivery.run import Bar, deliver_sendout
from domain.minutes import end_of_day
from domain.minutes_review import Audience, ReviewError
from services import minutes_review
from storage import minutes_review as repo
from storage.db import session_scope


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the høring verbs to the `minutes` noun."""
    circulate = verbs.add_parser("circulate", help=t("cli.minutes_review.circulate_help"))
    circulate.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    circulate.add_argument("--to", choices=[a.value for a in Audience],
                           default=Audience.present.value,
                           help=t("cli.minutes_review.to_help"))
    circulate.add_argument("--deadline", metavar="DATO", help=t("cli.minutes_review.frist_help"))
    circulate.set_defaults(func=cmd_circulate)
    version = verbs.add_parser("version", help=t("cli.minutes_review.version_help"))
    version.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    version.set_defaults(func=cmd_version)
    listing = verbs.add_parser("versions", help=t("cli.minutes_review.versions_help"))
    listing.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    listing.set_defaults(func=cmd_versions)
    upload = verbs.add_parser("upload", help=t("cli.minutes_review.upload_help"))
    upload.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    upload.add_argument("path", type=Path, metavar="FIL.docx")
    upload.set_defaults(func=cmd_upload)


def _deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return end_of_day(parse_date(text))
    except DateTextError as exc:
        raise CliError(f"--deadline: {exc}") from None


def cmd_circulate(args: argparse.Namespace, ctx: CliContext) -> int:
    """Send the referat for corrections; prints the version number, then delivers."""
    deadline = _deadline(args.deadline)
    try:
        with session_scope(ctx.engine) as session:
            done = minutes_review.circulate(session, args.meeting_id,
                                            audience=Audience(args.to), deadline=deadline,
                                            member_id=None, now=ctx.clock.now(),
                                            links=ctx.links)
    except ReviewError as exc:
        raise CliError(str(exc)) from None
    print(done.version)
    sys.stderr.write(t("cli.minutes_review.sendt_til_horing", version=done.version,
                       count=done.recipients, deadline=span(done.deadline)))
    final = asyncio.run(deliver_sendout(ctx.engine, ctx.settings, done.sendout_id, ctx.clock,
                                        Bar()))
    if final.missed:
        sys.stderr.write(t("cli.notices.nadde_ikke_medlemmer", missed_count=len(final.missed)))
    return 0


def cmd_version(args: argparse.Namespace, ctx: CliContext) -> int:
    """A new version from the notes as they stand; prints its number alone."""
    try:
        with session_scope(ctx.engine) as session:
            made = minutes_review.new_version(session, args.meeting_id, None, ctx.clock.now())
            number = made.number
    except ReviewError as exc:
        raise CliError(str(exc)) from None
    print(number)
    return 0


def cmd_upload(args: argparse.Namespace, ctx: CliContext) -> int:
    """The edited Word file becomes the next version; prints its number alone."""
    try:
        data = args.path.read_bytes()
    except OSError as exc:
        raise CliError(t("cli.minutes_review.kan_ikke_lese", path=args.path,
                         why=os_error_text(exc))) from None
    try:
        with session_scope(ctx.engine) as session:
            made = minutes_review.upload(session, args.meeting_id, data, None, ctx.clock.now())
            number = made.number
    except ReviewError as exc:
        raise CliError(str(exc)) from None
    print(number)
    return 0


def cmd_versions(args: argparse.Namespace, ctx: CliContext) -> int:
    """One row per version: number, state, source, when it was made."""
    with session_scope(ctx.engine) as session:
        try:
            minutes_review.check_meeting(session, args.meeting_id)
        except ReviewError as exc:
            raise CliError(str(exc)) from None
        review = repo.review(session, args.meeting_id)
        rows = [(v.number, minutes_review.version_state(review, v), v.source, span(v.created_at))
                for v in repo.versions(session, args.meeting_id)]
    print_rows(("versjon", "status", "kilde", "laget"), rows)
    return 0
