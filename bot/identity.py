"""Who is speaking and where: conversation references and member linking."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import ActivityTypes
from sqlmodel import Session

from bot.sdk_fixes import tenant_id_of
from bot.turn import Turn
from domain.names import name_key
from services import nominations
from storage import members as member_repo
from storage import privacy as privacy_repo
from storage.conversations import RefData, follow_service_url, member_and_known, upsert_ref
from storage.db import session_scope
from storage.models import ConversationKind, Member, Role

log = logging.getLogger(__name__)
_KINDS = {"personal": ConversationKind.personal, "groupChat": ConversationKind.group_chat,
          "channel": ConversationKind.channel}


def ref_data(turn: Turn) -> RefData:
    """The reference a later proactive message needs, read from this activity."""
    a = turn.activity
    conv = a.conversation
    team = turn.channel_data.get("team") or {}
    channel = turn.channel_data.get("channel") or {}
    kind = _KINDS.get(conv.conversation_type or "", ConversationKind.personal)
    return RefData(
        conversation_id=conv.id, kind=kind, service_url=a.service_url or "",
        tenant_id=tenant_id_of(a), team_id=team.get("id"), channel_id=channel.get("id"),
        bot_id=a.recipient.id if a.recipient else None,
        user_aad_object_id=a.from_property.aad_object_id
        if kind == ConversationKind.personal and a.from_property else None,
    )


FIRST_CONTACT_TYPES = (ActivityTypes.message, ActivityTypes.invoke,
                       ActivityTypes.conversation_update, ActivityTypes.installation_update)


async def prefetch_profile(turn: Turn) -> None:
    """A sender not linked yet: fetch their Teams profile before the turn's transaction opens.

    AAD ids seen linked are remembered (bounded), so a known sender costs no extra query.
    """
    a = turn.activity
    aad = a.from_property.aad_object_id if a.from_property else None
    deps = turn.deps
    if not aad or a.type not in FIRST_CONTACT_TYPES or aad in deps.known_senders:
        return
    with session_scope(deps.engine) as s:
        linked = member_repo.aad_is_linked(s, aad)
    if linked:
        if len(deps.known_senders) > 50_000:
            deps.known_senders.clear()
        deps.known_senders.add(aad)
    elif not deps.lookups.recently_failed(aad, deps.clock.now()):
        # Without a profile there is no e-mail to match on: try again after a pause.
        turn.profile = await fetch_profile(turn, a.from_property.id)
        if turn.profile is None:
            deps.lookups.failed(aad, deps.clock.now())
        else:
            turn.profile.setdefault("aadObjectId", aad)  # the profile is this sender's


async def resolve(turn: Turn) -> None:
    """Link the sender to a member and keep this conversation's reference current."""
    a = turn.activity
    if a.conversation is None or a.from_property is None:
        return
    aad = a.from_property.aad_object_id
    conv = a.conversation.id
    member, stored_url = member_and_known(turn.session, aad, conv)
    known = stored_url is not None
    first_contact = member is None and aad and a.type in FIRST_CONTACT_TYPES
    if first_contact:
        turn.deps.known_senders.discard(aad)  # unlinked since: fetch the profile next time
        if turn.profile is not None:
            member = link_account(turn.session, turn, turn.profile)
    if member is not None and member.merged_into_id is not None:
        # A second account of someone whose duplicate was merged: they act as the one kept.
        member = turn.session.get(Member, member.merged_into_id) or member
    turn.member = member
    if member is None and privacy_repo.is_erased(turn.session, aad):
        turn.fetched["erased"] = True
        return  # no new conversation reference either: nothing is sent to them again
    if known and a.service_url and stored_url != a.service_url:
        # Microsoft may move a conversation to another service URL: every activity is the
        # news, and later invitations and reminders must follow it (the token named it).
        follow_service_url(turn.session, conv, a.service_url)
    if a.type in (ActivityTypes.conversation_update, ActivityTypes.installation_update):
        return  # bot/install.py records these, and welcomes only a fresh installation
    if not known or first_contact:
        data = ref_data(turn)
        owner = member.id if member and data.kind == ConversationKind.personal else None
        upsert_ref(turn.session, data, turn.deps.clock.now(), owner)


async def fetch_profile(turn: Turn, user_id: str) -> dict[str, Any] | None:
    """The user's Teams profile (name, e-mail, UPN); None when Teams will not say."""
    try:
        account = await asyncio.wait_for(TeamsInfo.get_member(turn.context, user_id),
                                         turn.deps.reply_total_s)
    except Exception as exc:  # the look-up is a courtesy: the turn goes on without it
        log.warning("member look-up failed for %s: %s", user_id, exc)
        return None
    return account.serialize() if account else None


def link_account(session: Session, turn: Turn, profile: dict[str, Any],
                 role: Role = Role.guest) -> Member | None:
    """Find the member by AAD id, e-mail or UPN and link it; unknown people become guests."""
    aad = profile.get("aadObjectId")
    if not aad or privacy_repo.is_erased(session, aad):
        return None  # an erased person starts a new record only when they ask to
    email = profile.get("email") or None
    upn = profile.get("userPrincipalName") or None
    member = member_repo.find_for_identity(session, aad_object_id=aad, email=email, upn=upn)
    name = profile.get("name") or email or upn or "Ukjent"
    if member is None:
        member = Member(name=name, name_key=name_key(name), role=role,
                        created_at=turn.deps.clock.now(), updated_at=turn.deps.clock.now())
    try:
        linked = member_repo.link_identity(
            session, member, aad_object_id=aad, teams_user_id=profile.get("id"),
            tenant_id=profile.get("tenantId") or tenant_id_of(turn.activity),
            email=email, upn=upn, name=name, now=turn.deps.clock.now())
    except member_repo.IdentityConflict as exc:
        # Two Teams accounts claim one member: leave it for the secretariat, never re-point.
        log.warning("identity conflict for %s: %s", aad, exc)
        return None
    # An approved nominee the bot could not reach until now gets the welcome (once).
    nominations.welcome_if_waiting(session, linked, turn.deps.clock.now())
    return linked
