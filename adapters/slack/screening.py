"""Asking for a discussion in Slack: `/reflect request`, the screening post's buttons and forms,
and the facilitator's answer. Every decision is the engine's (dialogs.requests)."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import ButtonPress
from adapters.slack.deliverer import PLATFORM
from adapters.slack.forms import Submission, form_view
from adapters.slack.setup import resolve_people
from bot.service import SessionNotFound
from dialogs.content import ActionId, Form, FormId
from dialogs.effects import Ephemeral
from dialogs.messages import explanation
from dialogs.requests import (
    RequestEvent,
    criterion_question,
    request_button,
    request_form,
    screening_decision,
    submitted_request,
    unanswered_criterion,
)
from storage.repositories import Conversation

if TYPE_CHECKING:
    from adapters.slack.interactions import Interactions

log = logging.getLogger(__name__)

REQUEST_ACTIONS = frozenset(
    {
        ActionId.SCREEN_ACCEPT,
        ActionId.SCREEN_DECLINE,
        ActionId.CONFIRM_NOT_INVOLVED,
        ActionId.CONFIRM_INVOLVED,
    }
)
REQUEST_FORMS = frozenset({FormId.REQUEST, FormId.ACCEPT_REQUEST, FormId.DECLINE_REQUEST})
NO_SCREENING = (
    "Requests for a discussion go to a screening channel, and none is set up for reflectbot "
    "here. Please ask your reflectbot administrator to set REFLECTBOT_SCREENING_CHANNEL."
)
REQUEST_GONE = "That request no longer exists, so nothing has changed."
CHECK_FIELDS = "Please fill in every field, each within its length."


async def open_request_form(
    interactions: Interactions, client: AsyncWebClient, trigger_id: str, channel: str
) -> str | None:
    """Opens the request modal; returns what to tell the person instead, if it cannot."""
    if not interactions.runtime.settings.screening_channel:
        return NO_SCREENING
    try:
        # No request exists before the form is sent: the channel asked in travels instead.
        await client.views_open(trigger_id=trigger_id, view=form_view(request_form(), "", channel))
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return "Slack could not open the form just now. Please try /reflect request again."
    return None


async def press(
    interactions: Interactions,
    client: AsyncWebClient,
    trigger_id: str,
    channel: str,
    user: str,
    button: ButtonPress,
) -> None:
    """A screening post's Accept… or Decline…, or the facilitator's answer in their DM."""
    meaning = request_button(button.action, button.value, user)
    if isinstance(meaning, Form):
        try:
            await client.views_open(trigger_id=trigger_id, view=form_view(meaning, button.value))
        except SlackApiError as error:
            log.warning("views.open failed: %s", error.response.get("error"))
        return
    if meaning is None or not await _handle(interactions, button.value, meaning):
        refusal = Ephemeral(user_id=user, content=explanation(REQUEST_GONE))
        await interactions.tell(channel, refusal)


async def submit(
    interactions: Interactions,
    ack: AsyncAck,
    client: AsyncWebClient,
    user: str,
    team: str,
    submitted: Submission,
) -> None:
    """The request form, or a screener's accept or decline form."""
    if submitted.form is FormId.REQUEST:
        await _submit_request(interactions, ack, client, user, team, submitted)
        return
    unanswered = unanswered_criterion(submitted.fields)
    if unanswered:
        await ack(
            response_action="errors", errors={f"{unanswered}.0": criterion_question(unanswered)}
        )
        return
    facilitator_id = submitted.fields.get("facilitator", "")
    people = await resolve_people(client, [facilitator_id]) if facilitator_id else {}
    event = screening_decision(submitted.form, submitted.fields, user, people.get(facilitator_id))
    field = "facilitator.0" if submitted.form is FormId.ACCEPT_REQUEST else "reason.0"
    if event is None:
        await ack(response_action="errors", errors={field: CHECK_FIELDS})
    elif await _handle(interactions, submitted.value, event):
        await ack()
    else:
        await ack(response_action="errors", errors={field: REQUEST_GONE})


async def _submit_request(
    interactions: Interactions,
    ack: AsyncAck,
    client: AsyncWebClient,
    user: str,
    team: str,
    submitted: Submission,
) -> None:
    runtime = interactions.runtime
    if not runtime.settings.screening_channel:
        await ack(response_action="errors", errors={"case_reference.0": NO_SCREENING})
        return
    requester = (await resolve_people(client, [user]))[user]
    event = submitted_request(
        submitted.fields, actor=user, request_id=uuid.uuid4().hex, requester=requester
    )
    if event is None:
        await ack(response_action="errors", errors={"why_stuck.0": CHECK_FIELDS})
        return
    conversation = Conversation(PLATFORM, submitted.channel, {"team_id": team})
    outcome = await runtime.service.submit_request(conversation, event)
    refusals = [e for e in outcome.immediate if isinstance(e, Ephemeral)]
    if outcome.session_id is None and refusals:
        # Refused (it seems to name the family): keep the modal open so nothing typed is lost.
        reason = " ".join(block.text for block in refusals[0].content.blocks)
        await ack(response_action="errors", errors={"why_stuck.0": reason[:2000]})
        return
    await ack()
    log.info("request %s sent for screening", outcome.session_id)


async def _handle(interactions: Interactions, request_id: str, event: RequestEvent) -> bool:
    """Whether the request was there to handle the event."""
    try:
        await interactions.runtime.service.handle_request(request_id, event, platform=PLATFORM)
    except SessionNotFound:
        return False
    return True
