"""The welcome card: what the bot does and why it will write to you."""

from __future__ import annotations

from dataclasses import dataclass

from cards.actions import HelpShowAction
from cards.common import Card, adaptive_card, bullets, heading, para, plain
from core.i18n import t


@dataclass(frozen=True)
class WelcomeView:
    name: str | None = None
    group_name: str | None = None
    in_team: bool = False
    privacy_url: str = ""


def build_welcome_card(view: WelcomeView) -> Card:
    """Welcome in Norwegian; in a team it speaks to everyone, in 1:1 to one person."""
    greeting = (t("welcome.greeting_named", name=plain(view.name))
                if view.name and not view.in_team else t("welcome.greeting"))
    group = plain(view.group_name) if view.group_name else "faggruppen"
    body = [
        heading(greeting),
        para(t("welcome.jeg_er_faggruppe", group=group)),
        bullets([
            t("welcome.innkallinger_til_moter"),
            t("welcome.pamelding_rett_teams"),
            t("welcome.skriftlige_innspill_workshoper"),
            t("welcome.runden_rundt_bordet"),
        ]),
        para(t("welcome.hvorfor_skriver_jeg")),
        para(t("cards.welcome.skriv_hjelp_nar"), isSubtle=True),
    ]
    if view.privacy_url:
        body.append(para(t("cards.privacy.personvernerklaeringen", privacy_url=view.privacy_url),
                         isSubtle=True))
    return adaptive_card(body, [HelpShowAction().button(t("welcome.vis_hjelp"))], speak=greeting)


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {
        "welcome_personal": build_welcome_card(
            WelcomeView(name="Anne Feltman", group_name="Faggruppe for næringssamarbeid",
                        privacy_url="https://www.osloregionen.no/personvern/")
        ),
        "welcome_team": build_welcome_card(
            WelcomeView(group_name="Faggruppe for næringssamarbeid", in_team=True)
        ),
    }
