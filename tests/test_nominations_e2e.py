"""Nominations over HTTP (issue 23): `nominer` → the secretariat's card at the fake Connector →
«Godkjenn nominasjonen» → membership → the welcome once the new member appears; «Avslå»
with a reason back to the nominator; duplicates refused; «Jeg slutter i gruppen»."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from sqlmodel import Session, select

from domain.names import name_key
from domain.nominations import NominationStatus, WelcomeState
from storage.conversations import RefData, upsert_ref
from storage.delivery_models import Delivery
from storage.groups import add_membership, get_or_create_group
from storage.models import AuditEntry, ConversationKind, Member, Membership, Role
from storage.nomination_models import Nomination
from tests.harness import (
    ANNE_AAD,
    ANNE_ID,
    TEAM_ID,
    TENANT,
    activity,
    card_nodes,
    card_of,
    card_text,
)
from tests.meeting_cards_support import until

GROUP = "Faggruppe for næringssamarbeid"
ANNE_CHAT = "a:1Pn7kZ3qGz5WmYxPersonalAnneFeltman"
SARA = ("5a5a0000-0000-4000-8000-000000000001", "29:sara", "a:sara-personal", "Sara Sekretær")
SIRI = ("5a5a0000-0000-4000-8000-000000000002", "29:siri", "a:siri-personal", "Siri Sekretær")
KARI = ("ca710000-0000-4000-8000-000000000001", "29:kari", "a:kari-personal", "Kari Nordmann")
KARI_EMAIL = "kari.nordmann@asker.kommune.no"


def _seed(bot) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A group with two secretariat members (1:1 chats stored), Anne and Ola as members."""
    now = bot.clock.now()
    with Session(bot.engine) as s:
        group = get_or_create_group(s, GROUP)
        ids = {"group": group.id or 0}
        people = [("anne", "Anne Feltman", ANNE_AAD, ANNE_ID, ANNE_CHAT, Role.member),
                  ("sara", SARA[3], SARA[0], SARA[1], SARA[2], Role.secretariat),
                  ("siri", SIRI[3], SIRI[0], SIRI[1], SIRI[2], Role.secretariat),
                  ("ola", "Ola Asker", None, None, None, Role.member)]
        for key, name, aad, user, chat, role in people:
            m = Member(name=name, name_key=name_key(name), organisation="Asker", role=role,
                       email=f"{key}@asker.kommune.no", aad_object_id=aad, teams_user_id=user,
                       tenant_id=TENANT)
            s.add(m)
            s.flush()
            add_membership(s, group, m)
            if chat:
                upsert_ref(s, RefData(chat, ConversationKind.personal, bot.connector.url,
                                      TENANT, bot_id="28:bot", user_aad_object_id=aad),
                           now, m.id)
            ids[key] = m.id or 0
        s.commit()
    return ids


def _execute(bot, verb: str, data: dict[str, Any], who: tuple[str, str, str, str] | None = None,
             ) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """An Action.Execute press (Teams merges the card's inputs into data), by `who`."""
    body = activity("adaptive_card_action", bot.connector.url)
    body["value"] = copy.deepcopy(body["value"])
    body["value"]["action"] = {"type": "Action.Execute", "verb": verb, "data": data}
    if who is not None:
        body["from"] = {"id": who[1], "aadObjectId": who[0], "name": who[3]}
        body["conversation"] = {**body["conversation"], "id": who[2]}
    return body


async def _press(bot, verb: str, data: dict[str, Any],  # type: ignore[no-untyped-def]
                 who: tuple[str, str, str, str] | None = None) -> dict[str, Any]:
    status, answer = await bot.post(_execute(bot, verb, data, who))
    assert status == 200, answer
    return answer["value"]


def _button(card: dict[str, Any], title: str) -> dict[str, Any]:
    (found,) = [n for n in card_nodes(card) if n.get("type", "").startswith("Action.")
                and n.get("title") == title]
    return found


def _form_data(ids: dict[str, int], **over: str) -> dict[str, str]:
    return {"group_id": str(ids["group"]), "name": KARI[3], "email": KARI_EMAIL,
            "organisation": "Asker", "role_there": "Næringssjef", "replaces": "0", **over}


async def _nominate(bot, ids: dict[str, int], **over: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return await _press(bot, "nomination.submit", _form_data(ids, **over))


async def _secretariat_card(bot, chat: str, count: int = 1) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    await until(lambda: len(bot.connector.sent(chat)) >= count)
    return card_of(bot.connector.sent(chat)[count - 1])


async def test_a_nomination_end_to_end_nominate_approve_membership_welcome(bot) -> None:
    ids = _seed(bot)
    await bot.send("personal_message", text="nominer")
    form = card_of(bot.connector.sent(ANNE_CHAT)[-1])
    inputs = {n["id"]: n for n in card_nodes(form) if n.get("type", "").startswith("Input.")}
    assert set(inputs) == {"group_id", "name", "email", "organisation", "role_there", "replaces"}
    assert all(n.get("label") for n in inputs.values())
    assert inputs["group_id"]["value"] == str(ids["group"])  # the only group: preselected
    assert "Ola Asker (Asker)" in [c["title"] for c in inputs["replaces"]["choices"]]
    assert inputs["replaces"]["value"] == "0"  # «Ingen»: Teams wants a value for every choice

    sent = await _nominate(bot, ids, replaces=str(ids["ola"]))
    assert "Nominasjonen av Kari Nordmann til Faggruppe for næringssamarbeid er sendt" \
        in card_text(sent)
    # One card to each active secretariat member of the group, 1:1, through the ledger.
    sara_card = await _secretariat_card(bot, SARA[2])
    siri_card = await _secretariat_card(bot, SIRI[2])
    text = card_text(sara_card)
    assert KARI_EMAIL in text and "Næringssjef" in text and "Ola Asker" in text
    assert "Anne Feltman" in text  # who nominated
    with Session(bot.engine) as s:
        rows = s.exec(select(Delivery).where(Delivery.purpose == "nomination")).all()
        assert sorted(r.member_id for r in rows) == sorted([ids["sara"], ids["siri"]])

    approve = _button(sara_card, "Godkjenn nominasjonen")
    answer = await _press(bot, approve["verb"], approve["data"], SARA)
    said = card_text(answer)
    assert "Godkjent: Kari Nordmann er medlem av Faggruppe for næringssamarbeid" in said
    # Kari has no Teams account the bot knows yet: the secretariat is told to add her.
    assert f"legg {KARI_EMAIL} til i gruppens team" in said
    with Session(bot.engine) as s:
        kari = s.exec(select(Member).where(Member.email == KARI_EMAIL)).one()
        assert kari.active and kari.organisation == "Asker" and kari.region_id is not None
        assert s.get(Membership, (ids["group"], kari.id))
        assert s.get(Member, ids["ola"]).active is False  # type: ignore[union-attr]
        n = s.exec(select(Nomination)).one()
        assert (n.status, n.member_id, n.welcome) == (NominationStatus.approved, kari.id,
                                                      WelcomeState.waiting)
        assert n.decided_by_member_id == ids["sara"]
        actions = {e.action for e in s.exec(select(AuditEntry))}
        assert {"nominations.add", "nominations.approve", "member.add",
                "member.deactivate"} <= actions

    # The second approver, at the same card, is told it was already decided; nothing doubles.
    again = await _press(bot, approve["verb"], _button(siri_card, "Godkjenn nominasjonen")
                         ["data"], SIRI)
    assert "er allerede avgjort: Godkjent av Sara Sekretær" in card_text(again)
    assert "Godkjenn nominasjonen" not in card_text(again)
    with Session(bot.engine) as s:
        assert len(s.exec(select(Member).where(Member.email == KARI_EMAIL)).all()) == 1
    await until(lambda: any("er godkjent" in str(a) for a in bot.connector.sent(ANNE_CHAT)))

    # Kari writes to the bot for the first time: linked by e-mail, welcomed, once.
    bot.connector.add_member({"id": KARI[1], "aadObjectId": KARI[0], "name": KARI[3],
                              "email": KARI_EMAIL, "userPrincipalName": KARI_EMAIL,
                              "tenantId": TENANT})
    kari_msg = activity("personal_message", bot.connector.url, text="hjelp")
    kari_msg["from"] = {"id": KARI[1], "aadObjectId": KARI[0], "name": KARI[3]}
    kari_msg["conversation"] = {**kari_msg["conversation"], "id": KARI[2]}

    def welcomes() -> list[dict[str, Any]]:
        return [a for a in bot.connector.sent(KARI[2])
                if "Du er nå medlem av Faggruppe for næringssamarbeid" in str(a)]

    await bot.post(kari_msg)
    await until(lambda: len(welcomes()) == 1)
    await bot.post(copy.deepcopy(kari_msg))
    await bot.post(copy.deepcopy(kari_msg))
    assert len(welcomes()) == 1
    assert "Du ble nominert av Anne Feltman" in card_text(card_of(welcomes()[0]))
    with Session(bot.engine) as s:
        assert s.exec(select(Nomination)).one().welcome == WelcomeState.queued


async def test_approving_someone_the_bot_can_reach_welcomes_them_now(bot) -> None:
    ids = _seed(bot)
    await _nominate(bot, ids, name="Siri Sekretær", email="siri@asker.kommune.no")
    # Siri is in the registry with a 1:1 chat, but not in this second group.
    with Session(bot.engine) as s:
        other = get_or_create_group(s, "Faggruppe for klima og miljø")
        s.commit()
        other_id = other.id or 0
    sent = await _nominate(bot, ids, group_id=str(other_id), name="Siri Sekretær",
                           email="siri@asker.kommune.no")
    assert "er sendt" in card_text(sent)
    with Session(bot.engine) as s:
        nid = s.exec(select(Nomination).where(Nomination.group_id == other_id)).one().id
    answer = await _press(bot, "nomination.approve", {"nomination_id": nid}, SARA)
    assert "Velkomstkortet er sendt til medlemmet" in card_text(answer)
    await until(lambda: any("Du er nå medlem av Faggruppe for klima og miljø" in str(a)
                            for a in bot.connector.sent(SIRI[2])))
    with Session(bot.engine) as s:
        siri = s.get(Member, ids["siri"])
        assert siri is not None
        assert s.get(Membership, (other_id, siri.id)) is not None
        assert len(s.exec(select(Member).where(Member.email == "siri@asker.kommune.no"))
                   .all()) == 1


async def test_avsla_needs_a_reason_and_the_reason_reaches_the_nominator(bot) -> None:
    ids = _seed(bot)
    await _nominate(bot, ids)
    card = await _secretariat_card(bot, SARA[2])
    reject = _button(card, "Avslå")
    asked = await _press(bot, reject["verb"], reject["data"], SARA)
    assert "Skriv en begrunnelse for avslaget" in card_text(asked)
    assert "Avslå" in card_text(asked)  # still open: the buttons stay
    with Session(bot.engine) as s:
        assert s.exec(select(Nomination)).one().status == NominationStatus.submitted
    reason = "Asker har allerede to medlemmer i gruppen."
    answer = await _press(bot, reject["verb"], {**reject["data"], "reason": reason}, SARA)
    assert "Nominasjonen av Kari Nordmann er avslått" in card_text(answer)
    await until(lambda: any(reason in str(a) for a in bot.connector.sent(ANNE_CHAT)))
    (told,) = [a for a in bot.connector.sent(ANNE_CHAT) if reason in str(a)]
    assert "Nominasjonen av Kari Nordmann er avslått" in card_text(card_of(told))
    with Session(bot.engine) as s:
        n = s.exec(select(Nomination)).one()
        assert (n.status, n.reason) == (NominationStatus.rejected, reason)
        assert n.replaces_member_id is None  # «Ingen» on the form
        assert s.exec(select(Member).where(Member.email == KARI_EMAIL)).first() is None
        (row,) = s.exec(select(AuditEntry).where(AuditEntry.action == "nominations.reject"))
        assert row.actor_member_id == ids["sara"] and reason not in row.detail


async def test_a_member_already_in_the_group_or_already_nominated_is_refused_naming_it(
        bot) -> None:
    ids = _seed(bot)
    member = await _nominate(bot, ids, name="Ola Asker", email="OLA@asker.kommune.no")
    assert f"er allerede aktivt medlem av {GROUP} (medlem {ids['ola']})" in card_text(member)
    first = await _nominate(bot, ids)
    assert "er sendt" in card_text(first)
    second = await _nominate(bot, ids, name="Kari B. Nordmann", email=KARI_EMAIL.upper())
    with Session(bot.engine) as s:
        (n,) = s.exec(select(Nomination)).all()
    assert f"er allerede nominert til {GROUP}: nominasjon {n.id}" in card_text(second)
    # The form comes back with what was typed, for a correction.
    values = {x["id"]: x.get("value") for x in card_nodes(second) if "id" in x}
    assert values["name"] == "Kari B. Nordmann"


async def test_a_form_with_a_bad_email_comes_back_and_stores_nothing(bot) -> None:
    ids = _seed(bot)
    answer = await _nominate(bot, ids, email="kari.nordmann@asker", organisation="")
    text = card_text(answer)
    assert "er ikke en e-postadresse" in text and "Organisasjon mangler" in text
    with Session(bot.engine) as s:
        assert s.exec(select(Nomination)).first() is None


@pytest.mark.parametrize("change", [{"active": False}, {"role": Role.guest}])
async def test_nominer_is_refused_for_a_deactivated_member_and_a_guest(
        bot, change: dict[str, Any]) -> None:
    ids = _seed(bot)
    with Session(bot.engine) as s:
        anne = s.get(Member, ids["anne"])
        assert anne is not None
        for key, value in change.items():
            setattr(anne, key, value)
        s.add(anne)
        s.commit()
    await bot.send("personal_message", text="nominer")
    assert "Bare aktive medlemmer kan nominere" in bot.connector.sent(ANNE_CHAT)[-1]["text"]
    await _nominate(bot, ids)
    with Session(bot.engine) as s:
        assert s.exec(select(Nomination)).first() is None


async def test_jeg_slutter_with_a_successor_is_a_nomination_replacing_the_member(bot) -> None:
    ids = _seed(bot)
    await bot.send("personal_message", text="min profil")
    profile = card_of(bot.connector.sent(ANNE_CHAT)[-1])
    leave = _button(profile, "Jeg slutter i gruppen")
    await bot.send("card_submit", value=leave["data"])
    form = card_of(bot.connector.sent(ANNE_CHAT)[-1])
    assert {n["id"] for n in card_nodes(form) if n.get("type", "").startswith("Input.")} == {
        "group_id", "successor_name", "successor_email"}
    send = _button(form, "Si fra at jeg slutter")
    answer = await _press(bot, send["verb"], {**send["data"], "group_id": str(ids["group"]),
                                              "successor_name": "Per Hansen",
                                              "successor_email": "per.hansen@asker.kommune.no"})
    assert "Per Hansen er nominert som din etterfølger" in card_text(answer)
    card = await _secretariat_card(bot, SARA[2])
    assert "Anne Feltman slutter i gruppen og foreslår denne etterfølgeren" in card_text(card)
    with Session(bot.engine) as s:
        n = s.exec(select(Nomination)).one()
        assert (n.replaces_member_id, n.nominator_member_id, n.organisation, n.source) == (
            ids["anne"], ids["anne"], "Asker", "leave")
    approve = _button(card, "Godkjenn nominasjonen")
    await _press(bot, approve["verb"], approve["data"], SARA)
    with Session(bot.engine) as s:
        assert s.get(Member, ids["anne"]).active is False  # type: ignore[union-attr]


async def test_jeg_slutter_without_a_successor_tells_the_secretariat(bot) -> None:
    ids = _seed(bot)
    answer = await _press(bot, "leave.send", {"group_id": str(ids["group"])})
    assert "Sekretariatet har fått beskjed" in card_text(answer)
    await until(lambda: any("Anne Feltman vil slutte i gruppen" in str(a)
                            for a in bot.connector.sent(SARA[2])))
    half = await _press(bot, "leave.send", {"group_id": str(ids["group"]),
                                            "successor_name": "Per Hansen"})
    assert "både navn og e-post" in card_text(half)
    with Session(bot.engine) as s:
        assert s.exec(select(Nomination)).first() is None
        assert s.get(Member, ids["anne"]).active  # type: ignore[union-attr]


async def test_an_approved_nominee_joining_the_team_gets_the_welcome_once(bot) -> None:
    ids = _seed(bot)
    await _nominate(bot, ids)
    with Session(bot.engine) as s:
        nid = s.exec(select(Nomination)).one().id
    await _press(bot, "nomination.approve", {"nomination_id": nid}, SARA)
    await bot.send("team_install")
    kari = {"id": KARI[1], "aadObjectId": KARI[0], "name": KARI[3], "email": KARI_EMAIL,
            "tenantId": TENANT}
    bot.connector.add_member(kari, TEAM_ID)
    joined = activity("team_install", bot.connector.url,
                      membersAdded=[{"id": KARI[1], "aadObjectId": KARI[0]}])

    def welcomes() -> list[dict[str, Any]]:
        return [a for a in bot.connector.sent() if "Du er nå medlem av" in str(a)]

    await bot.post(joined)
    await until(lambda: len(welcomes()) == 1)
    await bot.post(copy.deepcopy(joined))  # a second join event: no second welcome
    await asyncio.sleep(1.5)  # the delivery worker's turn to send anything it has queued
    assert len(welcomes()) == 1
    with Session(bot.engine) as s:
        assert s.exec(select(Nomination)).one().welcome == WelcomeState.queued
