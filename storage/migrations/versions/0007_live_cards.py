"""live cards: one table for every card kept current (meeting cards and innspill's live card)

Merges the heads 0004 (innspill), 0005 (rounds) and 0006 (meeting cards). meeting_card rows
move to live_card (subject_id = meeting_id); an innspill session's posted card moves from its
own columns to a live_card row of kind innspill, and those columns are dropped.

Revision ID: 0007
Revises: 0004, 0005, 0006
Create Date: 2026-11-23 10:00:00
"""

from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0007'
down_revision = ('0004', '0005', '0006')
branch_labels = None
depends_on = None

LIVE_COLUMNS = ("kind, subject_id, conversation_id, member_id, activity_id, dirty, "
                "last_updated_at, updates, failures")
INNSPILL_COLUMNS = (
    ('service_url', sa.String(length=400), ''), ('live_conversation_id', sa.String(length=400), ''),
    ('live_activity_id', sa.String(length=200), ''), ('live_dirty', sa.Boolean(), sa.false()))


def upgrade() -> None:
    op.create_table('live_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=400), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.String(length=200), nullable=True),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('last_updated_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('updates', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'subject_id', 'conversation_id', name='uq_live_card')
    )
    op.create_index('ix_live_card_dirty', 'live_card', ['dirty'], unique=False)
    op.create_index('ix_live_card_subject_id', 'live_card', ['subject_id'], unique=False)
    op.execute(f"INSERT INTO live_card ({LIVE_COLUMNS}) SELECT kind, meeting_id, conversation_id, "
               "member_id, activity_id, dirty, last_updated_at, updates, failures "
               "FROM meeting_card ORDER BY id")
    # A posted innspill card keeps its window; its conversation's ConversationRef gives the URL.
    op.execute(f"INSERT INTO live_card ({LIVE_COLUMNS}) SELECT 'innspill', id, "
               "live_conversation_id, NULL, live_activity_id, live_dirty, live_updated_at, 0, 0 "
               "FROM innspill_session WHERE live_activity_id <> '' ORDER BY id")
    op.drop_index('ix_meeting_card_meeting_id', table_name='meeting_card')
    op.drop_index('ix_meeting_card_dirty', table_name='meeting_card')
    op.drop_table('meeting_card')
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): no index or key uses these columns, and
    # a batch rebuild would drop a table other tables point at.
    for name in ('live_dirty', 'live_updated_at', 'live_activity_id', 'live_conversation_id',
                 'service_url'):
        op.drop_column('innspill_session', name)


def downgrade() -> None:
    for name, type_, default in INNSPILL_COLUMNS:
        op.add_column('innspill_session', sa.Column(name, type_, nullable=False,
                                                    server_default=default))
    op.add_column('innspill_session', sa.Column('live_updated_at', storage.types.UTCDateTime(),
                                                nullable=True))
    for name in ('live_conversation_id', 'live_activity_id', 'live_dirty', 'live_updated_at'):
        source = {'live_conversation_id': 'conversation_id', 'live_activity_id': 'activity_id',
                  'live_dirty': 'dirty', 'live_updated_at': 'last_updated_at'}[name]
        op.execute(f"UPDATE innspill_session SET {name} = (SELECT c.{source} FROM live_card c "
                   "WHERE c.kind = 'innspill' AND c.subject_id = innspill_session.id) "
                   "WHERE EXISTS (SELECT 1 FROM live_card c WHERE c.kind = 'innspill' "
                   "AND c.subject_id = innspill_session.id)")
    op.create_table('meeting_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('conversation_id', sa.String(length=400), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.String(length=200), nullable=True),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('last_updated_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('updates', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'conversation_id', name='uq_meeting_card')
    )
    op.create_index('ix_meeting_card_dirty', 'meeting_card', ['dirty'], unique=False)
    op.create_index('ix_meeting_card_meeting_id', 'meeting_card', ['meeting_id'], unique=False)
    op.execute("INSERT INTO meeting_card (meeting_id, kind, conversation_id, member_id, "
               "activity_id, dirty, last_updated_at, updates, failures) SELECT subject_id, kind, "
               "conversation_id, member_id, activity_id, dirty, last_updated_at, updates, "
               "failures FROM live_card WHERE kind IN ('summary', 'invitation') ORDER BY id")
    op.drop_index('ix_live_card_subject_id', table_name='live_card')
    op.drop_index('ix_live_card_dirty', table_name='live_card')
    op.drop_table('live_card')
