"""End to end in a real browser: a facilitator and two participants (one on a phone) run a whole
Morrison 4x4x4 session in the practice room, live, to the published record.

Needs Debian's Chromium at /usr/bin/chromium; skipped where it is absent.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from practice_kit import CHROMIUM, chromium, readiness_event

from bot.clock import SystemClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server import build_web_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "practice"
WAIT_MS = 20_000

playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"end-to-end tests need Chromium at {CHROMIUM}"
)


@pytest.fixture
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


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    async with chromium() as launched:
        yield launched


async def join(browser, join_link: str, name: str, agency: str, phone: bool = False):  # type: ignore[no-untyped-def]
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await page.goto(join_link)
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Your agency").fill(agency)
    await page.get_by_role("button", name="Join the room").click()
    await page.wait_for_url("**/p/*")
    return page


async def answer(page, number: int, words: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    """Open question `number` (0-based) from the channel and answer it in its thread: with
    `words`, or on a scale question with the `choice` button."""
    expect = playwright_api.expect
    back = page.get_by_role("link", name="Back to the channel")
    if await back.is_visible():
        await back.click()
    link = page.locator("#channel .thread-link a").nth(number)
    await expect(link).to_be_visible(timeout=WAIT_MS)
    # Enter, not a click: a message arriving as the pointer moves scrolls a channel followed to
    # its end, and the click lands on whatever is then beneath it.
    await link.press("Enter")
    scale = page.locator("#thread .actions.scale")
    reply_box = page.get_by_label("Your reply in this thread")
    # The thread has loaded when either way of answering shows.
    await expect(scale.or_(reply_box).first).to_be_visible(timeout=WAIT_MS)
    if await scale.count():
        await scale.get_by_role("button", name=f"Choose {choice}").click()
    else:
        await reply_box.fill(words)
        await page.get_by_role("button", name="Send reply").click()
    await page.wait_for_load_state()


async def test_a_whole_morrison_session_in_three_browsers(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    expect = playwright_api.expect
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chair_context = await browser.new_context(viewport={"width": 1280, "height": 900})
    chair = await chair_context.new_page()
    await chair.goto(site + "/")
    await chair.get_by_label("Room name").fill("Morrison practice")
    await chair.get_by_label("Your name").fill("Morgan Ellis")
    await chair.get_by_label("Your agency").fill("Children's services")
    await chair.get_by_role("button", name="Create the room").click()
    join_link = await chair.get_by_label("Join link").input_value()

    priya = await join(browser, join_link, "Priya Shah", "Social work")
    dan = await join(browser, join_link, "Dan <@U123> Okafor", "Police & <!channel>", phone=True)
    await expect(chair.locator("#people li")).to_have_count(3, timeout=WAIT_MS)

    await chair.get_by_role("link", name="Start a reflective session").click()
    await chair.get_by_label("Facilitation model").select_option("morrison-4x4x4")
    # Choosing the model shows, in place, what it asks of the facilitator: the chair it expects.
    await expect(chair.locator("#chair")).to_contain_text("Team Manager", timeout=WAIT_MS)
    await chair.get_by_label("I have no involvement in the case").check()
    await chair.get_by_label("Case reference").fill("RCD-0417")
    await chair.get_by_role("radio", name="Priya Shah").check()
    await chair.get_by_role("button", name="Start the session").click()

    for page in (priya, dan):
        agree = page.get_by_role("button", name="I agree")
        await expect(agree).to_be_visible(timeout=WAIT_MS)
    # Dan uses the keyboard alone, and keeps his place while Priya's agreement redraws the message.
    await dan.get_by_role("button", name="I agree").focus()
    await priya.get_by_role("button", name="I agree").click()
    await expect(dan.get_by_text("Waiting for: Dan <@U123> Okafor")).to_be_visible(timeout=WAIT_MS)
    await dan.keyboard.press("Enter")
    await expect(chair.get_by_text("Everyone has agreed")).to_be_visible(timeout=WAIT_MS)
    await chair.get_by_role("button", name="Begin").click()
    # Screen readers hear that something arrived.
    await expect(priya.locator("#live-status")).to_have_text("1 new message", timeout=WAIT_MS)

    questions = chair.locator("#channel .thread-link a")
    key_points = chair.get_by_role("button", name="Write key points")
    review = chair.get_by_role("button", name="Review the draft record")
    asked = 0
    while not await review.is_visible():
        await expect(questions.nth(asked).or_(key_points).or_(review).first).to_be_visible(
            timeout=WAIT_MS
        )
        if await key_points.is_visible():
            await key_points.click()
            await chair.get_by_label("Key points").fill("Different pictures of the family.")
            await chair.get_by_role("button", name="Save key points").click()
            await expect(key_points).to_have_count(0, timeout=WAIT_MS)
            continue
        if await review.is_visible():
            break
        await answer(priya, asked, f"Priya's view on question {asked + 1}.", "3")
        await answer(dan, asked, f"Police view {asked + 1}: <b>calm</b> @here", "2")
        if asked == 0:
            await questions.nth(0).click()
            await expect(chair.locator("#thread .reply")).to_have_count(2, timeout=WAIT_MS)
            await chair.screenshot(path=ARTIFACTS / "channel-and-thread.png")
            await dan.screenshot(path=ARTIFACTS / "phone-thread.png")
            await chair.get_by_role("link", name="Back to the channel").click()
        asked += 1

    assert asked == 42
    await review.click()
    summary = chair.locator("main form textarea").first
    await summary.fill((await summary.input_value()) + "\nReviewed with the team.")
    await chair.get_by_role("button", name="Preview").click()
    # Morrison's record says who confirmed it: the facilitator asks, each participant confirms.
    await chair.get_by_role("button", name="Ask participants to confirm").click()
    for page in (priya, dan):
        back = page.get_by_role("link", name="Back to the channel")
        if await back.is_visible():
            await back.click()
        confirm = page.get_by_role("button", name="I confirm this record")
        await expect(confirm).to_be_visible(timeout=WAIT_MS)
        await confirm.click()
    # Once everyone has confirmed, the facilitator is told with an Approve button of its own:
    # the newest is the one to press.
    approve = chair.get_by_role("button", name="Approve and publish").last
    await expect(approve).to_be_visible(timeout=WAIT_MS)
    await approve.click()

    for page in (chair, priya, dan):
        back = page.get_by_role("link", name="Back to the channel")
        if await back.is_visible():
            await back.click()
        record = page.locator("article.key-record")
        await expect(record).to_be_visible(timeout=WAIT_MS)
        await expect(record).to_contain_text("Reviewed with the team.")
        await expect(record).to_contain_text("Confirmed by: Priya Shah, Dan <@U123> Okafor")
    await chair.locator("article.key-record").screenshot(path=ARTIFACTS / "record.png")
    await dan.screenshot(path=ARTIFACTS / "phone-record.png", full_page=False)
    # User text stayed text: the odd name shows as typed, and no markup came through.
    await expect(priya.get_by_text("Dan <@U123> Okafor").first).to_be_visible()
    assert await priya.locator("#channel b, #thread b").count() == 0
