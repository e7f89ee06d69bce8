"""sendout finished: when the last recipient of a send-out got a final status

Revision ID: 0013
Revises: 0008
"""

import sqlalchemy as sa

import storage.types
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sendout", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finished_at", storage.types.UTCDateTime(), nullable=True))
    # Send-outs from before this column are over: do not announce them all as finished now.
    op.execute("UPDATE sendout SET finished_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("sendout", schema=None) as batch_op:
        batch_op.drop_column("finished_at")
