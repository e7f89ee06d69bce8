"""The live card in the chat: counts per group, entries where results are live."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.common import Card, adaptive_card, execute, heading, para, plain
from cards.innspill import STATUS_TITLE


@dataclass(frozen=True)
class LiveGroup:
    label: str
    members: list[str]  # "Navn (Kommune)"
    entries: int


@dataclass(frozen=True)
class LiveEntry:
    text: str
    area: str
    by: str  # author name when the session is named, else ""
    votes: int


@dataclass(frozen=True)
class LiveView:
    session_id: int
    questions: list[str]
    status: str
    total: int
    participants: int
    groups: list[LiveGroup] = field(default_factory=list)
    entries: list[LiveEntry] | None = None  # None: not shown before close
    deadline: str = ""
    ranked: bool = False


def build_live_card(v: LiveView) -> Card:
    """Shared by everyone in the chat; members get their own view through the button."""
    body = [heading(f"Innspill – {STATUS_TITLE.get(v.status, v.status)}", size="Medium"),
            *(para(plain(q), weight="Bolder") for q in v.questions),
            para(f"{v.total} innspill fra {v.participants} deltakere.", isSubtle=True)]
    if v.deadline:
        body.append(para(f"Frist for skriftlige innspill: {v.deadline}", isSubtle=True))
    for g in v.groups:
        body.append(para(f"**{plain(g.label)}** – {len(g.members)} deltakere, "
                         f"{g.entries} innspill", separator=True))
        if g.members:
            body.append(para(plain(", ".join(g.members)), isSubtle=True, size="Small"))
    if v.entries is None:
        body.append(para("Innspillene vises når innspillet er stengt.", isSubtle=True))
    else:
        shown = v.entries[:80]  # the card stays under Teams' 80 KB advice
        if v.ranked:
            body.append(para("Prioritert liste:", weight="Bolder"))
        for i, e in enumerate(shown, 1):
            by = f" – {plain(e.by)}" if e.by else ""
            votes = f" · {e.votes} stemmer" if v.ranked or e.votes else ""
            lead = f"{i}. " if v.ranked else ""
            body.append(para(f"{lead}{plain(e.text[:200])}{by} · {plain(e.area)}{votes}"
                             if e.area else f"{lead}{plain(e.text[:200])}{by}{votes}"))
        if len(v.entries) > len(shown):
            body.append(para(f"… og {len(v.entries) - len(shown)} til (se eksporten).",
                             isSubtle=True))
    actions = []
    if v.status == "open":
        actions.append(execute("Skriv innspill", "innspill.view", session=v.session_id))
    elif v.status == "voting":
        actions.append(execute("Prioriter", "innspill.view", session=v.session_id))
    actions.append(execute("Oppdater", "innspill.live", session=v.session_id))
    return adaptive_card(body, actions)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    groups = [LiveGroup("Innovasjon – gruppe 1", ["Anne Feltman (Asker - Bærum)"], 2)]
    entries = [LiveEntry("Mangel på [fagarbeidere](https://x.no)", "Innovasjon", "", 3)]
    q = ["Hvilke 3–4 utfordringer bør regionen fokusere på?"]
    return {
        "innspill_live": build_live_card(LiveView(1, q, "open", 2, 1, groups, None,
                                                  "fredag 8. september 2023 kl. 16.00")),
        "innspill_live_ranked": build_live_card(LiveView(1, q, "done", 2, 1, groups, entries,
                                                         ranked=True)),
    }
