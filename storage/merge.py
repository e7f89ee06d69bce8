"""Merging a duplicate member into the one kept, driven by the privacy walker.

Every reference the walker finds (each foreign key to `member`, the registered JSON id
columns) is moved from FRA to TIL. Where a unique key would then hold two rows, one rule
per table decides: the ledger keeps both (FRA's row stays as history), attendance is kept
once (the earliest check-in), otherwise the newer row wins (by the table's time column,
else the higher id). Copies of names in old rows are history and stay as they were.
FRA is kept as an inactive row pointing at TIL (`merged_into_id`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, UniqueConstraint, and_, delete, select, update
from sqlmodel import Session, SQLModel

from storage.delivery_models import Delivery
from storage.members import AliasTaken, add_alias
from storage.models import Member
from storage.privacy import MEMBER_TABLE, member_references

# The column that says which of two clashing rows is newer (the newer one is kept).
NEWER_BY = {"rsvp": "answered_at", "reminder_mute": "muted_at"}
# Clashing rows kept once, the earliest: being present is a fact, whoever recorded it first.
KEEP_EARLIEST = {"attendance": "checked_in_at"}
# Clashing rows that stay with FRA as history (what was sent to whom, under which id).
HISTORY = {"delivery"}
# Member fields TIL takes from FRA when it has none of its own.
FILLED = ("email", "phone", "upn", "teams_user_id", "tenant_id", "organisation", "region_id",
          "deputy_member_id")


@dataclass
class MergeResult:
    moved: int = 0  # rows now pointing at TIL
    dropped: int = 0  # clashing rows removed (the other one kept)
    kept: int = 0  # ledger rows left on FRA as history
    alias: bool = False  # FRA's name kept as a spelling of TIL


def _tables() -> dict[str, Table]:
    return dict(SQLModel.metadata.tables)


def _uniques(table: Table, column: str) -> list[list[str]]:
    """Every unique key of the table that contains `column` (the primary key included)."""
    keys = [[c.name for c in table.primary_key.columns]]
    keys += [[c.name for c in con.columns] for con in table.constraints
             if isinstance(con, UniqueConstraint)]
    keys += [[c.name for c in ix.columns] for ix in table.indexes if ix.unique]
    return [k for k in keys if column in k]


def _identity(table: Table, row: Any) -> Any:
    return and_(*(table.c[c.name] == row._mapping[c.name] for c in table.primary_key.columns))


def _repoint_rows(session: Session, table: Table, dropped: Any, kept: Any) -> None:
    """Rows elsewhere that point at a dropped row follow the one kept."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1:
        return
    for other in _tables().values():
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.column.name == pk[0].name:
                session.execute(update(other).where(fk.parent == dropped._mapping[pk[0].name])
                                .values({fk.parent.name: kept._mapping[pk[0].name]}))


def _fra_wins(table: Table, fra_row: Any, til_row: Any) -> bool:
    if table.name in KEEP_EARLIEST:
        col = KEEP_EARLIEST[table.name]
        return bool(fra_row._mapping[col] < til_row._mapping[col])
    newer = NEWER_BY.get(table.name)
    if newer is None:
        pk = list(table.primary_key.columns)
        if len(pk) != 1:
            return False  # a pure link row (membership): the two are the same fact
        newer = pk[0].name
    return bool(fra_row._mapping[newer] > til_row._mapping[newer])


def _move_column(session: Session, table: Table, column: str, fra: int, til: int,
                 result: MergeResult) -> None:
    c = table.c[column]
    uniques = _uniques(table, column)
    if not uniques:
        result.moved += session.execute(  # type: ignore[attr-defined]
            update(table).where(c == fra).values({column: til})).rowcount or 0
        return
    for row in session.execute(select(table).where(c == fra)).all():
        clash = None
        for key in uniques:
            same = [table.c[k] == row._mapping[k] for k in key if k != column]
            clash = session.execute(select(table).where(c == til, *same)).first()
            if clash is not None:
                break
        if clash is None:
            session.execute(update(table).where(_identity(table, row)).values({column: til}))
            result.moved += 1
        elif table.name in HISTORY:
            result.kept += 1
            if table.name == Delivery.__tablename__:
                # TIL has its own row for this send-out: FRA's must not reach TIL's chat too.
                session.execute(update(table).where(_identity(table, row),
                                                    table.c.status == "pending")
                                .values(status="cancelled"))
        elif _fra_wins(table, row, clash):
            _repoint_rows(session, table, clash, row)
            session.execute(delete(table).where(_identity(table, clash)))
            session.execute(update(table).where(_identity(table, row)).values({column: til}))
            result.moved += 1
            result.dropped += 1
        else:
            _repoint_rows(session, table, row, clash)
            session.execute(delete(table).where(_identity(table, row)))
            result.dropped += 1


def _swap_ids(value: Any, fra: int, til: int, in_member_key: bool = False) -> Any:
    """FRA's id replaced by TIL's in a list of member ids or under a `…member_id` key."""
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            v = til if v == fra and isinstance(v, int) else _swap_ids(v, fra, til)
            if v not in out or not isinstance(v, int):
                out.append(v)
        return out
    if isinstance(value, dict):
        return {k: (til if k.endswith("member_id") and v == fra
                    else _swap_ids(v, fra, til) if k.endswith("member_ids") else v)
                for k, v in value.items()}
    return value


def _move_json(session: Session, table: Table, column: str, fra: int, til: int,
               result: MergeResult) -> None:
    c = table.c[column]
    for row in session.execute(select(table).where(c.contains(str(fra)))).all():
        try:
            data = json.loads(row._mapping[column])
        except (TypeError, ValueError):
            continue
        swapped = _swap_ids(data, fra, til)
        if swapped != data:
            session.execute(update(table).where(_identity(table, row))
                            .values({column: json.dumps(swapped)}))
            result.moved += 1


def _self_references() -> list[str]:
    """Columns of `member` that point at a member (the standing deputy, merged_into)."""
    table = _tables()[MEMBER_TABLE]
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def merge(session: Session, fra: int, til: int, now: datetime) -> MergeResult:
    """Move everything of member FRA to TIL (see the module docstring); FRA stays, inactive."""
    source, target = session.get(Member, fra), session.get(Member, til)
    if source is None or target is None or fra == til:
        raise LookupError(fra if source is None else til)
    result = MergeResult()
    session.flush()
    tables = _tables()
    for ref in member_references():
        if ref.how == "fk":
            _move_column(session, tables[ref.table], ref.column, fra, til, result)
        elif ref.how == "ids_json":
            _move_json(session, tables[ref.table], ref.column, fra, til, result)
    member_table = tables[MEMBER_TABLE]
    for column in _self_references():
        result.moved += session.execute(  # type: ignore[attr-defined]
            update(member_table).where(member_table.c[column] == fra, member_table.c.id != fra)
            .values({column: til})).rowcount or 0
    session.refresh(source)
    session.refresh(target)
    for name in FILLED:
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
    if target.deputy_member_id in (fra, til):
        target.deputy_member_id = None
    aad = source.aad_object_id
    if aad and not target.aad_object_id:
        source.aad_object_id = None  # unique: off FRA before it goes onto TIL
        session.add(source)
        session.flush()
        target.aad_object_id = aad
    target.active = target.active or source.active
    target.updated_at = now
    session.add(target)
    session.flush()
    try:
        result.alias = add_alias(session, target, source.name, now)
    except AliasTaken:
        result.alias = False  # the spelling already names a third member: leave it
    # FRA stays as the owner of the history rows; imports and identity never match it.
    source.merged_into_id, source.name_key = til, ""
    source.email = source.upn = source.teams_user_id = None
    source.active = source.reachable = False
    source.deputy_member_id = None
    source.updated_at = now
    session.add(source)
    session.flush()
    return result
