"""The practice room without a browser: confirmations, the identifier warning that stays until
the reply is fixed, the next question from a thread, the after-session buttons with the record,
folded texts and spent buttons."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, begin, create_room, join, publish, session_phase, start_session

from adapters.practice.views import FOLD_CHARS, fold_text
from bot.runtime import Runtime
from dialogs.state import Phase

Make = Callable[[], Visitor]


# -- ending and cancelling ask first -----------------------------------------------------------


async def test_ending_the_discussion_asks_first_and_going_back_changes_nothing(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    await begin(runtime, chair, priya, dan)
    asked = await chair.press("End discussion")
    assert asked.status == 200
    assert asked.texts("//h1") == ["End the discussion now?"]
    assert asked.texts("//div[@id='confirm']//a") == ["No, back to the room"]
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.RUNNING
    await chair.confirm(asked)
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.RECORD_DRAFT


async def test_only_the_facilitator_cancels_and_only_once_confirmed(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    await begin(runtime, chair, priya, dan)
    assert (await chair.page()).texts("//p[@id='cancel-box']") == ["Cancel the session…"]
    assert not (await priya.page()).tree.xpath("//p[@id='cancel-box']")
    assert (await priya.get(priya.base + "/cancel")).status == 403
    refused = await priya.post(priya.base + "/cancel", {"token": await priya.token()})
    assert refused.status == 403
    asked = await chair.get(chair.base + "/cancel")
    assert asked.status == 200 and asked.texts("//h1") == ["Cancel this session?"]
    # Without the confirmation the form only asks again.
    again = await chair.post(chair.base + "/cancel", {"token": asked.token()})
    assert again.url == chair.base + "/cancel"
    assert await session_phase(runtime, room_id) is Phase.RUNNING
    await chair.confirm(asked)
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.CANCELLED
    page = await dan.page()
    assert "The facilitator has cancelled this session." in page.text
    assert (await chair.get(chair.base + "/cancel")).status == 409
    assert not (await chair.page()).tree.xpath("//p[@id='cancel-box']")


# -- the identifier warning ----------------------------------------------------------------------


async def test_the_warning_stays_in_the_reply_box_until_an_edit_clears_it(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    question = await begin(runtime, chair, priya, dan)
    query = f"?thread={question}"
    await priya.act("/reply", {"thread": question, "text": "We met at SW1A 1AA."}, query)
    await runtime.dispatcher.drain()
    page = await priya.page(query)
    (warning,) = page.texts("//form[@id='composer']//p[contains(@class, 'guard-warning')]")
    assert "seems to contain a postcode" in warning
    assert len(page.texts("//ol[@id='thread']//p[contains(@class, 'guard-warning')]")) == 1
    assert page.tree.xpath("//ol[@id='thread']//details[@class='own'][@open]")
    # Only the author is told, and the live parts carry it too.
    assert "guard-warning" not in (await dan.page(query)).text
    parts = await priya.get(priya.base + "/parts" + query)
    assert "seems to contain a postcode" in parts.text
    reply = page.tree.xpath("//form[contains(@action, '/edit')]//input[@name='message']/@value")[0]
    still = await priya.act("/edit", {"message": reply, "text": "Still SW1A 1AA."}, query)
    assert "cleared=" not in still.url and "guard-warning" in still.text
    cleared = await priya.act("/edit", {"message": reply, "text": "We met at home."}, query)
    assert f"cleared={reply}" in cleared.url
    assert "guard-warning" not in cleared.text
    assert "no longer seems to contain identifiers" in cleared.text


# -- the next question ----------------------------------------------------------------------------


async def test_a_reader_of_an_answered_thread_is_offered_the_next_open_question(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    first = await begin(runtime, chair, priya, dan)
    query = f"?thread={first}"
    await dan.act("/reply", {"thread": first, "text": "Twice."}, query)
    assert not (await dan.page(query)).tree.xpath("//p[contains(@class, 'next-question')]")
    await chair.press("Next")
    await runtime.dispatcher.drain()
    second = (await chair.page()).question_threads()[-1]
    page = await dan.page(query)
    (link,) = page.tree.xpath("//form[@id='composer']//p[contains(@class, 'next-question')]//a")
    assert link.get("href") == f"{dan.base}?thread={second}#composer"
    assert "next-question" not in (await dan.page(f"?thread={second}")).text
    # The facilitator is not asked the questions: nothing to offer.
    assert "next-question" not in (await chair.page(query)).text


# -- after publishing -----------------------------------------------------------------------------


async def test_the_downloads_and_run_again_go_with_the_published_record(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await publish(runtime, chair, priya, dan)
    page = await chair.page()
    record = "//ol[@id='channel']/li[.//article[contains(@class, 'key-record')]]"
    assert page.texts(record + "//div[@id='after']/a") == [
        "Run this session again",
        "Download the record (Markdown)",
        "Download the record (Word)",
        "Download the record (PDF)",
    ]
    assert not page.tree.xpath("//div[@id='start']/div[@id='after']")
    assert not (await priya.page()).tree.xpath("//div[@id='after']")
    # The record itself does not fold; the root message's long lists do.
    assert not page.tree.xpath(record + "//details")
    assert page.tree.xpath("//article[contains(@class, 'key-root')]//details[@class='more']")


async def test_a_cancelled_sessions_run_again_goes_with_the_notice(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await begin(runtime, chair, priya, dan)
    await chair.confirm(await chair.get(chair.base + "/cancel"))
    await runtime.dispatcher.drain()
    page = await chair.page()
    (box,) = page.tree.xpath("//div[@id='after']")
    assert "cancelled this session" in box.getparent().text_content()
    assert [a.text_content() for a in box.xpath(".//a")] == ["Run this session again"]


def test_long_texts_fold_at_a_word_and_short_ones_do_not() -> None:
    assert fold_text("Short.") == ("Short.", "")
    words = "word " * 200
    head, rest = fold_text(words)
    assert len(head) <= FOLD_CHARS and head.endswith("word")
    assert f"{head} {rest}".split() == words.split()


# -- spent buttons --------------------------------------------------------------------------------


async def test_approve_is_spent_once_pressed_and_a_second_press_is_harmless(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    for person in (priya, dan):
        await person.press("I agree")
    await runtime.dispatcher.drain()
    agreed = (await priya.page()).tree.xpath("//button[contains(., 'I agree')]")
    assert [b.get("disabled") is not None for b in agreed] == [True]
    await chair.press("Begin")
    await runtime.dispatcher.drain()
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    review = await chair.press("Review the draft record")
    await chair.post(chair.base + "/form", {"token": review.token(), "form": "record"})
    await runtime.dispatcher.drain()
    approve = (await chair.page()).button_fields("Approve and publish")
    await chair.post(chair.base + "/press", approve)
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.PUBLISHED
    page = await chair.page()
    assert "Approve and publish" not in page.buttons()
    assert "You chose “Approve and publish”." in page.text
    again = await chair.post(chair.base + "/press", approve)
    assert again.status == 200 and again.url == chair.base


async def test_the_facilitators_confirmation_is_spent_once_given(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan = visitors(), visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    await join(dan, room_id, "Dan", "Police")
    form = await priya.page("/request")
    await priya.post(
        priya.base + "/request",
        {
            "token": form.token(),
            "form": "request",
            "case_reference": "RCD-0420",
            "agencies": "Social work",
            "why_stuck": "We disagree.",
            "urgency": "soon",
            "single_agency_supervision": "yes",
            "second_line_manager": "yes",
            "team_alerted": "yes",
        },
    )
    await runtime.dispatcher.drain()
    accept = await dan.press("Accept…", "/screening")
    await dan.post(
        dan.base + "/form",
        {
            "token": accept.token(),
            "form": "accept_request",
            "facilitator": chair.base.rsplit("/", 1)[-1],
            "multiagency_escalation": "no",
            "learning_review": "no",
            "child_protection": "no",
        },
    )
    await runtime.dispatcher.drain()
    label = "I have no involvement: I will facilitate"
    assert label in (await chair.page()).buttons()
    await chair.press(label)
    await runtime.dispatcher.drain()
    page = await chair.page()
    assert label not in page.buttons()
    assert "I am involved in this case" not in page.buttons()
    assert f"You chose “{label}”." in page.text
