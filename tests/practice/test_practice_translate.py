"""The room's input checks around the engine's own translations of buttons, forms and setup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.practice.translate import (
    BadInput,
    SetupChoices,
    pressed,
    setup_problems,
    start_event,
    submitted,
)
from dialogs import events as ev
from dialogs.content import ActionId, Form, FormField, FormId
from dialogs.models.catalogue import Catalogue
from dialogs.requests import ConfirmFacilitation, accept_form, decline_form
from storage.practice import RoomPerson

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHAIR = RoomPerson("p-chair", "Morgan", "Chair")
PRIYA = RoomPerson("p-priya", "Priya", "Social work")


def test_session_buttons_are_the_engines_events() -> None:
    assert isinstance(pressed(ActionId.AGREE, "", "p-1"), ev.AgreeRules)
    choice = pressed(ActionId.SCALE, "q:one:3", "p-1")
    assert isinstance(choice, ev.Answer) and (choice.question_id, choice.text) == ("q:one", "3")


def test_request_buttons_are_forms_to_open_or_the_facilitators_answer() -> None:
    assert pressed(ActionId.SCREEN_ACCEPT, "req-1", "p-1") == accept_form("req-1")
    assert pressed(ActionId.SCREEN_DECLINE, "req-1", "p-1") == decline_form("req-1")
    answer = pressed(ActionId.CONFIRM_NOT_INVOLVED, "req-1", "p-1")
    assert isinstance(answer, ConfirmFacilitation) and answer.no_involvement


@pytest.mark.parametrize(
    ("action", "value"),
    [("launch", ""), (ActionId.ACTION_DONE, "first"), (ActionId.SCALE, "3"), ("", "")],
)
def test_unknown_or_malformed_buttons_are_bad_input(action: str, value: str) -> None:
    with pytest.raises(BadInput):
        pressed(action, value, "p-1")


def test_forms_are_the_engines_events_and_others_are_bad_input() -> None:
    key_points = Form(
        id=FormId.KEY_POINTS,
        title="Key points",
        value="stage-1",
        fields=(FormField(id="text", label="Key points"),),
    )
    note = submitted(key_points, {"text": "Agreed."}, "p-chair")
    assert isinstance(note, ev.StageNote) and note.stage_id == "stage-1"
    with pytest.raises(BadInput):
        submitted(accept_form("req-1"), {"facilitator": "p-1"}, "p-chair")


def choices(**changes: str) -> SetupChoices:
    chosen = SetupChoices(
        model_id="kolb", case_reference="RCD-0417", participant_ids=[PRIYA.id], lead_id=PRIYA.id
    )
    for name, value in changes.items():
        setattr(chosen, name, value)
    return chosen


def problems_of(chosen: SetupChoices) -> list[str]:
    return setup_problems(chosen, Catalogue.load(), [CHAIR, PRIYA], CHAIR.id, NOW)


@pytest.mark.parametrize(
    ("start_later", "problem"),
    [
        ("next Tuesday", "Please give the later start as a date and a time."),
        ("2026-03-02T09:00+01:00", "without a time zone"),
        ("2026-03-02T08:59", "The later start must be in the future (the time is in UK time)."),
    ],
)
def test_a_later_start_must_be_a_future_date_and_time(start_later: str, problem: str) -> None:
    found = problems_of(choices(start_later=start_later))
    assert len(found) == 1 and problem in found[0]


def test_a_watchlist_longer_than_the_engine_keeps_is_refused() -> None:
    assert problems_of(choices(watchlist="\n".join(f"Name {i}" for i in range(51)))) == [
        "The watch-list has 51 lines; it can hold up to 50."
    ]
    assert problems_of(choices(watchlist="x" * 201)) == [
        "Each watch-list line can be up to 200 characters."
    ]


def test_the_start_carries_the_later_start_and_the_watchlist_without_blank_lines() -> None:
    chosen = choices(start_later="2026-03-09T14:30", watchlist=" Jayden Smith \n\n12 Elm Road\n")
    assert problems_of(chosen) == []
    start = start_event(chosen, Catalogue.load(), [CHAIR, PRIYA], CHAIR, "s-1")
    assert start.scheduled_for == datetime(2026, 3, 9, 14, 30, tzinfo=UTC)
    assert start.watchlist == ("Jayden Smith", "12 Elm Road")
    now = start_event(choices(), Catalogue.load(), [CHAIR, PRIYA], CHAIR, "s-2")
    assert now.scheduled_for is None and now.watchlist == ()


def test_a_later_start_is_read_in_the_organisations_time_zone() -> None:
    """Typed 14:30 on a summer day in London is 13:30 UTC (British Summer Time)."""
    chosen = choices(start_later="2026-07-01T14:30")
    assert problems_of(chosen) == []
    start = start_event(chosen, Catalogue.load(), [CHAIR, PRIYA], CHAIR, "s-1")
    assert start.scheduled_for == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)
