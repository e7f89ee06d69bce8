"""Installs and removals: store the reference, welcome once, sync a team's roster."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import ActivityTypes
from sqlmodel import Session

from bot.dispatch import lifecycle_events
from bot.identity import fetch_profile, link_account, ref_data
from bot.router import Router
from bot.turn import Turn
from cards.welcome import WelcomeView, build_welcome_card
from core.i18n import t
from services.manifest import privacy_url
from storage.conversations import mark_removed, upsert_ref
from storage.db import session_scope
from storage.groups import add_membership
from storage.models import ConversationKind, Role, WorkingGroup
from storage.teams import group_for_team, link_team

log = logging.getLogger(__name__)
PAGE_SIZE = 100


def register(router: Router) -> None:
    """Add the lifecycle handlers."""
    router.before_transaction(ActivityTypes.conversation_update,
                              ActivityTypes.installation_update)(prefetch)
    router.on("installed")(installed)
    router.on("members_added")(members_added)
    router.on("uninstalled")(uninstalled)


async def installed(turn: Turn) -> None:
    """Bot added to a personal chat, group chat or team: record, welcome, sync."""
    data = ref_data(turn)
    personal = data.kind == ConversationKind.personal
    owner = turn.member.id if personal and turn.member else None
    _ref, fresh = upsert_ref(turn.session, data, turn.deps.clock.now(), owner)
    if not fresh:
        return
    group = None
    if data.team_id:
        team_name = (turn.channel_data.get("team") or {}).get("name")
        group = link_team(turn.session, data.team_id, team_name)
    name = turn.member.name if personal and turn.member else None
    view = WelcomeView(name=name, group_name=group.name if group else None,
                       in_team=not personal, privacy_url=privacy_url())
    on_sent = None
    if data.team_id:
        # A 3,000-member roster took 6 s inside the install request: it leaves the request,
        # started once the turn has committed (the team link is then visible to it).
        team_id, group_id = data.team_id, group.id if group else None

        def on_sent(_session: Session, _sent_id: str | None) -> None:
            turn.deps.background.spawn(sync_later(turn, team_id, group_id), "roster sync")
    await turn.send_card(build_welcome_card(view), t("welcome_text", turn.lang), on_sent)


async def members_added(turn: Turn) -> None:
    """People joined a team the bot is in: link each and add them to the team's group."""
    team_id = (turn.channel_data.get("team") or {}).get("id")
    if not team_id:
        return
    group = group_for_team(turn.session, team_id)
    for profile in turn.fetched.get("added", []):
        link_team_member(turn, profile, group)


async def uninstalled(turn: Turn) -> None:
    """Recorded, not an error: later sends to this conversation are skipped."""
    ref = mark_removed(turn.session, turn.activity.conversation.id, turn.deps.clock.now())
    log.info("uninstalled from %s (%s)", turn.activity.conversation.id,
             ref.kind if ref else "unknown")


async def prefetch(turn: Turn) -> None:
    """The Teams look-ups an install or a join needs, made before the turn's transaction."""
    a = turn.activity
    events = lifecycle_events(turn)
    team_id = (turn.channel_data.get("team") or {}).get("id")
    if not team_id:
        return
    if "members_added" in events:
        bot_id = a.recipient.id if a.recipient else None
        profiles = [await fetch_profile(turn, m.id) for m in a.members_added or []
                    if m.id != bot_id]
        turn.fetched["added"] = [p for p in profiles if p]


async def sync_later(turn: Turn, team_id: str, group_id: int | None) -> int:
    """A fresh team install's roster, after the request: fetched, then linked in one
    transaction of its own."""
    profiles = await roster(turn, team_id)
    with session_scope(turn.deps.engine) as session:
        later = Turn(context=turn.context, deps=turn.deps, session=session)
        group = session.get(WorkingGroup, group_id) if group_id is not None else None
        for profile in profiles:
            link_team_member(later, profile, group)
    log.info("roster synced for team %s: %d accounts", team_id, len(profiles))
    return len(profiles)


async def roster(turn: Turn, team_id: str) -> list[dict[str, Any]]:
    """Every team member's profile (paged list), so each one can be linked and reached 1:1."""
    token = None
    profiles: list[dict[str, Any]] = []
    while True:
        # A page as a whole gets the reply's total time: a trickling connector cannot hold it.
        page = await asyncio.wait_for(
            TeamsInfo.get_paged_team_members(turn.context, team_id, token, PAGE_SIZE),
            turn.deps.reply_total_s)
        profiles += [account.serialize() for account in page.members or []]
        token = page.continuation_token
        if not token:
            return profiles


def link_team_member(turn: Turn, profile: dict, group: WorkingGroup | None) -> None:
    """Link one team member's profile, mark them reachable and add them to the group."""
    member = link_account(turn.session, turn, profile, role=Role.member)
    if member is None:
        return
    member.reachable = True
    if group is not None:
        add_membership(turn.session, group, member)
