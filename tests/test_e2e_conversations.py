"""Installs, welcome, help and identity: real Teams payloads over HTTP to the running app."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import ConversationKind, ConversationRef, Member, Role
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, card_of, card_text

ANNE_PROFILE = {
    "id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
    "email": "anne.feltman@asker.kommune.no", "userPrincipalName":
    "anne.feltman_asker.kommune.no#EXT#@osloregionen.onmicrosoft.com", "tenantId": TENANT,
}


async def test_personal_install_stores_reference_and_welcomes_once(bot):
    bot.connector.add_member(ANNE_PROFILE)
    status, _ = await bot.send("installation_update_add")
    assert status in (200, 201)
    status, _ = await bot.send("personal_install")
    assert status in (200, 201)
    sent = bot.connector.sent()
    assert len(sent) == 1, "installationUpdate + conversationUpdate must welcome only once"
    welcome = sent[0]
    assert "Velkommen" in welcome["text"]
    assert "Velkommen, Anne Feltman!" in card_text(card_of(welcome))
    with Session(bot.engine) as s:
        ref = s.exec(select(ConversationRef)).one()
        assert ref.kind == ConversationKind.personal
        assert ref.tenant_id == TENANT
        assert ref.service_url == bot.connector.url
        member = s.exec(select(Member).where(Member.aad_object_id == ANNE_AAD)).one()
        assert ref.member_id == member.id
        assert member.email == "anne.feltman@asker.kommune.no"


async def test_install_links_imported_member_by_email(bot):
    with Session(bot.engine) as s:
        s.add(Member(name="Anne Feltman", name_key="anne feltman", organisation="Asker - Bærum",
                     email="Anne.Feltman@asker.kommune.no"))
        s.commit()
    bot.connector.add_member(ANNE_PROFILE)
    await bot.send("personal_install")
    with Session(bot.engine) as s:
        members = s.exec(select(Member)).all()
        assert len(members) == 1
        assert members[0].aad_object_id == ANNE_AAD
        assert members[0].organisation == "Asker - Bærum"


async def test_guest_upn_links_by_home_email(bot):
    with Session(bot.engine) as s:
        s.add(Member(name="Anne Feltman", name_key="anne feltman",
                     email="anne.feltman@asker.kommune.no"))
        s.commit()
    bot.connector.add_member({**ANNE_PROFILE, "email": None})
    await bot.send("personal_install")
    with Session(bot.engine) as s:
        assert s.exec(select(Member)).one().aad_object_id == ANNE_AAD


async def test_help_in_personal_group_and_channel(bot):
    bot.connector.add_member(ANNE_PROFILE)
    for name in ("personal_message", "group_chat_message", "channel_message"):
        status, _ = await bot.send(name)
        assert status in (200, 201)
    sent = bot.connector.sent()
    assert len(sent) == 3
    for reply in sent:
        text = card_text(card_of(reply))
        assert "Hjelp" in text and "hjelp" in text
        assert "koble" not in text, "members must not see secretariat commands"
        assert reply["text"]


async def test_unknown_command_gets_a_norwegian_hint(bot):
    status, _ = await bot.send("personal_message", text="vis kalender")
    assert status in (200, 201)
    (reply,) = bot.connector.sent()
    assert "kjenner ikke kommandoen «vis»" in reply["text"]
    assert "hjelp" in reply["text"]


async def test_secretariat_command_in_a_channel_refused_for_an_unknown_teams_user(bot):
    # No profile: Teams will not say who this is. Members, guests and a deactivated
    # secretariat are the role table's rows (tests/test_roles.py).
    from storage.models import AuditEntry

    await bot.send("channel_message", text="<at>Faggruppe-bot</at> synk")
    (reply,) = bot.connector.sent()
    assert "forbeholdt sekretariatet" in reply["text"]
    with Session(bot.engine) as s:
        entry = s.exec(select(AuditEntry)).one()
        assert (entry.action, entry.outcome, entry.actor_aad_object_id) == (
            "synk", "refused", ANNE_AAD)


async def test_secretariat_sees_buttons_on_help(bot):
    bot.connector.add_member(ANNE_PROFILE)
    await bot.send("personal_install")
    with Session(bot.engine) as s:
        member = s.exec(select(Member)).one()
        member.role = Role.secretariat
        s.add(member)
        s.commit()
    await bot.send("personal_message")
    card = card_of(bot.connector.sent()[-1])
    titles = [a["title"] for a in card.get("actions", [])]
    assert "Synkroniser medlemmer" in titles
    assert "koble" in card_text(card)


async def test_uninstall_is_recorded_not_an_error(bot):
    bot.connector.add_member(ANNE_PROFILE)
    await bot.send("personal_install")
    status, _ = await bot.send("installation_update_remove")
    assert status in (200, 201)
    with Session(bot.engine) as s:
        ref = s.exec(select(ConversationRef)).one()
        assert ref.installed is False and ref.removed_at is not None
    await bot.send("installation_update_add")
    assert len(bot.connector.sent()) == 2, "a reinstall is welcomed again"


async def test_concurrent_install_turns_do_not_wait_on_each_others_lock(bot):
    """The Playground and Teams send installationUpdate and conversationUpdate at once."""
    import asyncio

    from tests.harness import activity

    bot.connector.add_member(ANNE_PROFILE)
    bot.connector.latency_s = 0.3  # a turn waits on Teams while the other one runs
    first = activity("installation_update_add", bot.connector.url)
    second = activity("personal_install", bot.connector.url)
    # Far below SQLite's 15 s busy timeout: a lock held across an await would hit it.
    results = await asyncio.wait_for(asyncio.gather(bot.post(first), bot.post(second)), 8)
    assert [status for status, _ in results] == [201, 201]
    assert len(bot.connector.sent()) == 1


async def test_failed_profile_lookup_is_not_repeated_on_every_turn(bot):
    for _ in range(3):
        await bot.send("personal_message")
    lookups = [c for c in bot.connector.calls if c.method == "GET" and "/members/" in c.path]
    assert len(lookups) == 1, "Teams refused once; the next turns do not ask again"
    bot.connector.add_member(ANNE_PROFILE)
    bot.clock.advance(minutes=11)
    await bot.send("personal_message")
    with Session(bot.engine) as s:
        assert s.exec(select(Member)).one().aad_object_id == ANNE_AAD


async def test_profile_without_aad_id_links_the_sender(bot):
    bot.connector.add_member({k: v for k, v in ANNE_PROFILE.items() if k != "aadObjectId"})
    await bot.send("personal_message")
    await bot.send("personal_message")
    lookups = [c for c in bot.connector.calls if c.method == "GET" and "/members/" in c.path]
    assert len(lookups) == 1
    with Session(bot.engine) as s:
        assert s.exec(select(Member)).one().aad_object_id == ANNE_AAD
