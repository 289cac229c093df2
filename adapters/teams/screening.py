"""Requests for a discussion in Teams: `@reflectbot request`, the request dialog, screening in
the REFLECTBOT_SCREENING_CHANNEL (accept with a facilitator, or decline with a reason), and the
facilitator's answer in their 1:1 chat. The meaning of each is dialogs.requests'."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from microsoft_agents.activity import InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from adapters.teams.cards import Card, action_data, adaptive_card, submitted_fields
from adapters.teams.deliverer import TeamsDeliverer, card_activity
from adapters.teams.members import MAX_NAME, member, team_members, turn_client
from adapters.teams.place import PLATFORM, ChannelPlace
from adapters.teams.replies import (
    STALE_BUTTON,
    close_dialog,
    dialog_message,
    form_dialog,
    reply,
)
from bot.runtime import Runtime
from bot.service import SessionNotFound
from dialogs import messages
from dialogs.content import Form, FormId
from dialogs.effects import Ephemeral
from dialogs.events import Person
from dialogs.requests import (
    RequestEvent,
    criterion_question,
    request_button,
    request_form,
    screening_decision,
    submitted_request,
    unanswered_criterion,
)

log = logging.getLogger(__name__)

# The button on `@reflectbot request`'s answer that opens the request dialog.
ASK_ACTION = "ask"
NOT_CONFIGURED = (
    "Requests cannot be sent yet: no screening channel is set up for reflectbot. Please ask "
    "your administrator to set REFLECTBOT_SCREENING_CHANNEL."
)
INCOMPLETE = (
    "Please fill in the case reference (up to 64 characters), the agencies involved and why "
    "the case feels stuck, then send it again."
)
NOT_A_MEMBER = (
    "Please choose a facilitator from the list: a member of the team where the request was made."
)
NO_REASON = "Please give a reason of up to 1000 characters."


def ask_card() -> Card:
    data = action_data(ASK_ACTION, session_id="") | {"msteams": {"type": "task/fetch"}}
    return adaptive_card(
        [
            {
                "type": "TextBlock",
                "text": "Ask for a reflective case discussion",
                "weight": "Bolder",
                "wrap": True,
            },
            {
                "type": "TextBlock",
                "text": "A screener reads your request and tells you privately whether it is "
                "taken forward.",
                "wrap": True,
            },
        ],
        [{"type": "Action.Submit", "title": "Ask for a discussion…", "data": data}],
    )


class Screening:
    def __init__(self, runtime: Runtime, deliverer: TeamsDeliverer) -> None:
        self.runtime = runtime
        self.deliverer = deliverer

    async def offer(self, turn_context: TurnContext, actor: str, place: ChannelPlace) -> None:
        """`@reflectbot request`: the button that opens the request dialog, if screening is set
        up; otherwise the requester is told privately, before writing anything."""
        if not self.runtime.settings.screening_channel:
            log.info("a request was asked for, but no screening channel is configured")
            await self.deliverer.tell(place, actor, messages.explanation(NOT_CONFIGURED), "")
            return
        await turn_context.send_activity(
            card_activity(ask_card(), "Ask for a reflective case discussion")
        )

    async def open_dialog(
        self, turn_context: TurnContext, actor: str, data: dict[str, Any]
    ) -> InvokeResponse | None:
        """The request dialog, or a screening one; None for any other button."""
        action, request_id = str(data.get("action", "")), str(data.get("value", ""))
        if action == ASK_ACTION:
            return form_dialog(request_form(), session_id="")
        opened = request_button(action, request_id, actor)
        if not isinstance(opened, Form):
            return None
        people: tuple[Person, ...] = ()
        if opened.id is FormId.ACCEPT_REQUEST:
            place = await self._place_of(request_id)
            if place is None:
                return dialog_message(STALE_BUTTON)
            people = await team_members(turn_client(turn_context), place.team_id)
        return form_dialog(opened, request_id, people)

    async def submit(
        self, turn_context: TurnContext, actor: str, data: dict[str, Any]
    ) -> InvokeResponse | None:
        """A submitted request or screening dialog; None for any other form."""
        form, request_id = str(data.get("form", "")), str(data.get("value", ""))
        fields = submitted_fields(data)
        if form == FormId.REQUEST:
            return await self._submit_request(turn_context, actor, fields)
        if form not in (FormId.ACCEPT_REQUEST, FormId.DECLINE_REQUEST):
            return None
        facilitator = None
        if form == FormId.ACCEPT_REQUEST:
            place = await self._place_of(request_id)
            if place is None:
                return dialog_message(STALE_BUTTON)
            chosen = fields.get("facilitator", "")
            if chosen:
                facilitator = await member(turn_client(turn_context), place.team_id, chosen)
        unanswered = unanswered_criterion(fields)
        if unanswered:
            return dialog_message(criterion_question(unanswered))
        event = screening_decision(form, fields, actor, facilitator)
        if event is None:
            return dialog_message(NOT_A_MEMBER if form == FormId.ACCEPT_REQUEST else NO_REASON)
        handled = await self._handle(request_id, event, turn_context.activity.id or "")
        return close_dialog() if handled else dialog_message(STALE_BUTTON)

    async def press(self, turn_context: TurnContext, actor: str, data: dict[str, Any]) -> bool:
        """The facilitator's answer from their 1:1 chat. False if the button is not a request's."""
        request_id = str(data.get("value", ""))
        event = request_button(str(data.get("action", "")), request_id, actor)
        if not isinstance(event, RequestEvent):
            return False
        if not await self._handle(request_id, event, turn_context.activity.id or ""):
            await turn_context.send_activity(reply(messages.explanation(STALE_BUTTON)))
        return True

    async def _submit_request(
        self, turn_context: TurnContext, actor: str, fields: dict[str, str]
    ) -> InvokeResponse:
        activity = turn_context.activity
        place = ChannelPlace.from_activity(activity)
        if place is None:
            return dialog_message("Please ask for a discussion from a team channel.")
        name = (activity.from_property.name or "Requester")[:MAX_NAME]
        event = submitted_request(
            fields,
            actor=actor,
            request_id=uuid.uuid4().hex,
            requester=Person(user_id=actor, name=name),
        )
        if event is None:
            return dialog_message(INCOMPLETE)
        outcome = await self.runtime.service.submit_request(
            place.conversation(), event, event_id=activity.id
        )
        # A refused request has no stream to queue its answer on: it is said here.
        for effect in outcome.immediate:
            if isinstance(effect, Ephemeral):
                await self.deliverer.tell(place, effect.user_id, effect.content, "")
        return close_dialog()

    async def _place_of(self, request_id: str) -> ChannelPlace | None:
        """Where the request was made: its team is where facilitators are chosen from, so that
        reflectbot can reach them privately."""
        async with self.runtime.store.transaction() as uow:
            if await uow.requests.get(request_id) is None:
                return None
            conversation = await uow.sessions.conversation(request_id)
        return ChannelPlace.from_conversation(conversation) if conversation else None

    async def _handle(self, request_id: str, event: RequestEvent, event_id: str) -> bool:
        try:
            await self.runtime.service.handle_request(
                request_id, event, platform=PLATFORM, event_id=event_id
            )
        except SessionNotFound:
            log.info("an activity named request %s, which does not exist", request_id)
            return False
        return True
