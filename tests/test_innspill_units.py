"""Innspill, pure and storage level: groups, state machine, export, reminders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from domain.innspill import ExportEntry, Pick, assign, group_label, to_csv, to_markdown
from services.innspill import close_at_deadline, remind_silent
from storage import innspill as repo
from storage.delivery_models import Delivery
from storage.innspill_models import InnspillStatus
from storage.models import Member
from tests.innspill_support import populate

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_assignment_splits_by_size_and_spreads_municipalities():
    picks = [Pick(i, "Innovasjon", "Oslo kommune" if i < 4 else f"K{i}") for i in range(10)]
    placed = assign(picks, 4)
    sizes = [sum(1 for p in placed.values() if p.subgroup == g) for g in (1, 2, 3)]
    assert sorted(sizes) == [3, 3, 4]
    assert len({placed[i].subgroup for i in range(3)}) == 3, "Oslo members land apart"
    assert assign(list(reversed(picks)), 4) == placed, "deterministic, order-free"
    assert group_label(placed[0]).startswith("Innovasjon – gruppe ")
    assert group_label(assign([Pick(1, "Arealbruk", "")], 4)[1]) == "Arealbruk"


def test_state_machine_allows_reopen_and_refuses_the_rest(engine):
    with Session(engine) as db:
        s = repo.create(db, questions_=["Q"], areas_=[], now=NOW)
        with pytest.raises(repo.InnspillError, match="utkast"):
            repo.advance(s, "close", NOW)
        for event, status in [("open", "open"), ("close", "closed"), ("reopen", "open"),
                              ("close", "closed"), ("vote", "voting"), ("finish", "done")]:
            repo.advance(s, event, NOW)
            assert s.status == status
        with pytest.raises(repo.InnspillError):
            repo.advance(s, "reopen", NOW)
        db.commit()
    with Session(engine) as db:  # survives a restart: it is only the row
        assert repo.list_sessions(db)[0][0].status == InnspillStatus.done


def test_text_limits_and_merge_and_hidden(engine):
    populate(engine, 3)
    with Session(engine) as db:
        members = db.exec(select(Member).where(Member.role == "member")).all()
        s = repo.create(db, questions_=["Q"], areas_=[], now=NOW, group_id=1)
        repo.advance(s, "open", NOW)
        with pytest.raises(repo.InnspillError, match="tomt"):
            repo.add_entry(db, s, members[0], "   ", 0, NOW)
        with pytest.raises(repo.InnspillError, match="for langt .1001 tegn"):
            repo.add_entry(db, s, members[0], "x" * 1001, 0, NOW)
        a, _ = repo.add_entry(db, s, members[0], "Arbeidskraft", 0, NOW)
        b, _ = repo.add_entry(db, s, members[1], "arbeidskraft!", 0, NOW)
        repo.merge(db, s, b.id or 0, a.id or 0)
        assert [e.id for e in repo.entries(db, s)] == [a.id]
        assert len(repo.entries(db, s, visible_only=False)) == 2, "merged one is kept"
        with pytest.raises(repo.InnspillError):
            repo.merge(db, s, a.id or 0, a.id or 0)


def test_export_markdown_matches_fixture_and_csv_keeps_text_as_written():
    q = "Hvilke temaer ønsker dere på webinaret?"
    rows = [ExportEntry("", q, "Arealbruk og næringsareal", 0, "Asker - Bærum"),
            ExportEntry("", q, "Se **dette**: https://example.com @Ola", 2, "Oslo kommune")]
    expected = open("tests/fixtures/innspill_named_export.md", encoding="utf-8").read()
    assert to_markdown(f"Innspill #1: {q}", rows) == expected
    csv_text = to_csv(rows)
    assert '"Se **dette**: https://example.com @Ola",2,Oslo kommune' not in csv_text
    assert "Se **dette**: https://example.com @Ola,2,Oslo kommune" in csv_text


def test_reminder_goes_only_to_members_who_wrote_nothing(engine):
    ids = populate(engine, 5)
    with Session(engine) as db:
        s = repo.create(db, questions_=["Q"], areas_=[], now=NOW, group_id=1)
        repo.advance(s, "open", NOW)
        writer = db.get(Member, ids[0])
        assert writer is not None
        repo.add_entry(db, s, writer, "Noe", 0, NOW)
        remind_silent(db, NOW, session_id=s.id or 0)
        remind_silent(db, NOW, session_id=s.id or 0)  # idempotent through the ledger
        rows = db.exec(select(Delivery).where(Delivery.purpose == "reminder:input_deadline"))
        assert sorted(r.member_id for r in rows) == ids[1:]
        close_at_deadline(db, NOW, session_id=s.id or 0)
        assert s.status == InnspillStatus.closed


def test_submit_racing_a_close_stores_nothing(engine):
    """A submit that read the session as open before a close committed is refused in SQL."""
    populate(engine, 1)
    with Session(engine) as db:
        s = repo.create(db, questions_=["Q"], areas_=[], now=NOW, group_id=1)
        repo.advance(s, "open", NOW)
        db.commit()
        session_id = s.id
    with Session(engine) as reader:  # the submit reads the session while it is open
        stale = reader.get(repo.InnspillSession, session_id)
        assert stale is not None and stale.status == InnspillStatus.open
        reader.expunge(stale)
    with Session(engine) as closer:  # the close commits between the read and the insert
        live = closer.get(repo.InnspillSession, session_id)
        assert live is not None
        repo.transition(closer, live, "close", NOW)
        closer.commit()
    with Session(engine) as submit:
        stale = submit.merge(stale, load=False)
        assert stale.status == InnspillStatus.open, "the submit still sees it open"
        member = submit.exec(select(Member).where(Member.role == "member")).first()
        assert member is not None
        with pytest.raises(repo.InnspillError, match="du kan ikke sende inn"):
            repo.add_entry(submit, stale, member, "Arbeidskraft", 0, NOW)
        submit.commit()
    with Session(engine) as db:
        closed = db.get(repo.InnspillSession, session_id)
        assert closed is not None
        assert repo.entries(db, closed, visible_only=False) == []
        assert all(p.entries == 0 for p in db.exec(select(repo.InnspillParticipant)).all())
