"""`python app.py export innspill SESSION_ID --format md|csv [--output FILE]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import CliContext, CliError
from cli.export import write_output
from domain.innspill import to_csv, to_markdown
from storage import innspill as repo
from storage.db import session_scope
from storage.innspill_models import InnspillSession


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `innspill` export kind."""
    parser = kinds.add_parser("innspill", help="innspill etter gruppe og tema, med stemmer")
    parser.add_argument("session_id", type=int, help="id fra `innspill list`")
    parser.add_argument("--format", choices=("md", "csv"), default="md")
    parser.add_argument("--output", type=Path, default=None, help="fil i stedet for stdout")
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Entries grouped by group and theme; text exactly as written."""
    with session_scope(ctx.engine) as db:
        s = db.get(InnspillSession, args.session_id)
        if s is None:
            raise CliError(f"fant ingen innspillsøkt med id {args.session_id}")
        rows = repo.export_entries(db, s)
        title = f"Innspill #{s.id}: {' / '.join(repo.questions(s))}"
    write_output(to_csv(rows) if args.format == "csv" else to_markdown(title, rows), args.output)
    return 0
