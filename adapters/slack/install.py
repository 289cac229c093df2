"""Wiring: the Bolt app on the web app's `POST /slack/events`, Socket Mode, the deliverer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import ACTION_PATTERN
from adapters.slack.commands import COMMAND, slash_command
from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from adapters.slack.forms import FORM_CALLBACK
from adapters.slack.interactions import Interactions
from adapters.slack.pacing import Pacer, ProcessSlots, SharedSlots, sleeper_for
from adapters.slack.replies import message_listener
from adapters.slack.setup import SETUP_CALLBACK
from bot.runtime import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
BOLT = web.AppKey("slack_bolt", AsyncApp)


async def refuse_malformed(
    body: dict[str, Any], next_: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """A body Slack never sends (a view or action that is not an object) is refused before
    Bolt reads it: Bolt's own logging of unhandled requests would fail on it."""
    view = body.get("view", {})
    actions = body.get("actions") or [{}]
    if (
        not isinstance(view, dict)
        or not isinstance(actions, list)
        or not all(isinstance(action, dict) for action in actions)
    ):
        return BoltResponse(status=400, body="malformed Slack payload")
    return await next_()


def pacer_for(runtime: Runtime) -> Pacer:
    """Several processes share one PostgreSQL and one workspace's limits: they share the slots
    there. SQLite serves one process, which keeps its own."""
    slots = ProcessSlots() if runtime.store.is_sqlite else SharedSlots(runtime.store)
    return Pacer(runtime.clock, sleeper_for(runtime.clock), slots)


def build_bolt(runtime: Runtime) -> AsyncApp:
    settings = runtime.settings
    api_url = (settings.slack_api_url or AsyncWebClient.BASE_URL).rstrip("/") + "/"
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=api_url)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Commit state and outbox before Slack gets its 200: a crash before that means a retry.
        process_before_response=True,
        request_verification_enabled=bool(settings.slack_signing_secret),
    )
    deliverer = SlackDeliverer(
        client,
        pacer_for(runtime),
        learning_channel=settings.learning_channel,
        screening_channel=settings.screening_channel,
    )
    runtime.deliverers[PLATFORM] = deliverer
    interactions = Interactions(runtime, deliverer)
    bolt.middleware(refuse_malformed)
    bolt.command(COMMAND)(slash_command(interactions))
    bolt.event("message")(message_listener(runtime))
    bolt.action(ACTION_PATTERN)(interactions.button_listener())
    bolt.view(FORM_CALLBACK)(interactions.form_listener())
    bolt.view(SETUP_CALLBACK)(interactions.setup_listener())
    return bolt


async def slack_events(request: web.Request) -> web.Response:
    bolt = request.app[BOLT]
    try:
        bolt_request = await to_bolt_request(request)
    except ValueError:
        # Bolt reads the body before it checks the signature; a body no Slack request has
        # (a payload that is not JSON) is refused here, and nothing is stored.
        return web.Response(status=400, text="This is not a request Slack sends.")
    return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))


def socket_mode(bolt: AsyncApp, app_token: str) -> Callable[[web.Application], AsyncIterator[None]]:
    async def connection(_: web.Application) -> AsyncIterator[None]:
        handler = AsyncSocketModeHandler(bolt, app_token)
        await handler.connect_async()
        log.info("Slack Socket Mode connected")
        yield
        await handler.close_async()

    return connection


def install(app: web.Application, runtime: Runtime) -> None:
    """Slack on the one web app: HTTP events when a signing secret is set, Socket Mode when an
    app token is set."""
    settings = runtime.settings
    bolt = build_bolt(runtime)
    app[BOLT] = bolt
    if settings.slack_signing_secret:
        app.router.add_post(EVENTS_PATH, slack_events)
    if settings.slack_app_token:
        app.cleanup_ctx.append(socket_mode(bolt, settings.slack_app_token))
