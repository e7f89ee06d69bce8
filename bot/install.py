"""Installs and removals: store the reference, welcome once, sync a team's roster."""

from __future__ import annotations

import logging

from botbuilder.core.teams import TeamsInfo

from bot.identity import fetch_profile, link_account, ref_data
from bot.router import Router
from bot.turn import Turn
from cards.welcome import WelcomeView, build_welcome_card
from core.i18n import t
from storage.conversations import mark_removed, upsert_ref
from storage.db import session_scope
from storage.groups import add_membership
from storage.models import ConversationKind, Role, WorkingGroup
from storage.teams import group_for_team, link_team

log = logging.getLogger(__name__)
PAGE_SIZE = 100


def register(router: Router) -> None:
    """Add the lifecycle handlers."""
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
                       in_team=not personal)
    await turn.send_card(build_welcome_card(view), t("welcome_text", turn.lang))
    if data.team_id:
        # A 3,000-member roster took 6 s inside the install request: it leaves the request.
        turn.deps.background.spawn(
            sync_later(turn, data.team_id, group.id if group else None), "roster sync")


async def sync_later(turn: Turn, team_id: str, group_id: int | None) -> int:
    """The roster sync after the install request, in its own session."""
    with session_scope(turn.deps.engine) as session:
        later = Turn(context=turn.context, deps=turn.deps, session=session)
        group = session.get(WorkingGroup, group_id) if group_id is not None else None
        count = await sync_roster(later, team_id, group)
    log.info("roster synced for team %s: %d accounts", team_id, count)
    return count


async def members_added(turn: Turn) -> None:
    """People joined a team the bot is in: link each and add them to the team's group."""
    team_id = (turn.channel_data.get("team") or {}).get("id")
    if not team_id:
        return
    group = group_for_team(turn.session, team_id)
    for account in turn.activity.members_added or []:
        if account.id == (turn.activity.recipient.id if turn.activity.recipient else None):
            continue
        profile = await fetch_profile(turn, account.id)
        if profile:
            _link_team_member(turn, profile, group)


async def uninstalled(turn: Turn) -> None:
    """Recorded, not an error: later sends to this conversation are skipped."""
    ref = mark_removed(turn.session, turn.activity.conversation.id, turn.deps.clock.now())
    log.info("uninstalled from %s (%s)", turn.activity.conversation.id,
             ref.kind if ref else "unknown")


async def sync_roster(turn: Turn, team_id: str, group: WorkingGroup | None) -> int:
    """Link every team member (paged list), so each one is reachable 1:1."""
    token = None
    count = 0
    while True:
        turn.release_db()
        page = await TeamsInfo.get_paged_team_members(turn.context, team_id, token, PAGE_SIZE)
        for account in page.members or []:
            _link_team_member(turn, account.serialize(), group)
            count += 1
        token = page.continuation_token
        if not token:
            return count


def _link_team_member(turn: Turn, profile: dict, group: WorkingGroup | None) -> None:
    member = link_account(turn.session, turn, profile, role=Role.member)
    if member is None:
        return
    member.reachable = True
    if group is not None:
        add_membership(turn.session, group, member)
