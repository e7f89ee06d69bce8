"""`demp påminnelser` / `slå på påminnelser`: a member mutes non-essential reminders."""

from __future__ import annotations

from bot.router import Router
from bot.turn import Turn
from core.i18n import t
from delivery.mute import set_reminders_muted


def register(root: Router) -> None:
    """Add the two mute commands (for every member)."""
    router = root.feature("reminders")
    router.command("demp", description=lambda: t("reminders.reply.demp_paminnelser_som"))(mute)
    router.command("slå", description=lambda: t("reminders.reply.sla_pa_paminnelser"))(unmute)


async def mute(turn: Turn) -> None:
    """Mute non-essential reminders; invitations and changes still come."""
    if turn.member is None or turn.member.id is None:
        await turn.say(t("reminders.reply.jeg_kjenner_deg"))
        return
    set_reminders_muted(turn.session, turn.member.id, True, turn.deps.clock.now())
    await turn.say(t("reminders.reply.paminnelser_er_dempet"))


async def unmute(turn: Turn) -> None:
    """Reminders on again."""
    if "påminn" not in turn.text.casefold():
        await turn.say(t("reminders.reply.mente_du_sla"))
        return
    if turn.member is None or turn.member.id is None:
        await turn.say(t("reminders.reply.jeg_kjenner_deg"))
        return
    set_reminders_muted(turn.session, turn.member.id, False, turn.deps.clock.now())
    await turn.say(t("reminders.reply.paminnelser_er_slatt"))
