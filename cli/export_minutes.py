"""`export minutes ID --format md|docx|pdf [--version N] [--output FIL]`: the referat as it
stands now, or one frozen version; PDF through LibreOffice when it is installed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import CliContext, CliError
from core.i18n import t
from core.os_errors import os_error_text
from domain.minutes_review import ReviewError
from services import minutes_review, pdf
from storage import minutes_review as repo
from storage.db import session_scope


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `export minutes`."""
    parser = kinds.add_parser("minutes", help=t("cli.export_minutes.help"))
    parser.add_argument("meeting_id", type=int, metavar="MØTE-ID")
    parser.add_argument("--format", choices=("md", "docx", "pdf"), default="md")
    parser.add_argument("--version", type=int, default=None, metavar="N",
                        help=t("cli.export_minutes.version_help"))
    parser.add_argument("--output", type=Path, default=None,
                        help=t("cli.export_attendance.skriv_til_fil"))
    parser.set_defaults(func=cmd_export)


def _documents(args: argparse.Namespace, ctx: CliContext) -> tuple[str, bytes]:
    with session_scope(ctx.engine) as session:
        minutes_review.check_meeting(session, args.meeting_id)
        if args.version is None:
            return minutes_review.snapshot(session, args.meeting_id, ctx.clock.now())
        found = repo.version(session, args.meeting_id, args.version)
        if found is None:
            raise ReviewError(t("cli.export_minutes.fant_ikke_versjon", version=args.version,
                                meeting_id=args.meeting_id))
        return found.markdown, found.docx


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write the referat to stdout or --output."""
    try:
        markdown, docx = _documents(args, ctx)
        data = markdown.encode() if args.format == "md" else docx
        if args.format == "pdf":
            data = pdf.docx_to_pdf(docx, soffice=pdf.find_soffice())
    except (ReviewError, pdf.PdfError) as exc:
        raise CliError(str(exc)) from None
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
    except OSError as exc:
        raise CliError(t("cli.export.kan_ikke_skrive_2", output=args.output,
                         os_error_text=os_error_text(exc))) from exc
    sys.stderr.write(f"Skrev {args.output}\n")
    return 0
