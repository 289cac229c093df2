"""`@reflectbot learning [FROM TO]` in a Teams learning channel: a card in the channel with a
link to the learning report of the period as a PDF. The link is signed like the record links
(adapters.teams.exports), names the channel and the period, and lasts a day; it is served at
`GET /learning-reports/{token}`. Anywhere else, the person is told privately why not.

The monthly digest comes to a Teams learning channel as a card with the same kind of link to
the month's report, lasting a week (a digest is read over days, not at once)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from aiohttp import web
from microsoft_agents.hosting.core import TurnContext

from adapters.teams.cards import Element, adaptive_card, render
from adapters.teams.deliverer import TeamsDeliverer, card_activity
from adapters.teams.exports import LINK_LIFETIME, Exports, request_origin
from adapters.teams.place import ChannelPlace
from adapters.teams.places import KnownPlaces
from adapters.teams.text import escape
from bot.learning import MonthReport, learning_channels, report_file
from bot.runtime import Runtime
from dialogs import messages
from dialogs.content import Content
from dialogs.learning_digest import ending_with
from dialogs.learning_report import Period, Scope, parse_period

log = logging.getLogger(__name__)

LEARNING_PATH = "/learning-reports/{token}"
DIGEST = "learning-digest"  # stands for a session id in the rendered cards: nothing refers to it
DIGEST_LINK_LIFETIME = timedelta(days=7)
DOWNLOAD = "Download the report (PDF)"
# A Teams channel's id: "19:…@thread.tacv2" (or the older "@thread.skype").
TEAMS_CHANNEL = re.compile(r"^19:[^;\s]+@thread\.[A-Za-z0-9.]+$")
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
        url = request_origin.get() + report_path(self.links, place.channel_id, period)
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
            [download_button(url)],
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


def report_path(
    links: Exports, channel: str, period: Period, lifetime: timedelta = LINK_LIFETIME
) -> str:
    """The signed path of the report of `period` for the learning channel `channel`."""
    claims = {
        "lrn": channel,
        "from": period.start.isoformat() if period.start else "",
        "to": period.end.isoformat() if period.end else "",
    }
    return LEARNING_PATH.format(token=links.sign(claims, lifetime))


def download_button(url: str) -> Element:
    return {"type": "Action.OpenUrl", "title": DOWNLOAD, "url": url}


def ask_again(period: Period) -> str:
    """The command that gives the report of `period` in the channel."""
    dates = " ".join(day.isoformat() for day in (period.start, period.end) if day)
    return f"@reflectbot learning {dates}".strip()


class TeamsLearningPublisher:
    """The monthly digest in a Teams learning channel, posted outside any turn: through the
    place of the channel, or of another of its tenant (adapters.teams.places), with a link to
    the month's report at REFLECTBOT_PUBLIC_URL, or else where Teams last reached the bot.
    Knowing neither, the digest says how to ask for the report instead."""

    def __init__(
        self, runtime: Runtime, deliverer: TeamsDeliverer, links: Exports, places: KnownPlaces
    ) -> None:
        self.runtime = runtime
        self.deliverer = deliverer
        self.links = links
        self.places = places

    def takes(self, channel: str) -> bool:
        return bool(TEAMS_CHANNEL.match(channel))

    async def publish(self, channel: str, content: Content, report: MonthReport) -> None:
        known = await self.places.reaching(channel)
        base = self.runtime.settings.public_url or known.origin
        ask = ask_again(report.period)
        if base:
            days = DIGEST_LINK_LIFETIME.days
            note = (
                f"The full report for the month is behind the button below for {days} days; "
                f"after that, ask for it here with {ask}."
            )
        else:
            note = f"Ask for the full report for the month here with {ask}."
        cards = render(ending_with(content, note), DIGEST)
        if base:
            path = report_path(self.links, channel, report.period, DIGEST_LINK_LIFETIME)
            cards[-1].setdefault("actions", []).append(download_button(base + path))
        await self.deliverer.post(known.place, channel, cards, content.summary)
