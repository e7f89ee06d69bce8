"""Microsoft 365 2 end to end: Outlook answers per member, the bot in the meeting chat, the
four meeting events in Microsoft's shapes, and Teams' attendance report after the end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from core.clock import FrozenClock
from core.settings import Settings
from delivery.graph import LOCAL_APP_ID
from services import meetings, online_meeting
from services.attendance import export_text, present_line
from storage import graph as graph_repo
from storage import rsvp as rsvp_repo
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.graph_models import GraphCall
from storage.meeting_models import Attendance, Meeting, Rsvp
from storage.meeting_models import RsvpAnswer as Answer
from storage.members import by_aad
from storage.models import Member
from tests.conftest import ORGANIZER, _serve
from tests.harness import BotServer, activity, as_user, card_text
from tests.meeting_cards_support import until
from tests.test_e2e_meetings import click
from tests.test_e2e_meetings_status import START
from tests.test_e2e_outlook import invitations_sent, secretariat_index, sent_digital_meeting
from tests.test_rsvp_support import aad

CATALOG_ID = "b1c5353a-7aca-41b3-830f-27d5218fe0e5"
MEETING_START = datetime(2023, 8, 31, 7, 0, tzinfo=UTC)  # 09.00 in Oslo
MEETING_END = datetime(2023, 8, 31, 8, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
async def m365_bot(engine, clock, connector, graph) -> AsyncIterator[BotServer]:
    """The real app with every Graph feature on, the app in the fake org catalog."""
    graph.catalog[LOCAL_APP_ID] = CATALOG_ID
    settings = Settings.model_validate({
        "MicrosoftAppId": "", "DATABASE_URL": str(engine.url), "ICS_SECRET": "test-ics-secret",
        "GRAPH_ORGANIZER": ORGANIZER, "GRAPH_BASE_URL": graph.url,
        "GRAPH_FEATURES": "calendar,answers,attendance,chatinstall"})
    async for server in _serve(settings, engine, clock, connector):
        server.graph = graph
        yield server


def _nth(bot, i: int) -> Member:
    """Seed member number i (AAD id aad(i)), detached."""
    with session_scope(bot.engine) as s:
        found = by_aad(s, aad(i))
        assert found is not None
        s.expunge(found)
        return found


def _call(bot, mid: int, operation: str) -> GraphCall | None:
    with session_scope(bot.engine) as s:
        found = [c for c in graph_repo.calls(s, mid) if c.operation == operation]
        for c in found:
            s.expunge(c)
        return found[-1] if found else None


def _status(bot, mid: int, operation: str) -> str:
    call = _call(bot, mid, operation)
    return call.status if call else ""


def _attempts(bot, mid: int, operation: str) -> int:
    call = _call(bot, mid, operation)
    return call.attempts if call else 0


def _answers(bot, mid: int) -> dict[int | None, tuple[str, str]]:
    with session_scope(bot.engine) as s:
        return {r.member_id: (str(r.answer), r.source)
                for r in s.exec(select(Rsvp).where(Rsvp.meeting_id == mid))}


def _answer_in_outlook(graph, address: str, response: str, at: str) -> None:
    (event,) = graph.events.values()
    for attendee in event["attendees"]:
        if attendee["emailAddress"]["address"] == address:
            attendee["status"] = {"response": response, "time": at}


async def _read_answers(bot, mid: int) -> None:
    """Open the status card (it asks Graph), and wait for the read to be recorded."""
    before = len(bot.graph.of("get"))
    await bot.post(click(bot, secretariat_index(bot), "meeting.status", meeting_id=mid))
    await until(lambda: len(bot.graph.of("get")) == before + 1)
    await until(lambda: _status(bot, mid, "answers") == "done")


async def test_three_outlook_answers_show_on_the_status_card_with_where_they_came_from(
        m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    kari, ola, per = (_nth(bot, i) for i in (1, 2, 3))
    _answer_in_outlook(graph, kari.email or "", "accepted", "2023-08-21T08:15:00Z")
    _answer_in_outlook(graph, ola.email or "", "tentativelyAccepted", "2023-08-21T08:16:00Z")
    _answer_in_outlook(graph, per.email or "", "declined", "2023-08-21T08:17:00Z")
    await _read_answers(bot, mid)
    assert _answers(bot, mid) == {kari.id: ("digital", "outlook"), ola.id: ("maybe", "outlook"),
                                  per.id: ("no", "outlook")}

    status, body = await bot.post(click(bot, secretariat_index(bot), "meeting.status",
                                        meeting_id=mid))
    text = card_text(body["value"])
    assert f"{kari.name}: Kommer (digitalt) (fra Outlook)" in text
    assert f"{ola.name}: Usikker (fra Outlook)" in text
    assert f"{per.name}: Kommer ikke (fra Outlook)" in text


async def test_rsvp_reminder_skips_members_who_answered_in_outlook(m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    kari = _nth(bot, 1)
    _answer_in_outlook(graph, kari.email or "", "accepted", "2023-08-21T08:15:00Z")
    await _read_answers(bot, mid)
    with session_scope(bot.engine) as s:
        meetings.rsvp_reminder(s, START + timedelta(days=1), meeting_id=mid, links=bot.links)
    with session_scope(bot.engine) as s:
        reminded = set(s.exec(select(Delivery.member_id).where(
            Delivery.purpose == "reminder:rsvp_reminder")))
    assert kari.id not in reminded and len(reminded) == 41


async def test_newer_teams_answer_wins_and_an_older_one_gives_way(m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    kari, ola = _nth(bot, 1), _nth(bot, 2)
    # Both answered «Kommer ikke» in Teams at 10.00 on 21 August.
    with session_scope(bot.engine) as s:
        for who in (kari, ola):
            rsvp_repo.save_answer(s, mid, who.id or 0, rsvp_repo.AnswerInput(Answer.no), START)
    # Kari accepted in Outlook before that (older: Teams stands), Ola after (newer: Outlook).
    _answer_in_outlook(graph, kari.email or "", "accepted", "2023-08-21T07:59:00Z")
    _answer_in_outlook(graph, ola.email or "", "accepted", "2023-08-21T08:01:00Z")
    await _read_answers(bot, mid)
    assert _answers(bot, mid) == {kari.id: ("no", "teams"), ola.id: ("digital", "outlook")}

    # Ola then answers in Teams: that newer answer is not overwritten by the next read.
    bot.clock.set(START + timedelta(minutes=5))
    with session_scope(bot.engine) as s:
        rsvp_repo.save_answer(s, mid, ola.id or 0, rsvp_repo.AnswerInput(Answer.maybe),
                              START + timedelta(minutes=5))
    await _read_answers(bot, mid)
    assert _answers(bot, mid)[ola.id] == ("maybe", "teams")


async def test_outlook_answers_are_read_every_30_minutes_until_the_meeting_ends(m365_bot) -> None:
    bot = m365_bot
    await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    with session_scope(bot.engine) as s:
        jobs = list(s.exec(select(ScheduledJob).where(ScheduledJob.kind == "outlook_answers")))
        assert [j.due_at for j in jobs] == [START + timedelta(minutes=30)]
        assert jobs[0].expires_at == MEETING_END
    # The job reads (a Graph call) and plans the next one; none past the meeting's end.
    bot.clock.set(START + timedelta(minutes=30))
    await until(lambda: len(bot.graph.of("get")) == 1)
    with session_scope(bot.engine) as s:
        due = sorted(j.due_at for j in s.exec(select(ScheduledJob).where(
            ScheduledJob.kind == "outlook_answers", ScheduledJob.status == "pending")))
    assert due == [START + timedelta(minutes=60)]


async def test_bot_is_installed_in_the_meeting_chat_once(m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: _status(bot, mid, "chatinstall") == "done")
    (event,) = graph.events.values()
    chat = graph.chat_of(event["onlineMeeting"]["joinUrl"])
    assert graph.installed == {chat: [CATALOG_ID]}
    (lookup,) = graph.of("meeting")
    assert lookup.path == f"/v1.0/users/{ORGANIZER}/onlineMeetings"
    (catalog,) = graph.of("catalog")
    (install,) = graph.of("install")
    assert install.body == {"teamsApp@odata.bind": f"{graph.url}/appCatalogs/teamsApps/"
                                                   f"{CATALOG_ID}"}
    with session_scope(bot.engine) as s:
        row = graph_repo.event_for(s, mid)
        assert row is not None and row.chat_id == chat and row.chat_installed_at is not None
    # Sent again (members added): no second install is asked for.
    status, _ = await bot.post(click(bot, secretariat_index(bot), "meeting.send", meeting_id=mid))
    await asyncio.sleep(1.0)  # the worker's poll: any install it would ask for is made
    assert len(graph.of("install")) == 1 and graph.installed[chat] == [CATALOG_ID]
    # The event's install is recorded once: asking again (a repeated hook) records nothing.
    with session_scope(bot.engine) as s:
        meeting, row = s.get(Meeting, mid), graph_repo.event_for(s, mid)
        assert meeting is not None and row is not None
        assert online_meeting.queue_install(s, meeting, row, bot.clock.now(),
                                            bot.settings) is False


async def test_app_already_in_the_chat_counts_as_installed(m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    graph.fail(409, operation="install")  # added by hand in Teams: Graph answers Conflict
    mid = await sent_digital_meeting(bot)
    await until(lambda: _status(bot, mid, "chatinstall") == "done")
    assert [c.status for c in graph.of("install")] == [409]
    with session_scope(bot.engine) as s:
        assert graph_repo.given_up(s) == []


def _event(bot, name: str, chat: str, *who: int) -> dict:
    body = activity(name, bot.connector.url)
    body["conversation"] = {**body["conversation"], "id": chat}
    if who:
        body["value"]["members"] = [
            {"user": {"id": f"29:user-{i}", "name": f"Deltaker {i}", "aadObjectId": aad(i)},
             "meeting": {"inMeeting": True, "role": "Attendee"}} for i in who]
    return body


def _attendance(bot, mid: int) -> dict[Any, Attendance]:
    with session_scope(bot.engine) as s:
        rows = list(s.exec(select(Attendance).where(Attendance.meeting_id == mid)))
        for r in rows:
            s.expunge(r)
    return {r.member_id if r.member_id else r.attendee_key: r for r in rows}


async def _held_meeting(bot) -> tuple[int, str, str]:
    """A digital meeting sent with its Teams meeting; the meeting chat and join URL."""
    mid = await sent_digital_meeting(bot)
    await until(lambda: _status(bot, mid, "chatinstall") == "done")
    (event,) = bot.graph.events.values()
    url = event["onlineMeeting"]["joinUrl"]
    return mid, bot.graph.chat_of(url), url


async def test_meeting_events_in_microsofts_shapes_record_start_join_leave_and_end(
        m365_bot) -> None:
    bot = m365_bot
    mid, chat, url = await _held_meeting(bot)
    bot.clock.set(MEETING_START)
    start = _event(bot, "meeting_start", chat)
    start["value"]["JoinUrl"] = url
    assert (await bot.post(start))[0] in (200, 201)
    bot.clock.set(MEETING_START + timedelta(minutes=2))
    assert (await bot.post(_event(bot, "meeting_participant_join", chat, 1, 2)))[0] in (200, 201)
    bot.clock.set(MEETING_START + timedelta(minutes=40))
    await bot.post(_event(bot, "meeting_participant_leave", chat, 2))
    bot.clock.set(MEETING_END)
    end = _event(bot, "meeting_end", chat)
    end["value"]["JoinUrl"] = url
    assert (await bot.post(end))[0] in (200, 201)
    await bot.post(end)  # Teams may say it twice: one report asked for

    kari, ola = _nth(bot, 1), _nth(bot, 2)
    seen = _attendance(bot, mid)
    assert seen[kari.id].first_join_at == MEETING_START + timedelta(minutes=2)
    assert seen[kari.id].last_leave_at == MEETING_END  # still in it at the end
    assert seen[ola.id].last_leave_at == MEETING_START + timedelta(minutes=40)
    with session_scope(bot.engine) as s:
        meeting = s.get(Meeting, mid)
        assert meeting is not None
        assert (meeting.started_at, meeting.ended_at) == (MEETING_START, MEETING_END)
        reports = [c for c in graph_repo.calls(s, mid) if c.operation == "attendance"]
        assert len(reports) == 1 and reports[0].next_attempt_at == MEETING_END + timedelta(
            minutes=2)


async def test_report_is_read_after_meeting_end_and_export_shows_minutes_present(
        m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    mid, chat, url = await _held_meeting(bot)
    bot.clock.set(MEETING_END)
    end = _event(bot, "meeting_end", chat)
    end["value"]["JoinUrl"] = url
    await bot.post(end)
    # Two minutes on the report is not there yet: asked again later, shown as waiting.
    bot.clock.set(MEETING_END + timedelta(minutes=2))
    await until(lambda: len(graph.of("report")) == 1)
    await until(lambda: _attempts(bot, mid, "attendance") == 1
                and _status(bot, mid, "attendance") == "pending")
    sec = secretariat_index(bot)
    await bot.post(as_user(activity("personal_message", bot.connector.url, text="kø"),
                           f"29:user-{sec}", aad(sec)))
    # «1 planlagt melding», «2 planlagte meldinger»
    replies = [a for a in bot.connector.sent() if "planlagt" in str(a.get("text"))]
    queued = card_text(replies[-1]["attachments"][0]["content"])
    assert "frammøterapport" in queued and "ikke klar ennå" in queued

    kari = _nth(bot, 1)
    graph.add_report(url, "2023-08-31T06:58:23Z", "2023-08-31T08:31:49Z", [
        {"id": aad(1), "emailAddress": kari.email, "totalAttendanceInSeconds": 5100,
         "role": "Attendee", "identity": {"id": aad(1), "displayName": kari.name,
                                          "tenantId": None},
         "attendanceIntervals": [
             {"joinDateTime": "2023-08-31T07:01:00Z", "leaveDateTime": "2023-08-31T07:41:00Z",
              "durationInSeconds": 2400},
             {"joinDateTime": "2023-08-31T07:45:00Z", "leaveDateTime": "2023-08-31T08:30:00Z",
              "durationInSeconds": 2700}]},
        {"id": "", "emailAddress": "", "totalAttendanceInSeconds": 1800, "role": "Attendee",
         "identity": {"id": "", "displayName": "+47 22 00 00 00", "tenantId": None},
         "attendanceIntervals": [{"joinDateTime": "2023-08-31T07:10:00Z",
                                  "leaveDateTime": "2023-08-31T07:40:00Z",
                                  "durationInSeconds": 1800}]},
        {"id": "c0ffee00-0000-4000-8000-000000000001", "emailAddress": "gjest@example.no",
         "totalAttendanceInSeconds": 600, "role": "Attendee",
         "identity": {"id": "c0ffee00-0000-4000-8000-000000000001",
                      "displayName": "Gjest Gjestesen", "tenantId": None},
         "attendanceIntervals": [{"joinDateTime": "2023-08-31T07:00:00Z",
                                  "leaveDateTime": "2023-08-31T07:10:00Z",
                                  "durationInSeconds": 600}]}])
    bot.clock.set(MEETING_END + timedelta(hours=1))
    await until(lambda: _status(bot, mid, "attendance") == "done")
    assert len(graph.of("records")) == 2  # three records, two to a page: nextLink followed

    seen = _attendance(bot, mid)
    assert seen[kari.id].seconds_present == 5100 and seen[kari.id].source == "report"
    assert seen[kari.id].first_join_at == datetime(2023, 8, 31, 7, 1, tzinfo=UTC)
    assert seen[kari.id].last_leave_at == datetime(2023, 8, 31, 8, 30, tzinfo=UTC)
    assert seen["name:+47 22 00 00 00"].seconds_present == 1800
    assert seen["aad:c0ffee00-0000-4000-8000-000000000001"].name == "Gjest Gjestesen"
    with session_scope(bot.engine) as s:
        text = export_text(s, mid) or ""
    assert f"| {kari.name} |" in text and "| 85 |" in text
    assert "Gjest Gjestesen" in text and "| 10 |" in text and "| 30 |" in text
    with session_scope(bot.engine) as s:
        assert f"{kari.name} (85 min)" in present_line(s, mid)


async def test_unknown_meeting_and_participant_without_aad_id_give_no_error(m365_bot) -> None:
    bot = m365_bot
    mid, chat, _url = await _held_meeting(bot)
    bot.clock.set(MEETING_START)
    stranger_chat = "19:meeting_ukjent@thread.v2"
    for name in ("meeting_start", "meeting_participant_join", "meeting_participant_leave",
                 "meeting_end"):
        status, _ = await bot.post(_event(bot, name, stranger_chat, 1))
        assert status in (200, 201)
    assert _attendance(bot, mid) == {}
    # No AAD id, no e-mail: recorded once as a non-member by the Teams id; the bot itself not.
    body = _event(bot, "meeting_participant_join", chat)
    body["value"]["members"] = [
        {"user": {"id": "29:anon-1", "name": "Anonym"}, "meeting": {"inMeeting": True}},
        {"user": {"id": "28:bot", "name": "Faggruppe-bot"},
         "meeting": {"inMeeting": True, "role": "bot"}}]
    for _ in range(2):
        assert (await bot.post(body))[0] in (200, 201)
    assert list(_attendance(bot, mid)) == ["teams:29:anon-1"]


async def test_report_never_appearing_is_given_up_visibly_and_graph_down_is_retried(
        m365_bot) -> None:
    bot, graph = m365_bot, m365_bot.graph
    mid, chat, url = await _held_meeting(bot)
    graph.fail(503, times=2, operation="report")
    bot.clock.set(MEETING_END)
    end = _event(bot, "meeting_end", chat)
    end["value"]["JoinUrl"] = url
    await bot.post(end)
    now = MEETING_END
    for _ in range(300):  # the clock moves on two hours at a time until the worker gives up
        call = _call(bot, mid, "attendance")
        if call is not None and call.status == "failed":
            break
        now += timedelta(hours=2)
        bot.clock.set(now)
        await asyncio.sleep(0.1)
    call = _call(bot, mid, "attendance")
    assert call is not None and call.status == "failed" and "gitt opp" in call.last_error
    assert [c.status for c in graph.of("report")][:2] == [503, 503]
    with session_scope(bot.engine) as s:
        assert [c.id for c in graph_repo.given_up(s)] == [call.id]
        assert s.exec(select(Attendance).where(col(Attendance.meeting_id) == mid,
                                               Attendance.source == "report")).first() is None


async def test_report_is_asked_for_after_the_planned_end_without_a_meeting_end_event(
        m365_bot) -> None:
    bot = m365_bot
    mid, _chat, _url = await _held_meeting(bot)
    with session_scope(bot.engine) as s:
        (job,) = s.exec(select(ScheduledJob).where(
            ScheduledJob.kind == "meeting_attendance_report")).all()
        assert job.due_at == MEETING_END + timedelta(minutes=15)
    bot.clock.set(MEETING_END + timedelta(minutes=15))
    await until(lambda: _call(bot, mid, "attendance") is not None)
    bot.clock.set(MEETING_END + timedelta(minutes=20))
    await until(lambda: len(bot.graph.of("report")) == 1)
