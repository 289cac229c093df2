"""Opening the database: SQLite by default, PostgreSQL for organisations."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import await_

DEFAULT_URL = "sqlite+aiosqlite:///reflectbot.sqlite3"
SQLITE_CONNECTIONS = 2
POOL_SIZE = 15  # PostgreSQL connections one process holds at most

# aiosqlite logs every statement with its parameters (answers, names) at DEBUG: never let it.
logging.getLogger("aiosqlite").setLevel(logging.INFO)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and pick the async drivers."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"unsupported database '{backend}': use SQLite or PostgreSQL")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, **options: Any) -> AsyncEngine:
    url = normalise_url(url)
    if not is_sqlite(url):
        # Every connection is kept: a pool closes a connection handed back beyond its size, and
        # opening one (TLS offer, authentication, type introspection) costs more than several
        # transactions. With the default 5 kept of 15, a busy process opened a connection every
        # 17 transactions or so. Each process holds at most POOL_SIZE of the server's
        # connections, as before.
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", 0)
        engine = create_async_engine(url, hide_parameters=True, **options)
        if "pool_pre_ping" not in options:
            _ping_on_checkout(engine)
        return engine
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Every transaction takes the write lock (BEGIN IMMEDIATE, below): one works at a time,
        # and more connections only wait in SQLite's busy handler, each with a thread of its
        # own (aiosqlite) and a page cache, about 1 MiB resident (15 by default). With two, one
        # works and the next is ready; other callers queue for a connection in turn.
        options.setdefault("pool_size", SQLITE_CONNECTIONS)
        options.setdefault("max_overflow", 0)
    # Writers wait for each other (busy timeout) instead of failing at once.
    # hide_parameters: a database error must not carry answers into the logs.
    engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Deleted content (answers gone by retention or erasure) is overwritten, not left in
        # free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # Take the write lock at the start: this is what serialises the events of a session
        # (and of every session) on SQLite, across threads and processes alike.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


FRESH = "reflectbot_fresh"  # in a pooled connection's info: opened, not yet handed out


def _ping_on_checkout(engine: AsyncEngine) -> None:
    """A pooled PostgreSQL connection is tried before it is handed out, so that one the server
    closed meanwhile (a restart, a terminated backend) is replaced instead of failing the
    transaction it is given to. This is what `pool_pre_ping` does, in one round of the
    database instead of three: the driver's ping opens a transaction, asks, and rolls back.

    A failed ping invalidates every connection the pool holds, as the pre-ping's does: a
    server that closed one has usually closed them all."""
    import asyncpg  # the PostgreSQL driver: only needed with PostgreSQL

    # What the server or the network does to a connection that is gone. Anything else (a bug)
    # is raised as it is.
    lost = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)

    @event.listens_for(engine.sync_engine, "connect")
    def _opened(_: Any, record: Any) -> None:
        record.info[FRESH] = True  # just opened: nothing to try

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _: Any) -> None:
        if record.info.pop(FRESH, False):
            return
        driver = dbapi_connection.driver_connection
        if driver.is_closed():
            raise exc.InvalidatePoolError("the connection was closed")
        try:
            # A simple query, outside any transaction: one round trip.
            await_(driver.execute("SELECT 1"))
        except Exception as error:
            if driver.is_closed() or isinstance(error, lost):
                raise exc.InvalidatePoolError(f"ping failed: {type(error).__name__}") from error
            raise
