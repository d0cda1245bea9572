"""score_signals: the per-signal values behind each account's score (hydrawatch explain)

Revision ID: i4_score_signals
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'i4_score_signals'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('score_signals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=128), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'account_id', name='uq_score_signals_key')
    )


def downgrade() -> None:
    op.drop_table('score_signals')
