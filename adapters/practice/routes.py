"""The practice room's pages on the one aiohttp app: people in, engine events out.

Every page is rendered on the server; each person's page listens to a stream of server-sent
events and fetches its changed parts when the room changes.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from adapters.practice.deliverer import IN_THE_ROOM, PracticeDeliverer
from adapters.practice.followups import FollowUpPages
from adapters.practice.learning import LearningPages
from adapters.practice.pages import PLATFORM
from adapters.practice.people import PeoplePages
from adapters.practice.replies import ReplyPages
from adapters.practice.screening import ScreeningPages
from adapters.practice.signals import RoomSignals
from adapters.practice.starting import StartPages
from bot.runtime import Runtime

STATIC = Path(str(resources.files("adapters.practice") / "static"))


class PracticeRoom(
    PeoplePages, ReplyPages, ScreeningPages, StartPages, FollowUpPages, LearningPages
):
    """Every page of the practice room."""


PRACTICE = web.AppKey("practice", PracticeRoom)


def install(app: web.Application, runtime: Runtime) -> PracticeRoom:
    """Serve the practice room on `app` and deliver practice sessions' effects into it."""
    signals = RoomSignals()
    runtime.deliverers[PLATFORM] = PracticeDeliverer(runtime.store, runtime.clock, signals)
    runtime.service.learning_by_platform[PLATFORM] = IN_THE_ROOM
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
    app.router.add_get(person + "/cancel", room.cancel_page)
    app.router.add_post(person + "/cancel", room.cancel)
    app.router.add_get(person + "/form", room.show_form)
    app.router.add_post(person + "/form", room.submit_form)
    app.router.add_get(person + "/setup", room.setup_page)
    app.router.add_post(person + "/setup", room.start)
    app.router.add_get(person + "/request", room.ask_page)
    app.router.add_post(person + "/request", room.ask)
    app.router.add_get(person + "/screening", room.screening_page)
    app.router.add_get(person + "/again", room.again_form)
    app.router.add_post(person + "/again", room.run_again)
    app.router.add_get(person + "/actions", room.open_actions)
    app.router.add_get(person + "/record/{format}", room.download)
    app.router.add_get(person + "/learning", room.learning_page)
    app.router.add_get(person + "/learning/report.{format}", room.learning_report)
    app.router.add_static("/practice-static/", STATIC)
    return room
