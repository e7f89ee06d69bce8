"""Round-the-table end to end over HTTP: seed 003's 20 attendees in a team channel."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

import cli
from core.settings import load_settings
from storage.groups import add_membership, get_or_create_group
from storage.meeting_models import Attendance, Meeting, MeetingGroup
from storage.models import Member, Role
from storage.regions import region_for_organisation, seed_regions
from storage.round_models import RoundSlot, TalkRound
from tests.harness import ANNE_AAD, ANNE_ID, TEAM_ID, activity, card_of, card_text

FIXTURES = Path(__file__).parent / "fixtures"
ATTENDEES = [line.split("\t") for line in
             (FIXTURES / "seed003_attendance.tsv").read_text(encoding="utf-8").splitlines()]
EXPECTED = (FIXTURES / "seed003_round_summary.md").read_text(encoding="utf-8")
TOPIC = "digitalisering og samhandling – hva gjør vi som andre kan ha glede av å vite om?"
OYVIND = ("29:oyvind", "7c1d2e3f-0000-4000-8000-000000000002")
CHANNEL = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1763627133333"


def section(label: str) -> str:
    """A region's update as the expected minutes give it."""
    text = EXPECTED.split(f"### {label}:\n\n", 1)[1].split("\n", 1)[0]
    return text.removeprefix("(Fraværende – skriftlig oppdatering) ")


def setup_group(engine: Any, meeting_start: datetime | None) -> dict[str, Member]:
    """The group, two secretariat members, seed 003's attendees checked in (in seed order)."""
    with Session(engine) as s:
        seed_regions(s)
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        group.team_id = TEAM_ID
        people: dict[str, Member] = {}
        for i, (name, org) in enumerate(ATTENDEES):
            region = region_for_organisation(s, org)
            m = Member(name=name, name_key=name.casefold(), organisation=org,
                       region_id=region.id if region else None, teams_user_id=f"29:u{i}",
                       aad_object_id=f"00000000-0000-4000-8000-{i:012d}")
            s.add(m)
            s.flush()
            add_membership(s, group, m)
            people[name] = m
        secretariat = (("Mari Strømsvåg", (ANNE_ID, ANNE_AAD)), ("Øyvind Såtvedt", OYVIND))
        for name, (uid, aad) in secretariat:
            sec = Member(name=name, name_key=name.casefold(), role=Role.secretariat,
                         teams_user_id=uid, aad_object_id=aad)
            s.add(sec)
            s.flush()
            add_membership(s, group, sec)
        if meeting_start is not None:
            meeting = Meeting(title="Faggruppemøte", starts_at=meeting_start,
                              ends_at=meeting_start + timedelta(hours=2))
            s.add(meeting)
            s.flush()
            s.add(MeetingGroup(meeting_id=meeting.id or 0, group_id=group.id or 0))
            for i, m in enumerate(people.values()):
                s.add(Attendance(meeting_id=meeting.id or 0, member_id=m.id, name=m.name,
                                 checked_in_at=meeting_start + timedelta(seconds=i)))
        s.commit()
        for m in people.values():
            s.refresh(m)
        return people


class Chat:
    """Presses and messages in one conversation (channel or group chat)."""

    def __init__(self, bot: Any, base: str, conversation: dict[str, Any],
                 channel_data: dict[str, Any]) -> None:
        self.bot, self.base = bot, base
        self.conversation, self.channel_data = conversation, channel_data

    def _as(self, data: dict[str, Any], who: tuple[str, str] | None) -> dict[str, Any]:
        data = copy.deepcopy(data)
        data["conversation"], data["channelData"] = self.conversation, self.channel_data
        if who:
            data["from"] = {"id": who[0], "aadObjectId": who[1], "name": ""}
        return data

    async def say(self, text: str, who: tuple[str, str] | None = None) -> int:
        data = activity(self.base, self.bot.connector.url, text=text)
        status, _ = await self.bot.post(self._as(data, who))
        return status

    def invoke_body(self, verb: str, who: tuple[str, str] | None = None,
                    **data: Any) -> dict[str, Any]:
        raw = activity("adaptive_card_action", self.bot.connector.url)
        raw["value"] = {"action": {"type": "Action.Execute", "verb": verb, "data": data},
                        "trigger": "manual"}
        return self._as(raw, who)

    async def press(self, verb: str, who: tuple[str, str] | None = None,
                    **data: Any) -> dict[str, Any]:
        status, body = await self.bot.post(self.invoke_body(verb, who, **data))
        assert status == 200, body
        return body

    def step(self) -> tuple[int, int]:
        with Session(self.bot.engine) as s:
            rnd = s.exec(select(TalkRound).order_by(col(TalkRound.id).desc())).first()
            assert rnd is not None
            return rnd.id or 0, rnd.step

    async def move(self, verb: str, who: tuple[str, str] | None = None) -> dict[str, Any]:
        round_id, step = self.step()
        return await self.press(verb, who, round_id=round_id, step=step)

    def slot(self, label: str) -> RoundSlot:
        with Session(self.bot.engine) as s:
            return s.exec(select(RoundSlot).where(RoundSlot.label == label)
                          .order_by(col(RoundSlot.id).desc())).first()  # type: ignore[return-value]

    def speaker(self) -> str:
        with Session(self.bot.engine) as s:
            rnd_id = self.step()[0]
            row = s.exec(select(RoundSlot).where(RoundSlot.round_id == rnd_id,
                                                 RoundSlot.state == "speaking")).first()
            return row.label if row else ""


def channel(bot: Any) -> Chat:
    data = activity("channel_message", bot.connector.url)
    return Chat(bot, "channel_message", data["conversation"], data["channelData"])


def who(people: dict[str, Member], name: str) -> tuple[str, str]:
    m = people[name]
    return m.teams_user_id or "", m.aad_object_id or ""


def updates_put(bot: Any) -> list[dict[str, Any]]:
    """The card versions the bot PUT in place."""
    return [c.body for c in bot.connector.calls if c.method == "PUT"]


async def start(chat: Chat, minutes: str = "3", auto: str = "false",
                expect: str = "Runden er startet") -> dict[str, Any]:
    assert await chat.say("<at>Faggruppe-bot</at> runde") in (200, 201)
    form = card_of(chat.bot.connector.sent()[-1])
    labels = [b.get("label") for b in form["body"]]
    assert "Tema" in labels and "Start runden" in card_text(form)
    body = await chat.press("round.start", topic=TOPIC, order="region", minutes=minutes,
                            auto=auto)
    assert expect in card_text(body["value"])
    return card_of(chat.bot.connector.sent()[-1])


MEETING = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # 09.00 in Oslo, the clock's start


@pytest.fixture
async def started_card(bot) -> dict[str, Any]:
    """Seed 003's attendees checked in to today's meeting; the round started in the channel."""
    setup_group(bot.engine, MEETING)
    return await start(channel(bot))


async def test_start_card_names_the_first_speaker_and_end_time(started_card):
    assert ("Nå: **Kongsbergregionen** (<at>Ingar Vaskinn</at>) – til kl. 09.03"
            in card_text(started_card))


async def test_start_card_names_the_next_speaker(started_card):
    assert "Neste: **Drammensregionen** (<at>Dag Aanensen</at>)" in card_text(started_card)


async def test_start_card_mentions_the_first_two_speakers(started_card):
    mentioned = {e["mentioned"]["id"] for e in started_card["msteams"]["entities"]}
    assert mentioned == {"29:u0", "29:u1"}


async def test_start_makes_one_slot_per_region(bot, started_card):
    with Session(bot.engine) as s:
        slots = s.exec(select(RoundSlot)).all()
    assert len(slots) == 15, "20 attendees in 15 regions"


async def test_start_puts_every_attendee_of_a_region_in_its_slot(bot, started_card):
    with Session(bot.engine) as s:
        slots = s.exec(select(RoundSlot).order_by(col(RoundSlot.position))).all()
    fredrikstad = next(x for x in slots if x.label == "Fredrikstad")
    assert len(fredrikstad.member_ids.split(",")) == 3


async def test_start_during_a_meeting_links_the_round_to_it(bot, started_card):
    with Session(bot.engine) as s:
        assert s.exec(select(TalkRound)).one().meeting_id is not None


async def test_a_region_update_is_written_by_its_own_members_only(bot):
    people = setup_group(bot.engine, MEETING)
    chat = channel(bot)
    await start(chat)
    fr = chat.slot("Fredrikstad")
    body = await chat.press("round.update", who(people, "Ingar Vaskinn"), round_id=fr.round_id,
                            slot_id=fr.id, text="Noe annet")
    assert "din egen region" in card_text(body["value"])
    body = await chat.press("round.update", who(people, "Kleiven Eystein"), round_id=fr.round_id,
                            slot_id=fr.id, text=section("Fredrikstad"))
    assert "Runden rundt bordet" in card_text(body["value"])
    with Session(bot.engine) as s:
        assert s.get(RoundSlot, fr.id).update_text == section("Fredrikstad")  # type: ignore


async def test_a_press_from_an_older_card_moves_nothing(bot):
    setup_group(bot.engine, MEETING)
    chat = channel(bot)
    await start(chat)
    round_id, step = chat.step()
    await chat.move("round.next")
    body = await chat.press("round.next", round_id=round_id, step=step)
    assert "allerede flyttet videre" in card_text(body["value"])
    assert chat.step() == (round_id, step + 1) and chat.speaker() == "Drammensregionen"


# The whole round over seed 003, staged: each fixture plays the round one stretch further
# and keeps what was seen on the way, so each test checks one claim and names it.

@dataclass
class Seed003Round:
    """The round under way in the channel, and what each stage saw."""

    chat: Chat
    people: dict[str, Member]
    speakers: list[str] = field(default_factory=list)  # the speaker after each move, in order
    seen: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
async def round_at_kongsvinger(bot) -> Seed003Round:
    """Fredrikstad writes in advance; Drammen, Asker - Bærum and Søndre Viken speak and write."""
    people = setup_group(bot.engine, MEETING)
    played = Seed003Round(channel(bot), people)
    chat = played.chat
    await start(chat)
    # Fredrikstad writes its update in advance; it will be absent when its turn comes.
    fr = chat.slot("Fredrikstad")
    await chat.press("round.update", who(people, "Kleiven Eystein"), round_id=fr.round_id,
                     slot_id=fr.id, text=section("Fredrikstad"))
    await chat.move("round.next")  # Kongsbergregionen
    for label, writer in (("Drammensregionen", "Dag Aanensen"),
                          ("Asker - Bærum", None), ("Søndre Viken", "Hasvold Helge Bollæren")):
        played.speakers.append(chat.speaker())
        slot = chat.slot(label)
        author = who(people, writer) if writer else None  # None: the secretariat writes it
        await chat.press("round.update", author, round_id=slot.round_id, slot_id=slot.id,
                         text=section(label))
        await chat.move("round.next")
    played.speakers.append(chat.speaker())
    return played


@pytest.fixture
async def round_at_mosse(round_at_kongsvinger: Seed003Round) -> Seed003Round:
    """Kongsvinger skipped, Nedre Romerike moved to the end, two more; Mosse writes."""
    played = round_at_kongsvinger
    chat = played.chat
    await chat.move("round.skip")
    played.seen["after_skip"] = chat.speaker()
    await chat.move("round.to_end")
    await chat.move("round.next")  # Lillestrøm kommune
    await chat.move("round.next")  # Modum
    played.seen["after_to_end"] = chat.speaker()
    slot = chat.slot("Mosseregionen")
    await chat.press("round.update", who(played.people, "Yngvar Trandem"),
                     round_id=slot.round_id, slot_id=slot.id, text=section("Mosseregionen"))
    return played


@pytest.fixture
async def round_after_two_presses(bot, round_at_mosse: Seed003Round) -> Seed003Round:
    """Two secretariat members press «Neste» on the same card at once."""
    played = round_at_mosse
    chat = played.chat
    round_id, step = chat.step()
    a, b = await asyncio.gather(
        bot.post(chat.invoke_body("round.next", None, round_id=round_id, step=step)),
        bot.post(chat.invoke_body("round.next", OYVIND, round_id=round_id, step=step)))
    played.seen.update(step_before=(round_id, step), step_after=chat.step(),
                       notices=[card_text(r[1]["value"]) for r in (a, b)],
                       after_presses=chat.speaker())
    return played


@pytest.fixture
async def round_after_absent(bot, round_after_two_presses: Seed003Round) -> Seed003Round:
    """Fredrikstad marked absent."""
    played = round_after_two_presses
    await played.chat.move("round.absent")
    played.seen["card_after_absent"] = card_text(
        card_of({"attachments": updates_put(bot)[-1]["attachments"]}))
    return played


@pytest.fixture
async def round_finished(round_after_absent: Seed003Round) -> Seed003Round:
    """The five left, then Nedre Romerike (moved to the end) and «Neste» once more."""
    played = round_after_absent
    for _ in range(5):  # Frogn, Lunner, OBR, Vestfold, Indre Østfold
        await played.chat.move("round.next")
    played.seen["last_speaker"] = played.chat.speaker()
    await played.chat.move("round.next")
    return played


async def test_seed003_round_next_takes_the_regions_in_seed_order(round_at_kongsvinger):
    assert round_at_kongsvinger.speakers == [
        "Drammensregionen", "Asker - Bærum", "Søndre Viken", "Kongsvingerregionen"]


async def test_seed003_round_skip_hands_the_turn_to_the_next_region(round_at_mosse):
    assert round_at_mosse.seen["after_skip"] == "Nedre Romerike"


async def test_seed003_round_a_region_moved_to_the_end_is_passed_over(round_at_mosse):
    assert round_at_mosse.seen["after_to_end"] == "Mosseregionen"


async def test_seed003_round_two_presses_of_next_at_once_move_one_step(round_after_two_presses):
    round_id, step = round_after_two_presses.seen["step_before"]
    assert round_after_two_presses.seen["step_after"] == (round_id, step + 1)


async def test_seed003_round_one_of_two_presses_at_once_is_told_it_had_moved(
        round_after_two_presses):
    notices = round_after_two_presses.seen["notices"]
    assert sum("allerede flyttet videre" in n for n in notices) == 1


async def test_seed003_round_after_the_two_presses_fredrikstad_speaks(round_after_two_presses):
    assert round_after_two_presses.seen["after_presses"] == "Fredrikstad"


async def test_seed003_round_an_absent_region_shows_its_update_written_in_advance(
        round_after_absent):
    last = round_after_absent.seen["card_after_absent"]
    assert f"Fraværende: Fredrikstad: {section('Fredrikstad')[:20]}" in last.replace("\\", "")


async def test_seed003_round_the_region_moved_to_the_end_speaks_last(round_finished):
    assert round_finished.seen["last_speaker"] == "Nedre Romerike", (
        "moved to the end, so it speaks last")


async def test_seed003_round_next_after_the_last_region_finishes_the_round(bot, round_finished):
    with Session(bot.engine) as s:
        assert s.exec(select(TalkRound)).one().status == "finished"


async def test_seed003_round_posts_the_minutes_of_seed003(bot, round_finished):
    posted = [a for a in bot.connector.sent() if a.get("text", "").startswith("**Runden")]
    assert posted[-1]["text"] == EXPECTED


async def test_seed003_round_final_card_says_the_round_is_over(bot, round_finished):
    final = updates_put(bot)[-1]
    assert "Runden er avsluttet" in card_text(final["attachments"][0]["content"])


async def test_seed003_round_final_card_has_no_buttons(bot, round_finished):
    final = updates_put(bot)[-1]
    assert not final["attachments"][0]["content"].get("actions")


def _cli(bot) -> cli.CliContext:
    return cli.CliContext(settings=load_settings(
        database_url=bot.engine.url.render_as_string(hide_password=False)))


async def test_seed003_round_cli_list_puts_the_round_id_first(bot, round_finished, capsys):
    round_id, _step = round_finished.chat.step()
    capsys.readouterr()
    assert cli.main(["round", "list"], _cli(bot)) == 0
    row = capsys.readouterr().out.strip().split("\t")
    assert row[:3] == [str(round_id), TOPIC, "avsluttet"]
    assert row[3].startswith("Faggruppemøte (fredag 20. november 2026 kl. 09.00")


async def test_seed003_round_cli_export_gives_the_same_minutes(bot, round_finished, capsys):
    round_id, _step = round_finished.chat.step()
    capsys.readouterr()
    assert cli.main(["export", "round", str(round_id), "--format", "md"], _cli(bot)) == 0
    assert capsys.readouterr().out == EXPECTED
