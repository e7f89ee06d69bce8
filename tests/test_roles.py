"""The role table: every secretariat command and card verb, and every owner-only verb, sent
over HTTP by each kind of sender. Built from the route registry (bot.router.secretariat_routes
and owner_routes), so a new route is in the table the moment it is registered."""

from __future__ import annotations

import copy
import types
import typing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot import build_router
from bot.router import CommandRoute, Route, owner_routes, secretariat_routes
from core.i18n import t
from domain import round as rm
from domain.names import name_key
from storage import innspill as innspill_repo
from storage import rounds
from storage.groups import add_membership, get_or_create_group
from storage.innspill_models import InnspillEntry
from storage.meeting_models import AgendaItem, Meeting, MeetingGroup
from storage.minutes_models import Followup
from storage.models import AuditEntry, Member, Region, Role
from storage.nomination_models import Nomination
from storage.round_models import RoundSlot
from storage.rounds import SlotDraft
from tests.harness import TENANT, BotServer, activity


@dataclass(frozen=True)
class Guarded:
    """A row of the table: a command word, or a card verb with its typed class."""

    kind: str  # "command" or "action"
    name: str
    model: type[BaseModel] | None = None


def row(route: Route) -> Guarded:
    if isinstance(route, CommandRoute):
        return Guarded("command", route.names[0])
    return Guarded("action", route.verb, route.action)


ROUTER = build_router()
SECRETARIAT = [row(r) for r in secretariat_routes(ROUTER)]
OWNER = [row(r) for r in owner_routes(ROUTER)]
ROUND_CHAT = "19:runde@thread.tacv2"
GUEST_UPN = "gunnar.gjest_lillestrom.kommune.no#EXT#@osloregionen.onmicrosoft.com"


@dataclass(frozen=True)
class Sender:
    key: str
    aad: str
    name: str

    @property
    def user_id(self) -> str:
        return f"29:{self.key}"

    @property
    def chat(self) -> str:
        return f"a:personal-{self.key}"


ACTIVE = Sender("sekretariat", "5ec00000-0000-4000-8000-00000000000a", "Sara Sekretær")
DEACTIVATED = Sender("deaktivert", "5ec00000-0000-4000-8000-00000000000d", "Dag Deaktivert")
MEMBER = Sender("medlem", "3e300000-0000-4000-8000-000000000001", "Mona Medlem")
OWNER_MEMBER = Sender("eier", "3e300000-0000-4000-8000-000000000002", "Eirik Eier")
GUEST = Sender("gjest", "9e500000-0000-4000-8000-000000000001", "Gunnar Gjest")
UNKNOWN = Sender("ukjent", "0c000000-0000-4000-8000-000000000001", "Ukjent Bruker")
REFUSED_SECRETARIAT = (DEACTIVATED, MEMBER, GUEST, UNKNOWN)
REFUSED_OWNER = (DEACTIVATED, MEMBER, GUEST, UNKNOWN)


@dataclass
class World:
    """What the seed made: ids an owner-only verb's data points at."""

    session_id: int
    entry_id: int  # the owner's; refused senders aim at it, the owner acts on it
    spare_entry_id: int  # the owner's too: the secretariat acts on this one
    round_id: int
    slot_id: int
    followup_id: int  # the owner's region is responsible
    spare_followup_id: int  # the owner is responsible: the secretariat marks this one done


def seed(engine: Engine) -> World:
    """A group with each kind of sender (the guest linked later by UPN), an open innspill
    with the owner's entry, and a running round with the owner's region speaking."""
    now = datetime.now(UTC)
    with Session(engine) as db:
        group = get_or_create_group(db, "Faggruppe for næringssamarbeid")
        region = Region(name="Romerike")
        db.add(region)
        db.flush()
        people = {}
        for who, role, active in ((ACTIVE, Role.secretariat, True),
                                  (DEACTIVATED, Role.secretariat, False),
                                  (MEMBER, Role.member, True), (OWNER_MEMBER, Role.member, True)):
            m = Member(name=who.name, name_key=name_key(who.name), organisation="Asker",
                       aad_object_id=who.aad, role=role, active=active,
                       # the deactivated one is of the owner's region: `active` must decide
                       region_id=region.id if who in (OWNER_MEMBER, DEACTIVATED) else None)
            db.add(m)
            db.flush()
            add_membership(db, group, m)
            people[who.key] = m
        guest = Member(name=GUEST.name, name_key=name_key(GUEST.name), role=Role.guest,
                       organisation="Lillestrøm", email="gunnar.gjest@lillestrom.kommune.no")
        db.add(guest)
        db.flush()
        add_membership(db, group, guest)
        s = innspill_repo.create(db, questions_=["Hva er viktigst?"], areas_=[], now=now,
                                 group_id=group.id)
        innspill_repo.advance(s, "open", now)
        db.add(s)
        db.flush()
        entry, _token = innspill_repo.add_entry(db, s, people["eier"], "Eiers innspill", 0, now)
        spare, _token = innspill_repo.add_entry(db, s, people["eier"], "Eiers andre", 0, now)
        rnd = rounds.create_round(
            db, group_id=group.id, meeting_id=None, topic="Runden", mode=rm.OrderMode.region,
            seconds=120, auto_advance=False, conversation_id=ROUND_CHAT,
            drafts=[SlotDraft("Romerike", region.id, [people["eier"]])], by_member_id=None,
            now=now)
        slot = rounds.slots(db, rnd.id or 0)[0]
        meeting = Meeting(title="Faggruppemøte")
        db.add(meeting)
        db.flush()
        db.add(MeetingGroup(meeting_id=meeting.id or 0, group_id=group.id or 0))
        item = AgendaItem(meeting_id=meeting.id or 0, number=1, title="Orienteringer")
        db.add(item)
        db.flush()
        followups = [Followup(meeting_id=meeting.id or 0, agenda_item_id=item.id or 0,
                              what="Sende presentasjonen", due_date=date(2030, 1, 4),
                              region_id=region_id, member_id=member_id)
                     for region_id, member_id in ((region.id, None), (None, people["eier"].id))]
        db.add_all(followups)
        # An open nomination (id 1): the secretariat's «Godkjenn nominasjonen» / «Avslå» act on it.
        db.add(Nomination(group_id=group.id or 0, name="Nina Nominert", name_key="nina nominert",
                          email="nina@asker.kommune.no", organisation="Asker"))
        db.flush()
        db.commit()
        return World(s.id or 0, entry.id or 0, spare.id or 0, rnd.id or 0, slot.id or 0,
                     followups[0].id or 0, followups[1].id or 0)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log, in a stable order."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            cols = ", ".join(f'"{c.name}"' for c in table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(text(
                f'SELECT {cols} FROM "{table.name}" ORDER BY {cols}'))]
    return out


def refusals(engine: Engine) -> list[AuditEntry]:
    with Session(engine) as db:
        return list(db.exec(select(AuditEntry).where(AuditEntry.outcome == "refused")
                            .order_by(col(AuditEntry.id))))


def plain_value(annotation: Any) -> Any:
    """A valid value of a field's type (the role check comes after validation)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return {int: 1, str: "1", bool: False, float: 1.0}.get(annotation, "1")


def card_data(route: Guarded, world: World, **overrides: Any) -> dict[str, Any]:
    """Data the verb's model accepts: every required field filled, ids pointing at the seed."""
    model: type[BaseModel] = route.model or BaseModel
    known = {"session": world.session_id, "entry": world.entry_id, "round_id": world.round_id,
             "slot_id": world.slot_id, "text": "Endret tekst", "step": 1,
             "followup_id": world.followup_id}
    data = {name: plain_value(f.annotation) for name, f in model.model_fields.items()
            if f.is_required() and name != "verb"}
    data.update({k: v for k, v in {**known, **overrides}.items() if k in model.model_fields})
    model.model_validate({**data, "verb": route.name})  # else the table would test nothing
    return data


async def send(bot: BotServer, who: Sender, route: Guarded, world: World,
               conversation: str | None = None, **data: Any) -> str:
    """The route as `who` (a command in their 1:1 chat, a round's verb in its channel, any
    other verb as Action.Execute in their 1:1 chat); the text they are answered with."""
    conversation = conversation or chat_of(who, route)
    before = len(bot.connector.sent())
    if route.kind == "command":
        body = activity("personal_message", bot.connector.url, text=route.name)
    else:
        body = activity("adaptive_card_action", bot.connector.url)
        body["value"]["action"].update(verb=route.name, data=card_data(route, world, **data))
    body["from"] = {"id": who.user_id, "aadObjectId": who.aad, "name": who.name}
    body["conversation"] = {**body["conversation"], "id": conversation,
                            "conversationType": "channel" if conversation == ROUND_CHAT
                            else "personal"}
    status, answer = await bot.post(copy.deepcopy(body))
    assert status in (200, 201), answer
    replies = [a.get("text") or str(a.get("attachments")) for a in bot.connector.sent()[before:]]
    value = answer.get("value") if isinstance(answer, dict) else None
    return "\n".join([str(value or ""), *replies])


def chat_of(who: Sender, route: Guarded) -> str:
    """Where the route is used: a round's verbs in its channel, the rest in the 1:1 chat."""
    return ROUND_CHAT if route.name.startswith("round.") else who.chat


async def prepare(bot: BotServer, route: Guarded) -> World:
    """Seed, and let every sender say «hjelp» once: first contact (the guest's UPN link, the
    unknown user's failed look-up, 1:1 references) is settled before the table runs."""
    world = seed(bot.engine)
    bot.connector.add_member({"id": GUEST.user_id, "aadObjectId": GUEST.aad,
                              "name": GUEST.name, "userPrincipalName": GUEST_UPN,
                              "tenantId": TENANT})
    for who in (ACTIVE, DEACTIVATED, MEMBER, OWNER_MEMBER, GUEST, UNKNOWN):
        await send(bot, who, Guarded("command", "hjelp"), world, chat_of(who, route))
    with Session(bot.engine) as db:
        guest = db.exec(select(Member).where(Member.name == GUEST.name)).one()
        assert (guest.aad_object_id, guest.role) == (GUEST.aad, Role.guest)
        assert db.exec(select(Member).where(Member.aad_object_id == UNKNOWN.aad)).first() is None
    return world


async def refused_everywhere(bot: BotServer, route: Guarded, world: World,
                             senders: tuple[Sender, ...], says: str) -> list[str]:
    """Send as each of `senders`; what went wrong for whom (empty: every one was refused with
    a Norwegian message and an audit row, and nothing else in the database changed)."""
    wrong = []
    for who in senders:
        before, audited = snapshot(bot.engine), len(refusals(bot.engine))
        answer = await send(bot, who, route, world)
        rows = refusals(bot.engine)[audited:]
        if says not in answer:
            wrong.append(f"{who.key}: not refused in Norwegian: {answer[:160]!r}")
        if [r.actor_aad_object_id or who.aad for r in rows] != [who.aad]:
            seen = [(r.action, r.actor_aad_object_id) for r in rows]
            wrong.append(f"{who.key}: refusal audit rows {seen}")
        if snapshot(bot.engine) != before:
            wrong.append(f"{who.key}: the database changed")
    return wrong


def _allowed(answer: str, refused_text: str) -> bool:
    # The error message ends in its correlation id: everything before that is fixed.
    error_text = t("error", "nb", ref="\0").split("\0")[0]
    return (refused_text not in answer and t("bad_action", "nb") not in answer
            and error_text not in answer)


def test_the_role_table_covers_every_guarded_route() -> None:
    # 9 commands and 30 card verbs today; owner-only: an entry's edit and delete, the region's
    # round update. A route added with secretariat=True or owner=True joins the table itself.
    assert len(SECRETARIAT) >= 39 and {r.kind for r in SECRETARIAT} == {"command", "action"}
    assert {r.name for r in OWNER} == {"innspill.start_edit", "innspill.edit",
                                       "innspill.delete", "round.update", "followup.done"}
    assert not {r.name for r in OWNER} & {r.name for r in SECRETARIAT}


@pytest.mark.parametrize("route", SECRETARIAT, ids=lambda r: r.name)
async def test_secretariat_route_only_for_the_active_secretariat(bot, route: Guarded) -> None:
    world = await prepare(bot, route)
    refused_text = "er forbeholdt sekretariatet"
    wrong = await refused_everywhere(bot, route, world, REFUSED_SECRETARIAT, refused_text)
    audited = len(refusals(bot.engine))
    answer = await send(bot, ACTIVE, route, world)
    if not _allowed(answer, refused_text) or len(refusals(bot.engine)) != audited:
        wrong.append(f"active secretariat refused: {answer[:160]!r}")
    assert wrong == []


OWNER_REFUSAL = {"innspill": "Innspill", "round": "Du kan bare skrive oppdateringen"}
# What each refusal says, by what it refuses (all Norwegian, all from the seeds' wording).
OWNER_TEXTS = ("Det innspillet er ikke ditt", "Du er ikke registrert som medlem",
               "Du kan bare skrive oppdateringen for din egen region",
               "Bare den ansvarlige eller sekretariatet kan merke oppfølgingspunktet",
               "kan bare gjøres av den det gjelder, eller av sekretariatet")


@pytest.mark.parametrize("route", OWNER, ids=lambda r: r.name)
async def test_owner_verb_only_for_the_owner_and_the_active_secretariat(
        bot, route: Guarded) -> None:
    world = await prepare(bot, route)
    wrong = []
    for who in REFUSED_OWNER:
        before, audited = snapshot(bot.engine), len(refusals(bot.engine))
        answer = await send(bot, who, route, world)
        rows = refusals(bot.engine)[audited:]
        if not any(text_ in answer for text_ in OWNER_TEXTS):
            wrong.append(f"{who.key}: not refused in Norwegian: {answer[:200]!r}")
        if len(rows) != 1:
            wrong.append(f"{who.key}: {len(rows)} refusal audit rows")
        if snapshot(bot.engine) != before:
            wrong.append(f"{who.key}: the database changed")
    for who, entry, followup in ((OWNER_MEMBER, world.entry_id, world.followup_id),
                                 (ACTIVE, world.spare_entry_id, world.spare_followup_id)):
        audited = len(refusals(bot.engine))
        answer = await send(bot, who, route, world, entry=entry, followup_id=followup,
                            text=f"Endret av {who.key}")
        if any(text_ in answer for text_ in OWNER_TEXTS) or not _allowed(answer, "forbeholdt") \
                or len(refusals(bot.engine)) != audited:
            wrong.append(f"{who.key}: refused: {answer[:200]!r}")
        elif not done(bot.engine, route.name, world, entry, f"Endret av {who.key}", answer,
                      followup):
            wrong.append(f"{who.key}: allowed, but {route.name} left no trace: {answer[:200]!r}")
    assert wrong == []


def done(engine: Engine, verb: str, world: World, entry_id: int, text_: str,
         answer: str, followup_id: int = 0) -> bool:
    """What an allowed owner-only verb must have done."""
    with Session(engine) as db:
        entry = db.get(InnspillEntry, entry_id)
        if verb == "followup.done":
            followup = db.get(Followup, followup_id)
            return followup is not None and followup.status == "done"
        if verb == "innspill.start_edit":
            return "Lagre endring" in answer  # the entry opens for editing
        if verb == "innspill.edit":
            return entry is not None and entry.text == text_
        if verb == "innspill.delete":
            return entry is None
        slot = db.get(RoundSlot, world.slot_id)
        return slot is not None and slot.update_text == text_
