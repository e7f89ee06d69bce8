"""The same action fired at once on PostgreSQL, by two sessions and by two app processes:
the stored result is exact (no lost update, no limit passed, one step per press)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain import round as rm
from storage import innspill as innspill_repo
from storage import rounds
from storage import rsvp as rsvp_repo
from storage.db import make_engine
from storage.delivery_models import Delivery, Sendout
from storage.innspill_models import InnspillEntry, InnspillParticipant, InnspillSession
from storage.meeting_models import ProgrammeRsvp, Rsvp
from storage.meeting_models import RsvpAnswer as Answer
from storage.models import AuditEntry, Member
from storage.round_models import RoundSlot, TalkRound
from tests import sendout_race
from tests.concurrency_support import (
    ROUND_CONVERSATION,
    add_entries,
    fire,
    in_thread,
    in_threads,
    invoke_body,
    race_database,
    rows,
    seed_group,
    seed_innspill,
    seed_meeting,
    seed_round,
    start_voting,
    truncate_all,
    two_apps,
    wait_until_blocked,
)
from tests.fakes.connector import FakeConnector
from tests.harness import TEST_LINKS

pytestmark = pytest.mark.pg
ANSWERS = ["physical", "digital", "maybe", "no"]
MEMBERS = 50  # each clicks twice at once (a double tap, or two devices): 100 clicks
EXPECTED = Counter(ANSWERS[i % 4] for i in range(MEMBERS))


@pytest.fixture(scope="module")
def race_db(pg_admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this module, at head, dropped afterwards."""
    with race_database(pg_admin_url, "faggruppe_race") as url:
        yield url


@pytest.fixture(scope="module")
def apps(race_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two `python app.py` processes on that database, started once for the module."""
    with two_apps(race_db, tmp_path_factory.mktemp("apps")) as urls:
        yield urls


@pytest.fixture
def pg(race_db: str) -> Iterator[tuple[str, Engine]]:
    """The module's database, emptied for this test."""
    engine = make_engine(race_db)
    truncate_all(engine)
    try:
        yield race_db, engine
    finally:
        engine.dispose()


# -- RSVP: 100 clicks on one invitation at once (50 members, each clicking twice) -------------

def _check_rsvp(engine: Engine, meeting_id: int, item_id: int, members: list[int]) -> None:
    stored = rows(engine, Rsvp, col(Rsvp.meeting_id) == meeting_id)
    assert len(stored) == MEMBERS and {r.member_id for r in stored} == set(members)
    assert Counter(str(r.answer) for r in stored) == EXPECTED
    lunch = rows(engine, ProgrammeRsvp, col(ProgrammeRsvp.programme_item_id) == item_id)
    assert len(lunch) == MEMBERS  # one choice per member, none lost, none doubled
    assert sum(c.attending for c in lunch) == EXPECTED["physical"] + EXPECTED["digital"]


async def test_hundred_rsvp_clicks_two_apps_store_every_answer_once(pg, apps) -> None:
    _url, engine = pg
    async with FakeConnector() as fc:
        members = seed_group(engine, fc.url, MEMBERS)[:MEMBERS]
        meeting_id, item_id = seed_meeting(engine)
        bodies = [invoke_body(fc.url, i, "rsvp.answer", meeting_id=meeting_id,
                              answer=ANSWERS[i % 4], **{f"item_{item_id}": "true"})
                  for i in range(MEMBERS) for _twice in range(2)]  # one click to each app
        answers = await fire(apps, bodies)
    assert all("Takk! Svaret ditt er registrert." in a for a in answers), answers[:3]
    _check_rsvp(engine, meeting_id, item_id, members)


def test_hundred_rsvp_clicks_two_sessions_store_every_answer_once(pg) -> None:
    _url, engine = pg
    members = seed_group(engine, "http://127.0.0.1:9", MEMBERS)[:MEMBERS]
    meeting_id, item_id = seed_meeting(engine)
    now = datetime.now(UTC)

    def click(i: int, db: Session) -> None:
        given = rsvp_repo.AnswerInput(Answer(ANSWERS[i % 4]), items={item_id: True})
        rsvp_repo.save_answer(db, meeting_id, members[i], given, now)

    # Ten sessions at once; two by two they click for the same ten members in the same order.
    lanes = [[partial(click, lane // 2 * 10 + n) for n in range(10)] for lane in range(10)]
    results = in_threads(engine, lanes)
    assert [r for r in results if r is not None] == []
    _check_rsvp(engine, meeting_id, item_id, members)


# -- Dot-votes: 12 members put all their dots (and one more) on one entry at once -------------

def _check_votes(engine: Engine, session_id: int, entry_id: int, voters: list[int]) -> None:
    entry = rows(engine, InnspillEntry, col(InnspillEntry.id) == entry_id)[0]
    assert entry.votes == 36  # 12 members × 3 dots: none lost, none over the limit
    used = {p.member_id: p.votes_used for p in rows(
        engine, InnspillParticipant, col(InnspillParticipant.session_id) == session_id)
        if p.member_id in voters}
    assert used == dict.fromkeys(voters, 3)


async def test_twelve_members_voting_two_apps_count_every_dot_and_no_more(pg, apps) -> None:
    _url, engine = pg
    async with FakeConnector() as fc:
        people = seed_group(engine, fc.url, 13)
        session_id = seed_innspill(engine, votes=3)
        entry_id = add_entries(engine, session_id, [people[12]], 1)[0]
        start_voting(engine, session_id)
        voters = list(range(12))
        bodies = [invoke_body(fc.url, i, "innspill.cast", session=session_id, entry=entry_id)
                  for i in voters for _ in range(4)]  # four presses each (two per app); limit 3
        answers = await fire(apps, bodies)
    assert sum("Stemmen er registrert." in a for a in answers) == 36
    assert sum("Du har brukt alle 3 stemmene dine." in a for a in answers) == 12
    _check_votes(engine, session_id, entry_id, people[:12])


def test_twelve_members_voting_two_sessions_count_every_dot_and_no_more(pg) -> None:
    _url, engine = pg
    people = seed_group(engine, "http://127.0.0.1:9", 13)
    session_id = seed_innspill(engine, votes=3)
    entry_id = add_entries(engine, session_id, [people[12]], 1)[0]
    start_voting(engine, session_id)

    def cast(member_id: int, db: Session) -> int:
        s, m = db.get(InnspillSession, session_id), db.get(Member, member_id)
        assert s is not None and m is not None
        return innspill_repo.vote(db, s, m, entry_id)

    # Twelve sessions at once, one per member, each pressing four times (the limit is three).
    results = in_threads(engine, [[partial(cast, people[i])] * 4 for i in range(12)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 12 and all("brukt alle 3" in str(r) for r in refused)
    _check_votes(engine, session_id, entry_id, people[:12])


# -- Entry limit: 6 members with 3 of 4 entries each send two more at once --------------------

def _check_limit(engine: Engine, session_id: int, writers: list[int]) -> None:
    written = Counter(e.author_member_id for e in rows(
        engine, InnspillEntry, col(InnspillEntry.session_id) == session_id))
    assert written == dict.fromkeys(writers, 4)
    counted = {p.member_id: p.entries for p in rows(
        engine, InnspillParticipant, col(InnspillParticipant.session_id) == session_id)}
    assert counted == dict.fromkeys(writers, 4)


async def test_six_members_at_their_entry_limit_two_apps_store_exactly_the_limit(
        pg, apps) -> None:
    _url, engine = pg
    async with FakeConnector() as fc:
        people = seed_group(engine, fc.url, 6)[:6]
        session_id = seed_innspill(engine, max_entries=4)
        add_entries(engine, session_id, people, 3)
        bodies = [invoke_body(fc.url, i, "innspill.submit", session=session_id,
                              text=f"Siste innspill {n} fra {i}", question="0")
                  for i in range(6) for n in range(2)]  # one of each member's two per app
        answers = await fire(apps, bodies)
    assert sum("Takk! Innspillet ditt er sendt inn (4 av 4)." in a for a in answers) == 6
    assert sum("Du har allerede sendt inn 4 innspill" in a for a in answers) == 6
    _check_limit(engine, session_id, people)


def test_six_members_at_their_entry_limit_two_sessions_store_exactly_the_limit(pg) -> None:
    _url, engine = pg
    people = seed_group(engine, "http://127.0.0.1:9", 6)[:6]
    session_id = seed_innspill(engine, max_entries=4)
    add_entries(engine, session_id, people, 3)
    now = datetime.now(UTC)

    def submit(member_id: int, n: int, db: Session) -> Any:
        s, m = db.get(InnspillSession, session_id), db.get(Member, member_id)
        assert s is not None and m is not None
        return innspill_repo.add_entry(db, s, m, f"Siste innspill {n}", 0, now)

    results = in_threads(engine, [[partial(submit, mid, n)] for mid in people for n in range(2)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 6 and all("allerede sendt inn 4" in str(r) for r in refused)
    _check_limit(engine, session_id, people)


# -- «Neste»: two secretariat members press it on the same card at once, five times -----------

PRESSES = 5


def _check_round(engine: Engine, round_id: int, start_step: int) -> None:
    rnd = rows(engine, TalkRound, col(TalkRound.id) == round_id)[0]
    assert rnd.step == start_step + PRESSES  # one step per pair of presses
    states = Counter(str(s.state) for s in rows(engine, RoundSlot,
                                                 col(RoundSlot.round_id) == round_id))
    assert states == {"done": PRESSES, "speaking": 1, "waiting": 8 - PRESSES - 1}
    with Session(engine) as db:
        moves = db.exec(select(AuditEntry).where(AuditEntry.action == "round.next")).all()
    assert len(moves) == PRESSES


def _step(engine: Engine, round_id: int) -> int:
    return rows(engine, TalkRound, col(TalkRound.id) == round_id)[0].step


async def test_two_secretariat_members_pressing_next_two_apps_move_one_step(
        pg, apps) -> None:
    _url, engine = pg
    async with FakeConnector() as fc:
        people = seed_group(engine, fc.url, 8, secretariat=2)
        round_id = seed_round(engine, people, 8)
        start = _step(engine, round_id)
        answers = []
        for n in range(PRESSES):  # both hold the card at the same step and press
            answers += await fire(apps, [
                invoke_body(fc.url, who, "round.next", ROUND_CONVERSATION,
                            round_id=round_id, step=start + n) for who in (8, 9)])
    assert sum("Runden var allerede flyttet videre." in a for a in answers) == PRESSES
    _check_round(engine, round_id, start)


def test_two_secretariat_members_pressing_next_two_sessions_move_one_step(pg) -> None:
    _url, engine = pg
    people = seed_group(engine, "http://127.0.0.1:9", 8, secretariat=2)
    round_id = seed_round(engine, people, 8)
    start = _step(engine, round_id)
    now = datetime.now(UTC)

    def press(step: int, db: Session) -> bool:
        _rnd, moved = rounds.move(db, round_id, step, rm.Move.next, now)
        if moved:
            from storage import audit

            audit.record(db, action="round.next", target=str(round_id))
        return moved

    for n in range(PRESSES):
        results = in_threads(engine, [[partial(press, start + n)], [partial(press, start + n)]])
        assert sorted(results) == [False, True]
    _check_round(engine, round_id, start)


# -- Meeting edits: two secretariat members change a sent meeting at the same moment ---------

def test_two_meeting_edits_at_once_two_sessions_store_both_and_tell_both(pg) -> None:
    from datetime import timedelta

    from services import meetings as meeting_changes
    from storage.meeting_models import Meeting

    _url, engine = pg
    members = seed_group(engine, "http://127.0.0.1:9", 10)[:10]
    meeting_id, _item = seed_meeting(engine)
    now = datetime.now(UTC)
    with Session(engine) as db:
        for mid in members:
            rsvp_repo.save_answer(db, meeting_id, mid, rsvp_repo.AnswerInput(Answer.physical),
                                  now)
        db.commit()
        meeting = db.get(Meeting, meeting_id)
        assert meeting is not None and meeting.starts_at is not None
        version, later = meeting.version, meeting.starts_at + timedelta(hours=1)

    results = in_threads(engine, [
        [lambda db: meeting_changes.edit(db, meeting_id, now, place="Rom 4", links=TEST_LINKS)],
        [lambda db: meeting_changes.edit(db, meeting_id, now, starts_at=later,
                                              links=TEST_LINKS)]])
    assert [r for r in results if isinstance(r, Exception)] == []
    final = rows(engine, Meeting, col(Meeting.id) == meeting_id)[0]
    assert (final.version, final.place, final.starts_at) == (version + 2, "Rom 4", later)
    sendouts = rows(engine, Sendout, col(Sendout.purpose) == meeting_changes.CHANGED)
    assert sorted(s.subject for s in sendouts) == [
        f"meeting:{meeting_id}:v{version + 1}", f"meeting:{meeting_id}:v{version + 2}"]
    last = rows(engine, Delivery, col(Delivery.subject) == f"meeting:{meeting_id}:v{version + 2}")
    assert len(last) == 10  # every yes-sayer is told of the second change too
    told = json.loads(last[0].payload)["text"]
    assert "Rom 4" in told and meeting_changes.when_text(final) in told  # and it shows both


# -- First contact: two turns at once in a chat the bot has never seen -------------------------

def test_first_two_turns_in_a_new_chat_two_sessions_store_one_reference(pg) -> None:
    from storage.conversations import RefData, upsert_ref
    from storage.models import ConversationKind, ConversationRef

    _url, engine = pg
    data = RefData("a:new-chat", ConversationKind.personal, "http://127.0.0.1:9")
    now = datetime.now(UTC)
    results = in_threads(engine, [[lambda db: upsert_ref(db, data, now)[1]]] * 2)
    assert sorted(results) == [False, True]  # stored once, welcomed once, neither failed
    assert len(rows(engine, ConversationRef)) == 1


# -- Written updates before the meeting: two of a region's members save the first one at once --

def test_first_region_update_by_two_members_at_once_two_sessions_stores_one(pg) -> None:
    from storage.models import Region
    from storage.round_models import RoundPrewrite

    _url, engine = pg
    seed_group(engine, "http://127.0.0.1:9", 2)
    meeting_id, _item = seed_meeting(engine)
    with Session(engine) as db:
        region = Region(name="Romerike")
        db.add(region)
        db.commit()
        region_id = region.id or 0
    now = datetime.now(UTC)
    texts = ["Vi har startet et nytt næringsprosjekt.", "Ny næringssjef fra januar."]
    results = in_threads(engine, [
        [partial(lambda text_, db: rounds.save_prewrite(db, meeting_id, region_id, text_, None,
                                                        now).text, text_)] for text_ in texts])
    assert sorted(results) == sorted(texts)  # both saved (the later one replaced the first)
    stored = rows(engine, RoundPrewrite)
    assert len(stored) == 1 and stored[0].text in texts


# -- Innspill: a submit racing the secretariat's close -----------------------------------------

def test_submit_racing_a_close_two_sessions_waits_and_is_refused(pg) -> None:
    """The close holds the session row; a submit that read it open waits, then is refused."""
    _url, engine = pg
    people = seed_group(engine, "http://127.0.0.1:9", 1)
    session_id = seed_innspill(engine)
    now = datetime.now(UTC)
    with Session(engine) as reader:  # the submit's turn read the session while it was open
        stale = reader.get(InnspillSession, session_id)
        assert stale is not None and stale.status == "open"
        reader.expunge(stale)

    def submit(db: Session) -> Any:
        s, m = db.merge(stale, load=False), db.get(Member, people[0])
        assert m is not None
        return innspill_repo.add_entry(db, s, m, "Arbeidskraft", 0, now)

    with Session(engine) as closer:
        live = closer.get(InnspillSession, session_id)
        assert live is not None
        innspill_repo.transition(closer, live, "close", now)  # not committed yet
        thread, out = in_thread(engine, submit)
        waited = wait_until_blocked(engine, thread.is_alive)
        closer.commit()
    thread.join(30)
    assert len(out) == 1 and isinstance(out[0], innspill_repo.InnspillError), out
    assert "du kan ikke sende inn" in str(out[0])
    assert rows(engine, InnspillEntry, col(InnspillEntry.session_id) == session_id) == []
    assert [p.entries for p in rows(engine, InnspillParticipant)] in ([], [0])
    assert waited, "the submit went on without waiting for the close"


async def test_submits_racing_a_close_two_apps_store_only_what_the_close_counted(
        pg, apps) -> None:
    """24 submits and the close at once over two apps: the close card's count is final."""
    _url, engine = pg
    async with FakeConnector() as fc:
        seed_group(engine, fc.url, 12)
        session_id = seed_innspill(engine, max_entries=4)
        bodies = [invoke_body(fc.url, i, "innspill.submit", session=session_id,
                              text=f"Innspill {n} fra {i}", question="0")
                  for n in range(2) for i in range(12)]
        bodies.insert(12, invoke_body(fc.url, 12, "innspill.close", session=session_id))
        answers = await fire(apps, bodies)
    close_answer = answers.pop(12)
    counted = re.search(r"(\d+) innspill fra \d+ deltakere", close_answer)
    assert counted is not None, close_answer
    stored = rows(engine, InnspillEntry, col(InnspillEntry.session_id) == session_id)
    accepted = sum("Takk! Innspillet ditt er sendt inn" in a for a in answers)
    refused = sum("du kan ikke sende inn" in a for a in answers)
    assert (accepted, refused) == (len(stored), 24 - len(stored))
    assert int(counted.group(1)) == len(stored)  # nothing stored after the close
    entries = sum(p.entries for p in rows(engine, InnspillParticipant,
                                          col(InnspillParticipant.session_id) == session_id))
    assert entries == len(stored)


# -- Send-out total: the same send-out started again by two instances at once ------------------

def _check_total(engine: Engine, expected: int) -> None:
    (sendout,) = rows(engine, Sendout, col(Sendout.subject) == sendout_race.SUBJECT)
    ledger = rows(engine, Delivery, col(Delivery.sendout_id) == sendout.id)
    assert (sendout.total, len(ledger)) == (expected, expected)


def _seed_sendout(engine: Engine) -> list[int]:
    """Eight members; the send-out already started for the first two and committed."""
    members = seed_group(engine, "http://127.0.0.1:9", 8)[:8]
    assert sendout_race.start_paused(engine, members[:2], lambda _word: None) == 2
    return members


def _race_adds_three_each(engine: Engine, racer: Callable[[list[int]], Any]) -> None:
    """The first start holds after its inserts while the second runs; the total is eight,
    and the second waited for the first."""
    members = _seed_sendout(engine)
    first = racer(members[2:5])
    words = sendout_race.race(first, partial(racer, members[5:8]),
                              partial(wait_until_blocked, engine))
    assert (words[0][-1], words[1][-1]) == ("5", "8")
    _check_total(engine, 8)
    assert words[2], "the second start did not wait for the first"


def test_sendout_started_again_by_two_sessions_at_once_totals_every_row(pg, monkeypatch) -> None:
    """Two sessions add three recipients each to a send-out of two, both inserting before
    either writes the total."""
    _url, engine = pg
    monkeypatch.setattr(sendout_race.ledger, "insert_ignore", sendout_race._pausing_insert)
    _race_adds_three_each(engine, partial(sendout_race.ThreadRacer, engine))


def test_sendout_started_again_by_two_processes_at_once_totals_every_row(pg) -> None:
    """The same with the two starts in two processes of their own."""
    url, engine = pg
    _race_adds_three_each(engine, partial(sendout_race.ProcessRacer, url))
