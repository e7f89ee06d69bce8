"""The secretariat creates and edits a meeting with the card form; members list meetings."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from storage.groups import add_membership, get_or_create_group
from storage.meeting_models import AgendaItem, Meeting
from storage.models import Member, Role
from tests.harness import ANNE_AAD, card_of, card_text

FORM = {"verb": "meeting.save", "group_id": "1", "title": "Faggruppemøte",
        "date": "2023-08-31", "start": "09:00", "end": "10:30", "place": "Klækken hotel",
        "format": "physical", "agenda": "1. Godkjenning av innkalling\n2. Runden rundt bordet",
        "preparation": "Tenk på 3-4 utfordringer", "deadline_date": "2023-08-28"}


def _setup(bot, role: Role) -> None:
    with Session(bot.engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        anne = Member(name="Anne Feltman", name_key="anne feltman", aad_object_id=ANNE_AAD,
                      role=role)
        s.add(anne)
        s.flush()
        add_membership(s, group, anne)
        s.commit()


async def test_form_creates_then_edits_a_meeting(bot):
    _setup(bot, Role.secretariat)
    bot.clock.set(datetime(2023, 8, 1, 8, 0, tzinfo=UTC))
    await bot.send("card_submit", value={"verb": "meeting.new"})
    form = card_of(bot.connector.sent()[-1])
    assert "Nytt møte" in card_text(form)
    await bot.send("card_submit", value=FORM)
    assert "torsdag 31. august 2023 kl. 09.00–10.30" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        m = s.exec(select(Meeting)).one()
        assert m.starts_at == datetime(2023, 8, 31, 7, 0, tzinfo=UTC)
        assert m.rsvp_deadline == datetime(2023, 8, 28, 21, 59, tzinfo=UTC)
        assert len(s.exec(select(AgendaItem)).all()) == 2
        meeting_id = m.id
    await bot.send("card_submit", value={"verb": "meeting.edit", "meeting_id": meeting_id})
    assert "Klækken hotel" in card_text(card_of(bot.connector.sent()[-1]))
    await bot.send("card_submit", value={**FORM, "meeting_id": meeting_id, "start": "10:00",
                                         "end": "12:00", "agenda": "1. Godkjenning"})
    with Session(bot.engine) as s:
        m = s.exec(select(Meeting)).one()
        assert (m.starts_at, m.version) == (datetime(2023, 8, 31, 8, 0, tzinfo=UTC), 2)
        assert [i.title for i in s.exec(select(AgendaItem)).all()] == ["Godkjenning"]
    await bot.send("personal_message", text="møter")
    listing = card_text(card_of(bot.connector.sent()[-1]))
    assert "Faggruppemøte" in listing and "Endre" in listing


async def test_form_errors_come_back_with_what_was_typed(bot):
    _setup(bot, Role.secretariat)
    await bot.send("card_submit", value={**FORM, "end": "08:00", "agenda": "ingen nummer"})
    card = card_of(bot.connector.sent()[-1])
    text = card_text(card)
    assert "«Til» må være etter «Fra»" in text and "nummererte linjer" in text
    assert "Klækken hotel" in text, "what was typed is kept"
    with Session(bot.engine) as s:
        assert s.exec(select(Meeting)).all() == []


async def test_members_cannot_save_but_can_list(bot):
    _setup(bot, Role.member)
    await bot.send("card_submit", value=FORM)
    assert "forbeholdt sekretariatet" in bot.connector.sent()[-1]["text"]
    await bot.send("personal_message", text="møter")
    listing = card_of(bot.connector.sent()[-1])
    assert "Ingen møter er planlagt" in card_text(listing)
    assert "actions" not in listing, "no «Nytt møte» button for members"
