"""A request that fails inside the bot gets a plain 500 and one log entry naming the route and
the error's class, never the error's text (which may quote what was sent)."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.errors import APOLOGY, failures_without_payloads


async def test_an_unexpected_error_is_answered_plainly_and_logged_without_its_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise ValueError(f"could not read {await request.text()!r}")

    app = web.Application(middlewares=[failures_without_payloads])
    app.router.add_post("/r/{room}/reply", broken)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    caplog.set_level(logging.DEBUG)
    try:
        response = await client.post("/r/room-1/reply", data="the words someone wrote")
        assert response.status == 500
        assert await response.text() == APOLOGY
    finally:
        await client.close()
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "POST /r/{room}/reply failed: ValueError" in logged
    assert "words someone wrote" not in logged
    assert "Traceback" not in logged


async def test_refusals_pass_through_untouched() -> None:
    async def forbidden(request: web.Request) -> web.Response:
        raise web.HTTPForbidden(text="Not yours.")

    app = web.Application(middlewares=[failures_without_payloads])
    app.router.add_get("/x", forbidden)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        response = await client.get("/x")
        assert (response.status, await response.text()) == (403, "Not yours.")
    finally:
        await client.close()
