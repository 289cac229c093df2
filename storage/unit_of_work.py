"""One transaction: the state change, its outbox rows and its audit entries commit together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

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
    """The repositories run their statements on the transaction's connection (SQLAlchemy Core:
    no ORM session on the busiest paths). `db`, an ORM session in the same transaction, is
    made when first asked for (the practice room's rows)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self._db: AsyncSession | None = None
        self.sessions = Sessions(connection)
        self.requests = Requests(connection)
        self.messages = Messages(connection)
        self.events = ProcessedEvents(connection)
        self.outbox = Outbox(connection)
        self.audit = Audit(connection)
        self.evaluations = Evaluations(connection)
        self.instance = Instance(connection)
        self.pacing = Pacing(connection)
        self.places = Places(connection)
        self.pending = PendingReplies(connection)

    @property
    def db(self) -> AsyncSession:
        if self._db is None:
            # Joins the connection's transaction: it flushes into it, and commits nothing.
            self._db = AsyncSession(bind=self.connection, expire_on_commit=False)
        return self._db

    async def _flush(self) -> None:
        """Write what the ORM session holds, before the transaction commits."""
        if self._db is not None:
            await self._db.commit()

    async def _close(self) -> None:
        if self._db is not None:
            await self._db.close()


class Store:
    """The database behind every process: each call to `transaction` is one unit of work."""

    def __init__(self, engine: AsyncEngine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, url: str) -> Store:
        url = normalise_url(url)
        return cls(create_engine(url), url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        async with self.engine.begin() as connection:
            uow = UnitOfWork(connection)
            try:
                yield uow
                await uow._flush()
            finally:
                await uow._close()

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
