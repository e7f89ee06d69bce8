"""attendance: the member a deputy stood in for («vara for …», issue 16)

Revision ID: 0017
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("deputy_for_member_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_attendance_deputy_for_member", "member",
                                 ["deputy_for_member_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.drop_constraint("fk_attendance_deputy_for_member", type_="foreignkey")
        batch.drop_column("deputy_for_member_id")
