"""Helpers for the innspill tests: 40 members from seed 000, invokes as any member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from domain.names import name_key
from storage.groups import add_membership, get_or_create_group
from storage.models import Member, Role
from tests.harness import activity, card_nodes

SEED = Path(__file__).parent / "fixtures" / "seed000_invitees.tsv"
SECRETARIAT_AAD = "5ec00000-0000-4000-8000-000000000001"
SIX = ["Tilgang på arbeidskraft", "Attraktivitet", "Infrastruktur og tilgjengelighet",
       "Arealbruk", "Næringsklima", "Innovasjon"]


def seed_people() -> list[tuple[str, str]]:
    """The first 40 (name, municipality) pairs of seed 000's invitee list."""
    people: list[tuple[str, str]] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("\t")]
        people += [(cells[i], cells[i + 1]) for i in (0, 2) if i + 1 < len(cells) and cells[i]]
    return people[:40]


def aad(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def populate(engine: Any, count: int = 40) -> list[int]:
    """A group with `count` members (aad ids 0..count-1) and one secretariat member."""
    with Session(engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        ids = []
        for i, (name, org) in enumerate(seed_people()[:count]):
            m = Member(name=name, name_key=name_key(name), organisation=org, aad_object_id=aad(i))
            s.add(m)
            s.flush()
            add_membership(s, group, m)
            ids.append(m.id or 0)
        s.add(Member(name="Sekretær Sara", name_key=name_key("Sekretær Sara"),
                     organisation="Osloregionen", aad_object_id=SECRETARIAT_AAD,
                     role=Role.secretariat))
        s.commit()
    return ids


def _who(data: dict[str, Any], who: str, conversation: str | None) -> dict[str, Any]:
    data["from"] = {"id": f"29:{who}", "aadObjectId": who, "name": who}
    data["conversation"]["id"] = conversation or f"a:personal-{who}"
    return data


async def invoke(bot: Any, who: str, verb: str, conversation: str | None = None,
                 **data: Any) -> Any:
    """Action.Execute as `who`; returns the invoke answer's value (a card or a text)."""
    a = _who(activity("adaptive_card_action", bot.connector.url), who, conversation)
    a["value"]["action"].update(verb=verb, data=data)
    status, body = await bot.post(a)
    assert status == 200, body
    return body["value"]


async def say(bot: Any, who: str, text: str, conversation: str | None = None) -> None:
    """A chat message as `who`."""
    status, _ = await bot.post(_who(activity("personal_message", bot.connector.url, text=text),
                                    who, conversation))
    assert status in (200, 201)


def held_of(card: dict[str, Any]) -> str:
    """The ownership tokens a member card carries in its action data."""
    found = [n["data"]["held"] for n in card_nodes(card)
             if isinstance(n.get("data"), dict) and "held" in n["data"]]
    return found[0] if found else ""
