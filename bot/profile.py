"""A member's own details: «Endre opplysningene» opens the form, «Lagre opplysningene» saves
it at once, «Ja, stemmer» confirms the yearly check. Whose details: the sender's, always."""

from __future__ import annotations

from bot.router import Router, Shown
from bot.turn import Turn
from cards.actions import ProfileConfirmAction, ProfileEditAction, ProfileSaveAction
from cards.profile import (
    CheckView,
    build_profile_check_card,
    build_profile_form_card,
    build_profile_saved_card,
)
from core.i18n import t
from domain.members import FieldError
from domain.profile import Typed
from services import profile as service
from services.members import RegistryError


def register(root: Router) -> None:
    """Add the profile form and the yearly check's answer (any member, their own details)."""
    router = root.feature("profile")
    router.action(ProfileEditAction)(open_form)
    router.action(ProfileSaveAction)(save)
    router.action(ProfileConfirmAction)(confirm)


async def open_form(turn: Turn, _data: ProfileEditAction) -> Shown:
    """The form with the sender's stored details."""
    member = turn.member
    if member is None or member.id is None:
        await turn.say(t("privacy.reply.jeg_har_ingen"))
        return None
    return build_profile_form_card(service.form_view(turn.session, member))


async def save(turn: Turn, data: ProfileSaveAction) -> Shown:
    """Save the sender's form; a refusal redraws the form as typed with the reason."""
    member = turn.member
    if member is None or member.id is None:
        await turn.say(t("privacy.reply.jeg_har_ingen"))
        return None
    # A field the client left out is blank (the form shows every field), but a deputy left
    # out stays as stored: «none» is a choice of its own.
    deputy = data.deputy if data.deputy is not None else str(member.deputy_member_id or 0)
    typed = Typed(name=data.name, organisation=data.organisation, email=data.email,
                  phone=data.phone, deputy=deputy)
    try:
        changed = service.save_own(turn.session, member, typed, turn.deps.clock.now())
    except (FieldError, RegistryError) as exc:
        return build_profile_form_card(service.form_view(turn.session, member, typed, str(exc)))
    return build_profile_saved_card(service.details(turn.session, member),
                                    service.saved_notice(changed))


async def confirm(turn: Turn, _data: ProfileConfirmAction) -> Shown:
    """«Ja, stemmer»: this year's check is confirmed; the card loses its buttons."""
    member = turn.member
    if member is None or member.id is None:
        await turn.say(t("privacy.reply.jeg_har_ingen"))
        return None
    service.confirm(turn.session, member, turn.deps.clock.now())
    return build_profile_check_card(CheckView(service.details(turn.session, member),
                                              confirmed=True))
