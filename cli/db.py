"""`python app.py db version|upgrade|backup|restore`: the schema version, backups, restores."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import CliContext, CliError
from cli.common import NorwegianParser
from core.i18n import t
from storage.backup import (
    BackupError,
    backup_sqlite,
    pg_dump_command,
    pg_restore_command,
    restore_sqlite,
    sqlite_path,
)
from storage.migrate import current_revisions, head_revisions, known_revisions


def register(subparsers: Any) -> None:
    """Add the `db` verbs to the top-level parser."""
    noun = subparsers.add_parser("db", help=t("cli.db.databasen_versjon_oppgradering"))
    verbs = noun.add_subparsers(dest="verb", required=True, parser_class=NorwegianParser,
                                metavar="version|upgrade|backup|restore")
    version = verbs.add_parser("version", help=t("cli.db.skjemaversjonen_databasen_og"),
                               description=t("cli.db.skriver_database_og"))
    version.set_defaults(func=cmd_version)
    upgrade = verbs.add_parser("upgrade", help=t("cli.db.migrer_databasen_til"),
                               description=t("cli.db.det_samme_som"))
    upgrade.set_defaults(func=cmd_upgrade)
    backup = verbs.add_parser(
        "backup", help=t("cli.db.ta_sikkerhetskopi_sqlite"),
        description=t("cli.db.sqlite_en_konsistent"))
    backup.add_argument("--output", type=Path, default=None, metavar="FIL",
                        help=t("cli.db.hvor_kopien_skrives"))
    backup.set_defaults(func=cmd_backup)
    restore = verbs.add_parser(
        "restore", help=t("cli.db.gjenopprett_fra_en"),
        description=t("cli.db.erstatter_hele_databasen"))
    restore.add_argument("file", type=Path, metavar="FIL")
    restore.add_argument("--yes", action="store_true",
                         help=t("cli.db.bekreft_at_databasen"))
    restore.set_defaults(func=cmd_restore)


def cmd_version(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print the database's and the code's schema versions."""
    try:
        current = current_revisions(ctx.unmigrated_engine)
    except Exception as exc:  # unreachable database: a sentence, not a traceback
        raise CliError(t("cli.db.databasen_svarer_ikke", __name__=type(exc).__name__)) from exc
    heads = head_revisions()
    sys.stdout.write(f"database {','.join(sorted(current)) or '-'}\n"
                     f"kode {','.join(sorted(heads))}\n")
    if current - known_revisions():
        sys.stderr.write(t("cli.db.databasen_er_nyere"))
    elif current != heads:
        sys.stderr.write(t("cli.db.databasen_er_eldre"))
    return 0


def cmd_upgrade(args: argparse.Namespace, ctx: CliContext) -> int:
    """Migrate to the code's schema (what every start does)."""
    current = current_revisions(ctx.engine)  # ctx.engine migrates on first use
    sys.stdout.write(f"database {','.join(sorted(current))}\n")
    return 0


def cmd_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    """SQLite: write a consistent copy and print its path. PostgreSQL: print pg_dump's line."""
    url = ctx.settings.resolved_database_url()
    stamp = ctx.clock.now().strftime("%Y%m%d-%H%M%S")
    output: Path = args.output or Path("backups") / f"faggruppe-{stamp}.db"
    db = sqlite_path(url)
    if db is None:
        if url.startswith("sqlite"):
            raise CliError(t("cli.db.en_database_minnet"))
        dump = output if args.output else output.with_suffix(".dump")
        sys.stdout.write(pg_dump_command(url, str(dump)) + "\n")
        sys.stderr.write(t("cli.db.postgresql_kjor_kommandoen"))
        return 0
    try:
        size = backup_sqlite(db, output)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    sys.stdout.write(f"{output}\n")
    sys.stderr.write(f"Sikkerhetskopi skrevet: {size:,} byte.\n".replace(",", " "))
    return 0


def cmd_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    """Replace the database with a backup (never while the app runs), then migrate it."""
    url = ctx.settings.resolved_database_url()
    db = sqlite_path(url)
    if db is None:
        if url.startswith("sqlite"):
            raise CliError(t("cli.db.en_database_minnet_2"))
        sys.stdout.write(pg_restore_command(url, str(args.file)) + "\n")
        sys.stderr.write(t("cli.db.postgresql_stopp_alle"))
        return 0
    if not args.yes:
        raise CliError(t("cli.db.gjenoppretting_erstatter_hele", db=db))
    try:
        versions = restore_sqlite(args.file, db, known_revisions())
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    current = current_revisions(ctx.engine)  # migrates a backup from older code
    sys.stdout.write(f"{db}\n")
    sys.stderr.write(t("cli.db.gjenopprettet_fra_skjemaversjon", file=args.file,
                       sorted=','.join(sorted(versions)), sorted2=','.join(sorted(current))))
    return 0
