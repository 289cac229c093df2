"""`@reflectbot learning [FROM TO]` in a Teams learning channel: a card in the channel with a
link to the learning report of the period as a PDF. The link is signed like the record links
(adapters.teams.exports), names the channel and the period, and lasts a day; it is served at
`GET /learning-reports/{token}`. Anywhere else, the person is told privately why not."""

from __future__ import annotations

import logging

from aiohttp import web
from microsoft_agents.hosting.core import TurnContext

from adapters.teams.cards import adaptive_card
from adapters.teams.deliverer import TeamsDeliverer, card_activity
from adapters.teams.exports import Exports, request_origin
from adapters.teams.place import ChannelPlace
from adapters.teams.text import escape
from bot.learning import learning_channels, report_file
from bot.runtime import Runtime
from dialogs import messages
from dialogs.learning_report import Period, Scope, parse_period

log = logging.getLogger(__name__)

LEARNING_PATH = "/learning-reports/{token}"
USAGE = (
    "Say which period you want, as two dates: @reflectbot learning 2026-09-01 2026-11-30 "
    "(or @reflectbot learning for every session so far)."
)
NOT_A_LEARNING_CHANNEL = (
    "The learning report is given only in a learning channel, where the learning leads work "
    "(REFLECTBOT_LEARNING_CHANNELS or REFLECTBOT_LEARNING_CHANNEL). Ask there."
)
NO_LONGER = "This channel no longer receives the learning report."


class LearningReports:
    def __init__(self, runtime: Runtime, deliverer: TeamsDeliverer, links: Exports) -> None:
        self.runtime = runtime
        self.deliverer = deliverer
        self.links = links

    async def on_demand(
        self, turn_context: TurnContext, actor: str, place: ChannelPlace, words: tuple[str, ...]
    ) -> None:
        heard_by = learning_channels(self.runtime.settings, self.runtime.catalogue)
        if place.channel_id not in heard_by:
            await self._tell(place, actor, NOT_A_LEARNING_CHANNEL)
            return
        period = parse_period(" ".join(words))
        if period is None:
            await self._tell(place, actor, USAGE)
            return
        claims = {
            "lrn": place.channel_id,
            "from": period.start.isoformat() if period.start else "",
            "to": period.end.isoformat() if period.end else "",
        }
        url = request_origin.get() + LEARNING_PATH.format(token=self.links.sign(claims))
        card = adaptive_card(
            [
                {
                    "type": "TextBlock",
                    "text": escape(f"The learning report: {period.words}"),
                    "weight": "Bolder",
                    "wrap": True,
                },
                {
                    "type": "TextBlock",
                    "text": "The link works for the next 24 hours. The report holds no case "
                    "references, dates held or names.",
                    "wrap": True,
                },
            ],
            [{"type": "Action.OpenUrl", "title": "Download the report (PDF)", "url": url}],
        )
        await turn_context.send_activity(card_activity(card, "The learning report"))

    async def download(self, request: web.Request) -> web.Response:
        """GET /learning-reports/{token}: the report the link was made for, as a PDF."""
        claims = self.links.verified(request.match_info["token"], ["lrn", "from", "to"])
        runtime = self.runtime
        heard_by = learning_channels(runtime.settings, runtime.catalogue).get(str(claims["lrn"]))
        period = parse_period(f"{claims['from']} {claims['to']}".strip())
        if heard_by is None or period is None:
            raise web.HTTPNotFound(text=NO_LONGER)
        report = await report_file(runtime, Scope(period=period or Period(), audiences=heard_by))
        async with runtime.store.transaction() as uow:
            await uow.audit.add(None, "learning report (pdf)", "teams link", runtime.clock.now())
        return web.Response(
            body=report.data,
            content_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{report.filename}"',
                "Cache-Control": "no-store",
            },
        )

    async def _tell(self, place: ChannelPlace, actor: str, text: str) -> None:
        await self.deliverer.tell(place, actor, messages.explanation(text), "")
