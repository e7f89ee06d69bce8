"""Two secretariat members resolving the same near match at once, on PostgreSQL: one
decision is stored, the other is refused in Norwegian and leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.members import parse_pasted
from services import members as registry
from storage.db import session_scope
from storage.members_models import CandidateStatus, MemberAlias, MemberCandidate
from storage.models import Member
from tests.concurrency_support import emptied_engine, in_threads, race_database

pytestmark = pytest.mark.pg
NOW = datetime(2023, 8, 24, 9, 0, tzinfo=UTC)
FIRST = ["Camilla", "Torstein", "Yngvar", "Bjarne", "Gunhild", "Ragnhild", "Sigurd", "Øyvind",
         "Målfrid", "Ingebjørg", "Haakon", "Jannicke", "Vibeke", "Eysten", "Liss", "Trine",
         "Dagfinn", "Solveig", "Herborg", "Kristoffer"]
PAIRS = len(FIRST)  # twenty near matches, each pressed «Samme person» and «Ny person» at once


@pytest.fixture(scope="module")
def race_db(pg_admin_url: str) -> Iterator[str]:
    with race_database(pg_admin_url, "faggruppe_members_race") as url:
        yield url


@pytest.fixture
def engine(race_db: str) -> Iterator[Engine]:
    with emptied_engine(race_db) as eng:
        yield eng


def _candidates(engine: Engine) -> list[tuple[int, int]]:
    """(candidate id, the member it resembles) for PAIRS one-letter-off spellings."""
    known = "\n".join(f"{first} Håltøm; Nedre Romerike" for first in FIRST)
    later = "\n".join(f"{first} Håltem; Lørenskog" for first in FIRST)
    with session_scope(engine) as s:
        registry.import_rows(s, parse_pasted(known), group_name="Faggruppe", now=NOW)
    with session_scope(engine) as s:
        out = registry.import_rows(s, parse_pasted(later), group_name="Faggruppe", now=NOW)
    pairs = [(o.candidate_id or 0, o.member_ids[0]) for o in out]
    assert len(pairs) == PAIRS and all(o.kind == "ambiguous" for o in out)
    return pairs


def test_two_concurrent_resolves_of_one_candidate_leave_one_result(engine: Engine) -> None:
    pairs = _candidates(engine)
    lanes = []
    for cid, mid in pairs:  # one thread per press, all released together
        lanes.append([partial(registry.resolve, candidate_id=cid, same_as=mid, now=NOW,
                              actor="a")])
        lanes.append([partial(registry.resolve, candidate_id=cid, same_as=None, now=NOW,
                              actor="b")])
    results = in_threads(engine, lanes)
    for i in range(PAIRS):
        outcomes = results[2 * i: 2 * i + 2]
        refused = [o for o in outcomes if isinstance(o, registry.RegistryError)]
        assert len(refused) == 1, outcomes
        assert "er allerede avgjort" in str(refused[0])
    with Session(engine) as s:
        by_id = {c.id: c for c in s.exec(select(MemberCandidate))}
        aliases = {a.alias_key for a in s.exec(select(MemberAlias))}
        added = {m.name for m in s.exec(select(Member).where(Member.organisation == "Lørenskog"))}
        for cid, _m in pairs:
            c = by_id[cid]
            assert c.status in (CandidateStatus.same, CandidateStatus.new)
            # Exactly the winner's side effect: an alias, or a new member, never both.
            assert (c.name_key in aliases) != (c.name in added), c.name
            assert (c.status == CandidateStatus.same) == (c.name_key in aliases)
