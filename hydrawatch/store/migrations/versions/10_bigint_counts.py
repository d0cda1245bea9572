"""Ingest limits (issue 10): accounts.followers/following/posts_count as 64-bit integers
(counts up to 2**63 - 1 are valid input; PostgreSQL's INTEGER holds 32 bits), and handle
columns 320 wide (a Mastodon handle is a 30-character username, '@' and a domain name of
up to 253 characters)

Revision ID: i10_bigint_counts
Revises: i10_trust_verify
"""
from alembic import op
import sqlalchemy as sa


revision = 'i10_bigint_counts'
down_revision = 'i10_trust_verify'
branch_labels = None
depends_on = None

COUNTS = ("followers", "following", "posts_count")
HANDLES = [("accounts", "handle", True), ("accounts", "handle_norm", True),
           ("handles", "handle", False), ("handles", "handle_norm", False),
           ("statuses", "handle_norm", False), ("nominations", "handle_norm", True),
           ("appeals", "handle", True)]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # SQLite's INTEGER is already 64 bits and it enforces no VARCHAR width
    for name in COUNTS:
        op.alter_column("accounts", name, type_=sa.BigInteger(), existing_type=sa.Integer(),
                        existing_nullable=True)
    for table, name, nullable in HANDLES:
        op.alter_column(table, name, type_=sa.String(320), existing_type=sa.String(255),
                        existing_nullable=nullable)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for name in COUNTS:
        op.alter_column("accounts", name, type_=sa.Integer(), existing_type=sa.BigInteger(),
                        existing_nullable=True)
    for table, name, nullable in HANDLES:
        op.alter_column(table, name, type_=sa.String(255), existing_type=sa.String(320),
                        existing_nullable=nullable)
