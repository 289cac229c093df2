"""The engine's forms as Slack modals, and their submissions back as field values.

Slack's text input holds at most 3,000 characters, so a longer field is shown as several
inputs ("part 2 of 3"), cut at line breaks where possible, and joined with line breaks on
submit: nothing is cut off.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from adapters.slack.blocks import SECTION_LIMIT, BlockKit
from adapters.slack.text import escape, split_text
from dialogs.content import FieldKind, Form, FormField, FormId

FORM_CALLBACK = "reflect:form"
INPUT_LIMIT = 3000
MODAL_TITLE_LIMIT = 24
MODAL_BLOCK_LIMIT = 100
OPTION_LIMIT = 100  # options in one select menu
OPTION_TEXT_LIMIT = 75
VALUE_ACTION = "value"
# A last part with less room than this left gets an empty part after it, to write more in.
ROOM_TO_GROW = 500


class FormTooLarge(ValueError):
    """The form needs more inputs than a Slack modal can hold."""


@dataclass(frozen=True)
class Submission:
    session_id: str
    form: FormId
    value: str
    fields: dict[str, str]
    channel: str = ""


def plain(text: str, limit: int) -> dict[str, Any]:
    """Plain text for a label or title: never markup; clipped to Slack's limit (UI words only)."""
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": clipped, "emoji": False}


def _parts_of(field: FormField) -> list[str]:
    parts = split_text(field.initial, INPUT_LIMIT)
    most = math.ceil(field.max_length / INPUT_LIMIT)
    if len(parts[-1]) > INPUT_LIMIT - ROOM_TO_GROW and len(parts) < most:
        parts.append("")
    return parts


def _label(field: FormField, number: int, count: int) -> dict[str, Any]:
    label = field.label if count == 1 else f"{field.label} (part {number + 1} of {count})"
    return plain(label, 2000)


def _text_input(field: FormField, number: int, count: int, initial: str) -> BlockKit:
    element: BlockKit = {
        "type": "plain_text_input",
        "action_id": VALUE_ACTION,
        "multiline": field.kind is FieldKind.PARAGRAPH,
        "max_length": min(INPUT_LIMIT, field.max_length),
    }
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": f"{field.id}.{number}",
        "label": _label(field, number, count),
        "element": element,
        "optional": field.optional or number > 0,
    }


def _choice_input(field: FormField) -> BlockKit:
    options = [
        {"text": plain(o.label, OPTION_TEXT_LIMIT), "value": o.value}
        for o in field.options[:OPTION_LIMIT]
    ]
    element: BlockKit = {"type": "static_select", "action_id": VALUE_ACTION, "options": options}
    initial = next((o for o in options if o["value"] == field.initial), None)
    if initial:
        element["initial_option"] = initial
    return _single_input(field, element)


def _single_input(field: FormField, element: BlockKit) -> BlockKit:
    """An input block holding one element, the whole of the field's value."""
    return {
        "type": "input",
        "block_id": f"{field.id}.0",
        "label": plain(field.label, 2000),
        "element": element,
        "optional": field.optional,
    }


def _date_input(field: FormField) -> BlockKit:
    element: BlockKit = {"type": "datepicker", "action_id": VALUE_ACTION}
    if field.initial:
        element["initial_date"] = field.initial
    return _single_input(field, element)


def _person_input(field: FormField) -> BlockKit:
    """Anyone in the workspace, with Slack's own people picker."""
    element: BlockKit = {"type": "users_select", "action_id": VALUE_ACTION}
    if field.initial:
        element["initial_user"] = field.initial
    return _single_input(field, element)


def _inputs(field: FormField) -> list[BlockKit]:
    if field.kind is FieldKind.PERSON and not field.options:
        blocks = [_person_input(field)]
    elif field.kind in (FieldKind.CHOICE, FieldKind.PERSON):
        blocks = [_choice_input(field)]
    elif field.kind is FieldKind.DATE:
        blocks = [_date_input(field)]
    else:
        parts = _parts_of(field)
        blocks = [
            _text_input(field, number, len(parts), initial) for number, initial in enumerate(parts)
        ]
    if field.hint:
        blocks[0]["hint"] = plain(field.hint, 2000)
    return blocks


def form_view(form: Form, session_id: str, channel: str = "") -> BlockKit:
    """The form as a modal. `session_id` names the session (or request) it belongs to;
    `channel`, where there is none yet, the conversation it was asked for in."""
    blocks: list[BlockKit] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in split_text(escape(form.intro), SECTION_LIMIT)
        if chunk
    ]
    counts: dict[str, int] = {}
    for field in form.fields:
        inputs = _inputs(field)
        counts[field.id] = len(inputs)
        blocks.extend(inputs)
    if len(blocks) > MODAL_BLOCK_LIMIT:
        raise FormTooLarge(f"{len(blocks)} blocks")
    metadata = {
        "session": session_id,
        "form": form.id,
        "value": form.value,
        "parts": counts,
        "channel": channel,
    }
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": plain(form.title, MODAL_TITLE_LIMIT),
        "submit": plain(form.submit_label, MODAL_TITLE_LIMIT),
        "close": plain("Cancel", MODAL_TITLE_LIMIT),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def _submitted(block: dict[str, Any]) -> str:
    """One input's value, whatever its element: text, a chosen option or a date."""
    state = block.get(VALUE_ACTION) or {}
    option = state.get("selected_option") or {}
    return (
        state.get("value")
        or option.get("value")
        or state.get("selected_date")
        or state.get("selected_user")
        or ""
    )


def read_submission(view: dict[str, Any]) -> Submission:
    """The fields of a submitted form, each joined from its parts. Raises ValueError (or
    KeyError) on a view that is not one of ours."""
    metadata = json.loads(view["private_metadata"])
    values = view["state"]["values"]
    fields: dict[str, str] = {}
    for field_id, count in metadata["parts"].items():
        parts = [_submitted(values.get(f"{field_id}.{n}", {})) for n in range(int(count))]
        fields[field_id] = "\n".join(part for part in parts if part)
    return Submission(
        session_id=str(metadata["session"]),
        form=FormId(metadata["form"]),
        value=str(metadata["value"]),
        fields=fields,
        channel=str(metadata.get("channel") or ""),
    )
