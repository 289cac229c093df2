"""Buttons on the bot's messages, and the forms some of them open."""

from __future__ import annotations

import hashlib
from typing import NoReturn

from aiohttp import web

from adapters.practice.pages import Pages, Viewer
from adapters.practice.translate import BadInput, form_values, pressed, submitted
from adapters.practice.views import SCALE_REPLY_PREFIX, FormView
from dialogs import events as ev
from dialogs.content import Content, FieldKind, Form, FormId, Option
from dialogs.effects import OpenForm
from dialogs.events import Person
from dialogs.requests import RequestEvent, screening_decision
from storage.practice import MessageKind, PracticeRooms, RoomMessage

SCREENING_FORMS = (FormId.ACCEPT_REQUEST, FormId.DECLINE_REQUEST)


class ButtonPages(Pages):
    """Button presses become engine events; forms the engine opens are pages."""

    async def press(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        room, me = viewer.room, viewer.me
        async with self.runtime.store.transaction() as uow:
            message = await PracticeRooms(uow.db).message(room.id, data.get("message", ""))
        action, value = data.get("action", ""), data.get("value", "")
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
            raise web.HTTPSeeOther(self.person_url(room.id, me.id))
        opens_form = isinstance(meant, ev.RequestForm)
        immediate = await self.handle(message.session_id, meant, None if opens_form else event_id)
        forms = [e for e in immediate if isinstance(e, OpenForm) and e.user_id == me.id]
        if forms:
            await self.open_form(viewer, message.session_id, forms[-1].form)
        raise web.HTTPSeeOther(self.person_url(room.id, me.id))

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
