"""delivery meeting: the meeting a ledger row is about, for retention after the meeting

Revision ID: 0020
Revises: 0018
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None

# Subjects written before this column, and where each one's meeting is found.
_SUBJECT = re.compile(r"(meeting|minutes|followup|innspill):(\d+)")
_MEETING_OF = {
    "meeting": "SELECT id FROM meeting WHERE id = :n",
    "minutes": "SELECT id FROM meeting WHERE id = :n",
    "followup": "SELECT meeting_id FROM followup WHERE id = :n",
    "innspill": "SELECT meeting_id FROM innspill_session WHERE id = :n",
}


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_delivery_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key("fk_delivery_meeting_id_meeting", "meeting", ["meeting_id"],
                                    ["id"])
    # Rows already in the ledger get their meeting from their subject, so retention counts
    # from the meeting for them too; the rest keep counting from when they were written.
    conn = op.get_bind()
    found: dict[tuple[str, int], int | None] = {}
    for row_id, subject in conn.execute(sa.text("SELECT id, subject FROM delivery")).all():
        match = _SUBJECT.match(subject)
        if match is None:
            continue
        key = (match.group(1), int(match.group(2)))
        if key not in found:
            found[key] = conn.execute(sa.text(_MEETING_OF[key[0]]), {"n": key[1]}).scalar()
        if found[key] is not None:
            conn.execute(sa.text("UPDATE delivery SET meeting_id = :m WHERE id = :id"),
                         {"m": found[key], "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint("fk_delivery_meeting_id_meeting", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_delivery_meeting_id"))
        batch_op.drop_column("meeting_id")
