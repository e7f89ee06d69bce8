"""languages: a member's chosen language, a group's channel language

Revision ID: 0024
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
    with op.batch_alter_table("working_group") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=False,
                                   server_default="nb"))


def downgrade() -> None:
    with op.batch_alter_table("working_group") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("language")
