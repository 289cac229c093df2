"""What a pressed card button or a submitted Teams dialog means, as an engine event."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from adapters.teams.cards import FIELD_PREFIX
from dialogs import events as ev
from dialogs.content import ActionId, FormId

_SIMPLE: dict[ActionId, type[ev.Event]] = {
    ActionId.AGREE: ev.AgreeRules,
    ActionId.BEGIN: ev.Begin,
    ActionId.NEXT: ev.Next,
    ActionId.SKIP: ev.Skip,
    ActionId.PAUSE: ev.Pause,
    ActionId.RESUME: ev.Resume,
    ActionId.END: ev.End,
    ActionId.APPROVE: ev.Approve,
}
SCALE_SEPARATOR = ":"


def scale_message_id(question_id: str, actor: str) -> str:
    """One scale choice per person and question: choosing again changes the answer."""
    return f"scale{SCALE_SEPARATOR}{question_id}{SCALE_SEPARATOR}{actor}"


def button_event(action: str, value: str, actor: str) -> ev.Event | None:
    """The event a button of ours asks for; None for anything malformed or foreign."""
    try:
        action_id = ActionId(action)
    except ValueError:
        return None
    if action_id in _SIMPLE:
        return _SIMPLE[action_id](actor=actor)
    if action_id is ActionId.SCALE:
        question_id, _, choice = value.rpartition(SCALE_SEPARATOR)
        if not question_id or not choice:
            return None
        return ev.Answer(
            actor=actor,
            question_id=question_id,
            message_id=scale_message_id(question_id, actor),
            text=choice,
        )
    if action_id is ActionId.KEY_POINTS:
        return ev.RequestForm(actor=actor, form="key_points", value=value)
    if action_id is ActionId.EDIT_RECORD:
        return ev.RequestForm(actor=actor, form="record")
    if action_id is ActionId.EVALUATE:
        return ev.RequestForm(actor=actor, form="evaluation")
    if action_id is ActionId.PUBLISH_ANYWAY:
        return ev.RequestForm(actor=actor, form="override")
    if action_id is ActionId.ACTION_DONE and value.isdigit():
        return ev.CompleteAction(actor=actor, index=int(value))
    return None


def form_event(data: dict[str, Any], actor: str) -> ev.Event | None:
    """The event a submitted dialog (key points, record, evaluation, publishing despite the
    identifier guard) asks for; None if it is malformed."""
    fields = {
        key.removeprefix(FIELD_PREFIX): value
        for key, value in data.items()
        if key.startswith(FIELD_PREFIX)
    }
    value = str(data.get("value", ""))
    try:
        if data.get("form") == FormId.KEY_POINTS.value:
            return ev.StageNote(actor=actor, stage_id=value, text=fields.get("text", ""))
        if data.get("form") == FormId.RECORD.value:
            return ev.EditRecord(actor=actor, sections=fields)
        if data.get("form") == FormId.EVALUATION.value:
            return ev.SubmitEvaluation(actor=actor, answers=fields)
        if data.get("form") == FormId.OVERRIDE.value:
            return ev.Approve(actor=actor, override_reason=fields.get("reason", ""))
    except ValidationError:
        return None
    return None
