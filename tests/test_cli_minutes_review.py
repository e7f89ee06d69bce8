"""`minutes circulate|version|versions|upload` and `export minutes`: versions from the notes
and from an edited Word file, and bad input (unknown meeting, circulating twice, nobody
present, a past deadline, a file that is not .docx, PDF without LibreOffice) that gives a
Norwegian message and stores nothing."""

from __future__ import annotations

import asyncio
import io
import os
import stat
from datetime import UTC, datetime

import docx
import pytest
from sqlmodel import Session, func, select

import cli
from cli import CliContext
from core.settings import Settings
from services import minutes
from storage import attendance
from storage.delivery_models import Delivery
from storage.minutes_review_models import MinutesRecipient, MinutesReview, MinutesVersion
from storage.models import Member
from tests.minutes_support import setup_meeting

AFTER = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def ctx(db_url, clock):
    clock.set(AFTER)
    return CliContext(settings=Settings.model_validate({"DATABASE_URL": db_url,
                                                        "ICS_SECRET": "s"}), clock=clock)


@pytest.fixture
async def meeting(ctx, connector) -> tuple[list[int], int]:
    ids, mid, _items = setup_meeting(ctx.engine, connector.url)
    with Session(ctx.engine) as s:
        for member_id in ids[:3]:
            member = s.get(Member, member_id)
            assert member is not None
            attendance.check_in(s, mid, member, AFTER)
        minutes.write_note(s, mid, 3, text="Notatene fra møtet.", decision=None, append=False,
                           now=AFTER)
        s.commit()
    return ids, mid


async def run(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    """The command in a thread (circulate delivers with its own event loop)."""
    code = await asyncio.to_thread(cli.main, list(argv), ctx)
    out, err = capsys.readouterr()
    return code, out, err


def _count(ctx, model) -> int:
    with Session(ctx.engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _word(text: str) -> bytes:
    document = docx.Document()
    document.add_heading("Referat fra møtet", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_circulate_prints_the_version_and_queues_one_card_per_person_present(
        ctx, capsys, meeting) -> None:
    _ids, mid = meeting
    code, out, err = await run(ctx, capsys, "minutes", "circulate", str(mid))
    assert code == 0 and out == "1\n"
    assert "sendes til høring til 3 mottakere, frist fredag 8. september 2023 kl. 23.59" in err
    assert _count(ctx, MinutesRecipient) == 3
    with Session(ctx.engine) as s:
        rows = s.exec(select(Delivery).where(Delivery.purpose == "minutes_circulation")).all()
    assert len(rows) == 3
    code, out, err = await run(ctx, capsys, "minutes", "versions", str(mid))
    assert out.split("\t")[:3] == ["1", "til høring", "notes"]


async def test_circulating_twice_is_refused_and_adds_nothing(ctx, capsys, meeting) -> None:
    _ids, mid = meeting
    assert (await run(ctx, capsys, "minutes", "circulate", str(mid), "--to", "all"))[0] == 0
    before = (_count(ctx, MinutesVersion), _count(ctx, Delivery), _count(ctx, MinutesRecipient))
    code, out, err = await run(ctx, capsys, "minutes", "circulate", str(mid))
    assert code == 1 and out == ""
    assert "allerede sendt til høring (versjon 1, frist fredag 8. september 2023" in err
    assert "Traceback" not in err
    after = (_count(ctx, MinutesVersion), _count(ctx, Delivery), _count(ctx, MinutesRecipient))
    assert after == before and before[2] == 42


async def test_unknown_meeting_nobody_present_and_a_past_deadline_store_nothing(
        ctx, capsys, meeting) -> None:
    _ids, mid = meeting
    code, out, err = await run(ctx, capsys, "minutes", "circulate", "999")
    assert (code, out) == (1, "") and "Fant ikke møte 999." in err
    code, _out, err = await run(ctx, capsys, "minutes", "circulate", str(mid), "--deadline",
                          "31.08.2023")
    assert code == 1 and "Fristen er allerede passert" in err
    code, _out, err = await run(ctx, capsys, "minutes", "circulate", str(mid),
                                "--deadline", "i morgen")
    assert code == 1 and "--deadline:" in err
    for verb in ("version", "versions"):
        code, _out, err = await run(ctx, capsys, "minutes", verb, "999")
        assert code == 1 and "Fant ikke møte 999." in err
    assert (_count(ctx, MinutesVersion), _count(ctx, MinutesReview), _count(ctx, Delivery)) == \
        (0, 0, 0)


async def test_nobody_checked_in_or_answering_yes_is_refused_with_a_hint(ctx, capsys,
                                                                       connector) -> None:
    _ids, mid, _items = setup_meeting(ctx.engine, connector.url)
    code, _out, err = await run(ctx, capsys, "minutes", "circulate", str(mid))
    assert code == 1 and "Bruk «--to all»" in err
    assert _count(ctx, MinutesVersion) == 0


async def test_upload_of_an_edited_word_file_is_the_next_version_byte_for_byte(
        ctx, capsys, meeting, tmp_path) -> None:
    _ids, mid = meeting
    assert (await run(ctx, capsys, "minutes", "version", str(mid)))[1] == "1\n"
    edited = _word("Sekretariatets egne endringer i Word.")
    path = tmp_path / "referat.docx"
    path.write_bytes(edited)
    code, out, _err = await run(ctx, capsys, "minutes", "upload", str(mid), str(path))
    assert (code, out) == (0, "2\n")
    with Session(ctx.engine) as s:
        v2 = s.exec(select(MinutesVersion).where(MinutesVersion.number == 2)).one()
    assert v2.docx == edited and v2.source == "upload"
    assert v2.markdown == "# Referat fra møtet\n\nSekretariatets egne endringer i Word.\n"
    # What is circulated is the uploaded version, not a fresh one from the notes.
    assert (await run(ctx, capsys, "minutes", "circulate", str(mid)))[1] == "2\n"
    code, out, _err = await run(ctx, capsys, "export", "minutes", str(mid), "--version", "2",
                          "--format", "md")
    assert out == v2.markdown


async def test_a_file_that_is_not_docx_is_refused_and_stores_nothing(ctx, capsys, meeting,
                                                                tmp_path) -> None:
    _ids, mid = meeting
    for name, data in (("referat.docx", b"%PDF-1.4 not a word file"),
                       ("referat.zip", _zip_without_document())):
        path = tmp_path / name
        path.write_bytes(data)
        code, out, err = await run(ctx, capsys, "minutes", "upload", str(mid), str(path))
        assert (code, out) == (1, "") and "Filen er ikke et Word-dokument (.docx)" in err
    missing = str(tmp_path / "nei.docx")
    code, _out, err = await run(ctx, capsys, "minutes", "upload", str(mid), missing)
    assert code == 1 and "Kan ikke lese" in err
    assert (_count(ctx, MinutesVersion), _count(ctx, MinutesReview)) == (0, 0)


def _zip_without_document() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hei")
    return out.getvalue()


async def test_pdf_without_libreoffice_is_a_clear_message(ctx, capsys, meeting, monkeypatch,
                                                    tmp_path) -> None:
    _ids, mid = meeting
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice here
    code, out, err = await run(ctx, capsys, "export", "minutes", str(mid), "--format", "pdf")
    assert (code, out) == (1, "")
    assert "PDF krever LibreOffice, og det er ikke installert her" in err


async def test_pdf_goes_through_libreoffice_with_a_throwaway_profile(ctx, capsys, meeting,
                                                               monkeypatch, tmp_path) -> None:
    _ids, mid = meeting
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    log = tmp_path / "args.txt"
    # A stand-in that does what LibreOffice does: the PDF beside the source, in --outdir.
    fake.write_text("#!/bin/sh\n"
                    f'echo "$@" > {log}\n'
                    'while [ "$1" != "--outdir" ]; do shift; done\n'
                    'printf "%%PDF-1.7 fake" > "$2/referat.pdf"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    out_file = tmp_path / "referat.pdf"
    code, _out, _err = await run(ctx, capsys, "export", "minutes", str(mid), "--format", "pdf",
                           "--output", str(out_file))
    assert code == 0 and out_file.read_bytes() == b"%PDF-1.7 fake"
    args = log.read_text(encoding="utf-8")
    assert "-env:UserInstallation=file:///" in args and "--convert-to pdf" in args
