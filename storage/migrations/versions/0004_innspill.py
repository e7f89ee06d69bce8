"""innspill

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 01:53:28.010493
"""

from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('innspill_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('areas', sa.Text(), nullable=False),
    sa.Column('max_entries', sa.Integer(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('votes_per_member', sa.Integer(), nullable=False),
    sa.Column('anonymity', sa.String(length=20), nullable=False),
    sa.Column('live_results', sa.Boolean(), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deadline', storage.types.UTCDateTime(), nullable=True),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('service_url', sa.String(length=400), nullable=False),
    sa.Column('live_conversation_id', sa.String(length=400), nullable=False),
    sa.Column('live_activity_id', sa.String(length=200), nullable=False),
    sa.Column('live_updated_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('live_dirty', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['member.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('innspill_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('question_no', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_member_id', sa.Integer(), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['innspill_entry.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['innspill_session.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('innspill_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_innspill_entry_session_id'), ['session_id'], unique=False)

    op.create_table('innspill_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('votes_used', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['innspill_session.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'member_id', name='uq_innspill_participant')
    )
    with op.batch_alter_table('innspill_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_innspill_participant_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('innspill_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_innspill_participant_session_id'))

    op.drop_table('innspill_participant')
    with op.batch_alter_table('innspill_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_innspill_entry_session_id'))

    op.drop_table('innspill_entry')
    op.drop_table('innspill_session')
