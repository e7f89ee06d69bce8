"""`python app.py cards dump DIR`: every card as JSON, for validation and pictures."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli import CliContext, CliError
from core.os_errors import os_error_text


def register(nouns: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `cards` noun."""
    parser = nouns.add_parser("cards", help="Adaptive Cards")
    verbs = parser.add_subparsers(dest="verb", required=True)
    dump = verbs.add_parser("dump", help="Skriv alle kort med eksempeldata som JSON")
    dump.add_argument("directory", type=Path)
    dump.set_defaults(func=dump_cards)


def dump_cards(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write <name>.json for each sample card; print the paths."""
    from cards import sample_cards

    try:
        args.directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"kan ikke opprette mappen: {os_error_text(exc)}") from exc
    for name, card in sorted(sample_cards().items()):
        path = args.directory / f"{name}.json"
        path.write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
        print(path)
    return 0
