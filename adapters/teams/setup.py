"""The setup card `@reflectbot start` answers with, and the Start event its submission makes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError

from adapters.teams.cards import Card, action_data, adaptive_card
from adapters.teams.text import escape
from dialogs import events as ev
from dialogs.events import Pacing, Participant, Person, Role
from dialogs.models.catalogue import Catalogue
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


def _person(data: Any) -> Person:
    return Person(user_id=str(data["id"]), name=str(data["name"]))


def setup_card(
    facilitator: Person, people: list[Person], catalogue: Catalogue, model_id: str | None
) -> Card:
    known = catalogue.get(model_id or "")
    chosen = known.id if known else next(iter(catalogue)).id
    names = ", ".join(p.name for p in people)
    data = action_data(SETUP_ACTION, session_id="") | {
        "facilitator": {"id": facilitator.user_id, "name": facilitator.name},
        "people": [{"id": p.user_id, "name": p.name} for p in people],
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
        {
            "type": "Input.ChoiceSet",
            "id": "model",
            "label": "Facilitation model",
            "value": chosen,
            "choices": [{"title": m.name, "value": m.id} for m in catalogue],
            "isRequired": True,
        },
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
    submit = {
        "type": "Action.Submit",
        "title": "Start the session",
        "style": "positive",
        "data": data,
    }
    return adaptive_card(body, [submit])


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
        facilitator = _person(data["facilitator"])
        people = [_person(p) for p in data["people"]]
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
    )
