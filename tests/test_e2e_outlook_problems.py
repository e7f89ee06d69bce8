"""When Graph is late, refuses, or the event was deleted by hand: cards go, people are told."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import FrozenClock
from services import meetings
from storage import graph as graph_repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from tests.harness import card_of, card_text
from tests.meeting_cards_support import puts, until
from tests.test_e2e_meetings import click
from tests.test_e2e_meetings_status import START
from tests.test_e2e_outlook import invitations_sent, secretariat_index, sent_digital_meeting


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def secretariat_notices(bot) -> list[dict]:
    sec = f"a:conv-29:user-{secretariat_index(bot)}"
    return [a for a in bot.connector.sent(sec) if "Outlook" in str(a.get("text", ""))
            or "Teams-lenken" in str(a.get("text", ""))]


def event(bot, mid: int):
    with session_scope(bot.engine) as s:
        row = graph_repo.event_for(s, mid)
        assert row is not None
        s.expunge(row)
        return row


async def test_cards_wait_two_minutes_then_go_and_are_redrawn_when_the_link_comes(
        graph_bot) -> None:
    bot, graph = graph_bot, graph_bot.graph
    graph.fail(503, retry_after="300", operation="create")  # Graph is busy for five minutes
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(graph.of("create")) == 1)
    await asyncio.sleep(1.0)
    assert invitations_sent(bot) == []  # waiting for the event and its join URL
    bot.clock.set(START + timedelta(minutes=2, seconds=1))
    await until(lambda: len(invitations_sent(bot)) == 42)
    assert all("Bli med i Teams-møtet" not in card_text(card_of(a)) for a in invitations_sent(bot))
    bot.clock.set(START + timedelta(minutes=6, seconds=1))  # Retry-After has passed
    await until(lambda: event(bot, mid).join_url != "")
    join = event(bot, mid).join_url
    # Every copy is redrawn in place with the link, and the secretariat hears why.
    await until(lambda: len({c.conversation_id for c in puts(bot)
                             if join in card_text(card_of(c.body))}) >= 42, timeout=20)
    await until(lambda: any("Teams-lenken kom etter innkallingen" in str(a)
                            for a in secretariat_notices(bot)))
    assert len(graph.of("create")) == 2 and len(graph.events) == 1


async def test_event_deleted_by_hand_is_reported_and_recreated_with_a_new_transaction(
        graph_bot) -> None:
    bot, graph = graph_bot, graph_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    first = event(bot, mid)
    # Pressed on a working event, the button would send everyone a second invitation.
    status, body = await bot.post(click(bot, secretariat_index(bot), "outlook.recreate",
                                        meeting_id=mid))
    assert "Ikke opprettet: Outlook-møtet finnes og virker" in card_text(body["value"])
    graph.delete_by_hand(first.event_id)
    with session_scope(bot.engine) as s:
        meetings.edit(s, mid, bot.clock.now(), place="Rådhuset", links=bot.links,
                      settings=bot.settings)
    await until(lambda: any("Outlook-møtet er slettet" in str(a)
                            for a in secretariat_notices(bot)))
    notice = next(card_of(a) for a in secretariat_notices(bot)
                  if "Outlook-møtet er slettet" in str(a))
    button = notice["actions"][0]
    assert button["title"] == "Opprett Outlook-møtet på nytt"
    assert event(bot, mid).problem == "deleted"
    # A member may not press it; the secretariat may.
    status, body = await bot.post(click(bot, 1, "outlook.recreate", meeting_id=mid))
    assert "forbeholdt sekretariatet" in str(body["value"])
    status, body = await bot.post(click(bot, secretariat_index(bot), button["data"]["verb"],
                                        meeting_id=button["data"]["meeting_id"]))
    assert "Outlook-møtet opprettes på nytt" in card_text(body["value"])
    await until(lambda: len(graph.of("create")) == 2)
    await until(lambda: event(bot, mid).event_id not in ("", first.event_id))
    old, new = graph.of("create")
    assert old.body["transactionId"] != new.body["transactionId"]
    assert new.body["location"] == {"displayName": "Rådhuset"}
    assert len(graph.events) == 1 and event(bot, mid).problem == ""


async def test_refused_permission_is_named_in_norwegian(graph_bot) -> None:
    bot, graph = graph_bot, graph_bot.graph
    graph.fail(403, operation="create")
    mid = await sent_digital_meeting(bot)
    await until(lambda: any("kunne ikke lages" in str(a) for a in secretariat_notices(bot)))
    text = card_text(card_of(next(a for a in secretariat_notices(bot)
                                  if "kunne ikke lages" in str(a))))
    assert "Graph-tillatelsen Calendars.ReadWrite" in text and "ErrorAccessDenied" in text
    await until(lambda: len(invitations_sent(bot)) == 42)  # the cards go without the link
    with session_scope(bot.engine) as s:
        assert s.exec(select(Delivery).where(Delivery.purpose == "invitation",
                                             Delivery.status != "sent")).all() == []
    # The queue card shows the call that gave up.
    sec = secretariat_index(bot)
    from tests.harness import activity, as_user
    from tests.test_rsvp_support import member

    say = as_user(activity("personal_message", bot.connector.url, text="kø"),
                  f"29:user-{sec}", member(bot.engine, "Øyvind Såtvedt").aad_object_id or "")
    assert (await bot.post(say))[0] in (200, 201)
    await until(lambda: any("Outlook-kall som ga opp" in card_text(card_of(a))
                            for a in bot.connector.sent() if a.get("attachments")))
    queue = next(card_text(card_of(a)) for a in bot.connector.sent()
                 if a.get("attachments") and "Outlook-kall som ga opp" in str(a))
    assert f"Møte {mid} «Møte i Osloregionens Faggruppe for næringssamarbeid» (opprett): " \
        "HTTP 403 ErrorAccessDenied" in queue


async def test_cli_recreate_after_a_deletion_makes_a_new_event(graph_bot, capsys) -> None:
    from cli.meetings_send import cmd_outlook
    from tests.test_e2e_outlook import graph_ctx

    bot, graph = graph_bot, graph_bot.graph
    mid = await sent_digital_meeting(bot)
    await until(lambda: len(invitations_sent(bot)) == 42)
    first = event(bot, mid)
    graph.delete_by_hand(first.event_id)
    capsys.readouterr()
    assert await asyncio.to_thread(cmd_outlook, argparse.Namespace(
        meeting_id=mid, recreate=True), graph_ctx(bot)) == 0
    out = capsys.readouterr().out
    (new_id,) = graph.events
    assert out.startswith(f"outlook\t{new_id}\t") and new_id != first.event_id
    assert "kall\t" in out and "\tcreate\tdone\t" in out
    old, new = graph.of("create")
    assert old.body["transactionId"] != new.body["transactionId"]


async def test_form_toggle_gives_a_physical_meeting_an_outlook_event_without_teams(
        graph_bot) -> None:
    from storage.meeting_models import Meeting
    from tests.harness import activity, as_user
    from tests.test_rsvp_support import member, seed_meeting, seed_members

    bot, graph = graph_bot, graph_bot.graph
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)  # physical, Klækken hotel
    sec = secretariat_index(bot)
    aad = member(bot.engine, "Øyvind Såtvedt").aad_object_id or ""
    edit = as_user(activity("card_submit", bot.connector.url,
                            value={"verb": "meeting.edit", "meeting_id": mid}),
                   f"29:user-{sec}", aad)
    assert (await bot.post(edit))[0] in (200, 201)
    form = card_of(bot.connector.sent()[-1])
    toggle = next(n for n in form["body"] if n.get("id") == "outlook")
    assert toggle["value"] == "false" and "Send også Outlook-invitasjon" in toggle["title"]
    with session_scope(bot.engine) as s:
        meeting = s.get(Meeting, mid)
        assert meeting is not None
        when = (meeting.starts_at, meeting.ends_at)
    values = {"verb": "meeting.save", "meeting_id": mid, "group_id": "1", "title": meeting.title,
              "date": "2023-08-31", "start": "09:00", "end": "10:30", "place": "Klækken hotel",
              "format": "physical", "agenda": "1. Godkjenning av innkalling",
              "deadline_date": "2023-08-28", "outlook": "true"}
    save = as_user(activity("card_submit", bot.connector.url, value=values),
                   f"29:user-{sec}", aad)
    assert (await bot.post(save))[0] in (200, 201)
    status, _ = await bot.post(click(bot, sec, "meeting.send", meeting_id=mid))
    await until(lambda: len(graph.of("create")) == 1)
    body = graph.of("create")[0].body
    assert "isOnlineMeeting" not in body and body["location"] == {"displayName": "Klækken hotel"}
    await until(lambda: len(invitations_sent(bot)) == 42)
    text = card_text(card_of(invitations_sent(bot)[0]))
    assert "Du har fått invitasjonen i Outlook." in text and "Bli med i Teams-møtet" not in text
    assert when[0] is not None


async def test_outlook_notices_reach_each_secretariat_member_in_their_own_language(
        graph_bot) -> None:
    """Øyvind (bokmål) sends; Graph refuses the event; Mari chose nynorsk, Margrethe English."""
    from sqlalchemy import update
    from sqlmodel import col

    from storage.meeting_models import MeetingFormat
    from storage.models import Member
    from tests.test_rsvp_support import member, seed_meeting, seed_members

    bot, graph = graph_bot, graph_bot.graph
    graph.fail(403, operation="create")
    bot.clock.set(START)
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine, format=MeetingFormat.digital, place="")
    chosen = {"nn": member(bot.engine, "Mari Strømsvåg"),
              "en": member(bot.engine, "Margrethe Gjessing"),
              None: member(bot.engine, "Øyvind Såtvedt")}
    chats = {lang: f"a:conv-{m.teams_user_id}" for lang, m in chosen.items()}
    with session_scope(bot.engine) as s:
        s.execute(update(Member).where(col(Member.id) == chosen["nn"].id).values(language="nn"))
        s.execute(update(Member).where(col(Member.id) == chosen["en"].id).values(language="en"))
    assert (await bot.send("team_install"))[0] in (200, 201)
    status, body = await bot.post(click(bot, secretariat_index(bot), "meeting.send",
                                        meeting_id=mid))
    assert status == 200 and "Innkallingen sendes til 42" in card_text(body["value"])

    def notice(lang: str | None) -> dict | None:
        return next((card_of(a) for a in bot.connector.sent(chats[lang])
                     if a.get("attachments") and "Outlook" in str(a.get("text", ""))), None)
    await until(lambda: all(notice(lang) for lang in chats))
    nb, nn, en = (card_text(notice(lang)) for lang in (None, "nn", "en"))  # type: ignore[arg-type]
    assert "Outlook-møtet kunne ikke lages" in nb
    assert "appen mangler Graph-tillatelsen Calendars.ReadWrite" in nb
    assert "Outlook-møtet kunne ikkje lagast" in nn
    assert "appen manglar Graph-løyvet Calendars.ReadWrite" in nn
    assert "Innkallinga i Teams gjeld" in nn
    assert "The Outlook meeting could not be made" in en
    assert "the app lacks the Graph permission Calendars.ReadWrite" in en
    assert notice("en")["actions"][0]["title"] == "Recreate the Outlook meeting"  # type: ignore[index]
