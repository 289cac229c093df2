"""PostgreSQL connections killed mid-session (pg_terminate_backend): a request that loses its
connection fails clearly and Slack's retry succeeds; nothing is lost; the process recovers
without a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_driver import SlackSession
from slack_requests import CONSULTANTS, PRESENTER, Workspace
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.runtime import Runtime
from dialogs.state import Phase
from storage import migrate
from storage.database import create_engine
from storage.unit_of_work import Store

APPLICATION = "reflectbot-reliability"


@pytest.fixture
async def store(fresh_database: str) -> AsyncIterator[Store]:
    """The app's store on a database of its own, its connections named for this test."""
    engine = create_engine(
        fresh_database, connect_args={"server_settings": {"application_name": APPLICATION}}
    )
    database = Store(engine, fresh_database)
    await migrate.upgrade(database)
    yield database
    await database.close()


class ConnectionKiller:
    """Terminates, with pg_terminate_backend, this test's own connections: all of them from
    outside, or the one starting the next transaction from inside it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.database = make_url(store.url).database
        self._armed = 0
        event.listen(store.engine.sync_engine, "begin", self._on_begin)

    def kill_at_next_transactions(self, count: int = 1) -> None:
        self._armed = count

    def _on_begin(self, connection: Any) -> None:
        if self._armed:
            self._armed -= 1
            connection.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")

    async def kill_all(self) -> int:
        admin = create_async_engine(self.store.url)
        try:
            async with admin.connect() as conn:
                killed = await conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :database AND application_name = :application"
                    ),
                    {"database": self.database, "application": APPLICATION},
                )
                return int(killed.scalar_one())
        finally:
            await admin.dispose()


async def test_connections_killed_mid_session_lose_nothing(
    slack: Workspace, runtime: Runtime, store: Store
) -> None:
    killer = ConnectionKiller(store)
    session = SlackSession(slack, runtime)
    await session.begin("portsmouth-rpm")

    # Idle pooled connections die: the next request is served on a fresh one (pre-ping).
    assert await killer.kill_all() >= 1
    question_id, thread = await session.open_question()
    await slack.reply(PRESENTER, thread, "Seen from social work.")

    # The connection dies inside the request's transaction: a clear 5xx, no stack trace.
    killer.kill_at_next_transactions()
    lost_reply = {
        "type": "message",
        "user": CONSULTANTS[0],
        "text": "Seen from the police.",
        "ts": "1700000800.000001",
        "thread_ts": thread,
        "channel_type": "channel",
    }
    failed = await slack.event(lost_reply, event_id="EvKILLED")
    assert failed.status >= 500
    assert "Traceback" not in await failed.text()
    # Slack retries the same event: it is taken once.
    retried = await slack.event(lost_reply, event_id="EvKILLED", retry=1)
    assert retried.status == 200
    again = await slack.event(lost_reply, event_id="EvKILLED", retry=2)
    assert again.status == 200

    # The dispatcher's connection dies as it claims: that round fails (run_forever logs it
    # and goes on), the next one delivers.
    killer.kill_at_next_transactions()
    with pytest.raises(DBAPIError):
        await runtime.dispatcher.run_once()
    await session.drain()
    assert sorted(await session.answers(question_id)) == sorted(
        [(PRESENTER, "Seen from social work."), (CONSULTANTS[0], "Seen from the police.")]
    )

    await session.answer_everything()
    await session.review_and_approve()
    assert (await session.state()).phase is Phase.PUBLISHED
