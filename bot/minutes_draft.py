"""`referatutkast MØTE-ID`: the «Referatutkast» card (outline and downloads), secretariat only,
shown in a personal chat (it names who came and who sent regrets)."""

from __future__ import annotations

from bot.privacy import personal_only
from bot.router import Router
from bot.turn import Turn
from cards.minutes_draft import build_draft_card
from cards.notice import build_notice_card
from core.i18n import t
from domain.bounds import parse_id
from services import minutes_draft as service


def register(root: Router) -> None:
    """Add `referatutkast` for the active secretariat."""
    feature = root.feature("minutes_draft")
    feature.secretariat().command(
        "referatutkast", description=lambda: t("minutes_draft.reply.beskrivelse"))(
        personal_only(draft_command, "minutes.draft.read"))


async def draft_command(turn: Turn) -> None:
    """`referatutkast 12`: the card with this member's own signed links."""
    words = turn.text.split()
    meeting_id = parse_id(words[1]) if len(words) > 1 else None
    title = t("cards.minutes_draft.referatutkast")
    if meeting_id is None or turn.member is None:
        usage = t("minutes_draft.reply.skriv_referatutkast")
        await turn.send_card(build_notice_card(title, [usage]), title)
        return
    try:
        view = service.card_view(turn.session, turn.deps.links, meeting_id, turn.member,
                                 turn.deps.clock)
    except service.DraftError as exc:
        await turn.say(str(exc))
        return
    await turn.send_card(build_draft_card(view), title)
