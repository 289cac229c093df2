"""Buttons and forms -> events: one translation, shared by every adapter."""

from __future__ import annotations

import pytest

from dialogs import events as ev
from dialogs.actions import button_event, form_event, scale_message_id, scale_value
from dialogs.content import ActionId, FormId


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ActionId.AGREE, ev.AgreeRules),
        (ActionId.BEGIN, ev.Begin),
        (ActionId.NEXT, ev.Next),
        (ActionId.SKIP, ev.Skip),
        (ActionId.PAUSE, ev.Pause),
        (ActionId.RESUME, ev.Resume),
        (ActionId.END, ev.End),
        (ActionId.APPROVE, ev.Approve),
    ],
)
def test_plain_buttons(action: ActionId, expected: type[ev.Event]):
    assert type(button_event(action.value, "", "U1")) is expected


@pytest.mark.parametrize(
    ("action", "form"),
    [
        (ActionId.KEY_POINTS, "key_points"),
        (ActionId.EDIT_RECORD, "record"),
        (ActionId.PUBLISH_ANYWAY, "override"),
        (ActionId.EVALUATE, "evaluation"),
    ],
)
def test_buttons_that_open_a_form(action: ActionId, form: str):
    event = button_event(action.value, "stage-1", "U1")
    assert isinstance(event, ev.RequestForm) and event.form == form and event.value == "stage-1"


def test_a_scale_choice_is_one_answer_per_person_and_question():
    event = button_event(ActionId.SCALE.value, scale_value("q-7", 3), "U1")
    assert event == ev.Answer(
        actor="U1", question_id="q-7", message_id=scale_message_id("q-7", "U1"), text="3"
    )
    assert scale_message_id("q-7", "U1") != scale_message_id("q-7", "U2")


def test_marking_an_action_done():
    assert button_event(ActionId.ACTION_DONE.value, "2", "U1") == ev.CompleteAction(
        actor="U1", index=2
    )


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("no-such-button", ""),
        (ActionId.SCALE.value, "no-separator"),
        (ActionId.ACTION_DONE.value, "x"),
        (ActionId.SCREEN_ACCEPT.value, "r-1"),
    ],
)
def test_malformed_or_foreign_buttons_give_no_event(action: str, value: str):
    assert button_event(action, value, "U1") is None


def test_forms():
    assert form_event(FormId.KEY_POINTS.value, "st", {"text": "K"}, "U1") == ev.StageNote(
        actor="U1", stage_id="st", text="K"
    )
    assert form_event(FormId.RECORD.value, "", {"a": "b"}, "U1") == ev.EditRecord(
        actor="U1", sections={"a": "b"}
    )
    assert form_event(FormId.EVALUATION.value, "", {"q": "4"}, "U1") == ev.SubmitEvaluation(
        actor="U1", answers={"q": "4"}
    )
    assert form_event(FormId.OVERRIDE.value, "", {"reason": "R"}, "U1") == ev.Approve(
        actor="U1", override_reason="R"
    )


@pytest.mark.parametrize("form", ["nonsense", FormId.REQUEST.value])
def test_unknown_forms_give_no_event(form: str):
    assert form_event(form, "", {}, "U1") is None


def test_an_over_long_override_reason_gives_no_event():
    assert form_event(FormId.OVERRIDE.value, "", {"reason": "x" * 5000}, "U1") is None


def test_status_says_where_the_session_is_and_who_is_awaited():
    from engine_kit import POLICE, Session, small_model

    from dialogs.messages import status

    assert "No session" in status(None).blocks[0].text
    session = Session(small_model())
    session.begin()
    content = status(session.state)
    words = " ".join(b.text for b in content.blocks)
    assert "under way" in words and "Stage 1 of 2" in words
    assert POLICE.user_id in [p.user_id for b in content.blocks for p in b.people]
