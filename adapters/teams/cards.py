"""Neutral content as Adaptive Cards, split into several cards when Teams' size limit needs it."""

from __future__ import annotations

import json
from typing import Any

from adapters.teams.text import escape
from dialogs.content import (
    Action,
    ActionId,
    ActionStyle,
    Block,
    BlockStyle,
    Content,
    FieldKind,
    Form,
    FormField,
)
from dialogs.events import Person

Card = dict[str, Any]
Element = dict[str, Any]

CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses messages over about 28 KB; keep each card well inside it, envelope included.
MAX_CARD_BYTES = 24_000
# One text element at most this many characters, so that any element fits in a card.
MAX_TEXT_CHARS = 4_000
SCALE_BUTTONS_PER_ROW = 6
# Buttons that open a Teams dialog (task module) rather than posting an action.
DIALOG_ACTIONS = frozenset(
    {
        ActionId.KEY_POINTS,
        ActionId.EDIT_RECORD,
        ActionId.EVALUATE,
        ActionId.PUBLISH_ANYWAY,
        ActionId.CHOOSE_RECORDER,
        ActionId.SCREEN_ACCEPT,
        ActionId.SCREEN_DECLINE,
    }
)
FIELD_PREFIX = "field:"
FORM_ACTION = "form"

_STYLES = {ActionStyle.PRIMARY: "positive", ActionStyle.DANGER: "destructive"}


def action_data(action: str, session_id: str, value: str = "") -> dict[str, str]:
    """What a pressed button sends back: enough to act without looking the message up."""
    return {"action": action, "value": value, "session": session_id}


def _size(item: Any) -> int:
    return len(json.dumps(item, ensure_ascii=False).encode("utf-8"))


def _chunks(text: str) -> list[str]:
    """Long text in pieces of at most MAX_TEXT_CHARS, cut at line ends where possible."""
    pieces: list[str] = []
    while len(text) > MAX_TEXT_CHARS:
        cut = text.rfind("\n", 0, MAX_TEXT_CHARS)
        if cut <= 0:
            cut = text.rfind(" ", 0, MAX_TEXT_CHARS)
        if cut <= 0:
            cut = MAX_TEXT_CHARS
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces


def _text_blocks(text: str, **style: Any) -> list[Element]:
    return [
        {"type": "TextBlock", "text": escape(piece), "wrap": True, **style}
        for piece in _chunks(text)
    ]


def _with_people(block: Block) -> str:
    names = ", ".join(person.name for person in block.people)
    return f"{block.text} {names}".strip() if names else block.text


def _list(items: tuple[str, ...], numbered: bool) -> list[Element]:
    elements: list[Element] = []
    for number, item in enumerate(items, 1):
        marker = f"{number}." if numbered else "•"
        for piece in _chunks(item):
            elements.append(
                {
                    "type": "ColumnSet",
                    "columns": [
                        {
                            "type": "Column",
                            "width": "auto",
                            "items": [{"type": "TextBlock", "text": escape(marker)}],
                        },
                        {
                            "type": "Column",
                            "width": "stretch",
                            "items": [{"type": "TextBlock", "text": escape(piece), "wrap": True}],
                        },
                    ],
                }
            )
            marker = ""
    return elements


def _block(block: Block) -> list[Element]:
    if block.style is BlockStyle.HEADING:
        return _text_blocks(block.text, weight="Bolder", size="Medium", spacing="Medium")
    if block.style is BlockStyle.BULLETS:
        return _list(block.items, numbered=False)
    if block.style is BlockStyle.NUMBERED:
        return _list(block.items, numbered=True)
    if block.style is BlockStyle.QUOTE:
        return [
            {"type": "Container", "style": "emphasis", "items": [element]}
            for paragraph in block.text.split("\n")
            for element in _text_blocks(paragraph or " ")
        ]
    if block.style is BlockStyle.NOTE:
        return _text_blocks(_with_people(block), isSubtle=True, size="Small")
    return _text_blocks(_with_people(block))


def _button(action: Action, session_id: str) -> Element:
    data: dict[str, Any] = action_data(action.id.value, session_id, action.value)
    if action.id in DIALOG_ACTIONS:
        data["msteams"] = {"type": "task/fetch"}
    button: Element = {"type": "Action.Submit", "title": action.label, "data": data}
    if action.style in _STYLES:
        button["style"] = _STYLES[action.style]
    return button


def adaptive_card(body: list[Element], actions: list[Element] | None = None) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def render(content: Content, session_id: str) -> list[Card]:
    """One card, or several when the content is too long for one Teams message. Buttons go on
    the last card, after everything they refer to."""
    body: list[Element] = []
    if content.title:
        body.extend(_text_blocks(content.title, weight="Bolder", size="Large"))
    for block in content.blocks:
        body.extend(_block(block))
    choices = [_button(a, session_id) for a in content.actions if a.id is ActionId.SCALE]
    for start in range(0, len(choices), SCALE_BUTTONS_PER_ROW):
        body.append(
            {"type": "ActionSet", "actions": choices[start : start + SCALE_BUTTONS_PER_ROW]}
        )
    actions = [_button(a, session_id) for a in content.actions if a.id is not ActionId.SCALE]
    parts: list[list[Element]] = [[]]
    room = MAX_CARD_BYTES - _size(adaptive_card([], actions))
    for element in body:
        if parts[-1] and _size(parts[-1]) + _size(element) > room:
            parts.append([])
        parts[-1].append(element)
    last = len(parts) - 1
    return [
        adaptive_card(part, actions if index == last else None) for index, part in enumerate(parts)
    ]


def _input(field: FormField, people: tuple[Person, ...]) -> Element:
    """One form field as a card input. Initial values are input values, never markup. A person
    field without options offers `people`, with type-ahead."""
    element: Element = {
        "id": f"{FIELD_PREFIX}{field.id}",
        "label": field.label,
        "value": field.initial,
        "isRequired": not field.optional,
    }
    if field.kind is FieldKind.PERSON and not field.options:
        choices = [{"title": person.name, "value": person.user_id} for person in people]
        element |= {"type": "Input.ChoiceSet", "choices": choices, "style": "filtered"}
    elif field.kind in (FieldKind.CHOICE, FieldKind.PERSON):
        choices = [{"title": option.label, "value": option.value} for option in field.options]
        element |= {"type": "Input.ChoiceSet", "choices": choices}
    elif field.kind is FieldKind.DATE:
        element["type"] = "Input.Date"
    else:
        element |= {
            "type": "Input.Text",
            "isMultiline": field.kind is FieldKind.PARAGRAPH,
            "maxLength": field.max_length,
        }
    if field.hint:
        element["placeholder"] = field.hint
    if not field.optional:
        element["errorMessage"] = f"{field.label} cannot be empty."
    return element


def form_card(form: Form, session_id: str, people: tuple[Person, ...] = ()) -> Card:
    """A form in a Teams dialog (task module)."""
    body: list[Element] = _text_blocks(form.intro) if form.intro else []
    body.extend(_input(field, people) for field in form.fields)
    data = action_data(FORM_ACTION, session_id, form.value) | {"form": form.id.value}
    return adaptive_card(
        body, [{"type": "Action.Submit", "title": form.submit_label, "data": data}]
    )


def submitted_fields(data: dict[str, Any]) -> dict[str, str]:
    """A submitted dialog's inputs by form field id."""
    return {
        key.removeprefix(FIELD_PREFIX): str(value)
        for key, value in data.items()
        if key.startswith(FIELD_PREFIX)
    }


def attachment(card: Card) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": card}
