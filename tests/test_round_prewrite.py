"""`oppdatering TEKST` before the meeting: stored for the region, shown when the round starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from domain.round import OrderMode
from storage import meetings as meeting_repo
from storage.groups import add_membership, get_or_create_group
from storage.models import AuditEntry, Member, Role
from storage.regions import region_for_organisation
from storage.round_models import RoundPrewrite
from storage.rounds import SlotDraft, create_round, slots
from tests.harness import ANNE_AAD

START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _setup(bot, role: Role = Role.member) -> tuple[int, int]:
    with Session(bot.engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        region = region_for_organisation(s, "Mosseregionen")
        assert region is not None
        yngvar = Member(name="Yngvar Trandem", name_key="trandem yngvar", role=role,
                        organisation="Mosseregionen", region_id=region.id,
                        aad_object_id=ANNE_AAD)
        s.add(yngvar)
        s.flush()
        add_membership(s, group, yngvar)
        meeting = meeting_repo.create_meeting(s, [group], bot.clock.now(), title="Faggruppemøte",
                                              starts_at=START, ends_at=START.replace(hour=10))
        s.commit()
        return meeting.id or 0, region.id or 0


@dataclass
class Written:
    meeting_id: int
    region_id: int
    first_reply: str


@pytest.fixture
async def written(bot) -> Written:
    """A member writes the region's update, then writes it again."""
    meeting_id, region_id = _setup(bot)
    await bot.send("personal_message", text="oppdatering Green offshore Tech fikk 30 mill. Euro")
    first_reply = bot.connector.sent()[-1]["text"]
    await bot.send("personal_message", text="oppdatering Prosjektet fikk 30 mill. Euro")
    return Written(meeting_id, region_id, first_reply)


async def test_prewrite_reply_names_the_meeting_and_date(written):
    assert "lagret til «Faggruppemøte» torsdag 26. november 2026" in written.first_reply


async def test_prewrite_is_stored_for_the_meeting_and_the_members_region(bot, written):
    with Session(bot.engine) as s:
        row = s.exec(select(RoundPrewrite)).one()
    assert (row.meeting_id, row.region_id) == (written.meeting_id, written.region_id)


async def test_prewrite_written_again_replaces_the_first(bot, written):
    with Session(bot.engine) as s:
        row = s.exec(select(RoundPrewrite)).one()
    assert row.text == "Prosjektet fikk 30 mill. Euro", "writing again replaces it"


async def test_prewrite_shows_in_the_regions_slot_when_the_round_starts(bot, written):
    with Session(bot.engine) as s:
        rnd = create_round(s, group_id=None, meeting_id=written.meeting_id,
                           topic="Digitalisering", mode=OrderMode.alphabetical, seconds=180,
                           auto_advance=False, conversation_id="19:x",
                           drafts=[SlotDraft("Mosseregionen", written.region_id)],
                           by_member_id=None, now=START)
        assert slots(s, rnd.id or 0)[0].update_text == "Prosjektet fikk 30 mill. Euro"


async def test_secretariat_writes_for_a_named_region_audited(bot):
    _setup(bot, Role.secretariat)
    with Session(bot.engine) as s:
        region_for_organisation(s, "Asker - Bærum")
        s.commit()
    await bot.send("personal_message", text="oppdatering Bærum: Klimadashboard for Fornebu")
    with Session(bot.engine) as s:
        row = s.exec(select(RoundPrewrite)).one()
        assert row.text == "Klimadashboard for Fornebu"
        assert s.exec(select(AuditEntry)).one().target == "Asker - Bærum"


def _no_prewrite(bot) -> None:
    with Session(bot.engine) as s:
        assert s.exec(select(RoundPrewrite)).all() == []


async def test_prewrite_without_text_explains_the_command(bot):
    await bot.send("personal_message", text="oppdatering")
    assert "Skriv **oppdatering** og teksten" in bot.connector.sent()[-1]["text"]
    _no_prewrite(bot)


async def test_prewrite_too_long_is_refused_with_its_length(bot):
    _setup(bot)
    await bot.send("personal_message", text="oppdatering " + "x" * 3001)
    assert "for lang (3001 tegn" in bot.connector.sent()[-1]["text"]
    _no_prewrite(bot)


async def test_prewrite_after_the_last_meeting_says_none_is_planned(bot):
    _setup(bot)
    bot.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    await bot.send("personal_message", text="oppdatering hei")
    assert "ikke planlagt noe møte" in bot.connector.sent()[-1]["text"]
    _no_prewrite(bot)
