"""profile: members' own changes (for the secretariat's digest) and the yearly check

Revision ID: 0026
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.String(length=100), nullable=False),
        sa.Column("changed_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_profile_change_digest_day", "profile_change", ["digest_day"])
    op.create_index("ix_profile_change_member_id", "profile_change", ["member_id"])
    op.create_table(
        "profile_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("asked_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("reminded_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("confirmed_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("confirmed_how", sa.String(length=10), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "year"),
    )
    op.create_index("ix_profile_check_member_id", "profile_check", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_profile_check_member_id", table_name="profile_check")
    op.drop_table("profile_check")
    op.drop_index("ix_profile_change_member_id", table_name="profile_change")
    op.drop_index("ix_profile_change_digest_day", table_name="profile_change")
    op.drop_table("profile_change")
