"""The team channels the bot has heard from, kept in the database so that any process, after
any restart, can post to a channel outside a turn (the learning digest).

A channel post needs the Bot Connector's service URL, the tenant and the bot's id, which come
only with an activity, and the channel's id. The first three are the tenant's, not the
channel's: a channel the bot has not heard from is reached with those of another channel of
the same tenant (where the bot is installed in its team), as long as only one tenant is known
(a channel id does not say its tenant, and a guess would post into another organisation)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace

from adapters.teams.place import PLATFORM, ChannelPlace
from bot.clock import Clock
from storage.unit_of_work import Store

log = logging.getLogger(__name__)

ORIGIN = "origin"


class PlaceUnknown(Exception):
    """No channel heard from tells how to reach this one."""


@dataclass(frozen=True)
class KnownPlace:
    place: ChannelPlace
    origin: str  # the address Teams reached the bot at, for links; "" when not known


class KnownPlaces:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        # What this process knows the database holds, so that a turn writes only on a change.
        self._kept: dict[str, dict[str, str]] = {}

    async def heard(self, place: ChannelPlace, origin: str) -> None:
        """A turn came from `place`, through `origin`: keep it if that is news."""
        data = asdict(place) | {ORIGIN: origin}
        if self._kept.get(place.channel_id) == data:
            return
        async with self.store.transaction() as uow:
            if await uow.places.remember(PLATFORM, place.channel_id, data, self.clock.now()):
                log.info("the place of a Teams channel was kept")
        self._kept[place.channel_id] = data

    async def reaching(self, channel: str) -> KnownPlace:
        """How to post in `channel`: its own place, or one of its tenant's. Raises
        PlaceUnknown when the bot has heard from no channel of a single tenant."""
        async with self.store.transaction() as uow:
            own = await uow.places.get(PLATFORM, channel)
            others = [] if own else await uow.places.latest(PLATFORM)
        if own is not None:
            return KnownPlace(ChannelPlace.from_data(own), own.get(ORIGIN, ""))
        tenants = {data.get("tenant_id") for _, data in others}
        if len(tenants) != 1:
            many = "several tenants" if tenants else "no channel"
            raise PlaceUnknown(f"the bot has heard from {many} in Teams")
        _, data = others[0]
        place = replace(ChannelPlace.from_data(data), channel_id=channel, team_id="")
        return KnownPlace(place, data.get(ORIGIN, ""))
