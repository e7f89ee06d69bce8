"""The member's own innspill card (user-specific): pick an area, write, edit, vote."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.common import Card, adaptive_card, execute, heading, para, plain


@dataclass(frozen=True)
class OwnEntry:
    id: int
    text: str
    question: str


@dataclass(frozen=True)
class VoteEntry:
    id: int
    text: str
    area: str
    votes: int


@dataclass(frozen=True)
class MemberView:
    session_id: int
    questions: list[str]
    status: str  # open, closed, voting, done
    areas: list[str] = field(default_factory=list)
    group: str = ""  # "Infrastruktur – gruppe 2" once placed
    own: list[OwnEntry] = field(default_factory=list)
    held: str = ""  # opaque ownership tokens (fully anonymous sessions), echoed back
    max_entries: int = 4
    notice: str = ""
    notice_good: bool = True
    draft: str = ""  # what the member typed, kept after a refusal
    editing: int | None = None  # entry id being edited
    moderating: OwnEntry | None = None  # someone else's entry the secretariat is editing
    votes_left: int = 0
    to_vote: list[VoteEntry] = field(default_factory=list)


def build_member_card(v: MemberView) -> Card:
    """What one member sees; every action carries only the session id and their tokens."""
    ref = {"session": v.session_id, "held": v.held}
    body: list[dict[str, object]] = [heading("Innspill", size="Medium")]
    body += [para(plain(q), weight="Bolder") for q in v.questions]
    if v.notice:
        body.append(para(v.notice, color="Good" if v.notice_good else "Attention"))
    if v.status == "voting":
        return adaptive_card(body + _voting(v, ref))
    if v.status == "open" and v.areas and not v.group:
        body.append({"type": "Input.ChoiceSet", "id": "area", "label": "Velg interesseområde",
                     "isRequired": True, "errorMessage": "Velg ett område",
                     "choices": [{"title": plain(a), "value": a} for a in v.areas]})
        return adaptive_card(body, [execute("Velg", "innspill.area", **ref)])
    if v.group:
        body.append(para(f"Din gruppe: **{plain(v.group)}**"))
    actions: list[dict[str, object]] = []
    if v.status == "open":
        editing = next((e for e in [*v.own, *([v.moderating] if v.moderating else [])]
                        if e.id == v.editing), None)
        if len(v.questions) > 1 and editing is None:
            body.append({"type": "Input.ChoiceSet", "id": "question", "label": "Spørsmål",
                         "value": "0", "choices": [{"title": plain(q[:80]), "value": str(i)}
                                                   for i, q in enumerate(v.questions)]})
        body.append({"type": "Input.Text", "id": "text", "isMultiline": True,
                     "label": "Endre innspillet" if editing else "Ditt innspill",
                     "value": v.draft or (editing.text if editing else "")})
        if editing:
            actions.append(execute("Lagre endring", "innspill.edit", entry=editing.id, **ref))
        else:
            actions.append(execute("Send inn", "innspill.submit", **ref))
        body.append(para(f"Du har sendt inn {len(v.own)} av maks {v.max_entries}.",
                         isSubtle=True))
    elif v.status in ("closed", "done"):
        body.append(para("Innspillet er stengt. Takk for bidraget!", isSubtle=True))
        if v.draft:  # refused after close: show what was typed so it can be copied
            body.append(para(f"Teksten du skrev (ikke sendt inn): {plain(v.draft)}"))
    body += _own(v, ref)
    actions.append(execute("Oppdater", "innspill.view", **ref))
    return adaptive_card(body, actions)


def _own(v: MemberView, ref: dict[str, object]) -> list[dict[str, object]]:
    if not v.own:
        return []
    out: list[dict[str, object]] = [para("Dine innspill:", weight="Bolder")]
    for e in v.own:
        out.append(para(plain(e.text), separator=True))
        if v.status == "open":
            out.append({"type": "ActionSet", "actions": [
                execute("Endre", "innspill.start_edit", entry=e.id, **ref),
                execute("Slett", "innspill.delete", entry=e.id, **ref)]})
    return out


def _voting(v: MemberView, ref: dict[str, object]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = [para(f"Du har **{v.votes_left}** stemmer igjen. Fordel dem "
                                         "på innspillene som er viktigst.")]
    for e in v.to_vote[:60]:
        out.append(para(f"{plain(e.text[:300])} · {plain(e.area)}", separator=True))
        if v.votes_left:
            out.append({"type": "ActionSet", "actions": [
                execute("Stem", "innspill.cast", entry=e.id, **ref)]})
    return out


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    q = ["Hvilke 3–4 utfordringer bør regionen fokusere på?"]
    areas = ["Tilgang på arbeidskraft", "Attraktivitet", "Innovasjon"]
    own = [OwnEntry(3, "Mangel på **fagarbeidere** <at>Ola</at>", q[0])]
    return {
        "innspill_member_pick": build_member_card(MemberView(1, q, "open", areas)),
        "innspill_member_write": build_member_card(MemberView(
            1, q, "open", areas, "Innovasjon – gruppe 2", own, "3:abc",
            notice="Takk! Innspillet ditt er sendt inn (1 av 4).")),
        "innspill_member_vote": build_member_card(MemberView(
            1, q, "voting", votes_left=2, to_vote=[VoteEntry(3, "Fagarbeidere", "Innovasjon", 1)])),
    }
