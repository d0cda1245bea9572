"""issue 10, trust (store side): idempotent nominations, predecessor evidence on votes,
one open appeal per account and contact plus rate-limit keys, an audit index

Revision ID: i10_trust_verify
Revises: i4_score_signals
"""
from alembic import op
import sqlalchemy as sa


revision = 'i10_trust_verify'
down_revision = 'i4_score_signals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('nominations', sa.Column('dedup_key', sa.String(length=64), nullable=True))
    op.create_index('uq_nominations_dedup', 'nominations', ['dedup_key'], unique=True)
    op.add_column('reviews', sa.Column('predecessor_evidence', sa.JSON(), nullable=True))
    op.add_column('appeals', sa.Column('account_key', sa.String(length=300), nullable=True))
    op.add_column('appeals', sa.Column('contact_key', sa.String(length=64), nullable=True))
    op.add_column('appeals', sa.Column('open_key', sa.String(length=64), nullable=True))
    op.create_index('uq_appeals_open', 'appeals', ['open_key'], unique=True)
    op.create_index('ix_appeals_account_time', 'appeals', ['account_key', 'submitted_at'])
    op.create_index('ix_appeals_contact_time', 'appeals', ['contact_key', 'submitted_at'])
    op.create_index('ix_audit_object', 'audit_log', ['object_type', 'object_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_object', table_name='audit_log')
    op.drop_index('ix_appeals_contact_time', table_name='appeals')
    op.drop_index('ix_appeals_account_time', table_name='appeals')
    op.drop_index('uq_appeals_open', table_name='appeals')
    with op.batch_alter_table('appeals') as batch:
        batch.drop_column('open_key')
        batch.drop_column('contact_key')
        batch.drop_column('account_key')
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('predecessor_evidence')
    op.drop_index('uq_nominations_dedup', table_name='nominations')
    with op.batch_alter_table('nominations') as batch:
        batch.drop_column('dedup_key')
