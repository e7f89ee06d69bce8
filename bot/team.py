"""Secretariat commands about the team: link it to a group, sync it, see who is unreachable."""

from __future__ import annotations

from bot.install import link_team_member, roster
from bot.privacy import personal_only
from bot.router import Router
from bot.turn import Turn
from cards.actions import MembersUnreachableAction, TeamSyncAction
from cards.common import plain
from cards.notice import build_notice_card
from storage import audit, members
from storage.groups import find_group
from storage.teams import group_for_team, relink_team


def register(root: Router) -> None:
    """Add the team commands; all of them are for the secretariat."""
    secretariat = root.feature("team").secretariat()
    secretariat.command("koble", description="Koble dette teamet til en faggruppe: koble NAVN",
                        )(link_group)
    secretariat.command("synk", description="Hent medlemslisten fra teamet på nytt")(sync)
    secretariat.command("medlemmer", description="Vis medlemmer jeg ikke kan nå")(
        personal_only(unreachable, "members.read"))

    @secretariat.action(TeamSyncAction, button="Synkroniser medlemmer")
    async def _sync(turn: Turn, _data: TeamSyncAction) -> None:
        await sync(turn)
        return None

    @secretariat.action(MembersUnreachableAction, button="Medlemmer jeg ikke når")
    async def _unreachable(turn: Turn, _data: MembersUnreachableAction) -> None:
        await unreachable(turn)
        return None


def _team_id(turn: Turn) -> str | None:
    return (turn.channel_data.get("team") or {}).get("id")


async def link_group(turn: Turn) -> None:
    """`koble Faggruppe for næringssamarbeid` in a team channel."""
    team_id = _team_id(turn)
    wanted = turn.text.split(" ", 1)[1].strip() if " " in turn.text else ""
    if not team_id or not wanted:
        await turn.say("Skriv **koble NAVN PÅ FAGGRUPPEN** i en kanal i teamet som skal kobles.")
        return
    group = find_group(turn.session, wanted)
    if group is None:
        await turn.say(f"Fant ingen faggruppe som heter «{plain(wanted)}».")
        return
    relink_team(turn.session, team_id, group)
    audit.record(turn.session, action="team.link", target=group.name,
                 actor_member_id=turn.member.id if turn.member else None)
    await turn.say(f"Teamet er nå koblet til «{plain(group.name)}».")


async def sync(turn: Turn) -> None:
    """Fetch the team's member list again and link everyone."""
    team_id = _team_id(turn)
    if not team_id:
        await turn.say("Synkronisering gjøres fra en kanal i teamet.")
        return
    turn.end_reads()  # the roster is a network wait: no transaction is held across it
    profiles = await roster(turn, team_id)
    group = group_for_team(turn.session, team_id)
    for profile in profiles:
        link_team_member(turn, profile, group)
    count = len(profiles)
    audit.record(turn.session, action=TeamSyncAction.verb, target=team_id, detail=str(count),
                 actor_member_id=turn.member.id if turn.member else None)
    where = f" i «{plain(group.name)}»" if group else ""
    await turn.say(f"Medlemslisten er oppdatert: {count} personer i teamet{where}.")


async def unreachable(turn: Turn) -> None:
    """Active members the bot cannot write to, with e-mail so they can be reached."""
    rows = members.unreachable(turn.session)
    lines = [f"{plain(m.name)} ({plain(m.organisation or '-')}) – {m.email or 'ingen e-post'}"
             for m in rows] or ["Alle aktive medlemmer kan nås i Teams."]
    card = build_notice_card(f"Medlemmer jeg ikke når ({len(rows)})", lines)
    await turn.send_card(card, f"{len(rows)} medlemmer kan ikke nås i Teams.")
