"""`python app.py export <kind> ID`: one sub-command per feature, to stdout or --output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import CliError
from core.i18n import t
from core.os_errors import os_error_text


def register(nouns: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `export` noun with every feature's export kind."""
    # Each cli/export_<kind>.py adds its own sub-parser (a new feature's kind goes here); they
    # import write_output from this module, so they are imported when the parser is built.
    from cli import export_attendance, export_innspill, export_minutes, export_round

    parser = nouns.add_parser("export", help=t("cli.export.eksport_for_referat"))
    kinds = parser.add_subparsers(dest="kind", required=True)
    for module in (export_innspill, export_round, export_attendance, export_minutes):
        module.register(kinds)


def write_output(text: str | bytes, output: Path | None) -> None:
    """The export to stdout, or to --output FILE (the path then goes to stderr). A binary
    file (Word) goes to stdout only through a pipe, never onto a terminal."""
    if output is None and isinstance(text, bytes):
        if sys.stdout.isatty():
            raise CliError(t("cli.export.binaer_til_terminal"))
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
        return
    if output is None:
        assert isinstance(text, str)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(t("cli.export.kan_ikke_skrive_2", output=output,
                         os_error_text=os_error_text(exc))) from exc
    sys.stderr.write(f"Skrev {output}\n")
