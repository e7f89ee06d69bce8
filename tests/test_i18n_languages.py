"""Nynorsk and English beside bokmål: the catalogues complete, and who reads which language
(the stored choice, «help», the Teams locale, a group's channel language) over HTTP."""

from __future__ import annotations

import argparse
import asyncio
import string
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from cli import CliContext
from cli.groups import cmd_set
from core.i18n import (
    CLI_ONLY,
    SPOKEN,
    Lang,
    message_key,
    pick_language,
    read_catalog,
    untranslated,
)
from core.settings import Settings
from storage.db import session_scope
from storage.models import AuditEntry, ConversationRef, Member, WorkingGroup
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, card_of, card_text
from tests.test_e2e_meetings import BEFORE, send_cli
from tests.test_round_e2e import MEETING, channel, setup_group, start
from tests.test_rsvp_support import aad, seed_meeting, seed_members

PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
           "email": "anne.feltman@asker.kommune.no", "tenantId": TENANT}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _texts(value: object) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [str(value or "")]


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_every_bokmal_key_is_in_the_catalogue_and_nothing_more(lang: str) -> None:
    nb = {message_key(m.id) for m in read_catalog("nb") if m.id}
    other = {message_key(m.id) for m in read_catalog(lang) if m.id}
    assert other == nb, (sorted(nb - other)[:20], sorted(other - nb)[:20])


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_every_text_said_in_teams_is_translated(lang: Lang) -> None:
    assert untranslated(lang) == []  # `python -m core.i18n` lists what is left


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_translations_keep_the_placeholders_bokmal_fills(lang: str) -> None:
    nb = {message_key(m.id): m.string for m in read_catalog("nb") if m.id}
    bad = []
    for message in read_catalog(lang):
        if not message.id:
            continue
        key = message_key(message.id)
        wanted = set().union(*(_fields(t) for t in _texts(nb[key])))
        for text in _texts(message.string):
            if text and not _fields(text) <= wanted:
                bad.append(key)
    assert not bad, bad


def test_only_command_line_keys_are_left_to_bokmal() -> None:
    left = [message_key(m.id) for m in read_catalog("nn") if m.id and not m.string]
    assert left and all(key.startswith(CLI_ONLY) for key in left)


def test_the_stored_choice_wins_then_help_then_the_teams_locale_then_bokmal() -> None:
    assert pick_language("hjelp", stored="en") == "en"
    assert pick_language("help", stored="nn") == "nn"
    assert pick_language("help", locale="nn-NO") == "en"
    assert pick_language("hjelp", locale="nn-NO") == "nn"
    assert pick_language("hjelp", locale="nb-NO") == "nb"
    assert pick_language(None, stored="xx") == "nb"
    assert set(SPOKEN) == {"nb", "nn", "en"}


async def _choose(bot, word: str) -> str:
    bot.connector.add_member(PROFILE)
    await bot.send("personal_install")
    await bot.send("personal_message", text=word)
    return bot.connector.sent()[-1]["text"]


async def test_spraak_nynorsk_is_stored_and_answered_in_nynorsk(bot) -> None:
    said = await _choose(bot, "språk nynorsk")
    assert said.startswith("No svarar eg deg på nynorsk")
    with Session(bot.engine) as s:
        anne = s.exec(select(Member).where(Member.aad_object_id == ANNE_AAD)).one()
        assert anne.language == "nn"


async def test_a_member_who_chose_nynorsk_gets_nynorsk_on_hjelp(bot) -> None:
    await _choose(bot, "sprak nynorsk")
    await bot.send("personal_message", text="hjelp")
    reply = bot.connector.sent()[-1]
    assert reply["text"] == "Hjelp: dette kan eg gjere for deg."
    assert "Vis kva du kan gjere" in card_text(card_of(reply))


async def test_a_member_who_chose_english_gets_english_although_typing_hjelp(bot) -> None:
    await _choose(bot, "language english")
    await bot.send("personal_message", text="hjelp")
    reply = bot.connector.sent()[-1]
    assert reply["text"] == "Help: this is what I can do for you."
    assert "Show what you can do" in card_text(card_of(reply))


async def test_a_teams_locale_nn_no_without_a_choice_gives_nynorsk(bot) -> None:
    bot.connector.add_member(PROFILE)
    await bot.send("personal_install")
    await bot.send("personal_message", text="hjelp", locale="nn-NO")
    assert bot.connector.sent()[-1]["text"] == "Hjelp: dette kan eg gjere for deg."
    await bot.send("personal_message", text="hjelp")  # nb-NO: bokmål again
    assert bot.connector.sent()[-1]["text"] == "Hjelp: dette kan jeg gjøre for deg."


async def test_an_unknown_language_word_is_refused_and_nothing_stored(bot) -> None:
    said = await _choose(bot, "språk klingon")
    assert "«klingon»" in said
    with Session(bot.engine) as s:
        assert s.exec(select(Member.language).where(Member.aad_object_id == ANNE_AAD)).one() \
            is None


async def test_proactive_invitations_are_drawn_in_each_members_stored_language(
        bot, capsys) -> None:
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)
    with session_scope(bot.engine) as s:
        for i, lang in ((0, "nn"), (1, "en")):
            member = s.exec(select(Member).where(Member.aad_object_id == aad(i))).one()
            member.language = lang
            s.add(member)
    bot.clock.set(BEFORE)
    await asyncio.to_thread(send_cli, bot, mid, capsys)
    by_chat = {c.conversation_id: c.body for c in bot.connector.accepted()}
    nynorsk, english = by_chat["a:conv-29:user-0"], by_chat["a:conv-29:user-1"]
    bokmal = by_chat["a:conv-29:user-2"]
    assert "Kjem (fysisk)" in card_text(card_of(nynorsk))
    assert "Coming (in person)" in card_text(card_of(english))
    assert "Kommer (fysisk)" in card_text(card_of(bokmal))
    assert english["text"].startswith("Invitation: ")


async def test_a_member_who_chose_nynorsk_gets_the_round_card_in_nynorsk(bot) -> None:
    setup_group(bot.engine, MEETING)  # Anne is in the secretariat
    await bot.send("personal_message", text="språk nynorsk")
    chat = channel(bot)
    chat.conversation = bot.connector.sent()[-1]["conversation"]  # Anne's personal chat
    chat.base, chat.channel_data = "personal_message", {"tenant": {"id": TENANT}}
    card = await start(chat, expect="Runden er starta")
    assert "No: **Kongsbergregionen**" in card_text(card)
    assert "Flytt bakarst" in card_text(card)


async def test_the_channel_round_card_reads_the_groups_language(bot) -> None:
    setup_group(bot.engine, MEETING)
    with session_scope(bot.engine) as s:
        group = s.exec(select(WorkingGroup)).one()
        group.language = "nn"
        s.add(group)
    card = await start(channel(bot))  # the presser reads bokmål; the channel nynorsk
    assert "No: **Kongsbergregionen**" in card_text(card)


def test_groups_set_language_stores_it_and_is_audited(engine, capsys) -> None:
    with session_scope(engine) as s:
        s.add(WorkingGroup(name="Faggruppe for næringssamarbeid",
                           name_key="faggruppe for næringssamarbeid"))
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(engine.url)})
    from core.clock import FrozenClock
    ctx = CliContext(settings=settings, clock=FrozenClock(datetime(2026, 11, 20, tzinfo=UTC)),
                     engine=engine)
    args = argparse.Namespace(name="Faggruppe for næringssamarbeid", language="nynorsk")
    assert cmd_set(args, ctx) == 0
    assert capsys.readouterr().out.strip().endswith("\tnn")
    assert cmd_set(args, ctx) == 0  # the same again: nothing new to audit
    with Session(engine) as s:
        assert s.exec(select(WorkingGroup.language)).one() == "nn"
        audits = s.exec(select(AuditEntry).where(AuditEntry.action == "groups.language")).all()
        # Who ran it, as every CLI audit row names them: cli:<user>@<host>.
        assert [a.detail.split(" ", 1)[1] for a in audits] == ["nb -> nn"]
        assert audits[0].detail.startswith("actor=cli:") and "@" in audits[0].detail


def test_a_members_language_is_in_their_export_and_gone_after_erasure(engine) -> None:
    from storage import privacy

    now = datetime(2026, 11, 20, tzinfo=UTC)
    with session_scope(engine) as s:
        member = Member(name="Kari Nordmann", name_key="kari nordmann", language="nn")
        s.add(member)
        s.flush()
        member_id = member.id or 0
        assert privacy.export(s, member_id)["medlem"]["sprak"] == "nn"
        privacy.erase(s, member_id, now)
    with Session(engine) as s:
        assert s.get(Member, member_id).language is None  # type: ignore[union-attr]


def _chat_languages(engine, count: int = 3) -> list[int]:
    """Three members of «Plan og bygg» with 1:1 chats a:conv-0..2: nynorsk, English, none."""
    from tests.test_delivery_support import seed_group

    ids = seed_group(engine, "http://127.0.0.1:9/", count)
    with session_scope(engine) as s:
        for member_id, lang in zip(ids, ("nn", "en"), strict=False):
            member = s.get(Member, member_id)
            assert member is not None
            member.language = lang
            s.add(member)
    return ids


def test_a_reminder_with_a_text_per_language_is_drawn_in_each_members_own(engine, clock) -> None:
    import json

    from scheduler.store import run_due, schedule
    from services.runtime import job_handlers
    from storage.delivery_models import Delivery
    from tests.harness import TEST_LINKS

    ids = _chat_languages(engine)
    texts = {"title": {"nb": "Påminnelse", "nn": "Påminning", "en": "Reminder"},
             "text": {"nb": "Møtet er i morgen.", "nn": "Møtet er i morgon.",
                      "en": "The meeting is tomorrow."}}
    with session_scope(engine) as s:
        for member_id in ids:
            schedule(s, "reminder", f"r{member_id}", {"member_id": member_id, "rule": "day_before",
                                                       "subject": "s", **texts},
                     clock.now(), clock.now() + timedelta(hours=1), clock.now(), "Påminnelse")
    run_due(engine, clock.now(), job_handlers(TEST_LINKS))
    with Session(engine) as s:
        drawn = {d.member_id: card_text(json.loads(d.payload)["attachments"][0]["content"])
                 for d in s.exec(select(Delivery))}
    assert drawn == {ids[0]: "Påminning\nMøtet er i morgon.",
                     ids[1]: "Reminder\nThe meeting is tomorrow.",
                     ids[2]: "Påminnelse\nMøtet er i morgen."}


async def test_notices_send_without_a_title_calls_it_announcement_in_each_language(
        bot, capsys) -> None:
    from cli.notices import cmd_send

    _chat_languages(bot.engine)
    with session_scope(bot.engine) as s:
        s.execute(update(ConversationRef).values(service_url=bot.connector.url))
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    ctx = CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    args = argparse.Namespace(group="Plan og bygg", text="Møtet flyttes til rom 4.", title="",
                              notice_id="")
    assert await asyncio.to_thread(cmd_send, args, ctx) == 0
    assert "sendt\t3\tav\t3" in capsys.readouterr().out
    titles = {c.conversation_id: c.body["summary"] for c in bot.connector.accepted()}
    assert titles == {"a:conv-0": "Kunngjering", "a:conv-1": "Announcement",
                      "a:conv-2": "Kunngjøring"}


LATE_TITLES = ("Forfall etter fristen", "Cancellation after the deadline")  # nn as nb


async def test_a_late_cancellation_reaches_each_secretariat_member_in_their_own_language(
        bot, capsys) -> None:
    from tests.meeting_cards_support import until
    from tests.test_e2e_meetings import AFTER_DEADLINE, answer
    from tests.test_rsvp_support import member

    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)
    chosen = {"nn": member(bot.engine, "Mari Strømsvåg"),
              "en": member(bot.engine, "Margrethe Gjessing"),
              "nb": member(bot.engine, "Øyvind Såtvedt")}
    with session_scope(bot.engine) as s:
        for lang in ("nn", "en"):
            s.execute(update(Member).where(Member.id == chosen[lang].id)  # type: ignore[arg-type]
                      .values(language=lang))
    bot.clock.set(BEFORE)
    await asyncio.to_thread(send_cli, bot, mid, capsys)
    await answer(bot, 1, mid, "physical")  # a bokmål member, who then cancels too late
    bot.clock.set(AFTER_DEADLINE)
    await answer(bot, 1, mid, "no", verb="rsvp.cancel")

    def notice(lang: str) -> str:
        return next((card_text(card_of(a)) for a in
                     bot.connector.sent(f"a:conv-{chosen[lang].teams_user_id}")
                     if a.get("summary") in LATE_TITLES), "")
    await until(lambda: all(notice(lang) for lang in chosen))
    assert "kan likevel ikkje kome på" in notice("nn")
    assert "Cancellation after the deadline" in notice("en")
    assert "cannot come to" in notice("en")
    assert "Forfall etter fristen" in notice("nb") and "kan likevel ikke komme på" in notice("nb")
