"""Two starts of one send-out held at the worst moment: both have inserted their ledger rows,
neither has written the total. Run in two threads or, as `python -m tests.sendout_race URL
MEMBER_ID…`, in two processes; each step is reported as a word and waits for a go."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from delivery.sendout import notice_activity, start_sendout
from storage import delivery as ledger
from storage.db import make_engine
from storage.delivery_models import Delivery
from storage.models import Member

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = "notice:race"
_PAUSES: dict[int, Callable[[str], None]] = {}  # id(session) -> its pause
_original_insert = ledger.insert_ignore


def _pausing_insert(session: Session, model: Any, rows: Any) -> int:
    """insert_ignore, then a pause once a racing start has inserted its ledger rows."""
    added = _original_insert(session, model, rows)
    pause = _PAUSES.get(id(session))
    if model is Delivery and pause is not None:
        pause("inserted")
    return added


def install() -> None:
    """Route the send-out's inserts through the pausing wrapper (tests undo it by monkeypatch)."""
    ledger.insert_ignore = _pausing_insert  # type: ignore[assignment]


def start_paused(engine: Engine, member_ids: list[int], pause: Callable[[str], None]) -> int:
    """Start the send-out for these members, pausing «inserted» and «started» (before the
    commit); the total it committed."""
    activity = notice_activity("Melding", ["Hei"])
    with Session(engine) as db:
        _PAUSES[id(db)] = pause
        try:
            people = [m for m in (db.get(Member, i) for i in member_ids) if m is not None]
            total = start_sendout(db, "notice", SUBJECT, people, lambda _m: activity,
                                  datetime.now(UTC)).total
            pause("started")
            db.commit()
        finally:
            del _PAUSES[id(db)]
    return total


class Racer(Protocol):
    def word(self, timeout_s: float) -> str | None: ...
    def go(self) -> None: ...
    def running(self) -> bool: ...
    def finish(self) -> list[str]: ...


class ThreadRacer:
    """One start in a thread of this process."""

    def __init__(self, engine: Engine, member_ids: list[int]) -> None:
        self.words: queue.Queue[str] = queue.Queue()
        self.gos: queue.Queue[None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, args=(engine, member_ids))
        self.thread.start()

    def _pause(self, word: str) -> None:
        self.words.put(word)
        self.gos.get(timeout=60)

    def _run(self, engine: Engine, member_ids: list[int]) -> None:
        self.words.put(str(start_paused(engine, member_ids, self._pause)))

    def word(self, timeout_s: float) -> str | None:
        try:
            return self.words.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def go(self) -> None:
        self.gos.put(None)

    def running(self) -> bool:
        return self.thread.is_alive()

    def finish(self) -> list[str]:
        for _ in range(3):
            self.go()
        self.thread.join(60)
        return list(self.words.queue)


class ProcessRacer(ThreadRacer):
    """One start in a process of its own: words on its stdout, a go per line on its stdin."""

    def __init__(self, url: str, member_ids: list[int]) -> None:
        self.words = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sendout_race", url, *map(str, member_ids)],
            cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.thread = threading.Thread(target=self._read)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.words.put(line.strip())

    def go(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
        except BrokenPipeError:  # it has finished
            pass

    def running(self) -> bool:
        return self.proc.poll() is None

    def finish(self) -> list[str]:
        for _ in range(3):
            self.go()
        self.proc.wait(60)
        self.thread.join(60)
        return list(self.words.queue)


def race(first: Racer, make_second: Callable[[], Racer],
         blocked: Callable[[Callable[[], bool]], bool]) -> tuple[list[str], list[str], bool]:
    """Hold the first start after its inserts; let the second run as far as it can; then the
    first writes its total, the second writes its own while the first has not committed, and
    the first commits. Both starts' words, and whether the second ever waited on a lock."""
    assert first.word(30) == "inserted"
    second = make_second()
    # The second either inserts too (nothing holds it) or waits for the first's lock.
    got_in = second.word(3) == "inserted"
    waited = not got_in and blocked(second.running)
    first.go()
    assert first.word(30) == "started"  # the first has written its total, not committed
    if got_in:
        second.go()  # its total is written now, while the first still holds the row
        waited = blocked(second.running)
    first.go()
    return first.finish(), second.finish(), waited


def _main(url: str, member_ids: list[int]) -> None:
    install()
    engine = make_engine(url)

    def pause(word: str) -> None:
        print(word, flush=True)
        sys.stdin.readline()

    print(start_paused(engine, member_ids, pause), flush=True)
    engine.dispose()


if __name__ == "__main__":
    _main(sys.argv[1], [int(a) for a in sys.argv[2:]])
