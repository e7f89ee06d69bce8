"""A member's own data (`mine data`), the erasure confirmation, the secretariat's audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.actions import (
    LeaveAskAction,
    MyDataEraseAskAction,
    MyDataEraseConfirmAction,
    ProfileEditAction,
)
from cards.common import Card, adaptive_card, bullets, button_rows, heading, para, plain
from core.i18n import t


@dataclass(frozen=True)
class MyDataView:
    name: str
    facts: list[tuple[str, str]]  # registry fields: (label, value)
    groups: list[str]
    counts: list[tuple[str, int]]  # (what, how many): answers, attendance, innspill, …
    download_url: str
    privacy_url: str = ""


def build_mydata_card(view: MyDataView) -> Card:
    """What the bot holds about the member, with «Last ned mine data» and «Slett mine data»."""
    body = [
        heading(t("cards.privacy.mine_data")),
        para(t("cards.privacy.dette_er_det", name=plain(view.name))),
        {"type": "FactSet", "facts": [{"title": k, "value": plain(v) or "–"}
                                      for k, v in view.facts]},
        # Its own row under the facts it changes: three buttons in one row are cut at 450 px.
        *button_rows([ProfileEditAction().button(t("cards.profile.endre_opplysningene"))], 1),
        para(t("cards.privacy.grupper") + (", ".join(plain(g) for g in view.groups)
                                           or t("system_check.service.ingen"))),
        bullets([f"{what}: {n}" for what, n in view.counts]),
        para(t("cards.privacy.helt_anonyme_innspill"),
             isSubtle=True),
        para(t("cards.privacy.nedlastingslenken_virker_en"), isSubtle=True),
    ]
    if view.privacy_url:
        body.append(para(t("cards.privacy.personvernerklaeringen", privacy_url=view.privacy_url),
                         isSubtle=True))
    actions = [{"type": "Action.OpenUrl", "title": t("cards.privacy.last_ned_mine"),
                "url": view.download_url},
               MyDataEraseAskAction().button(t("cards.privacy.slett_mine_data"))]
    if view.groups:  # leaving, optionally naming a successor (bot/nominations.py): a row of
        # its own, so the card's two buttons keep their whole titles on a phone
        body.append({"type": "ActionSet",
                     "actions": [LeaveAskAction().button(t("cards.nominations.jeg_slutter"))]})
    return adaptive_card(body, actions, speak=t("cards.privacy.mine_data"))


def build_erase_confirm_card() -> Card:
    """Asks once more before erasing: the person types SLETT and presses the button."""
    body = [
        heading(t("cards.privacy.slette_dataene_dine")),
        para(t("cards.privacy.navnet_ditt_post")),
        para(t("cards.privacy.dette_kan_ikke")),
        {"type": "Input.Text", "id": "confirm", "label": t("cards.privacy.bekreft"),
         "placeholder": t("cards.privacy.slett")},
    ]
    return adaptive_card(body,
                         [MyDataEraseConfirmAction().button(t("cards.privacy.slett_mine_data"))],
                         speak=t("cards.privacy.slette_dataene_dine"))


@dataclass(frozen=True)
class AuditLine:
    at: str  # Oslo time, formatted
    who: str
    action: str
    target: str
    outcome: str


@dataclass(frozen=True)
class AuditView:
    lines: list[AuditLine] = field(default_factory=list)


def build_audit_card(view: AuditView) -> Card:
    """The latest audit entries (the secretariat's «Logg»)."""
    rows = [f"{plain(a.at)} · {plain(a.who)} · {plain(a.action)} {plain(a.target)}"
            + ("" if a.outcome == "ok" else f" (**{plain(a.outcome)}**)") for a in view.lines]
    body = [heading(t("cards.privacy.logg")),
            para(t("cards.privacy.de_siste_hendelsene", lines_count=len(view.lines))),
            bullets(rows) if rows else para(t("cards.privacy.ingen_hendelser_enna"))]
    return adaptive_card(body, speak=t("cards.privacy.logg"))


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {
        "mydata": build_mydata_card(MyDataView(
            name="Anne Feltman",
            facts=[("Navn", "Anne Feltman"), ("E-post", "anne.feltman@example.no"),
                   ("Organisasjon", "Eksempel kommune")],
            groups=["Faggruppe for næringssamarbeid"],
            counts=[("Svar på innkallinger", 3), ("Oppmøter", 2), ("Innspill med navn", 4)],
            download_url="https://bot.example.no/mydata/TOKEN",
            privacy_url="https://www.osloregionen.no/personvern/")),
        "mydata_erase_confirm": build_erase_confirm_card(),
        "audit": build_audit_card(AuditView([
            AuditLine("tirsdag 1. desember 2026 kl. 10.15", "Anne Feltman", "member.role",
                      "member:3", "ok"),
            AuditLine("tirsdag 1. desember 2026 kl. 10.16", "Per Hansen", "member.erase",
                      "member:9", "refused")])),
    }
