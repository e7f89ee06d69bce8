"""Reading member lists: seed 000's invitee TSV (name/region pairs) or a CSV with a header."""

from __future__ import annotations

import csv
import enum
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from core.i18n import t
from core.os_errors import os_error_text
from domain.names import collapse_spaces


class Role(enum.StrEnum):
    secretariat = "secretariat"
    member = "member"
    guest = "guest"


ROLE_WORDS = {
    "secretariat": Role.secretariat,
    "sekretariat": Role.secretariat,
    "sekretariatet": Role.secretariat,
    "member": Role.member,
    "medlem": Role.member,
    "guest": Role.guest,
    "gjest": Role.guest,
}
HEADER_WORDS = {
    "name": "name", "navn": "name",
    "organisation": "organisation", "organization": "organisation",
    "organisasjon": "organisation", "kommune": "organisation", "region": "organisation",
    "kommune / region": "organisation", "kommune/region": "organisation",
    "email": "email", "e-mail": "email", "e-post": "email", "epost": "email",
    "role": "role", "rolle": "role",
    "group": "group", "gruppe": "group", "faggruppe": "group",
}  # fmt: skip


# Deliberately loose: it catches a name or a missing «@» in the e-mail column, not RFC 5322.
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


class ImportFileError(Exception):
    """The file cannot be read or holds no members; the message is Norwegian."""


@dataclass(frozen=True)
class ImportRow:
    name: str
    organisation: str = ""
    email: str | None = None
    role: Role | None = None
    group: str | None = None
    line: int = 0


def parse_role(text: str) -> Role | None:
    """Role from English or Norwegian words; None when the word is unknown."""
    return ROLE_WORDS.get(text.strip().casefold())


def read_text(path: str | Path) -> str:
    """File text: UTF-8 (with or without BOM), else Windows-1252 as older Excel writes it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(t("members.rule.kunne_ikke_lese_2", path=path,
                                os_error_text=os_error_text(exc))) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _csv_header(line: str) -> tuple[str, list[str]] | None:
    """(delimiter, field names) when the line is a CSV header with a name column."""
    delimiter = ";" if line.count(";") > line.count(",") else ","
    cells = next(csv.reader([line], delimiter=delimiter))
    fields = [HEADER_WORDS.get(collapse_spaces(c).casefold(), "") for c in cells]
    return (delimiter, fields) if "name" in fields else None


def _parse_csv(text: str, delimiter: str, fields: list[str]) -> tuple[list[ImportRow], list[str]]:
    rows: list[ImportRow] = []
    warnings: list[str] = []
    bad_emails: list[str] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader)  # the header, already read
    for cells in reader:
        values: dict[str, str] = {}
        for field, cell in zip(fields, cells, strict=False):
            if field:
                values[field] = collapse_spaces(cell)
        line = reader.line_num
        if not any(values.values()):
            continue
        if not values.get("name"):
            warnings.append(t("members.rule.linje_mangler_navn", line=line))
            continue
        if values.get("email") and not _EMAIL.match(values["email"]):
            bad_emails.append(t("members.rule.linje_er_ikke", line=line, values=values['email']))
        role = parse_role(values.get("role", ""))
        if values.get("role") and role is None:
            warnings.append(t("members.rule.linje_ukjent_rolle", line=line, values=values['role']))
        rows.append(ImportRow(
            name=values["name"], organisation=values.get("organisation", ""),
            email=values.get("email") or None, role=role,
            group=values.get("group") or None, line=line,
        ))  # fmt: skip
    if bad_emails:
        raise ImportFileError("; ".join(bad_emails) + t("members.rule.rett_filen_ingenting"))
    return rows, warnings


def _parse_pairs(text: str) -> list[ImportRow]:
    """Tab-separated name/organisation pairs, any number per line; other lines ignored."""
    rows: list[ImportRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" not in line:
            continue  # headings such as "Innkalt:", blank lines
        cells = [collapse_spaces(c) for c in line.split("\t")]
        for i in range(0, len(cells), 2):
            name = cells[i]
            organisation = cells[i + 1] if i + 1 < len(cells) else ""
            if name and name.casefold() not in ("navn", "name"):
                rows.append(ImportRow(name=name, organisation=organisation, line=number))
    return rows


def parse_members(text: str) -> tuple[list[ImportRow], list[str]]:
    """Detect the format and parse; returns rows and Norwegian warnings."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = _csv_header(first) if "\t" not in first else None
    if header is not None:
        start = text.index(first)
        rows, warnings = _parse_csv(text[start:], *header)
    else:
        rows, warnings = _parse_pairs(text), []
    if not rows:
        raise ImportFileError(
            t("members.rule.fant_ingen_medlemmer")
        )
    return rows, warnings


def read_members(path: str | Path) -> tuple[list[ImportRow], list[str]]:
    """Read and parse a member file."""
    return parse_members(read_text(path))


class FieldError(ValueError):
    """A value given for one member field is not valid; the message is Norwegian."""


def parse_email(text: str) -> str:
    """The address trimmed; FieldError when it is not an e-mail address."""
    value = text.strip()
    if not _EMAIL.match(value):
        raise FieldError(t("members.rule.ikke_en_epostadresse", value=value))
    return value


_PHONE_NOISE = re.compile(r"[\s().\-]")


def parse_phone(text: str) -> str:
    """A phone number as +<country><number>: 8 digits are Norwegian; FieldError otherwise."""
    value = _PHONE_NOISE.sub("", text.strip())
    if value.startswith("00"):
        value = "+" + value[2:]
    if value.isdigit() and len(value) == 8:
        return "+47" + value
    if value.startswith("+") and value[1:].isdigit() and 8 <= len(value) - 1 <= 15:
        return value
    raise FieldError(t("members.rule.ikke_et_telefonnummer", value=text.strip()))


_TAGS = re.compile(r"<[^<>]{0,200}>")
_BREAKS = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)


def pasted_text(text: str) -> str:
    """A chat message's text as lines: Teams' <br>, </p> and </div> become line breaks."""
    text = _BREAKS.sub("\n", text)
    return html.unescape(_TAGS.sub("", text))


def parse_pasted(text: str) -> list[ImportRow]:
    """One person per line, as pasted in chat: «navn; kommune; e-post» (tab, «;» or «,»
    between the fields; the e-post is optional). A header line is read as in a file."""
    lines = [collapse_spaces(line) if "\t" not in line else line.strip()
             for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and _csv_header(lines[0]) is not None:
        return parse_members("\n".join(lines))[0]
    rows: list[ImportRow] = []
    bad: list[str] = []
    for number, line in enumerate(lines, start=1):
        sep = next((s for s in ("\t", ";", ",") if s in line), None)
        cells = [collapse_spaces(c) for c in line.split(sep)] if sep else [line]
        email = next((c for c in cells[1:] if "@" in c), None)
        if email is not None and not _EMAIL.match(email):
            bad.append(t("members.rule.linje_er_ikke", line=number, values=email))
        rest = [c for c in cells[1:] if c and c != email]
        rows.append(ImportRow(name=cells[0], organisation=rest[0] if rest else "",
                              email=email, line=number))
    if bad:
        raise ImportFileError("; ".join(bad) + t("members.rule.rett_filen_ingenting"))
    if not rows:
        raise ImportFileError(t("members.rule.fant_ingen_medlemmer"))
    return rows
