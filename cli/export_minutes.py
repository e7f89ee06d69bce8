"""`export minutes MØTE-ID --format md|docx [--output FIL] [--sort region|name|arrival]`: the
referat draft from what is recorded so far (before, during or after the meeting)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import CliContext, CliError
from cli.export import write_output
from core.i18n import t
from domain.minutes_draft import Sort
from services.minutes_draft import DraftError, build_draft, render_docx, render_markdown
from services.privacy import cli_actor, record_read
from storage.db import session_scope


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `export minutes`."""
    parser = kinds.add_parser("minutes", help=t("cli.export_minutes.referatutkast"))
    parser.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    parser.add_argument("--format", choices=("md", "docx"), default="md")
    parser.add_argument("--sort", choices=[s.value for s in Sort], default=Sort.region.value,
                        help=t("cli.export_minutes.sortering"))
    parser.add_argument("--output", type=Path, default=None,
                        help=t("cli.export_attendance.skriv_til_fil"))
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write the draft to stdout or --output (Word only to a file or a pipe)."""
    with session_scope(ctx.engine) as session:
        try:
            draft = build_draft(session, args.meeting_id, sort=args.sort, clock=ctx.clock)
        except DraftError as exc:
            raise CliError(str(exc)) from exc
        # The draft names who came and who sent regrets: the read is audited.
        record_read(session, "minutes.draft.read", None, ctx.clock.now(), actor=cli_actor(),
                    target=f"meeting:{args.meeting_id}")
    write_output(render_docx(draft) if args.format == "docx" else render_markdown(draft),
                 args.output)
    return 0
