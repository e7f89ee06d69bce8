"""The profile over HTTP, as Teams sends it: `min profil` → «Endre opplysningene» → the form →
«Lagre opplysningene» saved at once and audited; bad input refused with nothing changed;
whose details always from the activity's sender; the yearly card from the running app and
its «Ja, stemmer»."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from storage.db import session_scope
from storage.models import AuditEntry, Member
from storage.profile_models import ProfileChange, ProfileCheck
from tests.harness import activity, card_nodes, card_of, card_text
from tests.profile_support import GROUP, aad, seed, set_rule

ANNE, PER, OLA = 0, 1, 6  # indexes in tests/profile_support.PEOPLE
ANNE_EMAIL = "anne.feltman@x.no"  # as profile_support makes it


def _from(body: dict[str, Any], i: int) -> dict[str, Any]:
    body["from"] = {"id": f"29:user-{i}", "aadObjectId": aad(i), "name": ""}
    body["conversation"] = {**body["conversation"], "id": f"a:conv-29:user-{i}"}
    return body


def press(bot: Any, i: int, verb: str, **data: Any) -> dict[str, Any]:
    """An adaptiveCard/action invoke (Action.Execute) from person i's own Teams identity."""
    body = _from(activity("adaptive_card_action", bot.connector.url), i)
    body["value"] = copy.deepcopy(body["value"])
    body["value"]["action"] = {"type": "Action.Execute", "verb": verb, "data": data}
    return body


async def _card(bot: Any, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = await bot.post(body)
    assert status == 200 and answer["statusCode"] == 200, answer
    assert isinstance(answer["value"], dict), answer
    return answer["value"]


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in card_nodes(card) if str(n.get("type", "")).startswith("Input.")}


def _member(bot: Any, member_id: int) -> Member:
    with session_scope(bot.engine) as s:
        m = s.get(Member, member_id)
        assert m is not None
        s.expunge(m)
        return m


def _state(m: Member) -> tuple[object, ...]:
    return (m.name, m.organisation, m.region_id, m.email, m.phone, m.deputy_member_id,
            m.updated_at)


def _form(ids: dict[str, int], **changes: str) -> dict[str, str]:
    return {"name": "Anne Feltman", "organisation": "Asker kommune",
            "email": ANNE_EMAIL, "phone": "", "deputy": "0", **changes}


async def test_min_profil_endre_opens_the_form_and_a_save_is_stored_at_once_and_audited(
        bot) -> None:
    ids = seed(bot.engine, bot.connector.url)
    await bot.post(_from(activity("personal_message", bot.connector.url, text="min profil"),
                         ANNE))
    profile_card = card_of(bot.connector.sent()[-1])
    edit = [a for a in card_nodes(profile_card) if a.get("verb") == "profile.edit"]
    assert [a["title"] for a in edit] == ["Endre opplysningene"]

    form = await _card(bot, press(bot, ANNE, "profile.edit"))
    inputs = _inputs(form)
    assert list(inputs) == ["name", "organisation", "email", "phone", "deputy"]
    assert all(n.get("label") for n in inputs.values()), "every input is labelled"
    assert inputs["name"]["value"] == "Anne Feltman"
    assert inputs["email"]["value"] == ANNE_EMAIL
    deputies = {c["title"]: c["value"] for c in inputs["deputy"]["choices"]}
    # The active members of her group, no one else: not herself, not Eva (inactive), not Ola
    # (another group).
    assert deputies == {"Ingen fast vara": "0", "Kari Nordmann (Lillestrøm kommune)":
                        str(ids["Kari Nordmann"]), "Per Hansen (Bærum kommune)":
                        str(ids["Per Hansen"]), "Siri Sekretær (Osloregionen)":
                        str(ids["Siri Sekretær"]), "Øyvind Såtvedt (Osloregionen)":
                        str(ids["Øyvind Såtvedt"])}

    saved = await _card(bot, press(bot, ANNE, "profile.save", **_form(
        ids, email="anne.f@asker.kommune.no", phone="912 34 567", deputy=str(ids["Per Hansen"]))))
    text = card_text(saved)
    assert "Lagret: e-post, telefon, fast vara" in text and "Per Hansen" in text
    anne = _member(bot, ids["Anne Feltman"])
    assert (anne.email, anne.phone, anne.deputy_member_id) == (
        "anne.f@asker.kommune.no", "+4791234567", ids["Per Hansen"])
    with session_scope(bot.engine) as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "member.edit")).all()
        assert (entry.actor_member_id, entry.target) == (anne.id, f"member:{anne.id}")
        assert "fields=email,phone,deputy" in entry.detail and "actor=selv" in entry.detail
        (change,) = s.exec(select(ProfileChange)).all()
        assert (change.member_id, change.fields, change.digest_day) == (
            anne.id, "email,phone,deputy", None)
        (check,) = s.exec(select(ProfileCheck)).all()
        assert (check.member_id, check.year, check.confirmed_how) == (anne.id, 2026, "endret")


async def test_a_bad_email_is_refused_in_norwegian_with_what_was_typed_and_nothing_changed(
        bot) -> None:
    ids = seed(bot.engine, bot.connector.url)
    before = _member(bot, ids["Anne Feltman"])
    per_email = _member(bot, ids["Per Hansen"]).email or ""
    form = await _card(bot, press(bot, ANNE, "profile.save", **_form(
        ids, email="anne.feltman", phone="912 34 567")))
    text = card_text(form)
    assert "«anne.feltman» er ikke en e-postadresse; ingenting er lagret." in text
    assert "⚠" in text, "the refusal is not told by colour alone"
    inputs = _inputs(form)
    assert (inputs["email"]["value"], inputs["phone"]["value"]) == ("anne.feltman",
                                                                    "912 34 567")
    for bad, said in ((dict(phone="12"), "er ikke et telefonnummer"),
                      (dict(phone="9" * 21), "Telefonnummeret er for langt"),
                      (dict(name="  "), "Navnet må fylles ut"),
                      (dict(deputy=str(ids["Ola Plan"])), "Fast vara må være"),
                      (dict(deputy="99999999999"), "Fast vara må være"),
                      # A clash found after the name was read must not keep the new name.
                      (dict(name="Anne Endret", email=per_email.upper()),
                       "tilhører allerede et annet medlem")):
        assert said in card_text(await _card(bot, press(bot, ANNE, "profile.save",
                                                        **_form(ids, **bad))))
    after = _member(bot, ids["Anne Feltman"])
    assert _state(after) == _state(before), "nothing changed"
    with session_scope(bot.engine) as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "member.edit")).all() == []
        assert s.exec(select(ProfileChange)).all() == []
        assert s.exec(select(ProfileCheck)).all() == [], "a refused save confirms nothing"


async def test_whose_details_comes_from_the_sender_never_from_the_card(bot) -> None:
    ids = seed(bot.engine, bot.connector.url)
    per_before = _member(bot, ids["Per Hansen"])
    await _card(bot, press(bot, ANNE, "profile.save", member_id=ids["Per Hansen"],
                           aadObjectId=aad(PER), **_form(ids, phone="40000000")))
    assert _member(bot, ids["Anne Feltman"]).phone == "+4740000000"
    assert _state(_member(bot, ids["Per Hansen"])) == _state(per_before)
    # Someone the bot does not know changes no one.
    stranger = press(bot, ANNE, "profile.save", **_form(ids, phone="41111111"))
    stranger["from"] = {"id": "29:stranger", "aadObjectId": "aad-stranger", "name": "X"}
    status, _ = await bot.post(stranger)
    assert status == 200
    assert bot.connector.sent()[-1]["text"] == "Jeg har ingen data om deg."
    with session_scope(bot.engine) as s:
        phones = set(s.exec(select(Member.phone)).all())
    assert "+4741111111" not in phones


async def test_the_running_app_sends_the_yearly_card_and_ja_stemmer_confirms_it(bot) -> None:
    ids = seed(bot.engine, bot.connector.url)
    set_rule(bot.engine, GROUP, "profile_check:date:23.11")  # Monday 23 November 2026
    # The app scheduled its next daily run at start (Monday 08.00 Oslo, as nothing was due).
    bot.clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    await bot.connector.wait_for(4)
    await asyncio.sleep(0.6)
    anne_conv = f"a:conv-29:user-{ANNE}"
    (sent,) = bot.connector.sent(anne_conv)
    card = card_of(sent)
    assert "Stemmer opplysningene dine?" in card_text(card) and ANNE_EMAIL in card_text(card)
    assert [a["title"] for a in card["actions"]] == ["Ja, stemmer", "Endre opplysningene"]
    confirmed = await _card(bot, press(bot, ANNE, "profile.confirm"))
    assert "Opplysningene er bekreftet for i år" in card_text(confirmed)
    assert "actions" not in confirmed
    with session_scope(bot.engine) as s:
        check = s.exec(select(ProfileCheck).where(
            ProfileCheck.member_id == ids["Anne Feltman"])).one()
        assert (check.year, check.confirmed_how) == (2026, "ja")
        assert check.asked_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "profile.confirmed"))
        assert (entry.actor_member_id, entry.target) == (ids["Anne Feltman"],
                                                         f"member:{ids['Anne Feltman']}")
        asked = set(s.exec(select(ProfileCheck.member_id)).all())
    # Ola's group keeps the default day, the first working day of February, and so does
    # Per's second group: the earliest day is his, long past; Eva is inactive.
    assert asked == {v for k, v in ids.items() if k not in ("Ola Plan", "Per Hansen",
                                                             "Eva Snare")}
    assert bot.connector.sent(f"a:conv-29:user-{OLA}") == []
    assert bot.connector.sent(f"a:conv-29:user-{PER}") == []
