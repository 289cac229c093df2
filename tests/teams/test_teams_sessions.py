"""Whole sessions in a Teams channel, from `@reflectbot start` to the published record."""

from __future__ import annotations

import pytest
from teams_activities import CHANNEL, PARTICIPANTS
from teams_driver import RECORD_NOTE, TeamsChannel

from adapters.teams.text import escape
from bot.erasure import erase_session
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase

BUILTIN = Catalogue.load()


@pytest.mark.parametrize("model_id", sorted(BUILTIN.models))
async def test_a_whole_session_of_each_builtin_model(teams: TeamsChannel, model_id: str) -> None:
    model = BUILTIN.models[model_id]
    session_id = await teams.run(model)

    state = await teams.state(session_id)
    assert state.phase is Phase.PUBLISHED
    record = await teams.post_of(session_id, "record")
    assert record.conversation == CHANNEL and record.texts()[0] == escape(model.record.title)
    if not model.record.posted_to_channel:
        # The channel is told; the record itself went to each person privately.
        assert "sent privately to each participant" in record.text()
        assert RECORD_NOTE not in record.text()
        chat = teams.connector.chat(PARTICIPANTS[0].teams_id)
        record = next(m for m in chat if m.texts()[0] == escape(model.record.title))
    assert RECORD_NOTE in record.text()
    if any(".agency" in section.template for section in model.record.sections):
        assert "Police:" in record.text(), "answers are credited to the agencies given at setup"
    for question_id in state.questions:
        post = await teams.post_of(session_id, f"q:{question_id}")
        assert post.root == post.id, "each question is its own channel post"


async def test_erasing_a_session_deletes_the_bots_posts_in_the_channel(
    teams: TeamsChannel,
) -> None:
    session_id = await teams.run(teams.runtime.catalogue.models["kolb"])
    async with teams.runtime.store.transaction() as uow:
        posts = [p.message_id for p in await uow.messages.of_session(session_id)]
    assert posts

    erasure = await erase_session(teams.runtime, session_id, "an administrator")

    assert erasure is not None and erasure.retracted == len(posts)
    deleted = [c.path.rsplit("/", 1)[-1] for c in teams.connector.calls if c.method == "DELETE"]
    assert set(posts) <= set(deleted)
    assert all(teams.connector.messages[post].deleted for post in posts)


async def test_each_participant_receives_the_published_record_in_their_chat(
    teams: TeamsChannel,
) -> None:
    model = teams.runtime.catalogue.models["kolb"]
    await teams.run(model)
    for person in PARTICIPANTS:
        chat = " ".join(message.text() for message in teams.connector.chat(person.teams_id))
        assert model.record.title in chat, person.name
