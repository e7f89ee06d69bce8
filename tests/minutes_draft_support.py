"""Seed 003 (the minutes of 20 May 2022) in the database, for the referat draft's tests: its
20 attendees in the seed's mixed word order, its 3 secretariat members, its 10 items with
their decisions and notes, the round under item 7, the group's coming events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from domain.innspill import Anonymity, InnspillStatus
from domain.meetings import MeetingFormat, MeetingStatus, RsvpAnswer
from domain.round import RoundStatus, SlotState
from storage.groups import add_membership, get_or_create_group
from storage.innspill_models import InnspillEntry, InnspillSession
from storage.meeting_models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingGroup,
    Rsvp,
)
from storage.minutes_models import Followup, MinutesField
from storage.models import Member, Role
from storage.regions import region_for_organisation, seed_regions
from storage.round_models import RoundSlot, TalkRound

FIXTURES = Path(__file__).parent / "fixtures"
GROUP = "Osloregionens faggruppe for næringssamarbeid"
ATTENDEES = [line.split("\t") for line in
             (FIXTURES / "seed003_attendance.tsv").read_text(encoding="utf-8").splitlines()]
SECRETARIAT = ("Øyvind Såtvedt", "Mari Strømsvåg", "Eva Næss Karlsen")
ROUND = (FIXTURES / "seed003_round_summary.md").read_text(encoding="utf-8")
START = datetime(2022, 5, 20, 7, 0, tzinfo=UTC)  # fredag 20. mai 2022 kl. 09.00 in Oslo
END = START + timedelta(hours=2)
TOPIC = "digitalisering og samhandling – hva gjør vi som andre kan ha glede av å vite om?"

# (number, title, description, notes, decision) as seed 003 has them.
ITEMS = (
    (1, "Godkjenning av innkalling", "", "", "Innkallingen ble godkjent"),
    (2, "Godkjenning av referat fra møtet 11. mars", "", "", "Referatet ble godkjent"),
    (3, "Osloregionens handlingsplan for 2022 - hva er status?", "",
     "Øyvind Såtvedt orienterte på vegne av sekretariatet", ""),
    (4, "Oppdatering på internasjonale profileringskampanjer 2022", "",
     "Mari Strømsvåg fra sekretariatet orienterte. Se egen presentasjon", ""),
    (5, "Innledning: Digitalisering og Industri 4.0.",
     "ved Elisabet Syverud, Instituttleder Institutt for realfag og industrisystemer, Campus "
     "Kongsberg, Universitetet i Sørøst-Norge.\n\nHun tar også spørsmål etterpå.",
     "Se egen presentasjon", ""),
    (6, "Innledning: EU Programmer og søknadskompetanse",
     "Ved Randi Johanne Hoseth, Osloregionens Europakontor.", "Se egen presentasjon.", ""),
    (7, f"Runden – tema {TOPIC}", "", "", ""),
    (8, "Orientering om prosjekt Energistasjoner for grønn næringstransport", "",
     "Sekretariatet presenter prosjekt. Se egen presentasjon", ""),
    (9, "Fremtidige arrangementer", "", "", ""),
    (10, "Eventuelt", "", "", ""),
)
# The round's updates in the seed's order; Bærum speaks in the region «Asker - Bærum».
UPDATES = ("Mosseregionen", "Asker - Bærum", "Søndre Viken", "Drammensregionen")
# (title, Oslo date, place, status) after the meeting; the last two fall outside the draft.
FUTURE = (
    ("Webinar: Digitale trusler – hvordan kan kommuner og næringslivet i Osloregionen "
     "forberede seg?", datetime(2022, 5, 25, 7, tzinfo=UTC), "", MeetingStatus.cancelled),
    ("BEST-konferansen", datetime(2022, 6, 2, 7, tzinfo=UTC), "Oslo Rådhus",
     MeetingStatus.planned),
    ("Arendalsuka", datetime(2022, 8, 18, 7, tzinfo=UTC), "", MeetingStatus.date_tba),
    ("Felles faggruppemøte Kongsvinger", datetime(2022, 8, 24, 7, tzinfo=UTC), "",
     MeetingStatus.date_tba),
    ("studietur til København for talent attraksjonsprogrammer",
     datetime(2022, 9, 22, 7, tzinfo=UTC), "", MeetingStatus.tentative),
    ("Møtet etter tolv måneder", datetime(2023, 6, 1, 7, tzinfo=UTC), "", MeetingStatus.planned),
    ("Forrige møte", datetime(2022, 3, 11, 8, tzinfo=UTC), "", MeetingStatus.held),
)


def update_of(label: str) -> str:
    """A region's update as seed 003 words it (the round summary fixture)."""
    heading = "Asker - Bærum" if label == "Asker - Bærum" else label
    return ROUND.split(f"### {heading}:\n\n", 1)[1].split("\n", 1)[0]


@dataclass
class Seed003:
    meeting_id: int
    group_id: int
    items: dict[int, int]  # number → agenda item id
    people: dict[str, int]  # name → member id
    innspill_id: int


def _member(s: Session, group: Any, name: str, org: str = "", *,
            role: Role = Role.member, i: int = 0) -> Member:
    region = region_for_organisation(s, org) if org else None
    m = Member(name=name, name_key=name.casefold(), organisation=org, role=role,
               region_id=region.id if region else None, teams_user_id=f"29:s3-{i}",
               aad_object_id=f"00000000-0000-4003-8000-{i:012d}")
    s.add(m)
    s.flush()
    add_membership(s, group, m)
    return m


def setup_seed003(engine: Any, *, with_input: bool = True) -> Seed003:
    """Seed 003's meeting as it stands when its minutes are written."""
    with Session(engine) as s:
        seed_regions(s)
        group = get_or_create_group(s, GROUP)
        people: dict[str, int] = {}
        for i, (name, org) in enumerate(ATTENDEES):
            people[name] = _member(s, group, name, org, i=i).id or 0
        for i, name in enumerate(SECRETARIAT, start=100):
            people[name] = _member(s, group, name, role=Role.secretariat, i=i).id or 0
        # Invited, not there: Follo says nothing (Fraværende), one sends regrets.
        people["Nils Fravær"] = _member(s, group, "Nils Fravær", "Follo", i=200).id or 0
        people["Guri Forfall"] = _member(s, group, "Guri Forfall", "Asker", i=201).id or 0
        meeting = Meeting(title="Faggruppemøte", starts_at=START, ends_at=END,
                          format=MeetingFormat.digital, status=MeetingStatus.held)
        s.add(meeting)
        s.flush()
        mid = meeting.id or 0
        s.add(MeetingGroup(meeting_id=mid, group_id=group.id or 0))
        s.add(MeetingDocument(meeting_id=mid, title="Presentasjoner fra møtet finner man her",
                              url="https://osloregionen.no/faggruppe/2022-05-20"))
        s.add(Rsvp(meeting_id=mid, member_id=people["Guri Forfall"], answer=RsvpAnswer.no))
        at = START
        for name, _ in ATTENDEES:
            s.add(Attendance(meeting_id=mid, member_id=people[name], name=name,
                             checked_in_at=at))
            at += timedelta(seconds=30)
        for name in SECRETARIAT:
            s.add(Attendance(meeting_id=mid, member_id=people[name], name=name,
                             checked_in_at=at))
        items: dict[int, int] = {}
        for number, title, description, notes, decision in ITEMS:
            item = AgendaItem(meeting_id=mid, number=number, title=title,
                              description=description)
            s.add(item)
            s.flush()
            items[number] = item.id or 0
            for field, value in (("notes", notes), ("decision", decision)):
                if value:
                    s.add(MinutesField(meeting_id=mid, agenda_item_id=item.id or 0, field=field,
                                       value=value, version=1, replaced_value=""))
        s.add(Followup(meeting_id=mid, agenda_item_id=items[8], what="Sende ut presentasjonene",
                       member_id=people["Mari Strømsvåg"], due_date=date(2022, 5, 27),
                       created_at=END))
        s.add(Followup(meeting_id=mid, agenda_item_id=items[6], what="Finne felles EU-søknad",
                       member_id=people["Dag Aanensen"], due_date=date(2022, 9, 1),
                       created_at=END))
        rnd = TalkRound(group_id=group.id, meeting_id=mid, agenda_item_id=None, topic=TOPIC,
                        status=RoundStatus.finished, conversation_id="19:seed003")
        s.add(rnd)
        s.flush()
        for pos, label in enumerate(UPDATES):
            s.add(RoundSlot(round_id=rnd.id or 0, position=pos, label=label,
                            state=SlotState.done, update_text=update_of(label)))
        s.add(RoundSlot(round_id=rnd.id or 0, position=len(UPDATES), label="Kongsberg",
                        state=SlotState.done))
        for title, when, place, status in FUTURE:
            other = Meeting(title=title, starts_at=when, ends_at=when + timedelta(hours=1),
                            place=place, status=status)
            s.add(other)
            s.flush()
            s.add(MeetingGroup(meeting_id=other.id or 0, group_id=group.id or 0))
        innspill_id = _innspill(s, group.id or 0, mid, items[6], people) if with_input else 0
        s.commit()
        return Seed003(mid, group.id or 0, items, people, innspill_id)


def _innspill(s: Session, group_id: int, mid: int, item_id: int, people: dict[str, int]) -> int:
    """Named input on item 6 in two interest groups: a hidden entry, a merged duplicate."""
    sess = InnspillSession(group_id=group_id, meeting_id=mid, agenda_item_id=item_id,
                           questions=json.dumps(["Hvilke EU-program passer for oss?"]),
                           areas=json.dumps(["Infrastruktur", "Kompetanse"]),
                           anonymity=Anonymity.named, status=InnspillStatus.closed, salt="00")
    s.add(sess)
    s.flush()
    sid = sess.id or 0

    def entry(area: str, text: str, who: str, **kw: Any) -> InnspillEntry:
        e = InnspillEntry(session_id=sid, area=area, text=text, author_member_id=people[who],
                          token_hash=f"{sid}-{text[:10]}", **kw)
        s.add(e)
        s.flush()
        return e

    kept = entry("Kompetanse", "Horisont Europa for klynger", "Eva Snare")
    entry("Infrastruktur", "CEF Transport for ladestasjoner", "Torstein Brandrud")
    entry("Kompetanse", "Skjult innspill", "Siri Bjørnstad", hidden=True)
    entry("Kompetanse", "Horisont Europa, for klyngene", "Camilla Håltem", merged_into_id=kept.id)
    return sid


def write_seed003_docx(target: Path) -> None:
    """Seed 003's draft as a Word file in a throw-away database (the real-client suite
    opens it in LibreOffice; its page 1 is docs/referatutkast-seed003.png)."""
    import tempfile

    from core.clock import FrozenClock
    from services.minutes_draft import build_draft, render_docx
    from storage.db import open_database

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{tmp}/seed003.db")
        seed = setup_seed003(engine)
        with Session(engine) as s:
            draft = build_draft(s, seed.meeting_id,
                                clock=FrozenClock(END + timedelta(hours=1)))
        engine.dispose()
    target.write_bytes(render_docx(draft))


if __name__ == "__main__":  # python -m tests.minutes_draft_support OUT.docx
    import sys

    write_seed003_docx(Path(sys.argv[1]))
