"""The nomination's pure rules: what a nominee needs, which states may follow which, reasons."""

from __future__ import annotations

import pytest

from domain.members import FieldError
from domain.nominations import (
    REASON_MAX,
    NominationStatus,
    can_move,
    check_nominee,
    check_reason,
)

S, A, R = NominationStatus.submitted, NominationStatus.approved, NominationStatus.rejected


def test_only_a_submitted_nomination_can_be_decided_and_a_decision_is_final() -> None:
    assert can_move(S, A) and can_move(S, R)
    for decided in (A, R):
        assert not any(can_move(decided, to) for to in (S, A, R))
    assert not can_move(S, S)


def test_a_nominee_is_checked_and_normalised() -> None:
    fields, errors = check_nominee("  Kari   Nordmann ", " Kari.Nordmann@Asker.Kommune.no ",
                                   " Asker  kommune ", " Næringssjef ")
    assert errors == [] and fields is not None
    assert (fields.name, fields.email, fields.organisation, fields.role_there) == (
        "Kari Nordmann", "kari.nordmann@asker.kommune.no", "Asker kommune", "Næringssjef")
    assert fields.name_key == "kari nordmann"


def test_every_missing_or_wrong_field_is_named_in_norwegian() -> None:
    fields, errors = check_nominee("", "kari@asker", "")
    assert fields is None
    assert errors == ["Navn mangler.", "«kari@asker» er ikke en e-postadresse.",
                      "Organisasjon mangler."]
    _, errors = check_nominee("Kari Nordmann", "", "Asker")
    assert errors == ["E-post mangler."]
    _, errors = check_nominee("K" * 201, "k@asker.no", "Asker", "r" * 201)
    assert errors == ["Navnet har for mange tegn (høyst 200).",
                      "Rollen har for mange tegn (høyst 200)."]


def test_a_rejection_needs_a_reason_of_sensible_length() -> None:
    assert check_reason("  For mange fra Asker.  ") == "For mange fra Asker."
    with pytest.raises(FieldError, match="Skriv en begrunnelse"):
        check_reason("   ")
    with pytest.raises(FieldError, match="for mange tegn"):
        check_reason("x" * (REASON_MAX + 1))
