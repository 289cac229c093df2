"""In a real browser, at desktop and phone widths: what people missed or could not undo in the
practice room. One browser serves the whole file; each test has its own server and people.

1. The identifier warning shows in the reply box and at the reply until the reply is fixed.
2. Cancelling a session, and ending a discussion, are confirmed on a page of their own.
3. A participant on a phone who stays in a thread is told of the next question, one tap away.
4. After publishing, the downloads and "Run again" are with the record; long texts fold.
5. Buttons that were used are spent: Approve, "I have no involvement", "I agree".

Needs Debian's Chromium at /usr/bin/chromium; skipped where it is absent.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from practice_kit import CHROMIUM, chromium, readiness_event

from bot.clock import SystemClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server import build_web_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "practice"
WAIT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect
pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason=f"browser tests need Chromium at {CHROMIUM}"
    ),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    expect.set_options(timeout=WAIT_MS)
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="module")
async def site(tmp_path: Path) -> AsyncIterator[str]:
    """The real server: the whole app on a free loopback port, its dispatcher running."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'practice.sqlite3'}", secret="e2e"
    )
    app = build_web_app(Runtime.build(settings, SystemClock()))
    ready = readiness_event(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    # The server listens at once and answers 503 until it has reached its database.
    await asyncio.wait_for(ready.wait(), WAIT_MS / 1000)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


class Room:
    """A facilitator on a desktop, Priya on a desktop and Dan on a phone, in one room."""

    def __init__(self, browser: Any, site: str) -> None:
        self.browser = browser
        self.site = site
        self.contexts: list[Any] = []

    async def person(self, phone: bool = False) -> Any:
        context = await self.browser.new_context(viewport=PHONE if phone else DESKTOP)
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        return await context.new_page()

    async def open(self) -> tuple[Any, Any, Any]:
        chair = await self.person()
        await chair.goto(self.site + "/")
        await chair.get_by_label("Room name").fill("Practice")
        await chair.get_by_label("Your name").fill("Morgan Ellis")
        await chair.get_by_label("Your agency").fill("Children's services")
        await chair.get_by_role("button", name="Create the room").click()
        link = await chair.get_by_label("Join link").input_value()
        priya = await self.join(link, "Priya Shah", "Social work")
        dan = await self.join(link, "Dan Okafor", "Police", phone=True)
        await expect(chair.locator("#people li")).to_have_count(3)
        return chair, priya, dan

    async def join(self, link: str, name: str, agency: str, phone: bool = False) -> Any:
        page = await self.person(phone)
        await page.goto(link)
        await page.get_by_label("Your name").fill(name)
        await page.get_by_label("Your agency").fill(agency)
        await page.get_by_role("button", name="Join the room").click()
        await page.wait_for_url("**/p/*")
        return page

    async def start(self, chair: Any, *participants: Any, begin: bool = True) -> None:
        """A Portsmouth session (one stage of seven questions), live; everyone agrees."""
        await chair.get_by_role("link", name="Start a reflective session").click()
        await chair.get_by_label("Facilitation model").select_option("portsmouth-rpm")
        # Its confirmations are drawn in place once the model is chosen.
        await expect(chair.locator("#confirmations")).to_be_visible(timeout=WAIT_MS)
        await chair.get_by_label("Case reference").fill("RCD-0417")
        await chair.get_by_role("radio", name="Priya Shah").check()
        await chair.get_by_role("button", name="Start the session").click()
        for page in participants:
            await page.get_by_role("button", name="I agree").click()
        if begin:
            await expect(chair.get_by_text("Everyone has agreed")).to_be_visible()
            await chair.get_by_role("button", name="Begin").click()
            await expect(chair.locator("#channel .thread-link a")).to_have_count(1)

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def room(browser: Any, site: str) -> AsyncIterator[Room]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    made = Room(browser, site)
    yield made
    await made.close()


async def open_thread(page: Any, number: int = 0) -> None:
    back = page.get_by_role("link", name="Back to the channel")
    if await back.is_visible():
        await back.click()
    await page.locator("#channel .thread-link a").nth(number).click()
    await expect(page.get_by_label("Your reply in this thread")).to_be_visible()


async def send_reply(page: Any, words: str) -> None:
    await page.get_by_label("Your reply in this thread").fill(words)
    await page.get_by_role("button", name="Send reply").click()
    mine = page.locator("#thread .reply", has=page.locator("details.own"))
    await expect(mine.filter(has_text=words.split("\n")[0])).to_be_visible()


async def end_discussion(chair: Any) -> None:
    """Press End discussion and confirm it where asked."""
    await chair.get_by_role("button", name="End discussion").first.click()
    confirm = chair.get_by_role("button", name="Yes, end the discussion")
    review = chair.get_by_role("button", name="Review the draft record")
    await expect(confirm.or_(review).first).to_be_visible()
    if await confirm.is_visible():
        await confirm.click()
    await expect(review).to_be_visible()


async def publish(chair: Any) -> None:
    await end_discussion(chair)
    await chair.get_by_role("button", name="Review the draft record").click()
    await chair.get_by_role("button", name="Preview").click()
    approve = chair.get_by_role("button", name="Approve and publish")
    await approve.click()
    await expect(chair.locator("article.key-record")).to_be_visible()


# -- 1. the identifier warning ----------------------------------------------------------------


async def test_the_identifier_warning_stays_in_view_until_the_reply_is_fixed(room: Room) -> None:
    chair, priya, dan = await room.open()
    await room.start(chair, priya, dan)
    for page, name in ((priya, "desktop"), (dan, "phone")):
        await open_thread(page)
        # Earlier replies fill the thread, so that the box would cover what comes last.
        for n in range(3):
            await send_reply(page, f"A first thought, number {n + 1}.\n" + "More words. " * 30)
        await send_reply(page, "We met the family at SW1A 1AA last week.")
        warning = page.locator("#composer .guard-warning")
        await expect(warning).to_contain_text("seems to contain a postcode")
        await expect(warning).to_be_in_viewport()
        await expect(page.locator("#thread .guard-warning")).to_have_count(1)
        await page.screenshot(path=ARTIFACTS / f"fixes-1-identifier-warning-{name}.png")
        # It stays: a reload, or news from the room, does not take it away.
        await page.reload()
        await expect(warning).to_be_in_viewport()
        await warning.get_by_role("link", name="Edit your reply").click()
        editor = page.locator("#thread details.own[open] textarea")
        await expect(editor).to_be_focused()
        await editor.fill("We met the family at home last week.")
        await (
            page.locator("#thread details.own[open]")
            .get_by_role("button", name="Save changes")
            .click()
        )
        clear = page.locator("#composer .guard-clear")
        await expect(clear).to_contain_text("no longer seems to contain identifiers")
        await expect(clear).to_be_in_viewport()
        await expect(page.locator(".guard-warning")).to_have_count(0)
        await page.screenshot(path=ARTIFACTS / f"fixes-1-reply-fixed-{name}.png")


# -- 2. cancelling, and ending, after a confirmation ------------------------------------------


async def test_ending_and_cancelling_are_confirmed_and_only_the_facilitator_cancels(
    room: Room,
) -> None:
    chair, priya, dan = await room.open()
    await room.start(chair, priya, dan)
    cancel = chair.get_by_role("link", name="Cancel the session…")
    await expect(cancel).to_be_visible()
    for page in (priya, dan):
        await expect(page.locator("#channel .thread-link a")).to_have_count(1)
        await expect(page.get_by_role("link", name="Cancel the session…")).to_have_count(0)

    end = chair.get_by_role("button", name="End discussion").first
    await end.click()
    await expect(chair.get_by_role("heading", name="End the discussion now?")).to_be_visible()
    await chair.screenshot(path=ARTIFACTS / "fixes-2-confirm-end.png")
    await chair.get_by_role("link", name="No, back to the room").click()
    await expect(end).to_be_visible()  # nothing changed
    await end.click()
    await chair.get_by_role("button", name="Yes, end the discussion").click()
    await expect(chair.get_by_role("button", name="Review the draft record")).to_be_visible()

    await cancel.click()
    await expect(chair.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    await chair.get_by_role("link", name="No, keep the session").click()
    await expect(chair.get_by_role("button", name="Review the draft record")).to_be_visible()
    await cancel.click()
    await chair.screenshot(path=ARTIFACTS / "fixes-2-confirm-cancel.png")
    await chair.get_by_role("button", name="Yes, cancel the session").click()
    for page in (chair, dan):
        await expect(
            page.get_by_text("The facilitator has cancelled this session.")
        ).to_be_visible()
    await expect(cancel).to_have_count(0)
    await expect(chair.get_by_role("link", name="Start a reflective session")).to_be_visible()
    await dan.screenshot(path=ARTIFACTS / "fixes-2-cancelled-phone.png")


# -- 3. the next question, from the thread, on a phone ----------------------------------------


async def test_a_participant_in_a_thread_on_a_phone_is_taken_to_the_next_question(
    room: Room,
) -> None:
    chair, priya, dan = await room.open()
    await room.start(chair, priya, dan)
    await open_thread(dan)
    await send_reply(dan, "The police saw the family twice.")
    news = dan.locator("#composer .next-question")
    await expect(news).to_have_count(0)
    await chair.get_by_role("button", name="Next").first.click()
    await expect(news).to_contain_text("A new question is open")
    await expect(news).to_be_in_viewport()
    await expect(dan.locator("#live-status")).to_have_text("A new question is open")
    await dan.screenshot(path=ARTIFACTS / "fixes-3-next-question-phone.png")
    await dan.get_by_role("link", name="Go to the new question").click()
    await expect(dan.locator("#thread")).to_contain_text("What might be/have been going on")
    await expect(dan.get_by_label("Your reply in this thread")).to_be_in_viewport()
    await expect(news).to_have_count(0)  # this is the open question


# -- 4. after publishing: the buttons with the record; long texts fold ------------------------


async def test_the_record_carries_its_downloads_and_long_texts_fold(room: Room) -> None:
    chair, priya, dan = await room.open()
    await room.start(chair, priya, dan)
    root = dan.locator("#channel article.key-root")
    # Measured once the root message has its last update, so that it is not swapped meanwhile.
    await expect(root).to_contain_text("The discussion is under way")
    purpose = root.locator("details.more").first
    await expect(purpose).to_be_visible()
    await expect(purpose.locator("li").first).not_to_be_visible()
    folded = await root.evaluate("e => e.getBoundingClientRect().height")
    await publish(chair)
    await expect(root).to_contain_text("record has been published")

    record = chair.locator("#channel li", has=chair.locator("article.key-record"))
    for label in ("Markdown", "Word", "PDF"):
        await expect(
            record.get_by_role("link", name=f"Download the record ({label})")
        ).to_be_visible()
    await expect(record.get_by_role("link", name="Run this session again")).to_be_visible()
    await expect(
        chair.locator("#start").get_by_role("link", name="Run this session again")
    ).to_have_count(0)
    await record.screenshot(path=ARTIFACTS / "fixes-4-record-with-downloads.png")
    # Folded texts open on request.
    await purpose.locator("summary").click()
    await expect(purpose.locator("li").first).to_be_visible()
    assert await root.evaluate("e => e.getBoundingClientRect().height") > folded + 100
    await dan.screenshot(path=ARTIFACTS / "fixes-4-folded-purpose-phone.png")


# -- 5. spent buttons ---------------------------------------------------------------------------


async def test_buttons_that_were_used_are_spent(room: Room) -> None:
    chair, priya, dan = await room.open()
    await room.start(chair, priya, dan, begin=False)
    agreed = priya.get_by_role("button", name="I agree")
    await expect(agreed).to_be_disabled()
    await expect(dan.get_by_role("button", name="I agree")).to_be_disabled()
    await expect(chair.get_by_text("Everyone has agreed")).to_be_visible()
    await chair.get_by_role("button", name="Begin").click()
    await end_discussion(chair)
    await chair.get_by_role("button", name="Review the draft record").click()
    await chair.get_by_role("button", name="Preview").click()
    approve = chair.get_by_role("button", name="Approve and publish")
    await approve.click()
    await expect(chair.locator("article.key-record")).to_be_visible()
    await expect(chair.get_by_text("You chose “Approve and publish”.")).to_be_visible()
    await expect(approve).to_have_count(0)
    await chair.screenshot(path=ARTIFACTS / "fixes-5-approve-spent.png")

    # A request for a discussion: Dan screens it, Morgan confirms once.
    await priya.get_by_role("link", name="Ask for a discussion").click()
    await priya.get_by_label("Case reference").fill("RCD-0420")
    await priya.get_by_label("Agencies involved").fill("Social work, police")
    await priya.get_by_label("Why does the case feel stuck?").fill("We disagree on the risk.")
    await priya.get_by_role("button", name="Send for screening").click()
    await dan.goto(dan.url.split("?")[0].split("#")[0] + "/screening")
    await dan.get_by_role("button", name="Accept…").click()
    await dan.get_by_label("Facilitator").select_option(label="Morgan Ellis · Children's services")
    await dan.get_by_role("button", name="Accept").click()
    confirm = chair.get_by_role("button", name="I have no involvement: I will facilitate")
    await confirm.click()
    await expect(
        chair.get_by_text("You chose “I have no involvement: I will facilitate”.")
    ).to_be_visible()
    await expect(confirm).to_have_count(0)
    await expect(chair.get_by_role("button", name="I am involved in this case")).to_have_count(0)
    await chair.screenshot(path=ARTIFACTS / "fixes-5-confirmation-spent.png")
