"""Drives a whole session the way people would in Slack, and reads what the bot posted."""

from __future__ import annotations

from typing import Any

from slack_fake_api import Call
from slack_requests import (
    CHANNEL,
    FACILITATOR,
    PARTICIPANTS,
    PRESENTER,
    Workspace,
    form_values,
    setup_values,
)

from adapters.slack.blocks import parse_button
from adapters.slack.text import escape
from bot.runtime import Runtime
from dialogs.content import ActionId
from dialogs.models.schema import QuestionKind
from dialogs.state import Phase, SessionState

KEY_POINTS = "Agencies held different pictures of the family & of the plan."


class SlackSession:
    def __init__(self, slack: Workspace, runtime: Runtime) -> None:
        self.slack = slack
        self.runtime = runtime
        self.fake = slack.fake
        self.session_id = ""

    async def drain(self) -> None:
        await self.runtime.dispatcher.drain()

    async def state(self) -> SessionState:
        async with self.runtime.store.transaction() as uow:
            stored = await uow.sessions.get(self.session_id)
        assert stored is not None
        return stored.state

    async def ts_of(self, key: str) -> str:
        async with self.runtime.store.transaction() as uow:
            parts = await uow.messages.parts(self.session_id, key)
        assert parts, f"{key} was never posted"
        return parts[0].message_id

    def posted(self, ts: str) -> Call:
        posts = (c for c in self.fake.history if c.method == "chat.postMessage")
        return next(c for c in posts if c.answer.get("ts") == ts)

    def latest(self, ts: str) -> Call:
        """The message as it now stands: its last update, or the post itself."""
        updates = [c for c in self.fake.history if c.method == "chat.update" and c.args["ts"] == ts]
        return updates[-1] if updates else self.posted(ts)

    @staticmethod
    def button(call: Call, action: ActionId, value_suffix: str = "") -> dict[str, Any]:
        for button in call.buttons():
            press = parse_button(button["action_id"], button["value"])
            if press and press.action is action and press.value.endswith(value_suffix):
                return button
        raise AssertionError(f"no {action} button in {call.method}")

    async def press(self, user: str, key: str, action: ActionId, value_suffix: str = "") -> None:
        call = self.latest(await self.ts_of(key))
        response = await self.slack.press(user, self.button(call, action, value_suffix), call)
        assert response.status == 200
        await self.drain()

    def last_view(self) -> dict[str, Any]:
        """The modal as it now stands: the last opened, or updated since."""
        shown = [c for c in self.fake.history if c.method in ("views.open", "views.update")]
        return shown[-1].args["view"]

    async def start(
        self, model_id: str, participants: list[str], presenter: str | None, **setup: Any
    ) -> None:
        response = await self.slack.command(FACILITATOR)
        assert response.status == 200
        model = self.runtime.catalogue.get(model_id)
        if model is not None:
            # As people do: choosing the model shows what it asks them to confirm.
            response = await self.slack.choose(FACILITATOR, self.last_view(), "model", model_id)
            assert response.status == 200
            setup.setdefault("no_involvement", model.requires_independent_facilitator)
        values = setup_values(model_id, participants, presenter, **setup)
        response = await self.slack.submit(FACILITATOR, self.last_view(), values)
        assert response.status == 200
        async with self.runtime.store.transaction() as uow:
            active = await uow.sessions.active_in("slack", CHANNEL)
        assert active is not None
        self.session_id = active.id
        await self.drain()

    async def agree_and_begin(self) -> None:
        for person in (await self.state()).participants:
            await self.press(person.user_id, "root", ActionId.AGREE)
        await self.press(FACILITATOR, "root", ActionId.BEGIN)

    async def write_key_points(
        self, stage_id: str, text: str = KEY_POINTS, fields: dict[str, str] | None = None
    ) -> None:
        """Open the stage's form, write the key points (if it asks for them) and fill each of
        its fields (with `fields[id]`, or a note of its own)."""
        await self.press(FACILITATOR, f"kp:{stage_id}", ActionId.KEY_POINTS)
        view = self.last_view()
        edits = {}
        for block in view["blocks"]:
            block_id = block.get("block_id", "")
            if block_id == "text.0":
                edits[block_id] = text
            elif block_id.startswith("field-"):
                field_id = block_id.removeprefix("field-").removesuffix(".0")
                edits[block_id] = (fields or {}).get(field_id, f"Noted: {field_id} & more.")
        response = await self.slack.submit(FACILITATOR, view, form_values(view, edits))
        assert response.status == 200
        await self.drain()

    async def answer_round(
        self,
        words: str = "We each saw a different part of it.",
        said_by: dict[str, str] | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        """Write the key points (and `fields`) the engine waits for, or answer every open
        question as everyone asked (with `said_by[user]` instead of `words` from the people it
        names)."""
        state = await self.state()
        if state.awaiting_key_points:
            await self.write_key_points(state.awaiting_key_points, fields=fields)
            return
        if not any(state.waiting_for(q.id) for q in state.open_questions):
            await self.move_on()  # a timed step waits for the facilitator
            return
        for question in state.open_questions:
            item = state.model.question(question.id)
            ts = await self.ts_of(f"q:{question.id}")
            for person in state.waiting_for(question.id):
                if item.kind is QuestionKind.SCALE:
                    await self.press(person.user_id, f"q:{question.id}", ActionId.SCALE, ":3")
                else:
                    text = (said_by or {}).get(person.user_id, words)
                    await self.slack.reply(person.user_id, ts, text)
        await self.drain()

    async def move_on(self) -> None:
        """The facilitator presses Next, and confirms it if the step has not had its minimum."""
        question_id, _ = await self.open_question()
        asked_before = len(self.fake.called("chat.postEphemeral"))
        await self.press(FACILITATOR, f"q:{question_id}", ActionId.NEXT)
        for call in self.fake.called("chat.postEphemeral")[asked_before:]:
            if call.args["user"] == FACILITATOR and any(
                (press := parse_button(b["action_id"], b["value"]))
                and press.action is ActionId.MOVE_ON_EARLY
                for b in call.buttons()
            ):
                response = await self.slack.press(
                    FACILITATOR, self.button(call, ActionId.MOVE_ON_EARLY)
                )
                assert response.status == 200
                await self.drain()

    async def answer_everything(
        self,
        words: str = "We each saw a different part of it.",
        said_by: dict[str, str] | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        while (await self.state()).phase is Phase.RUNNING:
            await self.answer_round(words, said_by, fields)

    async def review_and_approve(self, edits: dict[str, str] | None = None) -> None:
        await self.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
        view = self.last_view()
        response = await self.slack.submit(FACILITATOR, view, form_values(view, edits))
        assert response.status == 200
        await self.drain()
        preview = self.fake.called("chat.postEphemeral")[-1]
        assert preview.args["user"] == FACILITATOR
        if self.has_button(preview, ActionId.ASK_CONFIRMATION):
            preview = await self.ask_to_confirm(PARTICIPANTS)
        approve = self.button(preview, ActionId.APPROVE)
        response = await self.slack.press(FACILITATOR, approve)
        assert response.status == 200
        await self.drain()

    @staticmethod
    def has_button(call: Call, action: ActionId) -> bool:
        pressed = (parse_button(b["action_id"], b["value"]) for b in call.buttons())
        return any(press and press.action is action for press in pressed)

    async def record_text(self) -> str:
        """The published record as people read it: in the channel, or (for a model that sends
        it privately) in the presenter's direct messages."""
        state = await self.state()
        if state.model.record.posted_to_channel:
            return "\n".join(self.posted(await self.ts_of("record")).texts())
        title = escape(state.model.record.title)
        copy = next(c for c in self.direct(PRESENTER) if c.texts()[0] == title)
        return "\n".join(copy.texts())

    def direct(self, user: str) -> list[Call]:
        """What the bot sent to one person's direct messages."""
        return [c for c in self.fake.called("chat.postMessage") if c.args["channel"] == f"D{user}"]

    async def ask_to_confirm(self, confirming: list[str]) -> Call:
        """Ask for confirmation from the facilitator's preview; the people named confirm from
        their direct messages. Returns the facilitator's latest preview."""
        preview = self.fake.called("chat.postEphemeral")[-1]
        response = await self.slack.press(
            FACILITATOR, self.button(preview, ActionId.ASK_CONFIRMATION)
        )
        assert response.status == 200
        await self.drain()
        for user in confirming:
            request = next(c for c in reversed(self.direct(user)) if c.buttons())
            button = self.button(request, ActionId.CONFIRM_RECORD)
            response = await self.slack.press(user, button, request, channel=f"D{user}")
            assert response.status == 200
            await self.drain()
        return self.facilitator_preview()

    def facilitator_preview(self) -> Call:
        """The facilitator's latest preview that can be approved: sent to them privately, or
        the one they pressed, replaced through its response_url."""
        return next(
            c
            for c in reversed(self.fake.history)
            if self.has_button(c, ActionId.APPROVE)
            and (
                (c.method == "chat.postEphemeral" and c.args["user"] == FACILITATOR)
                or (c.method == "response_url" and c.args["ts"] == "ephemeral")
            )
        )

    async def begin(self, model_id: str = "kolb", **setup: Any) -> None:
        await self.start(model_id, list(PARTICIPANTS), PRESENTER, **setup)
        await self.agree_and_begin()

    async def open_question(self) -> tuple[str, str]:
        """The first open question's id and the ts of its message (its thread)."""
        question = (await self.state()).open_questions[0]
        return question.id, await self.ts_of(f"q:{question.id}")

    async def answers(self, question_id: str) -> list[tuple[str, str]]:
        return [(a.author, a.text) for a in (await self.state()).live_answers(question_id)]
