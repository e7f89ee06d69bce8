"""`dekning [FAGGRUPPE]`: the secretariat sees which sub-regions each group covers."""

from __future__ import annotations

from bot.router import Router
from bot.turn import Turn
from core.i18n import join_list, t
from services import coverage
from storage.groups import find_group


def register(root: Router) -> None:
    """Add the coverage command (secretariat only)."""
    secretariat = root.feature("coverage").secretariat()
    secretariat.command("dekning", description=lambda: t("coverage.reply.beskrivelse"),
                        )(show_coverage)


async def show_coverage(turn: Turn) -> None:
    """The «Dekning» card for the group named after the word, or for every group."""
    _word, _, name = turn.text.strip().partition(" ")
    if name.strip():
        group = find_group(turn.session, name.strip())
        if group is None:
            names = [g.name for g in coverage.all_groups(turn.session)]
            await turn.say(t("coverage.reply.fant_ingen_faggruppe", name=name.strip(),
                             names=join_list(names) or "-"))
            return
        groups = [group]
    else:
        groups = coverage.all_groups(turn.session)
    await turn.send_card(coverage.coverage_card(turn.session, groups),
                         t("coverage.reply.dekning"))
