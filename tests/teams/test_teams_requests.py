"""Requests for a discussion in Teams: asked for in a channel, screened in the screening
channel, and confirmed by a facilitator with no involvement in the case."""

from __future__ import annotations

from typing import Any

import pytest
from teams_activities import (
    CHANNEL,
    FACILITATOR,
    HEALTH,
    LEARNING_CHANNEL,
    OUTSIDER,
    POLICE,
    SCREENING_CHANNEL,
    Person,
)
from teams_driver import Reply, TeamsChannel
from teams_fake_connector import Message

from bot.config import Settings
from dialogs.requests import RequestState, RequestStatus

SCREENER = OUTSIDER
WHY = "Attendance keeps dropping & agencies disagree why: <at>Everyone</at> **now**"
REQUEST = {
    "field:case_reference": "CR-7",
    "field:agencies": "School, police",
    "field:why_stuck": WHY,
    "field:urgency": "soon",
    "field:single_agency_supervision": "yes",
    "field:second_line_manager": "yes",
    "field:team_alerted": "no",
}
# The screener answers each of the Moray procedure's screening criteria.
NONE_APPLY = {
    "field:multiagency_escalation": "no",
    "field:learning_review": "no",
    "field:child_protection": "no",
}


@pytest.fixture
def settings() -> Settings:
    return Settings(
        learning_channel=LEARNING_CHANNEL,
        screening_channel=SCREENING_CHANNEL,
        microsoft_app_id=None,
        teams_anonymous=True,
    )


def _chat(teams: TeamsChannel, person: Person) -> str:
    return "\n".join(message.text() for message in teams.connector.chat(person.teams_id))


async def _ask(teams: TeamsChannel, fields: dict[str, str] = REQUEST) -> Reply:
    """`@reflectbot request`, the dialog opened from its answer, and the dialog sent."""
    command = teams.acts.command(POLICE, "request")
    await teams.send(command)
    offer = teams.connector.replies(CHANNEL, command["id"])[-1]
    dialog = await teams.open_dialog(POLICE, offer, "ask")
    assert dialog.body["task"]["type"] == "continue", dialog.body
    return await teams.submit_dialog(POLICE, command["id"], dialog, fields)


async def _screening_post(teams: TeamsChannel) -> Message:
    (post,) = teams.connector.channel_posts(SCREENING_CHANNEL)
    return post


async def _request(teams: TeamsChannel, post: Message) -> RequestState:
    """The request a screening post shows."""
    async with teams.runtime.store.transaction() as uow:
        found = await uow.messages.find("teams", SCREENING_CHANNEL, post.id)
        assert found is not None
        state = await uow.requests.get(found[0])
    assert state is not None
    return state


async def _accept(
    teams: TeamsChannel, post: Message, facilitator: str, criteria: dict[str, str] = NONE_APPLY
) -> Reply:
    dialog = await teams.open_dialog(SCREENER, post, "screen_accept")
    fields = criteria | {"field:facilitator": facilitator}
    return await teams.submit_dialog(SCREENER, post.id, dialog, fields, SCREENING_CHANNEL)


async def _confirm(teams: TeamsChannel, person: Person, action: str) -> None:
    ask = teams.connector.chat(person.teams_id)[-1]
    await teams.send(teams.acts.personal_submit(person, ask.id, ask.button(action)))


async def test_a_request_is_screened_and_confirmed_by_an_uninvolved_facilitator(
    teams: TeamsChannel,
) -> None:
    assert (await _ask(teams)).status == 200
    post = await _screening_post(teams)
    assert "CR-7" in post.text() and "Within two weeks" in post.text()
    assert "&lt;at&gt;Everyone&lt;/at&gt; \\*\\*now\\*\\*" in post.text(), "shown literally"
    assert "sent for screening" in _chat(teams, POLICE)

    dialog = await teams.open_dialog(SCREENER, post, "screen_accept")
    (choice,) = [
        e
        for e in dialog.body["task"]["value"]["card"]["content"]["body"]
        if e.get("id") == "field:facilitator"
    ]
    offered = {c["value"]: c["title"] for c in choice["choices"]}
    assert offered[HEALTH.aad_id] == HEALTH.name and choice["style"] == "filtered"

    await _accept(teams, post, FACILITATOR.aad_id)
    assert "Will you facilitate" in _chat(teams, FACILITATOR)
    await _confirm(teams, FACILITATOR, "confirm_involved")
    assert (await _request(teams, post)).status is RequestStatus.SUBMITTED
    assert post.button("screen_accept"), "back on the screeners' list"

    await _accept(teams, post, HEALTH.aad_id)
    await _confirm(teams, HEALTH, "confirm_not_involved")
    request = await _request(teams, post)
    assert request.status is RequestStatus.CONFIRMED and request.facilitator
    assert request.facilitator.user_id == HEALTH.aad_id
    assert "Jo Visitor will facilitate" in _chat(teams, POLICE)
    assert not post.buttons(), "the screening card is closed"


async def test_a_declined_request_tells_the_requester_why(teams: TeamsChannel) -> None:
    await _ask(teams)
    post = await _screening_post(teams)
    dialog = await teams.open_dialog(SCREENER, post, "screen_decline")
    blank = await teams.submit_dialog(
        SCREENER, post.id, dialog, NONE_APPLY | {"field:reason": " "}, SCREENING_CHANNEL
    )
    assert "reason" in blank.body["task"]["value"]
    reason = {"field:reason": "A core group fits better."}
    unscreened = await teams.submit_dialog(SCREENER, post.id, dialog, reason, SCREENING_CHANNEL)
    assert "criteria for Multiagency Escalation" in unscreened.body["task"]["value"]
    assert (await _request(teams, post)).status is RequestStatus.SUBMITTED
    await teams.submit_dialog(
        SCREENER,
        post.id,
        dialog,
        NONE_APPLY | {"field:child_protection": "yes"} | reason,
        SCREENING_CHANNEL,
    )
    declined = await _request(teams, post)
    assert (declined.status, declined.criteria) == (RequestStatus.DECLINED, ["child_protection"])
    assert "A core group fits better." in _chat(teams, POLICE)
    assert "Declined" in post.text()
    assert "criteria that apply: Child Protection Procedures" in post.text()
    assert "Done: Case is explored in single agency supervision" in post.text()


async def test_a_request_naming_the_child_reaches_screening_redacted_and_its_author_warned(
    teams: TeamsChannel,
) -> None:
    """As with answers: the identifiers are taken out, and the requester is told privately."""
    identifying = REQUEST | {"field:why_stuck": "Seen at PO1 2AB with NHS 943 476 5919."}
    assert (await _ask(teams, identifying)).status == 200
    (post,) = teams.connector.channel_posts(SCREENING_CHANNEL)
    assert "PO1 2AB" not in post.text() and "943 476 5919" not in post.text()
    assert "postcode removed" in post.text()
    told = _chat(teams, POLICE)
    assert "Your request seemed to contain" in told and "postcode" in told
    assert "PO1 2AB" not in told


@pytest.mark.parametrize(
    "fields",
    [
        REQUEST | {"field:why_stuck": ""},
        REQUEST | {"field:case_reference": "x" * 65},
        REQUEST | {"field:urgency": "yesterday"},
    ],
)
async def test_an_incomplete_request_is_sent_back(
    teams: TeamsChannel, fields: dict[str, str]
) -> None:
    answer = await _ask(teams, fields)
    assert "Please fill in" in answer.body["task"]["value"]
    assert teams.connector.channel_posts(SCREENING_CHANNEL) == []


async def test_only_a_member_of_the_team_can_be_chosen_to_facilitate(teams: TeamsChannel) -> None:
    await _ask(teams)
    post = await _screening_post(teams)
    answer = await _accept(teams, post, "aad-not-in-the-team")
    assert "from the list" in answer.body["task"]["value"]
    assert (await _request(teams, post)).status is RequestStatus.SUBMITTED


async def test_only_the_facilitator_asked_can_answer(teams: TeamsChannel) -> None:
    await _ask(teams)
    post = await _screening_post(teams)
    await _accept(teams, post, HEALTH.aad_id)
    ask = teams.connector.chat(HEALTH.teams_id)[-1]
    press: dict[str, Any] = ask.button("confirm_not_involved")
    await teams.send(teams.acts.personal_submit(POLICE, ask.id, press))
    assert "Only the facilitator asked" in _chat(teams, POLICE)
    assert (await _request(teams, post)).status is RequestStatus.ASSIGNED


async def test_buttons_of_unknown_requests_get_an_answer(teams: TeamsChannel) -> None:
    await _ask(teams)
    post = await _screening_post(teams)
    forged = post.button("screen_accept") | {"value": "no-such-request"}
    opened = await teams.send(
        teams.acts.invoke(SCREENER, "task/fetch", post.id, forged, SCREENING_CHANNEL)
    )
    assert "no longer works" in opened.body["task"]["value"]
    press = {"action": "confirm_not_involved", "value": "no-such-request", "session": ""}
    await teams.send(teams.acts.personal_submit(HEALTH, "1", press))
    assert "no longer works" in _chat(teams, HEALTH)


async def test_a_redelivered_request_is_sent_once(teams: TeamsChannel) -> None:
    command = teams.acts.command(POLICE, "request")
    await teams.send(command)
    offer = teams.connector.replies(CHANNEL, command["id"])[-1]
    dialog = await teams.open_dialog(POLICE, offer, "ask")
    card = dialog.body["task"]["value"]["card"]["content"]
    data = dict(card["actions"][0]["data"]) | REQUEST
    submit = teams.acts.invoke(POLICE, "task/submit", command["id"], data)
    await teams.send(submit)
    await teams.send(submit)
    assert len(teams.connector.channel_posts(SCREENING_CHANNEL)) == 1
