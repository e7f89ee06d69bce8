"""The referat's høring in Teams: `høring MØTE-ID` (the secretariat's card of versions and
corrections), «Send til høring», «Lag ny versjon», and a recipient's «Send rettelse»."""

from __future__ import annotations

from bot.router import CardReply, Router, Shown
from bot.turn import Turn
from cards.actions import (
    MinutesCirculateAction,
    MinutesCorrectAction,
    MinutesNewVersionAction,
    MinutesReviewShowAction,
)
from cards.minutes_review import build_circulation_card, build_review_card
from cards.notice import build_notice_card
from core.dates import DateTextError, parse_date
from core.i18n import t
from domain.minutes import end_of_day
from domain.minutes_review import Audience, ReviewError
from services import minutes_review


def register(root: Router) -> None:
    """Add `høring` and the secretariat's buttons; «Send rettelse» for any member (the use
    case checks they got the referat)."""
    feature = root.feature("minutes_review")
    secretariat = feature.secretariat()
    secretariat.command("høring", "horing",
                        description=lambda: t("minutes_review.reply.horing_beskrivelse"),
                        )(review_command)
    secretariat.action(MinutesReviewShowAction)(show_action)
    secretariat.action(MinutesCirculateAction)(circulate_action)
    secretariat.action(MinutesNewVersionAction)(version_action)
    feature.action(MinutesCorrectAction)(correct_action)


def _review_reply(turn: Turn, meeting_id: int, notice: str = "",
                  problem: bool = False) -> Shown:
    assert turn.member is not None  # secretariat routes only
    try:
        view = minutes_review.review_view(turn.session, turn.deps.links, meeting_id,
                                          turn.member.id or 0, notice, problem)
    except ReviewError as exc:
        return CardReply(build_notice_card(t("minutes_review.reply.referat"), [str(exc)]),
                         str(exc))
    return CardReply(build_review_card(view), view.state)


async def review_command(turn: Turn) -> None:
    """`høring 12`: the referat's versions, corrections and «Send til høring»."""
    words = turn.text.split()
    if len(words) < 2 or not words[1].isdigit():
        usage = t("minutes_review.reply.bruk")
        await turn.send_card(build_notice_card(t("minutes_review.reply.referat"), [usage]),
                             usage)
        return
    shown = _review_reply(turn, int(words[1]))
    assert isinstance(shown, CardReply)
    await turn.send_card(shown.card, shown.text)


async def show_action(turn: Turn, data: MinutesReviewShowAction) -> Shown:
    """The secretariat's card, drawn from the database."""
    return _review_reply(turn, data.meeting_id)


async def circulate_action(turn: Turn, data: MinutesCirculateAction) -> Shown:
    """«Send til høring» with the card's recipients and deadline (empty: a week)."""
    assert turn.member is not None
    now = turn.deps.clock.now()
    try:
        audience = Audience(data.to or "present")
    except ValueError:
        return _review_reply(turn, data.meeting_id, t("minutes_review.reply.ukjent_mottakere"),
                             problem=True)
    try:
        deadline = end_of_day(parse_date(data.deadline)) if data.deadline.strip() else None
        done = minutes_review.circulate(turn.session, data.meeting_id, audience=audience,
                                        deadline=deadline, member_id=turn.member.id, now=now,
                                        links=turn.deps.links)
    except (ReviewError, DateTextError) as exc:
        return _review_reply(turn, data.meeting_id, str(exc), problem=True)
    return _review_reply(turn, data.meeting_id, t(
        "minutes_review.reply.sendt_til_horing", version=done.version, count=done.recipients))


async def version_action(turn: Turn, data: MinutesNewVersionAction) -> Shown:
    """«Lag ny versjon»: the notes as they stand now."""
    assert turn.member is not None
    try:
        made = minutes_review.new_version(turn.session, data.meeting_id, turn.member.id,
                                          turn.deps.clock.now())
    except ReviewError as exc:
        return _review_reply(turn, data.meeting_id, str(exc), problem=True)
    return _review_reply(turn, data.meeting_id,
                         t("minutes_review.reply.ny_versjon", version=made.number))


async def correct_action(turn: Turn, data: MinutesCorrectAction) -> Shown:
    """«Send rettelse» on the høring card (identity from the activity)."""
    if turn.member is None:
        return None
    try:
        view = minutes_review.correct(turn.session, turn.deps.links, data.meeting_id,
                                      data.version, turn.member, data.correction,
                                      turn.deps.clock.now())
    except ReviewError as exc:
        return CardReply(build_notice_card(t("minutes_review.reply.referat"), [str(exc)]),
                         str(exc))
    return CardReply(build_circulation_card(view), view.notice)
