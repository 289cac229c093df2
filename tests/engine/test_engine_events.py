"""Malformed events never reach the engine: the event schema refuses them with the reason."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from dialogs.events import AnyEvent

EVENTS: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"type": "answer", "actor": "U1", "question_id": "q1", "text": "hi"}, "message_id"),
        (
            {"type": "answer", "actor": "", "question_id": "q1", "message_id": "m", "text": ""},
            "actor",
        ),
        ({"type": "agree", "actor": "U1", "extra": "field"}, "extra"),
        ({"type": "explode", "actor": "U1"}, "type"),
        ({"type": "next", "actor": "U" * 201}, "actor"),
        ({"type": "edit_record", "actor": "U1", "sections": ["not", "a", "mapping"]}, "sections"),
    ],
)
def test_a_malformed_event_is_refused_with_its_reason(payload: dict, reason: str):
    with pytest.raises(ValidationError) as refused:
        EVENTS.validate_python(payload)
    assert reason in str(refused.value)


def test_a_well_formed_event_keeps_user_text_exactly():
    text = "<!channel> @here <@U123> & <b>not markup</b>"
    event = EVENTS.validate_json(
        '{"type": "answer", "actor": "U1", "question_id": "q1", "message_id": "m1", '
        f'"text": "{text}"}}'
    )
    assert event.text == text
