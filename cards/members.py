"""The secretariat's card for a near match from an import: «Samme person» or «Ny person»."""

from __future__ import annotations

from dataclasses import dataclass, field

from cards.actions import MemberNewAction, MemberSameAction
from cards.common import Card, adaptive_card, button_rows, heading, para, plain
from core.i18n import t


@dataclass(frozen=True)
class Similar:
    member_id: int
    name: str
    organisation: str


@dataclass(frozen=True)
class CandidateView:
    candidate_id: int
    name: str  # the row's spelling
    organisation: str
    source: str  # the file, or the chat
    similar: list[Similar] = field(default_factory=list)
    decided: str = ""  # set once decided: what happened (the buttons go)


def _who(name: str, organisation: str) -> str:
    return f"**{plain(name)}** ({plain(organisation)})" if organisation else f"**{plain(name)}**"


def build_candidate_card(view: CandidateView) -> Card:
    """The row and the members it resembles; one «Samme person» per member, «Ny person»."""
    body: list[dict] = [
        heading(t("cards.members.ligner_pa_et_medlem"), size="Medium"),
        para(t("cards.members.fra_importen", who=_who(view.name, view.organisation),
               source=plain(view.source))),
        *(para(t("cards.members.ligner_pa", who=_who(s.name, s.organisation), id=s.member_id),
               spacing="Small") for s in view.similar),
    ]
    if view.decided:
        body.append(para(plain(view.decided), weight="Bolder"))
        return adaptive_card(body)
    one = len(view.similar) == 1
    actions = [MemberSameAction(candidate_id=view.candidate_id, member_id=s.member_id).button(
        t("cards.members.samme_person") if one
        else t("cards.members.samme_person_som", name=s.name)) for s in view.similar]
    actions.append(MemberNewAction(candidate_id=view.candidate_id).button(
        t("cards.members.ny_person")))
    body.append(para(t("cards.members.velg"), isSubtle=True))
    # One button a row: each names a person, and a row of them cuts the names (card walk).
    return adaptive_card(body + button_rows(actions, per_row=1))


def sample_candidate() -> CandidateView:
    """Seed 003's «Camilla Håltem» beside seed 000's «Camilla Håltøm»."""
    return CandidateView(3, "Camilla Håltem", "Lørenskog", "chat",
                         [Similar(8, "Camilla Håltøm", "Nedre Romerike")])


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    two = CandidateView(4, "Anne Kristine Feltman", "Bærum", "seed003_attendance.tsv",
                        [Similar(1, "Anne Feltman", "Asker - Bærum"),
                         Similar(51, "Anne Feltmann", "Bærum")])
    done = CandidateView(3, "Camilla Håltem", "Lørenskog", "chat",
                         [Similar(8, "Camilla Håltøm", "Nedre Romerike")],
                         decided="Samme person som Camilla Håltøm (id 8).")
    return {"member_candidate": build_candidate_card(sample_candidate()),
            "member_candidate_two": build_candidate_card(two),
            "member_candidate_decided": build_candidate_card(done)}
