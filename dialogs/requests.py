"""Asking for a reflective discussion (the Moray procedure's procedure): request -> screening ->
a facilitator with no involvement in the case. Pure, like the engine: state + event -> effects.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dialogs import messages
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
)
from dialogs.effects import AuditNote, Destination, DirectMessage, Effect, Ephemeral, Post, Update
from dialogs.events import Person, Start
from dialogs.guard import Finding, find_identifiers, redact
from dialogs.record import describe

SCREENING_POST = "request"


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


URGENCY_WORDS = {
    Urgency.ROUTINE: "Routine",
    Urgency.SOON: "Within two weeks",
    Urgency.URGENT: "Urgent",
}


# The steps the Moray procedure puts before a request (3.1), asked on the request form.
BEFORE_REQUEST = {
    "single_agency_supervision": "Case is explored in single agency supervision: it is discussed "
    "with line manager/child protection lead.",
    "second_line_manager": "The practitioner/their first line manager discuss and agree the need "
    "for an RCD with second line manager.",
    "team_alerted": "The practitioner alerts the Team around the Child that a RCD has been "
    "requested.",
}
# What the screener weighs (3.2): "the Reviewing Team will screen the request in terms of
# suitability, particularly in the light of criteria for Multiagency Escalation, Learning
# Reviews, and Child Protection Procedures".
SCREENING_CRITERIA = {
    "multiagency_escalation": "Multiagency Escalation",
    "learning_review": "Learning Reviews",
    "child_protection": "Child Protection Procedures",
}
YES, NO = "yes", "no"


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for a screener
    ASSIGNED = "assigned"  # a facilitator is asked to confirm they are not involved
    CONFIRMED = "confirmed"  # the facilitator can set up the session
    STARTED = "started"  # the facilitator set up the session from it
    DECLINED = "declined"


class RequestState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    requester: Person
    case_reference: str
    agencies: str
    why_stuck: str
    urgency: Urgency
    status: RequestStatus = RequestStatus.SUBMITTED
    created_at: datetime
    screener: str | None = None
    facilitator: Person | None = None
    # Facilitators who said they are involved in the case, so are not asked again.
    involved: list[str] = Field(default_factory=list)
    decline_reason: str = ""
    # The steps taken before the request (BEFORE_REQUEST ids), as the requester said.
    steps_taken: list[str] = Field(default_factory=list)
    # The screening criteria (SCREENING_CRITERIA ids) the screener found to apply.
    criteria: list[str] = Field(default_factory=list)
    session_id: str = ""  # the session set up from it


class RequestEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: str


class SubmitRequest(RequestEvent):
    type: Literal["submit_request"] = "submit_request"
    request_id: str
    requester: Person
    case_reference: str = Field(min_length=1, max_length=64)
    agencies: str = Field(min_length=1, max_length=500)
    why_stuck: str = Field(min_length=1, max_length=4000)
    urgency: Urgency = Urgency.ROUTINE
    steps_taken: tuple[str, ...] = ()


class Screening(RequestEvent):
    # The screening criteria that apply, by id.
    criteria: tuple[str, ...] = ()


class AcceptRequest(Screening):
    """A screener accepts and names the facilitator."""

    type: Literal["accept_request"] = "accept_request"
    facilitator: Person


class DeclineRequest(Screening):
    type: Literal["decline_request"] = "decline_request"
    reason: str = Field(min_length=1, max_length=1000)


class SessionSetUp(RequestEvent):
    """The facilitator set up the session from the request."""

    type: Literal["session_set_up"] = "session_set_up"
    session_id: str


class ConfirmFacilitation(RequestEvent):
    """The assigned facilitator answers: are they free of any involvement in the case?"""

    type: Literal["confirm_facilitation"] = "confirm_facilitation"
    no_involvement: bool


@dataclass
class RequestStep:
    state: RequestState | None
    effects: list[Effect] = field(default_factory=list)


def _tell(user_id: str, text: str) -> Ephemeral:
    """For the requester, who is in the conversation the request was made in."""
    return Ephemeral(user_id=user_id, content=messages.explanation(text))


def _tell_directly(user_id: str, text: str) -> DirectMessage:
    """For screeners and facilitators, who need not be in the requester's conversation."""
    return DirectMessage(user_id=user_id, content=messages.explanation(text))


def step_request(state: RequestState | None, event: RequestEvent, now: datetime) -> RequestStep:
    if isinstance(event, SubmitRequest):
        return _submit(event, now)
    if state is None:
        raise ValueError("no request to apply the event to")
    s = copy.deepcopy(state)
    effects: list[Effect] = []
    if isinstance(event, AcceptRequest | DeclineRequest):
        if s.status is not RequestStatus.SUBMITTED:
            return RequestStep(
                state, [_tell_directly(event.actor, "This request has already been screened.")]
            )
        s.screener = event.actor
        s.criteria = [c for c in SCREENING_CRITERIA if c in event.criteria]
        if isinstance(event, DeclineRequest):
            s.status = RequestStatus.DECLINED
            s.decline_reason = event.reason.strip()
            effects.append(
                DirectMessage(
                    user_id=s.requester.user_id,
                    content=messages.explanation(
                        f"Your request for a reflective discussion (case {s.case_reference}) was "
                        f"not taken forward. The screener's reason: {s.decline_reason}"
                    ),
                )
            )
            effects.append(
                AuditNote(action=f"declined a request; {criteria_words(s)}", actor=event.actor)
            )
        else:
            if event.facilitator.user_id == s.requester.user_id:
                return RequestStep(
                    state,
                    [
                        _tell_directly(
                            event.actor,
                            f"{s.requester.name} asked for this discussion, so is involved in the "
                            "case and cannot facilitate it. Please choose someone with no "
                            "involvement.",
                        )
                    ],
                )
            if event.facilitator.user_id in s.involved:
                return RequestStep(
                    state,
                    [
                        _tell_directly(
                            event.actor, "That person said they are involved in the case."
                        )
                    ],
                )
            s.status = RequestStatus.ASSIGNED
            s.facilitator = event.facilitator
            effects.append(
                DirectMessage(user_id=event.facilitator.user_id, content=facilitation_ask(s))
            )
            effects.append(
                AuditNote(action=f"accepted a request; {criteria_words(s)}", actor=event.actor)
            )
    elif isinstance(event, ConfirmFacilitation):
        if s.status is not RequestStatus.ASSIGNED or s.facilitator is None:
            return RequestStep(
                state, [_tell_directly(event.actor, "Nothing is waiting for your answer.")]
            )
        if event.actor != s.facilitator.user_id:
            return RequestStep(
                state, [_tell_directly(event.actor, "Only the facilitator asked can answer this.")]
            )
        if event.no_involvement:
            s.status = RequestStatus.CONFIRMED
            effects.append(
                DirectMessage(
                    user_id=s.requester.user_id,
                    content=messages.explanation(
                        f"Your request (case {s.case_reference}) was accepted. "
                        f"{s.facilitator.name} will facilitate and will invite you."
                    ),
                )
            )
            effects.append(
                _tell_directly(
                    event.actor,
                    "Thank you. Start the session in the team's channel: its setup is filled in "
                    f"from this request (case {s.case_reference}), and your answer here stands "
                    "as your declaration of no involvement in the case.",
                )
            )
            effects.append(
                AuditNote(action="confirmed no involvement in the case", actor=event.actor)
            )
        else:
            s.involved.append(event.actor)
            s.status = RequestStatus.SUBMITTED
            s.facilitator = None
            effects.append(AuditNote(action="declined to facilitate (involved)", actor=event.actor))
    elif isinstance(event, SessionSetUp):
        s.status = RequestStatus.STARTED
        s.session_id = event.session_id
        effects.append(
            AuditNote(action=f"session {event.session_id} set up from it", actor=event.actor)
        )
    else:
        raise TypeError(f"not a request event: {type(event).__name__}")
    effects.append(Update(key=SCREENING_POST, content=screening_card(s)))
    return RequestStep(s, effects)


def _submit(event: SubmitRequest, now: datetime) -> RequestStep:
    # Nothing identifying may reach the screening channel. As with answers, what looks like an
    # identifier is taken out (shown as "[… removed]") and the requester is told privately what
    # kind it was, never the identifier itself.
    found: list[Finding] = []

    def clean(text: str) -> str:
        findings = find_identifiers(text)
        found.extend(findings)
        return redact(text, findings).strip() if findings else text.strip()

    case_reference, agencies, why_stuck = (
        clean(event.case_reference),
        clean(event.agencies),
        clean(event.why_stuck),
    )
    warnings = (
        [
            _tell(
                event.actor,
                f"Your request seemed to contain {describe(found)}. Requests must not identify "
                "the child or family, so it was taken out before the request went to screening "
                "(shown as “[… removed]”).",
            )
        ]
        if found
        else []
    )
    state = RequestState(
        id=event.request_id,
        requester=event.requester,
        case_reference=case_reference,
        agencies=agencies,
        why_stuck=why_stuck,
        urgency=event.urgency,
        created_at=now,
        steps_taken=[step for step in BEFORE_REQUEST if step in event.steps_taken],
    )
    return RequestStep(
        state,
        [
            Post(
                key=SCREENING_POST, content=screening_card(state), destination=Destination.SCREENING
            ),
            _tell(
                event.actor,
                "Your request has been sent for screening. You will be told privately whether it "
                "is accepted.",
            ),
            *warnings,
            AuditNote(action="requested a reflective discussion", actor=event.actor),
        ],
    )


# -- content -------------------------------------------------------------------------------


def screening_card(s: RequestState) -> Content:
    status = {
        RequestStatus.SUBMITTED: "Waiting for screening.",
        RequestStatus.ASSIGNED: f"Accepted; {s.facilitator.name if s.facilitator else ''} is asked "
        "to confirm they have no involvement in the case.",
        RequestStatus.CONFIRMED: f"Accepted; {s.facilitator.name if s.facilitator else ''} will "
        "facilitate.",
        RequestStatus.STARTED: f"Accepted; {s.facilitator.name if s.facilitator else ''} has set "
        "up the session.",
        RequestStatus.DECLINED: f"Declined: {s.decline_reason}",
    }[s.status]
    screened = () if s.screener is None else (messages.note(f"Screening: {criteria_words(s)}."),)
    actions: tuple[Action, ...] = ()
    if s.status is RequestStatus.SUBMITTED:
        actions = (
            Action(
                id=ActionId.SCREEN_ACCEPT, label="Accept…", value=s.id, style=ActionStyle.PRIMARY
            ),
            Action(
                id=ActionId.SCREEN_DECLINE, label="Decline…", value=s.id, style=ActionStyle.DANGER
            ),
        )
    return Content(
        title="Request for a reflective case discussion",
        blocks=(
            messages.text(f"Case reference: {s.case_reference}"),
            messages.note(f"Requested by {s.requester.name} · Urgency: {URGENCY_WORDS[s.urgency]}"),
            messages.heading("Agencies involved"),
            messages.text(s.agencies),
            messages.heading("Why the case feels stuck"),
            Block(style=BlockStyle.QUOTE, text=s.why_stuck),
            messages.heading("Before the request"),
            Block(style=BlockStyle.BULLETS, items=steps_lines(s)),
            *screened,
            messages.note(status),
        ),
        actions=actions,
        summary=f"Request for a reflective case discussion ({URGENCY_WORDS[s.urgency]})",
    )


def steps_lines(s: RequestState) -> tuple[str, ...]:
    return tuple(
        f"{'Done' if step in s.steps_taken else 'Not yet'}: {words}"
        for step, words in BEFORE_REQUEST.items()
    )


def criteria_words(s: RequestState) -> str:
    """Which screening criteria apply, as the screener recorded them (for the audit log too)."""
    applying = [SCREENING_CRITERIA[c] for c in s.criteria]
    if not applying:
        return "no criteria apply (" + ", ".join(SCREENING_CRITERIA.values()) + ")"
    return "criteria that apply: " + ", ".join(applying)


def facilitation_ask(s: RequestState) -> Content:
    return Content(
        title="Will you facilitate a reflective case discussion?",
        blocks=(
            messages.text(
                f"A reflective discussion was requested for case {s.case_reference} "
                f"({s.agencies}). The facilitator must have no involvement in the case."
            ),
            Block(style=BlockStyle.QUOTE, text=s.why_stuck),
        ),
        actions=(
            Action(
                id=ActionId.CONFIRM_NOT_INVOLVED,
                label="I have no involvement: I will facilitate",
                value=s.id,
                audience=Audience.EVERYONE,
                style=ActionStyle.PRIMARY,
            ),
            Action(
                id=ActionId.CONFIRM_INVOLVED,
                label="I am involved in this case",
                value=s.id,
                audience=Audience.EVERYONE,
            ),
        ),
        summary="Will you facilitate a reflective case discussion?",
    )


def request_form() -> Form:
    return Form(
        id=FormId.REQUEST,
        title="Ask for a discussion",
        intro="A screener reads your request. Describe the case without names, dates of birth, "
        "addresses or numbers.",
        fields=(
            FormField(
                id="case_reference",
                label="Case reference",
                kind=FieldKind.LINE,
                optional=False,
                max_length=64,
                hint="A pseudonymous code, never the child's name.",
            ),
            FormField(
                id="agencies",
                label="Agencies involved",
                kind=FieldKind.LINE,
                optional=False,
                max_length=500,
                hint="For example: social work, police, health visiting, school.",
            ),
            FormField(
                id="why_stuck",
                label="Why does the case feel stuck?",
                optional=False,
                max_length=4000,
            ),
            *(
                FormField(
                    id=step,
                    label=words,
                    kind=FieldKind.CHOICE,
                    optional=False,
                    options=(Option(value=YES, label="Done"), Option(value=NO, label="Not yet")),
                )
                for step, words in BEFORE_REQUEST.items()
            ),
            FormField(
                id="urgency",
                label="Urgency",
                kind=FieldKind.CHOICE,
                initial=Urgency.ROUTINE.value,
                options=tuple(Option(value=u.value, label=URGENCY_WORDS[u]) for u in Urgency),
            ),
        ),
        submit_label="Send for screening",
    )


SCREEN_INTRO = (
    "Screen the request in terms of suitability, particularly in the light of criteria for "
    "Multiagency Escalation, Learning Reviews, and Child Protection Procedures. Your answers "
    "are recorded with the screening."
)


def _criteria_fields() -> tuple[FormField, ...]:
    return tuple(
        FormField(
            id=criterion,
            label=f"Do the criteria for {words} apply?",
            kind=FieldKind.CHOICE,
            optional=False,
            options=(Option(value=NO, label="No"), Option(value=YES, label="Yes")),
        )
        for criterion, words in SCREENING_CRITERIA.items()
    )


def decline_form(request_id: str) -> Form:
    return Form(
        id=FormId.DECLINE_REQUEST,
        title="Decline the request",
        value=request_id,
        intro=f"{SCREEN_INTRO} The requester is told privately, with your reason.",
        fields=(
            *_criteria_fields(),
            FormField(id="reason", label="Reason", optional=False, max_length=1000),
        ),
        submit_label="Decline",
    )


def accept_form(request_id: str) -> Form:
    return Form(
        id=FormId.ACCEPT_REQUEST,
        title="Accept the request",
        value=request_id,
        intro=f"{SCREEN_INTRO} Choose a facilitator with no involvement in the case; they are "
        "asked to confirm.",
        fields=(
            *_criteria_fields(),
            FormField(id="facilitator", label="Facilitator", kind=FieldKind.PERSON, optional=False),
        ),
        submit_label="Accept",
    )


# -- what a press or a submission means (shared by every adapter) ---------------------------


def request_button(action: str, value: str, actor: str) -> RequestEvent | Form | None:
    """A request's button: a form to open (accept, decline) or an event (the facilitator's
    answer). The button's value is the request id; None for anything else."""
    if not value:
        return None
    if action == ActionId.SCREEN_ACCEPT:
        return accept_form(value)
    if action == ActionId.SCREEN_DECLINE:
        return decline_form(value)
    if action in (ActionId.CONFIRM_NOT_INVOLVED, ActionId.CONFIRM_INVOLVED):
        return ConfirmFacilitation(
            actor=actor, no_involvement=action == ActionId.CONFIRM_NOT_INVOLVED
        )
    return None


def submitted_request(
    fields: dict[str, str], *, actor: str, request_id: str, requester: Person
) -> SubmitRequest | None:
    """The request form's fields as a SubmitRequest; None if they are malformed."""
    try:
        return SubmitRequest(
            actor=actor,
            request_id=request_id,
            requester=requester,
            case_reference=fields.get("case_reference", "").strip(),
            agencies=fields.get("agencies", "").strip(),
            why_stuck=fields.get("why_stuck", "").strip(),
            urgency=Urgency(fields.get("urgency") or Urgency.ROUTINE),
            steps_taken=tuple(step for step in BEFORE_REQUEST if fields.get(step) == YES),
        )
    except ValueError:  # pydantic's ValidationError is one
        return None


def unanswered_criterion(fields: dict[str, str]) -> str | None:
    """The first screening criterion the screener has not answered, if any."""
    return next((c for c in SCREENING_CRITERIA if fields.get(c) not in (YES, NO)), None)


def criterion_question(criterion: str) -> str:
    return f"Please say whether the criteria for {SCREENING_CRITERIA[criterion]} apply."


def screening_decision(
    form: str, fields: dict[str, str], actor: str, facilitator: Person | None = None
) -> RequestEvent | None:
    """The accept form (with the chosen facilitator, looked up by the adapter) or the decline
    form as an event; None if malformed."""
    if unanswered_criterion(fields):
        return None
    criteria = tuple(c for c in SCREENING_CRITERIA if fields.get(c) == YES)
    try:
        if form == FormId.ACCEPT_REQUEST and facilitator is not None:
            return AcceptRequest(actor=actor, facilitator=facilitator, criteria=criteria)
        if form == FormId.DECLINE_REQUEST:
            return DeclineRequest(
                actor=actor, reason=fields.get("reason", "").strip(), criteria=criteria
            )
    except ValueError:
        return None
    return None


# -- setting up the session from a request (shared by every adapter) -----------------------


def waiting_for_session(requests: list[RequestState], facilitator_id: str) -> RequestState | None:
    """The newest request its facilitator has confirmed and not yet set up a session from."""
    mine = [
        r
        for r in requests
        if r.status is RequestStatus.CONFIRMED
        and r.facilitator is not None
        and r.facilitator.user_id == facilitator_id
    ]
    return max(mine, key=lambda r: r.created_at, default=None)


def start_from(request: RequestState | None, start: Start) -> Start | str:
    """The Start of a session set up from `request`, or why it cannot be. The facilitator's
    answer to the request stands as their declaration of no involvement in the case, and what
    the request said of why the case is stuck becomes the issues that led to the meeting."""
    if request is None or request.status is not RequestStatus.CONFIRMED:
        return (
            "That request is not waiting for a session (it may have been set up already), so "
            "nothing has started. Leave the request out, or open the setup again."
        )
    if request.facilitator is None or request.facilitator.user_id != start.actor:
        return "Only the facilitator who confirmed the request can set up its session."
    return start.model_copy(update={"no_involvement": True, "issues": request.why_stuck})
