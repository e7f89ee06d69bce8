"""`python app.py cards dump DIR`: every card as JSON, for validation and pictures;
`cards check`: the accessibility rules over every card."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli import CliContext, CliError
from core.i18n import LANGUAGES, Lang, t, use_language
from core.os_errors import os_error_text

TEAMS_LANGUAGES: tuple[Lang, ...] = ("nb", "nn", "en")  # what members read; qps is for developers


def register(nouns: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `cards` noun."""
    parser = nouns.add_parser("cards", help=t("cli.cards.adaptive_cards"))
    verbs = parser.add_subparsers(dest="verb", required=True)
    dump = verbs.add_parser("dump", help=t("cli.cards.skriv_alle_kort"))
    dump.add_argument("directory", type=Path)
    dump.add_argument("--lang", choices=list(LANGUAGES), default="nb",
                      help=t("cli.cards.sprak_nb_bokmal"))
    dump.set_defaults(func=dump_cards)
    check = verbs.add_parser("check", help=t("cli.cards.sjekk_kortreglene"))
    check.add_argument("--lang", choices=list(LANGUAGES), action="append",
                       help=t("cli.cards.sprak_alle_sprak"))
    check.set_defaults(func=check_cards)


def dump_cards(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write <name>.json for each sample card; print the paths."""
    from cards import sample_cards

    try:
        args.directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(t("cli.cards.kan_ikke_opprette_2",
                         os_error_text=os_error_text(exc))) from exc
    with use_language(args.lang):
        cards = sample_cards()
    for name, card in sorted(cards.items()):
        path = args.directory / f"{name}.json"
        path.write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
        print(path)
    return 0


def check_cards(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print language, card, rule, path and detail for each broken rule (cards/quality.py)."""
    from cards import sample_cards
    from cards.quality import card_problems

    count = 0
    langs: list[Lang] = args.lang or list(TEAMS_LANGUAGES)
    for lang in langs:
        with use_language(lang):
            cards = sample_cards()
        for name, card in sorted(cards.items()):
            for rule, where, detail in card_problems(card):
                print(f"{lang}\t{name}\t{rule}\t{where}\t{detail}")
                count += 1
    if count:
        raise CliError(t("cli.cards.kortregler_brutt", count=count))
    return 0
