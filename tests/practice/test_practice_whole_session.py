"""A whole session through the practice room's HTTP pages, as three people in three browsers."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, session_phase, start_session

from bot.runtime import Runtime
from dialogs.state import Phase


async def test_a_whole_session_from_ground_rules_to_the_published_record(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)

    page = await priya.page()
    assert "Ground rules" in page.text
    assert page.buttons() == ["I agree"]  # Begin is the facilitator's
    assert (await chair.page()).buttons() == ["Begin"]

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
    record = await dan.page()
    published = record.texts(
        "//ol[@id='channel']//article[contains(concat(' ', @class, ' '), ' key-record ')]"
    )
    assert len(published) == 1
    assert "Reviewed." in published[0] and "Approved by Morgan" in published[0]
