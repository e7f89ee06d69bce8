"""graph calls and outlook events: each Graph request a row; a meeting's Outlook event

Revision ID: 0014
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('graph_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('transaction_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('throttled', sa.Integer(), nullable=False),
    sa.Column('in_doubt', sa.Integer(), nullable=False),
    sa.Column('last_http_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('lease_until', storage.types.UTCDateTime(), nullable=True),
    sa.Column('next_attempt_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'key', name='uq_graph_call_key')
    )
    with op.batch_alter_table('graph_call', schema=None) as batch_op:
        batch_op.create_index('ix_graph_call_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_graph_call_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('outlook_event',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('wanted', sa.Boolean(), nullable=True),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('ical_uid', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('join_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('web_link', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sent', sa.Text(), nullable=False),
    sa.Column('text_patched_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('answers_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('meeting_id')
    )


def downgrade() -> None:
    op.drop_table('outlook_event')
    with op.batch_alter_table('graph_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graph_call_meeting_id'))
        batch_op.drop_index('ix_graph_call_due')

    op.drop_table('graph_call')
