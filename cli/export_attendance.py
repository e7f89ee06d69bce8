"""`export attendance ID --format csv|md [--items]`: the minutes' attendance list."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import CliContext, CliError
from cli.export import write_output
from services.attendance import export_text
from services.privacy import cli_actor, record_read
from storage.db import session_scope


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `export attendance`."""
    parser = kinds.add_parser("attendance", help="oppmøteliste for referatet")
    parser.add_argument("meeting_id", type=int, help="møtets id")
    parser.add_argument("--format", choices=("csv", "md"), default="md")
    parser.add_argument("--items", action="store_true", help="påmeldte per programpunkt")
    parser.add_argument("--output", type=Path, default=None, help="skriv til fil")
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write the export to stdout or --output."""
    with session_scope(ctx.engine) as session:
        text = export_text(session, args.meeting_id, args.format, args.items)
        if text is None:
            raise CliError(f"fant ikke møte {args.meeting_id}")
        # Dietary needs leave the system only here: the read is audited.
        record_read(session, "dietary.read" if args.items else "attendance.read", None,
                    ctx.clock.now(), actor=cli_actor(), target=f"meeting:{args.meeting_id}")
    write_output(text, args.output)
    return 0
