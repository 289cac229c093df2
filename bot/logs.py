"""What reaches the logs: ids, counts and outcomes, never what people wrote.

The platform SDKs log whole request and response bodies (and, for Teams, request headers with
the bearer token) at DEBUG: a message body would then be an answer about a child. Their
loggers are held at INFO or above, whatever level the rest of the process logs at; the bot's
own loggers never log a body at any level.
"""

from __future__ import annotations

import logging

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

# The libraries that log payloads below INFO: Slack's Web API client and Bolt, the Microsoft
# 365 Agents SDK (activities, connector headers), and aiohttp's client.
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt", "microsoft_agents", "aiohttp.client")


def keep_payloads_out_of_logs() -> None:
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(max(logging.INFO, logging.getLogger().getEffectiveLevel()))


class RouteAccessLogger(AbstractAccessLogger):
    """One access line per request with the route's pattern, not the path asked for: paths and
    query strings carry bearer tokens (a record's download link, a learning report's, a
    practice-room participant's page), and a log line would hand them to whoever reads logs."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        resource = getattr(request, "match_info", None)
        route = resource.route.resource if resource is not None else None
        pattern = route.canonical if route is not None else "(no route)"
        self.logger.info(
            "%s %s %d %d bytes %.1f ms",
            request.method,
            pattern,
            response.status,
            response.body_length,
            time * 1000,
        )
