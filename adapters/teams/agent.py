"""Teams activities in, engine events out: the bot's turn handler.

Replies in a question's reply chain are answers; @mentions are commands; card buttons and
Teams dialogs (task modules) are facilitator and participant actions. Everything the engine
decides to show goes through the outbox; only a form (a dialog), and the answer to a press on
a card in the person's own chat with the bot (it replaces the card pressed), are answered
inside the turn.
Requests for a discussion are screening.py's; what follows a session (running it again, the
open actions, the record's files) is followups.py's."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import ClientError
from microsoft_agents.activity import Activity, ChannelAccount, InvokeResponse
from microsoft_agents.hosting.core import ActivityHandler, TurnContext

from adapters.teams import commands
from adapters.teams.cards import FORM_ACTION, render, submitted_fields
from adapters.teams.deliverer import TeamsDeliverer, card_activity
from adapters.teams.exports import Exports, request_origin
from adapters.teams.followups import Followups
from adapters.teams.learning import LearningReports
from adapters.teams.members import MAX_NAME, mentioned, turn_client
from adapters.teams.place import PLATFORM, ChannelPlace, channel_data, split_thread
from adapters.teams.places import KnownPlaces
from adapters.teams.replies import (
    STALE_BUTTON,
    close_dialog,
    dialog_message,
    form_dialog,
    not_handled,
    reply,
)
from adapters.teams.screening import Screening
from adapters.teams.setup import (
    SETUP_ACTION,
    SetupRefused,
    card_person,
    setup_card,
    shown_another_model,
    start_event,
)
from adapters.teams.text import command_text, spoken_text
from bot.runtime import Runtime
from bot.service import Outcome, SessionNotFound, ThreadReply
from dialogs import events as ev
from dialogs import messages
from dialogs.actions import button_event, form_event
from dialogs.effects import Ephemeral, OpenForm, Response
from dialogs.events import Person
from dialogs.models.schema import FacilitationModel

log = logging.getLogger(__name__)

EDITED = frozenset({"editMessage", "undeleteMessage"})
DELETED = "softDeleteMessage"


def _actor(activity: Activity) -> str | None:
    """People are known by their Microsoft Entra object id, never by display name."""
    account = activity.from_property
    return account.aad_object_id if account and account.aad_object_id else None


class ReflectAgent(ActivityHandler):
    def __init__(
        self,
        runtime: Runtime,
        deliverer: TeamsDeliverer,
        exports: Exports,
        places: KnownPlaces,
    ) -> None:
        self.runtime = runtime
        self.deliverer = deliverer
        self.places = places
        self.screening = Screening(runtime, deliverer)
        self.followups = Followups(runtime, deliverer, exports)
        self.learning = LearningReports(runtime, deliverer, exports)

    # -- activities --------------------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:  # type: ignore[override]
        """Every turn from a team channel keeps where it came from, for posts outside a turn."""
        place = ChannelPlace.from_activity(turn_context.activity)
        if place is not None:
            await self.places.heard(place, request_origin.get(""))
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:  # type: ignore[override]
        activity = turn_context.activity
        actor = _actor(activity)
        if actor is None:
            log.info("ignored a message without a Microsoft Entra user")
            return
        if isinstance(activity.value, dict):
            await self._button(turn_context, actor, activity.value)
            return
        channel, root = split_thread(activity.conversation.id)
        if root and root != activity.id:
            text = spoken_text(activity)
            if await self._answer(channel, root, actor, activity.id, text, activity.id):
                return
        personal = activity.conversation.conversation_type == "personal"
        if personal or activity.is_recipient_mentioned():
            await self._command(turn_context, actor)

    async def on_message_update_activity(self, turn_context: TurnContext) -> None:  # type: ignore[override]
        activity = turn_context.activity
        actor = _actor(activity)
        channel, root = split_thread(activity.conversation.id)
        if actor is None or root is None or channel_data(activity).event_type not in EDITED:
            return
        await self._answer(
            channel, root, actor, activity.id, spoken_text(activity), _change_id(activity)
        )

    async def on_message_delete_activity(self, turn_context: TurnContext) -> None:  # type: ignore[override]
        activity = turn_context.activity
        actor = _actor(activity)
        channel, root = split_thread(activity.conversation.id)
        if actor is None or root is None or channel_data(activity).event_type != DELETED:
            return
        deletion = ThreadReply(actor, activity.id, None)
        await self._in_thread(channel, root, deletion, _change_id(activity))

    async def on_members_added_activity(  # type: ignore[override]
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """Say what reflectbot does when it is added to a team, a chat or a person's apps."""
        bot = turn_context.activity.recipient
        if bot and any(member.id == bot.id for member in members_added):
            await turn_context.send_activity(reply(commands.welcome_content()))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:  # type: ignore[override]
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        data = value.get("data") if isinstance(value.get("data"), dict) else {}
        actor = _actor(activity)
        if activity.name == "task/fetch" and actor:
            opened = await self.screening.open_dialog(turn_context, actor, data)
            return opened or await self._open_dialog(actor, data, activity.id)
        if activity.name == "task/submit" and actor:
            submitted = await self.screening.submit(turn_context, actor, data)
            return submitted or await self._submit_dialog(actor, data, activity.id)
        return not_handled()

    # -- answers -----------------------------------------------------------------------

    async def _answer(
        self, channel: str, root: str, actor: str, message_id: str, text: str, event_id: str
    ) -> bool:
        """A reply in a question's reply chain. False when the chain is not a question's."""
        return await self._in_thread(channel, root, ThreadReply(actor, message_id, text), event_id)

    async def _in_thread(self, channel: str, root: str, reply: ThreadReply, event_id: str) -> bool:
        outcome = await self.runtime.service.reply_in_thread(
            PLATFORM, channel, root, reply, event_id
        )
        return outcome is not None

    async def _handle(
        self, session_id: str, event: ev.Event, event_id: str, in_place: bool = False
    ) -> Outcome | None:
        try:
            return await self.runtime.service.handle(
                session_id, event, platform=PLATFORM, event_id=event_id, in_place=in_place
            )
        except SessionNotFound:
            log.info("an activity named session %s, which no longer exists", session_id)
            return None

    # -- buttons and dialogs -----------------------------------------------------------

    async def _button(self, turn_context: TurnContext, actor: str, data: dict[str, Any]) -> None:
        action = str(data.get("action", ""))
        if action == SETUP_ACTION:
            await self._setup_submitted(turn_context, actor, data)
            return
        if await self.screening.press(turn_context, actor, data):
            return
        event = button_event(action, str(data.get("value", "")), actor)
        session_id = str(data.get("session", ""))
        activity = turn_context.activity
        # A card in the person's own chat with the bot (their preview, their copy of the
        # draft): the answer to the press replaces it.
        pressed = (
            activity.reply_to_id
            if activity.conversation and activity.conversation.conversation_type == "personal"
            else None
        )
        outcome = None
        if event is not None and session_id:
            outcome = await self._handle(session_id, event, activity.id, pressed is not None)
        if outcome is None:
            await turn_context.send_activity(reply(messages.explanation(STALE_BUTTON)))
            return
        if pressed is not None and not outcome.duplicate:
            await self._answer_in_place(turn_context, pressed, session_id, outcome)

    async def _answer_in_place(
        self, turn_context: TurnContext, pressed: str, session_id: str, outcome: Outcome
    ) -> None:
        """The card pressed is updated to the answer; where it cannot be (the answer needs more
        than one card, or Teams refuses), the answer is sent in the same chat, as before."""
        for effect in outcome.immediate:
            if not isinstance(effect, Response):
                continue
            cards = render(effect.content, session_id)
            if len(cards) == 1:
                answer = card_activity(cards[0], effect.content.summary)
                answer.id = pressed
                try:
                    await turn_context.update_activity(answer)
                    continue
                except (ClientError, TimeoutError) as error:
                    log.warning("a pressed card could not be updated: %s", type(error).__name__)
            told = effect.as_ephemeral().content
            try:
                for card in render(told, session_id):
                    await turn_context.send_activity(card_activity(card, told.summary))
            except (ClientError, TimeoutError) as error:
                # Pressing again gives the same answer.
                log.warning(
                    "session %s: the answer to a press was lost: %s",
                    session_id,
                    type(error).__name__,
                )

    async def _open_dialog(self, actor: str, data: dict[str, Any], event_id: str) -> InvokeResponse:
        event = button_event(str(data.get("action", "")), str(data.get("value", "")), actor)
        session_id = str(data.get("session", ""))
        outcome = None
        if isinstance(event, ev.RequestForm) and session_id:
            outcome = await self._handle(session_id, event, event_id)
        forms = [e.form for e in outcome.immediate if isinstance(e, OpenForm)] if outcome else []
        if not forms:
            return dialog_message(
                "This form cannot be opened now. If there is a reason, reflectbot has sent it "
                "to you in a private chat."
            )
        return form_dialog(forms[0], session_id)

    async def _submit_dialog(
        self, actor: str, data: dict[str, Any], event_id: str
    ) -> InvokeResponse:
        event = None
        if data.get("action") == FORM_ACTION:
            form, value = str(data.get("form", "")), str(data.get("value", ""))
            event = form_event(form, value, submitted_fields(data), actor)
        session_id = str(data.get("session", ""))
        if (
            event is None
            or not session_id
            or await self._handle(session_id, event, event_id) is None
        ):
            return dialog_message(STALE_BUTTON)
        return close_dialog()

    # -- commands ----------------------------------------------------------------------

    async def _command(self, turn_context: TurnContext, actor: str) -> None:
        activity = turn_context.activity
        command = commands.parse(command_text(activity))
        if command.name == commands.HELP:
            await turn_context.send_activity(reply(commands.help_content()))
            return
        if command.name == commands.MODELS:
            await turn_context.send_activity(reply(commands.models_content(self.runtime.catalogue)))
            return
        if command.name not in commands.COMMANDS:
            await turn_context.send_activity(reply(commands.unknown_content(command.name)))
            return
        place = ChannelPlace.from_activity(activity)
        if place is None:
            await turn_context.send_activity(reply(commands.channel_only_content()))
            return
        if command.name == commands.START:
            await self._offer_setup(turn_context, actor, place, command)
            return
        if command.name == commands.REQUEST:
            await self.screening.offer(turn_context, actor, place)
            return
        if command.name == commands.AGAIN:
            await self.followups.again(turn_context, actor, place)
            return
        if command.name == commands.ACTIONS:
            await self.followups.actions(actor, place)
            return
        if command.name == commands.EXPORT:
            await self.followups.export(actor, place)
            return
        if command.name == commands.LEARNING:
            await self.learning.on_demand(turn_context, actor, place, command.words)
            return
        async with self.runtime.store.transaction() as uow:
            active = await uow.sessions.active_in(PLATFORM, place.channel_id)
        if command.name == commands.STATUS or active is None:
            await turn_context.send_activity(
                reply(messages.status(active.state if active else None))
            )
            return
        event = ev.End(actor=actor) if command.name == commands.END else ev.Cancel(actor=actor)
        await self._handle(active.id, event, activity.id)

    async def _offer_setup(
        self,
        turn_context: TurnContext,
        actor: str,
        place: ChannelPlace,
        command: commands.Command,
    ) -> None:
        activity = turn_context.activity
        found = await mentioned(turn_client(turn_context), place.team_id, activity)
        people = [person for person in found if person.user_id != actor]
        if not people:
            await turn_context.send_activity(reply(commands.start_usage_content()))
            return
        facilitator_name = (activity.from_property.name or "Facilitator")[:MAX_NAME]
        facilitator = Person(user_id=actor, name=facilitator_name)
        model_id = command.words[0] if command.words else None
        request = await self.runtime.service.request_waiting(PLATFORM, actor)
        card = setup_card(facilitator, people, self.runtime.catalogue, model_id, request)
        await turn_context.send_activity(card_activity(card, "Set up a reflective case discussion"))

    async def _setup_submitted(
        self, turn_context: TurnContext, actor: str, data: dict[str, Any]
    ) -> None:
        activity = turn_context.activity
        place = ChannelPlace.from_activity(activity)
        if place is None:
            await turn_context.send_activity(reply(commands.channel_only_content()))
            return
        another = shown_another_model(data, self.runtime.catalogue)
        if another is not None and activity.reply_to_id:
            await self._show_setup_for(turn_context, place, actor, data, another)
            return
        try:
            start = start_event(data, actor, self.runtime.catalogue, self.runtime.clock.now())
        except SetupRefused as refusal:
            await self.deliverer.tell(place, actor, messages.explanation(str(refusal)), "")
            return
        outcome = await self.runtime.service.start(
            place.conversation(), start, event_id=activity.id
        )
        for effect in outcome.immediate:
            if isinstance(effect, Ephemeral):
                await self.deliverer.tell(place, effect.user_id, effect.content, "")
        if outcome.state is not None and activity.reply_to_id:
            done = reply(commands.set_up_content(outcome.state))
            done.id = activity.reply_to_id
            await turn_context.update_activity(done)

    async def _show_setup_for(
        self,
        turn_context: TurnContext,
        place: ChannelPlace,
        actor: str,
        data: dict[str, Any],
        model: FacilitationModel,
    ) -> None:
        """The setup card again, for the model chosen, with everything typed kept."""
        try:
            facilitator = card_person(data["facilitator"])
            people = [card_person(p) for p in data["people"]]
        except (KeyError, TypeError, ValueError):
            unreadable = "This setup card cannot be read. Please type the start command again."
            await self.deliverer.tell(place, actor, messages.explanation(unreadable), "")
            return
        async with self.runtime.store.transaction() as uow:
            request = await uow.requests.get(str(data.get("request") or ""))
        card = setup_card(facilitator, people, self.runtime.catalogue, model.id, request, data)
        again = card_activity(card, "Set up a reflective case discussion")
        again.id = turn_context.activity.reply_to_id
        await turn_context.update_activity(again)
        shown = (
            f"The {model.name} asks you to confirm a few things first: they are now on the "
            "setup card. Please check them and press Start the session again."
        )
        await self.deliverer.tell(place, actor, messages.explanation(shown), "")


def _change_id(activity: Activity) -> str:
    """An edit or deletion keeps the message's id; Teams resends a change with its timestamp."""
    kind = channel_data(activity).event_type or activity.type
    when = activity.timestamp.isoformat() if activity.timestamp else ""
    return f"{kind}:{activity.id}:{when}"
