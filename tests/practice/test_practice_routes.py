"""Every practice-room page and form, including what happens with bad input."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from practice_kit import (
    Visitor,
    begin,
    create_room,
    join,
    session_phase,
    session_state,
    start_session,
)

from adapters.practice.identity import Signer, cookie_name
from adapters.practice.translate import MAX_REPLY_CHARS
from bot.clock import ManualClock
from bot.runtime import Runtime
from dialogs.engine import MAX_ANSWER_CHARS
from dialogs.state import Phase

Make = Callable[[], Visitor]


# -- rooms, people and who is who -----------------------------------------------------------


async def test_the_home_page_offers_a_labelled_form_to_create_a_room(visitors: Make) -> None:
    page = await visitors().get("/")
    assert page.status == 200
    for field in ("room", "name", "agency"):
        assert page.tree.xpath(f"//label[@for='{field}']"), field
    assert page.tree.xpath("//main")


async def test_creating_a_room_needs_a_name_and_keeps_what_was_typed(visitors: Make) -> None:
    visitor = visitors()
    page = await visitor.post("/rooms", {"room": "Ward 3", "name": "", "agency": "Health"})
    assert page.status == 400
    assert "Please give your name" in page.text
    assert page.tree.xpath("//input[@id='room']/@value") == ["Ward 3"]
    too_long = await visitor.post("/rooms", {"room": "x" * 101, "name": "Sam", "agency": ""})
    assert too_long.status == 400 and "up to 100 characters" in too_long.text


async def test_the_creator_gets_a_strict_http_only_cookie_for_this_room(visitors: Make) -> None:
    visitor = visitors()
    async with visitor.session.post(
        visitor.url("/rooms"),
        data={"room": "Practice", "name": "Morgan", "agency": "Chair"},
        allow_redirects=False,
    ) as response:
        assert response.status == 303
        location = response.headers["Location"]
        cookie = next(iter(response.cookies.values()))
    room_id, person_id = location.split("/")[2], location.split("/")[4]
    assert cookie.key == cookie_name(person_id)
    assert cookie["samesite"] == "Strict" and cookie["httponly"]
    assert cookie["path"] == f"/r/{room_id}"


async def test_an_unknown_room_is_a_clear_404(visitors: Make) -> None:
    visitor = visitors()
    for path in ("/r/nowhere", "/r/nowhere/join", "/r/nowhere/p/p123"):
        page = await visitor.get(path)
        assert page.status == 404, path
        assert "No such practice room" in page.text
    refused = await visitor.post("/r/nowhere/join", {"name": "Sam", "agency": ""})
    assert refused.status == 404


async def test_the_room_link_leads_to_joining_or_to_who_you_are(visitors: Make) -> None:
    chair, stranger = visitors(), visitors()
    room_id = await create_room(chair)
    assert (await stranger.get(f"/r/{room_id}")).url == f"/r/{room_id}/join"
    assert (await chair.get(f"/r/{room_id}")).url == chair.base
    # One browser that joined as two people (a trainer in two tabs) is asked which.
    await join(chair, room_id, "Second tab", "Police")
    choose = await chair.get(f"/r/{room_id}")
    assert sorted(choose.texts("//main//a")) == [
        "Morgan · Chair",
        "Second tab · Police",
        "Someone else: join again",
    ]


async def test_a_forged_or_missing_cookie_is_refused(visitors: Make) -> None:
    chair, forger = visitors(), visitors()
    room_id = await create_room(chair)
    person_id = chair.base.rsplit("/", 1)[1]
    assert (await forger.get(chair.base)).status == 403
    for forged in ("0" * 64, "nonsense", ""):
        forger.session.cookie_jar.update_cookies(
            {cookie_name(person_id): forged}, forger.server.make_url(f"/r/{room_id}/")
        )
        page = await forger.get(chair.base)
        assert page.status == 403, forged
        assert "Please join the room first" in page.text


async def test_a_cookie_from_another_room_opens_nothing_here(visitors: Make) -> None:
    chair, other = visitors(), visitors()
    room_id = await create_room(chair)
    await create_room(other)
    person_id = other.base.rsplit("/", 1)[1]
    assert (await other.get(f"/r/{room_id}/p/{person_id}")).status == 403


async def test_joining_shows_the_person_to_everyone(runtime: Runtime, visitors: Make) -> None:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    nameless = await priya.post(f"/r/{room_id}/join", {"name": "", "agency": "Health"})
    assert nameless.status == 400 and "Please give your name" in nameless.text
    no_agency = await priya.post(f"/r/{room_id}/join", {"name": "Priya", "agency": ""})
    assert no_agency.status == 400 and "Please give your agency" in no_agency.text
    assert no_agency.tree.xpath("//input[@id='name']/@value") == ["Priya"]
    await join(priya, room_id, "Priya", "Social work")
    people = (await chair.page()).texts("//ul[@id='people']/li")
    assert people == ["Morgan (you) Chair facilitator", "Priya Social work"]


async def test_the_style_sheet_and_script_are_served(visitors: Make) -> None:
    visitor = visitors()
    page = await visitor.get("/")
    for link in page.tree.xpath("//link[@rel='stylesheet']/@href"):
        assert (await visitor.get(link)).status == 200
    assert "EventSource" in (await visitor.get("/practice-static/practice.js")).text


async def test_pages_forbid_framing_and_leak_no_referrer(visitors: Make) -> None:
    visitor = visitors()
    async with visitor.session.get(visitor.url("/")) as response:
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"


# -- starting a session ------------------------------------------------------------------------


async def test_only_the_facilitator_sets_up_a_session(runtime: Runtime, visitors: Make) -> None:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    assert "Waiting for the facilitator" in (await priya.page()).text
    assert (await priya.get(priya.base + "/setup")).status == 403
    token = Signer(runtime.secret).form_token(room_id, priya.base.rsplit("/", 1)[1])
    refused = await priya.post(priya.base + "/setup", {"token": token, "model": "kolb"})
    assert refused.status == 403


async def test_the_setup_form_offers_every_model_and_the_people_in_the_room(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    setup = await chair.get(chair.base + "/setup")
    offered = setup.tree.xpath("//select[@id='model']/option/@value")[1:]
    assert offered == [model.id for model in runtime.catalogue]
    assert setup.texts("//fieldset[1]//label") == ["Priya · Social work"]
    assert "must not identify the child" in setup.text


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"model": "no-such-model"}, "Please choose a facilitation model."),
        ({"case_reference": ""}, "Please give a case reference."),
        ({"case_reference": "R" * 65}, "The case reference can be up to 64 characters."),
        ({"participants": "p-not-here"}, "Participants must be people who have joined"),
        ({"stage_hours": "0"}, "Hours per stage must be a whole number"),
        ({"pacing": "sometimes"}, "Please choose live or over-time pacing."),
        ({"start_later": "soon"}, "Please give the later start as a date and a time."),
        ({"start_later": "2020-01-01T09:00"}, "The later start must be in the future"),
        ({"watchlist": "x" * 201}, "Each watch-list line can be up to 200 characters."),
        ({"confidentiality": "x" * 501}, "at most 10 confidentiality points"),
    ],
)
async def test_setup_problems_are_explained_and_nothing_starts(
    runtime: Runtime, visitors: Make, fields: dict[str, str], problem: str
) -> None:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    setup = await chair.get(chair.base + "/setup")
    priya_id = priya.base.rsplit("/", 1)[1]
    form = {
        "token": setup.token(),
        "model": "kolb",
        "shown_for": "kolb",
        "case_reference": "RCD-1",
        "participants": priya_id,
        "pacing": "live",
        "stage_hours": "24",
        **fields,
    }
    page = await chair.post(chair.base + "/setup", form)
    assert page.status == 400
    assert problem in page.text
    assert "Waiting" not in page.text and "Start a reflective session" in (await chair.page()).text


async def test_a_session_can_start_later_with_everyone_invited_now(
    runtime: Runtime, visitors: Make, clock: ManualClock
) -> None:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    setup = await chair.get(chair.base + "/setup")
    later = clock.now() + timedelta(days=2)
    page = await chair.post(
        chair.base + "/setup",
        {
            "token": setup.token(),
            "model": "kolb",
            "shown_for": "kolb",
            "case_reference": "RCD-1",
            "participants": priya.base.rsplit("/", 1)[1],
            "pacing": "live",
            "stage_hours": "24",
            "start_later": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert page.url == chair.base
    await runtime.dispatcher.drain()
    state = await session_state(runtime, room_id)
    assert state.phase is Phase.SCHEDULED and state.scheduled_for == later.replace(second=0)
    assert "Invitation to a reflective case discussion" in (await priya.page()).text
    clock.advance(timedelta(days=2, minutes=1))
    assert await runtime.service.tick_due() == 1
    assert await session_phase(runtime, room_id) is Phase.GROUND_RULES


async def test_the_engine_refusing_a_start_is_shown_on_the_form(visitors: Make) -> None:
    chair, priya = visitors(), visitors()
    room_id = await create_room(chair)
    await join(priya, room_id, "Priya", "Social work")
    setup = await chair.get(chair.base + "/setup")
    page = await chair.post(
        chair.base + "/setup",
        {
            "token": setup.token(),
            "model": "space-to-think",  # asks questions of a lead professional
            "shown_for": "space-to-think",
            "case_reference": "RCD-1",
            "participants": priya.base.rsplit("/", 1)[1],
            "lead": "",
            "pacing": "live",
        },
    )
    assert page.status == 400
    assert "please choose one of the participants" in page.text


# -- buttons -----------------------------------------------------------------------------------


async def test_a_participant_pressing_a_facilitator_button_is_told_privately(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    root = (await chair.page()).button_fields("Begin")
    page = await priya.page()
    await priya.post(priya.base + "/press", {**root, "token": page.token()})
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.GROUND_RULES
    told = "Only the facilitator, Morgan, can begin the discussion"
    assert told in (await priya.page()).text
    assert told not in (await dan.page()).text and told not in (await chair.page()).text


async def test_a_press_without_the_form_token_is_refused(runtime: Runtime, visitors: Make) -> None:
    chair, priya, _, room_id = await start_session(runtime, visitors)
    agree = (await priya.page()).button_fields("I agree")
    for token in ("", "f" * 64, (await chair.page()).token()):
        page = await priya.post(priya.base + "/press", {**agree, "token": token})
        assert page.status == 403
        assert "That form has expired" in page.text
    await runtime.dispatcher.drain()
    assert (await session_state(runtime, room_id)).agreed == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"action": "launch"}, "That button is not on any message of this room."),
        ({"action": "approve"}, "That button is not on any message of this room."),
        ({"message": "m-unknown"}, "That button is not on any message of this room."),
        ({"value": "anything"}, "That button is not on any message of this room."),
    ],
)
async def test_unknown_or_malformed_presses_get_a_clear_400(
    runtime: Runtime, visitors: Make, change: dict[str, str], problem: str
) -> None:
    _, priya, _, room_id = await start_session(runtime, visitors)
    agree = (await priya.page()).button_fields("I agree")
    page = await priya.post(priya.base + "/press", {**agree, **change})
    assert page.status == 400
    assert problem in page.text
    assert (await session_state(runtime, room_id)).agreed == []


async def test_a_double_click_is_one_press(runtime: Runtime, visitors: Make) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    first = await begin(runtime, chair, priya, dan)
    next_button = (await chair.page()).button_fields("Next")
    for _ in range(2):
        await chair.post(chair.base + "/press", next_button)
    await runtime.dispatcher.drain()
    questions = (await session_state(runtime, room_id)).questions
    assert len(questions) == 2  # the first closed, the second open: not the third
    assert (await chair.page()).question_threads()[0] == first


# -- replies -----------------------------------------------------------------------------------


async def test_replies_are_answers_and_can_be_edited_and_deleted(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    thread = await begin(runtime, chair, priya, dan)
    query = f"?thread={thread}"
    await priya.act("/reply", {"thread": thread, "text": "First thoughts"}, query)
    await runtime.dispatcher.drain()
    state = await session_state(runtime, room_id)
    (question,) = state.open_questions
    assert [a.text for a in question.answers] == ["First thoughts"]

    page = await priya.page(query)
    reply_id = page.tree.xpath("//form[contains(@action, '/edit')]/input[@name='message']/@value")
    await priya.act("/edit", {"message": reply_id[0], "text": "Second thoughts"}, query)
    await runtime.dispatcher.drain()
    shown = await dan.page(query)
    assert shown.texts(
        "//ol[@id='thread']//article[contains(@class, 'reply')]//p[@class='text']"
    ) == ["Second thoughts"]
    assert "edited" in shown.texts("//ol[@id='thread']//span[@class='tag']")
    answer = (await session_state(runtime, room_id)).questions[question.id].answers[0]
    assert answer.text == "Second thoughts" and answer.edited

    # Only the author may change a reply.
    refused = await dan.act("/edit", {"message": reply_id[0], "text": "Not mine"}, query)
    assert refused.status == 403
    assert (await dan.act("/delete", {"message": reply_id[0]}, query)).status == 403

    await priya.act("/delete", {"message": reply_id[0]}, query)
    await runtime.dispatcher.drain()
    assert (await session_state(runtime, room_id)).questions[question.id].answers == []
    assert "0 of 2 answered" in (await chair.page()).text


async def test_an_oversized_reply_is_refused_and_the_words_are_kept(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    thread = await begin(runtime, chair, priya, dan)
    words = "long " * (MAX_REPLY_CHARS // 5 + 1)
    page = await priya.act("/reply", {"thread": thread, "text": words}, f"?thread={thread}")
    assert page.status == 413
    assert "Nothing was sent" in page.text
    assert page.tree.xpath("//textarea[@id='reply-text']")[0].text == words
    empty = await priya.act("/reply", {"thread": thread, "text": "  "}, f"?thread={thread}")
    assert empty.status == 400 and "Your reply is empty" in empty.text
    await runtime.dispatcher.drain()
    assert (await session_state(runtime, room_id)).open_questions[0].answers == []


async def test_a_reply_longer_than_an_answer_may_be_is_explained_in_the_thread(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    thread = await begin(runtime, chair, priya, dan)
    query = f"?thread={thread}"
    await priya.act("/reply", {"thread": thread, "text": "a" * (MAX_ANSWER_CHARS + 1)}, query)
    await runtime.dispatcher.drain()
    page = await priya.page(query)
    private = page.texts("//ol[@id='thread']//article[contains(@class, 'ephemeral')]")
    assert len(private) == 1 and "answers can be up to" in private[0]
    assert "answers can be up to" not in (await dan.page(query)).text
    assert (await session_state(runtime, room_id)).open_questions[0].answers == []


async def test_a_reply_to_something_that_is_not_a_question_is_refused(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await begin(runtime, chair, priya, dan)
    root = (await priya.page()).tree.xpath("//ol[@id='channel']/li/@id")[0].removeprefix("m-")
    for thread in (root, "m-nowhere"):
        page = await priya.post(
            priya.base + "/reply",
            {"token": await priya.token(), "thread": thread, "text": "Hi"},
        )
        assert page.status == 404, thread


async def test_user_text_is_shown_as_text(runtime: Runtime, visitors: Make) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    thread = await begin(runtime, chair, priya, dan)
    words = "<script>alert(1)</script> <!channel> @here <@U024BE7LH> & <b>bold</b>"
    await priya.act("/reply", {"thread": thread, "text": words}, f"?thread={thread}")
    await runtime.dispatcher.drain()
    page = await dan.page(f"?thread={thread}")
    assert "<script>alert" not in page.text and "<b>bold" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;" in page.text
    assert words in page.texts("//ol[@id='thread']//p[@class='text']")


async def test_scale_buttons_answer_and_choosing_again_changes_the_answer(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors, model="morrison-4x4x4")
    await begin(runtime, chair, priya, dan)
    state = await session_state(runtime, room_id)
    # Move on to the scale question (the engine's own Next, pressed by the facilitator).
    scale_id = next(
        q.id for s in state.model.stages for q in s.questions if q.kind.value == "scale"
    )
    while scale_id not in (await session_state(runtime, room_id)).questions:
        page = await chair.page()
        if "Write key points" in page.buttons():
            form = await chair.press("Write key points")
            await chair.post(
                chair.base + "/form", {"token": form.token(), "form": "key_points", "text": "KP"}
            )
        else:
            await chair.post(chair.base + "/press", page.button_fields("Next"))
        await runtime.dispatcher.drain()
    thread = (await priya.page()).question_threads()[-1]
    query = f"?thread={thread}"
    await priya.press("3", query, "//ol[@id='thread']//")
    await runtime.dispatcher.drain()
    await priya.press("4", query, "//ol[@id='thread']//")
    await runtime.dispatcher.drain()
    answers = (await session_state(runtime, room_id)).questions[scale_id].answers
    assert [(a.text, a.edited) for a in answers] == [("4", True)]
    shown = (await dan.page(query)).texts("//ol[@id='thread']//article[contains(@class, 'reply')]")
    assert len(shown) == 1 and shown[0].endswith("4")
    # Editing the choice as text changes the same answer, and deleting it takes it away.
    (choice,) = (await priya.page(query)).tree.xpath("//form[contains(@action, '/edit')]")
    chosen = choice.xpath(".//input[@name='message']/@value")[0]
    await priya.act("/edit", {"message": chosen, "text": "2"}, query)
    answers = (await session_state(runtime, room_id)).questions[scale_id].answers
    assert [a.text for a in answers] == ["2"]
    await priya.act("/delete", {"message": chosen}, query)
    assert (await session_state(runtime, room_id)).questions[scale_id].answers == []
    await priya.press("3", query, "//ol[@id='thread']//")
    malformed = (await priya.page(query)).button_fields("5", "//ol[@id='thread']//")
    page = await priya.post(priya.base + "/press", {**malformed, "value": "5"})
    assert page.status == 400


# -- forms -------------------------------------------------------------------------------------


async def test_forms_keep_oversized_text_and_say_why(runtime: Runtime, visitors: Make) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    await begin(runtime, chair, priya, dan)
    assert (await chair.get(chair.base + "/form")).url == chair.base  # nothing open yet
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    form = await chair.press("Review the draft record")
    fields = form.tree.xpath("//main//textarea/@name")
    long_text = "x" * 20_001
    page = await chair.post(
        chair.base + "/form", {"token": form.token(), "form": "record", fields[0]: long_text}
    )
    assert page.status == 400 and "Please shorten it." in page.text
    assert page.tree.xpath("//main//textarea")[0].text == long_text
    wrong = await chair.post(chair.base + "/form", {"token": form.token(), "form": "key_points"})
    assert wrong.status == 409
    assert await session_phase(runtime, room_id) is Phase.RECORD_DRAFT


async def test_a_participant_cannot_open_the_facilitators_forms(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await begin(runtime, chair, priya, dan)
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    review = (await chair.page()).button_fields("Review the draft record")
    page = await priya.post(priya.base + "/press", {**review, "token": await priya.token()})
    assert page.url == priya.base  # back in the room, with no form
    await runtime.dispatcher.drain()
    assert "Only the facilitator, Morgan, can edit the record" in (await priya.page()).text


# -- live updates and logs ----------------------------------------------------------------------


async def test_the_live_stream_says_when_the_room_changed(runtime: Runtime, visitors: Make) -> None:
    _, priya, dan, _ = await start_session(runtime, visitors)
    async with priya.session.get(priya.url(priya.base + "/live")) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        first = await stream.content.readuntil(b"\n\n")
        assert first.startswith(b"event: change\ndata: ")
        await dan.press("I agree")
        await runtime.dispatcher.drain()
        changed = await stream.content.readuntil(b"\n\n")
        assert changed.startswith(b"event: change") and changed != first
    parts = await priya.get(priya.base + "/parts")
    assert parts.tree.xpath("//ol[@id='channel']/li")
    assert "Dan, Police — " in parts.text and parts.text.count("(agreed)") == 1


async def test_logs_hold_ids_and_counts_never_words_or_names(
    runtime: Runtime, visitors: Make, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, the libraries' too
    chair, priya, dan, _ = await start_session(runtime, visitors)
    thread = await begin(runtime, chair, priya, dan)
    await priya.act("/reply", {"thread": thread, "text": "Secret words"}, f"?thread={thread}")
    await runtime.dispatcher.drain()
    async with priya.session.post(
        priya.url(priya.base + "/reply"),
        data="thread=1&text=Secret words \xff".encode("latin-1"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as unreadable:
        assert unreadable.status == 400
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "practice room" in logged
    for private in ("Secret words", "Priya", "Morgan", "RCD-0417"):
        assert private not in logged


async def test_everyone_sees_the_sessions_status_and_who_is_awaited(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    waiting = " ".join((await priya.page()).texts("//details[@id='status-box']"))
    assert "The discussion is waiting for everyone to agree to the ground rules." in waiting
    first = await begin(runtime, chair, priya, dan)
    await priya.act("/reply", {"thread": first, "text": "Seen."}, f"?thread={first}")
    await runtime.dispatcher.drain()
    status = " ".join((await dan.page()).texts("//details[@id='status-box']"))
    assert "The discussion is under way." in status
    assert "is waiting for: Dan" in status and "Priya" not in status.split("waiting for:")[1]


async def test_the_room_keeps_the_rule_for_replies_paused_and_after_publishing(
    runtime: Runtime, visitors: Make
) -> None:
    """No new answer while paused; a reply can change until approval and never after: the room
    shows only what the session took."""
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    thread = await begin(runtime, chair, priya, dan)
    query = f"?thread={thread}"
    await priya.act("/reply", {"thread": thread, "text": "First thoughts"}, query)
    await runtime.dispatcher.drain()
    await chair.press("Pause")
    await runtime.dispatcher.drain()
    paused = await dan.act("/reply", {"thread": thread, "text": "While paused"}, query)
    assert paused.status == 409
    assert "The discussion is paused, so this reply was not recorded." in paused.text
    assert "While paused" in paused.texts("//textarea[@id='reply-text']"), "the words are kept"
    texts = "//ol[@id='thread']//article[contains(@class, 'reply')]//p[@class='text']"
    assert (await chair.page(query)).texts(texts) == ["First thoughts"]

    page = await priya.page(query)
    (reply_id,) = page.tree.xpath(
        "//form[contains(@action, '/edit')]/input[@name='message']/@value"
    )
    edited = await priya.act("/edit", {"message": reply_id, "text": "Paused, edited"}, query)
    assert edited.status == 200
    await runtime.dispatcher.drain()
    assert (await chair.page(query)).texts(texts) == ["Paused, edited"]

    await chair.press("Resume")
    await runtime.dispatcher.drain()
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    review = await chair.press("Review the draft record")
    saved = await chair.post(chair.base + "/form", {"token": review.token(), "form": "record"})
    assert saved.status == 200, saved.text
    await runtime.dispatcher.drain()
    await chair.press("Approve and publish")
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.PUBLISHED

    late = await priya.act("/edit", {"message": reply_id, "text": "After publishing"}, query)
    assert late.status == 409
    assert "This session has been published, so changes to replies are not recorded" in late.text
    gone = await priya.act("/delete", {"message": reply_id}, query)
    assert gone.status == 409
    await runtime.dispatcher.drain()
    assert (await chair.page(query)).texts(texts) == ["Paused, edited"]
    answers = (await session_state(runtime, room_id)).questions
    assert [a.text for q in answers.values() for a in q.answers] == ["Paused, edited"]


async def test_times_are_shown_in_the_organisations_zone_24_hour_and_named(
    runtime: Runtime, visitors: Make, clock: ManualClock
) -> None:
    """On a summer morning at 09:30 UTC the room and screening say 10:30 (UK time)."""
    clock.advance(timedelta(days=220))
    assert clock.now().month == 7 and clock.now().hour == 9
    chair, priya, dan, _ = await start_session(runtime, visitors)
    room = await chair.page()
    shown = room.texts("//ol[@id='channel']//time")
    assert shown and all(t == "10:30 (UK time)" for t in shown)
    assert " UTC" not in room.text
    form = await priya.page("/request")
    await priya.post(
        priya.base + "/request",
        {
            "token": form.token(),
            "form": "request",
            "case_reference": "RCD-0421",
            "agencies": "School",
            "why_stuck": "We disagree about the risk.",
            "urgency": "routine",
            "single_agency_supervision": "yes",
            "second_line_manager": "yes",
            "team_alerted": "yes",
        },
    )
    await runtime.dispatcher.drain()
    screening = await dan.page("/screening")
    assert screening.texts("//ol[@id='screening']//time") == ["10:30 (UK time)"]
    assert " UTC" not in screening.text
    other = visitors()
    await create_room(other)
    setup = await other.get(other.base + "/setup")
    assert "Date and time in UK time, 24-hour." in setup.text
