"""Tables of the sub-regions (delregioner): the regions file as the database keeps it."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class SubRegion(SQLModel, table=True):
    """One sub-region named in the regions file, in the file's order."""

    __tablename__ = "sub_region"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True)
    position: int = Field(default=0)


class SubRegionOrganisation(SQLModel, table=True):
    """One row of the regions file: an organisation and its sub-region (None: «-», in none)."""

    __tablename__ = "sub_region_organisation"
    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(max_length=200)
    org_key: str = Field(max_length=200, unique=True)
    sub_region_id: int | None = Field(default=None, foreign_key="sub_region.id", index=True)
    position: int = Field(default=0)
