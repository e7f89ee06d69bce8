"""Engine and sessions: SQLite (WAL, busy timeout) by default, PostgreSQL by URL."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Table, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from core.os_errors import os_error_text

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalise_url(url: str) -> str:
    """Pick the driver for a plain SQLAlchemy URL (postgresql:// means psycopg 3)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def describe_url(url: str | URL) -> str:
    """Which database, for the log: kind and location, never the password."""
    parsed = make_url(str(url)) if isinstance(url, str) else url
    if parsed.drivername.startswith("sqlite"):
        return f"SQLite {parsed.database or ':memory:'}"
    where = f"{parsed.host or 'localhost'}{f':{parsed.port}' if parsed.port else ''}"
    return f"PostgreSQL {parsed.username or ''}@{where}/{parsed.database or ''}"


def make_engine(url: str) -> Engine:
    """One engine per process; SQLite gets WAL so the CLI and the app share a file."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,  # a logged database error must not carry names or e-mails
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # Take the write lock at BEGIN: a deferred transaction that upgrades later
        # can fail with "database is locked" without waiting for the busy timeout.
        # Straight to the driver: through exec_driver_sql it cost ~7 % of an RSVP click's CPU.
        event.listen(engine, "begin",
                     lambda conn: conn.connection.driver_connection.execute("BEGIN IMMEDIATE"))
        return engine
    # A host that does not answer should fail in seconds, not after the OS's TCP timeout;
    # hide_parameters keeps names and e-mails out of logged database errors.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                         connect_args={"connect_timeout": 5}, hide_parameters=True)


def table(model: type[SQLModel]) -> Table:
    """A model's Core table: hot read paths select plain rows from it (no ORM per row)."""
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_reachable(engine: Engine) -> bool:
    """True when a trivial query succeeds (used by /healthz)."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        return False


class DatabaseStartError(Exception):
    """Why the database cannot be used at start; str() is a Norwegian sentence."""


_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")


def describe(url: str) -> str:
    """Where a URL points, for messages: host, port and database, never the password."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return f"SQLite-filen {parsed.database}"
    return (f"PostgreSQL på {parsed.host or 'localhost'}:{parsed.port or 5432}, "
            f"database «{parsed.database or ''}»")


def check_url(url: str, notify: Callable[[str], None]) -> str:
    """Refuse a URL we cannot use, and create a SQLite file's folder (said through notify)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseStartError(
            f"DATABASE_URL «{_without_password(url)}» kan ikke leses; skriv for eksempel "
            "sqlite:////sti/til/faggruppe.db eller postgresql://bruker@vert/database") from None
    if parsed.drivername not in _DRIVERS:
        raise DatabaseStartError(
            f"DATABASE_URL bruker «{parsed.drivername}», som ikke støttes; bruk sqlite:// "
            "eller postgresql://")
    database = parsed.database or ""
    if parsed.drivername.startswith("sqlite") and database and database != ":memory:":
        folder = Path(database).parent
        if not folder.exists():
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                raise DatabaseStartError(
                    f"kan ikke opprette mappen {folder} for databasen: {os_error_text(exc)}"
                ) from None
            notify(f"Opprettet mappen {folder} for databasen.")
    return url


def _without_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _connect_once(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


def open_database(url: str, *, wait_s: float = 0.0, notify: Callable[[str], None] | None = None,
                  sleep: Callable[[float], None] = time.sleep,
                  monotonic: Callable[[], float] = time.monotonic) -> Engine:
    """Every start-up check in one place: URL, folder, connection (retried), schema.

    A service waits up to `wait_s` for a database that is still starting (a container
    started at the same time); the CLI passes 0 and answers at once.
    """
    say = notify or (lambda _text: None)
    check_url(url, say)
    if url.startswith("sqlite"):
        wait_s = 0.0  # a local file does not come up later: waiting would only hide the cause
    engine = make_engine(url)
    deadline = monotonic() + wait_s
    pause = 0.25
    while True:
        try:
            _connect_once(engine)
            break
        except OperationalError as exc:
            remaining = deadline - monotonic()
            if remaining <= 0:
                engine.dispose()
                raise DatabaseStartError(_unreachable(url, exc, wait_s)) from None
            if pause == 0.25:
                say(f"Venter på databasen ({describe(url)}) i opptil {wait_s:g} sekunder …")
            sleep(min(pause, remaining))
            pause = min(pause * 2, 5.0)
    try:
        prepare_schema(engine)
    except DatabaseStartError:
        engine.dispose()
        raise
    return engine


def _unreachable(url: str, exc: OperationalError, wait_s: float) -> str:
    where = describe(url)
    waited = f" etter {wait_s:g} sekunder" if wait_s else ""
    if url.startswith("sqlite"):
        return f"kan ikke åpne {where}: ingen tilgang, eller stien er ikke en fil"
    return (f"får ikke kontakt med {where}{waited}. Kjører PostgreSQL, finnes databasen, og "
            "stemmer vert, port og bruker i DATABASE_URL?")


def prepare_schema(engine: Engine) -> None:
    """Refuse a database from a newer version of the bot; otherwise migrate it to head."""
    from storage.migrate import known_revisions, stored_revisions, upgrade

    unknown = stored_revisions(engine) - known_revisions()
    if unknown:
        raise DatabaseStartError(
            f"databasen har skjemaversjon {', '.join(sorted(unknown))}, som er nyere enn denne "
            "versjonen av Faggruppe-bot. Oppdater programmet (databasen er ikke endret).")
    upgrade(engine)
