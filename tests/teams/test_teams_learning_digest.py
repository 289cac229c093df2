"""The learning digest in Teams, driven by the scheduler on the injected clock: the bot keeps
where Teams is whenever it hears from a team channel, so that last month's digest reaches each
Teams learning channel (heard from or not, in the one tenant it knows) as a card with a signed
link to the month's report, once, after a restart too; with no channel heard from, nothing is
posted and the digest is tried again at the next round."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from scheduler_rounds import run_the_scheduler
from teams_activities import (
    BOT_ID,
    CPC_LEAD_CHANNEL,
    LEARNING_CHANNEL,
    PEOPLE,
    POLICE,
    TENANT,
    teams_settings,
)
from teams_driver import KEY_POINTS, TeamsChannel
from teams_fake_connector import FakeConnector, Message
from yarl import URL

from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.learning import send_due_digests
from bot.runtime import Runtime
from bot.server import build_web_app
from bot.service import SessionService
from dialogs.models.catalogue import Catalogue
from storage.unit_of_work import Store

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 08:30 in London too
DIGEST_DUE = datetime(2026, 12, 1, 9, 15, tzinfo=UTC)
PUBLIC_URL = "https://reflectbot.example.org"
SECRET = b"teams-digest-secret-of-32-bytes!"


@pytest.fixture
def settings() -> Settings:
    return teams_settings(learning_channels=f"CPC Lead Officer={CPC_LEAD_CHANNEL}")


def digests_in(connector: FakeConnector, channel: str) -> list[Message]:
    return [m for m in connector.channel_posts(channel) if "Learning digest" in m.text()]


def links_of(message: Message) -> list[str]:
    return [a["url"] for a in message.card.get("actions", []) if a["type"] == "Action.OpenUrl"]


def move_to(clock: ManualClock, when: datetime) -> None:
    clock.advance(when - clock.now())


async def sent_digests(runtime: Runtime) -> list[str]:
    async with runtime.store.transaction() as uow:
        return [e.action for e in await uow.audit.entries() if "learning digest" in e.action]


async def test_the_digest_reaches_each_learning_channel_with_a_link_to_the_months_report(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    await teams.run(teams.runtime.catalogue.models["moray-rcd"])
    move_to(clock, FIRST_OF_DECEMBER)
    await run_the_scheduler(teams.runtime, [])
    assert digests_in(teams.connector, CPC_LEAD_CHANNEL) == [], "not before 09:00"
    # 09:15: due; 09:30 and the next day: already sent.
    await run_the_scheduler(
        teams.runtime, [timedelta(minutes=45), timedelta(minutes=15), timedelta(days=1)]
    )

    (digest,) = digests_in(teams.connector, CPC_LEAD_CHANNEL)
    text = digest.text()
    assert "Learning digest: November 2026" in text
    assert "Sessions held: 1 (1 published" in text
    assert KEY_POINTS.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in text
    assert "RCD-0417" not in text
    assert not [person.name for person in PEOPLE if person.name in text]
    assert len(digests_in(teams.connector, LEARNING_CHANNEL)) == 1  # the other audiences'
    assert await sent_digests(teams.runtime) == ["learning digest sent (2026-11)"] * 2
    # Neither channel was heard from: the post went through the tenant's place.
    (created,) = [
        c.body
        for c in teams.connector.calls
        if c.path == "/v3/conversations"
        and c.body
        and c.body.get("channelData", {}).get("channel", {}).get("id") == CPC_LEAD_CHANNEL
        and "Learning digest" in str(c.body)
    ]
    assert created["tenantId"] == TENANT and created["bot"]["id"] == BOT_ID

    (link,) = links_of(digest)
    # No REFLECTBOT_PUBLIC_URL: the address Teams reached the bot at.
    assert URL(link).origin() == teams.web.make_url("/").origin()
    pdf = await teams.web.get(URL(link).path)
    assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
    assert "learning-report-2026-11-01-to-2026-11-30.pdf" in pdf.headers["Content-Disposition"]
    move_to(clock, DIGEST_DUE + timedelta(days=7, minutes=-1))
    assert (await teams.web.get(URL(link).path)).status == 200, "a digest is read over days"
    move_to(clock, DIGEST_DUE + timedelta(days=7))
    assert (await teams.web.get(URL(link).path)).status == 403
    assert "@reflectbot learning 2026-11-01 2026-11-30" in text, "how to ask for it after"


@pytest.fixture
async def restarted(store: Store, clock: ManualClock, settings: Settings) -> AsyncIterator[Runtime]:
    """Another process on the same database, which has heard nothing from Teams itself."""
    deliverers: dict = {}
    dispatcher = Dispatcher(store, clock, deliverers)
    service = SessionService(store, clock, on_commit=dispatcher.wake, secret=SECRET)
    runtime = Runtime(settings, store, clock, Catalogue.load(), service, dispatcher, deliverers)
    client = TestClient(TestServer(build_web_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    yield runtime
    await client.close()


async def test_where_teams_is_survives_a_restart(
    teams: TeamsChannel, clock: ManualClock, restarted: Runtime
) -> None:
    await teams.send(teams.acts.command(POLICE, "help"))
    move_to(clock, DIGEST_DUE)
    assert await send_due_digests(restarted) == 2
    (digest,) = digests_in(teams.connector, LEARNING_CHANNEL)
    (link,) = links_of(digest)
    assert URL(link).origin() == teams.web.make_url("/").origin(), "kept with the place"


async def test_with_no_channel_heard_from_nothing_is_posted_until_one_is(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    move_to(clock, DIGEST_DUE)
    assert await send_due_digests(teams.runtime) == 0
    assert teams.connector.calls == []
    assert await sent_digests(teams.runtime) == []

    await teams.send(teams.acts.command(POLICE, "help"))
    clock.advance(timedelta(minutes=15))
    assert await send_due_digests(teams.runtime) == 2, "the claims were released"
    assert len(digests_in(teams.connector, CPC_LEAD_CHANNEL)) == 1


async def test_with_two_tenants_known_only_a_channel_heard_from_is_reached(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    await teams.send(teams.acts.command(POLICE, "help"))
    elsewhere = teams.acts.command(POLICE, "help")
    elsewhere["conversation"]["tenantId"] = "another-tenant"
    elsewhere["channelData"]["tenant"] = {"id": "another-tenant"}
    elsewhere["channelData"]["channel"] = {"id": CPC_LEAD_CHANNEL}
    elsewhere["conversation"]["id"] = f"{CPC_LEAD_CHANNEL};messageid={elsewhere['id']}"
    await teams.send(elsewhere)
    move_to(clock, DIGEST_DUE)
    assert await send_due_digests(teams.runtime) == 1
    assert len(digests_in(teams.connector, CPC_LEAD_CHANNEL)) == 1
    assert digests_in(teams.connector, LEARNING_CHANNEL) == [], "its tenant is not known"


async def test_the_link_is_at_the_public_url_and_without_any_address_there_is_none(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    runtime = teams.runtime
    runtime.settings = runtime.settings.model_copy(update={"public_url": PUBLIC_URL})
    await teams.send(teams.acts.command(POLICE, "help"))
    move_to(clock, DIGEST_DUE)
    assert await send_due_digests(runtime) == 2
    (link,) = links_of(digests_in(teams.connector, CPC_LEAD_CHANNEL)[0])
    assert link.startswith(f"{PUBLIC_URL}/learning-reports/")

    # Next month, with no public URL and a place kept without the address Teams used.
    runtime.settings = runtime.settings.model_copy(update={"public_url": None})
    async with runtime.store.transaction() as uow:
        for channel, data in await uow.places.latest("teams"):
            unaddressed = data | {"origin": ""}
            await uow.places.remember("teams", channel, unaddressed, clock.now())
    move_to(clock, DIGEST_DUE.replace(month=1, year=2027))
    assert await send_due_digests(runtime) == 2
    digest = digests_in(teams.connector, CPC_LEAD_CHANNEL)[-1]
    assert "Learning digest: December 2026" in digest.text()
    assert links_of(digest) == []
    assert "@reflectbot learning 2026-12-01 2026-12-31" in digest.text()


async def test_the_digest_makes_no_report_file_teams_would_not_attach(
    teams: TeamsChannel, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Teams links to the report (made when the link is followed): making the month's PDF for
    the digest as well would be a file thrown away, each month, for each channel."""
    made: list[str] = []

    async def making(*args: object) -> bytes:
        made.append("pdf")
        return b"%PDF-"

    monkeypatch.setattr("bot.learning.write_report_file", making)
    await teams.run(teams.runtime.catalogue.models["moray-rcd"])
    move_to(clock, DIGEST_DUE)
    await run_the_scheduler(teams.runtime, [timedelta(minutes=15)])
    assert len(digests_in(teams.connector, CPC_LEAD_CHANNEL)) == 1
    assert made == []
