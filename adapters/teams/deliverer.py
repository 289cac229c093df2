"""Carries out the engine's effects in Teams through the Bot Connector, outside any turn.

Every top-level Post is a new channel post (its own reply chain), created with the connector's
create_conversation for the channel. Teams has no ephemeral messages: Ephemeral and
DirectMessage effects go to the person's 1:1 chat with the bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

from aiohttp import ClientConnectionError, ClientResponseError
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationParameters,
)
from microsoft_agents.hosting.core import ConnectorClientBase

from adapters.teams.cards import Card, attachment, render
from adapters.teams.place import ChannelPlace, split_thread, thread_conversation
from adapters.teams.sdk import TeamsConnection
from adapters.teams.service_urls import ServiceUrlRefused
from bot.clock import Clock
from bot.dispatcher import Delivery, DeliveryFailed, RetryLater
from dialogs.content import Content
from dialogs.effects import Destination, DirectMessage, Ephemeral, Post, Update
from storage.repositories import Conversation, PostedMessage

log = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 600.0
# Well inside the dispatcher's 60-second lease, so that a hung call is retried by this
# dispatcher instead of being delivered twice by another.
DELIVERY_TIMEOUT_SECONDS = 30.0


def card_activity(card: Card, summary: str = "") -> Activity:
    return Activity(
        type=ActivityTypes.message,
        attachments=[attachment(card)],
        summary=summary or None,
    )


def retry_after(error: ClientResponseError, clock: Clock) -> float:
    """Seconds to wait, from the Retry-After header (seconds or an HTTP date) if present."""
    header = (error.headers or {}).get("Retry-After", "")
    try:
        seconds = float(header)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(header) - clock.now()).total_seconds()
        except (TypeError, ValueError):
            seconds = DEFAULT_RETRY_SECONDS
    return min(max(seconds, 0.0), MAX_RETRY_SECONDS)


class TeamsDeliverer:
    def __init__(
        self,
        connection: TeamsConnection,
        clock: Clock,
        learning_channel: str | None = None,
        screening_channel: str | None = None,
        timeout_seconds: float = DELIVERY_TIMEOUT_SECONDS,
    ) -> None:
        self.connection = connection
        self.clock = clock
        self.channels = {
            Destination.LEARNING: learning_channel,
            Destination.SCREENING: screening_channel,
        }
        self.timeout_seconds = timeout_seconds
        # Each person's 1:1 chat with the bot, by (tenant, user id), found once per process:
        # Teams keeps one such chat per person and bot, and creating it again returns the same
        # id, so processes that each find it agree and nothing needs sharing between them.
        self.personal_chats: dict[tuple[str, str], str] = {}

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        place = ChannelPlace.from_conversation(delivery.conversation)
        with self._connector_errors():
            async with asyncio.timeout(self.timeout_seconds):
                return await self._carry_out(delivery, place)

    async def _carry_out(self, delivery: Delivery, place: ChannelPlace) -> list[PostedMessage]:
        effect = delivery.effect
        if isinstance(effect, Post):
            return await self._post(delivery, place, effect)
        if isinstance(effect, Update):
            if effect.lazy:
                return list(delivery.target)  # the next post shows it: not worth a call
            return await self._update(delivery, place, effect)
        if isinstance(effect, Ephemeral | DirectMessage):
            await self.tell(place, effect.user_id, effect.content, delivery.session_id)
        return []

    async def tell(
        self, place: ChannelPlace, user_id: str, content: Content, session_id: str
    ) -> None:
        """Something for one person only, in their 1:1 chat with the bot."""
        await self.tell_cards(place, user_id, render(content, session_id), content.summary)

    async def tell_cards(
        self, place: ChannelPlace, user_id: str, cards: list[Card], summary: str
    ) -> None:
        """Cards for one person only, in their 1:1 chat with the bot."""
        async with self.connection.connector(place.service_url) as client:
            chat = await self._personal_chat(client, place, user_id)
            for card in cards:
                await client.conversations.send_to_conversation(chat, card_activity(card, summary))

    async def _personal_chat(
        self, client: ConnectorClientBase, place: ChannelPlace, user_id: str
    ) -> str:
        """The id of the person's 1:1 chat with the bot: looked up and created once."""
        known = self.personal_chats.get((place.tenant_id, user_id))
        if known is not None:
            return known
        member = await client.conversations.get_conversation_member(place.team_id, user_id)
        chat = await client.conversations.create_conversation(
            ConversationParameters(
                is_group=False,
                agent=ChannelAccount(id=place.bot_id),
                members=[ChannelAccount(id=member.id)],
                tenant_id=place.tenant_id,
                channel_data={"tenant": {"id": place.tenant_id}},
            )
        )
        self.personal_chats[(place.tenant_id, user_id)] = chat.id
        return chat.id

    async def retract(self, conversation: Conversation, message: PostedMessage) -> None:
        """Delete one of the bot's own posts (erasure)."""
        place = ChannelPlace.from_conversation(conversation)
        thread = thread_conversation(message.channel, message.message_id)
        try:
            with self._connector_errors():
                async with (
                    asyncio.timeout(self.timeout_seconds),
                    self.connection.connector(place.service_url) as client,
                ):
                    await client.conversations.delete_activity(thread, message.message_id)
        except RetryLater as error:
            raise DeliveryFailed(str(error)) from error

    @contextmanager
    def _connector_errors(self) -> Iterator[None]:
        try:
            yield
        except ClientResponseError as error:
            if error.status == 429 or error.status >= 500:
                raise RetryLater(retry_after(error, self.clock), f"Teams {error.status}") from error
            raise DeliveryFailed(f"Teams refused the call ({error.status})") from error
        except (TimeoutError, ClientConnectionError) as error:
            raise RetryLater(DEFAULT_RETRY_SECONDS, type(error).__name__) from error
        except ServiceUrlRefused as error:
            raise DeliveryFailed(str(error)) from error

    async def _post(
        self, delivery: Delivery, place: ChannelPlace, effect: Post
    ) -> list[PostedMessage]:
        channel = place.channel_id
        if effect.destination in self.channels:
            configured = effect.channel or self.channels[effect.destination]
            if not configured:
                log.info(
                    "%s: no %s channel configured; %s not posted",
                    delivery.session_id,
                    effect.destination.value,
                    effect.key,
                )
                return []
            channel = configured
        cards = render(effect.content, delivery.session_id)
        summary = effect.content.summary
        async with self.connection.connector(place.service_url) as client:
            if effect.thread and delivery.target:
                target = delivery.target[0]
                return await self._in_chain(
                    client, target.channel, target.message_id, cards, summary, []
                )
            return await self._new_post(client, place, channel, cards, summary)

    async def post(
        self, place: ChannelPlace, channel: str, cards: list[Card], summary: str
    ) -> list[PostedMessage]:
        """A new post in `channel` outside the outbox (the learning digest): the first card,
        with the others as replies in its chain. Raises RetryLater or DeliveryFailed."""
        with self._connector_errors():
            async with (
                asyncio.timeout(self.timeout_seconds),
                self.connection.connector(place.service_url) as client,
            ):
                return await self._new_post(client, place, channel, cards, summary)

    async def _new_post(
        self,
        client: ConnectorClientBase,
        place: ChannelPlace,
        channel: str,
        cards: list[Card],
        summary: str,
    ) -> list[PostedMessage]:
        created = await client.conversations.create_conversation(
            ConversationParameters(
                is_group=True,
                agent=ChannelAccount(id=place.bot_id),
                tenant_id=place.tenant_id,
                channel_data={"channel": {"id": channel}, "tenant": {"id": place.tenant_id}},
                activity=card_activity(cards[0], summary),
            )
        )
        root = created.activity_id or split_thread(created.id)[1]
        if root is None:
            raise DeliveryFailed("Teams created a post but did not say its id")
        first = PostedMessage(channel=channel, message_id=root)
        return await self._in_chain(client, channel, root, cards[1:], summary, [first])

    async def _in_chain(
        self,
        client: ConnectorClientBase,
        channel: str,
        root: str,
        cards: list[Card],
        summary: str,
        posted: list[PostedMessage],
    ) -> list[PostedMessage]:
        """`cards` as replies in the chain of post `root`, after what is `posted` already."""
        for card in cards:
            reply = await client.conversations.send_to_conversation(
                thread_conversation(channel, root), card_activity(card, summary)
            )
            posted.append(PostedMessage(channel=channel, message_id=reply.id, part=len(posted)))
        return posted

    async def _update(
        self, delivery: Delivery, place: ChannelPlace, effect: Update
    ) -> list[PostedMessage]:
        parts = list(delivery.target)
        channel, root = parts[0].channel, parts[0].message_id
        thread = thread_conversation(channel, root)
        cards = render(effect.content, delivery.session_id)
        posted: list[PostedMessage] = []
        async with self.connection.connector(place.service_url) as client:
            for index, card in enumerate(cards):
                activity = card_activity(card, effect.content.summary)
                if index < len(parts):
                    activity.id = parts[index].message_id
                    await client.conversations.update_activity(thread, activity.id, activity)
                    posted.append(parts[index])
                else:
                    reply = await client.conversations.send_to_conversation(thread, activity)
                    posted.append(PostedMessage(channel=channel, message_id=reply.id, part=index))
            for extra in parts[len(cards) :]:
                await client.conversations.delete_activity(thread, extra.message_id)
        return posted
