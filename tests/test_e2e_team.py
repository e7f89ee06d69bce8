"""A team install: channel reference, group link, paged roster sync, members joining later."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from storage.groups import get_or_create_group, member_ids
from storage.models import ConversationKind, ConversationRef, Member, Role, WorkingGroup
from tests.harness import ANNE_AAD, ANNE_ID, TEAM_ID, TENANT, activity, card_of, card_text


def _roster(bot, n: int) -> list[dict]:
    people = []
    for i in range(n):
        person = {"id": f"29:user-{i}", "aadObjectId": f"00000000-0000-4000-8000-{i:012d}",
                  "name": f"Person {i}", "email": f"person{i}@kommune{i % 5}.no",
                  "userPrincipalName":
                  f"person{i}_kommune{i % 5}.no#EXT#@osloregionen.onmicrosoft.com",
                  "tenantId": TENANT}
        bot.connector.add_member(person, TEAM_ID)
        people.append(person)
    return people


@pytest.fixture
async def installed(bot) -> int:
    """Two groups, one imported member, a 7-person team installs the bot; the HTTP status."""
    with Session(bot.engine) as s:
        get_or_create_group(s, "Faggruppe for næringssamarbeid")
        get_or_create_group(s, "Faggruppe for klima og miljø")
        s.add(Member(name="Person 3", name_key="3 person", email="PERSON3@kommune3.no"))
        s.commit()
    _roster(bot, 7)
    status, _ = await bot.send("team_install")
    return int(status)


def _team_group(s: Session) -> WorkingGroup:
    return s.exec(select(WorkingGroup).where(WorkingGroup.team_id == TEAM_ID)).one()


async def test_team_install_is_accepted(installed):
    assert installed in (200, 201)


async def test_team_install_pages_through_the_roster(bot, installed):
    pages = [c for c in bot.connector.calls if c.path.endswith("/pagedmembers")]
    assert len(pages) == 4, "7 members at page size 2 take 4 pages"


async def test_team_install_links_the_group_named_like_the_team(bot, installed):
    with Session(bot.engine) as s:
        assert _team_group(s).name == "Faggruppe for næringssamarbeid"


async def test_team_install_links_an_imported_member_instead_of_duplicating(bot, installed):
    with Session(bot.engine) as s:
        members = s.exec(select(Member)).all()
    assert len(members) == 7, "the imported Person 3 is linked, not duplicated"


async def test_team_install_makes_members_reachable_in_the_tenant(bot, installed):
    with Session(bot.engine) as s:
        members = s.exec(select(Member)).all()
    assert all(m.aad_object_id and m.reachable and m.tenant_id == TENANT for m in members)


async def test_team_install_gives_synced_people_the_member_role(bot, installed):
    with Session(bot.engine) as s:
        members = s.exec(select(Member)).all()
    assert all(m.role == Role.member for m in members)


async def test_team_install_adds_every_synced_person_to_the_group(bot, installed):
    with Session(bot.engine) as s:
        assert len(member_ids(s, _team_group(s))) == 7


async def test_team_install_stores_the_channel_reference(bot, installed):
    with Session(bot.engine) as s:
        ref = s.exec(select(ConversationRef)).one()
    assert ref.kind == ConversationKind.channel and ref.team_id == TEAM_ID


async def test_team_install_posts_one_welcome_naming_the_group(bot, installed):
    (welcome,) = bot.connector.sent()
    assert "Faggruppe for næringssamarbeid" in card_text(card_of(welcome))
    assert "Velkommen!" in card_text(card_of(welcome))


async def test_team_without_matching_name_uses_the_only_group(bot):
    with Session(bot.engine) as s:
        get_or_create_group(s, "Næringsgruppa")
        s.commit()
    await bot.send("team_install")
    with Session(bot.engine) as s:
        assert s.exec(select(WorkingGroup)).one().team_id == TEAM_ID


async def test_member_joining_team_later_is_linked(bot):
    with Session(bot.engine) as s:
        get_or_create_group(s, "Faggruppe for næringssamarbeid")
        s.commit()
    await bot.send("team_install")
    newcomer = {"id": "29:new", "aadObjectId": "11111111-2222-4333-8444-555555555555",
                "name": "Trine Knobel", "email": "trine.knobel@gardermoregionen.no",
                "tenantId": TENANT}
    bot.connector.add_member(newcomer, TEAM_ID)
    joined = activity("team_install", bot.connector.url,
                      membersAdded=[{"id": "29:new", "aadObjectId": newcomer["aadObjectId"]}])
    status, _ = await bot.post(joined)
    assert status in (200, 201)
    with Session(bot.engine) as s:
        trine = s.exec(select(Member).where(Member.email == newcomer["email"])).one()
        group = s.exec(select(WorkingGroup)).one()
        assert trine.id in member_ids(s, group)
    assert len(bot.connector.sent()) == 1, "a joining member gets no channel welcome"


@dataclass
class Relinked:
    anne_id: int | None
    koble_reply: str
    synk_reply: str


@pytest.fixture
async def relinked(bot) -> Relinked:
    """Anne, secretariat in the team, relinks it to another group and syncs."""
    with Session(bot.engine) as s:
        get_or_create_group(s, "Faggruppe for næringssamarbeid")
        get_or_create_group(s, "Faggruppe for areal og transport")
        s.commit()
    bot.connector.add_member({"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
                              "tenantId": TENANT}, TEAM_ID)
    await bot.send("team_install")
    with Session(bot.engine) as s:
        anne = s.exec(select(Member).where(Member.aad_object_id == ANNE_AAD)).one()
        anne.role = Role.secretariat
        anne_id = anne.id
        s.add(anne)
        s.commit()
    await bot.send("channel_message",
                   text="<at>Faggruppe-bot</at> koble faggruppe for AREAL og transport")
    koble_reply = bot.connector.sent()[-1]["text"]
    await bot.send("channel_message", text="<at>Faggruppe-bot</at> synk")
    return Relinked(anne_id, koble_reply, bot.connector.sent()[-1]["text"])


async def test_koble_confirms_the_new_group_matched_case_insensitively(relinked):
    assert "koblet til «Faggruppe for areal og transport»" in relinked.koble_reply


async def test_synk_reports_the_team_size(relinked):
    assert "1 personer i teamet" in relinked.synk_reply


async def test_koble_moves_the_team_to_the_new_group(bot, relinked):
    with Session(bot.engine) as s:
        assert _team_group(s).name == "Faggruppe for areal og transport"


async def test_synk_adds_the_team_to_the_new_group(bot, relinked):
    with Session(bot.engine) as s:
        assert relinked.anne_id in member_ids(s, _team_group(s))
