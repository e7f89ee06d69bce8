"""The referat draft (issue 16), pure: what it holds (`Draft` and its sections), the rules
that shape it (cutting a description, grouping input, where the round and the closing
sections go) and its layout as a list of blocks both renderers draw the same way.

Nothing here reads a database or writes a file; services/minutes_draft.py fills a `Draft`
and cards/documents.py turns the blocks into Markdown or Word.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from core.i18n import join_list, t
from core.timefmt import OSLO, day_long, day_month, span
from domain.names import nb_key

DESCRIPTION_LIMIT = 300  # characters of an item's first paragraph in the draft
FUTURE_MONTHS = 12
FUTURE_MAX = 10


class Sort(enum.StrEnum):
    """The order of the Frammøtte table (`--sort`)."""

    region = "region"
    name = "name"
    arrival = "arrival"


# --- what the draft holds ---------------------------------------------------------------

@dataclass(frozen=True)
class Attendee:
    """One row of Frammøtte (or of Påmeldt when nobody was registered present)."""

    name: str
    place: str  # KOMMUNE / REGION as the member's organisation is written
    region: str = ""  # the region it belongs to (the default order), else the place
    deputy_for: str = ""  # the member a deputy stood in for: «vara for …»
    guest: bool = False  # not a member: «(gjest)»
    arrived_at: datetime | None = None


@dataclass(frozen=True)
class AttendanceSection:
    present: tuple[Attendee, ...] = ()
    secretariat: tuple[str, ...] = ()  # «Fra sekretariatet møtte: A, B og C»
    regrets: tuple[str, ...] = ()  # «Forfall:»
    registered: tuple[Attendee, ...] = ()  # those who said yes, shown when nobody is present


@dataclass(frozen=True)
class RegionUpdate:
    region: str
    text: str
    absent: bool = False  # written by a region that was not there


@dataclass(frozen=True)
class RoundSection:
    """The round-the-table per region, as its summary words it."""

    topic: str
    updates: tuple[RegionUpdate, ...] = ()
    absent: tuple[str, ...] = ()  # «Fraværende»: invited, none present, no update


@dataclass(frozen=True)
class InputEntry:
    text: str
    author: str = ""  # a name only for named sessions


@dataclass(frozen=True)
class InputGroup:
    heading: str  # the interest group, else the theme (question)
    entries: tuple[InputEntry, ...] = ()


@dataclass(frozen=True)
class InputSection:
    """One innspill session under its agenda item."""

    title: str
    groups: tuple[InputGroup, ...] = ()


@dataclass(frozen=True)
class FollowupRow:
    what: str
    who: str
    due: date


class EventMark(enum.StrEnum):
    none = ""
    cancelled = "cancelled"  # «(avlyst)»
    tba = "tba"  # «(TBA)»: the date is not set
    tbc = "tbc"  # «(TBC)»: tentative


@dataclass(frozen=True)
class FutureEvent:
    title: str
    starts_at: datetime | None = None
    date_text: str = ""  # «juni» while the date is not set
    place: str = ""
    mark: EventMark = EventMark.none


@dataclass(frozen=True)
class Document:
    title: str
    url: str


class ItemRole(enum.StrEnum):
    """Where the draft's closing sections go when the agenda has an item for them."""

    plain = ""
    round = "round"  # the title starts with «Runden»
    future = "future"  # «Fremtidige arrangementer»
    other_business = "other_business"  # «Eventuelt»


@dataclass(frozen=True)
class ItemSection:
    number: int
    title: str
    description: str = ""  # already cut: the first paragraph, ≤ DESCRIPTION_LIMIT
    notes: str = ""
    decision: str = ""
    rounds: tuple[RoundSection, ...] = ()
    inputs: tuple[InputSection, ...] = ()
    role: ItemRole = ItemRole.plain


@dataclass(frozen=True)
class Draft:
    """The referat draft of one meeting, as recorded at `generated_at`."""

    meeting_id: int
    groups: tuple[str, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    online: bool = False
    documents: tuple[Document, ...] = ()
    attendance: AttendanceSection = field(default_factory=AttendanceSection)
    items: tuple[ItemSection, ...] = ()
    rounds: tuple[RoundSection, ...] = ()  # rounds with no item to go under
    inputs: tuple[InputSection, ...] = ()  # innspill of the meeting tied to no item
    followups: tuple[FollowupRow, ...] = ()
    future: tuple[FutureEvent, ...] = ()
    other_business: str = ""  # Eventuelt when the agenda has no item for it
    generated_at: datetime | None = None

    @property
    def group_title(self) -> str:
        """The groups joined with «og» (a joint meeting)."""
        return join_list(self.groups)

    @property
    def title(self) -> str:
        """«Referat møte i <gruppe>»."""
        return t("minutes_draft.tittel", groups=self.group_title)


# --- pure rules ---------------------------------------------------------------------------

def first_paragraph(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The first paragraph, whitespace folded, at most `limit` characters, cut at a word
    with «…»."""
    para = next((p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()), "")
    para = " ".join(para.split())
    if len(para) <= limit:
        return para
    cut = para[:limit].rsplit(" ", 1)[0] if " " in para[:limit] else para[:limit - 1]
    return cut[:limit - 1].rstrip(" ,;:–-") + "…"


def _folded(title: str) -> str:
    return " ".join(title.replace("*", " ").split()).casefold()


def item_role(title: str) -> ItemRole:
    """Which closing section an agenda item stands for, read from its title."""
    folded = _folded(title)
    if folded.startswith("runden"):
        return ItemRole.round
    if folded.startswith("fremtidige arrangementer"):
        return ItemRole.future
    if folded.startswith("eventuelt"):
        return ItemRole.other_business
    return ItemRole.plain


def round_home(tied_item: int | None, item_titles: Sequence[tuple[int, str]]) -> int | None:
    """The agenda item number a round goes under: the item it was tied to, else the first
    whose title starts with «Runden», else None (a section of its own)."""
    numbers = {n for n, _ in item_titles}
    if tied_item is not None and tied_item in numbers:
        return tied_item
    return next((n for n, title in item_titles if item_role(title) == ItemRole.round), None)


def group_inputs(entries: Iterable[tuple[str, str, InputEntry]]) -> tuple[InputGroup, ...]:
    """(area, theme, entry) → groups by interest area, else by theme, in first-seen order."""
    groups: dict[str, list[InputEntry]] = {}
    for area, theme, entry in entries:
        groups.setdefault(area or theme or t("innspill.rule.alle"), []).append(entry)
    return tuple(InputGroup(h, tuple(e)) for h, e in groups.items())


def sort_attendees(people: Iterable[Attendee], sort: Sort | str) -> tuple[Attendee, ...]:
    """Region then name (the default), name, or the order they arrived in."""
    people = list(people)
    if sort == Sort.name:
        return tuple(sorted(people, key=lambda p: (nb_key(p.name), nb_key(p.place))))
    if sort == Sort.arrival:
        far = datetime.max.replace(tzinfo=OSLO)
        return tuple(sorted(people, key=lambda p: (p.arrived_at or far, nb_key(p.name))))
    return tuple(sorted(people, key=lambda p: (nb_key(p.region or p.place), nb_key(p.name))))


def attendee_name(person: Attendee) -> str:
    """The NAVN cell: the name, «vara for …» for a deputy, «(gjest)» for a non-member."""
    if person.deputy_for:
        return t("minutes_draft.vara_for", name=person.name, member=person.deputy_for)
    if person.guest:
        return t("minutes_draft.gjest", name=person.name)
    return person.name


def event_mark(mark: EventMark) -> str:
    """«(avlyst)», «(TBA)», «(TBC)» or nothing."""
    if mark == EventMark.cancelled:
        return t("minutes_draft.avlyst")
    if mark == EventMark.tba:
        return "(TBA)"
    if mark == EventMark.tbc:
        return "(TBC)"
    return ""


# --- layout: the blocks both renderers draw -------------------------------------------------

@dataclass(frozen=True)
class Heading:
    level: int  # 1 the title, 2 the sections, 3 items and regions, 4 input groups
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph: an optional bold label («Vedtak:») before user text (never interpreted)."""

    text: str
    label: str = ""
    url: str = ""  # the text is a link to this


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


Block = Heading | Para | Table | Bullets


def when_text(draft: Draft) -> str:
    """«Fredag 20. mai 2022 kl. 09.00–11.00», or the date text not yet set."""
    if draft.starts_at is None:
        return t("minutes_draft.tid_ikke_satt")
    text = span(draft.starts_at, draft.ends_at)
    return text[:1].upper() + text[1:]


def event_text(event: FutureEvent) -> str:
    """«25. mai 2022 – Webinar: …, Oslo (avlyst)»."""
    when = day_month(event.starts_at) if event.starts_at else event.date_text
    text = f"{when} – {event.title}" if when else event.title
    if event.place:
        text += f", {event.place}"
    mark = event_mark(event.mark)
    return f"{text} {mark}" if mark else text


def _attendance(a: AttendanceSection) -> list[Block]:
    header = (t("minutes_draft.navn"), t("minutes_draft.kommune_region"))
    out: list[Block] = [Heading(2, t("minutes_draft.frammotte"))]
    if a.present:
        out.append(Table(header, tuple((attendee_name(p), p.place) for p in a.present)))
    else:
        out.append(Para(t("minutes_draft.ingen_registrert")))
        if a.registered:
            out += [Para("", label=t("minutes_draft.pameldt")),
                    Table(header, tuple((attendee_name(p), p.place) for p in a.registered))]
    if a.secretariat:
        out.append(Para(join_list(a.secretariat), label=t("minutes_draft.fra_sekretariatet")))
    if a.regrets:
        out.append(Para(join_list(a.regrets), label=t("minutes_draft.forfall")))
    return out


def round_blocks(r: RoundSection) -> list[Block]:
    """The round in its summary's words: «### Region:» and the update, then «Fraværende»."""
    out: list[Block] = []
    for u in r.updates:
        note = t("round.rule.fravaerende_skriftlig_oppdatering") if u.absent else ""
        out += [Heading(3, f"{u.region}:"), *_paras(note + u.text)]
    if r.absent:
        out.append(Para(join_list(r.absent), label=t("minutes_draft.fravaerende")))
    return out


def _paras(text: str) -> list[Block]:
    # Blank lines part paragraphs; a single line break the writer typed is kept.
    return [Para(p.strip()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _inputs(s: InputSection) -> list[Block]:
    out: list[Block] = [Para("", label=t("minutes_draft.innspill", title=s.title))]
    if not s.groups:
        out.append(Para(t("innspill.rule.ingen_innspill")))
    for g in s.groups:
        out += [Heading(4, g.heading),
                Bullets(tuple(t("minutes_draft.innspill_fra", text=e.text, author=e.author)
                              if e.author else e.text for e in g.entries))]
    return out


def _future(events: Sequence[FutureEvent]) -> list[Block]:
    if not events:
        return [Para(t("minutes_draft.ingen_arrangementer"))]
    return [Bullets(tuple(event_text(e) for e in events), numbered=True)]


def _other_business(text: str) -> list[Block]:
    return _paras(text) or [Para(t("minutes_draft.ingen_saker"))]


def _item(item: ItemSection, draft: Draft) -> list[Block]:
    out: list[Block] = [Heading(3, f"{item.number}. {item.title}")]
    if item.description:
        out.append(Para(item.description))
    if item.role == ItemRole.other_business:
        return out + _other_business(item.notes)
    out += _paras(item.notes)
    if item.decision:
        out.append(Para(item.decision, label=t("minutes_draft.vedtak")))
    for r in item.rounds:
        out += round_blocks(r)
    for s in item.inputs:
        out += _inputs(s)
    if item.role == ItemRole.future:
        out += _future(draft.future)
    return out


def layout(draft: Draft) -> list[Block]:
    """The whole draft as blocks, in the seeds' order (sections 1–7 of the issue)."""
    out: list[Block] = [Heading(1, draft.title),
                        Para(when_text(draft), label=t("minutes_draft.tid")),
                        Para(draft.place or (t("minutes_draft.microsoft_teams") if draft.online
                                             else t("minutes_draft.sted_ikke_satt")),
                             label=t("minutes_draft.sted"))]
    out += [Para(d.title, url=d.url) for d in draft.documents]
    out += _attendance(draft.attendance)
    out.append(Heading(2, t("minutes_draft.saksliste")))
    if not draft.items:
        out.append(Para(t("minutes_draft.ingen_saksliste")))
    for item in draft.items:
        out += _item(item, draft)
    for r in draft.rounds:
        out += [Heading(2, t("minutes_draft.runden", topic=" ".join(r.topic.split()))),
                *round_blocks(r)]
    for s in draft.inputs:
        out += [Heading(2, t("minutes_draft.innspill_seksjon")), *_inputs(s)]
    out.append(Heading(2, t("minutes_draft.oppfolgingspunkter")))
    if draft.followups:
        out.append(Table((t("minutes_draft.hva"), t("minutes_draft.hvem"),
                          t("minutes_draft.frist")),
                         tuple((f.what, f.who, _due(f.due)) for f in draft.followups)))
    else:
        out.append(Para(t("minutes_draft.ingen_oppfolgingspunkter")))
    roles = {i.role for i in draft.items}
    if ItemRole.future not in roles:
        out += [Heading(2, t("minutes_draft.fremtidige")), *_future(draft.future)]
    if ItemRole.other_business not in roles:
        out += [Heading(2, t("minutes_draft.eventuelt")), *_other_business(draft.other_business)]
    return out


def _due(day: date) -> str:
    return day_long(day)


def headings(blocks: Iterable[Block]) -> list[tuple[int, str]]:
    """(level, text) of every heading, as a reader's outline shows them."""
    return [(b.level, b.text) for b in blocks if isinstance(b, Heading)]
