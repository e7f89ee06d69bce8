"""One typed class per card verb: the card builds its button from it, the route parses the
press with it, so no verb string is written twice.

Fields are what the card puts in the button's data (ids, the card's version) plus the
inputs Teams sends back with the press; everything arrives as card data, never identity.
Names end in `Action` so they never clash with storage enums (`RsvpAnswer`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from domain.bounds import parse_id
from domain.innspill import Anonymity


class CardAction(BaseModel):
    """A verb and its data. `submit`: Action.Submit (a message), else Action.Execute."""

    model_config = ConfigDict(extra="ignore")
    verb: ClassVar[str]
    submit: ClassVar[bool] = False

    def button(self, title: str) -> dict[str, Any]:
        """The card's button for this press; only the fields set here travel in its data."""
        data = self.model_dump(mode="json", exclude_unset=True)
        if self.submit:
            return {"type": "Action.Submit", "title": title, "data": {"verb": self.verb, **data}}
        return {"type": "Action.Execute", "title": title, "verb": self.verb, "data": data}


# Help card buttons and other verbs without data (Action.Submit from the help card).
class HelpShowAction(CardAction):
    verb = "help.show"
    submit = True


class InnspillNewAction(CardAction):
    verb = "innspill.new"
    submit = True


class MeetingNewAction(CardAction):
    verb = "meeting.new"
    submit = True


class QueueShowAction(CardAction):
    verb = "queue.show"
    submit = True


class RoundFormAction(CardAction):
    verb = "round.form"
    submit = True


class TeamSyncAction(CardAction):
    verb = "team.sync"
    submit = True


class MembersUnreachableAction(CardAction):
    verb = "members.unreachable"
    submit = True


# Meetings: the invitation (members) and the secretariat's cards.
class MeetingRef(CardAction):
    meeting_id: int


class RsvpAnswerAction(MeetingRef):
    """Card data plus the inputs; `item_<id>` toggles arrive as extra fields."""

    verb = "rsvp.answer"
    model_config = ConfigDict(extra="allow")
    answer: str = "no"
    card_version: int = 0
    comment: str = ""
    dietary: str = ""
    deputy: str = ""

    def items(self) -> dict[int, bool]:
        """Programme choices from the toggles ("item_12": "true")."""
        out: dict[int, bool] = {}
        for key, value in (self.model_extra or {}).items():
            item_id = parse_id(key[5:]) if key.startswith("item_") else None
            if item_id is not None:
                out[item_id] = str(value).lower() == "true"
        return out


class RsvpCancelAction(RsvpAnswerAction):
    verb = "rsvp.cancel"


class MeetingCheckinAction(MeetingRef):
    verb = "meeting.checkin"
    card_version: int = 0


class MeetingStatusAction(MeetingRef):
    verb = "meeting.status"


class MeetingPreviewAction(MeetingRef):
    verb = "meeting.preview"


class MeetingSendAction(MeetingRef):
    verb = "meeting.send"


class MeetingApproveAction(MeetingRef):
    verb = "meeting.approve"


class MeetingCancelAction(MeetingRef):
    verb = "meeting.cancel"


class RsvpOnBehalfAction(MeetingRef):
    verb = "rsvp.on_behalf"
    member_id: str = ""  # Input.ChoiceSet sends its value as text
    answer: str = ""


class MeetingEditAction(MeetingRef):
    verb = "meeting.edit"
    submit = True


class MeetingSaveAction(CardAction):
    """The meeting form's inputs, as Teams sends them (strings)."""

    verb = "meeting.save"
    submit = True
    meeting_id: int | None = None
    group_id: str = ""
    title: str = ""
    date: str = ""
    start: str = ""
    end: str = ""
    place: str = ""
    online_url: str = ""
    format: str = "physical"
    agenda: str = ""
    preparation: str = ""
    deadline_date: str = ""
    outlook: str = ""  # the «Send også Outlook-invitasjon» toggle: "true" | "false" | absent


class OutlookRecreateAction(MeetingRef):
    """«Opprett Outlook-møtet på nytt» on the secretariat's notice card."""

    verb = "outlook.recreate"
    submit = True


# The secretariat's queue of scheduled messages.
class QueueCancelAction(CardAction):
    verb = "queue.cancel"
    submit = True
    job_id: int


class QueueMoveAction(CardAction):
    verb = "queue.move"
    submit = True
    model_config = ConfigDict(extra="allow")  # the row's inputs: date_<id>, time_<id>
    job_id: int

    def picked(self) -> str:
        """'YYYY-MM-DD HH:MM' from this row's date and time inputs."""
        extra = self.model_extra or {}
        return f"{extra.get(f'date_{self.job_id}', '')} {extra.get(f'time_{self.job_id}', '')}"


# Round-the-table.
class RoundStartAction(CardAction):
    """The form's inputs as Teams sends them (strings); checked when the round starts."""

    verb = "round.start"
    topic: str = ""
    order: str = "region"
    minutes: str | float = "3"
    auto: str | bool = "false"
    agenda_item: str = ""  # the agenda item's id, or "0" for none


class RoundMove(CardAction):
    """A press carries the step the card showed: an older card's press is stale."""

    round_id: int
    step: int


class RoundNextAction(RoundMove):
    verb = "round.next"


class RoundSkipAction(RoundMove):
    verb = "round.skip"


class RoundToEndAction(RoundMove):
    verb = "round.to_end"


class RoundAbsentAction(RoundMove):
    verb = "round.absent"


class RoundFinishAction(RoundMove):
    verb = "round.finish"


class RoundUpdateAction(CardAction):
    verb = "round.update"
    round_id: int
    slot_id: int = 0
    text: str = ""


# Innspill: the secretariat's form and admin card, the members' own card, the shared card.
class InnspillOpenAction(CardAction):
    verb = "innspill.open"
    questions: str = ""
    areas: str = ""
    max_entries: str = "4"
    group_size: str = "6"
    votes: str = "3"
    anonymity: Anonymity = Anonymity.named
    results: str = "live"
    target: str = "chat"
    deadline_date: str = ""
    deadline_time: str = ""
    agenda_item: str = ""  # the agenda item's id, or "0" for none


class InnspillAdminRef(CardAction):
    session: int
    entry: int = 0
    merge_source: str = ""
    merge_target: str = ""


class InnspillCloseAction(InnspillAdminRef):
    verb = "innspill.close"


class InnspillReopenAction(InnspillAdminRef):
    verb = "innspill.reopen"


class InnspillVoteStartAction(InnspillAdminRef):
    verb = "innspill.vote_start"


class InnspillFinishAction(InnspillAdminRef):
    verb = "innspill.finish"


class InnspillHideAction(InnspillAdminRef):
    verb = "innspill.hide"


class InnspillMergeAction(InnspillAdminRef):
    verb = "innspill.merge"


class InnspillExportAction(InnspillAdminRef):
    verb = "innspill.export"


class InnspillLiveAction(InnspillAdminRef):
    verb = "innspill.live"


class InnspillMemberRef(CardAction):
    session: int
    held: str = ""  # the anonymous entries' tokens this card holds
    entry: int = 0
    text: str = ""
    question: str = "0"
    area: str = ""


class InnspillViewAction(InnspillMemberRef):
    verb = "innspill.view"


class InnspillAreaAction(InnspillMemberRef):
    verb = "innspill.area"


class InnspillSubmitAction(InnspillMemberRef):
    verb = "innspill.submit"


class InnspillStartEditAction(InnspillMemberRef):
    verb = "innspill.start_edit"


class InnspillEditAction(InnspillMemberRef):
    verb = "innspill.edit"


class InnspillDeleteAction(InnspillMemberRef):
    verb = "innspill.delete"


class InnspillCastAction(InnspillMemberRef):
    verb = "innspill.cast"


# Minutes: the referent's card (secretariat) and «Ferdig» on a follow-up reminder.
class MinutesOpenAction(MeetingRef):
    """«Referat» on the status card."""

    verb = "minutes.open"


class MinutesPress(CardAction):
    """A press on the referent's card: where it is, what each field was drawn with (version
    and fingerprint), and every input Teams sends back with it."""

    meeting_id: int
    item_id: int
    v_notes: int = 0
    h_notes: str = ""
    v_decision: int = 0
    h_decision: str = ""
    notes: str | None = None
    decision: str | None = None
    fu_what: str = ""
    fu_who: str = ""
    fu_due: str = ""
    to: int | None = None  # «Forrige sak» / «Neste sak»
    goto: str = ""  # the jump list's choice


class MinutesSaveAction(MinutesPress):
    verb = "minutes.save"


class MinutesApproveAction(MinutesPress):
    verb = "minutes.approve"


class MinutesFollowupAction(MinutesPress):
    verb = "minutes.followup"


class MinutesGoAction(MinutesPress):
    verb = "minutes.go"


class FollowupDoneAction(CardAction):
    verb = "followup.done"
    followup_id: int


# The referat after the meeting: høring, versions (secretariat) and corrections (recipients).
class MinutesReviewShowAction(MeetingRef):
    """«Høring» on the referent's card: the secretariat's card of versions and corrections."""

    verb = "minutes_review.show"


class MinutesCirculateAction(MeetingRef):
    """«Send til høring», with the card's choice of recipients and deadline."""

    verb = "minutes_review.circulate"
    to: str = "present"
    deadline: str = ""


class MinutesNewVersionAction(MeetingRef):
    """«Lag ny versjon» after the notes were edited."""

    verb = "minutes_review.new_version"


class MinutesCorrectAction(MeetingRef):
    """«Send rettelse» on the høring card: the version shown and what was typed."""

    verb = "minutes_review.correct"
    version: int
    correction: str = ""


# Privacy: a member's own data (any member) and the secretariat's audit log.
class MyDataShowAction(CardAction):
    verb = "mydata.show"
    submit = True


class MyDataEraseAskAction(CardAction):
    verb = "mydata.erase_ask"
    submit = True


class MyDataEraseConfirmAction(CardAction):
    verb = "mydata.erase_confirm"
    submit = True
    confirm: str = ""  # the word typed on the card: «SLETT»


class AuditShowAction(CardAction):
    verb = "audit.show"
    submit = True


# Profile: a member's own details. No member id travels: whose details comes from the
# activity's sender, never from the card.
class ProfileEditAction(CardAction):
    """«Endre opplysningene» (the profile card, the yearly check): opens the form."""

    verb = "profile.edit"


class ProfileSaveAction(CardAction):
    """«Lagre opplysningene» on the form: the inputs as typed (None: not sent)."""

    verb = "profile.save"
    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    deputy: str | None = None  # a member id as text; "0" = no standing deputy


class ProfileConfirmAction(CardAction):
    """«Ja, stemmer» on the yearly check."""

    verb = "profile.confirm"


# Members: a near match from an import, decided by the secretariat on its card.
class MemberCandidateRef(CardAction):
    candidate_id: int


class MemberSameAction(MemberCandidateRef):
    """«Samme person»: the row is this member under another spelling."""

    verb = "members.same"
    member_id: int


class MemberNewAction(MemberCandidateRef):
    """«Ny person»: the row is a person of their own."""

    verb = "members.new"


# Nominations: the `nominer` form (any active member), the secretariat's card per nomination,
# and «Jeg slutter i gruppen» on `min profil`.
class NominationSubmitAction(CardAction):
    """The form's inputs as Teams sends them (strings); checked by domain/nominations.py."""

    verb = "nomination.submit"
    group_id: str = ""
    name: str = ""
    email: str = ""
    organisation: str = ""
    role_there: str = ""
    replaces: str = ""  # the replaced member's id as text; "0" (or nothing) for none


class NominationRef(CardAction):
    nomination_id: int


class NominationApproveAction(NominationRef):
    """«Godkjenn nominasjonen» on the secretariat's card."""

    verb = "nomination.approve"


class NominationRejectAction(NominationRef):
    """«Avslå», with the reason typed on the card (sent back to the nominator)."""

    verb = "nomination.reject"
    reason: str = ""


class LeaveAskAction(CardAction):
    """«Jeg slutter i gruppen» on the profile card: the form with an optional successor."""

    verb = "leave.ask"
    submit = True


class LeaveSendAction(CardAction):
    """The leave form: which group, and the successor (name, e-mail) if one is named."""

    verb = "leave.send"
    group_id: str = ""
    successor_name: str = ""
    successor_email: str = ""


def _concrete(base: type[CardAction]) -> list[type[CardAction]]:
    out: list[type[CardAction]] = []
    for cls in base.__subclasses__():
        if "verb" in cls.__dict__:
            out.append(cls)
        out += _concrete(cls)
    return out


ACTIONS: tuple[type[CardAction], ...] = tuple(_concrete(CardAction))
BY_VERB: dict[str, type[CardAction]] = {cls.verb: cls for cls in ACTIONS}
if len(BY_VERB) != len(ACTIONS):
    raise RuntimeError("two card action classes share a verb")

