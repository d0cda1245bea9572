"""media banks: named PDQ hash banks with provenance, and the matches of ingested media

Revision ID: 14_media_banks
Revises: i10_bigint_counts
"""
from alembic import op
import sqlalchemy as sa


revision = '14_media_banks'
down_revision = 'i10_bigint_counts'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('hash_banks',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='uq_hash_banks_name')
    )
    op.create_table('bank_hashes',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('bank_id', Id, nullable=False),
    sa.Column('pdq', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('source_sha256', sa.String(length=64), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('provenance', sa.JSON(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bank_id'], ['hash_banks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bank_id', 'pdq', name='uq_bank_hashes_key')
    )
    op.create_table('media_matches',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('pdq', sa.String(length=64), nullable=False),
    sa.Column('bank_hash_id', Id, nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bank_hash_id'], ['bank_hashes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pdq', 'bank_hash_id', name='uq_media_matches_key')
    )
    op.create_index('ix_media_matches_pdq', 'media_matches', ['pdq'])
    op.create_table('pdq_checked',
    sa.Column('pdq', sa.String(length=64), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('pdq')
    )


def downgrade() -> None:
    op.drop_table('pdq_checked')
    op.drop_index('ix_media_matches_pdq', table_name='media_matches')
    op.drop_table('media_matches')
    op.drop_table('bank_hashes')
    op.drop_table('hash_banks')
