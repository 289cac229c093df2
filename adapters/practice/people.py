"""Rooms and the people in them: creating a room, its link, joining it."""

from __future__ import annotations

import logging

from aiohttp import web

from adapters.practice.identity import cookie_name, new_id, new_room_id
from adapters.practice.pages import Pages, text_fields
from storage.practice import PracticeRooms, RoomPerson

log = logging.getLogger(__name__)

NAME_MAX = 80
ROOM_NAME_MAX = 100


class PeoplePages(Pages):
    """Creating rooms and joining them; no accounts, a signed cookie per person."""

    async def home(self, request: web.Request) -> web.Response:
        return self.render("home.html", problems=[], values={})

    async def create_room(self, request: web.Request) -> web.StreamResponse:
        data = await text_fields(request)
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
        data = await text_fields(request)
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
