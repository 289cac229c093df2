"""PostgreSQL connections are opened once: a busy process keeps every connection it opened,
rather than closing those above a smaller kept number and opening them again."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, text

from storage.database import POOL_SIZE
from storage.unit_of_work import Store


async def busy_round(store: Store, at_once: int) -> None:
    """`at_once` transactions open together, each holding its connection until all are in."""
    everyone_in = asyncio.Barrier(at_once)

    async def transaction() -> None:
        async with store.transaction() as uow:
            await uow.db.execute(text("SELECT 1"))
            await everyone_in.wait()

    await asyncio.gather(*(transaction() for _ in range(at_once)))


async def test_a_busy_process_opens_its_connections_once(postgres_store: Store) -> None:
    store = postgres_store
    opened = []

    def on_connect(*_: Any) -> None:
        opened.append(1)

    event.listen(store.engine.sync_engine, "connect", on_connect)
    await busy_round(store, POOL_SIZE)
    warm = len(opened)
    assert warm <= POOL_SIZE
    for _ in range(3):
        await busy_round(store, POOL_SIZE)
    assert len(opened) == warm


async def statements_before_the_transaction(store: Store) -> list[str]:
    """What a pooled connection is sent when a transaction is handed it, before its BEGIN."""
    async with store.transaction() as uow:  # opens the connection: nothing to try yet
        await uow.db.execute(text("SELECT 1"))
    sent: list[str] = []
    async with store.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        raw.driver_connection.add_query_logger(lambda query: sent.append(query.query))
    sent.clear()
    async with store.transaction() as uow:  # the same connection, from the pool
        await uow.db.execute(text("SELECT 1"))
    begin = len(sent) - 1 - sent[::-1].index("BEGIN;")  # the transaction's own
    return sent[:begin]


async def test_a_pooled_connection_is_tried_in_one_round_of_the_database(
    postgres_store: Store,
) -> None:
    """A connection the server closed while it was pooled is replaced before a transaction is
    given it (tests/reliability/test_database_connections_killed.py); trying it costs one
    query, not a transaction of its own (BEGIN, the query, ROLLBACK)."""
    assert await statements_before_the_transaction(postgres_store) == ["SELECT 1"]
