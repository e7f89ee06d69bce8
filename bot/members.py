"""`importer` in chat (the secretariat pastes people, one per line) and the near-match card's
«Samme person» / «Ny person»."""

from __future__ import annotations

from bot.router import CardReply, Router, Shown
from bot.turn import Turn
from cards.actions import MemberCandidateRef, MemberNewAction, MemberSameAction
from cards.members import build_candidate_card
from core.i18n import t
from domain.members import ImportFileError, pasted_text
from services import members as registry
from storage.members_models import MemberCandidate


def register(root: Router) -> None:
    """Add the chat import and the candidate card's two answers (secretariat only)."""
    secretariat = root.feature("members").secretariat()
    secretariat.command("importer", description=lambda: t("members.reply.importer_beskrivelse"),
                        )(import_from_chat)
    secretariat.action(MemberSameAction)(same_person)
    secretariat.action(MemberNewAction)(new_person)


async def import_from_chat(turn: Turn) -> None:
    """Import the lines after the command word; a card for each near match."""
    raw = registry_text(turn.activity.text or "")
    if not raw.strip():
        await turn.say(t("members.reply.lim_inn"))
        return
    member_id = turn.member.id if turn.member else None
    try:
        outcomes = registry.import_pasted(turn.session, raw, now=turn.deps.clock.now(),
                                          actor_member_id=member_id)
    except ImportFileError as exc:
        await turn.say(str(exc))
        return
    kinds = [o.kind for o in outcomes]
    await turn.say(t("members.reply.importert", added=kinds.count("added"),
                     updated=kinds.count("updated"), unchanged=kinds.count("unchanged"),
                     candidates=kinds.count("ambiguous")))
    for out in outcomes:
        candidate = turn.session.get(MemberCandidate, out.candidate_id or 0)
        if candidate is not None:
            await turn.send_card(build_candidate_card(registry.candidate_view(
                turn.session, candidate)), t("members.reply.ligner_pa", name=candidate.name))


def registry_text(text: str) -> str:
    """The pasted lines: the message as lines, without its first word (the command)."""
    lines = pasted_text(text)
    first, _, rest = lines.lstrip().partition("\n")
    words = first.split(maxsplit=1)
    return "\n".join(([words[1]] if len(words) > 1 else []) + ([rest] if rest else []))


async def _decide(turn: Turn, data: MemberCandidateRef, same_as: int | None) -> Shown:
    candidate = turn.session.get(MemberCandidate, data.candidate_id)
    if candidate is None:
        await turn.say(t("members.registry.fant_ingen_kandidat", who=data.candidate_id))
        return None
    try:
        member = registry.resolve(turn.session, data.candidate_id, same_as=same_as,
                                  now=turn.deps.clock.now(), actor="teams",
                                  actor_member_id=turn.member.id if turn.member else None)
    except registry.RegistryError as exc:  # refused before anything was written
        turn.session.refresh(candidate)
        card = build_candidate_card(registry.candidate_view(turn.session, candidate, str(exc)))
        return CardReply(card, str(exc))
    text = registry.decided_text(member, same_as is not None)
    return CardReply(build_candidate_card(registry.candidate_view(turn.session, candidate,
                                                                  text)), text)


async def same_person(turn: Turn, data: MemberSameAction) -> Shown:
    """«Samme person»: the row is this member; the spelling is kept as an alias."""
    return await _decide(turn, data, data.member_id)


async def new_person(turn: Turn, data: MemberNewAction) -> Shown:
    """«Ny person»: the row is added as a member of their own."""
    return await _decide(turn, data, None)
