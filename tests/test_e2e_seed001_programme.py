"""Seed 001's two-day programme as a joint meeting: answers per item with dietary needs."""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from cli import CliContext
from cli.export_attendance import cmd_export
from core.settings import Settings
from services.meetings import send
from storage import meetings as repo
from storage.db import session_scope
from storage.groups import add_membership, get_or_create_group
from storage.meeting_models import ProgrammeItem
from storage.members import name_key
from storage.models import ConversationRef, Member
from tests.harness import FIXTURES, TENANT, TEST_LINKS, card_of
from tests.meeting_cards_support import until
from tests.test_e2e_meetings import answer
from tests.test_e2e_meetings_status import say
from tests.test_rsvp_support import GROUP, aad, member, seed_members

OSLO = ZoneInfo("Europe/Oslo")
ASKS = ("lunsj", "innsjekking", "middag")  # the shared lunch, the overnight stay, the dinner


def programme() -> list[dict]:
    """The table from seed 001 (Dag, Når, Hvor, Hva), in 2021, as programme item fields."""
    rows, day = [], date(2021, 9, 1)
    lines = (FIXTURES / "seed001_programme.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for position, line in enumerate(lines):
        dag, when, where, what = line.split("\t")
        if dag.strip():
            day = date(2021, 9, int(dag.split(".")[0]))
        hours = re.findall(r"(\d{1,2})(\d{2})?", when.split("Kl")[1])
        start, end = [datetime.combine(day, time(int(h), int(m or 0)), OSLO) for h, m in hours] \
            + [None] * (2 - len(hours))
        rows.append({"position": position, "day": day, "starts_at": start, "ends_at": end,
                     "place": where, "what": what,
                     "asks_rsvp": any(word in what.casefold() for word in ASKS)})
    return rows


def _joint_meeting(engine, url: str) -> tuple[int, dict[str, int]]:
    with session_scope(engine) as s:
        ours = get_or_create_group(s, GROUP)
        other = get_or_create_group(s, "Faggruppe for kultur")
        guest = Member(name="Kari Kultur", name_key=name_key("Kari Kultur"), organisation="Moss",
                       aad_object_id=aad(200), teams_user_id="29:user-200", tenant_id=TENANT)
        s.add(guest)
        s.flush()
        add_membership(s, other, guest)
        s.execute(insert(ConversationRef), [{
            "conversation_id": "a:conv-29:user-200", "kind": "personal", "service_url": url,
            "tenant_id": TENANT, "bot_id": "28:bot", "member_id": guest.id, "installed": True,
            "installed_at": datetime.now(OSLO)}])
        items = programme()
        meeting = repo.create_meeting(
            s, [ours, other], datetime(2021, 8, 1, tzinfo=OSLO),
            title="Faggruppemøte/studietur 1.–2. september", starts_at=items[0]["starts_at"],
            ends_at=items[-1]["ends_at"], place="Moss Kulturhus, Refsnes Gods og NMBU",
            rsvp_deadline=datetime(2021, 8, 25, 12, 0, tzinfo=OSLO))
        for fields in items:
            s.add(ProgrammeItem(meeting_id=meeting.id or 0, **fields))
        s.flush()
        ids = {i.what.split()[1]: i.id or 0 for i in repo.programme_items(s, meeting.id or 0)
               if i.asks_rsvp}
        send(s, meeting.id or 0, datetime(2021, 8, 16, 8, 0, tzinfo=OSLO), links=TEST_LINKS)
        return meeting.id or 0, ids


async def test_two_days_answered_per_item_counted_with_dietary_needs(bot, capsys) -> None:
    bot.clock.set(datetime(2021, 8, 16, 8, 0, tzinfo=OSLO))
    seed_members(bot.engine, bot.connector.url)
    mid, item = _joint_meeting(bot.engine, bot.connector.url)
    assert set(item) == {"lunsj", "fra", "middag"}  # «Avreise fra Moss … innsjekking»
    await until(lambda: len(bot.connector.sent()) == 43)  # 42 + the other group's member
    card = card_of(bot.connector.sent("a:conv-29:user-200")[0])
    toggles = [el["id"] for el in card["body"] if el["type"] == "Input.Toggle"]
    assert toggles == [f"item_{item[k]}" for k in ("lunsj", "fra", "middag")]

    diets = {1: "Glutenfri", 2: "Vegetar"}
    for i in range(10):
        chosen = {f"item_{item['lunsj']}": "true", f"item_{item['middag']}": "true",
                  f"item_{item['fra']}": "true" if i < 5 else "false"}
        shown = await answer(bot, i, mid, "physical", dietary=diets.get(i, ""), **chosen)
        assert "Svaret ditt er registrert" in shown
    await answer(bot, 10, mid, "no", **{f"item_{item['lunsj']}": "true"})  # «no» takes nothing
    await answer(bot, 200, mid, "digital", dietary="Laktosefri",
                 **{f"item_{item['middag']}": "true"})

    sec = int((member(bot.engine, "Øyvind Såtvedt").aad_object_id or "").rsplit("-", 1)[1])
    status = await say(bot, sec, f"status {mid}")
    assert "Felles lunsj alle faggruppene: **10** påmeldt – matbehov: Glutenfri; Vegetar" in status
    assert "innsjekking Refsnes Gods: **5** påmeldt" in status
    assert "Felles middag alle faggruppene: **11** påmeldt – matbehov: Glutenfri; Vegetar; " \
           "Laktosefri" in status.replace("\n", " ")
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    ctx = CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    await asyncio.to_thread(cmd_export, argparse.Namespace(
        meeting_id=mid, format="md", items=True, output=None), ctx)
    out = capsys.readouterr().out
    assert "| Felles lunsj alle faggruppene | 10 | Glutenfri; Vegetar |" in out
    assert "| Avreise fra Moss sentrum og innsjekking Refsnes Gods | 5 | Glutenfri; Vegetar |" \
        in out
    assert "| Felles middag alle faggruppene | 11 | Glutenfri; Vegetar; Laktosefri |" in out
    assert out.count("\n| ") == 1 + 11 + 1 + 3  # the 11 who come, then the three items
