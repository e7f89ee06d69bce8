"""Erasure and the referat: an approved version is an archive record (GDPR art. 17(3)(b)) and
stays byte for byte; drafts and versions never approved lose the person's name and their
Word bytes, the person's corrections are emptied, and a redacted draft's link says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.clock import FrozenClock
from domain.meetings import parse_agenda
from domain.minutes_review import Audience
from services import minutes, minutes_review
from storage import attendance, privacy
from storage import minutes_review as repo
from storage.db import session_scope
from storage.meetings import create_meeting, invited_groups, replace_agenda
from storage.minutes_review_models import MinutesCorrection, MinutesVersion
from storage.models import Member
from tests.harness import TEST_LINKS
from tests.minutes_support import setup_meeting

AFTER = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
NEXT = datetime(2023, 10, 19, 7, 15, tzinfo=UTC)


def _held(s, mid: int, ids: list[int], victim: Member) -> None:
    for member_id in ids[:5]:
        member = s.get(Member, member_id)
        assert member is not None
        attendance.check_in(s, mid, member, AFTER)
    minutes.write_note(s, mid, 3, text=f"Presentasjon ved {victim.name}.", decision=None,
                       append=False, now=AFTER)


def _versions(engine, mid: int) -> dict[int, MinutesVersion]:
    with session_scope(engine) as s:
        rows = repo.versions(s, mid)
        for r in rows:
            s.expunge(r)
        return {r.number: r for r in rows}


def test_erasure_keeps_the_approved_referat_and_redacts_drafts_and_corrections(engine) -> None:
    ids, mid, _items = setup_meeting(engine, "http://127.0.0.1:9/")
    with session_scope(engine) as s:
        victim = s.get(Member, ids[0])
        assert victim is not None
        name, victim_id = victim.name, victim.id or 0
        _held(s, mid, ids, victim)
        minutes_review.circulate(s, mid, audience=Audience.present, deadline=None,
                                 member_id=None, now=AFTER, links=TEST_LINKS)
        view = minutes_review.correct(s, TEST_LINKS, mid, 1, victim,
                                      "Jeg heter egentlig noe annet", AFTER)
        assert not view.problem
        minutes_review.new_version(s, mid, None, AFTER + timedelta(days=1))
        # The group's next meeting approves version 2.
        group = invited_groups(s, mid)[0]
        nxt = create_meeting(s, [group], AFTER, title="Neste møte", starts_at=NEXT,
                             ends_at=NEXT + timedelta(hours=2))
        replace_agenda(s, nxt, parse_agenda("1. Godkjenning av innkalling\n2. Eventuelt\n"))
        item = minutes_review.add_approval_item(s, nxt, AFTER)
        assert item is not None
        review = minutes_review.approval_for(s, item, NEXT)
        assert review is not None
        minutes_review.approve(s, review, item, None, NEXT, TEST_LINKS)
    # A second meeting whose referat is only under høring (never approved).
    other = setup_meeting_again(engine, ids)
    before = _versions(engine, mid)
    assert name in before[1].markdown and name in before[2].markdown
    assert before[2].approved_at is not None and before[1].approved_at is None

    with session_scope(engine) as s:
        kinds = privacy.erase(s, victim_id, NEXT)
    assert "rettelser" in kinds
    after = _versions(engine, mid)
    assert after[2].markdown == before[2].markdown and after[2].docx == before[2].docx
    assert not after[2].redacted
    assert name not in after[1].markdown and after[1].docx == b"" and after[1].redacted
    drafts = _versions(engine, other)
    assert name not in drafts[1].markdown and drafts[1].redacted
    with session_scope(engine) as s:
        texts = [c.text for c in s.exec(select(MinutesCorrection))]
        assert texts == [privacy.REDACTED]
        # The redacted draft's link (for a recipient still there) says it is redacted.
        review = repo.review(s, other)
        version = repo.version(s, other, 1)
        assert review is not None and version is not None
        url = minutes_review.version_url(TEST_LINKS, review, version,
                                         minutes_review.member_recipient(ids[1]))
        token = url.split("/minutes/")[1].split("/")[0]
        served = minutes_review.serve(s, TEST_LINKS, token, FrozenClock(NEXT))
    assert served.status == 410 and "sladdet" in served.body.decode()


def setup_meeting_again(engine, ids: list[int]) -> int:
    """Another held meeting of the group with the victim in its notes, under høring."""
    from tests.test_rsvp_support import seed_meeting

    mid = seed_meeting(engine, title="Ekstra møte")
    with session_scope(engine) as s:
        victim = s.get(Member, ids[0])
        assert victim is not None
        from domain.meetings import kind_of
        from storage.meeting_models import AgendaItem

        for item in s.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid)):
            item.kind = kind_of(item.title)
            s.add(item)
        _held(s, mid, ids, victim)
        minutes_review.circulate(s, mid, audience=Audience.present, deadline=None,
                                 member_id=None, now=AFTER, links=TEST_LINKS)
    return mid
