"""Bringing a database's schema up to date with Alembic (`reflectbot db upgrade`)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from storage.unit_of_work import Store

# Beside this file, not looked up by package name: in an editable install any folder called
# `storage` on sys.path (a test folder, the working directory) would be found instead.
MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    # Alembic names every revision it applies at INFO: a line per migration on every fresh
    # start. The commands say themselves that the schema is up to date.
    migration_log = logging.getLogger("alembic.runtime.migration")
    level = migration_log.level
    migration_log.setLevel(max(level, logging.WARNING))
    try:
        command.upgrade(_config(connection), "head")
    finally:
        migration_log.setLevel(level)


def _is_current(connection: Connection) -> bool:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    return MigrationContext.configure(connection).get_current_revision() == head


async def upgrade(store: Store) -> None:
    # Migrations run in their own transaction (alembic manages it), not BEGIN IMMEDIATE's.
    async with store.engine.connect() as connection:
        await connection.run_sync(_upgrade)
        await connection.commit()


async def is_current(store: Store) -> bool:
    async with store.engine.connect() as connection:
        return await connection.run_sync(_is_current)
