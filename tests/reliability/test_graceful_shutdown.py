"""SIGTERM, as a deploy sends it: the served bot stops taking requests, finishes the one in
flight, and leaves its undelivered effects unleased for the other processes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from served import ServedBot, slack_settings, wait_for, wait_until_drained
from slack_fake_api import FakeSlack
from slack_requests import (
    FACILITATOR,
    PARTICIPANTS,
    PEOPLE,
    PRESENTER,
    Workspace,
    setup_values,
)
from sqlalchemy import text

from bot.clock import SystemClock
from storage.unit_of_work import Store


class SlowFormsSlack(FakeSlack):
    """Opening a form takes Slack a while, so a /reflect is still in flight when SIGTERM
    comes."""

    async def _handle(self, request):  # type: ignore[no-untyped-def]
        if request.match_info["method"] == "views.open":
            await asyncio.sleep(1.0)
        return await super()._handle(request)


async def test_sigterm_finishes_the_request_in_flight_and_leaves_the_outbox_to_others(
    fresh_database: str, tmp_path: Path
) -> None:
    fake = SlowFormsSlack(SystemClock())
    for user_id, (name, agency) in PEOPLE.items():
        fake.add_user(user_id, name, agency)
    await fake.start()
    bot = ServedBot(slack_settings(fresh_database, fake.url), tmp_path / "server.log")
    bot.command("db", "upgrade")
    store = Store.open(fresh_database)
    try:
        await bot.start()
        async with aiohttp.ClientSession(base_url=bot.url) as http:
            slack = Workspace(http, fake)  # type: ignore[arg-type]
            assert (await slack.command(FACILITATOR)).status == 200
            view = fake.called("views.open")[-1].args["view"]
            values = setup_values("portsmouth-rpm", list(PARTICIPANTS), PRESENTER)
            assert (await slack.submit(FACILITATOR, view, values)).status == 200
            # The session's posts are queued, and delivered a second apart (Slack's pace).
            other_channel = Workspace(http, fake, channel="C0OTHER")  # type: ignore[arg-type]
            in_flight = asyncio.create_task(other_channel.command(FACILITATOR))
            await wait_for(lambda: len(fake.called("views.open")) == 2)
            exit_code = await asyncio.to_thread(bot.terminate)
            assert (await in_flight).status == 200
            assert exit_code == 0, bot.log_tail()
            refused = await asyncio.gather(slack.command(FACILITATOR), return_exceptions=True)
            assert isinstance(refused[0], aiohttp.ClientConnectionError)

        async with store.transaction() as uow:
            left = await uow.outbox.pending_count()
            leased = await uow.db.execute(
                text(
                    "SELECT count(*) FROM outbox WHERE status = 'pending' AND claimed_until > now()"
                )
            )
        assert leased.scalar_one() == 0, "a stopped process still holds effects"
        # Another process takes over what was left.
        await bot.start()
        await wait_until_drained(store)
        print(f"\nSIGTERM left {left} undelivered effect(s), delivered by the next process")
        assert "Traceback" not in bot.log_tail(200)
    finally:
        if bot.process and bot.process.poll() is None:
            bot.kill()
        await store.close()
        await fake.close()
