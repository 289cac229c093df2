"""The setup card `@reflectbot start` answers with, and the Start event its submission makes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError

from adapters.teams.cards import Card, action_data, adaptive_card
from adapters.teams.text import escape
from dialogs import events as ev
from dialogs import setup
from dialogs.events import Pacing, Participant, Person, Role
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
from dialogs.requests import RequestState
from dialogs.times import from_local, zone_label

SETUP_ACTION = "setup"
NO_LEAD = ""
MAX_CASE_REFERENCE = 64
MAX_STAGE_HOURS = 24 * 14
MAX_AGENCY = 200
MAX_WATCHLIST_ENTRIES = 50
MAX_WATCHLIST_ENTRY = 200


class SetupRefused(ValueError):
    """The submission cannot start a session; the message says why, for the facilitator."""


def agency_input(user_id: str) -> str:
    return f"agency:{user_id}"


def card_person(data: Any) -> Person:
    return Person(user_id=str(data["id"]), name=str(data["name"]))


def confirmation_input(confirmation_id: str) -> str:
    return f"confirm:{confirmation_id}"


def _toggle(input_id: str, title: str, label: str = "", value: str = "false") -> dict[str, Any]:
    toggle = {
        "type": "Input.Toggle",
        "id": input_id,
        "title": escape(title),
        "valueOn": "true",
        "valueOff": "false",
        "value": value,
        "wrap": True,
    }
    return toggle | ({"label": escape(label)} if label else {})


def _note(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": escape(text), "isSubtle": True, "wrap": True}


def _model_part(model: FacilitationModel) -> list[dict[str, Any]]:
    """What the model asks of the facilitator: the chair it expects, the declaration, its
    setup confirmations and the session's confidentiality points."""
    part = [_note(setup.chair_words(model))] if setup.chair_words(model) else []
    part.append(_toggle("no_involvement", setup.DECLARATION, "Your involvement in the case"))
    part.append(_note(setup.declaration_hint(model)))
    part += [
        _toggle(confirmation_input(c.id), c.text, "Asked by this model's procedure")
        for c in model.setup_confirmations
    ]
    part.append(
        {
            "type": "Input.Text",
            "id": "confidentiality",
            "label": "Confidentiality points for this session (optional, one a line)",
            "placeholder": "Added to the model's ground rules, which you lay out at the start",
            "isMultiline": True,
            "maxLength": setup.MAX_CONFIDENTIALITY_POINTS * (setup.MAX_CONFIDENTIALITY_CHARS + 1),
        }
    )
    return part


def _request_part(request: RequestState) -> list[dict[str, Any]]:
    return [
        _note(
            f"From the request for case {request.case_reference}. Agencies involved: "
            f"{request.agencies}. Why the case feels stuck: {request.why_stuck}"
        ),
        _toggle(
            "from_request",
            "Set up from the request: your answer to it stands as your declaration of no "
            "involvement, and why the case feels stuck goes into the record",
            value="true",
        ),
    ]


def setup_card(
    facilitator: Person,
    people: list[Person],
    catalogue: Catalogue,
    model_id: str | None,
    request: RequestState | None = None,
    values: dict[str, Any] | None = None,
) -> Card:
    """The setup card for one model (its confirmations differ); `values` fills it in again."""
    known = catalogue.get(model_id or "")
    model = known or next(iter(catalogue))
    chosen = model.id
    names = ", ".join(p.name for p in people)
    data = action_data(SETUP_ACTION, session_id="") | {
        "facilitator": {"id": facilitator.user_id, "name": facilitator.name},
        "people": [{"id": p.user_id, "name": p.name} for p in people],
        "shown_for": chosen,
        "request": request.id if request else "",
    }
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": "Set up a reflective case discussion",
            "weight": "Bolder",
            "size": "Large",
            "wrap": True,
        },
        {
            "type": "TextBlock",
            "text": escape(f"Facilitator: {facilitator.name}. Taking part: {names}."),
            "wrap": True,
        },
        *(_request_part(request) if request else []),
        {
            "type": "Input.ChoiceSet",
            "id": "model",
            "label": "Facilitation model",
            "value": chosen,
            "choices": [{"title": m.name, "value": m.id} for m in catalogue],
            "isRequired": True,
        },
        *_model_part(model),
        {
            "type": "Input.ChoiceSet",
            "id": "lead",
            "label": "Lead professional (case presenter)",
            "value": NO_LEAD,
            "choices": [{"title": "Nobody", "value": NO_LEAD}]
            + [{"title": p.name, "value": p.user_id} for p in people],
        },
        {
            "type": "Input.Text",
            "id": "case_reference",
            "label": "Case reference",
            "placeholder": "A pseudonymous code such as RCD-0417: never the child's name",
            "maxLength": MAX_CASE_REFERENCE,
            "isRequired": True,
            "errorMessage": "Please give a case reference.",
        },
        {
            "type": "Input.ChoiceSet",
            "id": "pacing",
            "label": "Pacing",
            "style": "expanded",
            "value": Pacing.LIVE.value,
            "choices": [
                {"title": "Live: the group moves question by question", "value": Pacing.LIVE.value},
                {
                    "title": "Over time: each stage stays open until a deadline",
                    "value": Pacing.ASYNC.value,
                },
            ],
        },
        {
            "type": "Input.Number",
            "id": "stage_hours",
            "label": "Over time only: hours each stage stays open",
            "value": 24,
            "min": 1,
            "max": MAX_STAGE_HOURS,
        },
    ]
    body.extend(
        [
            {
                "type": "Input.Date",
                "id": "start_date",
                "label": f"Start later (optional): date, {zone_label()}",
            },
            {
                "type": "Input.Time",
                "id": "start_time",
                "label": f"Start later (optional): time, {zone_label()} (24-hour)",
            },
            {
                "type": "TextBlock",
                "text": "Leave both empty to start now. With a later start, participants are "
                "invited privately now and the session opens at that time.",
                "isSubtle": True,
                "size": "Small",
                "wrap": True,
            },
            {
                "type": "Input.Text",
                "id": "watchlist",
                "label": "Names and addresses that must never appear (optional, one per line)",
                "placeholder": "The child's and family members' names, their address…",
                "isMultiline": True,
                "maxLength": MAX_WATCHLIST_ENTRIES * (MAX_WATCHLIST_ENTRY + 1),
            },
        ]
    )
    # Teams does not say which agency someone works for; records name answers by agency.
    body.extend(
        {
            "type": "Input.Text",
            "id": agency_input(person.user_id),
            "label": f"{person.name}: agency",
            "placeholder": "For example: Police, Health visiting, Education",
            "maxLength": MAX_AGENCY,
        }
        for person in people
    )
    if request is not None:
        values = {"case_reference": request.case_reference} | (values or {})
    for element in body:
        if element.get("id") in (values or {}):
            element["value"] = str((values or {})[element["id"]])
    submit = {
        "type": "Action.Submit",
        "title": "Start the session",
        "style": "positive",
        "data": data,
    }
    return adaptive_card(body, [submit])


def shown_another_model(data: dict[str, Any], catalogue: Catalogue) -> FacilitationModel | None:
    """The model chosen on a card built for another one, when that model asks the facilitator
    something the card did not show: the card is shown again for it."""
    model = catalogue.get(str(data.get("model", "")))
    if model is None or str(data.get("shown_for", "")) == model.id:
        return None
    return model if model.setup_confirmations or model.chair else None


def _scheduled_for(data: dict[str, Any], now: datetime) -> datetime | None:
    """The later start the card asks for, typed in the organisation's zone; None to start
    now."""
    day, clock = str(data.get("start_date") or ""), str(data.get("start_time") or "")
    if not day and not clock:
        return None
    try:
        moment = from_local(datetime.combine(date.fromisoformat(day), time.fromisoformat(clock)))
    except ValueError as error:
        raise SetupRefused(
            f"To start later, please give both a date and a time ({zone_label()}); leave both "
            "empty to start now."
        ) from error
    if moment <= now:
        raise SetupRefused(
            "That start time has already passed. Please choose a later one, or leave the date "
            "and time empty to start now."
        )
    return moment


def _watchlist(data: dict[str, Any]) -> tuple[str, ...]:
    entries = tuple(
        line.strip() for line in str(data.get("watchlist") or "").splitlines() if line.strip()
    )
    if len(entries) > MAX_WATCHLIST_ENTRIES or any(
        len(entry) > MAX_WATCHLIST_ENTRY for entry in entries
    ):
        raise SetupRefused(
            f"The watch-list holds up to {MAX_WATCHLIST_ENTRIES} names or addresses, one per "
            f"line, each up to {MAX_WATCHLIST_ENTRY} characters."
        )
    return entries


def start_event(data: dict[str, Any], actor: str, catalogue: Catalogue, now: datetime) -> ev.Start:
    """The Start a submitted setup card asks for. Raises SetupRefused with the reason."""
    try:
        facilitator = card_person(data["facilitator"])
        people = [card_person(p) for p in data["people"]]
    except (KeyError, TypeError, ValidationError) as error:
        raise SetupRefused(
            "This setup card cannot be read. Please type the start command again."
        ) from error
    if actor != facilitator.user_id:
        raise SetupRefused(
            f"Only {facilitator.name}, who asked for this session, can start it. Nothing has changed."
        )
    model = catalogue.get(str(data.get("model", "")))
    if model is None:
        raise SetupRefused("Please choose one of the facilitation models in the list.")
    reference = str(data.get("case_reference", "")).strip()
    if not reference or len(reference) > MAX_CASE_REFERENCE:
        raise SetupRefused(
            f"Please give a case reference of up to {MAX_CASE_REFERENCE} characters: "
            "a pseudonymous code, never a name."
        )
    try:
        hours = int(float(str(data.get("stage_hours") or 24)))
        pacing = Pacing(str(data.get("pacing") or Pacing.LIVE.value))
    except (ValueError, OverflowError) as error:  # "²", "nan", "1e400"
        raise SetupRefused("Please choose the pacing, and hours as a whole number.") from error
    if not 1 <= hours <= MAX_STAGE_HOURS:
        raise SetupRefused(f"Each stage can stay open from 1 to {MAX_STAGE_HOURS} hours.")
    lead = str(data.get("lead") or NO_LEAD)
    participants = tuple(
        Participant(
            user_id=p.user_id,
            name=p.name,
            agency=str(data.get(agency_input(p.user_id)) or "").strip()[:MAX_AGENCY],
            role=Role.PRESENTER if p.user_id == lead else Role.CONSULTANT,
        )
        for p in people
    )
    confidentiality = setup.confidentiality_points(str(data.get("confidentiality") or ""))
    problem = setup.confidentiality_problem(confidentiality)
    if problem:
        raise SetupRefused(problem)
    return ev.Start(
        actor=actor,
        session_id=uuid.uuid4().hex,
        model=model,
        facilitator=facilitator,
        participants=participants,
        case_reference=reference,
        pacing=pacing,
        stage_hours=hours,
        watchlist=_watchlist(data),
        scheduled_for=_scheduled_for(data, now),
        no_involvement=_on(data, "no_involvement"),
        confirmed=tuple(
            c.id for c in model.setup_confirmations if _on(data, confirmation_input(c.id))
        ),
        confidentiality=confidentiality,
        request_id=str(data.get("request") or "")[:64] if _on(data, "from_request") else "",
    )


def _on(data: dict[str, Any], input_id: str) -> bool:
    return str(data.get(input_id, "")).lower() == "true"
