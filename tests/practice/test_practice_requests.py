"""Asking for a discussion in the practice room, screening it, and the facilitator's answer."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from practice_kit import Page, Visitor, create_room, join

from bot.runtime import Runtime

Make = Callable[[], Visitor]

REQUEST = {
    "case_reference": "RCD-0420",
    "agencies": "Social work, school nursing",
    "why_stuck": "Three agencies disagree about what the risk is.",
    "urgency": "soon",
    "single_agency_supervision": "yes",
    "second_line_manager": "yes",
    "team_alerted": "no",
}
# The screener answers each of the Moray procedure's screening criteria.
NONE_APPLY = {"multiagency_escalation": "no", "learning_review": "no", "child_protection": "no"}


async def room_of_three(visitors: Make) -> tuple[Visitor, Visitor, Visitor]:
    chair, priya, dan = visitors(), visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    await join(dan, room_id, "Dan", "Police")
    return chair, priya, dan


async def ask(runtime: Runtime, requester: Visitor, **changes: str) -> Page:
    form = await requester.page("/request")
    assert form.status == 200
    page = await requester.post(
        requester.base + "/request",
        {"token": form.token(), "form": "request", **REQUEST, **changes},
    )
    await runtime.dispatcher.drain()
    return page


def person_id(visitor: Visitor) -> str:
    return visitor.base.rsplit("/", 1)[-1]


async def test_a_request_reaches_the_screening_page_and_the_requester_is_told(
    runtime: Runtime, visitors: Make
) -> None:
    _, priya, dan = await room_of_three(visitors)
    page = await ask(runtime, priya)
    assert page.url == priya.base
    assert "Your request has been sent for screening." in (await priya.page()).text
    screening = await dan.page("/screening")
    assert "everyone may act as screener" in screening.text
    card = " ".join(screening.texts("//ol[@id='screening']"))
    assert "Case reference: RCD-0420" in card and "Requested by Priya" in card
    assert "Within two weeks" in card
    assert screening.buttons() == ["Accept…", "Decline…"]
    # The request is not a message of the room's channel.
    assert "RCD-0420" not in " ".join((await dan.page()).texts("//ol[@id='channel']"))


async def test_accepting_asks_the_chosen_person_who_confirms_and_the_requester_is_told(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan = await room_of_three(visitors)
    await ask(runtime, priya)
    form = await dan.press("Accept…", "/screening")
    assert form.url == dan.base + "/form"
    options = form.tree.xpath("//select[@name='facilitator']/option")
    assert sorted(o.text_content().strip() for o in options) == [
        "Dan · Police",
        "Morgan · Chair",
        "Priya · Social work",
    ]
    page = await dan.post(
        dan.base + "/form",
        {
            "token": form.token(),
            "form": "accept_request",
            "facilitator": person_id(chair),
            **NONE_APPLY,
        },
    )
    assert page.url == dan.base
    await runtime.dispatcher.drain()
    assert "Morgan is asked to confirm" in (await dan.page("/screening")).text
    # The question to the chosen facilitator is private.
    assert "Will you facilitate" not in (await priya.page()).text
    await chair.press("I have no involvement: I will facilitate")
    await runtime.dispatcher.drain()
    told = " ".join((await priya.page()).texts("//article[contains(@class, 'direct')]"))
    assert "Your request (case RCD-0420) was accepted. Morgan will facilitate" in told
    assert "Accepted; Morgan will facilitate." in (await dan.page("/screening")).text
    async with runtime.store.transaction() as uow:
        actions = [entry.action for entry in await uow.audit.entries()]
    assert actions == [
        "requested a reflective discussion",
        "accepted a request; no criteria apply (Multiagency Escalation, Learning Reviews, "
        "Child Protection Procedures)",
        "confirmed no involvement in the case",
    ]


async def test_declining_tells_the_requester_the_reason_privately(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan = await room_of_three(visitors)
    await ask(runtime, priya)
    form = await dan.press("Decline…", "/screening")
    empty = await dan.post(
        dan.base + "/form",
        {"token": form.token(), "form": "decline_request", "reason": " ", **NONE_APPLY},
    )
    assert empty.status == 400 and "Reason cannot be empty." in empty.text
    await dan.post(
        dan.base + "/form",
        {
            "token": form.token(),
            "form": "decline_request",
            "reason": "Already in a review.",
            **NONE_APPLY,
        },
    )
    await runtime.dispatcher.drain()
    told = " ".join((await priya.page()).texts("//article[contains(@class, 'direct')]"))
    assert "The screener's reason: Already in a review." in told
    assert "Already in a review." not in (await chair.page()).text
    screening = await chair.page("/screening")
    assert "Declined: Already in a review." in screening.text and screening.buttons() == []


async def test_a_request_that_seems_to_identify_the_family_is_redacted_and_its_author_warned(
    runtime: Runtime, visitors: Make
) -> None:
    """The guard treats a request as it treats an answer: redacted, and a private warning."""
    _, priya, dan = await room_of_three(visitors)
    why = "Mum moved to PO1 2AB; call her on 07700 900123. NHS 943 476 5919."
    page = await ask(runtime, priya, why_stuck=why)
    assert page.url == priya.base
    card = " ".join((await dan.page("/screening")).texts("//ol[@id='screening']"))
    assert "Mum moved to" in card and "removed]" in card
    for identifier in ("PO1 2AB", "07700", "900123", "943 476 5919"):
        assert identifier not in card
    mine = (await priya.page()).text
    assert "Your request seemed to contain" in mine and "phone number" in mine
    assert "Your request seemed to contain" not in (await dan.page()).text


async def test_the_requester_is_not_accepted_as_facilitator(
    runtime: Runtime, visitors: Make
) -> None:
    _, priya, dan = await room_of_three(visitors)
    await ask(runtime, priya)
    form = await dan.press("Accept…", "/screening")
    await dan.post(
        dan.base + "/form",
        {
            "token": form.token(),
            "form": "accept_request",
            "facilitator": person_id(priya),
            **NONE_APPLY,
        },
    )
    await runtime.dispatcher.drain()
    assert "Priya asked for this discussion" in (await dan.page()).text
    assert "Waiting for screening." in (await dan.page("/screening")).text
    assert "I have no involvement" not in (await priya.page()).text


async def test_an_oversized_or_malformed_request_is_explained_and_nothing_is_sent(
    runtime: Runtime, visitors: Make
) -> None:
    _, priya, dan = await room_of_three(visitors)
    long_text = "x" * 4001
    page = await ask(runtime, priya, why_stuck=long_text)
    assert page.status == 400 and "Please shorten it." in page.text
    assert page.tree.xpath("//textarea[@name='why_stuck']")[0].text == long_text
    page = await ask(runtime, priya, urgency="yesterday")
    assert page.status == 400 and "Urgency: please choose one of the options." in page.text
    assert "No requests yet." in (await dan.page("/screening")).text


async def test_only_people_of_the_room_can_be_chosen_and_only_they_can_confirm(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan = await room_of_three(visitors)
    await ask(runtime, priya)
    form = await dan.press("Accept…", "/screening")
    page = await dan.post(
        dan.base + "/form",
        {
            "token": form.token(),
            "form": "accept_request",
            "facilitator": "p-stranger",
            **NONE_APPLY,
        },
    )
    assert page.status == 400 and "Facilitator: please choose one of the options." in page.text
    await dan.post(
        dan.base + "/form",
        {
            "token": form.token(),
            "form": "accept_request",
            "facilitator": person_id(chair),
            **NONE_APPLY,
        },
    )
    await runtime.dispatcher.drain()
    confirm = (await chair.page()).button_fields("I have no involvement: I will facilitate")
    token = (await priya.page("/request")).token()
    taken = await priya.post(priya.base + "/press", {**confirm, "token": token})
    assert taken.status == 400 and "That button is not on any message of this room." in taken.text
    assert "Morgan is asked to confirm" in (await dan.page("/screening")).text


async def test_request_text_is_shown_as_text(runtime: Runtime, visitors: Make) -> None:
    _, priya, dan = await room_of_three(visitors)
    await ask(runtime, priya, agencies="<!channel> @here <b>school</b> & <@U123>")
    screening = await dan.page("/screening")
    assert "&lt;!channel&gt; @here &lt;b&gt;school&lt;/b&gt; &amp; &lt;@U123&gt;" in screening.text
    assert not screening.tree.xpath("//ol[@id='screening']//b")


async def test_sending_the_same_request_twice_asks_once_and_logs_hold_no_words_or_names(
    runtime: Runtime, visitors: Make, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chair, priya, dan = await room_of_three(visitors)
    for _ in range(2):
        assert (await ask(runtime, priya)).url == priya.base
    screening = await dan.page("/screening")
    assert screening.buttons() == ["Accept…", "Decline…"]
    await dan.press("Accept…", "/screening")
    form = await dan.page("/form")
    await dan.post(
        dan.base + "/form",
        {
            "token": form.token(),
            "form": "accept_request",
            "facilitator": person_id(chair),
            **NONE_APPLY,
        },
    )
    await runtime.dispatcher.drain()
    await chair.press("I am involved in this case")
    await runtime.dispatcher.drain()
    assert "Waiting for screening." in (await dan.page("/screening")).text
    for word in ("Priya", "Morgan", "Dan", "RCD-0420", "disagree", "Social work"):
        assert word not in caplog.text
