"""crawl state: crawls, their queued/done/failed accounts, every page fetched, rate-limit resets

Revision ID: 15_crawl_state
Revises: 12_review_console
"""
from alembic import op
import sqlalchemy as sa


revision = '15_crawl_state'
down_revision = '12_review_console'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('crawls',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=True),
    sa.Column('started_at', TZ, nullable=False),
    sa.Column('finished_at', TZ, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='uq_crawls_name')
    )
    op.create_table('crawl_accounts',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('crawl_id', Id, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=128), nullable=False),
    sa.Column('handle', sa.String(length=320), nullable=True),
    sa.Column('hop', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('seed_links', sa.Integer(), nullable=False),
    sa.Column('links', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('queued_at', TZ, nullable=False),
    sa.Column('done_at', TZ, nullable=True),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('crawl_id', 'platform', 'account_id', name='uq_crawl_accounts_key')
    )
    op.create_index('ix_crawl_accounts_state', 'crawl_accounts', ['crawl_id', 'state'])
    op.create_table('crawl_pages',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('crawl_id', Id, nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=128), nullable=False),
    sa.Column('endpoint', sa.String(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('next_url', sa.Text(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('says', sa.String(length=200), nullable=True),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('fetched_at', TZ, nullable=False),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('crawl_id', 'key', name='uq_crawl_pages_key')
    )
    op.create_table('crawl_limits',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('reset_at', TZ, nullable=True),
    sa.Column('updated_at', TZ, nullable=False),
    sa.PrimaryKeyConstraint('platform')
    )


def downgrade() -> None:
    op.drop_table('crawl_limits')
    op.drop_table('crawl_pages')
    op.drop_index('ix_crawl_accounts_state', table_name='crawl_accounts')
    op.drop_table('crawl_accounts')
    op.drop_table('crawls')
