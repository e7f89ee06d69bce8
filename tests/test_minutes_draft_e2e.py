"""The «Referatutkast» card over HTTP and its downloads: signed for purpose `minutes`, one
meeting, one version, one recipient, expiring; a deputy checked in by the secretariat
is marked «vara for …» from the RSVP's deputy name."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
from sqlmodel import Session, select

from domain.meetings import RsvpAnswer
from services.minutes_draft import download_url
from storage.meeting_models import Attendance, Rsvp
from storage.models import AuditEntry, Member, Role
from tests.harness import activity, as_user, card_nodes, card_of, card_text
from tests.minutes_draft_support import FIXTURES, GROUP, setup_seed003

EXPECTED = (FIXTURES / "seed003_minutes_draft.md").read_text(encoding="utf-8")
OYVIND = ("29:s3-100", "00000000-0000-4003-8000-000000000100")
MARI = ("29:s3-101", "00000000-0000-4003-8000-000000000101")
MEMBER = ("29:s3-0", "00000000-0000-4003-8000-000000000000")  # Ingar Vaskinn


async def _say(bot, who: tuple[str, str], text: str) -> list[dict]:
    conv = f"a:chat-{who[0]}"
    body = as_user(activity("personal_message", bot.connector.url, text=text), *who)
    body["conversation"] = {**body["conversation"], "id": conv}
    before = len(bot.connector.sent(conv))
    status, _ = await bot.post(body)
    assert status in (200, 201)
    return bot.connector.sent(conv)[before:]


def _urls(card: dict) -> dict[str, str]:
    return {n["title"]: n["url"] for n in card_nodes(card) if n.get("type") == "Action.OpenUrl"}


async def _get(bot, url: str) -> tuple[int, bytes, dict]:
    path = "/minutes/" + url.rsplit("/minutes/", 1)[1]
    async with bot.http.get(bot.url + path) as resp:
        return resp.status, await resp.read(), dict(resp.headers)


async def test_referatutkast_card_outlines_the_draft_and_its_links_download_it(bot) -> None:
    seed = setup_seed003(bot.engine)
    sent = await _say(bot, OYVIND, f"referatutkast {seed.meeting_id}")
    card = card_of(sent[-1])
    text = card_text(card)
    assert "Referatutkast" in text and f"Referat møte i {GROUP}" in text
    assert "7. Runden – tema digitalisering" in text and "20 registrert til stede" in text
    urls = _urls(card)
    status, body, headers = await _get(bot, urls["Last ned Markdown"])
    assert status == 200 and body.decode("utf-8") == EXPECTED
    assert headers["Content-Type"].startswith("text/markdown")
    status, body, headers = await _get(bot, urls["Last ned Word"])
    assert status == 200 and "referatutkast-m" in headers["Content-Disposition"]
    assert docx.Document(io.BytesIO(body)).paragraphs[0].text == f"Referat møte i {GROUP}"
    with Session(bot.engine) as s:
        actions = [a.action for a in s.exec(select(AuditEntry))]
    assert actions.count("minutes.draft.download") == 2 and "minutes.draft.read" in actions


async def test_a_draft_link_expires_after_a_day(bot) -> None:
    seed = setup_seed003(bot.engine, with_input=False)
    urls = _urls(card_of((await _say(bot, OYVIND, f"referatutkast {seed.meeting_id}"))[-1]))
    bot.clock.advance(hours=25, minutes=1)
    status, body, _ = await _get(bot, urls["Last ned Word"])
    assert status == 403 and "utløpt" in body.decode()


async def test_a_draft_link_opens_for_its_recipient_only_while_in_the_secretariat(bot) -> None:
    seed = setup_seed003(bot.engine, with_input=False)
    urls = _urls(card_of((await _say(bot, OYVIND, f"referatutkast {seed.meeting_id}"))[-1]))
    with Session(bot.engine) as s:
        oyvind = s.get(Member, seed.people["Øyvind Såtvedt"])
        assert oyvind is not None
        oyvind.role = Role.member
        s.add(oyvind)
        s.commit()
    status, body, _ = await _get(bot, urls["Last ned Markdown"])
    assert status == 403 and "sekretariatet" in body.decode()


async def test_a_draft_link_for_another_meeting_version_or_purpose_is_refused(bot) -> None:
    seed = setup_seed003(bot.engine, with_input=False)
    now = bot.clock.now()
    with Session(bot.engine) as s:
        mari = s.get(Member, seed.people["Mari Strømsvåg"])
        assert mari is not None
        good = download_url(bot.links, seed.meeting_id, mari, "md", now)
        stored_version = download_url(bot.links, seed.meeting_id, mari, "md", now, version=3)
    token = good.rsplit("/minutes/", 1)[1].split("/")[0]
    assert (await _get(bot, good))[0] == 200
    assert (await _get(bot, stored_version))[0] == 404, "issue 17's versions are not served yet"
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert (await _get(bot, f"{bot.url}/minutes/{forged}/md"))[0] == 403
    ics = bot.links.token("ics", seed.meeting_id, now + timedelta(hours=1))
    status, body, _ = await _get(bot, f"{bot.url}/minutes/{ics}/md")
    assert status == 403 and "noe annet" in body.decode()
    assert (await _get(bot, f"{bot.url}/minutes/{token}/pdf"))[0] == 404


async def test_referatutkast_is_for_the_secretariat_only(bot) -> None:
    seed = setup_seed003(bot.engine, with_input=False)
    sent = await _say(bot, MEMBER, f"referatutkast {seed.meeting_id}")
    assert not any(n.get("type") == "Action.OpenUrl" for s in sent
                   for n in card_nodes(s.get("attachments", [{}])[0].get("content", {})
                                       if s.get("attachments") else {}))


async def test_referatutkast_of_an_unknown_meeting_says_so(bot) -> None:
    setup_seed003(bot.engine, with_input=False)
    sent = await _say(bot, OYVIND, "referatutkast 999")
    assert "999" in sent[-1].get("text", "")


async def test_a_deputy_named_in_the_rsvp_and_checked_in_is_vara_for_the_member(bot) -> None:
    seed = setup_seed003(bot.engine, with_input=False)
    with Session(bot.engine) as s:
        s.add(Rsvp(meeting_id=seed.meeting_id, member_id=seed.people["Nils Fravær"],
                   answer=RsvpAnswer.no, deputy_name="Kari Stedfortreder"))
        s.commit()
    sent = await _say(bot, OYVIND, f"oppmøte {seed.meeting_id} Stedfortreder Kari; Follo")
    assert "vara for Nils Fravær" in sent[-1]["text"]
    sent = await _say(bot, OYVIND, f"oppmøte {seed.meeting_id} Gjest Gjestesen; NHO")
    with Session(bot.engine) as s:
        rows = {a.name: a.deputy_for_member_id for a in s.exec(
            select(Attendance).where(Attendance.member_id == None))}  # noqa: E711
    assert rows == {"Stedfortreder Kari": seed.people["Nils Fravær"], "Gjest Gjestesen": None}
    urls = _urls(card_of((await _say(bot, OYVIND, f"referatutkast {seed.meeting_id}"))[-1]))
    md = (await _get(bot, urls["Last ned Markdown"]))[1].decode()
    assert "| Stedfortreder Kari (vara for Nils Fravær) | Follo |" in md
    assert "| Gjest Gjestesen (gjest) | NHO |" in md
    assert "**Fraværende:**" not in md, "Follo was there through its deputy"
