"""Minutes in Teams: `referat MØTE-ID`, the referent's card and its presses, «Ferdig» on a
follow-up reminder."""

from __future__ import annotations

from typing import Any

from bot.router import CardReply, Router, Shown
from bot.turn import Turn
from cards.actions import (
    FollowupDoneAction,
    MinutesApproveAction,
    MinutesFollowupAction,
    MinutesGoAction,
    MinutesOpenAction,
    MinutesPress,
    MinutesSaveAction,
)
from cards.meetings import build_status_card
from cards.minutes import build_followup_reminder_card, build_referent_card
from cards.notice import build_notice_card
from core.i18n import t
from services import minutes
from services.meetings import build_status_view
from storage import audit
from storage.meeting_models import Meeting
from storage.minutes import may_mark_done
from storage.minutes_models import Followup

PRESSES = (MinutesSaveAction, MinutesApproveAction, MinutesFollowupAction, MinutesGoAction)


def register(root: Router) -> None:
    """Add `referat`, the referent's card actions (secretariat) and «Ferdig» (the owner)."""
    feature = root.feature("minutes")
    secretariat = feature.secretariat()
    secretariat.command("referat", description=lambda: t("minutes.reply.referatkort_for_et"),
                        )(referat_command)
    secretariat.action(MinutesOpenAction)(open_action)
    for action in PRESSES:
        secretariat.action(action)(press_action)
    feature.owner(_owns_followup, _not_yours).action(FollowupDoneAction)(done_action)


def _owns_followup(turn: Turn, data: FollowupDoneAction) -> bool:
    """The responsible member, or a member of the responsible region (role and region as
    stored, identity from the activity); no such follow-up: the handler says so."""
    f = turn.session.get(Followup, data.followup_id)
    return f is None or may_mark_done(turn.session, f, turn.member)


def _not_yours(turn: Turn, data: FollowupDoneAction) -> dict[str, Any] | None:
    f = turn.session.get(Followup, data.followup_id)
    if f is None:
        return None
    return build_followup_reminder_card(minutes.reminder_card_view(
        turn.session, f, t("minutes.reply.bare_den_ansvarlige")))


def _notice(title: str, text: str) -> dict[str, Any]:
    return build_notice_card(title, [text])


async def referat_command(turn: Turn) -> None:
    """`referat 12` (also `eksport referat 12`): the referent's card in one's personal chat."""
    words = turn.text.split()
    if words and words[0].casefold() == "eksport":
        words = words[1:]
    mid = words[1] if len(words) > 1 else ""
    if not mid.isdigit():
        await turn.send_card(_notice(t("minutes.reply.referat"),
                                     t("minutes.reply.skriv_referat_mote")),
                             t("minutes.reply.referat"))
        return
    await send_referent_card(turn, int(mid))


async def send_referent_card(turn: Turn, meeting_id: int) -> bool:
    """The card in the secretariat member's own chat: here if this is it, else 1:1 through
    the delivery ledger and a line here saying so. False (and a notice) when it cannot be."""
    member, now = turn.member, turn.deps.clock.now()
    assert member is not None  # secretariat routes only
    try:
        view = minutes.open_card(turn.session, meeting_id, member.id, now)
    except minutes.MinutesError as exc:
        await turn.send_card(_notice("Referat", str(exc)), "Referat")
        return False
    audit.record(turn.session, action=MinutesOpenAction.verb, actor_member_id=member.id,
                 actor_aad_object_id=member.aad_object_id, target=f"meeting:{meeting_id}")
    card, text = build_referent_card(view), f"Referat: {view.meeting_title}"
    if (turn.activity.conversation.conversation_type or "personal") == "personal":
        await turn.send_card(card, text)
        return True
    minutes.queue_personal_card(turn.session, member.id or 0, meeting_id, card, text, now)
    await turn.say(t("minutes.reply.referatkortet_er_sendt"))
    return True


async def open_action(turn: Turn, data: MinutesOpenAction) -> Shown:
    """«Referat» on the status card: the referent's card as a new message in one's own chat,
    and the status card again for the clicker."""
    sent = await send_referent_card(turn, data.meeting_id)
    meeting = turn.session.get(Meeting, data.meeting_id)
    if not sent or meeting is None:
        return None
    here = (turn.activity.conversation.conversation_type or "personal") == "personal"
    notice = t("minutes.reply.referatkortet_er_sendt_2") + (t("minutes.reply.her_chatten") if here
                                          else t("minutes.reply.til_deg_personlig"))
    view = build_status_view(turn.session, meeting, notice)
    return CardReply(build_status_card(view), notice)


async def press_action(turn: Turn, data: MinutesPress) -> Shown:
    """Lagre, Vedtak: godkjent, Legg til oppfølgingspunkt, Forrige/Neste/Gå til: each saves
    what changed on this copy of the card first."""
    assert turn.member is not None  # secretariat routes only
    try:
        view = minutes.press(turn.session, data, turn.member, turn.deps.clock.now(),
                             turn.deps.links)
    except minutes.MinutesError as exc:
        return CardReply(_notice("Referat", str(exc)), str(exc))
    return CardReply(build_referent_card(view), t("minutes.reply.referat_sak", number=view.number))


async def done_action(turn: Turn, data: FollowupDoneAction) -> Shown:
    """«Ferdig» on a reminder: the responsible or the secretariat only (identity from the
    activity, role and region from the database)."""
    f = turn.session.get(Followup, data.followup_id)
    if f is None:
        return CardReply(_notice(t("minutes.reply.oppfolgingspunkt"),
                                 t("minutes.reply.fant_ikke_oppfolgingspunktet")),
                         t("minutes.reply.fant_ikke_oppfolgingspunktet"))
    try:
        f, changed = minutes.finish(turn.session, data.followup_id, turn.member,
                                    turn.deps.clock.now())
    except minutes.MinutesError as exc:
        card = build_followup_reminder_card(minutes.reminder_card_view(turn.session, f, str(exc)))
        return CardReply(card, str(exc))
    notice = (t("minutes.reply.merket_som_ferdig") if changed
              else t("minutes.reply.dette_var_allerede"))
    card = build_followup_reminder_card(minutes.reminder_card_view(turn.session, f, notice))
    return CardReply(card, notice)
