"""Workshop input in chat: the secretariat opens and runs a session; members write and vote."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from botbuilder.schema import Activity
from sqlmodel import Session

from bot.router import Router
from bot.turn import Outgoing, Turn, card_message
from cards.actions import (
    InnspillAdminRef,
    InnspillAreaAction,
    InnspillCastAction,
    InnspillCloseAction,
    InnspillDeleteAction,
    InnspillEditAction,
    InnspillExportAction,
    InnspillFinishAction,
    InnspillHideAction,
    InnspillLiveAction,
    InnspillMemberRef,
    InnspillMergeAction,
    InnspillNewAction,
    InnspillOpenAction,
    InnspillReopenAction,
    InnspillStartEditAction,
    InnspillSubmitAction,
    InnspillViewAction,
    InnspillVoteStartAction,
)
from cards.common import plain
from cards.innspill import (
    AdminEntry,
    AdminView,
    FormView,
    MemberView,
    OwnEntry,
    VoteEntry,
    build_admin_card,
    build_form_card,
    build_live_card,
    build_member_card,
)
from cards.notice import build_notice_card
from core.i18n import t
from delivery.sendout import per_language, start_sendout
from domain.bounds import parse_id
from domain.innspill import group_label, to_csv, to_markdown
from domain.rules import due_time, expiry
from scheduler import store
from services.innspill import live_view
from services.minutes import chosen_item, item_choice
from storage import audit, live_cards
from storage import innspill as repo
from storage.groups import default_group, group_rules, member_ids
from storage.innspill_models import InnspillEntry, InnspillSession
from storage.live_cards import Tracked
from storage.meeting_models import AgendaKind
from storage.members import active_in_group, names_by_id
from storage.models import Member, WorkingGroup
from storage.teams import group_for_team

_HELD = re.compile(r"^(\d{1,12}):([A-Za-z0-9_-]{8,64})$")


def parse_held(held: str) -> dict[int, str]:
    """Ownership tokens from card data; anything malformed is ignored."""
    pairs = (_HELD.match(part) for part in held.split(",")[:50])
    return {int(m.group(1)): m.group(2) for m in pairs if m}


def encode_held(tokens: dict[int, str]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(tokens.items()))


def member_view(db: Session, s: InnspillSession, member: Member, tokens: dict[int, str],
                **extra: Any) -> MemberView:
    """The member's own view; tokens (fully anonymous) are echoed back in the card."""
    own = repo.owned(db, s, member, tokens)
    qs = repo.questions(s)
    p = repo.find_participant(db, s, member.id or 0)  # a look creates no row
    placed = repo.placements(db, s).get(member.id or 0)
    held = encode_held({e.id or 0: tokens[e.id or 0] for e in own if (e.id or 0) in tokens})
    to_vote = [VoteEntry(e.id or 0, e.text, e.area, e.votes) for e in repo.entries(db, s)]
    return MemberView(
        s.id or 0, qs, s.status, repo.areas(s), group_label(placed) if placed else "",
        [OwnEntry(e.id or 0, e.text, qs[e.question_no]) for e in own], held, s.max_entries,
        votes_left=s.votes_per_member - (p.votes_used if p else 0),
        to_vote=to_vote if s.status == "voting" else [], **extra)


def admin_view(db: Session, s: InnspillSession, notice: str = "") -> AdminView:
    """Everything, hidden and merged entries included, with authors unless fully anonymous."""
    rows = repo.entries(db, s, visible_only=False)
    names = names_by_id(db, [e.author_member_id for e in rows if e.author_member_id])
    number = {e.id: i for i, e in enumerate(rows, 1)}
    people = repo.contributors(db, s)
    return AdminView(s.id or 0, repo.questions(s), s.status, len(people), [
        AdminEntry(e.id or 0, number[e.id], e.text, e.area,
                   names.get(e.author_member_id or 0, ""), e.votes, e.hidden,
                   number.get(e.merged_into_id)) for e in rows], notice)


def live_activity(s: InnspillSession, db: Session) -> Activity:
    """A fresh live card message (posted when the session opens)."""
    return card_message(build_live_card(live_view(db, s)), t("innspill.reply.innspill_er_apnet"))


# Opening an innspill session: the secretariat's form, the live card, 1:1 send-out.
Card = dict[str, Any] | None
OSLO_TZ = "Europe/Oslo"


def register_open(secretariat: Router) -> None:
    """The help-card button «Nytt innspill» and «Åpne innspill»."""

    @secretariat.action(InnspillNewAction, button=lambda: t("innspill.nytt_innspill"))
    async def _new(turn: Turn, _data: InnspillNewAction) -> Card:
        await send_form(turn)
        return None

    secretariat.action(InnspillOpenAction)(open_session)


def _group(turn: Turn) -> WorkingGroup:
    team_id = (turn.channel_data.get("team") or {}).get("id")
    return (group_for_team(turn.session, team_id) if team_id else None) or default_group(
        turn.session)


def _form(turn: Turn, direct: bool, notice: str = "", chosen: str = "") -> FormView:
    """The form, with the agenda items of the group's meeting and the one to propose."""
    offer = item_choice(turn.session, _group(turn).id, turn.deps.clock.now(),
                        AgendaKind.workshop)
    return FormView(direct, notice, offer.choices, chosen or offer.proposed)


async def send_form(turn: Turn, notice: str = "") -> None:
    personal = (turn.activity.conversation.conversation_type or "personal") == "personal"
    await turn.send_card(build_form_card(_form(turn, personal, notice)),
                         t("innspill.nytt_innspill"))


def _int(value: str, default: int, low: int, high: int) -> int:
    number = parse_id(value)
    return default if number is None else min(high, max(low, number))


def _deadline(data: InnspillOpenAction, now: datetime) -> datetime | None:
    from zoneinfo import ZoneInfo

    if not data.deadline_date.strip():
        return None
    try:
        day = date.fromisoformat(data.deadline_date.strip())
        at = time.fromisoformat(data.deadline_time.strip() or "16:00")
    except ValueError as exc:
        raise repo.InnspillError(t("innspill.reply.fristen_ma_vaere")) from exc
    when = datetime.combine(day, at, tzinfo=ZoneInfo(OSLO_TZ))
    if when <= now:
        raise repo.InnspillError(t("innspill.reply.fristen_ma_ligge"))
    return when


async def open_session(turn: Turn, data: InnspillOpenAction) -> Card:
    """'Åpne innspill': create the session, open it, post the live card, send 1:1 if asked."""
    questions = [q.strip() for q in data.questions.splitlines() if q.strip()]
    areas = list(dict.fromkeys(a.strip()[:200] for a in data.areas.splitlines() if a.strip()))
    now = turn.deps.clock.now()
    try:
        if not questions or any(len(q) > 500 for q in questions) or len(questions) > 10:
            raise repo.InnspillError(t("innspill.reply.skriv_sporsmal_hvert"))
        deadline = _deadline(data, now)
    except repo.InnspillError as exc:
        return build_form_card(_form(turn, data.target == "direct", str(exc), data.agenda_item))
    group = _group(turn)
    s = repo.create(turn.session, questions_=questions, areas_=areas, now=now,
                    group_id=group.id, max_entries=_int(data.max_entries, 4, 1, 20),
                    group_size=_int(data.group_size, 6, 2, 40),
                    votes_per_member=_int(data.votes, 3, 1, 10), anonymity=data.anonymity,
                    live_results=data.results != "after", direct=data.target == "direct",
                    deadline=deadline, created_by=turn.member.id if turn.member else None)
    item = chosen_item(turn.session, data.agenda_item)
    if item is not None:
        s.meeting_id, s.agenda_item_id = item.meeting_id, item.id
        turn.session.add(s)
        turn.session.flush()  # before the guarded status UPDATE refreshes the row
    repo.transition(turn.session, s, "open", now)
    audit_session(turn, InnspillOpenAction.verb, s)
    if s.direct:
        send_direct(turn, s, "", MemberView(s.id or 0, questions, "open", areas,
                                             max_entries=s.max_entries))
    if deadline:
        _schedule(turn, s, deadline)
    await _post_live(turn, s)
    return build_admin_card(admin_view(turn.session, s, t("innspill.reply.innspillet_er_apnet")))


async def _post_live(turn: Turn, s: InnspillSession) -> None:
    """Post the shared card here after the commit; from then on the sender keeps it current.

    Tracked in this transaction, so a failed post leaves the card to the sender (after its
    window) instead of an open session with no card.
    """
    conversation, session_id = turn.activity.conversation.id, s.id or 0
    live_cards.track(turn.session, [Tracked(repo.LIVE_KIND, session_id, conversation,
                                            posted_at=turn.deps.clock.now(), sending=True)])

    def keep_id(db: Session, activity_id: str | None) -> None:
        if activity_id:
            live_cards.posted(db, repo.LIVE_KIND, session_id, conversation, activity_id)

    activity = live_activity(s, turn.session)
    turn.outbox.append(Outgoing(activity, keep_id))


def send_direct(turn: Turn, s: InnspillSession, suffix: str, view: MemberView) -> None:
    """1:1 to every active member of the group through the delivery ledger."""
    members = active_in_group(turn.session, s.group_id)

    def copy() -> dict[str, Any]:
        return {"type": "message", "text": t("innspill.innspill_3"),
                "summary": t("innspill.innspill_3"),
                "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                 "content": build_member_card(view)}]}
    start_sendout(turn.session, "innspill", f"innspill:{s.id}{suffix}", members,
                  per_language(copy), turn.deps.clock.now(), title=t("innspill.innspill_3"),
                  meeting_id=s.meeting_id)


def _schedule(turn: Turn, s: InnspillSession, deadline: datetime) -> None:
    rule = group_rules(turn.session, s.group_id)["input_deadline"]
    due = due_time(rule, deadline)
    store.schedule(turn.session, "innspill_reminder", f"innspill:{s.id}", {"session_id": s.id},
                   due, expiry(rule, deadline, due), turn.deps.clock.now(),
                   description=t("innspill.reply.paminnelse_om_innspill", id=s.id))
    store.schedule(turn.session, "innspill_close", f"innspill:{s.id}", {"session_id": s.id},
                   deadline, deadline.replace(year=deadline.year + 1), turn.deps.clock.now(),
                   description=t("innspill.reply.steng_innspill_ved", id=s.id))


def audit_session(turn: Turn, action: str, s: InnspillSession, detail: str = "") -> None:
    audit.record(turn.session, action=action, target=f"innspill:{s.id}", detail=detail,
                 actor_member_id=turn.member.id if turn.member else None,
                 actor_aad_object_id=turn.activity.from_property.aad_object_id)




# Secretariat side of innspill: status, close/reopen, voting, hide, merge, export.
ADMIN_ACTIONS = (InnspillCloseAction, InnspillReopenAction, InnspillVoteStartAction,
                 InnspillFinishAction, InnspillHideAction, InnspillMergeAction,
                 InnspillExportAction)
MEMBER_ACTIONS = (InnspillViewAction, InnspillAreaAction, InnspillSubmitAction,
                  InnspillCastAction)
# An entry's writer, or the active secretariat (moderation, audited): behind an owner guard.
OWNER_ACTIONS = (InnspillStartEditAction, InnspillEditAction, InnspillDeleteAction)


def register_admin(router: Router) -> None:
    """The `innspill` command, the help-card button and the secretariat's actions."""
    secretariat = router.secretariat()
    secretariat.command("innspill", description=lambda: t("innspill.reply.nytt_innspill_eller"),
                        )(command)
    register_open(secretariat)
    for action in ADMIN_ACTIONS:
        secretariat.action(action)(admin_action)
    router.action(InnspillLiveAction)(show_live)


async def command(turn: Turn) -> None:
    """`innspill` → the form; `innspill status 3`; `innspill eksport 3 [csv]`."""
    words = turn.text.split()[1:]
    if not words:
        await send_form(turn)
        return
    session_id = parse_id(words[1]) if len(words) > 1 else None
    s = turn.session.get(InnspillSession, session_id) if session_id is not None else None
    if words[0] not in ("status", "eksport") or s is None:
        await turn.say(t("innspill.reply.skriv_innspill_for"))
        return
    if words[0] == "status":
        await turn.send_card(build_admin_card(admin_view(turn.session, s)),
                             t("innspill.innspill_3"))
        return
    await turn.say(_export_text(turn, s, csv="csv" in words[2:]))


def _export_text(turn: Turn, s: InnspillSession, csv: bool = False) -> str:
    rows = repo.export_entries(turn.session, s)
    if csv:
        return to_csv(rows)
    return to_markdown(t("innspill.reply.export_title", id=s.id,
                         questions=" / ".join(repo.questions(s))), rows)


EVENTS = {"close": "close", "reopen": "reopen", "vote_start": "vote", "finish": "finish"}


def _event_notice(verb: str) -> str:
    return {"close": t("innspill.reply.innspillet_er_stengt"),
            "reopen": t("innspill.reply.gjenapnet"),
            "vote_start": t("innspill.reply.prioriteringen_er_startet"),
            "finish": t("innspill.reply.avsluttet_den_prioriterte")}[verb]


async def admin_action(turn: Turn, data: InnspillAdminRef) -> Card:
    """Close, reopen, start voting, finish, hide, merge or export; each one audited."""
    s = turn.session.get(InnspillSession, data.session)
    if s is None:
        return build_admin_card_missing()
    verb, now = data.verb.removeprefix("innspill."), turn.deps.clock.now()
    notice = ""
    try:
        if verb in EVENTS:
            event, notice = EVENTS[verb], _event_notice(verb)
            repo.transition(turn.session, s, event, now)
            if event == "vote" and s.direct:
                send_direct(turn, s, ":prioritering", MemberView(
                    s.id or 0, repo.questions(s), "voting", votes_left=s.votes_per_member))
        elif verb == "hide":
            entry = turn.session.get(InnspillEntry, data.entry)
            if entry is None or entry.session_id != s.id:
                raise repo.InnspillError(t("innspill.reply.fant_ikke_det"))
            entry.hidden = True
            live_cards.mark_dirty(turn.session, repo.LIVE_KIND, s.id or 0)
            turn.session.add_all([entry, s])
            notice = t("innspill.reply.innspillet_er_skjult")
        elif verb == "merge":
            src, dst = data.merge_source, data.merge_target
            repo.merge(turn.session, s, parse_id(src) or 0, parse_id(dst) or 0)
            notice = t("innspill.reply.innspillene_er_slatt")
        elif verb == "export":
            await turn.say(_export_text(turn, s))
            notice = t("innspill.reply.eksporten_er_sendt")
    except repo.InnspillError as exc:
        return build_admin_card(admin_view(turn.session, s, str(exc)))
    audit_session(turn, f"innspill.{verb}", s, detail=str(data.entry or ""))
    if verb in EVENTS:  # a status change shows at once, whatever the window says
        live_cards.mark_dirty(turn.session, repo.LIVE_KIND, s.id or 0, urgent=True)
    return build_admin_card(admin_view(turn.session, s, notice))


def build_admin_card_missing() -> Card:
    from cards.notice import build_notice_card

    return build_notice_card(t("innspill.innspill_3"), [t("innspill.reply.fant_ikke_dette")])


async def show_live(turn: Turn, data: InnspillAdminRef) -> Card:
    """'Oppdater' on the shared card: a fresh view for whoever clicked (the sender redraws)."""
    s = turn.session.get(InnspillSession, data.session)
    if s is None:
        return build_admin_card_missing()
    return build_live_card(live_view(turn.session, s))




# The members' side: pick an area, write, edit, delete and vote on their own card.
def register(root: Router) -> None:
    """The member routes, after the secretariat's (register_admin, register_open).

    Editing and deleting an entry is for its writer (by author, or with anonymous innspill
    by the token on their card) and for the active secretariat, who may moderate any entry
    without knowing who wrote it.
    """
    router = root.feature("innspill")
    register_admin(router)
    for action in MEMBER_ACTIONS:
        router.action(action)(member_action)
    owned = router.owner(_owns_entry, _not_yours)
    for owner_action in OWNER_ACTIONS:
        owned.action(owner_action)(member_action)


def _owns_entry(turn: Turn, data: InnspillMemberRef) -> bool:
    """The press names one of the clicker's own entries (no session: the handler says so)."""
    s = turn.session.get(InnspillSession, data.session)
    if s is None or turn.member is None:
        return s is None
    return any(e.id == data.entry
               for e in repo.owned(turn.session, s, turn.member, parse_held(data.held)))


def _not_yours(turn: Turn, data: InnspillMemberRef) -> Card:
    """The owner guard's refusal as the member's own card, with what they typed kept."""
    s = turn.session.get(InnspillSession, data.session)
    member = turn.member
    text = t("storage.innspill.det_innspillet_er")
    if s is None or member is None or not member.active:
        return build_notice_card(t("innspill.innspill_3"), [
            t("innspill.reply.du_er_ikke")])
    extra: dict[str, Any] = {"notice": text, "notice_good": False}
    if isinstance(data, InnspillEditAction):
        extra.update(draft=data.text, editing=data.entry or None)
    return build_member_card(member_view(turn.session, s, member, parse_held(data.held),
                                         **extra))


def _refusal(turn: Turn, data: InnspillMemberRef, text: str) -> Card:
    """A Norwegian refusal on the card; the attempt goes to the audit log."""
    audit.record(turn.session, action=data.verb, outcome="refused", target=str(data.session),
                 actor_member_id=turn.member.id if turn.member else None,
                 actor_aad_object_id=turn.activity.from_property.aad_object_id)
    return build_notice_card(t("innspill.innspill_3"), [text])


async def member_action(turn: Turn, data: InnspillMemberRef) -> Card:
    """Every member button: check who and where, do it, answer with the member's own card."""
    s = turn.session.get(InnspillSession, data.session)
    member = turn.member
    if s is None or s.status == "draft":
        return _refusal(turn, data,
                        t("innspill.reply.fant_ikke_dette_2"))
    if member is None or not member.active:
        return _refusal(turn, data, t("innspill.reply.du_er_ikke"))
    group = turn.session.get(WorkingGroup, s.group_id) if s.group_id else None
    if group and member.id not in member_ids(turn.session, group) and not turn.is_secretariat:
        return _refusal(turn, data, t("innspill.reply.dette_innspillet_gjelder"))
    tokens = parse_held(data.held)
    extra: dict[str, Any] = {}
    try:
        extra = _apply(turn, s, data, tokens)
    except repo.InnspillError as exc:
        extra = {"notice": str(exc), "notice_good": False}
        if isinstance(data, InnspillSubmitAction | InnspillEditAction):
            extra["draft"] = data.text  # what the member typed is never lost
            extra["editing"] = data.entry or None
    view = member_view(turn.session, s, member, tokens, **extra)
    return build_member_card(view)


def _apply(turn: Turn, s: InnspillSession, data: InnspillMemberRef,
           tokens: dict[int, str]) -> dict[str, Any]:
    """Carry out one member action; returns what the card should say."""
    db, member, now = turn.session, turn.member, turn.deps.clock.now()
    assert member is not None
    verb = data.verb.removeprefix("innspill.")
    if verb == "area":
        return _pick_area(turn, s, data.area)
    if verb == "submit":
        question = parse_id(data.question)
        question = -1 if question is None else question
        entry, token = repo.add_entry(db, s, member, data.text, question, now)
        tokens[entry.id or 0] = token
        count = repo.participant(db, s, member.id or 0).entries
        return {"notice": t("innspill.reply.takk_innspillet_ditt", count=count,
                            max_entries=s.max_entries)
                + _plain_note(data.text)}
    if verb == "start_edit":
        entry, writer = _owned_or_moderated(turn, s, data, tokens)
        if writer == member.id:
            return {"editing": data.entry}
        qs = repo.questions(s)
        asked = qs[entry.question_no] if entry.question_no < len(qs) else ""
        return {"editing": data.entry, "moderating": OwnEntry(entry.id or 0, entry.text, asked)}
    if verb == "edit":
        entry, _writer = _owned_or_moderated(turn, s, data, tokens)
        repo.edit_entry(db, s, entry, data.text, now)
        return {"notice": t("innspill.reply.endringen_er_lagret") + _plain_note(data.text)}
    if verb == "delete":
        entry, writer = _owned_or_moderated(turn, s, data, tokens)
        repo.delete_entry(db, s, entry, writer, now)
        tokens.pop(data.entry, None)
        return {"notice": t("innspill.reply.innspillet_er_slettet")}
    if verb == "cast":
        left = repo.vote(db, s, member, data.entry)
        return {"notice": t("innspill.reply.stemmen_er_registrert", left=left)}
    return {}


def _owned_or_moderated(turn: Turn, s: InnspillSession, data: InnspillMemberRef,
                        tokens: dict[int, str]) -> tuple[InnspillEntry, int | None]:
    """The entry and whose count it is in: the member's own, or (past the owner guard) any
    one for the active secretariat, audited as moderation."""
    db, member = turn.session, turn.member
    assert member is not None
    try:
        return repo.own_entry(db, s, member, data.entry, tokens), member.id
    except repo.InnspillError:
        if not turn.is_secretariat:  # the stored role and `active`, read this turn
            raise
    entry = repo.any_entry(db, s, data.entry)
    audit.record(db, action=data.verb, target=str(entry.id), actor_member_id=member.id,
                 detail=t("innspill.reply.sekretariatet_pa_vegne"))
    return entry, entry.author_member_id


def _pick_area(turn: Turn, s: InnspillSession, area: str) -> dict[str, Any]:
    if s.status != "open":
        raise repo.InnspillError(t("innspill.reply.innspillet_er_ikke"))
    if area not in repo.areas(s):
        raise repo.InnspillError(t("innspill.reply.velg_et_av"))
    p = repo.participant(turn.session, s, turn.member.id or 0)  # type: ignore[union-attr]
    if not repo.pick_area(turn.session, p, area):
        raise repo.InnspillError(t("innspill.reply.du_har_allerede"))
    live_cards.mark_dirty(turn.session, repo.LIVE_KIND, s.id or 0)
    return {"notice": t("innspill.reply.du_er_med", area=plain(area))}


def _plain_note(text: str) -> str:
    """Say so when formatting, links or mentions will be shown as plain text."""
    if any(mark in text for mark in ("http://", "https://", "www.", "@", "**", "<at>", "](")):
        return t("innspill.reply.lenker_omtaler_og")
    return ""


__all__ = ["encode_held", "register"]
