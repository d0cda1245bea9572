"""Alembic environment: the connection comes from Store.init (config.attributes)."""

from alembic import context

from hydrawatch.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # running the alembic CLI directly
    from hydrawatch.store.db import make_engine, default_url

    connection = make_engine(config.get_main_option("sqlalchemy.url") or default_url()).connect()

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
