"""Secretariat commands about the team: link it to a group, sync it, see who is unreachable."""

from __future__ import annotations

from bot.install import link_team_member, roster
from bot.privacy import personal_only
from bot.router import Router
from bot.turn import Turn
from cards.actions import MembersUnreachableAction, TeamSyncAction
from cards.common import plain
from cards.notice import build_notice_card
from core.i18n import t
from storage import audit, members
from storage.groups import find_group
from storage.teams import group_for_team, relink_team


def register(root: Router) -> None:
    """Add the team commands; all of them are for the secretariat."""
    secretariat = root.feature("team").secretariat()
    secretariat.command("koble", description=lambda: t("team.reply.koble_dette_teamet"),
                        )(link_group)
    secretariat.command("synk", description=t("team.reply.hent_medlemslisten_fra"))(sync)
    secretariat.command("medlemmer", description=t("team.reply.vis_medlemmer_jeg"))(
        personal_only(unreachable, "members.read"))

    @secretariat.action(TeamSyncAction, button=lambda: t("help.synkroniser_medlemmer"))
    async def _sync(turn: Turn, _data: TeamSyncAction) -> None:
        await sync(turn)
        return None

    @secretariat.action(MembersUnreachableAction, button=lambda: t("notice.medlemmer_jeg_ikke"))
    async def _unreachable(turn: Turn, _data: MembersUnreachableAction) -> None:
        # The same list as `medlemmer`: audited, and 1:1 only.
        await personal_only(unreachable, "members.read")(turn)
        return None


def _team_id(turn: Turn) -> str | None:
    return (turn.channel_data.get("team") or {}).get("id")


async def link_group(turn: Turn) -> None:
    """`koble Faggruppe for næringssamarbeid` in a team channel."""
    team_id = _team_id(turn)
    wanted = turn.text.split(" ", 1)[1].strip() if " " in turn.text else ""
    if not team_id or not wanted:
        await turn.say(t("team.reply.skriv_koble_navn"))
        return
    group = find_group(turn.session, wanted)
    if group is None:
        await turn.say(t("team.reply.fant_ingen_faggruppe", wanted=plain(wanted)))
        return
    relink_team(turn.session, team_id, group)
    audit.record(turn.session, action="team.link", target=group.name,
                 actor_member_id=turn.member.id if turn.member else None)
    await turn.say(t("team.reply.teamet_er_na", name=plain(group.name)))


async def sync(turn: Turn) -> None:
    """Fetch the team's member list again and link everyone."""
    team_id = _team_id(turn)
    if not team_id:
        await turn.say(t("team.reply.synkronisering_gjores_fra"))
        return
    turn.end_reads()  # the roster is a network wait: no transaction is held across it
    profiles = await roster(turn, team_id)
    group = group_for_team(turn.session, team_id)
    for profile in profiles:
        link_team_member(turn, profile, group)
    count = len(profiles)
    audit.record(turn.session, action=TeamSyncAction.verb, target=team_id, detail=str(count),
                 actor_member_id=turn.member.id if turn.member else None)
    where = t("team.reply.text", name=plain(group.name)) if group else ""
    await turn.say(t("team.reply.medlemslisten_er_oppdatert", count=count, where=where))


async def unreachable(turn: Turn) -> None:
    """Active members the bot cannot write to, with e-mail so they can be reached."""
    rows = members.unreachable(turn.session)
    no_email = t("team.reply.ingen_epost")  # outside the f-string, where extraction sees it
    lines = [f"{plain(m.name)} ({plain(m.organisation or '-')}) – {m.email or no_email}"
             for m in rows] or [t("team.reply.alle_aktive_medlemmer")]
    card = build_notice_card(t("team.reply.medlemmer_jeg_ikke", rows_count=len(rows)), lines)
    await turn.send_card(card, t("team.reply.medlemmer_kan_ikke", rows_count=len(rows)))
