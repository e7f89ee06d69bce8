"""meeting events and attendance report: answer source, join/leave/seconds, the online meeting

Revision ID: 0019
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0019"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rsvp") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=False,
                                   server_default="teams"))
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("attendee_key", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("first_join_at", storage.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_leave_at", storage.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("seconds_present", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_attendance_key", ["meeting_id", "attendee_key"])
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("started_at", storage.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("ended_at", storage.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("outlook_event") as batch:
        batch.add_column(sa.Column("online_meeting_id", sa.String(length=400), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("chat_id", sa.String(length=400), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("chat_installed_at", storage.types.UTCDateTime(),
                                   nullable=True))
        batch.add_column(sa.Column("report_read_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outlook_event") as batch:
        for name in ("report_read_at", "chat_installed_at", "chat_id", "online_meeting_id"):
            batch.drop_column(name)
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("ended_at")
        batch.drop_column("started_at")
    with op.batch_alter_table("attendance") as batch:
        batch.drop_constraint("uq_attendance_key", type_="unique")
        for name in ("seconds_present", "last_leave_at", "first_join_at", "attendee_key"):
            batch.drop_column(name)
    with op.batch_alter_table("rsvp") as batch:
        batch.drop_column("source")
