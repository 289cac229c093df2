"""A whole Moray reflective case discussion in Slack: requested, screened against the
procedure's criteria, confirmed by a facilitator with no involvement in the case, set up from
the request, held and published with the declaration in the record."""

from __future__ import annotations

import json

from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PARTICIPANTS, PRESENTER, SCREENING_CHANNEL
from slack_requests import setup_values as values_for
from test_slack_screening import (
    direct_messages,
    screen,
    screening_post,
    send_request,
    stored_request,
)

from dialogs.content import ActionId
from dialogs.requests import RequestStatus
from dialogs.state import Phase


async def confirmed_request(session: SlackSession) -> str:
    """Requested, screened (Learning Reviews apply), and confirmed by the facilitator."""
    await send_request(session)
    await screen(
        session,
        ActionId.SCREEN_ACCEPT,
        {"learning_review.0": "yes", "facilitator.0": FACILITATOR},
    )
    (ask,) = direct_messages(session, FACILITATOR)
    button = session.button(ask, ActionId.CONFIRM_NOT_INVOLVED)
    await session.slack.press(FACILITATOR, button, ask, channel=f"D{FACILITATOR}")
    await session.drain()
    return (await stored_request(session)).id


async def open_setup_for(session: SlackSession, model_id: str) -> dict:  # type: ignore[type-arg]
    response = await session.slack.command(FACILITATOR)
    assert response.status == 200
    await session.slack.choose(FACILITATOR, session.last_view(), "model", model_id)
    return session.last_view()


async def test_moray_setup_refuses_a_facilitator_who_has_not_declared(
    session: SlackSession,
) -> None:
    """Moray 3.2: the facilitator "does not have any involvement in the case"."""
    view = await open_setup_for(session, "moray-rcd")
    labels = " ".join(b["label"]["text"] for b in view["blocks"] if b["type"] == "input")
    assert "Standard information sharing agreements apply." in labels
    values = values_for("moray-rcd", list(PARTICIPANTS), PRESENTER)
    answer = json.loads(await (await session.slack.submit(FACILITATOR, view, values)).text())
    assert "does not have any involvement in the case" in answer["errors"]["no_involvement"]
    async with session.runtime.store.transaction() as uow:
        assert await uow.sessions.active_in("slack", CHANNEL) is None


async def test_a_whole_moray_session_from_the_request_to_the_published_record(
    session: SlackSession,
) -> None:
    request_id = await confirmed_request(session)
    # The screening criteria the screener recorded stay with the request.
    assert (await stored_request(session)).criteria == ["learning_review"]
    assert "criteria that apply: Learning Reviews" in " ".join(
        session.fake.called("chat.update")[-1].texts()
    )

    view = await open_setup_for(session, "moray-rcd")
    shown = json.dumps(view["blocks"])
    assert "From the request for case RCD-0999" in shown and "Agencies disagree" in shown
    case = next(b for b in view["blocks"] if b.get("block_id") == "case_reference")
    assert case["element"]["initial_value"] == "RCD-0999"
    values = values_for(
        "moray-rcd",
        list(PARTICIPANTS),
        PRESENTER,
        case_reference="RCD-0999",
        confirmed=("information_sharing",),
        from_request=request_id,
    )
    response = await session.slack.submit(FACILITATOR, view, values)
    assert response.status == 200 and await response.text() == ""
    async with session.runtime.store.transaction() as uow:
        active = await uow.sessions.active_in("slack", CHANNEL)
    assert active is not None
    session.session_id = active.id
    await session.drain()

    state = await session.state()
    assert state.no_involvement and state.request_id == request_id
    assert state.confirmed == ["information_sharing"]
    root = " ".join(session.latest(await session.ts_of("root")).texts())
    assert "declared no involvement in the case" in root
    async with session.runtime.store.transaction() as uow:
        session_audit = [e.action for e in await uow.audit.entries(active.id)]
        request_audit = [e.action for e in await uow.audit.entries(request_id)]
        request = await uow.requests.get(request_id)
    assert "declared no involvement in the case" in session_audit
    assert f"set up from request {request_id}" in session_audit
    assert "confirmed at setup: information_sharing" in session_audit
    assert "accepted a request; criteria that apply: Learning Reviews" in request_audit
    assert f"session {active.id} set up from it" in request_audit
    assert request is not None and request.status is RequestStatus.STARTED
    screening = " ".join(session.fake.called("chat.update")[-1].texts())
    assert "has set up the session" in screening

    await session.agree_and_begin()
    await session.answer_everything()
    await session.review_and_approve()
    assert (await session.state()).phase is Phase.PUBLISHED
    record = " ".join((await session.record_text()).split("\n"))
    assert "Facilitator's declaration: No involvement in the case" in record
    assert "Standard information sharing agreements apply: Confirmed at setup" in record
    assert "Issues that led to the meeting: Agencies disagree about the risk" in record
    # A second setup is not filled in from the request any more: it has its session.
    await session.slack.command(FACILITATOR)
    assert "From the request" not in json.dumps(session.last_view()["blocks"])
    assert screening_post(session).args["channel"] == SCREENING_CHANNEL
