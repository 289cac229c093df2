"""The setup modal that `/reflect` opens, and the Start event its submission makes."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import BlockKit
from adapters.slack.forms import (
    MODAL_TITLE_LIMIT,
    OPTION_LIMIT,
    OPTION_TEXT_LIMIT,
    VALUE_ACTION,
    plain,
)
from adapters.slack.text import escape
from dialogs import events as ev
from dialogs import setup
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
from dialogs.requests import RequestState

log = logging.getLogger(__name__)

SETUP_CALLBACK = "reflect:setup"
CASE_REFERENCE_LIMIT = 64
MAX_STAGE_HOURS = 24 * 14
WATCHLIST_ENTRIES = 50
WATCHLIST_ENTRY_CHARS = 200
USERS_INFO_TIMEOUT = 1.5  # seconds: the whole submission must be answered within 3


@dataclass(frozen=True)
class SetupRequest:
    """What the facilitator chose in the setup modal."""

    channel: str
    team: str
    model_id: str
    participants: tuple[str, ...]
    presenter: str | None
    case_reference: str
    pacing: ev.Pacing
    stage_hours: int
    watchlist: tuple[str, ...] = ()
    scheduled_for: datetime | None = None
    no_involvement: bool = False
    confirmed: tuple[str, ...] = ()
    confidentiality: tuple[str, ...] = ()
    request_id: str = ""


class SetupError(ValueError):
    """A setup field the facilitator must correct; shown next to that field in the modal."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id


def _input(block_id: str, label: str, element: BlockKit, **extra: Any) -> BlockKit:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {"action_id": VALUE_ACTION, **element},
        **extra,
    }


def _option(text: str, value: str) -> BlockKit:
    return {"text": plain(text, OPTION_TEXT_LIMIT), "value": value}


def _check(block_id: str, label: str, option: str, hint: str, **extra: Any) -> BlockKit:
    """A box to tick: an optional input of one checkbox."""
    return _input(
        block_id,
        label,
        {"type": "checkboxes", "options": [_option(option, "yes")]},
        optional=True,
        hint=plain(hint, 2000),
        **extra,
    )


def confirmation_block(confirmation_id: str) -> str:
    return f"confirm:{confirmation_id}"


def _context(text: str) -> BlockKit:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)[:3000]}]}


def _request_blocks(request: RequestState) -> list[BlockKit]:
    """What the request said, and a box (ticked) to set the session up from it."""
    return [
        _context(
            f"From the request for case {request.case_reference}. Agencies involved: "
            f"{request.agencies}. Why the case feels stuck: {request.why_stuck}"
        ),
        _input(
            "from_request",
            "Set up from the request",
            {
                "type": "checkboxes",
                "options": [_option("Yes: link this session to the request", request.id)],
                "initial_options": [_option("Yes: link this session to the request", request.id)],
            },
            optional=True,
            hint=plain(
                "Your answer to the request stands as your declaration of no involvement, and "
                "why the case feels stuck goes into the record.",
                2000,
            ),
        ),
    ]


def _model_blocks(model: FacilitationModel | None) -> list[BlockKit]:
    """What the chosen model asks of the facilitator: the chair it expects, the declaration,
    its setup confirmations and the session's confidentiality points."""
    blocks = []
    if model is not None and setup.chair_words(model):
        blocks.append(_context(setup.chair_words(model)))
    blocks.append(
        _check(
            "no_involvement",
            "Your involvement in the case",
            setup.DECLARATION,
            setup.declaration_hint(model),
        )
    )
    for confirmation in model.setup_confirmations if model else ():
        blocks.append(
            _check(
                confirmation_block(confirmation.id),
                confirmation.text,
                "Confirmed",
                "Asked by this model's procedure; shown in the record.",
            )
        )
    blocks.append(
        _input(
            "confidentiality",
            "Confidentiality points for this session (optional)",
            {"type": "plain_text_input", "multiline": True, "max_length": 3000},
            optional=True,
            hint=plain(
                "One a line. They are added to the model's ground rules, which you lay out at "
                "the start. Nothing that identifies the child or family.",
                2000,
            ),
        )
    )
    return blocks


def setup_view(
    catalogue: Catalogue,
    channel: str,
    team: str,
    model: FacilitationModel | None = None,
    participants: tuple[str, ...] = (),
    request: RequestState | None = None,
) -> BlockKit:
    models = list(catalogue)[:OPTION_LIMIT]
    model_menu: BlockKit = {
        "type": "static_select",
        "placeholder": plain("Choose a facilitation model", OPTION_TEXT_LIMIT),
        "options": [_option(m.name, m.id) for m in models],
    }
    if model is not None:
        model_menu["initial_option"] = _option(model.name, model.id)
    people: BlockKit = {"type": "multi_users_select"}
    if participants:
        people["initial_users"] = list(participants)
    live = _option("Live: the group moves question by question", ev.Pacing.LIVE)
    case_input: BlockKit = {"type": "plain_text_input", "max_length": CASE_REFERENCE_LIMIT}
    if request is not None:
        case_input["initial_value"] = request.case_reference[:CASE_REFERENCE_LIMIT]
    blocks = [
        *(_request_blocks(request) if request else []),
        # Choosing a model shows what it asks of the facilitator (see `model_chosen`).
        _input("model", "Facilitation model", model_menu, dispatch_action=True),
        *_model_blocks(model),
        _input(
            "participants",
            "Participants",
            people,
            hint=plain("Everyone taking part, from every agency. You facilitate.", 2000),
        ),
        _input(
            "presenter",
            "Lead professional (case presenter)",
            {"type": "users_select"},
            optional=True,
            hint=plain("One of the participants; some models need one.", 2000),
        ),
        _input(
            "case_reference",
            "Case reference",
            case_input,
            hint=plain(
                "A code such as RCD-0417. It must not identify the child: no names, dates of "
                "birth or addresses.",
                2000,
            ),
        ),
        _input(
            "pacing",
            "Pacing",
            {
                "type": "radio_buttons",
                "initial_option": live,
                "options": [
                    live,
                    _option("Over time: each stage stays open until a deadline", ev.Pacing.ASYNC),
                ],
            },
        ),
        _input(
            "stage_hours",
            "Hours each stage stays open (over time only)",
            {
                "type": "number_input",
                "is_decimal_allowed": False,
                "min_value": "1",
                "max_value": str(MAX_STAGE_HOURS),
                "initial_value": "24",
            },
            optional=True,
        ),
        _input(
            "scheduled_for",
            "Start later (optional)",
            {"type": "datetimepicker"},
            optional=True,
            hint=plain(
                "Participants are invited now, and the discussion opens at this time.", 2000
            ),
        ),
        _input(
            "watchlist",
            "Names and addresses that must never appear",
            {"type": "plain_text_input", "multiline": True, "max_length": 3000},
            optional=True,
            hint=plain(
                "One per line: the child's and family members' names, their address. Answers "
                "that mention them are flagged and kept out of the record. They are not stored.",
                2000,
            ),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": SETUP_CALLBACK,
        "title": plain("Reflective discussion", MODAL_TITLE_LIMIT),
        "submit": plain("Start", MODAL_TITLE_LIMIT),
        "close": plain("Cancel", MODAL_TITLE_LIMIT),
        "private_metadata": json.dumps(
            {
                "channel": channel,
                "team": team,
                "model": model.id if model else "",
                "request": request.id if request else "",
            }
        ),
        "blocks": blocks,
    }


def rebuilt_for(catalogue: Catalogue, view: dict[str, Any], model_id: str) -> BlockKit:
    """The open setup modal again, showing what the model just chosen asks; Slack keeps what
    was typed in the inputs the two views share."""
    metadata = json.loads(view["private_metadata"])
    rebuilt = setup_view(catalogue, str(metadata["channel"]), str(metadata.get("team", "")))
    model = catalogue.get(model_id)
    blocks = list(view.get("blocks") or [])
    ids = [block.get("block_id") for block in blocks]
    # The model's part sits between the model menu and the participants.
    start, end = ids.index("model") + 1, ids.index("participants")
    rebuilt["blocks"] = [*blocks[:start], *_model_blocks(model), *blocks[end:]]
    rebuilt["private_metadata"] = json.dumps(metadata | {"model": model.id if model else ""})
    return rebuilt


def _value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(VALUE_ACTION, {})


def read_setup(view: dict[str, Any]) -> SetupRequest:
    """The facilitator's choices; raises SetupError for a field to correct."""
    metadata = json.loads(view["private_metadata"])
    values = view["state"]["values"]
    model_id = (_value(values, "model").get("selected_option") or {}).get("value", "")
    participants = tuple(_value(values, "participants").get("selected_users") or ())
    if not participants:
        raise SetupError("participants", "Please invite at least one participant.")
    case_reference = (_value(values, "case_reference").get("value") or "").strip()
    if not case_reference:
        raise SetupError("case_reference", "Please give a case reference.")
    pacing_value = (_value(values, "pacing").get("selected_option") or {}).get("value")
    hours_text = _value(values, "stage_hours").get("value") or "24"
    if not hours_text.isdecimal() or not 1 <= int(hours_text) <= MAX_STAGE_HOURS:
        raise SetupError("stage_hours", f"Please give a whole number from 1 to {MAX_STAGE_HOURS}.")
    watchlist = tuple(
        line.strip()
        for line in (_value(values, "watchlist").get("value") or "").splitlines()
        if line.strip()
    )
    if len(watchlist) > WATCHLIST_ENTRIES or any(
        len(entry) > WATCHLIST_ENTRY_CHARS for entry in watchlist
    ):
        raise SetupError(
            "watchlist",
            f"Please give at most {WATCHLIST_ENTRIES} lines of up to {WATCHLIST_ENTRY_CHARS} "
            "characters each.",
        )
    chosen_time = _value(values, "scheduled_for").get("selected_date_time")
    confidentiality = setup.confidentiality_points(
        _value(values, "confidentiality").get("value") or ""
    )
    problem = setup.confidentiality_problem(confidentiality)
    if problem:
        raise SetupError("confidentiality", problem)
    return SetupRequest(
        channel=str(metadata["channel"]),
        team=str(metadata.get("team", "")),
        model_id=model_id,
        participants=participants,
        presenter=_value(values, "presenter").get("selected_user"),
        case_reference=case_reference,
        pacing=ev.Pacing(pacing_value or ev.Pacing.LIVE),
        stage_hours=int(hours_text),
        watchlist=watchlist,
        scheduled_for=datetime.fromtimestamp(int(chosen_time), UTC) if chosen_time else None,
        no_involvement=_ticked(values, "no_involvement"),
        confirmed=tuple(
            block.removeprefix("confirm:")
            for block in values
            if block.startswith("confirm:") and _ticked(values, block)
        ),
        confidentiality=confidentiality,
        request_id=str(metadata.get("request") or "") if _ticked(values, "from_request") else "",
    )


def _ticked(values: dict[str, Any], block_id: str) -> bool:
    return bool(_value(values, block_id).get("selected_options"))


async def _person(client: AsyncWebClient, user_id: str) -> ev.Person:
    try:
        answer = await asyncio.wait_for(client.users_info(user=user_id), USERS_INFO_TIMEOUT)
    except (SlackApiError, aiohttp.ClientError, TimeoutError):
        log.warning("users.info failed for one user; showing their user id instead")
        return ev.Person(user_id=user_id, name=user_id)
    user = answer.get("user") or {}
    profile = user.get("profile") or {}
    name = profile.get("real_name") or profile.get("display_name") or user.get("name") or user_id
    return ev.Person(user_id=user_id, name=name[:200], agency=(profile.get("title") or "")[:200])


async def resolve_people(client: AsyncWebClient, user_ids: list[str]) -> dict[str, ev.Person]:
    """Names and agencies (the profile's title), looked up at once, each with a short timeout."""
    unique = list(dict.fromkeys(user_ids))
    people = await asyncio.gather(*(_person(client, user_id) for user_id in unique))
    return {person.user_id: person for person in people}


async def start_event(
    client: AsyncWebClient, catalogue: Catalogue, request: SetupRequest, facilitator_id: str
) -> ev.Start:
    model = catalogue.get(request.model_id)
    if model is None:
        raise SetupError("model", "Please choose one of the models in the list.")
    if model.requires_independent_facilitator and not (
        request.no_involvement or request.request_id
    ):
        raise SetupError("no_involvement", setup.declaration_hint(model))
    invited = list(request.participants)
    if request.presenter and request.presenter not in invited:
        invited.append(request.presenter)
    people = await resolve_people(client, [facilitator_id, *invited])
    participants = tuple(
        ev.Participant(
            **people[user_id].model_dump(),
            role=ev.Role.PRESENTER if user_id == request.presenter else ev.Role.CONSULTANT,
        )
        for user_id in invited
    )
    try:
        return ev.Start(
            actor=facilitator_id,
            session_id=uuid.uuid4().hex,
            model=model,
            facilitator=people[facilitator_id],
            participants=participants,
            case_reference=request.case_reference,
            pacing=request.pacing,
            stage_hours=request.stage_hours,
            watchlist=request.watchlist,
            scheduled_for=request.scheduled_for,
            no_involvement=request.no_involvement,
            confirmed=request.confirmed,
            confidentiality=request.confidentiality,
            request_id=request.request_id,
        )
    except ValidationError as error:
        raise SetupError("case_reference", "Please check the case reference.") from error
