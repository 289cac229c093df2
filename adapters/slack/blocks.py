"""Neutral content as Block Kit messages, split to fit Slack's limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from adapters.slack.text import escape, mention, split_text
from dialogs.content import Action, ActionId, ActionStyle, Block, BlockStyle, Content

SECTION_LIMIT = 3000  # characters in a section's text or a context element
HEADER_LIMIT = 150
BUTTON_LABEL_LIMIT = 75
BLOCKS_PER_MESSAGE = 50
# Slack also refuses a message whose blocks hold more than about 13,200 characters of text
# in all (msg_blocks_too_long; enforced, not documented): keep each message well under it.
TEXT_PER_MESSAGE = 12_000
BUTTONS_PER_ACTIONS_BLOCK = 25

ACTION_PREFIX = "reflect"
ACTION_PATTERN = re.compile(rf"^{ACTION_PREFIX}:(?P<action>[a-z_]+):\d+$")
VALUE_SEPARATOR = "|"

BlockKit = dict[str, Any]


@dataclass(frozen=True)
class MessagePart:
    """One Slack message: its blocks and the plain fallback text notifications show."""

    blocks: list[BlockKit]
    text: str


@dataclass(frozen=True)
class ButtonPress:
    action: ActionId
    session_id: str
    value: str


def button_value(session_id: str, value: str) -> str:
    # The session id travels with the button: an ephemeral message has no stable ts to look up.
    return f"{session_id}{VALUE_SEPARATOR}{value}"


def parse_button(action_id: str, value: str) -> ButtonPress | None:
    """The press of one of our buttons, or None for anything malformed or foreign."""
    matched = ACTION_PATTERN.match(action_id)
    session_id, separator, rest = value.partition(VALUE_SEPARATOR)
    if not matched or not separator or not session_id:
        return None
    try:
        action = ActionId(matched["action"])
    except ValueError:
        return None
    return ButtonPress(action=action, session_id=session_id, value=rest)


def _with_people(block: Block) -> str:
    text = escape(block.text)
    if block.people:
        text = f"{text} {', '.join(mention(p) for p in block.people)}".strip()
    return text


def _quote(text: str) -> list[str]:
    lines = "\n".join(f"> {escape(line)}" if line else ">" for line in text.splitlines())
    # A very long line continues in the next section; keep it inside the quote.
    return [
        chunk if chunk.startswith(">") else f"> {chunk}"
        for chunk in split_text(lines or ">", SECTION_LIMIT - 2)
    ]


def _mrkdwn(block: Block) -> list[str]:
    """The block's text as one or more mrkdwn strings, each within a section's limit."""
    if block.style is BlockStyle.QUOTE:
        return _quote(block.text)
    if block.style is BlockStyle.HEADING:
        return [f"*{chunk}*" for chunk in split_text(_with_people(block), SECTION_LIMIT - 2)]
    lines = [_with_people(block)] if block.text or block.people else []
    if block.style is BlockStyle.BULLETS:
        lines.extend(f"• {escape(item)}" for item in block.items)
    elif block.style is BlockStyle.NUMBERED:
        lines.extend(f"{n}. {escape(item)}" for n, item in enumerate(block.items, 1))
    return split_text("\n".join(lines), SECTION_LIMIT)


def _render_block(block: Block) -> list[BlockKit]:
    if block.style is BlockStyle.NOTE:
        return [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": chunk}]}
            for chunk in split_text(_with_people(block), SECTION_LIMIT)
            if chunk
        ]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _mrkdwn(block)
        if chunk
    ]


def _title(title: str) -> BlockKit:
    if len(title) <= HEADER_LIMIT:
        return {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": False}}
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(title)}*"}}


def _button(action: Action, index: int, session_id: str) -> BlockKit:
    label = action.label
    if len(label) > BUTTON_LABEL_LIMIT:
        label = label[: BUTTON_LABEL_LIMIT - 1] + "…"
    button: BlockKit = {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}:{action.id}:{index}",
        "text": {"type": "plain_text", "text": label, "emoji": False},
        "value": button_value(session_id, action.value),
    }
    if action.style is not ActionStyle.DEFAULT:
        button["style"] = action.style.value
    return button


def _actions(actions: tuple[Action, ...], session_id: str) -> list[BlockKit]:
    buttons = [_button(action, index, session_id) for index, action in enumerate(actions)]
    return [
        {"type": "actions", "elements": buttons[start : start + BUTTONS_PER_ACTIONS_BLOCK]}
        for start in range(0, len(buttons), BUTTONS_PER_ACTIONS_BLOCK)
    ]


def _text_size(node: Any) -> int:
    """The characters of text a block holds, as Slack counts them against a message."""
    if isinstance(node, dict):
        return sum(
            len(v) if k == "text" and isinstance(v, str) else _text_size(v) for k, v in node.items()
        )
    if isinstance(node, list):
        return sum(_text_size(v) for v in node)
    return 0


def render(content: Content, session_id: str) -> list[MessagePart]:
    """The content as one message, or as several when it needs more than 50 blocks or more
    text than one message holds. Blocks are never cut: a page ends between them."""
    blocks: list[BlockKit] = [_title(content.title)] if content.title else []
    for block in content.blocks:
        blocks.extend(_render_block(block))
    blocks.extend(_actions(content.actions, session_id))
    fallback = escape(content.summary or content.title or "Reflective case discussion")
    pages: list[list[BlockKit]] = [[]]
    used = 0
    for block in blocks:
        size = _text_size(block)
        if pages[-1] and (len(pages[-1]) == BLOCKS_PER_MESSAGE or used + size > TEXT_PER_MESSAGE):
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += size
    return [
        MessagePart(blocks=page, text=fallback if number == 0 else f"{fallback} (continued)")
        for number, page in enumerate(pages)
    ]
