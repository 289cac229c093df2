"""/reflect and its subcommands, answered privately or with the setup modal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import ClientResponse
from slack_driver import SlackSession
from slack_fake_api import Call
from slack_requests import FACILITATOR, OUTSIDER, PARTICIPANTS, PRESENTER, setup_values

from bot.clock import ManualClock
from dialogs.events import Pacing, Role
from dialogs.state import Phase


async def answer(response: ClientResponse) -> str:
    assert response.status == 200
    return await response.text()


async def answer_blocks(response: ClientResponse) -> str:
    """The text of a private answer given as blocks, as the person reads it."""
    assert response.status == 200
    body = await response.json()
    return "\n".join(Call("answer", body, datetime.now(UTC)).texts())


async def test_reflect_opens_the_setup_modal_with_every_model(session: SlackSession) -> None:
    response = await session.slack.command(FACILITATOR)
    assert await answer(response) == ""
    (opened,) = session.fake.called("views.open")
    view = opened.args["view"]
    (menu,) = [b for b in view["blocks"] if b.get("block_id") == "model"]
    models = menu["element"]["options"]
    assert [o["value"] for o in models] == [m.id for m in session.runtime.catalogue]
    (case,) = [b for b in view["blocks"] if b.get("block_id") == "case_reference"]
    assert "must not identify the child" in case["hint"]["text"]


async def test_reflect_start_prefills_the_model_and_participants(session: SlackSession) -> None:
    text = "start kolb <@USW|priya> <@UPOL|dan> <@USW|priya>"
    assert await answer(await session.slack.command(FACILITATOR, text)) == ""
    view = session.fake.called("views.open")[-1].args["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["model"]["element"]["initial_option"]["value"] == "kolb"
    assert blocks["participants"]["element"]["initial_users"] == ["USW", "UPOL"]
    assert "confirm:families_informed" in blocks, "the model's confirmations are asked"


async def test_reflect_start_with_an_unknown_model_lists_the_models(session: SlackSession) -> None:
    text = await answer(await session.slack.command(FACILITATOR, "start <b>nope</b>"))
    assert "I do not know the model “&lt;b&gt;nope&lt;/b&gt;”" in text
    assert "`kolb`" in text
    assert session.fake.called("views.open") == []


async def test_the_setup_modal_starts_a_session_with_names_agencies_and_pacing(
    session: SlackSession,
) -> None:
    await session.start("kolb", ["UPOL", "UHV"], PRESENTER, pacing="async", hours="48")
    state = await session.state()
    assert state.facilitator.name == "Morgan Ellis"
    assert [(p.user_id, p.name, p.agency, p.role) for p in state.participants] == [
        ("UPOL", "Dan Okafor", "Police", Role.CONSULTANT),
        ("UHV", "Ruth Campbell", "Health visiting", Role.CONSULTANT),
        (PRESENTER, "Priya Shah", "Social work", Role.PRESENTER),
    ]
    assert (state.pacing, state.stage_hours, state.case_reference) == (Pacing.ASYNC, 48, "RCD-0417")
    async with session.runtime.store.transaction() as uow:
        conversation = await uow.sessions.conversation(session.session_id)
    assert conversation is not None and conversation.data == {"team_id": "T0001"}
    (root,) = session.fake.called("chat.postMessage")
    assert root.args["channel"] == "C0CHANNEL"


async def test_someone_slack_cannot_look_up_is_shown_by_their_user_id(
    session: SlackSession,
) -> None:
    await session.start("kolb", ["UGHOST", "UPOL"], PRESENTER)
    ghost = next(p for p in (await session.state()).participants if p.user_id == "UGHOST")
    assert (ghost.name, ghost.agency) == ("UGHOST", "")


async def test_setup_mistakes_are_shown_in_the_modal(session: SlackSession) -> None:
    await session.slack.command(FACILITATOR)
    view = session.last_view()
    for values, block in (
        (setup_values("kolb", [], PRESENTER), "participants"),
        (
            setup_values("kolb", list(PARTICIPANTS), PRESENTER, case_reference="  "),
            "case_reference",
        ),
        (setup_values("kolb", list(PARTICIPANTS), PRESENTER, hours="0"), "stage_hours"),
        (setup_values("gone", list(PARTICIPANTS), PRESENTER), "model"),
        (
            setup_values("kolb", list(PARTICIPANTS), PRESENTER, watchlist="A name\n" * 51),
            "watchlist",
        ),
    ):
        response = await session.slack.submit(FACILITATOR, view, values)
        body = await response.json()
        assert body["response_action"] == "errors"
        assert list(body["errors"]) == [block]
    async with session.runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []


async def test_a_start_the_engine_refuses_is_explained_privately(session: SlackSession) -> None:
    await session.slack.command(FACILITATOR)
    values = setup_values("space-to-think", ["UPOL"], None)
    assert (await session.slack.submit(FACILITATOR, session.last_view(), values)).status == 200
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == FACILITATOR
    assert "needs a" in " ".join(told.texts())
    async with session.runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []


async def test_help_models_and_unknown_subcommands_are_answered_privately(
    session: SlackSession,
) -> None:
    assert "/reflect start MODEL" in await answer(await session.slack.command(FACILITATOR, "help"))
    models = await answer(await session.slack.command(FACILITATOR, "models"))
    for model in session.runtime.catalogue:
        assert f"`{model.id}`" in models
    unknown = await answer(await session.slack.command(OUTSIDER, "launch <!channel>"))
    assert "I do not know “launch”" in unknown
    assert "/reflect help" in unknown
    assert session.fake.actions() == []


async def test_status_end_and_cancel_without_a_session_say_so(session: SlackSession) -> None:
    for verb in ("status", "end", "cancel"):
        text = await answer(await session.slack.command(FACILITATOR, verb))
        assert "There is no reflective discussion running in this channel" in text


async def test_status_says_where_the_discussion_is(session: SlackSession) -> None:
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    text = await answer_blocks(await session.slack.command(OUTSIDER, "status"))
    assert "waiting for everyone to agree to the ground rules" in text
    await session.agree_and_begin()
    text = await answer_blocks(await session.slack.command(OUTSIDER, "status"))
    assert "The discussion is under way." in text
    assert "Stage 1 of 4:" in text
    assert "is waiting for: <@USW>, <@UPOL>, <@UHV>" in text
    await session.answer_everything()
    await session.review_and_approve()
    text = await answer_blocks(await session.slack.command(OUTSIDER, "status"))
    assert "finished; its record has been published" in text


async def test_end_drafts_the_record_and_only_the_facilitator_may(session: SlackSession) -> None:
    await session.begin()
    await session.slack.command(PRESENTER, "end")
    await session.drain()
    assert (await session.state()).phase is Phase.RUNNING
    assert session.fake.called("chat.postEphemeral")[-1].args["user"] == PRESENTER
    await session.slack.command(FACILITATOR, "end")
    await session.drain()
    assert (await session.state()).phase is Phase.RECORD_DRAFT


async def test_cancel_cancels_the_session(session: SlackSession) -> None:
    await session.begin()
    await session.slack.command(FACILITATOR, "cancel")
    await session.drain()
    assert (await session.state()).phase is Phase.CANCELLED
    last = session.fake.called("chat.postMessage")[-1]
    assert "cancelled this session" in " ".join(last.texts())


async def test_a_form_slack_cannot_open_is_explained(session: SlackSession) -> None:
    session.fake.fail("views.open", 200, "expired_trigger_id")
    text = await answer(await session.slack.command(FACILITATOR))
    assert "could not open the form" in text


async def test_a_session_can_be_scheduled_for_later(
    session: SlackSession, clock: ManualClock
) -> None:
    later = clock.now() + timedelta(days=2)
    await session.start("kolb", list(PARTICIPANTS), PRESENTER, scheduled_for=int(later.timestamp()))
    assert (await session.state()).phase is Phase.SCHEDULED
    invited = {c.args["users"] for c in session.fake.called("conversations.open")}
    assert invited == set(PARTICIPANTS)
    status = await answer_blocks(await session.slack.command(OUTSIDER, "status"))
    assert "scheduled for 25 November 2026 at 09:30 (UK time)" in status
    clock.advance(timedelta(days=2))
    await session.runtime.service.tick_due()
    await session.drain()
    assert (await session.state()).phase is Phase.GROUND_RULES
    assert await session.ts_of("root")


async def test_reflect_where_the_bot_cannot_run_a_discussion_says_why(
    session: SlackSession,
) -> None:
    session.fake.channels_without_bot.add("C0CHANNEL")
    text = await answer(await session.slack.command(FACILITATOR))
    assert "/invite @reflectbot" in text
    session.fake.fail("conversations.info", 200, "channel_not_found")
    assert "/invite @reflectbot" in await answer(await session.slack.command(FACILITATOR))
    session.slack.channel = "D0DIRECT"
    assert "Please use /reflect there" in await answer(await session.slack.command(FACILITATOR))
    assert session.fake.called("views.open") == []
