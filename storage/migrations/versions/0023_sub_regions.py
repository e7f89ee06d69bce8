"""sub-regions: the regions file's sub-regions and organisations, a region's sub-region

Revision ID: 0023
Revises: 0020
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0023"
down_revision = "0020"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "sub_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("name_key", _TEXT(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "sub_region_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", _TEXT(length=200), nullable=False),
        sa.Column("org_key", _TEXT(length=200), nullable=False),
        sa.Column("sub_region_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sub_region_id"], ["sub_region.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_key"),
    )
    op.create_index("ix_sub_region_organisation_sub_region_id", "sub_region_organisation",
                    ["sub_region_id"])
    if op.get_bind().dialect.name == "sqlite":
        # A batch copy of `region` would drop a table others point at; SQLite's ADD COLUMN
        # takes the reference inline.
        op.execute("ALTER TABLE region ADD COLUMN sub_region_id INTEGER "
                   "REFERENCES sub_region (id)")
    else:
        op.add_column("region", sa.Column(
            "sub_region_id", sa.Integer(),
            sa.ForeignKey("sub_region.id", name="fk_region_sub_region_id"), nullable=True))
    op.create_index("ix_region_sub_region_id", "region", ["sub_region_id"])
    # The default content is loaded after the migrations (storage/subregions.seed_default),
    # on every start while the table is empty, so a truncated test database gets it too.


def downgrade() -> None:
    op.drop_index("ix_region_sub_region_id", table_name="region")
    with op.batch_alter_table("region") as batch_op:
        batch_op.drop_column("sub_region_id")
    op.drop_index("ix_sub_region_organisation_sub_region_id",
                  table_name="sub_region_organisation")
    op.drop_table("sub_region_organisation")
    op.drop_table("sub_region")
