"""Every button the engine can show maps to the event it stands for."""

from __future__ import annotations

import pytest

from adapters.practice.translate import BadInput, button_event, parse_action, scale_choice
from dialogs import events as ev
from dialogs.content import ActionId

EXPECTED: dict[ActionId, type[ev.Event]] = {
    ActionId.AGREE: ev.AgreeRules,
    ActionId.BEGIN: ev.Begin,
    ActionId.NEXT: ev.Next,
    ActionId.SKIP: ev.Skip,
    ActionId.PAUSE: ev.Pause,
    ActionId.RESUME: ev.Resume,
    ActionId.END: ev.End,
    ActionId.APPROVE: ev.Approve,
    ActionId.KEY_POINTS: ev.RequestForm,
    ActionId.EDIT_RECORD: ev.RequestForm,
    ActionId.PUBLISH_ANYWAY: ev.RequestForm,
    ActionId.EVALUATE: ev.RequestForm,
    ActionId.ACTION_DONE: ev.CompleteAction,
}


# Buttons of the request-and-screening flow, which happens before a session and outside any
# room: a practice room never shows them.
OUTSIDE_SESSIONS = {
    ActionId.SCREEN_ACCEPT,
    ActionId.SCREEN_DECLINE,
    ActionId.CONFIRM_INVOLVED,
    ActionId.CONFIRM_NOT_INVOLVED,
}


def test_every_session_action_but_a_scale_choice_is_a_button_event() -> None:
    # A new ActionId in the engine fails here until the practice room knows it.
    assert set(EXPECTED) | {ActionId.SCALE} | OUTSIDE_SESSIONS == set(ActionId)
    for action, event_type in EXPECTED.items():
        assert type(button_event(action, "2", "p-1")) is event_type, action
    for action in OUTSIDE_SESSIONS:
        with pytest.raises(BadInput):
            button_event(action, "request-1", "p-1")


@pytest.mark.parametrize(
    ("action", "form"),
    [
        (ActionId.KEY_POINTS, "key_points"),
        (ActionId.EDIT_RECORD, "record"),
        (ActionId.PUBLISH_ANYWAY, "override"),
        (ActionId.EVALUATE, "evaluation"),
    ],
)
def test_buttons_that_open_forms_ask_for_the_right_form(action: ActionId, form: str) -> None:
    event = button_event(action, "stage-1", "p-1")
    assert isinstance(event, ev.RequestForm) and event.form == form


def test_malformed_values_are_refused() -> None:
    with pytest.raises(BadInput):
        parse_action("launch")
    with pytest.raises(BadInput):
        button_event(ActionId.ACTION_DONE, "first", "p-1")
    with pytest.raises(BadInput):
        button_event(ActionId.SCALE, "q:3", "p-1")
    for value in ("3", ":3", "q:", "q:three"):
        with pytest.raises(BadInput):
            scale_choice(value)
    assert scale_choice("q:one:3") == ("q:one", "3")
