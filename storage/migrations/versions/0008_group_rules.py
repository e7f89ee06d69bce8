"""group rules: a working group's changes to the scheduling rules

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("working_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("working_group", schema=None) as batch_op:
        batch_op.drop_column("rules")
