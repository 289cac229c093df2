"""Wiring: the Bolt app on the web app's `POST /slack/events`, Socket Mode, the deliverer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import ACTION_PATTERN
from adapters.slack.commands import COMMAND, slash_command
from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from adapters.slack.forms import FORM_CALLBACK, VALUE_ACTION
from adapters.slack.interactions import Interactions
from adapters.slack.learning import SlackLearningPublisher
from adapters.slack.pacing import Pacer, ProcessSlots, SharedSlots, sleeper_for
from adapters.slack.payloads import is_well_formed
from adapters.slack.replies import message_listener
from adapters.slack.setup import SETUP_CALLBACK
from adapters.slack.signature import SlackSignature
from adapters.turns import HANDLED_AT_ONCE, Turns
from bot.runtime import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SIGNATURE = web.AppKey("slack_signature", SlackSignature)


async def report_failure(error: Exception, body: dict[str, Any]) -> None:
    """A listener failed (a database error, a bug): one line with the error's class, never
    the payload or the error's text (which may quote it). The 500 makes Slack retry. A request
    no listener takes (Bolt would log part of its body, with a suggestion) is noted by type."""
    if isinstance(error, BoltUnhandledRequestError):
        log.info("no listener for a Slack %s request", _kind(body))
        return
    log.error("a Slack %s request failed: %s", _kind(body), type(error).__name__)


def _kind(body: dict[str, Any]) -> str:
    kind = "command" if "command" in body else body.get("type")
    return kind if isinstance(kind, str) and kind.isidentifier() else "unknown"


class OneAuthTest:
    """Bolt's single-workspace authorization asks Slack's `auth.test` who the bot is on the
    first request, and keeps the answer; requests arriving together before it has one would
    each ask (after a restart under load, a thousand replies: a thousand calls, each with an
    HTTP session of its own, against Slack's rate limit). Until a request has been
    authorized, requests are dispatched one at a time; then all at once, with the answer kept.
    """

    def __init__(self, bolt: AsyncApp) -> None:
        self.bolt = bolt
        self._turn = asyncio.Lock()
        self._authorized = False

    async def dispatch(self, request: AsyncBoltRequest) -> BoltResponse:
        if not self._authorized:
            async with self._turn:
                if not self._authorized:
                    response = await self.bolt.async_dispatch(request)
                    self._authorized = request.context.authorize_result is not None
                    return response
        return await self.bolt.async_dispatch(request)


BOLT = web.AppKey("slack_bolt", OneAuthTest)
TURNS = web.AppKey("slack_turns", Turns)


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
        # The signature is checked by `slack_events` before Bolt reads the body: Bolt's own
        # check logs the whole body of every request it refuses.
        request_verification_enabled=False,
        raise_error_for_unhandled_request=True,
    )
    deliverer = SlackDeliverer(
        client,
        pacer_for(runtime),
        learning_channel=settings.learning_channel,
        screening_channel=settings.screening_channel,
    )
    runtime.deliverers[PLATFORM] = deliverer
    runtime.held_open.append(partial(kept_connections, client))
    learning = SlackLearningPublisher(client)
    runtime.learning_publishers[PLATFORM] = learning
    runtime.stopping.append(learning.stopping)
    interactions = Interactions(runtime, deliverer)
    bolt.error(report_failure)
    bolt.command(COMMAND)(slash_command(interactions, learning))
    bolt.event("message")(message_listener(runtime))
    bolt.action(ACTION_PATTERN)(interactions.button_listener())
    bolt.view(FORM_CALLBACK)(interactions.form_listener())
    bolt.view(SETUP_CALLBACK)(interactions.setup_listener())
    bolt.action({"block_id": "model", "action_id": VALUE_ACTION})(
        interactions.model_chosen_listener()
    )
    return bolt


@contextlib.asynccontextmanager
async def kept_connections(client: AsyncWebClient) -> AsyncIterator[None]:
    """One HTTP session for every Web API call of the process, Bolt's and the deliverer's.
    Without one, slack_sdk opens a session for each call, and with it a new connection (to
    Slack, a new TLS handshake): about 1.2 ms of CPU a call here, on the loopback alone."""
    timeout = aiohttp.ClientTimeout(total=client.timeout)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client.session = session
        try:
            yield
        finally:
            client.session = None


def bolt_request(body: bytes, request: web.Request) -> AsyncBoltRequest | None:
    """Bolt's request for a signed body, or None when the body is not shaped as Slack shapes
    its payloads. The payload read for the check is dropped here: Bolt reads its own, and
    only that one is kept while the request waits its turn for the database."""
    try:
        text = body.decode("utf-8")
        payload = parse_body(text, request.content_type)
        if not (isinstance(payload, dict) and is_well_formed(payload)):
            return None
        # Bolt reads the payload again, and builds its context from it, as it is made.
        return AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
        )
    except (ValueError, RecursionError, TypeError, AttributeError, LookupError):
        return None


async def slack_events(request: web.Request) -> web.Response:
    """Slack's requests, checked at the door: signed (on the raw body, before anything reads
    it), readable, and shaped as Slack shapes them; only then does Bolt see them."""
    body = await request.read()
    if not request.app[SIGNATURE].is_signed(body, request.headers):
        return web.Response(status=401, text="This request is not signed by Slack.")
    async with request.app[TURNS].turn():
        checked = bolt_request(body, request)
        if checked is None:
            log.warning("refused a malformed Slack request")
            return web.Response(status=400, text="This is not a request Slack sends.")
        return await to_aiohttp_response(await request.app[BOLT].dispatch(checked))


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
    app[BOLT] = OneAuthTest(bolt)
    app[TURNS] = Turns(HANDLED_AT_ONCE)
    if settings.slack_signing_secret:
        app[SIGNATURE] = SlackSignature(settings.slack_signing_secret)
        app.router.add_post(EVENTS_PATH, slack_events)
    if settings.slack_app_token:
        app.cleanup_ctx.append(socket_mode(bolt, settings.slack_app_token))
