"""`demp påminnelser` / `slå på påminnelser`: a member mutes non-essential reminders."""

from __future__ import annotations

from bot.router import Router
from bot.turn import Turn
from delivery.mute import set_reminders_muted


def register(root: Router) -> None:
    """Add the two mute commands (for every member)."""
    router = root.feature("reminders")
    router.command("demp", description="Demp påminnelser som ikke er viktige")(mute)
    router.command("slå", description="Slå på påminnelser igjen: «slå på påminnelser»")(unmute)


async def mute(turn: Turn) -> None:
    """Mute non-essential reminders; invitations and changes still come."""
    if turn.member is None or turn.member.id is None:
        await turn.say("Jeg kjenner deg ikke igjen ennå. Prøv igjen om litt.")
        return
    set_reminders_muted(turn.session, turn.member.id, True, turn.deps.clock.now())
    await turn.say("Påminnelser er dempet. Innkallinger og endringer i møter får du fortsatt. "
                   "Skriv **slå på påminnelser** for å få dem igjen.")


async def unmute(turn: Turn) -> None:
    """Reminders on again."""
    if "påminn" not in turn.text.casefold():
        await turn.say("Mente du **slå på påminnelser**?")
        return
    if turn.member is None or turn.member.id is None:
        await turn.say("Jeg kjenner deg ikke igjen ennå. Prøv igjen om litt.")
        return
    set_reminders_muted(turn.session, turn.member.id, False, turn.deps.clock.now())
    await turn.say("Påminnelser er slått på igjen.")
