"""Browser input -> engine events: button presses, submitted forms and the setup form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from dialogs import events as ev
from dialogs import setup
from dialogs.actions import button_event, form_event
from dialogs.content import Form
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
from dialogs.requests import RequestEvent, request_button
from dialogs.times import from_local, zone_label
from storage.practice import RoomPerson

MAX_REPLY_CHARS = 40_000  # what the room accepts as one message, like a chat platform's limit


class BadInput(ValueError):
    """Input no page of ours sends; the message says what was wrong."""


def pressed(action: str, value: str, actor: str) -> ev.Event | RequestEvent | Form:
    """What a button of the room asks for: a session event, a request event, or a form to
    open (accepting or declining a request)."""
    meant = button_event(action, value, actor) or request_button(action, value, actor)
    if meant is None:
        raise BadInput("That button cannot be pressed here.")
    return meant


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


def submitted(form: Form, values: Mapping[str, str], actor: str) -> ev.Event:
    """The session event of a checked form (see `form_values`)."""
    event = form_event(form.id, form.value, values, actor)
    if event is None:
        raise BadInput("That form cannot be sent here.")
    return event


# -- the setup form ------------------------------------------------------------------------

CASE_REFERENCE_MAX = 64
MAX_STAGE_HOURS = 24 * 14
# What the engine's Start accepts.
WATCHLIST_MAX_LINES = 50
WATCHLIST_MAX_CHARS = 200


@dataclass
class SetupChoices:
    """What the facilitator chose; kept to fill the form in again after a problem."""

    model_id: str = ""
    case_reference: str = ""
    participant_ids: list[str] = field(default_factory=list)
    lead_id: str = ""
    pacing: str = ev.Pacing.LIVE.value
    stage_hours: str = "24"
    start_later: str = ""  # a browser's datetime-local value, in the organisation's zone
    watchlist: str = ""  # one name or address a line
    no_involvement: bool = False
    confirmed: list[str] = field(default_factory=list)  # setup confirmation ids
    confidentiality: str = ""  # one point a line
    request_id: str = ""  # the request it is set up from, if its box is ticked
    shown_for: str = ""  # the model whose confirmations the form showed

    @property
    def confidentiality_points(self) -> tuple[str, ...]:
        return setup.confidentiality_points(self.confidentiality)

    @property
    def watched(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.watchlist.splitlines() if line.strip())

    @property
    def scheduled_for(self) -> datetime | None:
        """The chosen start; None when starting now. Call only once `setup_problems` passed."""
        if not self.start_later:
            return None
        return from_local(datetime.fromisoformat(self.start_later))


def read_setup(
    data: Mapping[str, str], participant_ids: list[str], confirmed: list[str] | None = None
) -> SetupChoices:
    return SetupChoices(
        model_id=data.get("model", ""),
        case_reference=data.get("case_reference", "").strip(),
        participant_ids=participant_ids,
        lead_id=data.get("lead", ""),
        pacing=data.get("pacing", ev.Pacing.LIVE.value),
        stage_hours=data.get("stage_hours", "24").strip() or "24",
        start_later=data.get("start_later", "").strip(),
        watchlist=data.get("watchlist", ""),
        no_involvement=data.get("no_involvement") == "yes",
        confirmed=list(confirmed or []),
        confidentiality=data.get("confidentiality", ""),
        request_id=data.get("from_request", "").strip(),
        shown_for=data.get("shown_for", ""),
    )


def shown_another_model(choices: SetupChoices, catalogue: Catalogue) -> FacilitationModel | None:
    """The model chosen on a form shown for another, when it asks the facilitator something
    the form did not show: the form is shown again for it."""
    model = catalogue.get(choices.model_id)
    if model is None or choices.shown_for == model.id:
        return None
    return model if model.setup_confirmations or model.chair else None


def setup_problems(
    choices: SetupChoices,
    catalogue: Catalogue,
    people: list[RoomPerson],
    facilitator_id: str,
    now: datetime,
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
    if not choices.stage_hours.isdecimal() or not 1 <= int(choices.stage_hours) <= MAX_STAGE_HOURS:
        problems.append(f"Hours per stage must be a whole number from 1 to {MAX_STAGE_HOURS}.")
    problems += _start_later_problems(choices.start_later, now)
    watched = choices.watched
    if len(watched) > WATCHLIST_MAX_LINES:
        problems.append(
            f"The watch-list has {len(watched)} lines; it can hold up to {WATCHLIST_MAX_LINES}."
        )
    if any(len(line) > WATCHLIST_MAX_CHARS for line in watched):
        problems.append(f"Each watch-list line can be up to {WATCHLIST_MAX_CHARS} characters.")
    confidentiality = setup.confidentiality_problem(choices.confidentiality_points)
    if confidentiality:
        problems.append(confidentiality)
    return problems


def _start_later_problems(start_later: str, now: datetime) -> list[str]:
    if not start_later:
        return []
    try:
        when = datetime.fromisoformat(start_later)
    except ValueError:
        return ["Please give the later start as a date and a time."]
    if when.tzinfo is not None:
        return ["Please give the later start as a date and a time, without a time zone."]
    if from_local(when) <= now:
        return [f"The later start must be in the future (the time is in {zone_label()})."]
    return []


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
        watchlist=choices.watched,
        scheduled_for=choices.scheduled_for,
        no_involvement=choices.no_involvement,
        confirmed=tuple(c.id for c in model.setup_confirmations if c.id in choices.confirmed),
        confidentiality=choices.confidentiality_points,
        request_id=choices.request_id[:64],
    )
