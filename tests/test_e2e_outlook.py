"""The Outlook event end to end: send → one event → cards show its link → edits → cancel."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from cli import CliContext
from cli.meetings_edit import cmd_edit
from core.clock import FrozenClock
from services import meetings
from storage import graph as graph_repo
from storage.db import session_scope
from storage.graph_models import GraphCall
from storage.meeting_models import MeetingFormat
from storage.models import Member, Membership
from tests.conftest import ORGANIZER
from tests.harness import TEAM_ID, activity, as_user, card_of, card_text
from tests.meeting_cards_support import channel_posts, puts, until
from tests.test_e2e_meetings import click
from tests.test_e2e_meetings_status import START
from tests.test_rsvp_support import member, seed_meeting, seed_members


@pytest.fixture
def clock() -> FrozenClock:
    # The app starts at START: a claim begun before a later clock.set() would use the old time.
    return FrozenClock(START)


def invitations_sent(bot) -> list[dict]:
    return [a for a in bot.connector.sent() if str(a.get("text", "")).startswith("Innkalling:")]


def graph_ctx(bot) -> CliContext:
    ctx = CliContext(settings=bot.settings, clock=bot.clock, engine=bot.engine)
    return ctx


def secretariat_index(bot) -> int:
    sec = member(bot.engine, "Øyvind Såtvedt")
    return int((sec.aad_object_id or "").rsplit("-", 1)[1])


async def sent_digital_meeting(bot, **overrides) -> int:
    """Seed 000 as a digital meeting, sent by the secretariat's button."""
    bot.clock.set(START)
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine, format=MeetingFormat.digital, place="", **overrides)
    assert (await bot.send("team_install"))[0] in (200, 201)
    status, body = await bot.post(click(bot, secretariat_index(bot), "meeting.send",
                                        meeting_id=mid))
    assert status == 200 and "Innkallingen sendes til 42" in card_text(body["value"])
    return mid


def emails(bot) -> set[str]:
    with session_scope(bot.engine) as s:
        return {m.email for m in s.exec(select(Member).join(
            Membership, Membership.member_id == Member.id)) if m.email}  # type: ignore[arg-type]


async def test_sent_meeting_gets_one_event_and_follows_edits_until_cancelled(graph_bot) -> None:
    bot, graph = graph_bot, graph_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)

    # One event in the organizer's calendar, the invitees as attendees, Teams as provider.
    (create,) = graph.of("create")
    assert create.path == f"/v1.0/users/{ORGANIZER}/events"
    body = create.body
    assert body["isOnlineMeeting"] is True and body["onlineMeetingProvider"] == "teamsForBusiness"
    assert body["start"] == {"dateTime": "2023-08-31T09:00:00", "timeZone": "Europe/Oslo"}
    assert body["end"] == {"dateTime": "2023-08-31T10:30:00", "timeZone": "Europe/Oslo"}
    assert {a["emailAddress"]["address"] for a in body["attendees"]} == emails(bot)
    assert len(body["attendees"]) == 42 and body["body"]["contentType"] == "HTML"
    assert "<li value=\"1\">Godkjenning av innkalling</li>" in body["body"]["content"]
    with session_scope(bot.engine) as s:
        deployment = graph_repo.deployment_id(s, START)
        event = graph_repo.event_for(s, mid)
        assert event is not None
        join, uid = event.join_url, event.ical_uid
    assert body["transactionId"] == graph_repo.transaction_id(deployment, mid)
    assert len(graph.events) == 1 and join.startswith("https://teams.microsoft.com/l/meetup-join/")

    # Every copy waited for the link: «Bli med i Teams-møtet» and the Outlook line on each.
    for sent in invitations_sent(bot):
        text = card_text(card_of(sent))
        assert f"[Bli med i Teams-møtet]({join})" in text
        assert "Du har fått invitasjonen i Outlook." in text
    # The channel summary shows the link once it is redrawn after its window.
    bot.clock.set(START + timedelta(seconds=6))
    await until(lambda: any(join in card_text(card_of(c.body)) for c in puts(bot, TEAM_ID))
                or any(join in card_text(card_of(a)) for a in channel_posts(bot)))
    # The .ics carries the event's iCalUId: a calendar sees one meeting, not two.
    card = card_of(invitations_sent(bot)[0])
    link = next(a["url"] for el in card["body"] if el["type"] == "ActionSet"
                for a in el["actions"] if a["type"] == "Action.OpenUrl")
    async with bot.http.get(bot.url + urlsplit(link).path) as resp:
        ics = (await resp.text()).replace("\r\n ", "")
    assert f"UID:{uid}" in ics and join in ics

    # A new time on the CLI: one PATCH with the new start and end, at once.
    await asyncio.to_thread(cmd_edit, argparse.Namespace(
        meeting_id=mid, start="2023-08-31 10:00", end=None, place=None, outlook=None,
        past=False),
        graph_ctx(bot))
    await until(lambda: len(graph.of("update")) == 1)
    patch = graph.of("update")[0]
    assert patch.body == {"start": {"dateTime": "2023-08-31T10:00:00", "timeZone": "Europe/Oslo"},
                          "end": {"dateTime": "2023-08-31T11:30:00", "timeZone": "Europe/Oslo"}}
    assert patch.path.endswith(next(iter(graph.events)))

    # A member joins the group and the invitation is sent again: the attendees list grows.
    with session_scope(bot.engine) as s:
        new = Member(name="Ny Person", name_key="ny person",
                     email="ny.person@lillestrom.kommune.no")
        s.add(new)
        s.flush()
        s.add(Membership(group_id=1, member_id=new.id or 0))
    with session_scope(bot.engine) as s:
        meetings.send(s, mid, bot.clock.now(), links=bot.links, settings=bot.settings)
    await until(lambda: len(graph.of("update")) == 2)
    added = graph.of("update")[1].body
    assert set(added) == {"attendees"} and len(added["attendees"]) == 43
    assert "ny.person@lillestrom.kommune.no" in {a["emailAddress"]["address"]
                                                 for a in added["attendees"]}

    # An agenda edit after sending: no PATCH now (each one mails all 43), one waits a day.
    sec = secretariat_index(bot)
    form = {"verb": "meeting.save", "meeting_id": mid, "group_id": "1",
            "title": "Møte i Osloregionens Faggruppe for næringssamarbeid", "date": "2023-08-31",
            "start": "10:00", "end": "11:30", "place": "", "format": "digital",
            "agenda": "1. Godkjenning av innkalling\n2. Ny sak om <b>næringsareal</b>",
            "deadline_date": "2023-08-28"}
    submit = as_user(activity("card_submit", bot.connector.url, value=form),
                     f"29:user-{sec}", member(bot.engine, "Øyvind Såtvedt").aad_object_id or "")
    assert (await bot.post(submit))[0] in (200, 201)
    await asyncio.sleep(1.5)  # the app's worker polls every 0.5 s
    assert len(graph.of("update")) == 2
    with session_scope(bot.engine) as s:
        waiting = s.exec(select(GraphCall).where(GraphCall.operation == "update_text")).one()
        assert waiting.status == "pending" and waiting.next_attempt_at >= START + timedelta(days=1)
        assert "Ny sak om &lt;b&gt;næringsareal&lt;/b&gt;" in waiting.payload

    # Cancel on the status card: the event is cancelled with the bot's text; the waiting text
    # PATCH is dropped.
    status, body = await bot.post(click(bot, sec, "meeting.cancel", meeting_id=mid))
    assert "Møtet er avlyst" in card_text(body["value"])
    await until(lambda: len(graph.of("cancel")) == 1)
    comment = graph.of("cancel")[0].body["comment"]
    assert comment.startswith("«Møte i Osloregionens Faggruppe") and comment.endswith("er avlyst.")
    assert next(iter(graph.events.values()))["isCancelled"] is True
    with session_scope(bot.engine) as s:
        assert s.get(GraphCall, waiting.id).status == "dropped"  # type: ignore[union-attr]
    assert len(graph.of("create")) == 1 and len(graph.events) == 1


async def test_status_card_shows_the_outlook_answers_read_from_graph(graph_bot) -> None:
    bot, graph = graph_bot, graph_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    (made,) = graph.events.values()
    for attendee, answer in zip(made["attendees"], ("accepted", "accepted", "declined",
                                                    "tentativelyAccepted"), strict=False):
        attendee["status"] = {"response": answer, "time": "2023-08-22T08:15:00Z"}
    sec = secretariat_index(bot)
    status, body = await bot.post(click(bot, sec, "meeting.status", meeting_id=mid))
    assert "Svar i Outlook" not in card_text(body["value"])  # asked for now, shown next time
    await until(lambda: len(graph.of("get")) == 1)
    assert graph.of("get")[0].path.endswith(made["id"])

    def read() -> bool:
        with session_scope(bot.engine) as s:
            row = graph_repo.event_for(s, mid)
            return row is not None and row.answers_at is not None

    await until(read)
    status, body = await bot.post(click(bot, sec, "meeting.status", meeting_id=mid))
    assert "Svar i Outlook: 2 godtatt, 1 foreløpig, 1 avslått, 38 ikke svart (hentet 10.00)" \
        in card_text(body["value"])
    assert len(graph.of("get")) == 1  # read within the minute: not read again
