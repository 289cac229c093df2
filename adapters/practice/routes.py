"""The practice room's pages on the one aiohttp app: people in, engine events out.

Every page is rendered on the server; each person's page listens to a stream of server-sent
events and fetches its changed parts when the room changes.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from adapters.practice.deliverer import PracticeDeliverer
from adapters.practice.identity import (
    COOKIE_MAX_AGE,
    Signer,
    cookie_name,
    cookie_path,
    new_id,
    new_room_id,
)
from adapters.practice.signals import RoomSignals
from adapters.practice.translate import (
    CASE_REFERENCE_MAX,
    MAX_REPLY_CHARS,
    BadInput,
    SetupChoices,
    button_event,
    form_event,
    form_values,
    parse_action,
    read_setup,
    scale_choice,
    setup_problems,
    start_event,
)
from adapters.practice.views import QUESTION_PREFIX, FormView, room_view
from bot.runtime import Runtime
from bot.service import SessionNotFound
from dialogs import events as ev
from dialogs.content import ActionId, Content, Form
from dialogs.effects import OpenForm
from dialogs.state import FINISHED
from storage.practice import MessageKind, PracticeRooms, Room, RoomMessage, RoomPerson
from storage.repositories import Conversation

log = logging.getLogger(__name__)

PLATFORM = "practice"
NAME_MAX = 80
ROOM_NAME_MAX = 100
LIVE_CHECK_SECONDS = 10.0  # how often a live stream re-reads the room's version anyway
STATIC = Path(str(resources.files("adapters.practice") / "static"))
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    # The join link is the room's secret: never send it to another site.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("adapters.practice", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Viewer:
    room: Room
    me: RoomPerson


class PracticeRoom:
    def __init__(self, runtime: Runtime, signals: RoomSignals) -> None:
        self.runtime = runtime
        self.signals = signals
        self.signer = Signer(runtime.secret)
        self.pages = _templates()

    # -- rendering -------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> web.Response:
        html = self.pages.get_template(template).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", headers=HEADERS)

    def refuse(
        self, error: type[web.HTTPException], title: str, message: str, link: str = "/"
    ) -> NoReturn:
        html = self.pages.get_template("problem.html").render(
            title=title, message=message, link=link
        )
        raise error(text=html, content_type="text/html", headers=HEADERS)

    @staticmethod
    def person_url(room_id: str, person_id: str, suffix: str = "") -> str:
        return f"/r/{room_id}/p/{person_id}{suffix}"

    def admit(
        self, response: web.StreamResponse, request: web.Request, room_id: str, person_id: str
    ) -> None:
        response.set_cookie(
            cookie_name(person_id),
            self.signer.cookie_value(room_id, person_id),
            path=cookie_path(room_id),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )

    # -- who is asking ---------------------------------------------------------------------

    async def room_or_404(self, room_id: str) -> Room:
        async with self.runtime.store.transaction() as uow:
            room = await PracticeRooms(uow.db).get(room_id)
        if room is None:
            self.refuse(
                web.HTTPNotFound,
                "No such practice room",
                "There is no practice room at this address. The link may be incomplete; "
                "ask whoever shared it, or create a new room.",
            )
        return room

    async def viewer(self, request: web.Request) -> Viewer:
        room = await self.room_or_404(request.match_info["room"])
        person_id = request.match_info["person"]
        async with self.runtime.store.transaction() as uow:
            me = await PracticeRooms(uow.db).person(room.id, person_id)
        cookie = request.cookies.get(cookie_name(person_id))
        if me is None or not self.signer.cookie_valid(room.id, person_id, cookie):
            log.info("practice room %s: refused a page without a valid cookie", room.id)
            self.refuse(
                web.HTTPForbidden,
                "Please join the room first",
                "This browser has not joined this practice room as that person. "
                "Join with your own name to take part.",
                f"/r/{room.id}/join",
            )
        return Viewer(room, me)

    async def posted(self, request: web.Request) -> tuple[Viewer, MultiDictProxy[str]]:
        viewer = await self.viewer(request)
        fields = _text_fields(await request.post())
        if not self.signer.token_valid(viewer.room.id, viewer.me.id, fields.get("token")):
            log.info("practice room %s: refused a form without a valid token", viewer.room.id)
            self.refuse(
                web.HTTPForbidden,
                "That form has expired",
                "The page you sent this from is out of date or did not come from this room. "
                "Go back to the room and try again.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        return viewer, fields

    # -- rooms and people --------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.Response:
        return self.render("home.html", problems=[], values={})

    async def create_room(self, request: web.Request) -> web.StreamResponse:
        data = _text_fields(await request.post())
        values = {k: data.get(k, "").strip() for k in ("room", "name", "agency")}
        problems = _person_problems(values)
        if not values["room"]:
            problems.insert(0, "Please give the room a name.")
        elif len(values["room"]) > ROOM_NAME_MAX:
            problems.insert(0, f"A room name can be up to {ROOM_NAME_MAX} characters.")
        if problems:
            return self.render("home.html", status=400, problems=problems, values=values)
        room_id, person = new_room_id(), RoomPerson(new_id("p"), values["name"], values["agency"])
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).create(
                room_id, values["room"], person, self.runtime.clock.now()
            )
        log.info("practice room %s created", room_id)
        response = web.HTTPSeeOther(self.person_url(room_id, person.id))
        self.admit(response, request, room_id, person.id)
        raise response

    async def enter(self, request: web.Request) -> web.StreamResponse:
        """The room's own address: on to the person this browser is, or to join."""
        room = await self.room_or_404(request.match_info["room"])
        async with self.runtime.store.transaction() as uow:
            people = await PracticeRooms(uow.db).people(room.id)
        mine = [
            p
            for p in people
            if self.signer.cookie_valid(room.id, p.id, request.cookies.get(cookie_name(p.id)))
        ]
        if not mine:
            raise web.HTTPSeeOther(f"/r/{room.id}/join")
        if len(mine) == 1:
            raise web.HTTPSeeOther(self.person_url(room.id, mine[0].id))
        return self.render("choose.html", room=room, people=mine)

    async def join_page(self, request: web.Request) -> web.Response:
        room = await self.room_or_404(request.match_info["room"])
        return self.render("join.html", room=room, problems=[], values={})

    async def join(self, request: web.Request) -> web.StreamResponse:
        room = await self.room_or_404(request.match_info["room"])
        data = _text_fields(await request.post())
        values = {k: data.get(k, "").strip() for k in ("name", "agency")}
        problems = _person_problems(values)
        if problems:
            return self.render("join.html", status=400, room=room, problems=problems, values=values)
        person = RoomPerson(new_id("p"), values["name"], values["agency"])
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).add_person(room.id, person, self.runtime.clock.now())
        self.signals.notify(room.id)
        log.info("practice room %s: someone joined", room.id)
        response = web.HTTPSeeOther(self.person_url(room.id, person.id))
        self.admit(response, request, room.id, person.id)
        raise response

    # -- the channel ---------------------------------------------------------------------------

    async def view_for(self, viewer: Viewer, thread: str | None, **extra: Any) -> dict[str, Any]:
        token = self.signer.form_token(viewer.room.id, viewer.me.id)
        async with self.runtime.store.transaction() as uow:
            view = await room_view(uow, viewer.room, viewer.me, token, thread)
        return {
            "view": view,
            "base": self.person_url(viewer.room.id, viewer.me.id),
            "max_reply": MAX_REPLY_CHARS,
            "draft": "",
            "draft_for": "",
            "problem": "",
            **extra,
        }

    async def room_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        context = await self.view_for(viewer, request.query.get("thread"))
        context["join_link"] = f"{request.url.origin()}/r/{viewer.room.id}/join"
        return self.render("room.html", **context)

    async def room_parts(self, request: web.Request) -> web.Response:
        """The parts of the page that change, for the live refresh."""
        viewer = await self.viewer(request)
        context = await self.view_for(viewer, request.query.get("thread"))
        return self.render("parts.html", **context)

    async def live(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.viewer(request)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        await response.prepare(request)
        seen: int | None = None
        try:
            while not self.signals.closed.is_set():
                async with self.runtime.store.transaction() as uow:
                    version = await PracticeRooms(uow.db).version(viewer.room.id)
                if version != seen:
                    await response.write(f"event: change\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    await response.write(b": nothing new\n\n")
                await self.signals.wait(viewer.room.id, LIVE_CHECK_SECONDS)
        except ConnectionResetError:
            pass  # the page was closed
        return response

    # -- replies in threads --------------------------------------------------------------------

    async def thread_of(self, room: Room, message_id: str) -> RoomMessage:
        async with self.runtime.store.transaction() as uow:
            message = await PracticeRooms(uow.db).message(room.id, message_id)
        if (
            message is None
            or message.visible_to is not None
            or not (message.key or "").startswith(QUESTION_PREFIX)
        ):
            self.refuse(
                web.HTTPNotFound,
                "No such question",
                "That question is not in this room, so the reply could not be posted.",
            )
        return message

    async def own_reply(self, viewer: Viewer, message_id: str) -> tuple[RoomMessage, RoomMessage]:
        """A reply of the viewer's, and the question it was made under."""
        async with self.runtime.store.transaction() as uow:
            reply = await PracticeRooms(uow.db).message(viewer.room.id, message_id)
        if reply is None or reply.kind != MessageKind.REPLY or reply.author_id != viewer.me.id:
            self.refuse(
                web.HTTPForbidden,
                "Not your reply",
                "You can edit and delete only your own replies.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        assert reply.thread_id is not None
        return reply, await self.thread_of(viewer.room, reply.thread_id)

    async def reply_problem(
        self, viewer: Viewer, thread: str, text: str, draft_for: str
    ) -> web.Response | None:
        """An unusable reply gets the page back with the words kept and the reason shown."""
        if text.strip() and len(text) <= MAX_REPLY_CHARS:
            return None
        if text.strip():
            problem = (
                f"Your reply is {len(text):,} characters long; a message can be up to "
                f"{MAX_REPLY_CHARS:,}. Nothing was sent: please split it."
            )
            status = 413
        else:
            problem = "Your reply is empty, so nothing was sent."
            status = 400
        context = await self.view_for(
            viewer, thread, draft=text, draft_for=draft_for, problem=problem
        )
        context["join_link"] = ""
        return self.render("room.html", status=status, **context)

    async def reply(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        question = await self.thread_of(viewer.room, data.get("thread", ""))
        text = data.get("text", "")
        problem = await self.reply_problem(viewer, question.message_id, text, "new")
        if problem:
            return problem
        reply = RoomMessage(
            message_id=new_id("r"),
            session_id=question.session_id,
            kind=MessageKind.REPLY,
            body=text,
            created_at=self.runtime.clock.now(),
            thread_id=question.message_id,
            author_id=viewer.me.id,
        )
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).add_message(viewer.room.id, reply)
        self.signals.notify(viewer.room.id)
        await self.answer(question, reply.message_id, text, viewer.me.id)
        raise web.HTTPSeeOther(self.thread_url(viewer, question.message_id, "composer"))

    async def edit_reply(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        reply, question = await self.own_reply(viewer, data.get("message", ""))
        text = data.get("text", "")
        problem = await self.reply_problem(viewer, question.message_id, text, reply.message_id)
        if problem:
            return problem
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).replace_body(
                viewer.room.id, [reply.message_id], text, edited=True
            )
        self.signals.notify(viewer.room.id)
        # The engine treats an answer with a known message id as an edit of it.
        await self.answer(question, reply.message_id, text, viewer.me.id)
        raise web.HTTPSeeOther(self.thread_url(viewer, question.message_id, reply.message_id))

    async def delete_reply(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        reply, question = await self.own_reply(viewer, data.get("message", ""))
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).remove_message(viewer.room.id, reply.message_id)
        self.signals.notify(viewer.room.id)
        if question.session_id:
            await self.handle(
                question.session_id,
                ev.DeleteAnswer(actor=viewer.me.id, message_id=reply.message_id),
            )
        raise web.HTTPSeeOther(self.thread_url(viewer, question.message_id, "composer"))

    async def answer(self, question: RoomMessage, message_id: str, text: str, actor: str) -> None:
        if question.session_id is None or question.key is None:
            return
        event = ev.Answer(
            actor=actor,
            question_id=question.key.removeprefix(QUESTION_PREFIX),
            message_id=message_id,
            text=text,
        )
        await self.handle(question.session_id, event)

    async def handle(
        self, session_id: str, event: ev.Event, event_id: str | None = None
    ) -> list[Any]:
        try:
            outcome = await self.runtime.service.handle(
                session_id, event, platform=PLATFORM, event_id=event_id
            )
        except SessionNotFound:
            log.warning("practice room: session %s is gone", session_id)
            return []
        return outcome.immediate

    def thread_url(self, viewer: Viewer, thread: str, anchor: str) -> str:
        return f"{self.person_url(viewer.room.id, viewer.me.id)}?thread={thread}#{anchor}"

    # -- buttons -------------------------------------------------------------------------------

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

    # -- starting a session ----------------------------------------------------------------------

    async def setup_context(self, viewer: Viewer) -> dict[str, Any]:
        if viewer.me.id != viewer.room.facilitator_id:
            self.refuse(
                web.HTTPForbidden,
                "Only the facilitator starts a session",
                "The person who created this room is its facilitator and starts its sessions.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        async with self.runtime.store.transaction() as uow:
            people = await PracticeRooms(uow.db).people(viewer.room.id)
            stored = (
                await uow.sessions.get(viewer.room.session_id) if viewer.room.session_id else None
            )
        if stored is not None and stored.state.phase not in FINISHED:
            raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))
        return {
            "room": viewer.room,
            "me": viewer.me,
            "token": self.signer.form_token(viewer.room.id, viewer.me.id),
            "base": self.person_url(viewer.room.id, viewer.me.id),
            "people": [p for p in people if p.id != viewer.me.id],
            "models": list(self.runtime.catalogue),
            "case_max": CASE_REFERENCE_MAX,
        }

    async def setup_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        context = await self.setup_context(viewer)
        everyone = [p.id for p in context["people"]]
        choices = SetupChoices(participant_ids=everyone)
        return self.render("setup.html", choices=choices, problems=[], **context)

    async def start(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        context = await self.setup_context(viewer)
        people: list[RoomPerson] = [viewer.me, *context["people"]]
        choices = read_setup(data, data.getall("participants", []))
        problems = setup_problems(choices, self.runtime.catalogue, people, viewer.me.id)
        if not problems:
            event = start_event(
                choices, self.runtime.catalogue, people, viewer.me, uuid.uuid4().hex
            )
            conversation = Conversation(
                PLATFORM, viewer.room.id, {"names": {p.id: p.name for p in people}}
            )
            outcome = await self.runtime.service.start(conversation, event)
            if outcome.state is not None and outcome.session_id:
                async with self.runtime.store.transaction() as uow:
                    await PracticeRooms(uow.db).set_session(viewer.room.id, outcome.session_id)
                self.signals.notify(viewer.room.id)
                log.info(
                    "practice room %s: session %s started with %d participants",
                    viewer.room.id,
                    outcome.session_id,
                    len(event.participants),
                )
                raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))
            # The engine refused (e.g. the model needs a lead professional): say why.
            problems = [
                block.text
                for effect in outcome.immediate
                for block in getattr(effect, "content", Content(title="")).blocks
            ]
        return self.render("setup.html", status=400, choices=choices, problems=problems, **context)


def _text_fields(data: MultiDictProxy[Any]) -> MultiDictProxy[str]:
    """The form's text fields; no page here uploads files, so any file is left out."""
    return MultiDictProxy(MultiDict((k, v) for k, v in data.items() if isinstance(v, str)))


def _person_problems(values: dict[str, str]) -> list[str]:
    problems = []
    if not values["name"]:
        problems.append("Please give your name as the others should see it.")
    elif len(values["name"]) > NAME_MAX:
        problems.append(f"A name can be up to {NAME_MAX} characters.")
    if not values["agency"]:
        problems.append("Please give your agency, e.g. social work, police, health or education.")
    elif len(values["agency"]) > NAME_MAX:
        problems.append(f"An agency can be up to {NAME_MAX} characters.")
    return problems


PRACTICE = web.AppKey("practice", PracticeRoom)


def install(app: web.Application, runtime: Runtime) -> PracticeRoom:
    """Serve the practice room on `app` and deliver practice sessions' effects into it."""
    signals = RoomSignals()
    runtime.deliverers[PLATFORM] = PracticeDeliverer(runtime.store, runtime.clock, signals)
    room = PracticeRoom(runtime, signals)
    app[PRACTICE] = room

    async def stop_streams(_: web.Application) -> None:
        signals.close()

    app.on_shutdown.append(stop_streams)
    person = "/r/{room}/p/{person}"
    app.router.add_get("/", room.home)
    app.router.add_post("/rooms", room.create_room)
    app.router.add_get("/r/{room}", room.enter)
    app.router.add_get("/r/{room}/", room.enter)
    app.router.add_get("/r/{room}/join", room.join_page)
    app.router.add_post("/r/{room}/join", room.join)
    app.router.add_get(person, room.room_page)
    app.router.add_get(person + "/parts", room.room_parts)
    app.router.add_get(person + "/live", room.live)
    app.router.add_post(person + "/reply", room.reply)
    app.router.add_post(person + "/edit", room.edit_reply)
    app.router.add_post(person + "/delete", room.delete_reply)
    app.router.add_post(person + "/press", room.press)
    app.router.add_get(person + "/form", room.show_form)
    app.router.add_post(person + "/form", room.submit_form)
    app.router.add_get(person + "/setup", room.setup_page)
    app.router.add_post(person + "/setup", room.start)
    app.router.add_static("/practice-static/", STATIC)
    return room
