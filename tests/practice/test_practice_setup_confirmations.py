"""The practice room's setup form asks what the chosen model's procedure asks of the
facilitator (declaration, setup confirmations, confidentiality points, the chair), and is
filled in from a request the facilitator confirmed."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, create_room, join, session_state
from test_practice_requests import NONE_APPLY, ask, person_id

from bot.runtime import Runtime
from dialogs.requests import RequestStatus
from storage.practice import PracticeRooms

Make = Callable[[], Visitor]


async def _no_session(runtime: Runtime, room_id: str) -> bool:
    async with runtime.store.transaction() as uow:
        room = await PracticeRooms(uow.db).get(room_id)
    return room is not None and room.session_id is None


async def _room(visitors: Make) -> tuple[Visitor, Visitor, str]:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    return chair, priya, room_id


def _form(token: str, priya: Visitor, model: str, **more: str) -> dict[str, str]:
    return {
        "token": token,
        "model": model,
        "case_reference": "RCD-1",
        "participants": person_id(priya),
        "lead": person_id(priya),
        "pacing": "live",
        "stage_hours": "24",
        **more,
    }


async def test_a_model_chosen_on_the_form_is_shown_again_with_what_it_asks(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, room_id = await _room(visitors)
    setup = await chair.get(chair.base + "/setup")
    assert not setup.tree.xpath("//fieldset[@id='confirmations']")
    point = "What is said about agency records stays in this room."
    page = await chair.post(
        chair.base + "/setup", _form(setup.token(), priya, "kolb", confidentiality=point)
    )
    assert page.status == 200 and "asks you to confirm a few things first" in page.text
    labels = page.texts("//fieldset[@id='confirmations']//label")
    assert any(
        label.startswith("Families have been informed that this professional") for label in labels
    )
    assert page.tree.xpath("//textarea[@name='confidentiality']")[0].text == point
    assert await _no_session(runtime, room_id)
    page = await chair.post(
        chair.base + "/setup",
        _form(
            setup.token(),
            priya,
            "kolb",
            shown_for="kolb",
            confidentiality=point,
            confirm="child_files",
            no_involvement="yes",
        ),
    )
    assert page.url == chair.base
    await runtime.dispatcher.drain()
    state = await session_state(runtime, room_id)
    assert state.confirmed == ["child_files"] and state.no_involvement
    rules = " ".join((await priya.page()).texts("//ol[@id='channel']//li"))
    assert point in rules


async def test_morrison_shows_the_chair_it_expects(runtime: Runtime, visitors: Make) -> None:
    chair, _, _ = await _room(visitors)
    setup = await chair.get(chair.base + "/setup?model=morrison-4x4x4")
    (chair_line,) = setup.texts("//p[@id='chair']")
    assert "Team Manager or Assistant Team Manager in Social Care" in chair_line


async def test_moray_is_refused_without_the_declaration(runtime: Runtime, visitors: Make) -> None:
    """Moray 3.2: the facilitator "does not have any involvement in the case"."""
    chair, priya, room_id = await _room(visitors)
    setup = await chair.get(chair.base + "/setup?model=moray-rcd")
    page = await chair.post(
        chair.base + "/setup", _form(setup.token(), priya, "moray-rcd", shown_for="moray-rcd")
    )
    assert page.status == 400 and "does not have any involvement in the case" in page.text
    assert await _no_session(runtime, room_id)


async def test_a_confirmed_request_fills_in_the_setup_and_is_linked_to_the_session(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, room_id = await _room(visitors)
    await ask(runtime, priya)
    accept = await priya.press("Accept…", "/screening")
    await priya.post(
        priya.base + "/form",
        {
            "token": accept.token(),
            "form": "accept_request",
            "facilitator": person_id(chair),
            **NONE_APPLY,
            "child_protection": "yes",
        },
    )
    await runtime.dispatcher.drain()
    await chair.press("I have no involvement: I will facilitate")
    await runtime.dispatcher.drain()
    setup = await chair.get(chair.base + "/setup?model=moray-rcd")
    assert "From the request for case RCD-0420" in setup.text
    assert setup.tree.xpath("//input[@name='case_reference']/@value") == ["RCD-0420"]
    (request_id,) = setup.tree.xpath("//input[@name='from_request'][@checked]/@value")
    page = await chair.post(
        chair.base + "/setup",
        _form(
            setup.token(),
            priya,
            "moray-rcd",
            shown_for="moray-rcd",
            case_reference="RCD-0420",
            from_request=request_id,
        ),
    )
    assert page.url == chair.base, page.text
    await runtime.dispatcher.drain()
    state = await session_state(runtime, room_id)
    assert state.request_id == request_id and state.no_involvement
    assert state.issues == "Three agencies disagree about what the risk is."
    async with runtime.store.transaction() as uow:
        request = await uow.requests.get(request_id)
        request_audit = [e.action for e in await uow.audit.entries(request_id)]
        session_audit = [e.action for e in await uow.audit.entries(state.id)]
    assert request is not None and request.status is RequestStatus.STARTED
    assert request.criteria == ["child_protection"]
    assert f"session {state.id} set up from it" in request_audit
    assert f"set up from request {request_id}" in session_audit
    assert "has set up the session" in (await chair.page("/screening")).text
