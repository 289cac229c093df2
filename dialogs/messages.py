"""The words and layout of every message the bot sends, as neutral content."""

from __future__ import annotations

from datetime import datetime

from dialogs import captured, setup
from dialogs.actions import scale_value
from dialogs.content import (
    Action,
    ActionId,
    ActionStyle,
    Audience,
    Block,
    BlockStyle,
    Content,
    FieldKind,
    Form,
    FormField,
    FormId,
    Option,
    PersonRef,
)
from dialogs.events import Pacing, Participant, Person, Role
from dialogs.models.schema import Asked, Question, QuestionKind, Stage
from dialogs.record import NOT_DISCUSSED, format_date
from dialogs.state import FINISHED, Phase, QuestionStatus, SessionState
from dialogs.times import clock_time, date_and_time
from dialogs.timing import clock_line, held_open, time_box_words

NO_IDENTIFIERS = "This record holds no child or family identifiers."


def ref(person: Person) -> PersonRef:
    return PersonRef(user_id=person.user_id, name=person.name)


def note(text: str, people: tuple[PersonRef, ...] = ()) -> Block:
    return Block(style=BlockStyle.NOTE, text=text, people=people)


def text(value: str) -> Block:
    return Block(style=BlockStyle.TEXT, text=value)


def heading(value: str) -> Block:
    return Block(style=BlockStyle.HEADING, text=value)


def explanation(message: str) -> Content:
    """A private answer to someone whose action could not be taken."""
    return Content(title="", blocks=(text(message),), summary=message)


def _facilitator_button(
    action: ActionId, label: str, value: str = "", danger: bool = False
) -> Action:
    return Action(
        id=action,
        label=label,
        value=value,
        audience=Audience.FACILITATOR,
        style=ActionStyle.DANGER if danger else ActionStyle.DEFAULT,
    )


# -- the session's root message ------------------------------------------------------------

RECORDER_ROLE = "recorder"


def _recorder_button(state: SessionState) -> Action:
    label = "Change the recorder" if state.recorder else "Choose a recorder"
    return _facilitator_button(ActionId.CHOOSE_RECORDER, label)


def root(state: SessionState) -> Content:
    model = state.model
    roles = model.roles
    people_lines = [f"{state.facilitator.name} — {roles.facilitator}"]
    for p in state.participants:
        role = roles.presenter if p.role is Role.PRESENTER else roles.consultant
        if p.user_id == state.recorder:
            role += f", {RECORDER_ROLE}"
        agency = f", {p.agency}" if p.agency else ""
        agreed = "agreed" if p.user_id in state.agreed else "not yet agreed"
        people_lines.append(f"{p.name}{agency} — {role} ({agreed})")
    pacing = (
        "live: one question at a time"
        if state.pacing is Pacing.LIVE
        else f"over time: each stage stays open for {state.stage_hours} hours"
    )
    declared = f" ({setup.DECLARED})" if state.no_involvement else ""
    blocks = [
        text(f"Case reference: {state.case_reference}"),
        note(f"Facilitator: {state.facilitator.name}{declared} · Pacing: {pacing}"),
        heading("Who is taking part"),
        Block(style=BlockStyle.BULLETS, items=tuple(people_lines)),
        heading("Purpose"),
        Block(style=BlockStyle.BULLETS, items=tuple(model.purposes)),
        heading("Ground rules"),
        Block(style=BlockStyle.NUMBERED, items=setup.ground_rules(state)),
    ]
    if model.opening:
        blocks.append(note(model.opening))
    actions: tuple[Action, ...] = ()
    if state.phase is Phase.GROUND_RULES:
        waiting = tuple(ref(p) for p in state.participants if p.user_id not in state.agreed)
        if waiting:
            blocks.append(
                note("Each participant agrees to the ground rules. Waiting for:", waiting)
            )
        else:
            blocks.append(note("Everyone has agreed. The facilitator can begin."))
        actions = (
            Action(
                id=ActionId.AGREE,
                label="I agree",
                audience=Audience.PARTICIPANTS,
                style=ActionStyle.PRIMARY,
            ),
            Action(
                id=ActionId.BEGIN,
                label="Begin",
                audience=Audience.FACILITATOR,
                style=ActionStyle.PRIMARY,
            ),
            _facilitator_button(ActionId.SEND_PREPARATION, "Send the preparation pack"),
            _recorder_button(state),
        )
    elif state.phase is Phase.CANCELLED:
        blocks.append(note("This session was cancelled."))
    elif state.phase is Phase.PUBLISHED:
        blocks.append(note("This session has finished and its record has been published."))
    else:
        blocks.append(note("The discussion is under way."))
        actions = (_recorder_button(state),)
    return Content(
        title=f"Reflective case discussion: {model.name}",
        blocks=tuple(blocks),
        actions=actions,
        summary=f"A reflective case discussion ({model.name}) for case {state.case_reference}",
    )


# -- questions -----------------------------------------------------------------------------


def asked_words(state: SessionState, question: Question) -> str:
    roles = state.model.roles
    if question.asks is Asked.FACILITATOR:
        return f"Asked of the {roles.facilitator.lower()}"
    if question.asks is Asked.PRESENTER:
        return f"Asked of the {roles.presenter.lower()}"
    if question.asks is Asked.CONSULTANTS:
        return f"Asked of everyone except the {roles.presenter.lower()}"
    return "Asked of every participant"


def _stage_intro(stage: Stage, number: int, count: int, prompts: list[str]) -> list[Block]:
    blocks = [heading(f"Stage {number} of {count}: {stage.title}")]
    if stage.aim:
        blocks.append(text(stage.aim))
    if stage.speakers:
        blocks.append(note(stage.speakers))
    if stage.time_box:
        blocks.append(note(f"Time box: {time_box_words(stage.time_box)}."))
    if stage.offer_prompts and prompts:
        blocks.append(note("Questions the group may draw on:"))
        blocks.append(Block(style=BlockStyle.BULLETS, items=tuple(prompts)))
    return blocks


def question(state: SessionState, question_id: str, now: datetime) -> Content:
    """A question's message; `now` for a timed step's minutes."""
    model = state.model
    asked_state = state.questions[question_id]
    stage_number, stage = next(
        (i, s) for i, s in enumerate(model.stages, 1) if s.id == asked_state.stage_id
    )
    number = next(i for i, q in enumerate(stage.questions, 1) if q.id == question_id)
    item = model.question(question_id)
    blocks: list[Block] = []
    if number == 1:
        blocks.extend(_stage_intro(stage, stage_number, len(model.stages), model.prompts))
    blocks.append(Block(style=BlockStyle.QUOTE, text=item.text))
    blocks.append(note(asked_words(state, item)))
    asked = state.asked(item)
    done = len(state.answered(question_id) & {p.user_id for p in asked})
    waiting = tuple(ref(p) for p in state.waiting_for(question_id))
    progress = f"{done} of {len(asked)} answered"
    actions: list[Action] = []
    if asked_state.status is QuestionStatus.OPEN and state.phase not in FINISHED:
        if item.kind is QuestionKind.SCALE and item.scale:
            scale = item.scale
            labels = " ".join(
                part
                for part in (
                    f"{scale.low} = {scale.low_label}." if scale.low_label else "",
                    f"{scale.high} = {scale.high_label}." if scale.high_label else "",
                )
                if part
            )
            blocks.append(
                note(f"Choose a number, or reply in this thread with a number. {labels}".strip())
            )
            actions.extend(
                Action(
                    id=ActionId.SCALE,
                    label=str(v),
                    value=scale_value(question_id, v),
                    audience=Audience.PARTICIPANTS,
                )
                for v in range(scale.low, scale.high + 1)
            )
        else:
            blocks.append(
                note(
                    "Reply in this message's thread to answer. You can reply more than once: "
                    "every reply is part of your answer, and each can be edited or deleted."
                )
            )
        paused = (
            " Paused by the facilitator: new replies are not recorded until it resumes."
            if state.paused_at
            else ""
        )
        held = " This step stays open until the facilitator moves on." if held_open(state) else ""
        if waiting:
            blocks.append(note(f"{progress}.{paused}{held} Waiting for:", waiting))
        else:
            blocks.append(note(f"{progress} — everyone has answered.{paused}{held}"))
        clock = clock_line(state, now)
        if clock:
            blocks.append(note(clock))
        # Each control carries the question it is shown on: a press that arrives after the
        # discussion has moved on (a replay, a second click) is refused, not applied again.
        if state.paused_at:
            actions.append(_facilitator_button(ActionId.RESUME, "Resume", question_id))
        else:
            actions.append(_facilitator_button(ActionId.NEXT, "Next", question_id))
            actions.append(_facilitator_button(ActionId.SKIP, "Skip", question_id))
            actions.append(_facilitator_button(ActionId.PAUSE, "Pause", question_id))
        actions.append(
            _facilitator_button(ActionId.END, "End discussion", question_id, danger=True)
        )
    elif asked_state.status is QuestionStatus.SKIPPED:
        blocks.append(note(f"Skipped by the facilitator ({progress})."))
    else:
        blocks.append(note(f"Closed — {progress}."))
    return Content(
        title=f"{stage.title} · {number} of {len(stage.questions)}",
        blocks=tuple(blocks),
        actions=tuple(actions),
        summary=item.text,
    )


# -- stage key points ----------------------------------------------------------------------


def stage_noted(state: SessionState, stage: Stage) -> bool:
    """Whether the facilitator has answered the stage's key-points form."""
    fields = state.model.stage_fields(stage.id)
    return (not stage.key_points_prompt or stage.id in state.stage_notes) and all(
        item.id in state.captured for item in fields
    )


def has_stage_form(state: SessionState, stage: Stage) -> bool:
    """Whether the facilitator is asked for key points or fields when the stage ends."""
    return bool(stage.key_points_prompt or state.model.stage_fields(stage.id))


def key_points(state: SessionState, stage: Stage) -> Content:
    fields = state.model.stage_fields(stage.id)
    noted = stage_noted(state, stage)
    blocks = [text(stage.key_points_prompt)] if stage.key_points_prompt else []
    actions: tuple[Action, ...] = ()
    if noted:
        written = state.stage_notes.get(stage.id)
        if written:
            blocks.append(Block(style=BlockStyle.QUOTE, text=written))
        for item in fields:
            value = captured.shown(item, state.captured.get(item.id, ""))
            blocks.append(note(item.label))
            blocks.append(Block(style=BlockStyle.QUOTE, text=value or NOT_DISCUSSED))
    else:
        if fields:
            blocks.append(note("For the record:"))
            blocks.append(Block(style=BlockStyle.BULLETS, items=tuple(f.label for f in fields)))
        recorder = state.recorder_person
        blocks.append(
            note(
                (
                    "The facilitator summarises the key points of this stage."
                    if stage.key_points_prompt
                    else "The facilitator writes these down for the record."
                )
                + (f" {recorder.name}, the {RECORDER_ROLE}, writes them down." if recorder else "")
            )
        )
        actions = (
            Action(
                id=ActionId.KEY_POINTS,
                label="Write key points",
                value=stage.id,
                audience=Audience.WRITERS,
                style=ActionStyle.PRIMARY,
            ),
        )
    return Content(
        title=f"Key points: {stage.title}",
        blocks=tuple(blocks),
        actions=actions,
        summary=f"Key points of {stage.title}",
    )


def key_points_form(state: SessionState, stage: Stage) -> Form:
    """The key points, if the stage asks for them, and the fields asked after it."""
    fields = [
        captured.form_field(item, state.captured.get(item.id, ""))
        for item in state.model.stage_fields(stage.id)
    ]
    if stage.key_points_prompt:
        fields.insert(
            0,
            FormField(
                id="text",
                label="Key points",
                initial=state.stage_notes.get(stage.id, ""),
                hint="No names, dates of birth or addresses of the child or family.",
                optional=False,
            ),
        )
    prompt = stage.key_points_prompt or (
        "What the record needs from this stage. No names, dates of birth or addresses of the "
        "child or family."
    )
    return Form(
        id=FormId.KEY_POINTS,
        title="Key points",
        value=stage.id,
        intro=f"{stage.title}: {prompt}",
        fields=tuple(fields),
        submit_label="Save key points",
    )


# -- the record ----------------------------------------------------------------------------


def record_ready(state: SessionState) -> Content:
    if state.phase is Phase.PUBLISHED:
        where = (
            "published below"
            if state.model.record.posted_to_channel
            else "sent to each participant"
        )
        return explanation(f"The record has been approved and {where}.")
    recorder = state.recorder_person
    writer = (
        f"{recorder.name}, the {RECORDER_ROLE}, is writing up the draft record and the "
        "facilitator approves it"
        if recorder
        else "The facilitator is reviewing the draft record"
    )
    shared = "shared here" if state.model.record.posted_to_channel else "sent to each of you"
    return Content(
        title="The discussion is complete",
        blocks=(
            text(
                f"Thank you all. {writer}; it will be {shared} once approved. Until then you can "
                "still edit or delete your replies."
            ),
            *confirmation_progress(state),
        ),
        actions=(
            Action(
                id=ActionId.EDIT_RECORD,
                label="Review the draft record",
                audience=Audience.WRITERS,
                style=ActionStyle.PRIMARY,
            ),
        ),
        summary="The discussion is complete; the record is being drafted.",
    )


# -- participants confirm the draft (models that ask for it) --------------------------------


def _names(people: list[Participant]) -> str:
    return ", ".join(p.name for p in people)


def confirmation_progress(state: SessionState) -> list[Block]:
    """Who has confirmed the draft and who has not, for the facilitator and the group."""
    if not state.model.record.confirmed_by_participants or state.record is None:
        return []
    if state.record.asked_revision is None:
        # True before the participants are asked and after: asking them does not redraw it (each
        # is sent the draft, and the facilitator's preview shows who has confirmed).
        return [
            note("Each participant is asked privately to confirm the draft before it is published.")
        ]
    if not state.record.confirmation_asked:
        return [
            note(
                "The draft has changed since the participants were asked to confirm it, so "
                "their confirmations no longer count; the facilitator asks again."
            )
        ]
    confirmed, waiting = state.confirmed_by, state.confirmation_waiting
    blocks = []
    if confirmed:
        blocks.append(note(f"Confirmed the draft: {_names(confirmed)}."))
    if waiting:
        blocks.append(
            note("Asked to confirm the draft; not yet confirmed:", tuple(ref(p) for p in waiting))
        )
    else:
        blocks.append(note("Every participant has confirmed the draft."))
    return blocks


def confirmation_line(state: SessionState) -> str:
    """What the record says of the confirmation: only the names of those who confirmed."""
    if not state.model.record.confirmed_by_participants:
        return ""
    confirmed = state.confirmed_by
    count = len(state.participants)
    if not confirmed:
        return f"No participant confirmed the draft (the {count} participants were asked)."
    return f"Confirmed by: {_names(confirmed)} ({len(confirmed)} of {count} participants)."


def confirmation_request(state: SessionState) -> Content:
    """The draft, sent privately to each participant to confirm."""
    assert state.record is not None
    facilitator = state.facilitator.name
    return Content(
        title=f"Please confirm the draft: {state.model.record.title}",
        blocks=(
            text(
                f"{facilitator}, the facilitator, asks you to confirm that this draft is a true "
                "record of the discussion. Only the participants see it; nothing is published "
                f"until {facilitator} approves it."
            ),
            *record_body(state),
            note(
                f"If something should change, tell {facilitator} rather than confirming. Once "
                "the draft is edited, every confirmation is set aside and you are sent the new "
                "draft to confirm."
            ),
        ),
        actions=(
            Action(
                id=ActionId.CONFIRM_RECORD,
                label="I confirm this record",
                value=str(state.record.revision),
                audience=Audience.PARTICIPANTS,
                style=ActionStyle.PRIMARY,
            ),
        ),
        summary="Please confirm the draft record of the reflective discussion",
    )


def confirmed_draft(state: SessionState, at: datetime) -> Content:
    """A participant's private copy of the draft once they have confirmed it: in place of the
    one they pressed, without its button."""
    assert state.record is not None
    facilitator = state.facilitator.name
    return Content(
        title=f"You confirmed the draft: {state.model.record.title}",
        blocks=(
            text(
                f"You confirmed this draft at {clock_time(at)}. Thank you. Nothing more is "
                f"needed from you: {facilitator}, the facilitator, approves and publishes the "
                "record."
            ),
            *record_body(state),
            note(
                f"If something should still change, tell {facilitator}. Once the draft is "
                "edited, every confirmation is set aside and you are sent the new draft to "
                "confirm."
            ),
        ),
        summary="You confirmed the draft record. Thank you.",
    )


# -- the recorder ---------------------------------------------------------------------------


def recorder_welcome(state: SessionState) -> str:
    facilitator = state.facilitator.name
    return (
        f"{facilitator} has asked you to record this discussion: after each stage you write its "
        "key points (Write key points), and at the end you review and edit the draft record "
        f"(Review the draft record). {facilitator} approves and publishes it."
    )


def recorder_form(state: SessionState) -> Form:
    return Form(
        id=FormId.RECORDER,
        title="Recorder",
        intro=(
            "The recorder writes each stage's key points and the record; you still approve and "
            "publish it. Leave it empty to write them yourself."
        ),
        fields=(
            FormField(
                id="recorder",
                label="Recorder",
                kind=FieldKind.PERSON,
                initial=state.recorder or "",
                options=tuple(
                    Option(value=p.user_id, label=f"{p.name} ({p.agency})" if p.agency else p.name)
                    for p in state.participants
                ),
            ),
        ),
        submit_label="Save",
    )


ACTION_FIELD = "agreed-action-{number}-{part}"
MAX_ACTIONS = 10
BLANK_ACTION_ROWS = 3


def action_field(number: int, part: str) -> str:
    return ACTION_FIELD.format(number=number, part=part)


def _action_fields(state: SessionState) -> list[FormField]:
    assert state.record is not None
    owners = tuple(
        Option(value=p.user_id, label=f"{p.name} ({p.agency})") for p in state.participants
    )
    rows = min(MAX_ACTIONS, len(state.record.actions) + BLANK_ACTION_ROWS)
    fields = []
    for number in range(1, rows + 1):
        action = state.record.actions[number - 1] if number <= len(state.record.actions) else None
        fields += [
            FormField(
                id=action_field(number, "text"),
                label=f"Action {number}",
                kind=FieldKind.LINE,
                initial=action.text if action else "",
                hint="Leave empty if not needed." if number == 1 else "",
                max_length=500,
            ),
            FormField(
                id=action_field(number, "owner"),
                label=f"Action {number}: owner",
                kind=FieldKind.PERSON,
                initial=action.owner if action else "",
                options=owners,
            ),
            FormField(
                id=action_field(number, "review"),
                label=f"Action {number}: review date",
                kind=FieldKind.DATE,
                initial=action.review_on.isoformat() if action else "",
                hint="The owner is reminded privately on this day.",
            ),
        ]
    return fields


def record_form(state: SessionState) -> Form:
    assert state.record is not None
    return Form(
        id=FormId.RECORD,
        title="Edit the record",
        intro=(
            f"{state.model.record.title}. Edit each section; you will see a preview before "
            "anything is shared. Remove anything that could identify the child or family."
            + (
                " Already taken out of the draft: " + "; ".join(state.record.redactions) + "."
                if state.record.redactions
                else ""
            )
        ),
        fields=tuple(
            FormField(
                id=section.id,
                label=section.title,
                initial=state.record.sections.get(section.id, ""),
                max_length=20000,
            )
            for section in state.model.record.sections
        )
        # Fields attached to no stage are asked here; what they fill is drafted on saving.
        + tuple(
            captured.form_field(item, state.captured.get(item.id, ""))
            for item in state.model.record_form_fields
        )
        + (tuple(_action_fields(state)) if state.model.record.tracks_actions else ()),
        submit_label="Preview",
    )


def record_body(state: SessionState) -> list[Block]:
    assert state.record is not None
    recorder = state.recorder_person
    recorded = f" · {RECORDER_ROLE} {recorder.name}" if recorder else ""
    blocks = [
        note(
            f"{state.model.name} · held {format_date(state)} · "
            f"facilitator {state.facilitator.name}{recorded} · case {state.case_reference}"
        ),
        Block(
            style=BlockStyle.BULLETS,
            items=tuple(f"{label}: {value}" for label, value in setup.record_details(state)),
        ),
    ]
    for section in state.model.record.sections:
        blocks.append(heading(section.title))
        body = state.record.sections.get(section.id, "").strip()
        blocks.append(Block(style=BlockStyle.QUOTE, text=body or NOT_DISCUSSED))
    if state.record.actions:
        blocks.append(heading("Actions, owners and review dates"))
        blocks.append(Block(style=BlockStyle.BULLETS, items=tuple(action_lines(state))))
    return blocks


def action_lines(state: SessionState) -> list[str]:
    assert state.record is not None
    lines = []
    for action in state.record.actions:
        owner = state.person(action.owner)
        done = " (done)" if action.done else ""
        lines.append(
            f"{action.text} — {owner.name if owner else action.owner}, "
            f"review {action.review_on:%d %B %Y}{done}"
        )
    return lines


def action_reminder(state: SessionState, index: int) -> Content:
    assert state.record is not None
    action = state.record.actions[index]
    return Content(
        title="An agreed action is due for review",
        blocks=(
            Block(style=BlockStyle.QUOTE, text=action.text),
            note(
                f"Agreed at a {state.model.name} held {format_date(state)} "
                f"(case {state.case_reference}); review date {action.review_on:%d %B %Y}."
            ),
        ),
        actions=(
            Action(
                id=ActionId.ACTION_DONE,
                label="Mark as done",
                value=str(index),
                audience=Audience.PARTICIPANTS,
                style=ActionStyle.PRIMARY,
            ),
        ),
        summary="An agreed action is due for review",
    )


def _redactions_note(state: SessionState) -> list[Block]:
    assert state.record is not None
    if not state.record.redactions:
        return []
    return [
        note("Taken out of the draft because they looked like identifiers:"),
        Block(style=BlockStyle.BULLETS, items=tuple(state.record.redactions)),
    ]


def record_preview(state: SessionState, *, approves: bool = True, news: str = "") -> Content:
    """The draft as it will be published, privately. `approves`: for the facilitator, with the
    buttons to ask for confirmation and approve; otherwise for the recorder, to edit again.
    `news`: what has just happened, above the draft (one private message, not two)."""
    assert state.record is not None
    flagged = state.record.flagged
    blocks = [*([note(news)] if news else []), *record_body(state), *_redactions_note(state)]
    empty = [
        section.title
        for section in state.model.record.sections
        if not state.record.sections.get(section.id, "").strip()
    ]
    if empty:
        blocks.append(
            note(
                f"Still empty, so the record will say “{NOT_DISCUSSED}”: {', '.join(empty)}. "
                "Choose Edit again to fill them."
            )
        )
    approve = Action(
        id=ActionId.APPROVE,
        label="Approve and publish",
        audience=Audience.FACILITATOR,
        style=ActionStyle.PRIMARY,
    )
    if flagged:
        blocks.append(
            Block(
                style=BlockStyle.TEXT,
                text="This record still seems to contain identifiers. Edit it to take them out, "
                "or publish anyway and say why:",
            )
        )
        blocks.append(
            Block(
                style=BlockStyle.BULLETS,
                items=tuple(f"{title}: {found}" for title, found in flagged.items()),
            )
        )
        approve = _facilitator_button(ActionId.PUBLISH_ANYWAY, "Publish anyway…", danger=True)
    blocks.extend(confirmation_progress(state))
    edit = Action(id=ActionId.EDIT_RECORD, label="Edit again", audience=Audience.WRITERS)
    if not approves:
        blocks.append(
            note(
                f"Only you can see this preview. {state.facilitator.name}, the facilitator, has "
                "been sent it to approve and publish."
            )
        )
        return Content(
            title=f"Preview: {state.model.record.title}",
            blocks=tuple(blocks),
            actions=(edit,),
            summary="Preview of the record",
        )
    if state.model.record.confirmed_by_participants and not state.record.confirmation_asked:
        blocks.append(
            note(
                "This model asks the participants to confirm the draft before it is published. "
                "Each is sent it privately; you can approve once they have been asked, and the "
                "record names only those who confirmed."
            )
        )
        approve = Action(
            id=ActionId.ASK_CONFIRMATION,
            label="Ask participants to confirm",
            audience=Audience.FACILITATOR,
            style=ActionStyle.PRIMARY,
        )
    recorder = state.recorder_person
    if recorder:
        blocks.append(note(f"Written by {recorder.name}, the {RECORDER_ROLE}."))
    blocks.append(note("Only you can see this preview. Nothing is shared until you approve it."))
    return Content(
        title=f"Preview: {state.model.record.title}",
        blocks=tuple(blocks),
        actions=(approve, edit),
        summary="Preview of the record",
    )


def override_form(state: SessionState) -> Form:
    assert state.record is not None
    found = "; ".join(f"{title}: {what}" for title, what in state.record.flagged.items())
    return Form(
        id=FormId.OVERRIDE,
        title="Publish anyway",
        intro=f"The guard still finds {found}. Your reason is kept in the audit log.",
        fields=(
            FormField(
                id="reason",
                label="Why is it right to publish this record as it is?",
                optional=False,
                max_length=1000,
                hint="For example: the flagged words are an agency's name, not a person's.",
            ),
        ),
        submit_label="Publish",
    )


def published_record(state: SessionState) -> Content:
    confirmed = confirmation_line(state)
    return Content(
        title=state.model.record.title,
        blocks=(
            *record_body(state),
            note(
                f"Approved by {state.facilitator.name}. "
                + (f"{confirmed} " if confirmed else "")
                + NO_IDENTIFIERS
            ),
        ),
        summary=f"The record of the reflective discussion ({state.model.name})",
    )


def record_sent_privately(state: SessionState) -> Content:
    """In the channel, for a model whose record is not posted there."""
    confirmed = confirmation_line(state)
    return Content(
        title=state.model.record.title,
        blocks=(
            text(
                f"The record has been approved by {state.facilitator.name} and sent privately "
                "to each participant, as this model asks." + (f" {confirmed}" if confirmed else "")
            ),
        ),
        summary="The record has been approved and sent to each participant",
    )


def learning_themes(state: SessionState, section_id: str) -> Content:
    """For the learning lead: the model, the date and the themes only — no case reference."""
    assert state.record is not None
    model = state.model
    audience = (
        f" for the {model.record.learning_audience}" if model.record.learning_audience else ""
    )
    return Content(
        title=f"Learning themes{audience}",
        blocks=(
            note(f"From a {model.name} held {format_date(state)}."),
            Block(style=BlockStyle.QUOTE, text=state.record.sections.get(section_id, "")),
        ),
        summary="Learning themes from a reflective case discussion",
    )


def learning_not_sent(state: SessionState) -> Content:
    """For the facilitator, at publication: the themes reached nobody, and what happens now."""
    assert state.record is not None and state.model.record.learning_section
    named = state.model.record.learning_audience
    audience = f"the {named}" if named else "the learning lead"
    themes = state.record.sections.get(state.model.record.learning_section, "")
    learning = state.learning
    if learning is not None and learning.refused:
        why = (
            f"The learning channel for {audience} refused the learning themes of this record "
            f"({learning.refused}), so they reached no one."
        )
        fix = "to check that reflectbot is a member of that channel"
    else:
        why = (
            f"No learning channel is set up for {audience}, so the learning themes of this "
            "record were not sent to anyone."
        )
        fix = "to set up a learning channel"
    return Content(
        title="The learning themes were not sent",
        blocks=(
            text(
                f"{why} They are kept with the record and listed as not delivered in the "
                f"learning report. Please share them with {audience} yourself, and ask whoever "
                f"runs reflectbot {fix}."
            ),
            Block(style=BlockStyle.QUOTE, text=themes),
        ),
        summary="The learning themes were not sent: no learning channel is set up",
    )


# -- evaluation ----------------------------------------------------------------------------


def evaluation_invitation(state: SessionState) -> Content:
    return Content(
        title="How was the reflective discussion?",
        blocks=(
            text(
                f"The record of the {state.model.name} you took part in has been published. "
                f"Please answer {len(state.model.evaluation)} short questions about the session. "
                "Your answers are stored without your name and only reported together."
            ),
        ),
        actions=(
            Action(
                id=ActionId.EVALUATE,
                label="Answer the evaluation",
                audience=Audience.PARTICIPANTS,
                style=ActionStyle.PRIMARY,
            ),
        ),
        summary="Please evaluate the reflective discussion",
    )


def evaluation_form(state: SessionState) -> Form:
    fields = []
    for item in state.model.evaluation:
        if item.kind is QuestionKind.SCALE and item.scale:
            scale = item.scale
            fields.append(
                FormField(
                    id=item.id,
                    label=item.text,
                    kind=FieldKind.CHOICE,
                    options=tuple(
                        Option(value=str(v), label=str(v)) for v in range(scale.low, scale.high + 1)
                    ),
                    hint=" ".join(
                        part
                        for part in (
                            f"{scale.low} = {scale.low_label}" if scale.low_label else "",
                            f"{scale.high} = {scale.high_label}" if scale.high_label else "",
                        )
                        if part
                    ),
                )
            )
        else:
            fields.append(FormField(id=item.id, label=item.text, max_length=3000))
    return Form(
        id=FormId.EVALUATION,
        title="Evaluation",
        intro="Stored without your name. Every question is optional.",
        fields=tuple(fields),
        submit_label="Send",
    )


# -- scheduling ----------------------------------------------------------------------------


def when(state: SessionState) -> str:
    return date_and_time(state.scheduled_for or state.created_at)


# -- status --------------------------------------------------------------------------------

_PHASE_WORDS = {
    Phase.SCHEDULED: "scheduled",
    Phase.GROUND_RULES: "waiting for everyone to agree to the ground rules",
    Phase.RUNNING: "under way",
    Phase.RECORD_DRAFT: "over; the facilitator is reviewing the draft record",
    Phase.AWAITING_APPROVAL: "over; the record is waiting for the facilitator's approval",
    Phase.PUBLISHED: "finished; its record has been published",
    Phase.CANCELLED: "cancelled",
}


def status(state: SessionState | None) -> Content:
    """Where the session of a channel is: for `status` commands on every platform."""
    if state is None:
        return explanation("No session is running in this channel.")
    phase = _PHASE_WORDS[state.phase]
    if state.phase is Phase.SCHEDULED:
        phase = f"scheduled for {when(state)}"
    blocks = [
        text(f"Case reference: {state.case_reference}"),
        note(f"Facilitator: {state.facilitator.name}"),
        text(f"The discussion is {phase}."),
    ]
    stage = state.stage
    if state.phase is Phase.RUNNING and stage is not None:
        blocks.append(
            text(f"Stage {state.stage_index + 1} of {len(state.model.stages)}: {stage.title}.")
        )
        for question in state.open_questions:
            waiting = tuple(ref(p) for p in state.waiting_for(question.id))
            if waiting:
                asked = state.model.question(question.id).text
                blocks.append(note(f"“{asked}” is waiting for:", waiting))
        if state.awaiting_key_points:
            blocks.append(note("The facilitator is writing the stage's key points."))
        if state.paused_at:
            blocks.append(note("Paused by the facilitator."))
    return Content(
        title=f"Status: {state.model.name}", blocks=tuple(blocks), summary="Session status"
    )


# -- agreed actions ------------------------------------------------------------------------


def open_actions(states: list[SessionState], user_id: str) -> Content:
    """For one person: the agreed actions not yet done that are theirs to follow, session by
    session: every open action of the sessions they facilitated, and the ones they own in the
    others."""
    blocks: list[Block] = []
    chaired = False
    for state in states:
        if state.record is None:
            continue
        facilitator = state.facilitator.user_id == user_id
        chaired = chaired or facilitator
        lines = [
            line
            for action, line in zip(state.record.actions, action_lines(state), strict=True)
            if not action.done and (facilitator or action.owner == user_id)
        ]
        if lines:
            blocks.append(heading(f"Case {state.case_reference}: {state.model.name}"))
            blocks.append(note(f"Held {format_date(state)}"))
            blocks.append(Block(style=BlockStyle.BULLETS, items=tuple(lines)))
    if not blocks:
        blocks.append(
            text(
                "Every agreed action of the sessions you facilitated here is done, "
                "and no action of yours is open."
                if chaired
                else "No agreed action of yours is open here."
            )
        )
    return Content(title="Open agreed actions", blocks=tuple(blocks), summary="Open agreed actions")
