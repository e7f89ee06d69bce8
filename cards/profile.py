"""A member's own details: the form behind «Endre opplysningene», the details after a save,
the yearly «Stemmer opplysningene dine?» (and its reminder), the secretariat's digest."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.actions import ProfileConfirmAction, ProfileEditAction, ProfileSaveAction
from cards.common import Card, adaptive_card, bullets, heading, para, plain, tone
from core.i18n import t
from domain.profile import EMAIL_MAX, NAME_MAX, ORGANISATION_MAX, PHONE_MAX


def field_labels() -> dict[str, str]:
    """The label of each field the member keeps (form, details and digest)."""
    return {"name": t("cards.profile.navn"), "organisation": t("cards.profile.organisasjon"),
            "email": t("cards.profile.epost"), "phone": t("cards.profile.telefon"),
            "deputy": t("cards.profile.fast_vara")}


@dataclass(frozen=True)
class Details:
    """A member's details as shown: values by field name (the deputy by name)."""

    values: dict[str, str]


def _facts(details: Details) -> dict[str, object]:
    """Label over value, not a FactSet: a FactSet's value column starts a third in, and an
    e-mail address (one long word) ran past a 320 px card's edge."""
    items: list[dict[str, object]] = []
    for key, label in field_labels().items():
        items += [para(label, weight="Bolder", spacing="Small"),
                  para(plain(details.values.get(key, "")) or "–", spacing="None")]
    return {"type": "Container", "items": items}


def _edit_button() -> dict[str, object]:
    return ProfileEditAction().button(t("cards.profile.endre_opplysningene"))


@dataclass(frozen=True)
class FormView:
    """The form: the values to show (stored, or as typed after a refusal) and the deputies."""

    values: dict[str, str]  # name, organisation, email, phone, deputy (a member id or "0")
    deputies: list[tuple[int, str]] = field(default_factory=list)  # (member id, name, org)
    error: str = ""


def _input(id_: str, label: str, value: str, max_length: int, **extra: object) -> dict:
    return {"type": "Input.Text", "id": id_, "label": label, "value": value,
            "maxLength": max_length, **extra}


def build_profile_form_card(view: FormView) -> Card:
    """Name, organisation, e-mail, phone and standing deputy; saved at once by the button."""
    labels, v = field_labels(), view.values
    body: list[dict] = [heading(t("cards.profile.endre_opplysningene_dine"))]
    if view.error:
        body.append(tone(view.error, "Attention", weight="Bolder"))
    body += [
        para(t("cards.profile.det_du_lagrer"), isSubtle=True),
        _input("name", labels["name"], v.get("name", ""), NAME_MAX, isRequired=True,
               errorMessage=t("cards.profile.skriv_navnet_ditt")),
        _input("organisation", labels["organisation"], v.get("organisation", ""),
               ORGANISATION_MAX, placeholder=t("cards.profile.kommune_eller_region")),
        _input("email", labels["email"], v.get("email", ""), EMAIL_MAX, style="Email",
               placeholder=t("cards.profile.navn_kommune_no")),
        _input("phone", labels["phone"], v.get("phone", ""), PHONE_MAX, style="Tel",
               placeholder="912 34 567"),
        {"type": "Input.ChoiceSet", "id": "deputy", "label": labels["deputy"],
         "style": "filtered", "value": v.get("deputy", "0") or "0",
         "choices": [{"title": t("cards.profile.ingen_fast_vara"), "value": "0"}]
         + [{"title": plain(name), "value": str(i)} for i, name in view.deputies]},
    ]
    return adaptive_card(
        body, [ProfileSaveAction().button(t("cards.profile.lagre_opplysningene"))],
        speak=t("cards.profile.endre_opplysningene_dine"))


def build_profile_saved_card(details: Details, notice: str) -> Card:
    """The details as stored after a save, with what happened and «Endre opplysningene»."""
    body = [heading(t("cards.profile.opplysningene_dine")), tone(notice, "Good"),
            _facts(details)]
    return adaptive_card(body, [_edit_button()], speak=t("cards.profile.opplysningene_dine"))


@dataclass(frozen=True)
class CheckView:
    """The yearly check as one member sees it."""

    details: Details
    reminder: bool = False
    confirmed: bool = False  # after «Ja, stemmer»: the card without its buttons


def build_profile_check_card(view: CheckView) -> Card:
    """«Stemmer opplysningene dine?» with the details, «Ja, stemmer» and «Endre opplysningene»."""
    body: list[dict] = [heading(t("cards.profile.stemmer_opplysningene_dine"))]
    if view.reminder:
        body.append(para(t("cards.profile.paminnelse_vi_spurte"), weight="Bolder"))
    body += [para(t("cards.profile.en_gang_i")), _facts(view.details)]
    if view.confirmed:
        body.append(tone(t("cards.profile.takk_opplysningene_er"), "Good"))
        return adaptive_card(body, speak=t("cards.profile.stemmer_opplysningene_dine"))
    actions = [ProfileConfirmAction().button(t("cards.profile.ja_stemmer")), _edit_button()]
    return adaptive_card(body, actions, speak=t("cards.profile.stemmer_opplysningene_dine"))


@dataclass(frozen=True)
class DigestLine:
    name: str
    organisation: str
    changes: list[tuple[str, str]]  # (field label, the value now)
    when: str  # Oslo time, formatted


@dataclass(frozen=True)
class DigestView:
    day: str  # the digest's Oslo day, formatted
    lines: list[DigestLine]


def build_profile_digest_card(view: DigestView) -> Card:
    """The secretariat's morning digest: who changed which details since the last one."""
    rows = []
    for line in view.lines:
        who = plain(line.name) + (f" ({plain(line.organisation)})" if line.organisation else "")
        what = "; ".join(f"{label}: {plain(value) or '–'}" for label, value in line.changes)
        rows.append(f"{who}, {plain(line.when)}: {what}")
    body = [heading(t("cards.profile.endrede_medlemsopplysninger")),
            para(t("cards.profile.disse_medlemmene_har", day=view.day)),
            bullets(rows),
            para(t("cards.profile.registeret_er_alt"), isSubtle=True)]
    return adaptive_card(body, speak=t("cards.profile.endrede_medlemsopplysninger"))


def sample_details() -> Details:
    """A member's details for the sample cards."""
    return Details({"name": "Anne Feltman", "organisation": "Asker kommune",
                    "email": "anne.feltman@asker.kommune.no", "phone": "+4791234567",
                    "deputy": "Per Hansen"})


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    form = FormView(values={"name": "Anne Feltman", "organisation": "Asker kommune",
                            "email": "anne.feltman@asker.kommune.no", "phone": "+4791234567",
                            "deputy": "7"},
                    deputies=[(7, "Per Hansen (Bærum kommune)"),
                              (9, "Kari Nordmann (Lillestrøm kommune)")])
    return {
        "profile_form": build_profile_form_card(form),
        "profile_form_error": build_profile_form_card(FormView(
            values={**form.values, "email": "anne.feltman"}, deputies=form.deputies,
            error="«anne.feltman» er ikke en e-postadresse.")),
        "profile_saved": build_profile_saved_card(sample_details(),
                                                  "Lagret: e-post, telefon."),
        "profile_check": build_profile_check_card(CheckView(sample_details())),
        "profile_check_reminder": build_profile_check_card(CheckView(sample_details(),
                                                                     reminder=True)),
        "profile_check_confirmed": build_profile_check_card(CheckView(sample_details(),
                                                                      confirmed=True)),
        "profile_digest": build_profile_digest_card(DigestView("mandag 23. november 2026", [
            DigestLine("Anne Feltman", "Asker kommune",
                       [("E-post", "anne.feltman@asker.kommune.no"),
                        ("Telefon", "+4791234567")], "fredag 20. november kl. 14.05"),
            DigestLine("Per Hansen", "Bærum kommune", [("Fast vara", "Kari Nordmann")],
                       "lørdag 21. november kl. 10.30")])),
    }
