"""Erasure end to end: a member answers, writes innspill and a round update, erases themselves
over HTTP; then no string column of any table (found from the metadata) holds anything of theirs."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from delivery.sendout import enqueue
from services.attendance import export_text
from storage import audit
from storage.attendance import check_in
from storage.db import session_scope
from storage.innspill_models import InnspillEntry, InnspillSession
from storage.meeting_models import Attendance, MeetingStatus, Rsvp
from storage.models import AuditEntry, ConversationRef, Member
from storage.privacy import member_references, string_columns
from storage.privacy_models import ErasedMember
from storage.round_models import RoundSlot, TalkRound
from tests.harness import TEAM_ID, TENANT, activity, card_of, card_text
from tests.test_e2e_meetings import answer
from tests.test_rsvp_support import aad, seed_meeting, seed_members

BEFORE = datetime(2023, 8, 21, 8, 0, tzinfo=UTC)
VICTIM, OTHER = 3, 4
COMMENT = "Kommer med toget fra Hønefoss kl sju"
DIETARY = "Allergisk mot sesamfrø og kiwi"
ENTRY = "Felles bestilling av brøytetjenester på tvers av kommunegrensene"
UPDATE = "Ringerike har ansatt ny næringssjef i oktober"


def _personal(bot, i: int, **fields) -> dict:
    body = activity("personal_message", bot.connector.url, **fields)
    body["from"] = {"id": f"29:user-{i}", "aadObjectId": aad(i), "name": ""}
    body["conversation"] = {**body["conversation"], "id": f"a:conv-29:user-{i}"}
    return body


def _last_reply(bot, i: int, card: bool = True) -> dict:
    """The latest reply in member i's chat (the worker may post ledger rows in between)."""
    sent = [a for a in bot.connector.sent(f"a:conv-29:user-{i}")
            if bool(a.get("attachments")) == card]
    return sent[-1]


def _seed_writings(bot, mid: int, victim: Member, other: Member) -> None:
    with session_scope(bot.engine) as s:
        check_in(s, mid, victim, BEFORE)
        check_in(s, mid, other, BEFORE)
        innspill = InnspillSession(questions=json.dumps(["Hva bør vi samarbeide om?"]),
                                   salt="s" * 32)
        s.add(innspill)
        s.flush()
        s.add(InnspillEntry(session_id=innspill.id or 0, text=ENTRY,
                            author_member_id=victim.id, organisation=victim.organisation,
                            token_hash="t" * 64))
        s.add(InnspillEntry(session_id=innspill.id or 0, text="Felles innkjøp av lisenser",
                            author_member_id=other.id, token_hash="u" * 64))
        talk = TalkRound(meeting_id=mid, topic="Nytt fra regionene", conversation_id="19:c")
        s.add(talk)
        s.flush()
        s.add(RoundSlot(round_id=talk.id or 0, position=1, label=victim.name,
                        member_ids=json.dumps([victim.id]), update_text=UPDATE,
                        updated_by_member_id=victim.id))
        # A copy of their name and words in another member's ledger payload (a summary).
        enqueue(s, "round_summary", "round:1", other.id or 0,
                {"type": "message", "text": f"{victim.name}: {UPDATE}"}, BEFORE)
        enqueue(s, "reminder:day_before", "meeting:1", victim.id or 0,
                {"type": "message", "text": f"Hei {victim.name}"}, BEFORE)
        audit.record(s, action="rsvp.answer", actor_member_id=victim.id,
                     actor_aad_object_id=victim.aad_object_id, target=f"meeting:{mid}")


def _needles(victim: Member) -> tuple[list[str], list[str]]:
    """(texts found anywhere inside a value, ids found whole or as a quoted JSON string)."""
    return ([victim.name, victim.name_key, victim.email or "", COMMENT, DIETARY, ENTRY, UPDATE],
            [victim.aad_object_id or "", victim.teams_user_id or ""])


def _found_anywhere(engine, needles: tuple[list[str], list[str]]) -> list[str]:
    """Every (table.column, needle) hit over every string column of every table."""
    texts, ids = needles
    hits = []
    with Session(engine) as s:
        for table, column in string_columns():
            c = table.c[column]
            wheres = [(n, func.lower(c).contains(n.lower(), autoescape=True)) for n in texts]
            wheres += [(n, (c == n) | c.contains(json.dumps(n), autoescape=True)) for n in ids]
            for needle, where in wheres:
                n = s.execute(sa_select(func.count()).select_from(table).where(where)
                              ).scalar_one()
                if n:
                    hits.append(f"{table.name}.{column}: {needle}")
    return hits


def _counts(engine) -> Counter[str]:
    with Session(engine) as s:
        return Counter({"members": len(s.exec(select(Member)).all()),
                        "rsvp": len(s.exec(select(Rsvp)).all()),
                        "attendance": len(s.exec(select(Attendance)).all()),
                        "innspill": len(s.exec(select(InnspillEntry)).all()),
                        "slots": len(s.exec(select(RoundSlot)).all())})


def test_walker_lists_every_foreign_key_to_member_and_the_registered_columns() -> None:
    refs = {(r.table, r.column, r.how) for r in member_references()}
    assert {("rsvp", "member_id", "fk"), ("attendance", "member_id", "fk"),
            ("innspill_entry", "author_member_id", "fk"),
            ("round_slot", "updated_by_member_id", "fk"), ("delivery", "member_id", "fk"),
            ("conversation_ref", "member_id", "fk")} <= refs
    assert {("audit_log", "actor_aad_object_id", "aad"), ("delivery", "payload", "copy"),
            ("scheduled_job", "args", "ids_json"), ("round_slot", "member_ids", "ids_json"),
            ("attendance", "name", "copy"), ("attendance", "organisation", "copy")} <= refs


async def test_member_erases_themselves_and_nothing_of_theirs_remains(bot) -> None:
    ids = seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine, status=MeetingStatus.invited)
    bot.clock.set(BEFORE)
    await answer(bot, VICTIM, mid, "physical", comment=COMMENT, dietary=DIETARY)
    await answer(bot, OTHER, mid, "physical", dietary="Glutenfri")
    with Session(bot.engine) as s:
        victim, other = s.get(Member, ids[VICTIM]), s.get(Member, ids[OTHER])
        assert victim is not None and other is not None
        s.expunge_all()
    _seed_writings(bot, mid, victim, other)
    needles = _needles(victim)
    found = _found_anywhere(bot.engine, needles)
    assert {h.split(": ", 1)[1] for h in found} == set(needles[0] + needles[1])  # all found
    before = _counts(bot.engine)

    await bot.post(_personal(bot, VICTIM, text="mine data"))
    card = card_text(card_of(_last_reply(bot, VICTIM)))
    assert victim.name in card and "Svar på innkallinger: 1" in card
    await bot.post(_personal(bot, VICTIM, text="slett mine data"))
    assert "Slette dataene dine?" in card_text(card_of(_last_reply(bot, VICTIM)))
    with Session(bot.engine) as s:
        assert s.get(Member, ids[VICTIM]).name == victim.name  # type: ignore[union-attr]
    submit = activity("card_submit", bot.connector.url)
    submit["from"] = {"id": f"29:user-{VICTIM}", "aadObjectId": aad(VICTIM), "name": ""}
    submit["conversation"] = {**submit["conversation"], "id": f"a:conv-29:user-{VICTIM}"}
    submit["value"] = {"verb": "mydata.erase_confirm", "confirm": "SLETT"}
    await bot.post(submit)
    assert "Dataene dine er slettet" in _last_reply(bot, VICTIM, card=False)["text"]

    assert _found_anywhere(bot.engine, needles) == []
    assert _counts(bot.engine) == before
    with Session(bot.engine) as s:
        erased = s.get(Member, ids[VICTIM])
        assert erased is not None and erased.name == f"Slettet medlem #{ids[VICTIM]}"
        assert not erased.active and erased.aad_object_id is None
        kept = s.get(Member, ids[OTHER])
        assert kept is not None and (kept.name, kept.email) == (other.name, other.email)
        assert s.exec(select(Rsvp).where(Rsvp.member_id == ids[OTHER])).one().dietary == \
            "Glutenfri"
        assert s.exec(select(InnspillEntry).where(
            InnspillEntry.author_member_id == ids[OTHER])).one().text == \
            "Felles innkjøp av lisenser"
        assert s.exec(select(ConversationRef).where(
            ConversationRef.member_id == ids[VICTIM])).all() == []
        assert len(s.exec(select(ErasedMember)).all()) == 1
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "member.erase")).all()
        assert "kinds=" in entry.detail and "svar" in entry.detail
        export = export_text(s, mid, "md", items=True) or ""
    assert victim.name not in export and other.name in export and DIETARY not in export

    # Roster sync does not re-create them; a later message gets the one-line notice.
    bot.connector.add_member({"id": f"29:user-{VICTIM}", "aadObjectId": aad(VICTIM),
                              "name": victim.name, "email": victim.email,
                              "tenantId": TENANT}, TEAM_ID)
    await bot.send("team_install")
    await bot.post(_personal(bot, VICTIM, text="hjelp"))
    assert "registrer meg" in _last_reply(bot, VICTIM, card=False)["text"]
    with Session(bot.engine) as s:
        assert s.exec(select(Member).where(Member.aad_object_id == aad(VICTIM))).all() == []
        assert len(s.exec(select(Member)).all()) == before["members"]
    assert _found_anywhere(bot.engine, needles) == []
