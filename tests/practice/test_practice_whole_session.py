"""A whole session through the practice room's HTTP pages, as three people in three browsers."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import (
    CHANNEL_RECORD,
    Visitor,
    private_record,
    publish,
    session_phase,
    session_state,
    start_session,
)
from sqlalchemy import text

from bot.runtime import Runtime
from dialogs.state import Phase


async def test_a_whole_session_from_ground_rules_to_the_published_record(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)

    page = await priya.page()
    assert "Ground rules" in page.text
    assert page.buttons() == ["I agree"]  # Begin is the facilitator's
    assert (await chair.page()).buttons() == [
        "Begin",
        "Send the preparation pack",
        "Choose a recorder",
    ]

    for person in (priya, dan):
        await person.press("I agree")
    await runtime.dispatcher.drain()
    await chair.press("Begin")
    await runtime.dispatcher.drain()

    answered = 0
    while await session_phase(runtime, room_id) is Phase.RUNNING:
        page = await chair.page()
        if "Write key points" in page.buttons():
            form = await chair.press("Write key points")
            assert form.url.endswith("/form") and "Key points" in form.text
            saved = await chair.post(
                chair.base + "/form",
                {"token": form.token(), "form": "key_points", "text": "Different pictures."},
            )
            assert saved.status == 200
            await runtime.dispatcher.drain()
            continue
        thread = page.question_threads()[-1]
        for person in (priya, dan):
            answered += 1
            reply = await person.act(
                "/reply", {"thread": thread, "text": f"Answer {answered}"}, f"?thread={thread}"
            )
            assert reply.status == 200
        await runtime.dispatcher.drain()

    assert answered == 14  # seven questions, two participants
    review = await chair.press("Review the draft record")
    fields = review.tree.xpath("//form[contains(@action, '/form')]//textarea")
    values = {t.get("name"): (t.text or "") + " Reviewed." for t in fields}
    preview = await chair.post(
        chair.base + "/form", {"token": review.token(), "form": "record", **values}
    )
    assert preview.status == 200
    await runtime.dispatcher.drain()
    page = await chair.page()
    assert "Only visible to you" in page.text and "Approve and publish" in page.buttons()
    assert "Approve and publish" not in (await priya.page()).text  # the preview is private

    await chair.press("Approve and publish")
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.PUBLISHED
    # Portsmouth's record is distributed to each professional: the channel is only told.
    (notice,) = (await dan.page()).texts(CHANNEL_RECORD)
    assert "sent privately to each participant" in notice and "Reviewed." not in notice
    title = (await session_state(runtime, room_id)).model.record.title
    published = await private_record(dan, title)
    assert "Reviewed." in published and "Approved by Morgan" in published


async def finish_discussion(runtime: Runtime, chair: Visitor, priya: Visitor, dan: Visitor) -> None:
    for person in (priya, dan):
        await person.press("I agree")
    await runtime.dispatcher.drain()
    await chair.press("Begin")
    await runtime.dispatcher.drain()
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()


async def test_a_record_the_guard_flags_is_published_only_with_a_reason(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    await finish_discussion(runtime, chair, priya, dan)
    review = await chair.press("Review the draft record")
    first = review.tree.xpath("//main//textarea/@name")[0]
    await chair.post(
        chair.base + "/form",
        {"token": review.token(), "form": "record", first: "Write to j.smith@example.org"},
    )
    await runtime.dispatcher.drain()
    assert "Approve and publish" not in (await chair.page()).buttons()
    override = await chair.press("Publish anyway…")
    assert override.url.endswith("/form")
    empty = await chair.post(chair.base + "/form", {"token": override.token(), "form": "override"})
    assert empty.status == 400 and "cannot be empty" in empty.text
    await chair.post(
        chair.base + "/form",
        {"token": override.token(), "form": "override", "reason": "A made-up address."},
    )
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.PUBLISHED


async def test_participants_are_invited_privately_to_evaluate_and_their_answers_are_kept(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors, model="moray-rcd")
    await finish_discussion(runtime, chair, priya, dan)
    review = await chair.press("Review the draft record")
    await chair.post(chair.base + "/form", {"token": review.token(), "form": "record"})
    await runtime.dispatcher.drain()
    await chair.press("Approve and publish")
    await runtime.dispatcher.drain()
    assert (await priya.page()).buttons() == ["Answer the evaluation"]
    assert "Answer the evaluation" not in (await chair.page()).buttons()

    form = await priya.press("Answer the evaluation")
    choices = form.tree.xpath("//main//select")
    texts = form.tree.xpath("//main//textarea/@name")
    answers = {choice.get("name"): choice.xpath("./option/@value")[-1] for choice in choices}
    answers |= {name: "Helpful" for name in texts}
    sent = await priya.post(
        priya.base + "/form", {"token": form.token(), "form": "evaluation", **answers}
    )
    assert sent.status == 200
    async with runtime.store.transaction() as uow:
        kept = await uow.evaluations.answers()
    assert len(kept) == 1 and set(kept[0][1].values()) >= {"Helpful"}


NHS_NUMBER, POSTCODE, WATCHED = "943 476 5919", "PO1 2AB", "Jayden Okafor"


async def test_identifiers_typed_in_answers_or_fields_never_reach_the_published_record(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    """The reply's author is warned; the chair, repeating it in the Learning Log's time line
    (a field of the key-points form), is warned too, and the draft takes it out."""
    chair, priya, dan, room_id = await start_session(
        runtime, visitors, watchlist=f"{WATCHED}\n12 Elm Road"
    )
    for person in (priya, dan):
        await person.press("I agree")
    await runtime.dispatcher.drain()
    await chair.press("Begin")
    await runtime.dispatcher.drain()

    first = (await chair.page()).question_threads()[-1]
    risky = f"{WATCHED} was seen at {POSTCODE}; the GP has NHS number {NHS_NUMBER}."
    await priya.act("/reply", {"thread": first, "text": risky}, f"?thread={first}")
    await runtime.dispatcher.drain()
    warning = " ".join(
        (await priya.page(f"?thread={first}")).texts(
            "//ol[@id='thread']//article[contains(@class, 'ephemeral')]"
        )
    )
    assert (
        "Your reply seems to contain a name on the watch-list, a postcode and an NHS number."
        in warning
    )
    for found in (NHS_NUMBER, POSTCODE, WATCHED):
        assert found not in warning
    assert not (await dan.page(f"?thread={first}")).tree.xpath(
        "//ol[@id='thread']//article[contains(@class, 'ephemeral')]"
    )

    while await session_phase(runtime, room_id) is Phase.RUNNING:
        page = await chair.page()
        if "Write key points" in page.buttons():
            form = await chair.press("Write key points")
            asked = form.tree.xpath("//main//textarea/@name")
            assert "field-journey_time_line" in asked
            await chair.post(
                chair.base + "/form",
                {"token": form.token(), "form": "key_points", "field-journey_time_line": risky},
            )
            await runtime.dispatcher.drain()
            told = " ".join((await chair.page()).texts("//article[contains(@class, 'ephemeral')]"))
            assert "“The child’s journey described along a time line” seems to contain" in told
        else:
            thread = page.question_threads()[-1]
            for person in (priya, dan):
                await person.act(
                    "/reply", {"thread": thread, "text": "Worried."}, f"?thread={thread}"
                )
        await runtime.dispatcher.drain()

    review = await chair.press("Review the draft record")
    intro = " ".join(review.texts("//p[@class='lead']"))
    taken_out = (
        "a name on the watch-list, a postcode and an NHS number from "
        "“The child’s journey described along a time line”"
    )
    assert f"Already taken out of the draft: {taken_out}" in intro
    drafted = {t.get("name"): t.text or "" for t in review.tree.xpath("//main//textarea")}
    for found in (NHS_NUMBER, POSTCODE, WATCHED):
        assert found not in review.text
    await chair.post(chair.base + "/form", {"token": review.token(), "form": "record", **drafted})
    await runtime.dispatcher.drain()
    preview = " ".join((await chair.page()).texts("//article[contains(@class, 'ephemeral')]"))
    assert f"Taken out of the draft because they looked like identifiers: {taken_out}" in preview
    assert "[NHS number removed]" in preview
    await chair.press("Approve and publish")
    await runtime.dispatcher.drain()
    assert await session_phase(runtime, room_id) is Phase.PUBLISHED

    title = (await session_state(runtime, room_id)).model.record.title
    record = await private_record(dan, title)
    assert "Approved by Morgan" in record
    for found in (NHS_NUMBER, POSTCODE, WATCHED, "Okafor"):
        assert found not in record
    _, _, markdown = await chair.download("/record/md")
    for found in (NHS_NUMBER, POSTCODE, WATCHED, "Okafor"):
        assert found not in markdown.decode()


async def test_each_participant_receives_the_published_record_privately(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    await publish(runtime, chair, priya, dan)
    state = await session_state(runtime, room_id)
    async with runtime.store.transaction() as uow:
        private = [
            message
            for message in await uow.db.execute(
                text(
                    "SELECT visible_to, body FROM practice_messages "
                    "WHERE room_id = :room AND kind = 'direct'"
                ),
                {"room": room_id},
            )
        ]
    participants = {p.user_id for p in state.participants}
    given = {to for to, body in private if state.model.record.title in body}
    assert given == participants
    # Portsmouth's record is distributed to each professional, not posted in the channel.
    assert not state.model.record.posted_to_channel
    (notice,) = (await priya.page()).texts(CHANNEL_RECORD)
    assert "sent privately to each participant" in notice
