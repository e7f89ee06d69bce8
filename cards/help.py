"""The help card: the commands a user's role may use, buttons for the secretariat."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.actions import CardAction, TeamSyncAction
from cards.common import Card, adaptive_card, heading, para
from core.i18n import t


@dataclass(frozen=True)
class CommandHelp:
    command: str
    description: str


@dataclass(frozen=True)
class ButtonHelp:
    title: str
    action: type[CardAction]


@dataclass(frozen=True)
class HelpView:
    is_secretariat: bool
    commands: list[CommandHelp]
    buttons: list[ButtonHelp] = field(default_factory=list)
    privacy_url: str = ""


def build_help_card(view: HelpView) -> Card:
    """A FactSet of commands; the secretariat also gets one button per action."""
    title = t("help.title")
    intro = t("help.intro")
    body = [
        heading(title),
        para(intro),
        {
            "type": "FactSet",
            "facts": [{"title": c.command, "value": c.description} for c in view.commands],
        },
    ]
    if view.is_secretariat:
        body.append(para(t("help.du_er_registrert"),
                         isSubtle=True))
    else:
        body.append(para(t("help.sekretariatet_styrer_motene"),
                         isSubtle=True))
    if view.privacy_url:
        body.append(para(t("cards.privacy.personvernerklaeringen", privacy_url=view.privacy_url),
                         isSubtle=True))
    actions = ([b.action().button(b.title) for b in view.buttons] if view.is_secretariat
               else None)
    return adaptive_card(body, actions, speak=title)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    commands = [CommandHelp("hjelp", "Vis denne oversikten")]
    admin = commands + [CommandHelp("medlemmer", "Vis medlemmer som ikke kan nås")]
    return {
        "help_member": build_help_card(HelpView(is_secretariat=False, commands=commands)),
        "help_secretariat": build_help_card(
            HelpView(
                is_secretariat=True,
                commands=admin,
                buttons=[ButtonHelp("Synkroniser medlemmer", TeamSyncAction)],
            )
        ),
    }
