"""`språk nynorsk|bokmål|english` (also `sprak`, `language`): the member's own language."""

from __future__ import annotations

from bot.router import Router
from bot.turn import Turn
from core.i18n import language_from_word, language_name, t
from services.language import choose_member_language


def register(root: Router) -> None:
    """Add the language command (for everyone the bot knows)."""
    router = root.feature("language")
    router.command("språk", "sprak", "language",
                   description=lambda: t("language.reply.velg_spraket_ditt"))(choose)


async def choose(turn: Turn) -> None:
    """Store the language named after the command and answer in it; without one, list them."""
    _, _, rest = turn.text.partition(" ")
    lang = language_from_word(rest) if rest.strip() else None
    if lang is None:
        await turn.say(t("language.reply.skriv_sprak_nynorsk", word=rest.strip()[:40])
                       if rest.strip() else t("language.reply.du_leser_na",
                                                 language=language_name(turn.lang)))
        return
    if turn.member is None or turn.member.id is None:
        await turn.say(t("language.reply.jeg_kjenner_deg"))
        return
    choose_member_language(turn.session, turn.member, lang)
    turn.lang = lang  # the confirmation already in the chosen language
    await turn.say(t("language.reply.na_svarer_jeg"))
