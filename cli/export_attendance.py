"""`export attendance ID --format csv|md [--items]`: the minutes' attendance list."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import CliContext, CliError
from cli.export import write_output
from core.i18n import t
from services.attendance import export_text
from services.privacy import cli_actor, record_read
from storage.db import session_scope


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `export attendance`."""
    parser = kinds.add_parser("attendance",
                              help=t("cli.export_attendance.oppmoteliste_for_referatet"))
    parser.add_argument("meeting_id", type=int, help=t("cli.export_attendance.motets_id"))
    parser.add_argument("--format", choices=("csv", "md"), default="md")
    parser.add_argument("--items", action="store_true",
                        help=t("cli.export_attendance.pameldte_per_programpunkt"))
    parser.add_argument("--output", type=Path, default=None,
                        help=t("cli.export_attendance.skriv_til_fil"))
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write the export to stdout or --output."""
    with session_scope(ctx.engine) as session:
        text = export_text(session, args.meeting_id, args.format, args.items)
        if text is None:
            raise CliError(t("meetings.service.fant_ikke_mote", meeting_id=args.meeting_id))
        # Dietary needs leave the system only here: the read is audited.
        record_read(session, "dietary.read" if args.items else "attendance.read", None,
                    ctx.clock.now(), actor=cli_actor(), target=f"meeting:{args.meeting_id}")
    write_output(text, args.output)
    return 0
