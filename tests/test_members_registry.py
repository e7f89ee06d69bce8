"""The member registry: near matches as candidates, resolving them, adding, editing and
merging one person (services/members.py, storage/merge.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from delivery.sendout import enqueue
from domain.members import FieldError, parse_email, parse_members, parse_pasted, parse_phone
from domain.names import name_key
from scheduler.store import schedule
from services import members as registry
from services.members import MemberFields, RegistryError
from storage.attendance import check_in
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.meeting_models import Attendance, Meeting, Rsvp, RsvpAnswer
from storage.members_models import CandidateStatus, MemberAlias, MemberCandidate
from storage.models import (
    AuditEntry,
    ConversationKind,
    ConversationRef,
    Member,
    Membership,
    WorkingGroup,
)
from storage.privacy import erase

FIXTURES = Path(__file__).parent / "fixtures"
SEED000 = FIXTURES / "seed000_invitees.tsv"
SEED003 = FIXTURES / "seed003_attendance.tsv"
NOW = datetime(2023, 8, 24, 9, 0, tzinfo=UTC)
ACTOR = "cli:test@host"


def _import(engine: Engine, path: Path) -> list[registry.RowOutcome]:
    rows, _ = parse_members(path.read_text(encoding="utf-8"))
    with session_scope(engine) as s:
        return registry.import_rows(s, rows, group_name=None, now=NOW, source=path.name)


def _by_name(outcomes: list[registry.RowOutcome]) -> dict[str, registry.RowOutcome]:
    return {o.row.name: o for o in outcomes}


def _member(s: Session, name: str) -> Member:
    return s.exec(select(Member).where(Member.name_key == name_key(name))).one()


# -- pure ------------------------------------------------------------------------------

def test_phone_numbers_are_normalised_norwegian_or_international() -> None:
    assert parse_phone("912 34 567") == "+4791234567"
    assert parse_phone("+47 912-34-567") == "+4791234567"
    assert parse_phone("0046 70 123 45 67") == "+46701234567"
    for bad in ("12", "telefon", "+47 12", "9123 4567 8"):
        with pytest.raises(FieldError, match="er ikke et telefonnummer"):
            parse_phone(bad)


def test_an_email_that_is_not_an_address_is_refused_in_norwegian() -> None:
    assert parse_email(" anne@asker.kommune.no ") == "anne@asker.kommune.no"
    with pytest.raises(FieldError, match="«anne.asker.kommune.no» er ikke en e-postadresse"):
        parse_email("anne.asker.kommune.no")


def test_pasted_chat_lines_give_name_organisation_and_optional_email() -> None:
    rows = parse_pasted("Anne Feltman; Asker - Bærum; anne@asker.kommune.no\n"
                        "Camilla Håltem, Lørenskog\n\nEva Snare\tKongsvingerregionen")
    assert [(r.name, r.organisation, r.email) for r in rows] == [
        ("Anne Feltman", "Asker - Bærum", "anne@asker.kommune.no"),
        ("Camilla Håltem", "Lørenskog", None), ("Eva Snare", "Kongsvingerregionen", None)]


# -- candidates from an import ---------------------------------------------------------

def test_seed003_near_matches_become_candidates_and_every_other_row_is_imported(
        engine: Engine) -> None:
    _import(engine, SEED000)
    out = _by_name(_import(engine, SEED003))
    with Session(engine) as s:
        candidates = {c.name: c for c in s.exec(select(MemberCandidate))}
        assert {"Camilla Håltem", "Maria Hermansdatter Hoff"} <= set(candidates)
        camilla = candidates["Camilla Håltem"]
        assert out["Camilla Håltem"].candidate_id == camilla.id
        assert json.loads(camilla.similar_ids) == [_member(s, "Camilla Håltøm").id]
        assert (camilla.organisation, camilla.source, camilla.status) == (
            "Lørenskog", "seed003_attendance.tsv", CandidateStatus.open)
        assert json.loads(candidates["Maria Hermansdatter Hoff"].similar_ids) == [
            _member(s, "Maria Hoff").id]
        # Everything else went in: new people added, known ones updated.
        assert _member(s, "Eva Snare").organisation == "Kongsvingerregionen"
        assert _member(s, "Trond Arne Ingvoldstad").organisation == "Modum"
        assert not s.exec(select(Member).where(Member.name == "Camilla Håltem")).all()


def test_word_order_variants_match_directly_and_are_never_candidates(engine: Engine) -> None:
    _import(engine, SEED000)
    out = _by_name(_import(engine, SEED003))
    with Session(engine) as s:
        for written, stored in (("Hasvold Helge Bollæren", "Helge Bollæren Hasvold"),
                                ("Gyüre-Szamosi Anna", "Anna Gyüre-Szamosi")):
            assert out[written].kind in ("updated", "unchanged")
            assert out[written].member_ids == [_member(s, stored).id]
        names = {c.name for c in s.exec(select(MemberCandidate))}
    assert not names & {"Hasvold Helge Bollæren", "Gyüre-Szamosi Anna"}


def test_an_unresolved_candidate_is_reused_by_a_reimport_not_duplicated(engine: Engine) -> None:
    _import(engine, SEED000)
    first = _by_name(_import(engine, SEED003))["Camilla Håltem"].candidate_id
    again = _by_name(_import(engine, SEED003))["Camilla Håltem"].candidate_id
    assert first == again
    with Session(engine) as s:
        assert len(s.exec(select(MemberCandidate).where(
            MemberCandidate.name == "Camilla Håltem")).all()) == 1


def _candidate(engine: Engine, name: str) -> int:
    with Session(engine) as s:
        return s.exec(select(MemberCandidate.id).where(MemberCandidate.name == name)).one() or 0


def test_same_as_applies_the_row_keeps_the_spelling_and_a_reimport_asks_nothing(
        engine: Engine) -> None:
    _import(engine, SEED000)
    _import(engine, SEED003)
    cid = _candidate(engine, "Camilla Håltem")
    with session_scope(engine) as s:
        camilla = _member(s, "Camilla Håltøm").id
        registry.resolve(s, cid, same_as=camilla, now=NOW, actor=ACTOR)
    with Session(engine) as s:
        kept = s.get(Member, camilla)
        assert kept is not None and (kept.name, kept.organisation) == ("Camilla Håltøm",
                                                                      "Lørenskog")
        assert [a.name for a in s.exec(select(MemberAlias))] == ["Camilla Håltem"]
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "member.resolve")).one()
        assert entry.detail == f"actor={ACTOR} same member={camilla}"
    again = _by_name(_import(engine, SEED003))["Camilla Håltem"]
    assert (again.kind, again.member_ids) == ("unchanged", [camilla])


def test_new_adds_a_distinct_member_and_a_reimport_asks_nothing(engine: Engine) -> None:
    _import(engine, SEED000)
    _import(engine, SEED003)
    cid = _candidate(engine, "Maria Hermansdatter Hoff")
    with session_scope(engine) as s:
        maria = registry.resolve(s, cid, same_as=None, now=NOW, actor=ACTOR).id
    with Session(engine) as s:
        new = s.get(Member, maria)
        assert new is not None and new.name == "Maria Hermansdatter Hoff"
        assert new.id != _member(s, "Maria Hoff").id
        assert s.get(Membership, (1, maria)) is not None
    again = _by_name(_import(engine, SEED003))["Maria Hermansdatter Hoff"]
    assert (again.kind, again.member_ids) == ("unchanged", [maria])


def test_a_candidate_already_resolved_is_refused_and_nothing_changes(engine: Engine) -> None:
    _import(engine, SEED000)
    _import(engine, SEED003)
    cid = _candidate(engine, "Camilla Håltem")
    with session_scope(engine) as s:
        registry.resolve(s, cid, same_as=None, now=NOW, actor=ACTOR)
    with Session(engine) as s:
        count = len(s.exec(select(Member)).all())
        camilla = _member(s, "Camilla Håltøm").id
    with pytest.raises(RegistryError, match=f"Kandidat {cid} er allerede avgjort: lagt til"):
        with session_scope(engine) as s:
            registry.resolve(s, cid, same_as=camilla, now=NOW, actor=ACTOR)
    with Session(engine) as s:
        assert len(s.exec(select(Member)).all()) == count
        assert s.exec(select(MemberAlias)).all() == []
        assert s.get(MemberCandidate, cid).status == CandidateStatus.new  # type: ignore[union-attr]


# -- one person ------------------------------------------------------------------------

def test_add_and_edit_validate_and_audit_field_names_only(engine: Engine) -> None:
    _import(engine, SEED000)
    with session_scope(engine) as s:
        wg = s.exec(select(WorkingGroup)).one()
        per = registry.add_member(s, MemberFields(name="Per Hansen", organisation="Asker",
                                                  email="per@asker.kommune.no",
                                                  phone="912 34 567"),
                                  group=wg, role=None, now=NOW, actor=ACTOR)
        per_id = per.id
        with pytest.raises(RegistryError, match="tilhører allerede et annet medlem"):
            registry.add_member(s, MemberFields(name="Per To", organisation="Asker",
                                                email="PER@asker.kommune.no"),
                                group=wg, role=None, now=NOW, actor=ACTOR)
        changed = registry.edit_member(s, per, MemberFields(phone="+46 70 123 45 67", email=""),
                                       now=NOW, actor=ACTOR)
        assert changed == ["email", "phone"]
    with Session(engine) as s:
        stored = s.get(Member, per_id)
        assert stored is not None and (stored.phone, stored.email) == ("+46701234567", None)
        edit = s.exec(select(AuditEntry).where(AuditEntry.action == "member.edit")).one()
        assert edit.detail == f"actor={ACTOR} fields=email,phone"  # never the values
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "member.add")).one()


# -- merging ---------------------------------------------------------------------------

def _two_who_answered(engine: Engine) -> tuple[int, int, int, int]:
    """Camilla twice (the duplicate added by hand), both answered and attended meeting 1;
    the duplicate also attended meeting 2. (meeting 1, meeting 2, fra, til)"""
    _import(engine, SEED000)
    with session_scope(engine) as s:
        til = _member(s, "Camilla Håltøm")
        fra = Member(name="Camilla Håltem", name_key=name_key("Camilla Håltem"),
                     organisation="Lørenskog", email="camilla@lorenskog.kommune.no",
                     aad_object_id="aad-fra", phone="+4791234567")
        m1, m2 = Meeting(title="Faggruppemøte mai"), Meeting(title="Faggruppemøte juni")
        s.add_all([fra, m1, m2])
        s.flush()
        s.add(Rsvp(meeting_id=m1.id or 0, member_id=til.id or 0, answer=RsvpAnswer.no,
                   answered_at=NOW))
        s.add(Rsvp(meeting_id=m1.id or 0, member_id=fra.id or 0, answer=RsvpAnswer.physical,
                   answered_at=NOW + timedelta(hours=1)))
        check_in(s, m1.id or 0, til, NOW + timedelta(days=1))
        check_in(s, m1.id or 0, fra, NOW + timedelta(days=1, minutes=5), source="event")
        check_in(s, m2.id or 0, fra, NOW + timedelta(days=30))
        enqueue(s, "invitation", f"meeting:{m1.id}", til.id or 0, {"text": "til"}, NOW)
        enqueue(s, "invitation", f"meeting:{m1.id}", fra.id or 0, {"text": "fra"}, NOW)
        enqueue(s, "invitation", f"meeting:{m2.id}", fra.id or 0, {"text": "fra2"}, NOW)
        schedule(s, "followup_reminder", "x", {"member_id": fra.id, "meeting_id": fra.id},
                 NOW + timedelta(days=2), NOW + timedelta(days=3), NOW)
        s.add(ConversationRef(conversation_id="a:fra", kind=ConversationKind.personal, service_url="http://x",
                              member_id=fra.id))
        return m1.id or 0, m2.id or 0, fra.id or 0, til.id or 0


def test_merge_of_two_who_answered_one_meeting_keeps_the_newer_answer_and_all_attendance(
        engine: Engine) -> None:
    m1, m2, fra, til = _two_who_answered(engine)
    with session_scope(engine) as s:
        registry.merge_members(s, fra, til, two_accounts_ok=False, now=NOW, actor=ACTOR)
    with Session(engine) as s:
        (answer,) = s.exec(select(Rsvp).where(Rsvp.meeting_id == m1)).all()
        assert (answer.member_id, answer.answer) == (til, RsvpAnswer.physical)  # the newer
        attended = {a.meeting_id: a for a in s.exec(select(Attendance))}
        assert set(attended) == {m1, m2} and {a.member_id for a in attended.values()} == {til}
        # Kept once, the earlier check-in (the kept member's, though the duplicate's is newer).
        assert (attended[m1].checked_in_at, attended[m1].source) == (NOW + timedelta(days=1),
                                                                     "checkin")


def test_merge_leaves_clashing_ledger_rows_on_the_duplicate_as_history(engine: Engine) -> None:
    m1, m2, fra, til = _two_who_answered(engine)
    with session_scope(engine) as s:
        result = registry.merge_members(s, fra, til, two_accounts_ok=False, now=NOW,
                                        actor=ACTOR)
    assert result.kept == 1
    with Session(engine) as s:
        ledger = {(d.subject, d.member_id): d for d in s.exec(select(Delivery))}
        assert len(ledger) == 3
        assert ledger[(f"meeting:{m1}", fra)].status == "cancelled"  # never sent twice
        assert ledger[(f"meeting:{m1}", til)].status == "pending"
        assert (f"meeting:{m2}", til) in ledger


def test_merge_moves_every_walker_reference_and_keeps_the_duplicate_inactive(
        engine: Engine) -> None:
    _m1, _m2, fra, til = _two_who_answered(engine)
    with session_scope(engine) as s:
        registry.merge_members(s, fra, til, two_accounts_ok=False, now=NOW, actor=ACTOR)
    with Session(engine) as s:
        kept, stub = s.get(Member, til), s.get(Member, fra)
        assert kept is not None and stub is not None
        assert (kept.email, kept.phone, kept.aad_object_id) == (
            "camilla@lorenskog.kommune.no", "+4791234567", "aad-fra")
        assert (stub.merged_into_id, stub.active, stub.name_key, stub.aad_object_id) == (
            til, False, "", None)
        assert s.exec(select(ConversationRef.member_id).where(
            ConversationRef.conversation_id == "a:fra")).one() == til
        job = s.exec(select(ScheduledJob).where(ScheduledJob.key == "x")).one()
        assert json.loads(job.args) == {"member_id": til, "meeting_id": fra}  # ids by key
        assert [a.name for a in s.exec(select(MemberAlias).where(
            MemberAlias.member_id == til))] == ["Camilla Håltem"]
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "member.merge")).one()
        assert entry.target == f"member:{fra}" and f"into={til}" in entry.detail
    # The duplicate's spelling now finds the one kept.
    rows = parse_pasted("Camilla Håltem; Lørenskog")
    with session_scope(engine) as s:
        (out,) = registry.import_rows(s, rows, group_name=None, now=NOW)
    assert out.member_ids == [til]


def test_merge_refuses_two_entra_accounts_naming_both_unless_confirmed(engine: Engine) -> None:
    _m1, _m2, fra, til = _two_who_answered(engine)
    with session_scope(engine) as s:
        s.get(Member, til).aad_object_id = "aad-til"  # type: ignore[union-attr]
    with pytest.raises(RegistryError) as refused:
        with session_scope(engine) as s:
            registry.merge_members(s, fra, til, two_accounts_ok=False, now=NOW, actor=ACTOR)
    assert "aad-fra" in str(refused.value) and "aad-til" in str(refused.value)
    assert "Camilla Håltem" in str(refused.value) and "Camilla Håltøm" in str(refused.value)
    with Session(engine) as s:
        assert s.get(Member, fra).merged_into_id is None  # type: ignore[union-attr]
        assert len(s.exec(select(Rsvp)).all()) == 2
    with session_scope(engine) as s:
        registry.merge_members(s, fra, til, two_accounts_ok=True, now=NOW, actor=ACTOR)
    with Session(engine) as s:
        stub = s.get(Member, fra)
        assert stub is not None and stub.aad_object_id == "aad-fra"  # the second account
        assert "two_accounts" in s.exec(select(AuditEntry.detail).where(
            AuditEntry.action == "member.merge")).one()


def test_merge_with_itself_or_an_unknown_or_merged_member_is_refused(engine: Engine) -> None:
    _m1, _m2, fra, til = _two_who_answered(engine)
    with session_scope(engine) as s:
        with pytest.raises(RegistryError, match="med seg selv"):
            registry.merge_members(s, til, til, two_accounts_ok=True, now=NOW, actor=ACTOR)
        with pytest.raises(RegistryError, match="Fant ikke noe medlem med id 9999"):
            registry.merge_members(s, 9999, til, two_accounts_ok=True, now=NOW, actor=ACTOR)
        registry.merge_members(s, fra, til, two_accounts_ok=True, now=NOW, actor=ACTOR)
        with pytest.raises(RegistryError, match="allerede slått sammen"):
            registry.merge_members(s, fra, til, two_accounts_ok=True, now=NOW, actor=ACTOR)


def test_erasing_the_kept_member_erases_the_merged_duplicate_and_the_aliases(
        engine: Engine) -> None:
    _m1, _m2, fra, til = _two_who_answered(engine)
    with session_scope(engine) as s:
        registry.merge_members(s, fra, til, two_accounts_ok=False, now=NOW, actor=ACTOR)
    with session_scope(engine) as s:
        erase(s, til, NOW)
    with Session(engine) as s:
        stub = s.get(Member, fra)
        assert stub is not None and stub.name == f"Slettet medlem #{fra}"
        assert s.exec(select(MemberAlias)).all() == []
        assert all("Håltem" not in (a.name or "") for a in s.exec(select(Attendance)))


def test_a_row_with_an_email_matched_through_an_alias_never_renames_the_member(
        engine: Engine) -> None:
    _import(engine, SEED000)
    csv = "name,organisation,email\nCamilla Håltem,Lørenskog,camilla.haltom@lorenskog.kommune.no\n"
    rows, _ = parse_members(csv)
    with session_scope(engine) as s:
        (out,) = registry.import_rows(s, rows, group_name=None, now=NOW)
    with session_scope(engine) as s:
        camilla = _member(s, "Camilla Håltøm").id
        registry.resolve(s, out.candidate_id or 0, same_as=camilla, now=NOW, actor=ACTOR)
    with session_scope(engine) as s:
        (again,) = registry.import_rows(s, rows, group_name=None, now=NOW)
    with Session(engine) as s:
        kept = s.get(Member, camilla)
        assert kept is not None and again.member_ids == [camilla]
        assert (kept.name, kept.email) == ("Camilla Håltøm",
                                           "camilla.haltom@lorenskog.kommune.no")
