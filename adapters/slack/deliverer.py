"""Carries out the engine's effects with Slack's Web API."""

from __future__ import annotations

import contextlib
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import MessagePart, render
from adapters.slack.labels import earlier_parts, label
from adapters.slack.pacing import POST_INTERVAL, UPDATE_INTERVAL, Pacer
from bot.dispatcher import Delivery, DeliveryFailed, RetryLater
from dialogs.effects import Destination, DirectMessage, Ephemeral, Post, Update
from storage.repositories import Conversation, PostedMessage

log = logging.getLogger(__name__)

PLATFORM = "slack"
TEMPORARY_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
DEFAULT_RETRY_SECONDS = 5.0


def _failure(error: SlackApiError) -> Exception:
    response = error.response
    code = str(response.get("error", "")) if isinstance(response.data, dict) else ""
    if response.status_code == 429 or code == "ratelimited":
        after = response.headers.get("Retry-After", DEFAULT_RETRY_SECONDS)
        return RetryLater(float(after), "Slack rate limit")
    if response.status_code >= 500 or code in TEMPORARY_ERRORS:
        return RetryLater(DEFAULT_RETRY_SECONDS, f"Slack error {response.status_code} {code}")
    return DeliveryFailed(f"Slack refused: {code or response.status_code}")


class SlackDeliverer:
    def __init__(
        self,
        client: AsyncWebClient,
        pacer: Pacer,
        learning_channel: str | None = None,
        screening_channel: str | None = None,
    ) -> None:
        self.client = client
        self.pacer = pacer
        # Channels configured for posts that do not belong in the session's own channel.
        self.configured = {
            Destination.LEARNING: learning_channel,
            Destination.SCREENING: screening_channel,
        }
        self.direct_channels: dict[str, str] = {}

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        try:
            return await self._deliver(delivery)
        except SlackApiError as error:
            raise _failure(error) from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(DEFAULT_RETRY_SECONDS, type(error).__name__) from error

    async def _deliver(self, delivery: Delivery) -> list[PostedMessage]:
        effect = delivery.effect
        if isinstance(effect, Post):
            return await self._post(delivery, effect, render(effect.content, delivery.session_id))
        if isinstance(effect, Update):
            if effect.lazy:
                return list(delivery.target)  # the next post shows it: not worth a call
            parts = render(effect.content, delivery.session_id)
            return await self._update(delivery, parts)
        if isinstance(effect, Ephemeral):
            thread = _thread_ts(delivery) if effect.thread else None
            for part in render(effect.content, delivery.session_id):
                await self.client.chat_postEphemeral(
                    channel=delivery.conversation.key,
                    user=effect.user_id,
                    blocks=part.blocks,
                    text=part.text,
                    thread_ts=thread,
                )
            return []
        if isinstance(effect, DirectMessage):
            parts = render(effect.content, delivery.session_id)
            await self._post_once(delivery, await self._direct_channel(effect.user_id), None, parts)
            return []  # nothing refers to a direct message later
        raise DeliveryFailed(f"{effect.type} is not delivered through the outbox")

    async def _direct_channel(self, user_id: str) -> str:
        """The person's direct-message channel with the bot, opened once per process: Slack
        keeps one such channel per person, so its id does not change."""
        channel = self.direct_channels.get(user_id)
        if channel is None:
            opened = await self.client.conversations_open(users=user_id)
            channel = self.direct_channels[user_id] = opened["channel"]["id"]
        return channel

    async def _post(
        self, delivery: Delivery, effect: Post, parts: list[MessagePart]
    ) -> list[PostedMessage]:
        channel = delivery.conversation.key
        if effect.destination is not Destination.SESSION:
            configured = effect.channel or self.configured.get(effect.destination)
            if not configured:
                log.info(
                    "session %s: %s post dropped, its channel is not configured",
                    delivery.session_id,
                    effect.destination.value,
                )
                return []
            channel = configured
        thread = _thread_ts(delivery) if effect.thread else None
        return await self._post_once(delivery, channel, thread, parts)

    async def _post_once(
        self, delivery: Delivery, channel: str, thread: str | None, parts: list[MessagePart]
    ) -> list[PostedMessage]:
        """Post the parts, unless an earlier attempt at this delivery already did."""
        if delivery.uncertain:
            earlier = await earlier_parts(
                self.client, channel, thread, delivery.outbox_id, self.pacer.clock.now()
            )
            if sorted(earlier) == list(range(len(parts))):
                log.info(
                    "session %s: outbox item %s was already posted; not posting it again",
                    delivery.session_id,
                    delivery.outbox_id,
                )
                return [earlier[number] for number in range(len(parts))]
            # Only some parts got through: take them back and post the whole message afresh.
            await self._take_back(channel, list(earlier.values()))
        posted: list[PostedMessage] = []
        try:
            for number, part in enumerate(parts):
                posted.append(
                    await self._post_part(channel, part, number, thread, delivery.outbox_id)
                )
        except (SlackApiError, aiohttp.ClientError, TimeoutError):
            # The whole post is tried again later: take back the parts that got through, so
            # that the retry does not show them twice.
            await self._take_back(channel, posted)
            raise
        return posted

    async def retract(self, conversation: Conversation, message: PostedMessage) -> None:
        """Delete one of the bot's own posts (erasure). A post already gone counts as done."""
        try:
            await self.client.chat_delete(channel=message.channel, ts=message.message_id)
        except SlackApiError as error:
            if error.response.get("error") != "message_not_found":
                raise DeliveryFailed(f"Slack refused ({error.response.get('error')})") from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryFailed(f"Slack could not be reached ({type(error).__name__})") from error

    async def _take_back(self, channel: str, parts: list[PostedMessage]) -> None:
        for part in parts:
            with contextlib.suppress(SlackApiError, aiohttp.ClientError, TimeoutError):
                await self.client.chat_delete(channel=channel, ts=part.message_id)

    async def _post_part(
        self,
        channel: str,
        part: MessagePart,
        number: int,
        thread: str | None = None,
        outbox_id: int = 0,
    ) -> PostedMessage:
        await self.pacer.wait(f"post:{channel}", POST_INTERVAL)
        posted = await self.client.chat_postMessage(
            channel=channel,
            blocks=part.blocks,
            text=part.text,
            thread_ts=thread,
            # The outbox row, for finding this post again if its answer is lost (labels.py).
            metadata=label(outbox_id, number) if outbox_id else None,
        )
        return PostedMessage(channel=posted["channel"], message_id=posted["ts"], part=number)

    async def _update(self, delivery: Delivery, parts: list[MessagePart]) -> list[PostedMessage]:
        """Update each part in place, add parts the new content needs (unless an earlier
        attempt added them), delete those it no longer needs."""
        target = delivery.target
        added: dict[int, PostedMessage] = {}
        if delivery.uncertain and len(parts) > len(target):
            now = self.pacer.clock.now()
            added = await earlier_parts(
                self.client, target[0].channel, None, delivery.outbox_id, now
            )
        result: list[PostedMessage] = []
        for number, part in enumerate(parts):
            if number < len(target):
                old = target[number]
                await self.pacer.wait("update", UPDATE_INTERVAL)
                await self.client.chat_update(
                    channel=old.channel, ts=old.message_id, blocks=part.blocks, text=part.text
                )
                result.append(PostedMessage(old.channel, old.message_id, number))
            elif number in added:
                result.append(added[number])
            else:
                channel = target[0].channel
                outbox_id = delivery.outbox_id
                result.append(await self._post_part(channel, part, number, outbox_id=outbox_id))
        for extra in target[len(parts) :]:
            try:
                await self.client.chat_delete(channel=extra.channel, ts=extra.message_id)
            except SlackApiError as error:
                if error.response.get("error") != "message_not_found":
                    raise
        return result


def _thread_ts(delivery: Delivery) -> str | None:
    return delivery.target[0].message_id if delivery.target else None
