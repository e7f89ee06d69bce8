"""privacy: retention rules, retention runs, erasure tombstones

Revision ID: 0016
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_rule",
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("deleted", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day"),
    )
    op.create_table(
        "erased_member",
        sa.Column("aad_hash", sa.String(length=64), nullable=False),
        sa.Column("member_number", sa.Integer(), nullable=False),
        sa.Column("erased_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("aad_hash"),
    )


def downgrade() -> None:
    op.drop_table("erased_member")
    op.drop_table("retention_run")
    op.drop_table("retention_rule")
