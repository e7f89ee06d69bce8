"""`python app.py export round ROUND_ID --format md [--output FILE]`: the summary by region."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import CliContext, CliError
from cli.export import write_output
from services.round import summary
from storage.db import session_scope
from storage.round_models import TalkRound


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `round` export kind."""
    parser = kinds.add_parser("round", help="runden rundt bordet, per region, som i referatet")
    parser.add_argument("round_id", type=int, help="id fra `round list`")
    parser.add_argument("--format", choices=("md",), default="md")
    parser.add_argument("--output", type=Path, default=None, help="fil i stedet for stdout")
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """The same Markdown the bot posts when the round ends."""
    with session_scope(ctx.engine) as session:
        rnd = session.get(TalkRound, args.round_id)
        if rnd is None:
            raise CliError(f"fant ingen runde med id {args.round_id}")
        text = summary(session, rnd)
    write_output(text, args.output)
    return 0
