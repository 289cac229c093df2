"""Browser input -> engine events: button presses, submitted forms and the setup form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dialogs import events as ev
from dialogs.content import ActionId, Form, FormId
from dialogs.models.catalogue import Catalogue
from storage.practice import RoomPerson

MAX_REPLY_CHARS = 40_000  # what the room accepts as one message, like a chat platform's limit

_PLAIN_ACTIONS: dict[ActionId, type[ev.Event]] = {
    ActionId.AGREE: ev.AgreeRules,
    ActionId.BEGIN: ev.Begin,
    ActionId.NEXT: ev.Next,
    ActionId.SKIP: ev.Skip,
    ActionId.PAUSE: ev.Pause,
    ActionId.RESUME: ev.Resume,
    ActionId.END: ev.End,
    ActionId.APPROVE: ev.Approve,
}


class BadInput(ValueError):
    """Input no page of ours sends; the message says what was wrong."""


def button_event(action: ActionId, value: str, actor: str) -> ev.Event:
    """The event for a button other than a scale choice (see `scale_choice`)."""
    if action in _PLAIN_ACTIONS:
        return _PLAIN_ACTIONS[action](actor=actor)
    if action is ActionId.KEY_POINTS:
        return ev.RequestForm(actor=actor, form="key_points", value=value)
    if action is ActionId.EDIT_RECORD:
        return ev.RequestForm(actor=actor, form="record")
    if action is ActionId.PUBLISH_ANYWAY:
        return ev.RequestForm(actor=actor, form="override")
    if action is ActionId.EVALUATE:
        return ev.RequestForm(actor=actor, form="evaluation")
    if action is ActionId.ACTION_DONE and value.isdigit():
        return ev.CompleteAction(actor=actor, index=int(value))
    raise BadInput("That button cannot be pressed here.")


def parse_action(raw: str) -> ActionId:
    try:
        return ActionId(raw)
    except ValueError:
        raise BadInput("That button is not one this room knows.") from None


def scale_choice(value: str) -> tuple[str, str]:
    """A scale button's value is `question id:number`."""
    question_id, _, number = value.rpartition(":")
    if not question_id or not number.isdigit():
        raise BadInput("That scale choice is malformed.")
    return question_id, number


# -- forms opened by the engine (key points, the record) ----------------------------------


def form_values(form: Form, data: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The submitted fields of a form, and what is wrong with them (kept, never cut short)."""
    values = {item.id: data.get(item.id, "") for item in form.fields}
    problems = []
    for item in form.fields:
        value = values[item.id]
        if len(value) > item.max_length:
            problems.append(
                f"{item.label} is {len(value):,} characters long; it can be up to "
                f"{item.max_length:,}. Please shorten it."
            )
        elif not item.optional and not value.strip():
            problems.append(f"{item.label} cannot be empty.")
        elif item.options and value and value not in {o.value for o in item.options}:
            problems.append(f"{item.label}: please choose one of the options.")
    return values, problems


def form_event(form: Form, values: dict[str, str], actor: str) -> ev.Event:
    if form.id is FormId.KEY_POINTS:
        return ev.StageNote(actor=actor, stage_id=form.value, text=values["text"])
    if form.id is FormId.EVALUATION:
        return ev.SubmitEvaluation(actor=actor, answers=values)
    if form.id is FormId.OVERRIDE:
        return ev.Approve(actor=actor, override_reason=values["reason"])
    return ev.EditRecord(actor=actor, sections=values)


# -- the setup form ------------------------------------------------------------------------

CASE_REFERENCE_MAX = 64
MAX_STAGE_HOURS = 24 * 14


@dataclass
class SetupChoices:
    """What the facilitator chose; kept to fill the form in again after a problem."""

    model_id: str = ""
    case_reference: str = ""
    participant_ids: list[str] = field(default_factory=list)
    lead_id: str = ""
    pacing: str = ev.Pacing.LIVE.value
    stage_hours: str = "24"


def read_setup(data: Mapping[str, str], participant_ids: list[str]) -> SetupChoices:
    return SetupChoices(
        model_id=data.get("model", ""),
        case_reference=data.get("case_reference", "").strip(),
        participant_ids=participant_ids,
        lead_id=data.get("lead", ""),
        pacing=data.get("pacing", ev.Pacing.LIVE.value),
        stage_hours=data.get("stage_hours", "24").strip() or "24",
    )


def setup_problems(
    choices: SetupChoices, catalogue: Catalogue, people: list[RoomPerson], facilitator_id: str
) -> list[str]:
    problems = []
    if catalogue.get(choices.model_id) is None:
        problems.append("Please choose a facilitation model.")
    if not choices.case_reference:
        problems.append("Please give a case reference.")
    elif len(choices.case_reference) > CASE_REFERENCE_MAX:
        problems.append(f"The case reference can be up to {CASE_REFERENCE_MAX} characters.")
    others = {p.id for p in people if p.id != facilitator_id}
    if not set(choices.participant_ids) <= others:
        problems.append("Participants must be people who have joined this room.")
    if choices.lead_id and choices.lead_id not in choices.participant_ids:
        problems.append("The lead professional must be one of the participants you chose.")
    if choices.pacing not in {p.value for p in ev.Pacing}:
        problems.append("Please choose live or over-time pacing.")
    if not choices.stage_hours.isdigit() or not 1 <= int(choices.stage_hours) <= MAX_STAGE_HOURS:
        problems.append(f"Hours per stage must be a whole number from 1 to {MAX_STAGE_HOURS}.")
    return problems


def start_event(
    choices: SetupChoices,
    catalogue: Catalogue,
    people: list[RoomPerson],
    facilitator: RoomPerson,
    session_id: str,
) -> ev.Start:
    model = catalogue.get(choices.model_id)
    assert model is not None, "setup_problems checks the model first"
    chosen = [p for p in people if p.id in choices.participant_ids]
    return ev.Start(
        actor=facilitator.id,
        session_id=session_id,
        model=model,
        facilitator=ev.Person(
            user_id=facilitator.id, name=facilitator.name, agency=facilitator.agency
        ),
        participants=tuple(
            ev.Participant(
                user_id=p.id,
                name=p.name,
                agency=p.agency,
                role=ev.Role.PRESENTER if p.id == choices.lead_id else ev.Role.CONSULTANT,
            )
            for p in chosen
        ),
        case_reference=choices.case_reference,
        pacing=ev.Pacing(choices.pacing),
        stage_hours=int(choices.stage_hours),
    )
