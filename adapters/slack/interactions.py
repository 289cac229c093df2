"""Buttons and modal submissions as engine events."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import screening
from adapters.slack.blocks import parse_button, render
from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from adapters.slack.forms import FormTooLarge, form_view, read_submission
from adapters.slack.listeners import Listener
from adapters.slack.responses import answer_press, pressed_privately
from adapters.slack.setup import SetupError, read_setup, rebuilt_for, start_event
from bot.dispatcher import Delivery, DeliveryFailed, RetryLater
from bot.runtime import Runtime
from bot.service import Outcome, SessionNotFound
from dialogs import events as ev
from dialogs.actions import button_event, form_event
from dialogs.content import Content
from dialogs.effects import Ephemeral, OpenForm
from dialogs.messages import explanation
from storage.repositories import Conversation

log = logging.getLogger(__name__)

STALE_BUTTON = "This button no longer belongs to a discussion, so nothing has changed."
GONE = "That discussion no longer exists, so nothing has changed."
TOO_LARGE = (
    "This form has more fields than Slack can show at once, so it could not be opened. Nothing "
    "has changed; please tell your reflectbot administrator."
)


class Interactions:
    """Shared by the listeners: the runtime and a way to answer someone privately at once."""

    def __init__(self, runtime: Runtime, deliverer: SlackDeliverer) -> None:
        self.runtime = runtime
        self.deliverer = deliverer

    async def tell(self, channel: str, effect: Ephemeral, session_id: str = "") -> None:
        """An answer that cannot wait for the outbox (there may be no session to queue it on)."""
        conversation = Conversation(PLATFORM, channel)
        try:
            await self.deliverer.deliver(Delivery(session_id, conversation, effect))
        except (DeliveryFailed, RetryLater) as error:
            log.warning("a private answer could not be delivered: %s", error)

    async def answer(self, ack: AsyncAck, channel: str, user: str, content: Content) -> None:
        """A private answer to a command: in the acknowledgement, or, when it needs more than
        one message, as private messages."""
        parts = render(content, "")
        if len(parts) == 1:
            await ack(text=parts[0].text, blocks=parts[0].blocks)
            return
        await ack()
        await self.tell(channel, Ephemeral(user_id=user, content=content))

    async def handle(
        self,
        session_id: str,
        event: ev.Event,
        channel: str,
        event_id: str | None = None,
        in_place: bool = False,
    ) -> Outcome | None:
        try:
            return await self.runtime.service.handle(
                session_id, event, platform=PLATFORM, event_id=event_id, in_place=in_place
            )
        except SessionNotFound:
            await self.tell(channel, Ephemeral(user_id=event.actor, content=explanation(GONE)))
            return None

    async def open_forms(
        self, client: AsyncWebClient, trigger_id: str, channel: str, outcome: Outcome
    ) -> None:
        session_id = outcome.session_id or ""
        for effect in outcome.immediate:
            if not isinstance(effect, OpenForm):
                continue
            try:
                view = form_view(effect.form, session_id)
            except FormTooLarge:
                log.error("session %s: form %s too large for a modal", session_id, effect.form.id)
                refusal = explanation(TOO_LARGE)
                await self.tell(channel, Ephemeral(user_id=effect.user_id, content=refusal))
                continue
            try:
                await client.views_open(trigger_id=trigger_id, view=view)
            except SlackApiError as error:
                log.warning("views.open failed: %s", error.response.get("error"))

    def button_listener(self) -> Listener:
        async def on_button(
            ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
        ) -> None:
            await ack()
            user = body["user"]["id"]
            channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
                "channel_id", ""
            )
            press = parse_button(action.get("action_id", ""), action.get("value", ""))
            if press is not None and press.action in screening.REQUEST_ACTIONS:
                await screening.press(self, client, body["trigger_id"], channel, user, press)
                return
            event = button_event(press.action, press.value, user) if press else None
            if press is None or event is None:
                await self.tell(channel, Ephemeral(user_id=user, content=explanation(STALE_BUTTON)))
                return
            # Pressed on a message only this person sees: the answer replaces it.
            pressed = pressed_privately(body, channel)
            outcome = await self.handle(
                press.session_id, event, channel, _press_id(body, action), pressed is not None
            )
            if outcome is not None and not outcome.duplicate:
                if pressed is not None:
                    await answer_press(self.deliverer, pressed, press.session_id, outcome.immediate)
                await self.open_forms(client, body["trigger_id"], channel, outcome)

        return on_button

    def form_listener(self) -> Listener:
        async def on_form(
            ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
        ) -> None:
            user = body["user"]["id"]
            try:
                submitted = read_submission(view)
            except (ValueError, KeyError, TypeError):
                submitted = None
            if submitted is not None and submitted.form in screening.REQUEST_FORMS:
                team = (body.get("team") or {}).get("id", "")
                await screening.submit(self, ack, client, user, team, submitted)
                return
            event = (
                form_event(submitted.form, submitted.value, submitted.fields, user)
                if submitted
                else None
            )
            if submitted is None or event is None:
                log.warning("a form submission could not be read")
                await ack()
                return
            async with self.runtime.store.transaction() as uow:
                conversation = await uow.sessions.conversation(submitted.session_id)
            await self.handle(submitted.session_id, event, conversation.key if conversation else "")
            await ack()

        return on_form

    def model_chosen_listener(self) -> Listener:
        """A model chosen in the open setup modal: the modal shows what that model asks."""

        async def on_model_chosen(
            ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
        ) -> None:
            await ack()
            view = body.get("view") or {}
            model_id = (action.get("selected_option") or {}).get("value", "")
            try:
                rebuilt = rebuilt_for(self.runtime.catalogue, view, str(model_id))
                await client.views_update(view_id=view["id"], hash=view.get("hash"), view=rebuilt)
            except (KeyError, TypeError, ValueError):
                log.warning("a setup modal's model choice could not be read")
            except SlackApiError as error:
                # Submitting still checks that the model's confirmations were shown.
                log.warning("views.update failed: %s", error.response.get("error"))

        return on_model_chosen

    def setup_listener(self) -> Listener:
        async def on_setup(
            ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
        ) -> None:
            user = body["user"]["id"]
            try:
                request = read_setup(view)
                start = await start_event(client, self.runtime.catalogue, request, user)
            except SetupError as error:
                await ack(response_action="errors", errors={error.block_id: str(error)})
                return
            conversation = Conversation(PLATFORM, request.channel, {"team_id": request.team})
            outcome = await self.runtime.service.start(conversation, start)
            await ack()
            for effect in outcome.immediate:
                if isinstance(effect, Ephemeral):
                    await self.tell(request.channel, effect)

        return on_setup


def _press_id(body: dict[str, Any], action: dict[str, Any]) -> str:
    """One press, however often Slack's payload arrives (a retry, a replay within the
    signature's five minutes): the same person, trigger and action time make the same id."""
    parts = (
        str((body.get("user") or {}).get("id", "")),
        str(body.get("trigger_id", "")),
        str(action.get("action_ts", "")),
        str(action.get("action_id", "")),
        str(action.get("value", "")),
    )
    return "press:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
