"""Two secretariat members deciding the same nomination at once, and two members nominating
the same person at once, on PostgreSQL: one wins, the other is told what was decided."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.names import name_key
from domain.nominations import NominationSource, NominationStatus, check_nominee
from services import nominations as service
from storage.db import session_scope
from storage.groups import add_membership, get_or_create_group
from storage.models import AuditEntry, Member, Membership, Role
from storage.nomination_models import Nomination
from storage.regions import seed_regions
from tests.concurrency_support import emptied_engine, in_threads, race_database

pytestmark = pytest.mark.pg
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PAIRS = 20


@pytest.fixture(scope="module")
def race_db(pg_admin_url: str) -> Iterator[str]:
    with race_database(pg_admin_url, "faggruppe_nominations_race") as url:
        yield url


@pytest.fixture
def engine(race_db: str) -> Iterator[Engine]:
    with emptied_engine(race_db) as eng:
        yield eng


def _group(engine: Engine) -> int:
    with session_scope(engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        # Regions exist before the race: storage/regions.py creates a missing one with a plain
        # get-or-create, which two first members of one organisation at once would collide on.
        seed_regions(s)
        sec = Member(name="Sara Sekretær", name_key=name_key("Sara Sekretær"),
                     role=Role.secretariat)
        s.add(sec)
        s.flush()
        add_membership(s, group, sec)
        return group.id or 0


def _fields(i: int):  # type: ignore[no-untyped-def]
    fields, _errors = check_nominee(f"Person Nummer{i}", f"person{i}@asker.kommune.no", "Asker")
    assert fields is not None
    return fields


def _nominations(engine: Engine, group_id: int) -> list[int]:
    ids = []
    for i in range(PAIRS):
        with session_scope(engine) as s:
            ids.append(service.submit(s, group_id, _fields(i), now=NOW,
                                      source=NominationSource.cli, nominator=None,
                                      entered_by="cli:test@host").id or 0)
    return ids


def test_two_approvers_at_once_add_one_member_and_the_other_is_told_it_was_decided(
        engine: Engine) -> None:
    ids = _nominations(engine, _group(engine))
    lanes = []
    for nid in ids:
        for who in ("a", "b"):
            lanes.append([partial(service.approve, nomination_id=nid, now=NOW,
                                  by_member_id=None, by=f"cli:{who}@host")])
    results = in_threads(engine, lanes)
    for i in range(PAIRS):
        outcomes = results[2 * i: 2 * i + 2]
        refused = [o for o in outcomes if isinstance(o, service.NominationError)]
        won = [o for o in outcomes if isinstance(o, service.Approved)]
        assert len(refused) == 1 and len(won) == 1, outcomes
        assert "er allerede avgjort: Godkjent av cli:" in str(refused[0])
    with Session(engine) as s:
        assert {n.status for n in s.exec(select(Nomination))} == {NominationStatus.approved}
        people = s.exec(select(Member).where(Member.organisation == "Asker")).all()
        assert len(people) == PAIRS  # one member per nomination, never two
        assert len(s.exec(select(Membership)).all()) == PAIRS + 1
        approvals = s.exec(select(AuditEntry).where(
            AuditEntry.action == "nominations.approve")).all()
        assert len(approvals) == PAIRS


def test_approve_and_reject_at_once_leave_one_decision(engine: Engine) -> None:
    ids = _nominations(engine, _group(engine))
    lanes: list[list[Callable[[Session], Any]]] = []
    for nid in ids:
        lanes.append([partial(service.approve, nomination_id=nid, now=NOW, by_member_id=None,
                              by="cli:a@host")])
        lanes.append([partial(service.reject, nomination_id=nid, reason="Nei takk.", now=NOW,
                              by_member_id=None, by="cli:b@host")])
    results = in_threads(engine, lanes)
    with Session(engine) as s:
        rows = {n.id: n for n in s.exec(select(Nomination))}
        members = {m.email for m in s.exec(select(Member).where(Member.organisation == "Asker"))}
    for i, nid in enumerate(ids):
        approved, rejected = results[2 * i: 2 * i + 2]
        n = rows[nid]
        if n.status == NominationStatus.approved:
            assert isinstance(approved, service.Approved)
            assert isinstance(rejected, service.NominationError) and n.reason == ""
            assert n.email in members
        else:
            assert n.status == NominationStatus.rejected and n.reason == "Nei takk."
            assert isinstance(approved, service.NominationError)
            assert n.email not in members


def test_two_members_nominating_one_person_at_once_store_one_nomination(
        engine: Engine) -> None:
    group_id = _group(engine)
    lanes = [[partial(service.submit, group_id=group_id, fields=_fields(i), now=NOW,
                      source=NominationSource.teams, nominator=None, entered_by="teams")]
             for i in range(PAIRS) for _twice in range(2)]
    results = in_threads(engine, lanes)
    for i in range(PAIRS):
        outcomes = results[2 * i: 2 * i + 2]
        refused = [o for o in outcomes if isinstance(o, service.NominationError)]
        assert len(refused) == 1, outcomes
        assert "er allerede nominert til Faggruppe for næringssamarbeid: nominasjon" \
            in str(refused[0])
    with Session(engine) as s:
        assert len(s.exec(select(Nomination)).all()) == PAIRS
