"""Nominations: the `nominer` form, the secretariat's card per nomination, the new member's
welcome, and the «Jeg slutter i gruppen» form."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cards.actions import (
    HelpShowAction,
    LeaveSendAction,
    NominationApproveAction,
    NominationRejectAction,
    NominationSubmitAction,
)
from cards.common import TONE_SYMBOLS, Card, adaptive_card, heading, para, plain, tone
from core.i18n import t
from domain.nominations import EMAIL_MAX, NAME_MAX, ORG_MAX, REASON_MAX, ROLE_MAX


def _errors(errors: list[str]) -> list[dict[str, Any]]:
    if not errors:
        return []
    return [para("\n".join(f"- {TONE_SYMBOLS['attention']} {plain(e)}" for e in errors),
                 color="Attention")]


def _text(id_: str, label: str, values: dict[str, str], max_length: int, *,
          required: bool = False, style: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "Input.Text", "id": id_, "label": label,
                            "value": values.get(id_, ""), "maxLength": max_length}
    if style:
        node["style"] = style
    if required:
        node |= {"isRequired": True, "errorMessage": t("cards.nominations.ma_fylles_ut",
                                                          label=label)}
    return node


def _group_choice(groups: list[tuple[int, str]], values: dict[str, str]) -> dict[str, Any]:
    # One group: it is chosen already, so the member cannot send the form without one.
    preset = values.get("group_id") or (str(groups[0][0]) if len(groups) == 1 else "")
    return {"type": "Input.ChoiceSet", "id": "group_id", "label": t("cards.nominations.gruppe"),
            "value": preset, "isRequired": True,
            "errorMessage": t("cards.nominations.velg_en_gruppe"),
            "choices": [{"title": name, "value": str(gid)} for gid, name in groups]}


@dataclass(frozen=True)
class NominationFormView:
    groups: list[tuple[int, str]]  # (id, name)
    members: list[tuple[int, str]] = field(default_factory=list)  # (id, label) to replace
    values: dict[str, str] = field(default_factory=dict)  # what was typed, kept on errors
    errors: list[str] = field(default_factory=list)


def build_nomination_form_card(view: NominationFormView) -> Card:
    """Group, name, e-mail, organisation, role there, and whom the person replaces."""
    v = view.values
    body: list[dict[str, Any]] = [
        heading(t("cards.nominations.nominer_et_medlem")),
        para(t("cards.nominations.sekretariatet_avgjor")),
        *_errors(view.errors),
        _group_choice(view.groups, v),
        _text("name", t("cards.nominations.navn"), v, NAME_MAX, required=True),
        _text("email", t("cards.nominations.epost"), v, EMAIL_MAX, required=True, style="Email"),
        _text("organisation", t("cards.nominations.organisasjon"), v, ORG_MAX, required=True),
        _text("role_there", t("cards.nominations.rolle_der"), v, ROLE_MAX),
        # «Ingen» is "0": Teams refuses a choice whose value is empty.
        {"type": "Input.ChoiceSet", "id": "replaces",
         "label": t("cards.nominations.erstatter"), "value": v.get("replaces") or "0",
         "choices": [{"title": t("cards.nominations.ingen"), "value": "0"}]
         + [{"title": label, "value": str(mid)} for mid, label in view.members]},
    ]
    return adaptive_card(body, [NominationSubmitAction().button(
        t("cards.nominations.send_nominasjonen"))], speak=t("cards.nominations.nominer_et_medlem"))


@dataclass(frozen=True)
class NominationView:
    nomination_id: int
    group: str
    name: str
    email: str
    organisation: str
    role_there: str = ""
    replaces: str = ""  # the replaced member's name
    nominated_by: str = ""
    when: str = ""  # Oslo time, formatted
    decided: str = ""  # set once decided: what happened (the buttons go)
    leaving: bool = False  # named as successor by a member who leaves
    problem: str = ""  # why the last press did nothing (a rejection without a reason)


def build_nomination_card(view: NominationView) -> Card:
    """One nomination for the secretariat: «Godkjenn nominasjonen», or «Avslå» with a reason."""
    facts = [(t("cards.nominations.gruppe"), view.group), (t("cards.nominations.navn"), view.name),
             (t("cards.nominations.epost"), view.email),
             (t("cards.nominations.organisasjon"), view.organisation)]
    if view.role_there:
        facts.append((t("cards.nominations.rolle_der"), view.role_there))
    if view.replaces:
        facts.append((t("cards.nominations.erstatter"), view.replaces))
    if view.nominated_by:
        facts.append((t("cards.nominations.nominert_av"), view.nominated_by))
    if view.when:
        facts.append((t("cards.nominations.mottatt"), view.when))
    body: list[dict[str, Any]] = [
        heading(t("cards.nominations.ny_nominasjon", id=view.nomination_id), size="Medium"),
    ]
    if view.leaving:
        body.append(para(t("cards.nominations.etterfolger", who=plain(view.replaces))))
    # Lines, not a FactSet: a FactSet's value column does not wrap, and an e-mail address
    # ran past a 320 px phone's edge (real-client card walk).
    body += [para(f"**{k}:** {plain(v) or '–'}", spacing="None") for k, v in facts]
    if view.decided:
        body.append(para(plain(view.decided), weight="Bolder"))
        return adaptive_card(body)
    body += [
        *_errors([view.problem] if view.problem else []),
        {"type": "Input.Text", "id": "reason", "label": t("cards.nominations.begrunnelse"),
         "isMultiline": True, "maxLength": REASON_MAX},
        para(t("cards.nominations.begrunnelsen_sendes"), isSubtle=True),
    ]
    nid = view.nomination_id
    return adaptive_card(body, [
        NominationApproveAction(nomination_id=nid).button(
            t("cards.nominations.godkjenn_nominasjonen")),
        NominationRejectAction(nomination_id=nid).button(t("cards.nominations.avsla"))])


@dataclass(frozen=True)
class NomineeWelcomeView:
    name: str
    group: str
    nominated_by: str = ""


def build_nominee_welcome_card(view: NomineeWelcomeView) -> Card:
    """The new member's welcome once the nomination is approved."""
    title = t("cards.nominations.velkommen", name=plain(view.name))
    body = [heading(title),
            tone(t("cards.nominations.du_er_na_medlem", group=plain(view.group)), "good")]
    if view.nominated_by:
        body.append(para(t("cards.nominations.du_ble_nominert", who=plain(view.nominated_by))))
    body += [para(t("welcome.hvorfor_skriver_jeg")),
             para(t("cards.welcome.skriv_hjelp_nar"), isSubtle=True)]
    return adaptive_card(body, [HelpShowAction().button(t("welcome.vis_hjelp"))], speak=title)


@dataclass(frozen=True)
class LeaveFormView:
    groups: list[tuple[int, str]]
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def build_leave_form_card(view: LeaveFormView) -> Card:
    """«Jeg slutter i gruppen»: which group, and optionally who takes over."""
    v = view.values
    body: list[dict[str, Any]] = [
        heading(t("cards.nominations.jeg_slutter")),
        para(t("cards.nominations.sekretariatet_far_beskjed")),
        *_errors(view.errors),
        _group_choice(view.groups, v),
        _text("successor_name", t("cards.nominations.etterfolgers_navn"), v, NAME_MAX),
        _text("successor_email", t("cards.nominations.etterfolgers_epost"), v, EMAIL_MAX,
              style="Email"),
    ]
    return adaptive_card(body, [LeaveSendAction().button(
        t("cards.nominations.si_fra_at_jeg_slutter"))], speak=t("cards.nominations.jeg_slutter"))


SEED_GROUPS = [(1, "Faggruppe for næringssamarbeid"), (2, "Faggruppe for klima og miljø")]


def sample_nomination() -> NominationView:
    """Seed 000's Asker member replaced by a colleague from the same municipality."""
    return NominationView(7, "Faggruppe for næringssamarbeid", "Kari Nordmann",
                          "kari.nordmann@asker.kommune.no", "Asker kommune", "Næringssjef",
                          "Anne Feltman", "Anne Feltman", "tirsdag 1. desember 2026 kl. 10.15")


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    members = [(1, "Anne Feltman (Asker - Bærum)"), (8, "Camilla Håltøm (Nedre Romerike)")]
    filled = {"group_id": "1", "name": "Kari Nordmann", "email": "kari.nordmann@asker",
              "organisation": "Asker kommune"}
    done = NominationView(7, "Faggruppe for næringssamarbeid", "Kari Nordmann",
                          "kari.nordmann@asker.kommune.no", "Asker kommune",
                          decided="Godkjent av Øyvind Såtvedt: Kari Nordmann er lagt til.")
    leaving = NominationView(9, "Faggruppe for næringssamarbeid", "Per Hansen",
                             "per.hansen@lier.kommune.no", "Lier kommune", replaces="Ola Lier",
                             nominated_by="Ola Lier", leaving=True)
    return {
        "nomination_form": build_nomination_form_card(NominationFormView(SEED_GROUPS[:1],
                                                                         members)),
        "nomination_form_errors": build_nomination_form_card(NominationFormView(
            SEED_GROUPS, members, filled, ["«kari.nordmann@asker» er ikke en e-postadresse."])),
        "nomination": build_nomination_card(sample_nomination()),
        "nomination_leaving": build_nomination_card(leaving),
        "nomination_no_reason": build_nomination_card(replace(
            sample_nomination(), problem="Skriv en begrunnelse for avslaget.")),
        "nomination_decided": build_nomination_card(done),
        "nominee_welcome": build_nominee_welcome_card(NomineeWelcomeView(
            "Kari Nordmann", "Faggruppe for næringssamarbeid", "Anne Feltman")),
        "leave_form": build_leave_form_card(LeaveFormView(SEED_GROUPS[:1])),
    }
