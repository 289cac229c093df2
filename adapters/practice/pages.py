"""The parts every practice-room page shares: rendering, who is asking, and the engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, NoReturn

import jinja2
from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from adapters.practice.identity import COOKIE_MAX_AGE, Signer, cookie_name, cookie_path
from adapters.practice.signals import RoomSignals
from adapters.practice.views import FOLD_ITEMS, PLATFORM, SCALE_REPLY_PREFIX, fold_text
from bot.runtime import Runtime
from bot.service import SessionNotFound
from dialogs import events as ev
from dialogs.actions import scale_message_id
from dialogs.engine import QUESTION_PREFIX
from dialogs.requests import RequestEvent
from dialogs.times import clock_time, zone_label
from storage.practice import PracticeRooms, Room, RoomMessage, RoomPerson

log = logging.getLogger(__name__)

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
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("adapters.practice", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fold_text"] = fold_text
    env.globals["FOLD_ITEMS"] = FOLD_ITEMS
    # Every time shown in the organisation's zone, 24-hour, the zone named.
    env.filters["clock"] = clock_time
    env.globals["zone_label"] = zone_label
    return env


@dataclass(frozen=True)
class Viewer:
    room: Room
    me: RoomPerson


class Pages:
    """What every practice-room page needs: templates, who is asking, and the engine."""

    def __init__(self, runtime: Runtime, signals: RoomSignals) -> None:
        self.runtime = runtime
        self.signals = signals
        self.pages = _templates()

    @property
    def signer(self) -> Signer:
        # Read the secret each time: on start the runtime replaces a made-up one with the one
        # kept in the database, so that sign-ins outlive a restart.
        return Signer(self.runtime.secret)

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
        fields = await text_fields(request)
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
        self,
        session_id: str,
        event: ev.Event,
        event_id: str | None = None,
        in_place: bool = False,
    ) -> list[Any]:
        try:
            outcome = await self.runtime.service.handle(
                session_id, event, platform=PLATFORM, event_id=event_id, in_place=in_place
            )
        except SessionNotFound:
            log.warning("practice room: session %s is gone", session_id)
            return []
        return outcome.immediate

    async def handle_request(
        self, request_id: str, event: RequestEvent, event_id: str | None = None
    ) -> None:
        """Screening and the facilitator's confirmation; their answers arrive by the outbox."""
        try:
            await self.runtime.service.handle_request(
                request_id, event, platform=PLATFORM, event_id=event_id
            )
        except SessionNotFound:
            log.warning("practice room: request %s is gone", request_id)

    def thread_url(self, viewer: Viewer, thread: str, anchor: str) -> str:
        return f"{self.person_url(viewer.room.id, viewer.me.id)}?thread={thread}#{anchor}"


def answer_message_id(reply: RoomMessage, question: RoomMessage) -> str:
    """The engine's id of a reply: a scale choice is one answer per person and question."""
    if reply.message_id.startswith(SCALE_REPLY_PREFIX) and question.key and reply.author_id:
        return scale_message_id(question.key.removeprefix(QUESTION_PREFIX), reply.author_id)
    return reply.message_id


async def text_fields(request: web.Request) -> MultiDictProxy[str]:
    """The form's text fields; no page here uploads files, so any file is left out. A body
    no browser sends (not UTF-8, a multipart body without its boundary) is a 400."""
    try:
        data = await request.post()
    except (ValueError, AssertionError, LookupError):  # UnicodeDecodeError is a ValueError
        raise web.HTTPBadRequest(
            text="This form could not be read. Please go back to the room and send it again."
        ) from None
    return MultiDictProxy(MultiDict((k, v) for k, v in data.items() if isinstance(v, str)))
