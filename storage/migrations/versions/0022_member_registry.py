"""member registry: phone, standing deputy, merged duplicates, name aliases, near-match candidates

Revision ID: 0022
Revises: 0024
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0022"
down_revision = "0024"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "member_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("alias_key", _TEXT(length=200), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alias_key"),
    )
    op.create_index("ix_member_alias_member_id", "member_alias", ["member_id"])
    op.create_table(
        "member_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("name_key", _TEXT(length=200), nullable=False),
        sa.Column("organisation", _TEXT(length=200), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=True),
        sa.Column("role", _TEXT(length=20), nullable=True),
        sa.Column("group_name", _TEXT(length=200), nullable=True),
        sa.Column("source", _TEXT(length=400), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("similar_ids", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolved_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["resolved_member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_candidate_name_key", "member_candidate", ["name_key"])
    op.create_index("ix_member_candidate_status", "member_candidate", ["status"])
    op.add_column("member", sa.Column("phone", _TEXT(length=20), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # A batch copy of `member` would drop the table every other table points at, which
        # SQLite refuses with foreign keys on; its ADD COLUMN takes the reference inline.
        for column in ("deputy_member_id", "merged_into_id"):
            op.execute(f"ALTER TABLE member ADD COLUMN {column} INTEGER REFERENCES member (id)")
    else:
        for column in ("deputy_member_id", "merged_into_id"):
            op.add_column("member", sa.Column(
                column, sa.Integer(), sa.ForeignKey("member.id", name=f"fk_member_{column}"),
                nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("deputy_member_id")
        batch_op.drop_column("phone")
    op.drop_index("ix_member_candidate_status", table_name="member_candidate")
    op.drop_index("ix_member_candidate_name_key", table_name="member_candidate")
    op.drop_table("member_candidate")
    op.drop_index("ix_member_alias_member_id", table_name="member_alias")
    op.drop_table("member_alias")
