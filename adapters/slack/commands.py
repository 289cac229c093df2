"""`/reflect` and its subcommands."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import screening
from adapters.slack.deliverer import PLATFORM
from adapters.slack.exports import export_record
from adapters.slack.followups import list_actions, run_again
from adapters.slack.interactions import Interactions
from adapters.slack.learning import SlackLearningPublisher
from adapters.slack.listeners import Listener
from adapters.slack.setup import setup_view
from adapters.slack.text import MENTION, escape
from bot.runtime import Runtime
from dialogs import events as ev
from dialogs.messages import status

log = logging.getLogger(__name__)

COMMAND = "/reflect"

HELP = """\
*/reflect* opens a form to start a reflective case discussion in this channel.
*/reflect start MODEL @person @person …* opens the same form with the model and participants filled in.
*/reflect models* lists the facilitation models.
*/reflect status* says where the discussion in this channel is.
*/reflect end* ends the discussion and drafts the record (facilitator).
*/reflect cancel* cancels the session without a record (facilitator).
*/reflect request* asks for a discussion: a screener finds a facilitator with no involvement.
*/reflect again [@facilitator] [@presenter]* runs the channel's last discussion again, with the same people.
*/reflect actions* lists the open agreed actions you follow here: those of the discussions you facilitated, and your own.
*/reflect export docx|pdf* uploads the published record as a Word or PDF file (facilitator).
*/reflect learning [FROM TO]* uploads the learning report for a period (in a learning channel).
*/reflect help* shows this help.
Participants answer each question by replying in its thread."""

NOT_A_MEMBER = (
    "I am not in this channel yet, so I could not run a discussion here. Invite me with "
    "/invite @reflectbot, then try /reflect again."
)
NOT_A_CHANNEL = "A discussion runs in the team's channel. Please use /reflect there."
CHECK_TIMEOUT = 1.0  # seconds; Slack's form trigger expires 3 seconds after the command
NO_SESSION = "There is no reflective discussion running in this channel. Start one with /reflect."


def models_text(runtime: Runtime) -> str:
    lines = [f"• *{escape(m.name)}* — `{escape(m.id)}`" for m in runtime.catalogue]
    return "Facilitation models you can use:\n" + "\n".join(lines)


def slash_command(interactions: Interactions, learning: SlackLearningPublisher) -> Listener:
    runtime = interactions.runtime

    async def on_reflect(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        verb, _, rest = (command.get("text") or "").strip().partition(" ")
        verb = verb.lower()
        channel, user = command["channel_id"], command["user_id"]
        if verb in ("", "start"):
            await _open_setup(runtime, ack, command, client, rest)
        elif verb == "help":
            await ack(HELP)
        elif verb == "models":
            await ack(models_text(runtime))
        elif verb == "status":
            await _status(interactions, ack, channel, user)
        elif verb in ("end", "cancel"):
            await _end_or_cancel(runtime, ack, verb, channel, user)
        elif verb == "request":
            trigger = command["trigger_id"]
            refusal = await screening.open_request_form(interactions, client, trigger, channel)
            await ack(refusal or "")
        elif verb == "again":
            await run_again(interactions, ack, channel, user, rest)
        elif verb == "actions":
            await list_actions(interactions, ack, channel, user)
        elif verb == "export":
            refusal = await export_record(runtime, client, channel, user, rest.strip().lower())
            await ack(refusal or "")
        elif verb == "learning":
            await ack(learning.ask(runtime, channel, user, rest))
        else:
            await ack(f"I do not know “{escape(verb)}”.\n{HELP}")

    return on_reflect


async def _open_setup(
    runtime: Runtime, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, rest: str
) -> None:
    participants = tuple(dict.fromkeys(MENTION.findall(rest)))
    words = MENTION.sub(" ", rest).split()
    model = None
    if words:
        model = runtime.catalogue.get(words[0])
        if model is None:
            await ack(f"I do not know the model “{escape(words[0])}”.\n{models_text(runtime)}")
            return
    problem = await _channel_problem(client, command["channel_id"])
    if problem:
        await ack(problem)
        return
    view = setup_view(
        runtime.catalogue,
        channel=command["channel_id"],
        team=command.get("team_id", ""),
        model=model,
        participants=participants,
        request=await runtime.service.request_waiting(PLATFORM, command["user_id"]),
    )
    try:
        await client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        await ack("Slack could not open the form just now. Please try /reflect again.")
        return
    await ack()


async def _channel_problem(client: AsyncWebClient, channel: str) -> str | None:
    """Why a discussion cannot run in this conversation, if Slack says so. A failed check does
    not stop anyone: the session's own posts will show whether the channel works."""
    if channel.startswith("D"):
        return NOT_A_CHANNEL
    try:
        info = await asyncio.wait_for(client.conversations_info(channel=channel), CHECK_TIMEOUT)
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "channel_not_found":  # how a private channel looks from outside
            return NOT_A_MEMBER
        log.warning("conversations.info failed: %s", code)
        return None
    except (aiohttp.ClientError, TimeoutError):
        return None
    details = info.get("channel") or {}
    if details.get("is_im") or details.get("is_mpim"):
        return NOT_A_CHANNEL
    return None if details.get("is_member") else NOT_A_MEMBER


async def _status(interactions: Interactions, ack: AsyncAck, channel: str, user: str) -> None:
    async with interactions.runtime.store.transaction() as uow:
        latest = await uow.sessions.in_conversation(PLATFORM, channel, limit=1)
    if not latest:
        await ack(NO_SESSION)
        return
    await interactions.answer(ack, channel, user, status(latest[0].state))


async def _end_or_cancel(
    runtime: Runtime, ack: AsyncAck, verb: str, channel: str, user: str
) -> None:
    async with runtime.store.transaction() as uow:
        active = await uow.sessions.active_in(PLATFORM, channel)
    if active is None:
        await ack(NO_SESSION)
        return
    event = ev.End(actor=user) if verb == "end" else ev.Cancel(actor=user)
    await runtime.service.handle(active.id, event, platform=PLATFORM)
    await ack()
