"""`python app.py db version|upgrade|backup|restore`: the schema version, backups, restores."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import CliContext, CliError
from cli.common import NorwegianParser
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
    noun = subparsers.add_parser("db", help="databasen: versjon, oppgradering, sikkerhetskopi")
    verbs = noun.add_subparsers(dest="verb", required=True, parser_class=NorwegianParser,
                                metavar="version|upgrade|backup|restore")
    version = verbs.add_parser("version", help="Skjemaversjonen i databasen og i koden",
                               description="Skriver «database X» og «kode Y»; endrer ingenting.")
    version.set_defaults(func=cmd_version)
    upgrade = verbs.add_parser("upgrade", help="Migrer databasen til kodens skjema",
                               description="Det samme som hver oppstart gjør; trygt å gjenta.")
    upgrade.set_defaults(func=cmd_upgrade)
    backup = verbs.add_parser(
        "backup", help="Ta sikkerhetskopi (SQLite: trygt mens appen kjører)",
        description="SQLite: en konsistent kopi med SQLites backup-API, også mens appen "
                    "skriver. PostgreSQL: skriver pg_dump-kommandoen som skal brukes.")
    backup.add_argument("--output", type=Path, default=None, metavar="FIL",
                        help="hvor kopien skrives (standard: backups/faggruppe-<tidspunkt>.db)")
    backup.set_defaults(func=cmd_backup)
    restore = verbs.add_parser(
        "restore", help="Gjenopprett fra en sikkerhetskopi (appen må være stoppet)",
        description="Erstatter hele databasen med kopien og migrerer den til kodens skjema. "
                    "Nekter mens appen kjører, og for kopier fra nyere kode.")
    restore.add_argument("file", type=Path, metavar="FIL")
    restore.add_argument("--yes", action="store_true",
                         help="bekreft at databasen skal erstattes (kreves)")
    restore.set_defaults(func=cmd_restore)


def cmd_version(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print the database's and the code's schema versions."""
    try:
        current = current_revisions(ctx.unmigrated_engine)
    except Exception as exc:  # unreachable database: a sentence, not a traceback
        raise CliError(f"Databasen svarer ikke: {type(exc).__name__}") from exc
    heads = head_revisions()
    sys.stdout.write(f"database {','.join(sorted(current)) or '-'}\n"
                     f"kode {','.join(sorted(heads))}\n")
    if current - known_revisions():
        sys.stderr.write("Databasen er nyere enn koden: oppgrader boten før den startes.\n")
    elif current != heads:
        sys.stderr.write("Databasen er eldre enn koden: neste start (eller `db upgrade`) "
                         "migrerer den.\n")
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
            raise CliError("En database i minnet kan ikke sikkerhetskopieres.")
        dump = output if args.output else output.with_suffix(".dump")
        sys.stdout.write(pg_dump_command(url, str(dump)) + "\n")
        sys.stderr.write("PostgreSQL: kjør kommandoen over (passordet i PGPASSWORD eller "
                         "~/.pgpass); den er trygg mens appen kjører.\n")
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
            raise CliError("En database i minnet kan ikke gjenopprettes.")
        sys.stdout.write(pg_restore_command(url, str(args.file)) + "\n")
        sys.stderr.write("PostgreSQL: stopp alle instanser, kjør kommandoen over, og start "
                         "appen igjen (den migrerer selv).\n")
        return 0
    if not args.yes:
        raise CliError(f"Gjenoppretting erstatter hele databasen {db}. Legg til --yes for å "
                       "bekrefte.")
    try:
        versions = restore_sqlite(args.file, db, known_revisions())
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    current = current_revisions(ctx.engine)  # migrates a backup from older code
    sys.stdout.write(f"{db}\n")
    sys.stderr.write(f"Gjenopprettet fra {args.file} (skjemaversjon "
                     f"{','.join(sorted(versions))}, nå {','.join(sorted(current))}).\n")
    return 0
