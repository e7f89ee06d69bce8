"""`oppdatering TEKST` before the meeting: stored for the region, shown when the round starts."""

from __future__ import annotations

from datetime import UTC, datetime

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


async def test_member_writes_the_regions_update_before_the_meeting(bot):
    meeting_id, region_id = _setup(bot)
    await bot.send("personal_message", text="oppdatering Green offshore Tech fikk 30 mill. Euro")
    assert "lagret til «Faggruppemøte» torsdag 26. november 2026" in bot.connector.sent()[-1][
        "text"]
    await bot.send("personal_message", text="oppdatering Prosjektet fikk 30 mill. Euro")
    with Session(bot.engine) as s:
        row = s.exec(select(RoundPrewrite)).one()
        assert (row.meeting_id, row.region_id) == (meeting_id, region_id)
        assert row.text == "Prosjektet fikk 30 mill. Euro", "writing again replaces it"
        rnd = create_round(s, group_id=None, meeting_id=meeting_id, topic="Digitalisering",
                           mode=OrderMode.alphabetical, seconds=180, auto_advance=False,
                           conversation_id="19:x", drafts=[SlotDraft("Mosseregionen", region_id)],
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


async def test_missing_text_too_long_and_no_meeting(bot):
    await bot.send("personal_message", text="oppdatering")
    assert "Skriv **oppdatering** og teksten" in bot.connector.sent()[-1]["text"]
    _setup(bot)
    await bot.send("personal_message", text="oppdatering " + "x" * 3001)
    assert "for lang (3001 tegn" in bot.connector.sent()[-1]["text"]
    bot.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    await bot.send("personal_message", text="oppdatering hei")
    assert "ikke planlagt noe møte" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        assert s.exec(select(RoundPrewrite)).all() == []
