"""GET /healthz: database reachability and outbox lag, and 503 when the database is down."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.runtime import Runtime
from bot.service import SessionService
from dialogs.models.catalogue import Catalogue
from storage.unit_of_work import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "service"))
from service_kit import conversation, start_event

# Nothing listens on port 1 of the loopback: connections are refused at once.
UNREACHABLE = "postgresql+asyncpg://reflectbot:secret-password@127.0.0.1:1/reflectbot"


async def health_client(store: Store, clock: ManualClock) -> TestClient:
    dispatcher = Dispatcher(store, clock, {})
    service = SessionService(store, clock, secret=b"test-secret")
    runtime = Runtime(Settings(), store, clock, Catalogue.load(), service, dispatcher)
    client = TestClient(TestServer(build_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def health(store: Store, clock: ManualClock) -> AsyncIterator[TestClient]:
    client = await health_client(store, clock)
    yield client
    await client.close()


async def test_health_reports_the_database_and_an_empty_outbox(health: TestClient) -> None:
    response = await health.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "database": "ok",
        "outbox_pending": 0,
        "outbox_lag_seconds": 0.0,
    }


async def test_health_reports_how_long_the_oldest_effect_has_waited(
    health: TestClient, store: Store, clock: ManualClock
) -> None:
    outcome = await SessionService(store, clock).start(conversation(), start_event("kolb"))
    assert not outcome.duplicate
    clock.advance(timedelta(seconds=42))
    body = await (await health.get("/healthz")).json()
    assert body["outbox_pending"] >= 1
    assert body["outbox_lag_seconds"] == 42.0


async def test_health_is_unavailable_when_the_database_is_down(clock: ManualClock) -> None:
    store = Store.open(UNREACHABLE)
    client = await health_client(store, clock)
    try:
        response = await client.get("/healthz")
        body = await response.text()
    finally:
        await client.close()
        await store.close()
    assert response.status == 503
    assert "Traceback" not in body and "secret-password" not in body
    assert (await response.json())["database"] == "unreachable"
