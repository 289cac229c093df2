"""Browsers-without-a-browser for the practice room's HTTP tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer
from lxml import html


@dataclass
class Page:
    status: int
    url: str
    text: str

    @property
    def tree(self) -> html.HtmlElement:
        return html.fromstring(self.text)

    def token(self) -> str:
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

    async def act(self, path: str, fields: dict[str, str], query: str = "") -> Page:
        """Send a form from this person's page (with a thread open, where the query says)."""
        page = await self.page(query)
        return await self.post(self.base + path, {"token": page.token(), **fields})

    async def press(self, label: str, query: str = "", within: str = "//") -> Page:
        page = await self.page(query)
        return await self.post(self.base + "/press", page.button_fields(label, within))

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
