"""Set-up for the concurrency tests: one group on PostgreSQL, two `python app.py` processes,
and the same action fired from many members at once (as invokes, the way Teams sends them)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from psycopg.errors import DeadlockDetected
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from domain import round as rm
from domain.names import name_key
from storage import innspill as innspill_repo
from storage import rounds
from storage.db import make_engine, session_scope
from storage.groups import add_membership, get_or_create_group
from storage.innspill_models import InnspillSession
from storage.meeting_models import Meeting, MeetingGroup, MeetingStatus, ProgrammeItem
from storage.migrate import upgrade
from storage.models import ConversationKind, ConversationRef, Member, Role
from storage.rounds import SlotDraft
from storage.scratch import fresh_postgres
from tests.harness import activity

ROOT = Path(__file__).resolve().parent.parent
ROUND_CONVERSATION = "19:round-channel@thread.tacv2"
ROUND_CARD = "1:round-card"


def aad(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def personal(i: int) -> str:
    return f"a:personal-{i}"


def seed_group(engine: Engine, service_url: str, count: int, secretariat: int = 2) -> list[int]:
    """`count` members (aad(0)…) then `secretariat` secretariat members, each with a 1:1 chat."""
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        group = get_or_create_group(db, "Faggruppe for næringssamarbeid")
        ids = []
        for i in range(count + secretariat):
            name = f"Medlem {i:03d}" if i < count else f"Sekretær {i:03d}"
            m = Member(name=name, name_key=name_key(name), organisation=f"Kommune {i % 25}",
                       aad_object_id=aad(i), teams_user_id=f"29:user-{i}",
                       role=Role.member if i < count else Role.secretariat)
            db.add(m)
            db.flush()
            add_membership(db, group, m)
            db.add(ConversationRef(conversation_id=personal(i), kind=ConversationKind.personal,
                                   service_url=service_url, member_id=m.id, installed_at=now))
            ids.append(m.id or 0)
        db.add(ConversationRef(conversation_id=ROUND_CONVERSATION, kind=ConversationKind.channel,
                               service_url=service_url, installed_at=now))
        return ids


def seed_meeting(engine: Engine) -> tuple[int, int]:
    """An invited meeting a week ahead with one programme item asking for RSVP."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    with session_scope(engine) as db:
        group = get_or_create_group(db, "Faggruppe for næringssamarbeid")
        meeting = Meeting(title="Fagsamling", place="Klækken hotel", starts_at=start,
                          ends_at=start + timedelta(hours=2), status=MeetingStatus.invited,
                          invited_at=start - timedelta(days=7))
        db.add(meeting)
        db.flush()
        db.add(MeetingGroup(meeting_id=meeting.id or 0, group_id=group.id or 0))
        item = ProgrammeItem(meeting_id=meeting.id or 0, day=date.today(), what="Felles lunsj",
                             asks_rsvp=True)
        db.add(item)
        db.flush()
        return meeting.id or 0, item.id or 0


def seed_innspill(engine: Engine, *, max_entries: int = 4, votes: int = 3) -> int:
    """An open, named innspill session for the group (one question, no interest areas)."""
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        group = get_or_create_group(db, "Faggruppe for næringssamarbeid")
        s = innspill_repo.create(db, questions_=["Hva er viktigst for regionen?"], areas_=[],
                                 now=now, group_id=group.id, max_entries=max_entries,
                                 votes_per_member=votes)
        innspill_repo.advance(s, "open", now)
        db.add(s)
        db.flush()
        return s.id or 0


def add_entries(engine: Engine, session_id: int, member_ids: list[int], each: int) -> list[int]:
    """`each` entries written by every one of these members (one transaction)."""
    now = datetime.now(UTC)
    out = []
    with session_scope(engine) as db:
        s = db.get(InnspillSession, session_id)
        assert s is not None
        for mid in member_ids:
            member = db.get(Member, mid)
            assert member is not None
            for n in range(each):
                entry, _token = innspill_repo.add_entry(db, s, member, f"Innspill {n} fra {mid}",
                                                     0, now)
                out.append(entry.id or 0)
        return out


def start_voting(engine: Engine, session_id: int) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        s = db.get(InnspillSession, session_id)
        assert s is not None
        innspill_repo.advance(s, "close", now)
        innspill_repo.advance(s, "vote", now)
        db.add(s)


def seed_round(engine: Engine, member_ids: list[int], slots: int) -> int:
    """A running round in the channel with `slots` speakers; its card is already posted."""
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        members = [db.get(Member, i) for i in member_ids[:slots]]
        drafts = [SlotDraft(m.name, None, [m]) for m in members if m is not None]
        rnd = rounds.create_round(db, group_id=None, meeting_id=None, topic="Runden",
                                  mode=rm.OrderMode.region, seconds=120, auto_advance=False,
                                  conversation_id=ROUND_CONVERSATION, drafts=drafts,
                                  by_member_id=None, now=now)
        rnd.activity_id = ROUND_CARD
        db.add(rnd)
        db.flush()
        return rnd.id or 0


def invoke_body(service_url: str, who: int, verb: str, conversation: str | None = None,
                **data: Any) -> dict[str, Any]:
    """Action.Execute from member `who`, as Teams posts it."""
    a = activity("adaptive_card_action", service_url)
    a["from"] = {"id": f"29:user-{who}", "aadObjectId": aad(who), "name": f"Bruker {who}"}
    a["conversation"] = {"conversationType": "channel" if conversation else "personal",
                         "tenantId": a["conversation"]["tenantId"],
                         "id": conversation or personal(who)}
    a["value"]["action"].update(verb=verb, data=data)
    return a


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def two_apps(db_url: str, cwd: Path) -> Iterator[list[str]]:
    """Two `python app.py` processes on one database; yields their /api/messages URLs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    ports = [_free_port(), _free_port()]
    procs = [subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=cwd,
        env={**env, "DATABASE_URL": db_url, "MicrosoftAppId": "", "PORT": str(port),
             "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    try:
        for port in ports:
            _wait_healthy(port)
        yield [f"http://127.0.0.1:{port}/api/messages" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def _wait_healthy(port: int, timeout_s: float = 60.0) -> None:
    """Until the app answers /healthz with 200 (its start-up takes a second or a few)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"app on port {port} did not start")


@contextmanager
def race_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database at head for one module's race tests, dropped afterwards."""
    with fresh_postgres(admin_url, prefix) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@contextmanager
def emptied_engine(url: str) -> Iterator[Engine]:
    """An engine on `url` with every table emptied first (one test's start)."""
    engine = make_engine(url)
    truncate_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def truncate_all(engine: Engine) -> None:
    """Empty every table (the apps keep running: they hold no state between turns)."""
    # The running apps' delivery worker and scheduler read these tables between tests:
    # TRUNCATE takes its locks table by table, so PostgreSQL may pick it as a deadlock's
    # victim (seen under pytest-xdist). The victim's transaction is rolled back whole.
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                tables = [r[0] for r in conn.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                    "AND tablename <> 'alembic_version'"))]
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as exc:
            if not isinstance(exc.orig, DeadlockDetected) or attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))


async def fire(urls: list[str], bodies: list[dict[str, Any]]) -> list[str]:
    """POST every invoke at once, alternating between the apps; each answer's text."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        async def one(i: int, body: dict[str, Any]) -> str:
            async with http.post(urls[i % len(urls)], json=body) as resp:
                assert resp.status == 200, await resp.text()
                return json.dumps((await resp.json())["value"], ensure_ascii=False)
        return list(await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies))))


def in_threads(engine: Engine, lanes: Sequence[Sequence[Callable[[Session], Any]]]) -> list[Any]:
    """One thread per lane, all released at the same moment; each call of a lane in a session
    (transaction) of its own. Every call's result, or the exception it raised, lane by lane."""
    barrier = threading.Barrier(len(lanes))
    results: list[list[Any]] = [[] for _ in lanes]

    def one(call: Callable[[Session], Any]) -> Any:
        try:
            with session_scope(engine) as db:
                return call(db)
        except Exception as exc:  # the refusal or failure is the result to check
            return exc

    def run(i: int) -> None:
        barrier.wait()
        results[i] = [one(call) for call in lanes[i]]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(lanes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for lane in results for r in lane]


def rows(engine: Engine, model: Any, *where: Any) -> list[Any]:
    with Session(engine) as db:
        found = list(db.exec(select(model).where(*where).order_by(*[
            col(c) for c in model.__table__.primary_key.columns])))
        for r in found:
            db.expunge(r)
        return found


def wait_until_blocked(engine: Engine, running: Callable[[], bool],
                       timeout_s: float = 10.0) -> bool:
    """Until another session of this database waits on a row lock (True), or `running()` turns
    False without any wait (False): the moment a test lets the lock holder commit."""
    deadline = time.monotonic() + timeout_s
    with engine.connect() as conn:
        while time.monotonic() < deadline and running():
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")).scalar()
            conn.rollback()  # a fresh snapshot of pg_stat_activity on the next look
            if waiting:
                return True
            time.sleep(0.02)
    return False


def in_thread(engine: Engine, call: Callable[[Session], Any]) -> tuple[threading.Thread, list[Any]]:
    """`call` in a session of its own on a started thread; its result (or exception) lands in
    the list once the thread has committed or failed."""
    out: list[Any] = []

    def run() -> None:
        try:
            with session_scope(engine) as db:
                result = call(db)
            out.append(result)
        except Exception as exc:  # the refusal is the result to check
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out

