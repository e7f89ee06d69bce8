"""A member's own data (`mine data`), the erasure confirmation, the secretariat's audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.actions import MyDataEraseAskAction, MyDataEraseConfirmAction
from cards.common import Card, adaptive_card, bullets, heading, para, plain


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
        heading("Mine data"),
        para(f"Dette er det Faggruppe-bot har lagret om deg, {plain(view.name)}."),
        {"type": "FactSet", "facts": [{"title": k, "value": plain(v) or "–"}
                                      for k, v in view.facts]},
        para("**Grupper:** " + (", ".join(plain(g) for g in view.groups) or "ingen")),
        bullets([f"{what}: {n}" for what, n in view.counts]),
        para("Helt anonyme innspill kan ikke knyttes til noen, og er derfor ikke med her.",
             isSubtle=True),
        para("Nedlastingslenken virker i én time.", isSubtle=True),
    ]
    if view.privacy_url:
        body.append(para(f"[Personvernerklæringen]({view.privacy_url})", isSubtle=True))
    actions = [{"type": "Action.OpenUrl", "title": "Last ned mine data", "url": view.download_url},
               MyDataEraseAskAction().button("Slett mine data")]
    return adaptive_card(body, actions, speak="Mine data")


def build_erase_confirm_card() -> Card:
    """Asks once more before erasing: the person types SLETT and presses the button."""
    body = [
        heading("Slette dataene dine?"),
        para("Navnet ditt, e-post, Teams-identiteten og alt du har skrevet (kommentarer, "
             "kosthold, innspill, oppdateringer i runden) slettes. Du får ingen meldinger "
             "fra meg etterpå. Godkjente referater er arkiv og blir stående."),
        para("Dette kan ikke angres. Skriv **SLETT** og trykk på knappen."),
        {"type": "Input.Text", "id": "confirm", "label": "Bekreft", "placeholder": "SLETT"},
    ]
    return adaptive_card(body, [MyDataEraseConfirmAction().button("Slett mine data")],
                         speak="Slette dataene dine?")


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
    body = [heading("Logg"), para(f"De siste {len(view.lines)} hendelsene:"),
            bullets(rows) if rows else para("Ingen hendelser ennå.")]
    return adaptive_card(body, speak="Logg")


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
