"""What pressing one of the engine's buttons, or submitting one of its forms, means.

The engine defines the actions and forms in its neutral content, so it also defines the event
each one asks for: every adapter translates a press or a submission through here, and no
adapter keeps its own copy of the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from dialogs import captured
from dialogs import events as ev
from dialogs.content import ActionId, FormId

SCALE_SEPARATOR = ":"

_PLAIN: dict[ActionId, type[ev.Event]] = {
    ActionId.AGREE: ev.AgreeRules,
    ActionId.BEGIN: ev.Begin,
    ActionId.SEND_PREPARATION: ev.SendPreparation,
    ActionId.NEXT: ev.Next,
    ActionId.SKIP: ev.Skip,
    ActionId.PAUSE: ev.Pause,
    ActionId.RESUME: ev.Resume,
    ActionId.END: ev.End,
    ActionId.APPROVE: ev.Approve,
    ActionId.ASK_CONFIRMATION: ev.AskConfirmation,
}

_FORM_BUTTONS: dict[ActionId, str] = {
    ActionId.KEY_POINTS: "key_points",
    ActionId.EDIT_RECORD: "record",
    ActionId.PUBLISH_ANYWAY: "override",
    ActionId.EVALUATE: "evaluation",
    ActionId.CHOOSE_RECORDER: "recorder",
}


def scale_value(question_id: str, number: int) -> str:
    """The value of a scale button: the question and the number chosen."""
    return f"{question_id}{SCALE_SEPARATOR}{number}"


def scale_message_id(question_id: str, actor: str) -> str:
    """One scale choice per person and question: choosing again changes the answer."""
    return f"scale{SCALE_SEPARATOR}{question_id}{SCALE_SEPARATOR}{actor}"


def button_event(action: str, value: str, actor: str) -> ev.Event | None:
    """The session event a button asks for; None for anything malformed or not a session's
    button (requests' buttons are translated by `dialogs.requests`)."""
    try:
        action_id = ActionId(action)
    except ValueError:
        return None
    try:
        if action_id in _PLAIN:
            event_type = _PLAIN[action_id]
            if issubclass(event_type, ev.Control):
                return event_type(actor=actor, on=value)
            return event_type(actor=actor)
        if action_id in _FORM_BUTTONS:
            form = _FORM_BUTTONS[action_id]
            return ev.RequestForm(actor=actor, form=form, value=value)  # type: ignore[arg-type]
        if action_id is ActionId.MOVE_ON_EARLY:
            return ev.Next(actor=actor, on=value, confirmed=True)
        if action_id is ActionId.SCALE:
            question_id, _, number = value.rpartition(SCALE_SEPARATOR)
            if not question_id or not number:
                return None
            return ev.Answer(
                actor=actor,
                question_id=question_id,
                message_id=scale_message_id(question_id, actor),
                text=number,
            )
        if action_id is ActionId.ACTION_DONE and value.isdecimal():
            return ev.CompleteAction(actor=actor, index=int(value))
        if action_id is ActionId.CONFIRM_RECORD and value.isdecimal() and len(value) < 10:
            return ev.ConfirmRecord(actor=actor, revision=int(value))
    except ValidationError:
        return None
    return None


def form_event(form: str, value: str, fields: Mapping[str, str], actor: str) -> ev.Event | None:
    """The session event a submitted form asks for; None if it is malformed or not a session's
    form."""
    values = {key: str(text) for key, text in fields.items()}
    try:
        form_id = FormId(form)
        if form_id is FormId.KEY_POINTS:
            return ev.StageNote(
                actor=actor,
                stage_id=value,
                text=values.get("text", ""),
                fields=captured.submitted(values),
            )
        if form_id is FormId.RECORD:
            return ev.EditRecord(actor=actor, sections=values)
        if form_id is FormId.EVALUATION:
            return ev.SubmitEvaluation(actor=actor, answers=values)
        if form_id is FormId.OVERRIDE:
            return ev.Approve(actor=actor, override_reason=values.get("reason", ""))
        if form_id is FormId.RECORDER:
            return ev.ChooseRecorder(actor=actor, recorder=values.get("recorder", ""))
    except (ValueError, ValidationError):
        return None
    return None
