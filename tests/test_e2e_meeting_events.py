"""Teams meeting events: participants who join are recorded present (source «event»)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from storage.db import session_scope
from storage.meeting_models import Attendance, Meeting, MeetingStatus
from tests.harness import TEAM_ID, activity
from tests.test_rsvp_support import aad, seed_meeting, seed_members

CHAT = "19:meeting_NzQ5ZTk0YjYtMmYxNi00ZDY2LWI4NTEtOGU5YjQ0NjQ3MTAx@thread.v2"
JOIN_URL = ("https://teams.microsoft.com/l/meetup-join/"
            "19%3ameeting_NzQ5ZTk0YjYtMmYxNi00ZDY2LWI4NTEtOGU5YjQ0NjQ3MTAx%40thread.v2/0")
DURING = datetime(2023, 8, 31, 7, 5, tzinfo=UTC)  # 09.05 in Oslo


def _event(bot, name: str, *who: int, conversation: str = CHAT, **extra) -> dict:
    body = activity(name, bot.connector.url, **extra)
    body["value"]["members"] = [{"user": {"id": f"29:user-{i}", "aadObjectId": aad(i)},
                                 "meeting": {"inMeeting": True}} for i in who]
    body["conversation"] = {**body["conversation"], "id": conversation}
    return body


def _present(bot, mid: int) -> dict[int, str]:
    with session_scope(bot.engine) as s:
        return {a.member_id or 0: a.source for a in s.exec(
            select(Attendance).where(Attendance.meeting_id == mid))}


async def test_join_events_record_attendance_by_join_link_and_by_team(bot) -> None:
    ids = seed_members(bot.engine, bot.connector.url)
    linked = seed_meeting(bot.engine, online_url=JOIN_URL, status=MeetingStatus.invited)
    bot.clock.set(DURING)
    status, _ = await bot.post(_event(bot, "meeting_participant_join", 0, 1, 2))
    assert status in (200, 201)
    await bot.post(_event(bot, "meeting_participant_join", 1))  # rejoining counts once
    await bot.post(_event(bot, "meeting_participant_leave", 2))  # leaving keeps the record
    assert _present(bot, linked) == {ids[0]: "event", ids[1]: "event", ids[2]: "event"}

    # A chat in the group's team, with no join link: the group's meeting under way.
    with session_scope(bot.engine) as s:
        s.get(Meeting, linked).status = MeetingStatus.cancelled  # type: ignore[union-attr]
    other = seed_meeting(bot.engine, status=MeetingStatus.invited)
    body = _event(bot, "meeting_participant_join", 5, conversation=f"{TEAM_ID};messageid=1")
    body["channelData"]["team"] = {"id": TEAM_ID}
    await bot.post(body)
    assert _present(bot, other) == {}  # the team is not linked to the group yet
    await bot.send("team_install")
    await bot.post(body)
    assert _present(bot, other) == {ids[5]: "event"}

    # Outside the meeting's time nothing is recorded; a stranger is a non-member attendee.
    bot.clock.set(datetime(2023, 9, 1, 7, 0, tzinfo=UTC))
    status, _ = await bot.post(_event(bot, "meeting_participant_join", 6, conversation=CHAT))
    assert status in (200, 201) and ids[6] not in _present(bot, other)
    bot.clock.set(DURING)
    stranger = _event(bot, "meeting_participant_join", 999, conversation=f"{TEAM_ID};x")
    stranger["channelData"]["team"] = {"id": TEAM_ID}
    status, _ = await bot.post(stranger)
    assert status in (200, 201) and _present(bot, other) == {ids[5]: "event", 0: "event"}
    with session_scope(bot.engine) as s:
        guest = s.exec(select(Attendance).where(Attendance.meeting_id == other,
                                                col(Attendance.member_id).is_(None))).one()
        assert guest.attendee_key == f"aad:{aad(999)}" and guest.first_join_at == DURING
