"""`POST /api/messages`: the Teams endpoint, with Bot Framework token checks on it alone;
`GET /exports/{token}` and `GET /learning-reports/{token}`, where the links it hands out lead;
and the Teams learning digest."""

from __future__ import annotations

import logging
import warnings

from aiohttp import web
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator
from microsoft_agents.hosting.core import MessageFactory, TurnContext
from pydantic import ValidationError

from adapters.teams.agent import ReflectAgent
from adapters.teams.deliverer import TeamsDeliverer
from adapters.teams.exports import EXPORT_PATH, Exports, origin_of, request_origin
from adapters.teams.learning import LEARNING_PATH, TeamsLearningPublisher
from adapters.teams.payloads import is_well_formed
from adapters.teams.place import PLATFORM
from adapters.teams.places import KnownPlaces
from adapters.teams.sdk import TeamsConnection
from adapters.teams.service_urls import is_loopback
from adapters.turns import HANDLED_AT_ONCE, Turns
from bot.app import MAX_BODY
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# The SDK's token check reads its configuration from the application under this name.
SDK_CONFIGURATION = "agent_configuration"
TURNS = web.AppKey("teams_turns", Turns)
APOLOGY = "Sorry, something went wrong on my side and nothing was changed. Please try again."


class _WithoutPayload(logging.Filter):
    """The SDK logs a malformed activity's validation errors, which quote what people wrote;
    the route logs the refusal without them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


_WITHOUT_PAYLOAD = _WithoutPayload()


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    """Replaces the SDK's default, which posts the exception text into the conversation."""
    activity = context.activity
    log.error(
        "Teams turn failed: %s while handling a %s activity",
        type(error).__name__,
        activity.type if activity else "unknown",
        exc_info=log.isEnabledFor(logging.DEBUG),
    )
    try:
        await context.send_activity(MessageFactory.text(APOLOGY))
    except Exception as reply_error:  # the connector may be what failed
        log.error("could not tell the user about it either: %s", type(reply_error).__name__)


def install(app: web.Application, runtime: Runtime) -> None:
    """Register the Teams deliverer and mount `/api/messages` on the web app."""
    logging.getLogger("microsoft_agents.activity.activity").addFilter(_WITHOUT_PAYLOAD)
    connection = TeamsConnection(runtime.settings)
    connection.adapter.on_turn_error = _on_turn_error
    deliverer = TeamsDeliverer(
        connection,
        runtime.clock,
        learning_channel=runtime.settings.learning_channel,
        screening_channel=runtime.settings.screening_channel,
    )
    runtime.deliverers[PLATFORM] = deliverer
    exports = Exports(runtime)
    places = KnownPlaces(runtime.store, runtime.clock)
    agent = ReflectAgent(runtime, deliverer, exports, places)
    runtime.learning_publishers[PLATFORM] = TeamsLearningPublisher(
        runtime, deliverer, exports, places
    )

    turns = Turns(HANDLED_AT_ONCE)
    app[TURNS] = turns

    @jwt_authorization_decorator
    async def messages(request: web.Request) -> web.StreamResponse:
        # The SDK would report an oversized body as invalid JSON; say what is wrong.
        if (request.content_length or 0) > MAX_BODY:
            return web.json_response({"error": "The activity is too large."}, status=413)
        refusal = await _refusal(request, connection)
        if refusal is not None:
            return refusal
        request_origin.set(origin_of(request))
        try:
            async with turns.turn():
                response = await connection.adapter.process(request, agent)
        except ValidationError as error:
            log.warning("refused a malformed Teams activity (%d problems)", error.error_count())
            return web.json_response({"error": "The activity is not well formed."}, status=400)
        return response or web.Response(status=202)

    teams = web.Application()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        teams[SDK_CONFIGURATION] = connection.auth
    teams.router.add_post("/messages", messages)
    app.add_subapp("/api", teams)
    app.router.add_get(EXPORT_PATH, exports.download)
    app.router.add_get(LEARNING_PATH, agent.learning.download)


async def _refusal(request: web.Request, connection: TeamsConnection) -> web.Response | None:
    """An answer for an activity the bot must not act on: one whose service URL is not an
    allowed one (the bot would call it), or, in the anonymous mode, one from another machine."""
    if connection.anonymous:
        if not is_loopback(request.remote or ""):
            log.warning("refused an unauthenticated Teams activity from another machine")
            return web.json_response(
                {"error": "Anonymous Teams activities come from this machine only."}, status=403
            )
        log.warning("accepted an UNAUTHENTICATED Teams activity (anonymous local-testing mode)")
    try:
        activity = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past reason
        return web.json_response({"error": "The activity is not JSON."}, status=400)
    if not is_well_formed(activity):
        log.warning("refused a malformed Teams activity")
        return web.json_response({"error": "The activity is not well formed."}, status=400)
    service_url = activity.get("serviceUrl")
    if not connection.service_urls.allows(service_url):
        log.warning("refused a Teams activity whose serviceUrl is not a Bot Framework service")
        return web.json_response(
            {"error": "The activity's serviceUrl is not a Bot Framework service."}, status=400
        )
    return None
