"""A whole Moray reflective case discussion in Teams: requested, screened against the
procedure's criteria, confirmed by a facilitator with no involvement in the case, set up from
the request, held and published with the declaration in the record; and the setup card asking
what each model's procedure asks of the facilitator."""

from __future__ import annotations

from teams_activities import CHANNEL, FACILITATOR, PARTICIPANTS
from teams_driver import TeamsChannel
from test_teams_requests import (
    NONE_APPLY,
    _accept,
    _ask,
    _confirm,
    _request,
    _screening_post,
    settings,  # noqa: F401  (the screening channel is configured)
)

from dialogs.requests import RequestStatus
from dialogs.state import Phase


async def test_moray_refuses_a_facilitator_who_has_not_declared(teams: TeamsChannel) -> None:
    """Moray 3.2: the facilitator "does not have any involvement in the case"."""
    assert await teams.start("moray-rcd", no_involvement="false") == ""
    told = "\n".join(
        m.text() for m in teams.connector.messages.values() if "involvement" in m.text()
    )
    assert "does not have any involvement in the case" in told


async def test_a_whole_moray_session_from_the_request_to_the_published_record(
    teams: TeamsChannel,
) -> None:
    await _ask(teams)
    post = await _screening_post(teams)
    await _accept(teams, post, FACILITATOR.aad_id, NONE_APPLY | {"field:learning_review": "yes"})
    await _confirm(teams, FACILITATOR, "confirm_not_involved")
    request = await _request(teams, post)
    assert request.criteria == ["learning_review"]
    assert "criteria that apply: Learning Reviews" in post.text()

    command = teams.acts.command(FACILITATOR, "start moray-rcd", PARTICIPANTS)
    await teams.send(command)
    card = teams.connector.replies(CHANNEL, command["id"])[-1]
    assert "From the request for case CR-7" in card.text()
    inputs = {e["id"]: e for e in card.card["body"] if "id" in e}
    assert inputs["case_reference"]["value"] == "CR-7"
    assert inputs["from_request"]["value"] == "true"
    confirm = inputs["confirm:information_sharing"]
    assert confirm["title"] == "Standard information sharing agreements apply."
    session_id = await teams.start(
        "moray-rcd",
        no_involvement="false",  # the answer to the request stands as the declaration
        from_request="true",
        case_reference="CR-7",
        **{"confirm:information_sharing": "true"},
    )
    assert session_id
    state = await teams.state(session_id)
    assert state.no_involvement and state.request_id == request.id
    assert state.issues.startswith("Attendance keeps dropping")
    assert "declared no involvement in the case" in (await teams.post_of(session_id, "root")).text()
    async with teams.runtime.store.transaction() as uow:
        session_audit = [e.action for e in await uow.audit.entries(session_id)]
        request_audit = [e.action for e in await uow.audit.entries(request.id)]
    assert "declared no involvement in the case" in session_audit
    assert f"set up from request {request.id}" in session_audit
    assert f"session {session_id} set up from it" in request_audit
    assert "accepted a request; criteria that apply: Learning Reviews" in request_audit
    assert (await _request(teams, post)).status is RequestStatus.STARTED

    await teams.begin(session_id)
    while (await teams.state(session_id)).phase is Phase.RUNNING:
        await teams.advance(session_id)
    await teams.approve_record(session_id)
    assert (await teams.state(session_id)).phase is Phase.PUBLISHED
    # Moray sends the record to each participant privately; the channel is only told.
    record = "\n".join(m.text() for m in await teams.record_copy(session_id))
    assert "Facilitator's declaration: No involvement in the case" in record
    assert "Standard information sharing agreements apply: Confirmed at setup" in record
    assert "Issues that led to the meeting: Attendance keeps dropping" in record


async def test_choosing_another_model_shows_the_card_again_with_its_confirmations(
    teams: TeamsChannel,
) -> None:
    command = teams.acts.command(FACILITATOR, "start kolb", PARTICIPANTS)
    await teams.send(command)
    card = teams.connector.replies(CHANNEL, command["id"])[-1]
    families = {e["id"]: e for e in card.card["body"] if "id" in e}["confirm:families_informed"]
    assert families["title"].startswith("Families have been informed that this professional")
    point = "What other agencies' records say stays in this discussion."
    data = card.button("setup") | {
        "model": "space-to-think",
        "case_reference": "RCD-0417",
        "confidentiality": point,
    }
    await teams.send(teams.acts.submit(FACILITATOR, command["id"], card.id, data))
    async with teams.runtime.store.transaction() as uow:
        assert await uow.sessions.active_in("teams", CHANNEL) is None
    again = teams.connector.messages[card.id]
    inputs = {e["id"]: e for e in again.card["body"] if "id" in e}
    families = inputs["confirm:families_informed"]["title"]
    assert families.startswith("Families have been informed that this model exists")
    assert inputs["model"]["value"] == "space-to-think"
    assert inputs["confidentiality"]["value"] == point and "confirm:child_record" in inputs
    data = again.button("setup") | {
        "model": "space-to-think",
        "lead": PARTICIPANTS[0].aad_id,
        "case_reference": "RCD-0417",
        "confidentiality": point,
        "confirm:child_record": "true",
    }
    await teams.send(teams.acts.submit(FACILITATOR, command["id"], card.id, data))
    async with teams.runtime.store.transaction() as uow:
        active = await uow.sessions.active_in("teams", CHANNEL)
    assert active is not None and active.state.confirmed == ["child_record"]
    assert point in (await teams.post_of(active.id, "root")).text()
