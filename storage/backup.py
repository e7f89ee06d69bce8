"""SQLite backups while the app runs, restores only while it does not.

A running app holds a shared lock on `<database>.app.lock`; a restore needs it exclusively,
so it refuses while any app process uses the file (the kernel drops the lock of a process
that dies, so a crash never leaves a stale "running" mark).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy.engine import URL, Engine, make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Norwegian, for the user."""


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def _lock_path(db: Path) -> Path:
    return Path(f"{db}.app.lock")


class AppLock:
    """Held by a running app for its lifetime (shared: several app processes may hold it)."""

    def __init__(self, handle: IO[str] | None) -> None:
        self._handle = handle

    def release(self) -> None:
        """Let go (on shutdown)."""
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def hold_app_lock(engine: Engine) -> AppLock:
    """Mark the SQLite file as in use by an app (waits while a restore is running)."""
    db = sqlite_path(engine.url.render_as_string(hide_password=False))
    if db is None:
        return AppLock(None)
    handle = open(_lock_path(db), "a+")  # noqa: SIM115 - kept open for the app's lifetime
    fcntl.flock(handle, fcntl.LOCK_SH)
    return AppLock(handle)


@contextmanager
def no_app_running(db: Path) -> Iterator[None]:
    """Hold the lock exclusively for a restore; BackupError if an app has the file open."""
    with open(_lock_path(db), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"Appen kjører mot {db}. Stopp den (alle instanser) før du gjenoppretter; "
                "en sikkerhetskopi kan tas mens den kjører.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def backup_sqlite(db: Path, output: Path) -> int:
    """Copy the database with SQLite's online backup API; returns the size written.

    The copy is one consistent snapshot even while the app writes (WAL readers never block
    writers), and is left in rollback-journal mode: one self-contained file to keep.
    """
    if not db.exists():
        raise BackupError(f"Databasefilen {db} finnes ikke.")
    if output.exists():
        raise BackupError(f"{output} finnes allerede; velg et nytt filnavn (ingenting er "
                          "overskrevet).")
    output.parent.mkdir(parents=True, exist_ok=True)
    part = output.with_name(output.name + ".part")
    part.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(db, timeout=15)) as src, \
                closing(sqlite3.connect(part)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(dst, part)
    except sqlite3.Error as exc:
        part.unlink(missing_ok=True)
        raise BackupError(f"Sikkerhetskopien feilet: {exc}") from exc
    os.replace(part, output)
    return output.stat().st_size


def backup_versions(backup: Path) -> set[str]:
    """The schema versions recorded in a backup file (BackupError when it is none of ours)."""
    if not backup.is_file():
        raise BackupError(f"Filen {backup} finnes ikke.")
    try:
        with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            _check_integrity(conn, backup)
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise BackupError(f"{backup} er ingen sikkerhetskopi av Faggruppe-bot "
                              "(skjemaversjonen mangler).") from exc
        raise BackupError(f"{backup} er ikke en lesbar SQLite-database ({exc}).") from exc
    if not rows:
        raise BackupError(f"{backup} har ingen skjemaversjon.")
    return {row[0] for row in rows}


def restore_sqlite(backup: Path, db: Path, known: set[str]) -> set[str]:
    """Replace the database's content with the backup's; returns the backup's versions.

    Refuses a backup from newer code (versions this code does not know) and refuses while
    an app runs against the file. The caller migrates the result to the current schema.
    """
    versions = backup_versions(backup)
    unknown = versions - known
    if unknown:
        raise BackupError(
            f"Sikkerhetskopien har skjemaversjon {', '.join(sorted(unknown))}, som denne "
            "versjonen av boten ikke kjenner (den er tatt av nyere kode). Oppgrader boten "
            "først, og gjenopprett så.")
    db.parent.mkdir(parents=True, exist_ok=True)
    with no_app_running(db):
        try:
            with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src, \
                    closing(sqlite3.connect(db, timeout=15)) as dst:
                src.backup(dst)
        except sqlite3.Error as exc:
            raise BackupError(f"Gjenopprettingen feilet: {exc}") from exc
    return versions


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} er skadet (quick_check: {result[0] if result else '?'}).")


def _libpq_url(url: str) -> str:
    """The URL as libpq tools take it, without the password (they read PGPASSWORD)."""
    parsed = make_url(url)
    return URL.create("postgresql", username=parsed.username, host=parsed.host,
                      port=parsed.port, database=parsed.database,
                      query=parsed.query).render_as_string()


def pg_dump_command(url: str, output: str) -> str:
    """The pg_dump line for a PostgreSQL URL (the password stays out: use PGPASSWORD)."""
    return f"pg_dump --format=custom --file={output} '{_libpq_url(url)}'"


def pg_restore_command(url: str, backup: str) -> str:
    """The pg_restore line for a PostgreSQL URL (the password stays out: use PGPASSWORD)."""
    return f"pg_restore --clean --if-exists --no-owner --dbname='{_libpq_url(url)}' {backup}"
