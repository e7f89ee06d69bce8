"""minutes: notes and decisions per agenda item, follow-ups, the referent's position;
innspill sessions and rounds tied to an agenda item

Revision ID: 0010
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('done_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('done_by_member_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], ),
    sa.ForeignKeyConstraint(['created_by_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['done_by_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_status'), ['status'], unique=False)

    op.create_table('minutes_cursor',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('minutes_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_by_member_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('replaced_value', sa.Text(), nullable=False),
    sa.Column('replaced_by_member_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], ),
    sa.ForeignKeyConstraint(['changed_by_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['replaced_by_member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agenda_item_id', 'field', name='uq_minutes_field')
    )
    with op.batch_alter_table('minutes_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_field_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('innspill_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_innspill_session_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_innspill_session_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key('fk_innspill_session_meeting', 'meeting', ['meeting_id'], ['id'])
        batch_op.create_foreign_key('fk_innspill_session_agenda_item', 'agenda_item', ['agenda_item_id'], ['id'])

    with op.batch_alter_table('talk_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_talk_round_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_foreign_key('fk_talk_round_agenda_item', 'agenda_item', ['agenda_item_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('talk_round', schema=None) as batch_op:
        batch_op.drop_constraint('fk_talk_round_agenda_item', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_talk_round_agenda_item_id'))
        batch_op.drop_column('agenda_item_id')

    with op.batch_alter_table('innspill_session', schema=None) as batch_op:
        batch_op.drop_constraint('fk_innspill_session_agenda_item', type_='foreignkey')
        batch_op.drop_constraint('fk_innspill_session_meeting', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_innspill_session_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_innspill_session_agenda_item_id'))
        batch_op.drop_column('agenda_item_id')
        batch_op.drop_column('meeting_id')

    with op.batch_alter_table('minutes_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_field_meeting_id'))

    op.drop_table('minutes_field')
    op.drop_table('minutes_cursor')
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_status'))
        batch_op.drop_index(batch_op.f('ix_followup_region_id'))
        batch_op.drop_index(batch_op.f('ix_followup_member_id'))
        batch_op.drop_index(batch_op.f('ix_followup_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_followup_agenda_item_id'))

    op.drop_table('followup')
