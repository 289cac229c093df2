"""The answer to a press on a message only the person sees (an ephemeral message, or one in
their direct-message channel with the bot): the pressed message is replaced through the press's
`response_url`, as Slack intends. That URL is not a Web API method and is not under the Web
API's rate limits; Slack lets it be used a few times within half an hour of the press.

When the answer cannot be given there (it needs more than one message, or Slack refuses), the
person is told privately where they pressed instead, as before."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import render
from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from bot.dispatcher import Delivery, DeliveryFailed, RetryLater
from dialogs.effects import Effect, Response
from storage.repositories import Conversation

log = logging.getLogger(__name__)

RESPONSE_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Pressed:
    """The message a button was pressed on, when only the person pressing sees it."""

    channel: str
    response_url: str


def pressed_privately(body: dict[str, Any], channel: str) -> Pressed | None:
    """The pressed message of a block_actions payload, if it is one only the person sees and
    Slack gave a response_url to replace it with; None for a message in a shared channel (its
    replacement would show everyone) or without a response_url."""
    container = body.get("container") or {}
    response_url = body.get("response_url")
    if not isinstance(response_url, str) or not response_url or container.get("type") != "message":
        return None
    direct = channel.startswith("D")  # the person's direct-message channel with the bot
    if not (container.get("is_ephemeral") is True or direct):
        return None
    return Pressed(channel=channel, response_url=response_url)


async def replace_pressed(response_url: str, effect: Response, session_id: str) -> bool:
    """Replace the pressed message with the answer; False when it could not be."""
    parts = render(effect.content, session_id)
    if len(parts) != 1:
        return False  # the pressed message is one message: the answer does not fit in it
    webhook = AsyncWebhookClient(response_url, timeout=RESPONSE_TIMEOUT_SECONDS)
    try:
        sent = await webhook.send(text=parts[0].text, blocks=parts[0].blocks, replace_original=True)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("a response to a press could not be sent: %s", type(error).__name__)
        return False
    if sent.status_code != 200:
        log.warning("Slack refused a response to a press: %s %s", sent.status_code, sent.body)
        return False
    return True


async def answer_press(
    deliverer: SlackDeliverer, pressed: Pressed, session_id: str, immediate: list[Effect]
) -> None:
    """Carry out the engine's answers to the press: in place, or else privately where it was
    pressed."""
    for effect in immediate:
        if not isinstance(effect, Response):
            continue
        if await replace_pressed(pressed.response_url, effect, session_id):
            continue
        told = Delivery(session_id, Conversation(PLATFORM, pressed.channel), effect.as_ephemeral())
        try:
            await deliverer.deliver(told)
        except (DeliveryFailed, RetryLater) as error:
            # Pressing again gives the same answer.
            log.warning("session %s: the answer to a press was lost: %s", session_id, error)
