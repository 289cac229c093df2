"""One transaction: the state change, its outbox rows and its audit entries commit together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.database import create_engine, is_sqlite, normalise_url
from storage.pending import PendingReplies
from storage.repositories import (
    Audit,
    Evaluations,
    Instance,
    Messages,
    Outbox,
    Pacing,
    Places,
    ProcessedEvents,
    Requests,
    Sessions,
)


class UnitOfWork:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db
        self.sessions = Sessions(db)
        self.requests = Requests(db)
        self.messages = Messages(db)
        self.events = ProcessedEvents(db)
        self.outbox = Outbox(db)
        self.audit = Audit(db)
        self.evaluations = Evaluations(db)
        self.instance = Instance(db)
        self.pacing = Pacing(db)
        self.places = Places(db)
        self.pending = PendingReplies(db)


class Store:
    """The database behind every process: each call to `transaction` is one unit of work."""

    def __init__(self, engine: AsyncEngine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        url = normalise_url(url)
        return cls(create_engine(url), url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        async with self._sessions() as db, db.begin():
            yield UnitOfWork(db)

    async def flush_deleted(self) -> None:
        """After content is deleted: on SQLite, the write-ahead log still holds the pages as
        they were, so it is written into the file and emptied. PostgreSQL needs nothing here
        (its dead rows are vacuumed by the server)."""
        if not self.is_sqlite:
            return
        async with self.engine.connect() as connection:
            # On the driver's connection: a checkpoint cannot run inside BEGIN IMMEDIATE.
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        await self.engine.dispose()
