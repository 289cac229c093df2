"""Browsers-without-a-browser for the practice room's HTTP tests."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import ClientSession, CookieJar, web
from aiohttp.test_utils import TestServer
from lxml import html

from bot.app import READINESS, Readiness
from bot.runtime import Runtime
from dialogs import events as ev
from dialogs.engine import step
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase, SessionState
from storage.practice import PracticeRooms
from storage.repositories import StoredSession
from storage.unit_of_work import Store


@dataclass
class Page:
    status: int
    url: str
    text: str

    @property
    def tree(self) -> html.HtmlElement:
        return html.fromstring(self.text)

    def token(self) -> str:
        """The person's form token, from any form on the page."""
        return str(self.tree.xpath("//input[@name='token']/@value")[0])

    def texts(self, xpath: str) -> list[str]:
        return [" ".join(e.text_content().split()) for e in self.tree.xpath(xpath)]

    def buttons(self) -> list[str]:
        return self.texts("//form[contains(@action, '/press')]//button")

    def button_fields(self, label: str, within: str = "//") -> dict[str, str]:
        """The hidden fields of the first button with this label (within an xpath)."""
        for form in self.tree.xpath(f"{within}form[contains(@action, '/press')]"):
            if " ".join(form.xpath(".//button")[0].text_content().split()) == label:
                return {i.get("name"): i.get("value") for i in form.xpath(".//input")}
        raise AssertionError(f"no button {label!r} on the page")

    def question_threads(self) -> list[str]:
        """The message ids of the questions in the channel, oldest first."""
        links = self.tree.xpath("//ol[@id='channel']//p[@class='thread-link']/a/@href")
        return [re.search(r"thread=([\w-]+)", link).group(1) for link in links]  # type: ignore[union-attr]


class _SignalledReadiness(Readiness):
    """The app's readiness, which also says when the database has been reached."""

    reached: asyncio.Event

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if name == "ready" and value and "reached" in self.__dict__:
            self.reached.set()


def readiness_event(app: web.Application) -> asyncio.Event:
    """Set once the app (built with its background tasks) has reached its database and serves
    pages; before then it answers 503. Call before the app starts."""
    readiness = _SignalledReadiness(ready=app[READINESS].ready)
    readiness.reached = asyncio.Event()
    if readiness.ready:
        readiness.reached.set()
    app[READINESS] = readiness
    return readiness.reached


class Visitor:
    """One browser: its own cookie jar, so several visitors are several people."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.session = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.base = ""  # this person's page, once joined

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def get(self, path: str) -> Page:
        async with self.session.get(self.url(path)) as response:
            return Page(response.status, str(response.url.relative()), await response.text())

    async def post(self, path: str, data: dict[str, str] | list[tuple[str, str]]) -> Page:
        async with self.session.post(self.url(path), data=data) as response:
            return Page(response.status, str(response.url.relative()), await response.text())

    async def page(self, query: str = "") -> Page:
        return await self.get(self.base + query)

    async def token(self) -> str:
        """This person's form token, from the page of the room's first question (which has
        the reply form even when there is no button for them)."""
        page = await self.page()
        threads = page.question_threads()
        if threads:
            page = await self.page(f"?thread={threads[0]}")
        return page.token()

    async def act(self, path: str, fields: dict[str, str], query: str = "") -> Page:
        """Send a form from this person's page (with a thread open, where the query says)."""
        page = await self.page(query)
        return await self.post(self.base + path, {"token": page.token(), **fields})

    async def download(self, path: str) -> tuple[int, dict[str, str], bytes]:
        async with self.session.get(self.url(self.base + path)) as response:
            return response.status, dict(response.headers), await response.read()

    async def press(self, label: str, query: str = "", within: str = "//") -> Page:
        page = await self.page(query)
        return await self.post(self.base + "/press", page.button_fields(label, within))

    async def confirm(self, page: Page) -> Page:
        """Send the confirmation page's form (ending the discussion, cancelling)."""
        form = page.tree.xpath("//div[@id='confirm']//form")[0]
        fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
        return await self.post(form.get("action"), fields)

    async def close(self) -> None:
        await self.session.close()


async def create_room(visitor: Visitor, name: str = "Morgan", agency: str = "Chair") -> str:
    page = await visitor.post("/rooms", {"room": "Team practice", "name": name, "agency": agency})
    assert page.status == 200, page.text
    visitor.base = page.url.split("?")[0]
    return visitor.base.split("/")[2]


async def join(visitor: Visitor, room_id: str, name: str, agency: str) -> None:
    page = await visitor.post(f"/r/{room_id}/join", {"name": name, "agency": agency})
    assert page.status == 200, page.text
    visitor.base = page.url.split("?")[0]


async def start_session(
    runtime: Runtime,
    make: Callable[[], Visitor],
    model: str = "portsmouth-rpm",
    watchlist: str = "",
) -> tuple[Visitor, Visitor, Visitor, str]:
    chair, priya, dan = make(), make(), make()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    await join(dan, room_id, "Dan", "Police")
    setup = await chair.get(chair.base + f"/setup?model={model}")
    assert setup.status == 200
    people = setup.tree.xpath("//input[@name='participants']/@value")
    declared = runtime.catalogue.models[model].requires_independent_facilitator
    page = await chair.post(
        chair.base + "/setup",
        [
            ("token", setup.token()),
            ("shown_for", model),
            *([("no_involvement", "yes")] if declared else []),
            ("model", model),
            ("case_reference", "RCD-0417"),
            *[("participants", p) for p in people],
            ("lead", people[0]),
            ("pacing", "live"),
            ("stage_hours", "24"),
            ("watchlist", watchlist),
        ],
    )
    assert page.status == 200, page.text
    await runtime.dispatcher.drain()
    return chair, priya, dan, room_id


async def publish(
    runtime: Runtime,
    chair: Visitor,
    *participants: Visitor,
    record: dict[str, str] | None = None,
) -> None:
    """Agree, begin, end at once, save the record (with these fields), approve and publish."""
    await begin(runtime, chair, *participants)
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    review = await chair.press("Review the draft record")
    saved = await chair.post(
        chair.base + "/form",
        {"token": review.token(), "form": "record", **(record or {})},
    )
    assert saved.status == 200, saved.text
    await runtime.dispatcher.drain()
    await chair.press("Approve and publish")
    await runtime.dispatcher.drain()


CHANNEL_RECORD = "//ol[@id='channel']//article[contains(concat(' ', @class, ' '), ' key-record ')]"
PRIVATE = "//ol[@id='channel']//article[contains(concat(' ', @class, ' '), ' direct ')]"


async def private_record(visitor: Visitor, title: str) -> str:
    """The copy of the published record sent to this person privately."""
    (copy,) = [t for t in (await visitor.page()).texts(PRIVATE) if title in t and "Approved" in t]
    return copy


async def session_state(runtime: Runtime, room_id: str) -> SessionState:
    async with runtime.store.transaction() as uow:
        room = await PracticeRooms(uow.db).get(room_id)
        assert room is not None and room.session_id is not None
        stored = await uow.sessions.get(room.session_id)
    assert stored is not None
    return stored.state


async def session_phase(runtime: Runtime, room_id: str) -> Phase:
    return (await session_state(runtime, room_id)).phase


async def add_session(
    store: Store, session_id: str, room_id: str, now: datetime, *, cancelled: bool = False
) -> None:
    """A session row for the room's messages to belong to (a room has one active session at a
    time: earlier ones are cancelled)."""
    start = ev.Start(
        actor="p-chair",
        session_id=session_id,
        model=Catalogue.load().models["kolb"],
        facilitator=ev.Person(user_id="p-chair", name="Morgan"),
        participants=(ev.Participant(user_id="p-priya", name="Priya"),),
        case_reference="RCD-1",
    )
    state = step(None, start, now).state
    assert state is not None
    if cancelled:
        state = step(state, ev.Cancel(actor="p-chair"), now).state
        assert state is not None
    async with store.transaction() as uow:
        await uow.sessions.add(StoredSession(session_id, "practice", room_id, state), now, None)


async def begin(runtime: Runtime, chair: Visitor, *participants: Visitor) -> str:
    """Everyone agrees, the facilitator begins; returns the first question's message id."""
    for person in participants:
        await person.press("I agree")
    await runtime.dispatcher.drain()
    await chair.press("Begin")
    await runtime.dispatcher.drain()
    return (await chair.page()).question_threads()[-1]


CHROMIUM = "/usr/bin/chromium"


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """One headless Chromium, with nothing that reaches the network on its own."""
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        await browser.close()
