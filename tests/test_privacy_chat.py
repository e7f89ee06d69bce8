"""`mine data` over HTTP: the card, the signed 1-hour JSON link; personal data only 1:1; «Logg»."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from services.privacy import erase_member
from storage import audit
from storage.conversations import RefData, upsert_ref
from storage.delivery_models import Delivery
from storage.models import AuditEntry, ConversationKind, ConversationRef, Member, Role
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, card_nodes, card_of, card_text
from tests.meeting_cards_support import until

PRIVACY_URL = "https://www.osloregionen.no/personvern/"


def _anne(bot, role: Role = Role.member) -> int:
    with Session(bot.engine) as s:
        anne = Member(name="Anne Feltman", name_key="anne feltman", email="anne@lier.no",
                      aad_object_id=ANNE_AAD, teams_user_id=ANNE_ID, tenant_id=TENANT,
                      role=role)
        s.add(anne)
        s.commit()
        return anne.id or 0


def _link(card: dict) -> str:
    (url,) = [n["url"] for n in card_nodes(card) if n.get("type") == "Action.OpenUrl"]
    return url


async def test_mine_data_card_links_a_json_file_for_one_hour_for_that_member_only(bot) -> None:
    anne = _anne(bot)
    await bot.send("personal_message", text="mine data")
    card = card_of(bot.connector.sent()[-1])
    text = card_text(card)
    assert "Anne Feltman" in text and "anne@lier.no" in text and "anonyme" in text
    url = _link(card)
    path = "/mydata/" + url.rsplit("/mydata/", 1)[1]
    async with bot.http.get(bot.url + path) as resp:
        assert resp.status == 200 and resp.charset == "utf-8"
        assert "mine-data.json" in resp.headers["Content-Disposition"]
        data = json.loads((await resp.read()).decode("utf-8"))
    assert data["medlem"]["id"] == anne and data["medlem"]["navn"] == "Anne Feltman"
    # Another purpose's token cannot open it, nor a changed one; after an hour it is gone.
    ics = bot.links.token("ics", anne, bot.clock.now() + timedelta(hours=1))
    async with bot.http.get(f"{bot.url}/mydata/{ics}") as resp:
        assert resp.status == 403 and "noe annet" in await resp.text()
    async with bot.http.get(bot.url + path[:-2] + "xx") as resp:
        assert resp.status == 403
    bot.clock.advance(hours=1, minutes=1)
    async with bot.http.get(bot.url + path) as resp:
        assert resp.status == 403 and "utløpt" in await resp.text()
    with Session(bot.engine) as s:
        assert len(s.exec(select(AuditEntry).where(
            AuditEntry.action == "member.export")).all()) == 1


async def test_slett_asks_first_and_a_wrong_confirmation_erases_nothing(bot) -> None:
    anne = _anne(bot)
    await bot.send("personal_message", text="slett mine data")
    assert "Skriv **SLETT**" in card_text(card_of(bot.connector.sent()[-1]))
    await bot.send("card_submit", value={"verb": "mydata.erase_confirm", "confirm": "nei"})
    with Session(bot.engine) as s:
        assert s.get(Member, anne).name == "Anne Feltman"  # type: ignore[union-attr]


async def test_members_list_in_a_channel_goes_to_the_personal_chat(bot) -> None:
    _anne(bot, Role.secretariat)
    with Session(bot.engine) as s:
        s.add(Member(name="Ola Uten Teams", name_key="ola teams uten", email="ola@hole.no"))
        upsert_ref(s, RefData(conversation_id="a:anne-personal", kind=ConversationKind.personal,
                              service_url=bot.connector.url, tenant_id=TENANT, team_id=None,
                              channel_id=None, bot_id="28:bot", user_aad_object_id=ANNE_AAD),
                   bot.clock.now(), s.exec(select(Member.id).where(
                       Member.aad_object_id == ANNE_AAD)).one())
        s.commit()
    await bot.send("channel_message", text="<at>Faggruppe-bot</at> medlemmer")
    channel_reply = bot.connector.sent()[-1]
    assert channel_reply["text"] == "Sendt deg i personlig chat."
    assert "ola@hole.no" not in json.dumps(channel_reply)
    with Session(bot.engine) as s:
        (row,) = s.exec(select(Delivery).where(Delivery.purpose == "personal_reply")).all()
        assert "ola@hole.no" in row.payload
        reads = s.exec(select(AuditEntry).where(AuditEntry.action == "members.read")).all()
        assert len(reads) == 1
    await until(lambda: bool(bot.connector.sent("a:anne-personal")), timeout=10)
    assert "ola@hole.no" in json.dumps(bot.connector.sent("a:anne-personal")[-1])


async def test_help_card_links_the_privacy_statement_and_logg_shows_the_latest_20(bot) -> None:
    _anne(bot, Role.secretariat)
    with Session(bot.engine) as s:
        for i in range(25):
            audit.record(s, action="member.role", target=f"member:{i}",
                         at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=i))
        s.commit()
    await bot.send("personal_message", text="hjelp")
    card = card_of(bot.connector.sent()[-1])
    assert PRIVACY_URL in json.dumps(card)
    assert "Logg" in [a.get("title") for a in card.get("actions", [])]
    await bot.send("card_submit", value={"verb": "audit.show"})
    text = card_text(card_of(bot.connector.sent()[-1]))
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    # The newest first: this read of the log itself, then member:24 down to member:6.
    assert len(lines) == 20 and "audit.read" in lines[0] and "Anne Feltman" in lines[0]
    assert lines[1].endswith("member:24") and lines[-1].endswith("member:6")


async def test_audit_log_is_refused_to_members_and_the_refusal_is_logged(bot) -> None:
    _anne(bot)
    await bot.send("card_submit", value={"verb": "audit.show"})
    assert "sekretariatet" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        (row,) = s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused")).all()
        assert row.action == "audit.show"


async def test_welcome_card_links_the_privacy_statement(bot) -> None:
    bot.connector.add_member({"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
                              "tenantId": TENANT})
    await bot.send("personal_install")
    assert PRIVACY_URL in json.dumps(card_of(bot.connector.sent()[-1]))


async def test_an_erased_person_gets_a_notice_and_a_new_record_only_when_asking(bot) -> None:
    anne = _anne(bot)
    bot.connector.add_member({"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
                              "email": "anne@lier.no", "tenantId": TENANT})
    with Session(bot.engine) as s:
        erase_member(s, anne, bot.clock.now(), actor_member_id=None, actor="cli:test@host")
        s.commit()
    await bot.send("personal_message", text="møter")
    assert "registrer meg" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        assert len(s.exec(select(Member)).all()) == 1
        assert s.exec(select(ConversationRef)).all() == []
    await bot.send("personal_message", text="registrer meg")
    await bot.send("personal_message", text="hjelp")
    with Session(bot.engine) as s:
        fresh = s.exec(select(Member).where(Member.aad_object_id == ANNE_AAD)).one()
        assert fresh.id != anne and fresh.name == "Anne Feltman"
        assert s.get(Member, anne).name == f"Slettet medlem #{anne}"  # type: ignore[union-attr]
