"""`hjelp` / `help`: a help card listing what the user's role may do."""

from __future__ import annotations

from bot.router import Router, shown
from bot.turn import Turn
from cards.actions import HelpShowAction
from cards.help import ButtonHelp, CommandHelp, HelpView, build_help_card
from core.i18n import t
from services.manifest import privacy_url


def register(root: Router) -> None:
    """Add the help command and the help button's action."""
    router = root.feature("help")
    router.command("hjelp", "help", "?", description=lambda: t("help.reply.vis_hva_du"))(show_help)

    @router.action(HelpShowAction)
    async def _show(turn: Turn, _data: HelpShowAction) -> None:
        await show_help(turn)
        return None


async def show_help(turn: Turn) -> None:
    """Reply with the help card for the sender's role (read from the database now)."""
    router = turn.deps.router
    secretariat = turn.is_secretariat
    view = HelpView(
        is_secretariat=secretariat,
        commands=[CommandHelp(r.names[0], shown(r.description))
                  for r in router.visible_commands(secretariat)],
        buttons=[ButtonHelp(shown(r.button), r.action) for r in router.buttons() if r.button],
        privacy_url=privacy_url(),
    )
    await turn.send_card(build_help_card(view), t("help_text", turn.lang))
