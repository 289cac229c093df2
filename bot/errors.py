"""The last answer to a request that failed inside the bot: a plain 500, and one log entry
with the route, the error's class and where it happened, but never the error's text, which
may quote what someone sent (a validation error repeats its input)."""

from __future__ import annotations

import logging
import traceback

from aiohttp import web
from aiohttp.typedefs import Handler

log = logging.getLogger(__name__)

APOLOGY = "Something went wrong on our side. Please try again in a moment."


@web.middleware
async def failures_without_payloads(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as error:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "an unknown path"
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("%s %s failed: %s\n%s", request.method, route, type(error).__name__, frames)
        return web.Response(status=500, text=APOLOGY)
