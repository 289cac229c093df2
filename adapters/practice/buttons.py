"""Buttons on the bot's messages, and the forms some of them open."""

from __future__ import annotations

import hashlib

from aiohttp import web

from adapters.practice.pages import Pages, Viewer
from adapters.practice.translate import (
    BadInput,
    button_event,
    form_event,
    form_values,
    parse_action,
    scale_choice,
)
from adapters.practice.views import FormView
from dialogs import events as ev
from dialogs.content import ActionId, Content, Form
from dialogs.effects import OpenForm
from storage.practice import MessageKind, PracticeRooms, RoomMessage


class ButtonPages(Pages):
    """Button presses become engine events; forms the engine opens are pages."""

    async def press(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        room, me = viewer.room, viewer.me
        async with self.runtime.store.transaction() as uow:
            message = await PracticeRooms(uow.db).message(room.id, data.get("message", ""))
        value = data.get("value", "")
        try:
            action = parse_action(data.get("action", ""))
            if (
                message is None
                or message.kind == MessageKind.REPLY
                or message.visible_to not in (None, me.id)
                or message.session_id is None
                or not any(
                    a.id is action and a.value == value
                    for a in Content.model_validate_json(message.body).actions
                )
            ):
                raise BadInput("That button is not on any message of this room.")
            if action is ActionId.SCALE:
                await self.choose_on_scale(viewer, message, value)
                raise web.HTTPSeeOther(self.thread_url(viewer, message.message_id, "composer"))
            event = button_event(action, value, me.id)
        except BadInput as problem:
            self.refuse(
                web.HTTPBadRequest,
                "That did not work",
                str(problem),
                self.person_url(room.id, me.id),
            )
        # A double click sends the same press twice; the second changes nothing.
        pressed = f"{message.message_id}\n{data.get('rev', '')}\n{me.id}\n{action}\n{value}"
        opens_form = isinstance(event, ev.RequestForm)
        event_id = None if opens_form else "press:" + hashlib.sha256(pressed.encode()).hexdigest()
        immediate = await self.handle(message.session_id, event, event_id)
        forms = [e for e in immediate if isinstance(e, OpenForm) and e.user_id == me.id]
        if forms:
            async with self.runtime.store.transaction() as uow:
                await PracticeRooms(uow.db).open_form(
                    room.id,
                    me.id,
                    message.session_id,
                    forms[-1].form.model_dump_json(),
                    self.runtime.clock.now(),
                )
            raise web.HTTPSeeOther(self.person_url(room.id, me.id, "/form"))
        raise web.HTTPSeeOther(self.person_url(room.id, me.id))

    async def choose_on_scale(self, viewer: Viewer, question: RoomMessage, value: str) -> None:
        """A scale choice is the person's answer: shown in the thread, changed by choosing again."""
        question_id, number = scale_choice(value)
        seed = f"{question.session_id}\n{question_id}\n{viewer.me.id}"
        reply_id = "s" + hashlib.sha256(seed.encode()).hexdigest()[:20]
        async with self.runtime.store.transaction() as uow:
            rooms = PracticeRooms(uow.db)
            if await rooms.message(viewer.room.id, reply_id):
                await rooms.replace_body(viewer.room.id, [reply_id], number, edited=True)
            else:
                await rooms.add_message(
                    viewer.room.id,
                    RoomMessage(
                        message_id=reply_id,
                        session_id=question.session_id,
                        kind=MessageKind.REPLY,
                        body=number,
                        created_at=self.runtime.clock.now(),
                        thread_id=question.message_id,
                        author_id=viewer.me.id,
                    ),
                )
        self.signals.notify(viewer.room.id)
        await self.answer(question, reply_id, number, viewer.me.id)

    # -- forms the engine opens ----------------------------------------------------------------

    async def opened_form(self, viewer: Viewer) -> tuple[str, Form]:
        async with self.runtime.store.transaction() as uow:
            opened = await PracticeRooms(uow.db).opened_form(viewer.room.id, viewer.me.id)
        if opened is None:
            raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))
        return opened.session_id, Form.model_validate_json(opened.form)

    def form_page(
        self, viewer: Viewer, form: Form, values: dict[str, str], problems: list[str]
    ) -> web.Response:
        view = FormView(
            viewer.room,
            viewer.me,
            self.signer.form_token(viewer.room.id, viewer.me.id),
            form,
            values,
            problems,
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
        await self.handle(session_id, form_event(form, values, viewer.me.id))
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).close_form(viewer.room.id, viewer.me.id)
        raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))
