"""`/reflect` and its subcommands."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliverer import PLATFORM
from adapters.slack.listeners import Listener
from adapters.slack.setup import setup_view
from adapters.slack.text import escape
from bot.runtime import Runtime
from dialogs import events as ev
from dialogs.messages import when
from dialogs.state import Phase, SessionState

log = logging.getLogger(__name__)

COMMAND = "/reflect"
# With "escape channels, users and links" on, Slack sends a mention as <@U123|name>.
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")

HELP = """\
*/reflect* opens a form to start a reflective case discussion in this channel.
*/reflect start MODEL @person @person …* opens the same form with the model and participants filled in.
*/reflect models* lists the facilitation models.
*/reflect status* says where the discussion in this channel is.
*/reflect end* ends the discussion and drafts the record (facilitator).
*/reflect cancel* cancels the session without a record (facilitator).
*/reflect help* shows this help.
Participants answer each question by replying in its thread."""

NOT_A_MEMBER = (
    "I am not in this channel yet, so I could not run a discussion here. Invite me with "
    "/invite @reflectbot, then try /reflect again."
)
NOT_A_CHANNEL = "A discussion runs in the team's channel. Please use /reflect there."
CHECK_TIMEOUT = 1.0  # seconds; Slack's form trigger expires 3 seconds after the command
NO_SESSION = "There is no reflective discussion running in this channel. Start one with /reflect."

PHASE_WORDS = {
    Phase.SCHEDULED: "scheduled",
    Phase.GROUND_RULES: "waiting for everyone to agree to the ground rules",
    Phase.RUNNING: "under way",
    Phase.RECORD_DRAFT: "over; the facilitator is reviewing the draft record",
    Phase.AWAITING_APPROVAL: "over; the record is waiting for the facilitator's approval",
}


def models_text(runtime: Runtime) -> str:
    lines = [f"• *{escape(m.name)}* — `{escape(m.id)}`" for m in runtime.catalogue]
    return "Facilitation models you can use:\n" + "\n".join(lines)


def status_text(state: SessionState) -> str:
    words = (
        f"A {escape(state.model.name)} discussion is {PHASE_WORDS.get(state.phase, state.phase)}"
    )
    if state.phase is Phase.SCHEDULED:
        words += f" for {when(state)}"
    stage = state.stage
    if state.phase is Phase.RUNNING and stage is not None:
        number = state.stage_index + 1
        words += f": stage {number} of {len(state.model.stages)}, {escape(stage.title)}"
        if state.paused_at:
            words += " (paused)"
    return words + "."


def slash_command(runtime: Runtime) -> Listener:
    async def on_reflect(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        verb, _, rest = (command.get("text") or "").strip().partition(" ")
        verb = verb.lower()
        if verb in ("", "start"):
            await _open_setup(runtime, ack, command, client, rest)
        elif verb == "help":
            await ack(HELP)
        elif verb == "models":
            await ack(models_text(runtime))
        elif verb in ("status", "end", "cancel"):
            await _about_session(runtime, ack, verb, command["channel_id"], command["user_id"])
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


async def _about_session(
    runtime: Runtime, ack: AsyncAck, verb: str, channel: str, user: str
) -> None:
    async with runtime.store.transaction() as uow:
        active = await uow.sessions.active_in(PLATFORM, channel)
    if active is None:
        await ack(NO_SESSION)
        return
    if verb == "status":
        await ack(status_text(active.state))
        return
    event = ev.End(actor=user) if verb == "end" else ev.Cancel(actor=user)
    await runtime.service.handle(active.id, event, platform=PLATFORM)
    await ack()
