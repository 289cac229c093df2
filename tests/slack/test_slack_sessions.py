"""A whole session of every built-in model, from /reflect to the published record, in Slack."""

from __future__ import annotations

import pytest
from slack_driver import SlackSession
from slack_requests import (
    CHANNEL,
    LEARNING_CHANNEL,
    PARTICIPANTS,
    PRESENTER,
    Workspace,
)

from adapters.slack.text import escape
from bot.runtime import Runtime
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase

BUILTIN_MODELS = [model.id for model in Catalogue.load()]


@pytest.mark.parametrize("model_id", BUILTIN_MODELS)
async def test_a_whole_session_from_reflect_to_the_published_record(
    model_id: str, slack: Workspace, runtime: Runtime
) -> None:
    session = SlackSession(slack, runtime)
    await session.start(model_id, list(PARTICIPANTS), PRESENTER)
    fake = slack.fake
    root_ts = await session.ts_of("root")
    root = session.posted(root_ts)
    assert root.args["channel"] == CHANNEL
    root_text = "\n".join(root.texts())
    for name, agency in (("Priya Shah", "Social work"), ("Dan Okafor", "Police")):
        assert f"{name}, {agency}" in root_text
    await session.agree_and_begin()
    await session.answer_everything()
    await session.review_and_approve()

    state = await session.state()
    assert state.phase is Phase.PUBLISHED
    model = state.model
    posts = fake.called("chat.postMessage")
    # The root and every question were posted exactly once.
    assert [c.answer["ts"] for c in posts].count(root_ts) == 1
    for question in (q for stage in model.stages for q in stage.questions):
        texts = [c for c in posts if c.args["text"] == question.text.replace("&", "&amp;")]
        assert len(texts) == 1, question.id
        ts = texts[0].answer["ts"]
        # Answered in its thread. Its closing is shown by the post after it, not redrawn.
        assert state.questions[question.id].answers
        assert "Closed —" not in "\n".join(session.latest(ts).texts())
    # Agreement shows on the root message.
    assert "agreed" in "\n".join(session.latest(root_ts).texts())
    record = session.posted(await session.ts_of("record"))
    assert record.args["channel"] == CHANNEL
    if not model.record.posted_to_channel:
        # The channel is told; the record itself went to each person privately.
        assert "sent privately to each participant" in "\n".join(record.texts())
        title = escape(model.record.title)
        record = next(c for c in session.direct(PRESENTER) if c.texts()[0] == title)
    record_text = "\n".join(record.texts())
    for section in model.record.sections:
        assert section.title in record_text
    if model.record.shared_with_participants:
        title = escape(model.record.title)
        assert any(c.texts()[0] == title for c in session.direct(PRESENTER)), "a private copy"
    learning = [c for c in posts if c.args["channel"] == LEARNING_CHANNEL]
    assert len(learning) == (1 if model.record.learning_section else 0)
