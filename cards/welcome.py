"""The welcome card: what the bot does and why it will write to you."""

from __future__ import annotations

from dataclasses import dataclass

from cards.actions import HelpShowAction
from cards.common import Card, adaptive_card, bullets, heading, para, plain


@dataclass(frozen=True)
class WelcomeView:
    name: str | None = None
    group_name: str | None = None
    in_team: bool = False
    privacy_url: str = ""


def build_welcome_card(view: WelcomeView) -> Card:
    """Welcome in Norwegian; in a team it speaks to everyone, in 1:1 to one person."""
    greeting = f"Velkommen, {plain(view.name)}!" if view.name and not view.in_team else "Velkommen!"
    group = plain(view.group_name) if view.group_name else "faggruppen"
    body = [
        heading(greeting),
        para(f"Jeg er Faggruppe-bot, og jeg hjelper sekretariatet med møtene i {group}."),
        bullets([
            "Innkallinger til møter, med saksliste, dokumenter og forberedelser",
            "Påmelding rett i Teams: kommer, kommer ikke eller usikker",
            "Skriftlige innspill i workshoper, i grupper etter interesse",
            "Runden rundt bordet, med en skriftlig oppdatering fra hver region",
        ]),
        para("**Hvorfor skriver jeg til deg?** Jeg sender innkallinger omtrent en uke før "
             "møtet, og en påminnelse bare når du ennå ikke har svart innen fristen. "
             "Alt du svarer, lagres for sekretariatet og referatet."),
        para("Skriv **hjelp** når som helst for å se hva du kan gjøre, og **mine data** "
             "for å se hva jeg har lagret om deg.", isSubtle=True),
    ]
    if view.privacy_url:
        body.append(para(f"[Personvernerklæringen]({view.privacy_url})", isSubtle=True))
    return adaptive_card(body, [HelpShowAction().button("Vis hjelp")], speak=greeting)


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
