"""Drives the real web app as Teams would, and runs whole sessions through it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient
from teams_activities import (
    CHANNEL,
    FACILITATOR,
    HEALTH,
    PARTICIPANTS,
    PEOPLE,
    POLICE,
    PRESENTER,
    Activities,
    Person,
)
from teams_fake_connector import FakeConnector, Message

from adapters.teams.text import escape
from bot.runtime import Runtime
from dialogs.models.schema import Asked, FacilitationModel, QuestionKind
from dialogs.state import Phase, SessionState

BY_AAD = {person.aad_id: person for person in PEOPLE}
AGENCIES = {PRESENTER: "Social work", POLICE: "Police", HEALTH: "Health visiting"}
KEY_POINTS = "The group agreed the plan & the risks: <b>no</b> surprises."
RECORD_NOTE = "Checked by the facilitator."


def _channel(message: Message) -> str:
    """The channel a message is in; 1:1 chats' cards are treated as the session channel's."""
    return message.conversation if message.conversation.startswith("19:") else CHANNEL


@dataclass
class Reply:
    status: int
    body: Any


class TeamsChannel:
    def __init__(
        self, web: TestClient, connector: FakeConnector, runtime: Runtime, activities: Activities
    ) -> None:
        self.web = web
        self.connector = connector
        self.runtime = runtime
        self.acts = activities

    async def send(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        """POST one activity to /api/messages, then let the dispatcher deliver what it queued."""
        response = await self.web.post("/api/messages", json=activity, headers=headers)
        body = await response.json() if response.content_type == "application/json" else None
        await self.runtime.dispatcher.drain()
        return Reply(response.status, body)

    async def state(self, session_id: str) -> SessionState:
        async with self.runtime.store.transaction() as uow:
            stored = await uow.sessions.get(session_id)
        assert stored is not None
        return stored.state

    async def post_of(self, session_id: str, key: str) -> Message:
        async with self.runtime.store.transaction() as uow:
            parts = await uow.messages.parts(session_id, key)
        assert parts, f"{key} was never posted"
        return self.connector.messages[parts[0].message_id]

    # -- steps ---------------------------------------------------------------------------

    async def start(
        self,
        model_id: str,
        people: tuple[Person, ...] = PARTICIPANTS,
        lead: Person | None = PRESENTER,
        pacing: str = "live",
        **inputs: str,
    ) -> str:
        """Type the start command, fill in the setup card (`inputs` fills in more of it);
        returns the session id, or "" when no session started."""
        command = self.acts.command(FACILITATOR, f"start {model_id}", people)
        await self.send(command)
        setup = self.connector.replies(CHANNEL, command["id"])[-1]
        data = (
            setup.button("setup")
            | {
                "model": model_id,
                "lead": lead.aad_id if lead else "",
                "case_reference": "RCD-0417",
                "pacing": pacing,
                "stage_hours": "24",
            }
            | {f"agency:{p.aad_id}": AGENCIES[p] for p in people if p in AGENCIES}
            | self.declared(model_id)
            | inputs
        )
        reply = await self.send(self.acts.submit(FACILITATOR, command["id"], setup.id, data))
        assert reply.status == 202
        async with self.runtime.store.transaction() as uow:
            active = await uow.sessions.active_in("teams", CHANNEL)
        return active.id if active else ""

    def declared(self, model_id: str) -> dict[str, str]:
        """The facilitator's declaration of no involvement, where the model requires it."""
        model = self.runtime.catalogue.get(model_id)
        return (
            {"no_involvement": "true"} if model and model.requires_independent_facilitator else {}
        )

    async def press(
        self, person: Person, message: Message, action: str, value: str | None = None
    ) -> Reply:
        return await self.send(
            self.acts.submit(person, message.root, message.id, message.button(action, value))
        )

    async def open_dialog(self, person: Person, message: Message, action: str) -> Reply:
        return await self.send(
            self.acts.invoke(
                person, "task/fetch", message.root, message.button(action), _channel(message)
            )
        )

    async def submit_dialog(
        self,
        person: Person,
        root: str,
        dialog: Reply,
        fields: dict[str, str],
        channel: str = CHANNEL,
    ) -> Reply:
        card = dialog.body["task"]["value"]["card"]["content"]
        data = dict(card["actions"][0]["data"])
        for element in card["body"]:
            if element.get("type", "").startswith("Input."):
                data[element["id"]] = fields.get(element["id"], element.get("value", ""))
        return await self.send(self.acts.invoke(person, "task/submit", root, data, channel))

    async def begin(self, session_id: str) -> None:
        root = await self.post_of(session_id, "root")
        for person in PARTICIPANTS:
            await self.press(person, root, "agree")
        await self.press(FACILITATOR, root, "begin")

    async def advance(self, session_id: str) -> SessionState:
        """One step of the discussion: the key points asked for, or every open question."""
        state = await self.state(session_id)
        if state.awaiting_key_points:
            await self.write_key_points(session_id, state.awaiting_key_points)
        elif not any(state.waiting_for(q.id) for q in state.open_questions):
            await self.move_on(session_id)  # a timed step waits for the facilitator
        for question in state.open_questions:
            await self.answer_all(session_id, state.model, question.id, state)
        return await self.state(session_id)

    async def move_on(self, session_id: str) -> None:
        """The facilitator presses Next, and confirms it (in their 1:1 chat) if the step has
        not had its minimum."""
        question_id = (await self.state(session_id)).open_questions[0].id
        chat_before = len(self.connector.chat(FACILITATOR.teams_id))
        await self.press(FACILITATOR, await self.post_of(session_id, f"q:{question_id}"), "next")
        for card in self.connector.chat(FACILITATOR.teams_id)[chat_before:]:
            if any(b["data"].get("action") == "move_on_early" for b in card.buttons()):
                await self.send(
                    self.acts.personal_submit(FACILITATOR, card.id, card.button("move_on_early"))
                )

    async def run_until_open(self, session_id: str, question_id: str) -> None:
        await self.begin(session_id)
        state = await self.state(session_id)
        while question_id not in {q.id for q in state.open_questions}:
            state = await self.advance(session_id)

    async def run(self, model: FacilitationModel) -> str:
        """A whole session from `start` to the published record."""
        session_id = await self.start(model.id)
        await self.begin(session_id)
        state = await self.state(session_id)
        while state.phase is Phase.RUNNING:
            state = await self.advance(session_id)
        await self.approve_record(session_id)
        return session_id

    async def write_key_points(
        self, session_id: str, stage_id: str, fields: dict[str, str] | None = None
    ) -> Reply:
        """Open the stage's dialog, write the key points (if it asks for them) and fill each
        of its fields (with `fields[id]`, or the same words). Returns the dialog."""
        post = await self.post_of(session_id, f"kp:{stage_id}")
        dialog = await self.open_dialog(FACILITATOR, post, "key_points")
        assert dialog.body["task"]["type"] == "continue", dialog.body
        card = dialog.body["task"]["value"]["card"]["content"]
        values = {}
        for element in card["body"]:
            element_id = element.get("id", "")
            if element_id == "field:text":
                values[element_id] = KEY_POINTS
            elif element_id.startswith("field:field-"):
                field_id = element_id.removeprefix("field:field-")
                values[element_id] = (fields or {}).get(field_id, KEY_POINTS)
        await self.submit_dialog(FACILITATOR, post.root, dialog, values)
        return dialog

    async def answer_all(
        self, session_id: str, model: FacilitationModel, question_id: str, state: SessionState
    ) -> None:
        post = await self.post_of(session_id, f"q:{question_id}")
        item = model.question(question_id)
        for waiting in state.waiting_for(question_id):
            person = BY_AAD[waiting.user_id]
            if item.kind is QuestionKind.SCALE and item.scale:
                await self.press(person, post, "scale", f"{question_id}:{item.scale.high}")
            elif item.asks is Asked.FACILITATOR:
                await self.send(self.acts.reply(person, post.id, "Summary: <!channel> heard."))
            else:
                await self.send(self.acts.reply(person, post.id, f"{person.name} on {question_id}"))

    async def approve_record(self, session_id: str, **more: str) -> Reply:
        """Add a note to every section of the record, and `more` fields; preview and approve.
        Returns the record dialog as it opened."""
        ready = await self.post_of(session_id, "record_draft")
        dialog = await self.open_dialog(FACILITATOR, ready, "edit_record")
        card = dialog.body["task"]["value"]["card"]["content"]
        fields = {
            element["id"]: f"{element.get('value', '')}\n{RECORD_NOTE}".strip()
            for element in card["body"]
            if element.get("isMultiline")
        }
        await self.submit_dialog(FACILITATOR, ready.root, dialog, fields | more)
        preview = self.connector.chat(FACILITATOR.teams_id)[-1]
        if any(b["data"].get("action") == "ask_confirmation" for b in preview.buttons()):
            preview = await self.ask_to_confirm(preview, PARTICIPANTS)
        await self.send(
            self.acts.personal_submit(FACILITATOR, preview.id, preview.button("approve"))
        )
        return dialog

    async def record_copy(self, session_id: str, person: Person = PRESENTER) -> list[Message]:
        """The published record as one participant reads it, in the parts it was sent in:
        the channel's post and its replies, or (for a model that sends the record privately)
        the messages of the person's chat with the bot from the record's title on."""
        state = await self.state(session_id)
        title = escape(state.model.record.title)
        if state.model.record.posted_to_channel:
            record = await self.post_of(session_id, "record")
            return [record, *self.connector.replies(CHANNEL, record.id)]
        chat = self.connector.chat(person.teams_id)
        start = next(i for i, m in enumerate(chat) if m.texts()[0] == title)
        return [m for m in chat[start:] if not m.buttons()]

    async def ask_to_confirm(self, preview: Message, confirming: Iterable[Person]) -> Message:
        """Ask for confirmation from the facilitator's preview; the people named confirm in
        their chats with the bot. Returns the facilitator's latest preview."""
        ask = preview.button("ask_confirmation")
        await self.send(self.acts.personal_submit(FACILITATOR, preview.id, ask))
        for person in confirming:
            request = next(
                m
                for m in reversed(self.connector.chat(person.teams_id))
                if any(b["data"].get("action") == "confirm_record" for b in m.buttons())
            )
            confirm = request.button("confirm_record")
            await self.send(self.acts.personal_submit(person, request.id, confirm))
        return next(
            m
            for m in reversed(self.connector.chat(FACILITATOR.teams_id))
            if any(b["data"].get("action") == "approve" for b in m.buttons())
        )
