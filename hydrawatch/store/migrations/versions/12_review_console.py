"""review console: case claims (one reviewer at a time, expiring), internal comments, and
media display settings (blur, greyscale) per organisation with a per-user override

Revision ID: 12_review_console
Revises: 14_media_banks
"""
from alembic import op
import sqlalchemy as sa


revision = '12_review_console'
down_revision = '14_media_banks'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('case_claims',
    sa.Column('case_id', _ID, sa.ForeignKey('cases.id'), primary_key=True, autoincrement=False),
    sa.Column('user_id', _ID, sa.ForeignKey('users.id'), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_case_claims_user', 'case_claims', ['user_id'])
    op.create_table('case_comments',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('case_id', _ID, sa.ForeignKey('cases.id'), nullable=False),
    sa.Column('user_id', _ID, sa.ForeignKey('users.id'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_comments_case', 'case_comments', ['case_id'])
    with op.batch_alter_table('organizations') as batch:
        batch.add_column(sa.Column('media_blur', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.add_column(sa.Column('media_greyscale', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('media_blur', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('media_greyscale', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('media_greyscale')
        batch.drop_column('media_blur')
    with op.batch_alter_table('organizations') as batch:
        batch.drop_column('media_greyscale')
        batch.drop_column('media_blur')
    op.drop_index('ix_case_comments_case', 'case_comments')
    op.drop_table('case_comments')
    op.drop_index('ix_case_claims_user', 'case_claims')
    op.drop_table('case_claims')
