"""Asking for a discussion: /reflect request, screening in the screening channel, and the
facilitator's confirmation in a direct message."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_driver import SlackSession
from slack_fake_api import Call
from slack_requests import (
    CHANNEL,
    FACILITATOR,
    OUTSIDER,
    PRESENTER,
    SCREENING_CHANNEL,
    form_values,
)

from dialogs.content import ActionId
from dialogs.requests import RequestState, RequestStatus

SCREENER = OUTSIDER
REQUEST = {
    "case_reference.0": "RCD-0999",
    "agencies.0": "Social work, police & school",
    "why_stuck.0": "Agencies disagree about the risk <!channel>.",
    "single_agency_supervision.0": "yes",
    "second_line_manager.0": "yes",
    "team_alerted.0": "no",
}
# The screener answers each of the Moray procedure's screening criteria.
NONE_APPLY = {
    "multiagency_escalation.0": "no",
    "learning_review.0": "no",
    "child_protection.0": "no",
}


async def send_request(session: SlackSession, fields: dict[str, str] = REQUEST) -> Any:
    response = await session.slack.command(PRESENTER, "request")
    assert response.status == 200
    view = session.last_view()
    response = await session.slack.submit(PRESENTER, view, form_values(view, fields))
    assert response.status == 200
    await session.drain()
    return response


async def stored_request(session: SlackSession) -> RequestState:
    screening_post = session.fake.called("chat.postMessage")[0]
    request_id = screening_post.buttons()[0]["value"].partition("|")[0]
    async with session.runtime.store.transaction() as uow:
        state = await uow.requests.get(request_id)
    assert state is not None
    return state


def screening_post(session: SlackSession) -> Call:
    (post,) = [c for c in session.fake.called("chat.postMessage") if c.args["channel"] == "CSCREEN"]
    return post


def direct_messages(session: SlackSession, user: str) -> list[Call]:
    return [c for c in session.fake.called("chat.postMessage") if c.args["channel"] == f"D{user}"]


async def screen(session: SlackSession, action: ActionId, fields: dict[str, str]) -> None:
    post = screening_post(session)
    button = session.button(post, action)
    response = await session.slack.press(SCREENER, button, post, channel=SCREENING_CHANNEL)
    assert response.status == 200
    view = session.last_view()
    response = await session.slack.submit(SCREENER, view, form_values(view, NONE_APPLY | fields))
    assert response.status == 200
    assert await response.text() == ""
    await session.drain()


async def test_a_request_goes_to_the_screening_channel_escaped(session: SlackSession) -> None:
    await send_request(session)
    post = screening_post(session)
    text = " ".join(post.texts())
    assert "RCD-0999" in text
    assert "Social work, police &amp; school" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert [b["text"]["text"] for b in post.buttons()] == ["Accept…", "Decline…"]
    told = session.fake.called("chat.postEphemeral")[-1]
    assert (told.args["channel"], told.args["user"]) == (CHANNEL, PRESENTER)
    assert "sent for screening" in " ".join(told.texts())
    state = await stored_request(session)
    assert (state.requester.name, state.status) == ("Priya Shah", RequestStatus.SUBMITTED)
    async with session.runtime.store.transaction() as uow:
        conversation = await uow.sessions.conversation(state.id)
    assert conversation is not None and conversation.key == CHANNEL


async def test_accepted_confirmed_and_the_requester_told(session: SlackSession) -> None:
    await send_request(session)
    await screen(session, ActionId.SCREEN_ACCEPT, {"facilitator.0": FACILITATOR})
    picker = session.fake.called("views.open")[-1].args["view"]["blocks"]
    assert [b["element"]["type"] for b in picker if b["type"] == "input"] == [
        "static_select",
        "static_select",
        "static_select",
        "users_select",
    ]
    state = await stored_request(session)
    assert state.status is RequestStatus.ASSIGNED
    assert state.facilitator is not None and state.facilitator.name == "Morgan Ellis"
    (ask,) = direct_messages(session, FACILITATOR)
    assert "no involvement" in " ".join(ask.texts())

    button = session.button(ask, ActionId.CONFIRM_NOT_INVOLVED)
    response = await session.slack.press(FACILITATOR, button, ask, channel=f"D{FACILITATOR}")
    assert response.status == 200
    await session.drain()
    assert (await stored_request(session)).status is RequestStatus.CONFIRMED
    (accepted,) = direct_messages(session, PRESENTER)
    assert "was accepted" in " ".join(accepted.texts())
    latest = session.fake.called("chat.update")[-1]
    assert latest.args["ts"] == screening_post(session).answer["ts"]
    assert "Morgan Ellis will facilitate" in " ".join(latest.texts())
    assert latest.buttons() == []


async def test_a_facilitator_who_is_involved_sends_it_back_to_screening(
    session: SlackSession,
) -> None:
    await send_request(session)
    await screen(session, ActionId.SCREEN_ACCEPT, {"facilitator.0": FACILITATOR})
    (ask,) = direct_messages(session, FACILITATOR)
    button = session.button(ask, ActionId.CONFIRM_INVOLVED)
    await session.slack.press(FACILITATOR, button, ask, channel=f"D{FACILITATOR}")
    await session.drain()
    state = await stored_request(session)
    assert (state.status, state.involved) == (RequestStatus.SUBMITTED, [FACILITATOR])
    assert len(session.fake.called("chat.update")[-1].buttons()) == 2


async def test_declined_with_a_reason_the_requester_reads(session: SlackSession) -> None:
    await send_request(session)
    await screen(session, ActionId.SCREEN_DECLINE, {"reason.0": "A single-agency review fits."})
    assert (await stored_request(session)).status is RequestStatus.DECLINED
    (declined,) = direct_messages(session, PRESENTER)
    assert "A single-agency review fits." in " ".join(declined.texts())


async def test_only_the_facilitator_asked_can_answer(session: SlackSession) -> None:
    await send_request(session)
    await screen(session, ActionId.SCREEN_ACCEPT, {"facilitator.0": FACILITATOR})
    (ask,) = direct_messages(session, FACILITATOR)
    button = session.button(ask, ActionId.CONFIRM_NOT_INVOLVED)
    await session.slack.press("UPOL", button, ask, channel="DUPOL")
    await session.drain()
    assert (await stored_request(session)).status is RequestStatus.ASSIGNED
    # Told directly: the person pressing need not be in the requester's channel.
    (told,) = direct_messages(session, "UPOL")
    assert "Only the facilitator asked" in " ".join(told.texts())


async def test_a_request_naming_the_family_is_screened_redacted_and_its_author_warned(
    session: SlackSession,
) -> None:
    """As with answers: taken out of what the screeners see, and a private warning."""
    fields = REQUEST | {"why_stuck.0": "Her NHS number is 943 476 5919, phone 07700 900123."}
    await send_request(session, fields)
    text = " ".join(screening_post(session).texts())
    assert "943 476 5919" not in text and "900123" not in text and "removed]" in text
    warned = " ".join(
        " ".join(c.texts())
        for c in session.fake.called("chat.postEphemeral")
        if c.args["user"] == PRESENTER
    )
    assert "Your request seemed to contain" in warned and "NHS number" in warned
    assert "943 476 5919" not in warned


async def test_the_requester_cannot_be_chosen_to_facilitate(session: SlackSession) -> None:
    await send_request(session)
    await screen(session, ActionId.SCREEN_ACCEPT, {"facilitator.0": PRESENTER})
    assert (await stored_request(session)).status is RequestStatus.SUBMITTED
    (told,) = direct_messages(session, SCREENER)
    assert "asked for this discussion" in " ".join(told.texts())
    assert direct_messages(session, PRESENTER) == []


async def test_an_over_long_request_stays_in_the_form(session: SlackSession) -> None:
    await session.slack.command(PRESENTER, "request")
    view = session.last_view()
    values = form_values(view, REQUEST)
    # More than the modal lets anyone type: only a forged submission carries this.
    values["why_stuck.0"]["value"]["value"] = "x" * 5000
    answer = json.loads(await (await session.slack.submit(PRESENTER, view, values)).text())
    assert answer["errors"]["why_stuck.0"].startswith("Please fill in every field")
    await session.drain()
    assert session.fake.called("chat.postMessage") == []


async def test_a_button_of_a_request_that_is_gone_is_explained(session: SlackSession) -> None:
    button = {
        "action_id": "reflect:screen_accept:0",
        "text": {"type": "plain_text", "text": "Accept…"},
        "value": "nope|nope",
    }
    await session.slack.press(SCREENER, button, channel=SCREENING_CHANNEL)
    # Accept… opens its form even for a request that is gone; submitting it is refused.
    view = session.last_view()
    response = await session.slack.submit(
        SCREENER, view, form_values(view, NONE_APPLY | {"facilitator.0": FACILITATOR})
    )
    answer = json.loads(await response.text())
    assert "no longer exists" in answer["errors"]["facilitator.0"]
    confirm = button | {"action_id": "reflect:confirm_not_involved:0"}
    await session.slack.press(FACILITATOR, confirm, channel=f"D{FACILITATOR}")
    told = session.fake.called("chat.postEphemeral")[-1]
    assert "That request no longer exists" in " ".join(told.texts())


@pytest.mark.parametrize("screening_channel", [None])
async def test_without_a_screening_channel_nobody_can_request(session: SlackSession) -> None:
    response = await session.slack.command(PRESENTER, "request")
    assert "REFLECTBOT_SCREENING_CHANNEL" in await response.text()
    assert session.fake.called("views.open") == []


async def test_the_screener_sees_the_steps_and_records_which_criteria_apply(
    session: SlackSession,
) -> None:
    """Moray 3.1 and 3.2: the steps before a request, and screening "in the light of criteria
    for Multiagency Escalation, Learning Reviews, and Child Protection Procedures"."""
    await send_request(session)
    card = " ".join(screening_post(session).texts())
    assert "Done: Case is explored in single agency supervision" in card
    assert "Not yet: The practitioner alerts the Team around the Child" in card
    post = screening_post(session)
    await session.slack.press(
        SCREENER, session.button(post, ActionId.SCREEN_DECLINE), post, channel=SCREENING_CHANNEL
    )
    form = session.last_view()
    shown = " ".join(b["label"]["text"] for b in form["blocks"] if b["type"] == "input")
    for words in ("Multiagency Escalation", "Learning Reviews", "Child Protection Procedures"):
        assert words in shown
    unanswered = form_values(form, {"reason.0": "Escalation fits."})
    answer = json.loads(await (await session.slack.submit(SCREENER, form, unanswered)).text())
    assert "criteria for Multiagency Escalation" in answer["errors"]["multiagency_escalation.0"]
    await screen(
        session,
        ActionId.SCREEN_DECLINE,
        {"multiagency_escalation.0": "yes", "reason.0": "The escalation procedure fits."},
    )
    state = await stored_request(session)
    assert (state.status, state.criteria) == (RequestStatus.DECLINED, ["multiagency_escalation"])
    updated = " ".join(session.fake.called("chat.update")[-1].texts())
    assert "Screening: criteria that apply: Multiagency Escalation" in updated
    async with session.runtime.store.transaction() as uow:
        audit = [e.action for e in await uow.audit.entries(state.id)]
    assert "declined a request; criteria that apply: Multiagency Escalation" in audit
