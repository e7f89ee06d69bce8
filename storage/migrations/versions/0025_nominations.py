"""nominations: people put forward for a group, decided by the secretariat

Revision ID: 0025
Revises: 0020
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0025"
down_revision = "0026"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("name_key", _TEXT(length=200), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=False),
        sa.Column("organisation", _TEXT(length=200), nullable=False),
        sa.Column("role_there", _TEXT(length=200), nullable=False),
        sa.Column("replaces_member_id", sa.Integer(), nullable=True),
        sa.Column("nominator_member_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", _TEXT(length=200), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_member_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", _TEXT(length=200), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("welcome", sa.String(length=10), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["working_group.id"]),
        sa.ForeignKeyConstraint(["replaces_member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["nominator_member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["decided_by_member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nomination_group_id", "nomination", ["group_id"])
    op.create_index("ix_nomination_email", "nomination", ["email"])
    op.create_index("ix_nomination_status", "nomination", ["status"])
    op.create_index("ix_nomination_nominator_member_id", "nomination", ["nominator_member_id"])
    op.create_index("ix_nomination_member_id", "nomination", ["member_id"])
    op.create_index("uq_nomination_open", "nomination", ["group_id", "email"], unique=True,
                    sqlite_where=sa.text("status = 'submitted'"),
                    postgresql_where=sa.text("status = 'submitted'"))


def downgrade() -> None:
    op.drop_index("uq_nomination_open", table_name="nomination")
    for column in ("member_id", "nominator_member_id", "status", "email", "group_id"):
        op.drop_index(f"ix_nomination_{column}", table_name="nomination")
    op.drop_table("nomination")
