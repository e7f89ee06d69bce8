"""Nominations (seed 002: «Det er regionrådene og kommunene som selv melder inn medlemmer»):
what a nomination must hold, its states and which moves between them are allowed."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.i18n import t
from domain.members import FieldError, parse_email
from domain.names import collapse_spaces, display_name, name_key


class NominationStatus(enum.StrEnum):
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


class NominationSource(enum.StrEnum):
    teams = "teams"  # the `nominer` form
    cli = "cli"  # entered by the secretariat from an e-mail
    leave = "leave"  # «Jeg slutter i gruppen» with a successor named


class WelcomeState(enum.StrEnum):
    none = "none"  # not approved yet (or rejected)
    waiting = "waiting"  # approved, the bot cannot reach the new member yet
    queued = "queued"  # the welcome card is in the delivery ledger


# submitted is the only state a decision leaves; a decided nomination stays decided.
TRANSITIONS: dict[NominationStatus, frozenset[NominationStatus]] = {
    NominationStatus.submitted: frozenset({NominationStatus.approved, NominationStatus.rejected}),
    NominationStatus.approved: frozenset(),
    NominationStatus.rejected: frozenset(),
}


def can_move(current: NominationStatus | str, to: NominationStatus | str) -> bool:
    """True when a nomination in `current` may become `to`."""
    return NominationStatus(to) in TRANSITIONS[NominationStatus(current)]


NAME_MAX, EMAIL_MAX, ORG_MAX, ROLE_MAX, REASON_MAX = 200, 320, 200, 200, 1000


@dataclass(frozen=True)
class NomineeFields:
    """The person nominated, as checked: a display name, a lower-case e-mail."""

    name: str
    email: str
    organisation: str
    role_there: str = ""

    @property
    def name_key(self) -> str:
        return name_key(self.name)


def check_nominee(name: str, email: str, organisation: str, role_there: str = ""
                  ) -> tuple[NomineeFields | None, list[str]]:
    """The fields checked (name, a real e-mail address and the organisation are needed);
    (None, Norwegian errors) when something is missing or wrong."""
    errors: list[str] = []
    clean_name = display_name(name or "")
    if not name_key(clean_name):
        errors.append(t("nominations.rule.navn_mangler"))
    elif len(clean_name) > NAME_MAX:
        errors.append(t("nominations.rule.for_langt", what=t("nominations.rule.navnet"),
                        max=NAME_MAX))
    clean_email = ""
    if not (email or "").strip():
        errors.append(t("nominations.rule.epost_mangler"))
    else:
        try:
            clean_email = parse_email(email).lower()
        except FieldError as exc:
            errors.append(str(exc))
        else:
            if len(clean_email) > EMAIL_MAX:
                errors.append(t("nominations.rule.for_langt",
                                what=t("nominations.rule.eposten"), max=EMAIL_MAX))
    clean_org = collapse_spaces(organisation or "")
    if not clean_org:
        errors.append(t("nominations.rule.organisasjon_mangler"))
    elif len(clean_org) > ORG_MAX:
        errors.append(t("nominations.rule.for_langt",
                        what=t("nominations.rule.organisasjonen"), max=ORG_MAX))
    clean_role = collapse_spaces(role_there or "")
    if len(clean_role) > ROLE_MAX:
        errors.append(t("nominations.rule.for_langt", what=t("nominations.rule.rollen"),
                        max=ROLE_MAX))
    if errors:
        return None, errors
    return NomineeFields(clean_name, clean_email, clean_org, clean_role), []


def check_reason(reason: str) -> str:
    """A rejection's reason, trimmed; FieldError (Norwegian) when empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise FieldError(t("nominations.rule.begrunnelse_mangler"))
    if len(text) > REASON_MAX:
        raise FieldError(t("nominations.rule.for_langt",
                           what=t("nominations.rule.begrunnelsen"), max=REASON_MAX))
    return text
