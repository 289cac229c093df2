"""Buttons on the bot's messages, and the forms some of them open."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NoReturn

from aiohttp import web

from adapters.practice.pages import Pages, Viewer
from adapters.practice.translate import BadInput, form_values, pressed, submitted
from adapters.practice.views import SCALE_REPLY_PREFIX, FormView
from dialogs import events as ev
from dialogs import timing
from dialogs.content import ActionId, Content, FieldKind, Form, FormId, Option
from dialogs.effects import OpenForm, Response
from dialogs.events import Person
from dialogs.messages import note
from dialogs.requests import RequestEvent, screening_decision
from dialogs.state import FINISHED
from storage.practice import MessageKind, PracticeRooms, RoomMessage

SCREENING_FORMS = (FormId.ACCEPT_REQUEST, FormId.DECLINE_REQUEST)


@dataclass(frozen=True)
class Confirmation:
    title: str
    explanation: tuple[str, ...]
    yes: str
    no: str


END_DISCUSSION = Confirmation(
    "End the discussion now?",
    (
        "The questions not yet asked are skipped, nobody can add a reply to the discussion, "
        "and the draft record is made from what has been said so far.",
        "This cannot be undone.",
    ),
    "Yes, end the discussion",
    "No, back to the room",
)
CANCEL_SESSION = Confirmation(
    "Cancel this session?",
    (
        "The session stops at once and no record will be made. Everyone in the room is told.",
        "This cannot be undone. You can start a new session afterwards.",
    ),
    "Yes, cancel the session",
    "No, keep the session",
)
USED_PREFIX = "You chose "
# Buttons whose press is confirmed on a page of its own before it is sent to the engine.
CONFIRMED_ACTIONS = {ActionId.END.value: END_DISCUSSION}


class ButtonPages(Pages):
    """Button presses become engine events; forms the engine opens are pages."""

    async def press(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        room, me = viewer.room, viewer.me
        async with self.runtime.store.transaction() as uow:
            message = await PracticeRooms(uow.db).message(room.id, data.get("message", ""))
        action, value = data.get("action", ""), data.get("value", "")
        if (
            message is not None
            and message.visible_to == me.id
            and (spent(message) or not _on(message, action, value))
        ):
            # A second press on a private message whose buttons were spent, or which the
            # answer to the first press replaced (a double click).
            raise web.HTTPSeeOther(self.person_url(room.id, me.id))
        try:
            if (
                message is None
                or message.kind == MessageKind.REPLY
                or message.visible_to not in (None, me.id)
                or message.session_id is None
                or not any(
                    a.id == action and a.value == value
                    for a in Content.model_validate_json(message.body).actions
                )
            ):
                raise BadInput("That button is not on any message of this room.")
            meant = pressed(action, value, me.id)
        except BadInput as problem:
            self.refuse(
                web.HTTPBadRequest,
                "That did not work",
                str(problem),
                self.person_url(room.id, me.id),
            )
        asked = CONFIRMED_ACTIONS.get(action)
        if isinstance(meant, ev.Next) and data.get("confirmed") == "yes":
            meant = meant.model_copy(update={"confirmed": True})
        elif isinstance(meant, ev.Next):
            asked = await self.early_move(message.session_id, me.id, value)
        if asked is not None and data.get("confirmed") != "yes":
            # Asked once more on a page of its own, so that it works without scripts.
            fields = {"message": message.message_id, "rev": data.get("rev", "")}
            return self.confirm_page(
                viewer,
                asked,
                self.person_url(room.id, me.id, "/press"),
                {**fields, "action": action, "value": value},
            )
        if isinstance(meant, ev.Answer):
            await self.choose_on_scale(viewer, message, meant)
            raise web.HTTPSeeOther(self.thread_url(viewer, message.message_id, "composer"))
        if isinstance(meant, Form):
            await self.open_form(viewer, message.session_id, await self.with_people(viewer, meant))
        # A double click sends the same press twice; the second changes nothing.
        pressed_once = f"{message.message_id}\n{data.get('rev', '')}\n{me.id}\n{action}\n{value}"
        event_id = "press:" + hashlib.sha256(pressed_once.encode()).hexdigest()
        if isinstance(meant, RequestEvent):
            await self.handle_request(message.session_id, meant, event_id)
            await self.mark_used(viewer, message, action, value)
            raise web.HTTPSeeOther(self.person_url(room.id, me.id))
        opens_form = isinstance(meant, ev.RequestForm)
        # A private message pressed: the engine's answer to the press, if it gives one,
        # replaces it.
        mine = message.visible_to == me.id
        immediate = await self.handle(
            message.session_id, meant, None if opens_form else event_id, in_place=mine
        )
        answers = [e for e in immediate if isinstance(e, Response) and e.user_id == me.id]
        if answers:
            await self.answer_in_place(viewer, message, answers[-1])
        elif not opens_form:
            await self.mark_used(viewer, message, action, value)
        forms = [e for e in immediate if isinstance(e, OpenForm) and e.user_id == me.id]
        if forms:
            await self.open_form(viewer, message.session_id, forms[-1].form)
        raise web.HTTPSeeOther(self.person_url(room.id, me.id))

    async def early_move(self, session_id: str, me: str, question_id: str) -> Confirmation | None:
        """The engine's confirmation of a Next before a timed step's minimum, as a page: asked
        of the facilitator only, when the step could move on at all."""
        async with self.runtime.store.transaction() as uow:
            stored = await uow.sessions.get(session_id)
        now = self.runtime.clock.now()
        state = stored.state if stored else None
        if (
            state is None
            or state.facilitator.user_id != me
            or state.paused_at
            or not timing.moving_on_early(state, now)
        ):
            return None
        content = timing.early_move_confirmation(state, question_id, now)
        return Confirmation(
            content.title,
            tuple(block.text for block in content.blocks),
            content.actions[0].label,
            "No, stay on this step",
        )

    async def mark_used(
        self, viewer: Viewer, message: RoomMessage, action: str, value: str
    ) -> None:
        """A private message's buttons are spent once one is pressed, as Slack and Teams
        update theirs: the buttons give way to a line saying what was chosen. (Messages the
        whole room sees are updated by the engine.)"""
        if message.visible_to != viewer.me.id:
            return
        content = Content.model_validate_json(message.body)
        label = next((a.label for a in content.actions if a.id == action and a.value == value), "")
        if not label:
            return  # already replaced by the answer to the same press
        used = content.model_copy(
            update={
                "actions": (),
                "blocks": (*content.blocks, note(f"{USED_PREFIX}“{label.rstrip('…')}”.")),
            }
        )
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).replace_body(
                viewer.room.id, [message.message_id], used.model_dump_json()
            )
        self.signals.notify(viewer.room.id)

    async def answer_in_place(self, viewer: Viewer, message: RoomMessage, answer: Response) -> None:
        """The engine's answer to a press on a private message takes that message's place, as
        in Slack and Teams (their preview, their copy of the draft)."""
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).replace_body(
                viewer.room.id, [message.message_id], answer.content.model_dump_json()
            )
        self.signals.notify(viewer.room.id)

    def confirm_page(
        self, viewer: Viewer, asked: Confirmation, action: str, fields: dict[str, str]
    ) -> web.Response:
        return self.render(
            "confirm.html",
            room=viewer.room,
            title=asked.title,
            explanation=asked.explanation,
            yes=asked.yes,
            no=asked.no,
            action=action,
            fields=fields,
            token=self.signer.form_token(viewer.room.id, viewer.me.id),
            back=self.person_url(viewer.room.id, viewer.me.id),
        )

    # -- cancelling the session --------------------------------------------------------------

    async def session_i_chair(self, viewer: Viewer) -> str:
        """The room's unfinished session, when the viewer is its facilitator."""
        state = None
        if viewer.room.session_id:
            async with self.runtime.store.transaction() as uow:
                stored = await uow.sessions.get(viewer.room.session_id)
            state = stored.state if stored else None
        back = self.person_url(viewer.room.id, viewer.me.id)
        if state is None or state.phase in FINISHED:
            self.refuse(
                web.HTTPConflict,
                "No session to cancel",
                "This room has no session under way, so there is nothing to cancel.",
                back,
            )
        if state.facilitator.user_id != viewer.me.id:
            self.refuse(
                web.HTTPForbidden,
                "Only the facilitator can cancel",
                "Only the facilitator of this room's session can cancel it.",
                back,
            )
        return state.id

    async def cancel_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        await self.session_i_chair(viewer)
        action = self.person_url(viewer.room.id, viewer.me.id, "/cancel")
        return self.confirm_page(viewer, CANCEL_SESSION, action, {})

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        session_id = await self.session_i_chair(viewer)
        if data.get("confirmed") != "yes":
            raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id, "/cancel"))
        await self.handle(session_id, ev.Cancel(actor=viewer.me.id), f"cancel:{session_id}")
        raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))

    async def open_form(self, viewer: Viewer, stream_id: str, form: Form) -> NoReturn:
        """Keep the form open for the person (a session's or a request's) and show it."""
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).open_form(
                viewer.room.id,
                viewer.me.id,
                stream_id,
                form.model_dump_json(),
                self.runtime.clock.now(),
            )
        raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id, "/form"))

    async def with_people(self, viewer: Viewer, form: Form) -> Form:
        """A person field with no options means anyone: in a room, that is its people."""
        async with self.runtime.store.transaction() as uow:
            people = await PracticeRooms(uow.db).people(viewer.room.id)
        choices = tuple(Option(value=p.id, label=f"{p.name} · {p.agency}") for p in people)
        fields = tuple(
            item.model_copy(update={"options": choices})
            if item.kind is FieldKind.PERSON and not item.options
            else item
            for item in form.fields
        )
        return form.model_copy(update={"fields": fields})

    async def choose_on_scale(
        self, viewer: Viewer, question: RoomMessage, choice: ev.Answer
    ) -> None:
        """A scale choice is the person's answer: shown in the thread, changed by choosing again."""
        seed = f"{question.session_id}\n{choice.question_id}\n{viewer.me.id}"
        reply_id = SCALE_REPLY_PREFIX + hashlib.sha256(seed.encode()).hexdigest()[:20]
        async with self.runtime.store.transaction() as uow:
            rooms = PracticeRooms(uow.db)
            if await rooms.message(viewer.room.id, reply_id):
                await rooms.replace_body(viewer.room.id, [reply_id], choice.text, edited=True)
            else:
                await rooms.add_message(
                    viewer.room.id,
                    RoomMessage(
                        message_id=reply_id,
                        session_id=question.session_id,
                        kind=MessageKind.REPLY,
                        body=choice.text,
                        created_at=self.runtime.clock.now(),
                        thread_id=question.message_id,
                        author_id=viewer.me.id,
                    ),
                )
        self.signals.notify(viewer.room.id)
        assert question.session_id is not None
        await self.handle(question.session_id, choice)

    # -- forms the engine opens ----------------------------------------------------------------

    async def opened_form(self, viewer: Viewer) -> tuple[str, Form]:
        async with self.runtime.store.transaction() as uow:
            opened = await PracticeRooms(uow.db).opened_form(viewer.room.id, viewer.me.id)
        if opened is None:
            raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))

        return opened.session_id, Form.model_validate_json(opened.form)

    def form_page(
        self,
        viewer: Viewer,
        form: Form,
        values: dict[str, str],
        problems: list[str],
        action: str = "/form",
    ) -> web.Response:
        view = FormView(
            viewer.room,
            viewer.me,
            self.signer.form_token(viewer.room.id, viewer.me.id),
            form,
            values,
            problems,
            self.person_url(viewer.room.id, viewer.me.id, action),
        )
        return self.render(
            "form.html",
            status=400 if problems else 200,
            view=view,
            base=self.person_url(viewer.room.id, viewer.me.id),
        )

    async def show_form(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        _, form = await self.opened_form(viewer)
        return self.form_page(viewer, form, {f.id: f.initial for f in form.fields}, [])

    async def submit_form(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        session_id, form = await self.opened_form(viewer)
        if data.get("form") != form.id.value:
            self.refuse(
                web.HTTPConflict,
                "Another form is open",
                "You opened another form after this one; your words here were not saved. "
                "Use the browser's Back button to copy them.",
                self.person_url(viewer.room.id, viewer.me.id, "/form"),
            )
        values, problems = form_values(form, data)
        if problems:
            return self.form_page(viewer, form, values, problems)
        if form.id in SCREENING_FORMS:
            await self.decide_request(viewer, session_id, form, values)
        else:
            try:
                event = submitted(form, values, viewer.me.id)
            except BadInput as problem:
                self.refuse(
                    web.HTTPBadRequest,
                    "That did not work",
                    str(problem),
                    self.person_url(viewer.room.id, viewer.me.id),
                )
            await self.handle(session_id, event)
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).close_form(viewer.room.id, viewer.me.id)
        raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))

    async def decide_request(
        self, viewer: Viewer, request_id: str, form: Form, values: dict[str, str]
    ) -> None:
        """A screener's accept (with the facilitator chosen among the room's people) or
        decline."""
        async with self.runtime.store.transaction() as uow:
            chosen = await PracticeRooms(uow.db).person(
                viewer.room.id, values.get("facilitator", "")
            )
        facilitator = (
            Person(user_id=chosen.id, name=chosen.name, agency=chosen.agency) if chosen else None
        )
        decision = screening_decision(form.id, values, viewer.me.id, facilitator)
        if decision is None:
            self.refuse(
                web.HTTPBadRequest,
                "That did not work",
                "Please choose a facilitator from the people of this room.",
                self.person_url(viewer.room.id, viewer.me.id, "/form"),
            )
        await self.handle_request(request_id, decision)


def _on(message: RoomMessage, action: str, value: str) -> bool:
    """Whether the button is (still) on the message."""
    content = Content.model_validate_json(message.body)
    return any(a.id == action and a.value == value for a in content.actions)


def spent(message: RoomMessage) -> bool:
    """A private message whose buttons gave way to what was chosen (see `mark_used`)."""
    if message.kind == MessageKind.REPLY:
        return False
    content = Content.model_validate_json(message.body)
    return (
        not content.actions
        and bool(content.blocks)
        and content.blocks[-1].text.startswith(USED_PREFIX)
    )
