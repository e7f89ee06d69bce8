"""`export minutes MØTE-ID --format md|docx|pdf [--output FIL] [--sort region|name|arrival]
[--version N]`: the referat draft from what is recorded so far (before, during or after the
meeting), or one stored version as it was frozen; PDF through LibreOffice when installed."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import CliContext, CliError
from cli.export import write_output
from core.i18n import t
from domain.minutes_draft import Sort
from domain.minutes_review import ReviewError
from services import pdf
from services.minutes_draft import DraftError, build_draft, render_docx, render_markdown
from services.privacy import cli_actor, record_read
from storage import minutes_review as versions
from storage.db import session_scope


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `export minutes`."""
    parser = kinds.add_parser("minutes", help=t("cli.export_minutes.referatutkast"))
    parser.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    parser.add_argument("--format", choices=("md", "docx", "pdf"), default="md")
    parser.add_argument("--sort", choices=[s.value for s in Sort], default=Sort.region.value,
                        help=t("cli.export_minutes.sortering"))
    parser.add_argument("--version", type=int, default=None, metavar="N",
                        help=t("cli.export_minutes.version_help"))
    parser.add_argument("--output", type=Path, default=None,
                        help=t("cli.export_attendance.skriv_til_fil"))
    parser.set_defaults(func=cmd_export)


def _documents(args: argparse.Namespace, ctx: CliContext) -> tuple[str, bytes]:
    """(Markdown, Word bytes): the draft now, or the stored version asked for."""
    with session_scope(ctx.engine) as session:
        try:
            draft = build_draft(session, args.meeting_id, sort=args.sort, clock=ctx.clock)
        except DraftError as exc:
            raise CliError(str(exc)) from exc
        # The draft names who came and who sent regrets: the read is audited.
        record_read(session, "minutes.draft.read", None, ctx.clock.now(), actor=cli_actor(),
                    target=f"meeting:{args.meeting_id}")
        if args.version is None:
            return render_markdown(draft), render_docx(draft)
        found = versions.version(session, args.meeting_id, args.version)
        if found is None:
            raise CliError(t("cli.export_minutes.fant_ikke_versjon", version=args.version,
                             meeting_id=args.meeting_id))
        return found.markdown, found.docx


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write the referat to stdout or --output (Word and PDF only to a file or a pipe)."""
    markdown, docx = _documents(args, ctx)
    if args.format == "md":
        write_output(markdown, args.output)
        return 0
    try:
        data = pdf.docx_to_pdf(docx, soffice=pdf.find_soffice()) if args.format == "pdf" else docx
    except (ReviewError, pdf.PdfError) as exc:
        raise CliError(str(exc)) from None
    write_output(data, args.output)
    return 0
