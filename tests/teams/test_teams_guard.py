"""The setup card's later start and watch-list, and a whole session in which someone types
what identifies a child: the record keeps none of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from teams_activities import CHANNEL, FACILITATOR, PARTICIPANTS, POLICE, Person
from teams_driver import TeamsChannel

from bot.clock import ManualClock
from dialogs.state import Phase

WATCHED = "Jayden Smith"
IDENTIFYING = f"{WATCHED} was seen at PO1 2AB; his NHS number is 943 476 5919."
LEAKS = ("Jayden", "PO1 2AB", "943 476 5919")


def _chat(teams: TeamsChannel, person: Person) -> str:
    return "\n".join(message.text() for message in teams.connector.chat(person.teams_id))


async def test_a_session_set_up_for_later_invites_now_and_opens_then(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    session_id = await teams.start("kolb", start_date="2026-11-30", start_time="14:00")
    state = await teams.state(session_id)
    assert state.phase is Phase.SCHEDULED
    assert state.scheduled_for == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert teams.connector.channel_posts(CHANNEL) == [], "nothing in the channel yet"
    (setup,) = [m for m in teams.connector.messages.values() if "Session set up" in m.text()]
    assert "opens here on 30 November 2026 at 14:00 (UK time)" in setup.text()
    for person in PARTICIPANTS:
        assert "30 November 2026 at 14:00 (UK time)" in _chat(teams, person)

    clock.advance(timedelta(days=7, hours=5))
    await teams.runtime.service.tick_due()
    await teams.runtime.dispatcher.drain()
    assert (await teams.state(session_id)).phase is Phase.GROUND_RULES
    assert (await teams.post_of(session_id, "root")).button("agree")


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [
        ({"start_date": "2026-11-30"}, "both a date and a time"),
        ({"start_time": "14:00"}, "both a date and a time"),
        ({"start_date": "2026-11-30", "start_time": "2 pm"}, "both a date and a time"),
        ({"start_date": "2026-11-22", "start_time": "14:00"}, "already passed"),
        ({"watchlist": "x" * 201}, "watch-list holds up to 50"),
        ({"watchlist": "\n".join(f"Name {n}" for n in range(51))}, "watch-list holds up to 50"),
    ],
)
async def test_a_setup_that_cannot_be_kept_is_explained(
    teams: TeamsChannel, inputs: dict[str, str], reason: str
) -> None:
    assert await teams.start("kolb", **inputs) == ""
    assert reason in _chat(teams, FACILITATOR)


async def test_the_watch_list_is_kept_only_as_hashes(teams: TeamsChannel) -> None:
    session_id = await teams.start("kolb", watchlist=f"{WATCHED}\n\n  14 Elm Road  \n")
    state = await teams.state(session_id)
    assert len(state.watch_hashes) >= 2
    assert "jayden" not in state.model_dump_json().casefold()


async def test_identifiers_typed_in_a_session_never_reach_the_record(
    teams: TeamsChannel,
) -> None:
    session_id = await teams.start("space-to-think", watchlist=WATCHED)
    # Space to Think's record quotes the group's exploring (with neither name nor agency).
    await teams.run_until_open(session_id, "exploration")
    question = await teams.post_of(session_id, "q:exploration")
    await teams.send(teams.acts.reply(POLICE, question.id, IDENTIFYING))

    warning = _chat(teams, POLICE)
    assert "postcode" in warning and "NHS number" in warning and "watch-list" in warning
    assert not any(leak in warning for leak in LEAKS), "the warning does not repeat them"
    shown = [m.activity for m in teams.connector.messages.values() if m.conversation == CHANNEL]
    assert not any(leak in json.dumps(shown) for leak in LEAKS), "reflectbot echoes none of it"

    state = await teams.state(session_id)
    while state.phase is Phase.RUNNING:
        state = await teams.advance(session_id)
    dialog = await teams.approve_record(session_id)
    intro = dialog.body["task"]["value"]["card"]["content"]["body"][0]["text"]
    assert "Already taken out of the draft" in intro and "NHS number" in intro
    preview = next(
        m for m in teams.connector.chat(FACILITATOR.teams_id) if "Preview" in m.text()
    ).text()
    assert "Taken out of the draft" in preview and "postcode" in preview

    final = await teams.state(session_id)
    assert final.phase is Phase.PUBLISHED and final.record is not None
    record = (await teams.post_of(session_id, "record")).text()
    published = record + json.dumps(final.record.sections)
    assert not any(leak in published for leak in LEAKS)
    assert "[NHS number removed]" in published and "[postcode removed]" in published
