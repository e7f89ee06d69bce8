"""`python app.py <noun> <verb>`: argparse, results on stdout, Norwegian on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from functools import cached_property

from sqlalchemy.engine import Engine

from core.clock import Clock, SystemClock
from core.i18n import t
from core.links import LinkSigner
from core.os_errors import os_error_text
from core.settings import ConfigError, Settings, load_settings


class CliError(Exception):
    """A failure the user should read: the message is Norwegian and goes to stderr."""


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


class CliContext:
    """What every command gets: settings, a migrated engine, a clock.

    `engine`, when given, is used as it is instead of opening the database from the
    settings (a test's engine, or a caller that already holds one).
    """

    def __init__(self, settings: Settings, clock: Clock | None = None,
                 engine: Engine | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._engine = engine

    @cached_property
    def engine(self) -> Engine:
        if self._engine is not None:
            return self._engine
        from storage.db import open_database

        # The CLI does not wait for a database that is down: the user is there to see it.
        return open_database(self.settings.resolved_database_url(), notify=_say)

    @cached_property
    def unmigrated_engine(self) -> Engine:
        """The database as it is, for commands that inspect or replace it (`db`, `system`)."""
        if self._engine is not None:
            return self._engine
        from storage.db import make_engine

        return make_engine(self.settings.resolved_database_url())

    @cached_property
    def links(self) -> LinkSigner:
        """The link signer from these settings, as the app builds it."""
        from services.ics import link_signer

        return link_signer(self.engine, self.settings)


Command = Callable[[argparse.Namespace, CliContext], int | None]
# cli/minutes.py adds `followups` too
NOUNS = ("members", "groups", "manifest", "cards", "notices", "queue", "meetings",
         "innspill", "export", "round", "minutes", "db", "system", "privacy", "audit",
         "regions", "nominations")


def build_parser(nouns: Sequence[str] = NOUNS) -> argparse.ArgumentParser:
    """One sub-parser per noun in `nouns`; each cli module adds its verbs in register()."""
    # Imported here, not at the top: every noun's module imports CliContext from this one.
    from cli import (
        cards,
        db,
        export,
        groups,
        innspill,
        manifest,
        meetings,
        members,
        minutes,
        nominations,
        notices,
        queue,
        regions,
        system,
    )
    from cli import privacy as privacy_noun
    from cli import round as round_noun
    from cli.common import NorwegianParser

    modules = {"members": members, "groups": groups, "manifest": manifest, "cards": cards,
               "notices": notices, "queue": queue, "meetings": meetings, "innspill": innspill,
               "export": export, "round": round_noun, "minutes": minutes, "db": db,
               "system": system, "privacy": privacy_noun, "regions": regions,
               "nominations": nominations}
    parser = NorwegianParser(prog="python app.py", description=t("cli.cli.faggruppe_bot"))
    subparsers = parser.add_subparsers(dest="noun", required=True, parser_class=NorwegianParser)
    for noun in nouns:
        if noun == "audit":
            privacy_noun.register_audit(subparsers)
        else:
            modules[noun].register(subparsers)
    return parser


def main(argv: Sequence[str], ctx: CliContext | None = None,
         nouns: Sequence[str] = NOUNS) -> int:
    """Run one command (the nouns in `nouns` only); returns the process exit code."""
    from storage.db import DatabaseStartError

    args = build_parser(nouns).parse_args(list(argv))
    try:
        ctx = ctx or CliContext(settings=load_settings())
        ctx.settings.check()
        result = args.func(args, ctx)
    except (CliError, DatabaseStartError, ConfigError) as exc:
        sys.stderr.write(f"Feil: {exc}\n")
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        sys.stderr.write(f"Feil: {os_error_text(exc)}\n")
        return 1
    code = int(result or 0)
    if code == 0 and args.noun in AUDITED_HERE and "engine" in ctx.__dict__:
        _audit(ctx, args)
    return code


# Nouns whose commands write no audit row naming the CLI user themselves (members, groups
# and privacy do); minutes and followups write what changed, this adds who.
AUDITED_HERE = ("meetings", "innspill", "round", "notices", "queue", "export", "minutes",
                "followups")


def _audit(ctx: CliContext, args: argparse.Namespace) -> None:
    """Every CLI command that touched the database leaves one audit row (`cli:<user>@<host>`)."""
    from services.privacy import record_cli_command

    verb = getattr(args, "verb", None) or getattr(args, "kind", None) or ""
    record_cli_command(ctx.engine, f"cli.{args.noun}.{verb}".rstrip("."), ctx.clock.now())
