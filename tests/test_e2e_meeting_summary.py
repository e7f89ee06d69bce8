"""The channel summary card: posted at send-out, redrawn in place at most once a window."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from core.links import LinkSigner
from services.meetings import send
from storage.db import session_scope
from storage.meetings import SUMMARY, cards
from tests.harness import TEAM_ID, card_of, card_text
from tests.meeting_cards_support import channel_posts, puts, until
from tests.test_e2e_meetings import answer
from tests.test_e2e_meetings_status import START
from tests.test_rsvp_support import seed_meeting, seed_members


async def _sent_meeting(bot) -> int:
    bot.clock.set(START)  # before anything runs: the senders read the clock concurrently
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)
    status, _ = await bot.send("team_install")  # links the team's channel to the group
    assert status in (200, 201)
    with session_scope(bot.engine) as s:
        send(s, mid, START, links=bot.links)
    return mid


async def test_burst_of_answers_gives_few_updates_and_right_counts(bot) -> None:
    mid = await _sent_meeting(bot)
    summaries = lambda: [a for a in channel_posts(bot)  # noqa: E731
                         if str(a.get("text", "")).startswith("Påmelding")]
    await until(lambda: len(summaries()) == 1)
    assert "0 av 2" in card_text(card_of(summaries()[0]))
    for i in range(15):  # a burst inside one window: nothing is redrawn yet
        await answer(bot, i, mid, "physical" if i % 3 else "digital")
    assert puts(bot, TEAM_ID) == []
    bot.clock.set(START + timedelta(seconds=6))
    await until(lambda: len(puts(bot, TEAM_ID)) == 1)
    for i in range(15, 25):
        await answer(bot, i, mid, "no" if i < 20 else "maybe")
    await answer(bot, 0, mid, "no")  # a change of mind counts once
    bot.clock.set(START + timedelta(seconds=12))
    await until(lambda: len(puts(bot, TEAM_ID)) == 2)
    bot.clock.set(START + timedelta(seconds=30))
    with session_scope(bot.engine) as s:
        await until(lambda: not cards(s, mid, SUMMARY)[0].dirty)
    assert len(puts(bot, TEAM_ID)) == 2  # 26 answers, two redraws
    final = card_text(card_of(puts(bot, TEAM_ID)[-1].body))
    assert "Kommer (fysisk)\n10" in final and "Kommer (digitalt)\n4" in final, final
    assert "Kommer ikke\n6" in final and "Usikker\n5" in final and "Ikke svart\n17" in final
    assert "15 av 23 regioner har svart" in final


async def test_calendar_link_with_injected_ics_secret_opens_and_forgeries_do_not(bot) -> None:
    # The bot fixture injects ICS_SECRET in its Settings (not in the environment).
    mid = await _sent_meeting(bot)
    await until(lambda: len(bot.connector.sent()) >= 10)
    invitation = next(card_of(a) for a in bot.connector.sent()
                      if str(a.get("text", "")).startswith("Innkalling:"))
    link = next(a["url"] for el in invitation["body"] if el["type"] == "ActionSet"
                for a in el["actions"] if a["type"] == "Action.OpenUrl")
    path = urlsplit(link).path
    async with bot.http.get(bot.url + path) as resp:
        body = await resp.text()
        assert resp.status == 200 and resp.content_type == "text/calendar"
    for line in ("METHOD:PUBLISH", "BEGIN:VTIMEZONE", "TZID:Europe/Oslo",
                 "DTSTART;TZID=Europe/Oslo:20230831T090000",
                 "DTEND;TZID=Europe/Oslo:20230831T103000", "SEQUENCE:1",
                 f"UID:meeting-{mid}@faggruppe-bot", "LOCATION:Klækken hotel"):
        assert line in body, body
    assert "1. Godkjenning av innkalling" in body.replace("\r\n ", "")
    token = path.rsplit("/", 1)[1]
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    other_key = LinkSigner(b"another key", bot.url).url("ics", mid, START + timedelta(days=1))
    for bad in (forged, urlsplit(other_key).path, "/ics/ikke-en-lenke", f"/ics/{token}x"):
        async with bot.http.get(bot.url + bad) as resp:
            assert resp.status == 403 and "ugyldig" in await resp.text()
    for_minutes = bot.links.token("minutes", mid, START + timedelta(days=1))
    async with bot.http.get(f"{bot.url}/ics/{for_minutes}") as resp:  # another purpose
        assert resp.status == 403 and "noe annet" in await resp.text()
    gone = bot.links.token("ics", 9999, START + timedelta(days=1))
    async with bot.http.get(f"{bot.url}/ics/{gone}") as resp:
        assert resp.status == 404 and "Fant ikke møtet" in await resp.text()
    bot.clock.set(START + timedelta(days=80))
    async with bot.http.get(bot.url + path) as resp:
        assert resp.status == 403 and "utløpt" in await resp.text()
