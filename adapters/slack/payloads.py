"""The shape of each Slack payload, as far as the listeners read it.

Slack's payloads are checked here, once, before any listener runs: a field of the wrong type
(a user that is a string, an action that is a number) is a malformed request and gets a 400,
rather than a KeyError half-way through a listener. Only the fields the listeners read are
named; everything else Slack sends is allowed and ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, TypeAdapter, ValidationError


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Id(_Shape):
    id: StrictStr = Field(min_length=1)


class _OptionalId(_Shape):
    id: StrictStr = ""


class _Action(_Shape):
    action_id: StrictStr
    value: StrictStr = ""
    action_ts: StrictStr = ""


class _Container(_Shape):
    channel_id: StrictStr = ""
    message_ts: StrictStr = ""


class BlockActions(_Shape):
    user: _Id
    actions: list[_Action] = Field(min_length=1)
    trigger_id: StrictStr = ""
    channel: _OptionalId | None = None
    container: _Container | None = None
    team: _OptionalId | None = None


class _ViewState(_Shape):
    values: dict[StrictStr, dict[StrictStr, dict[StrictStr, Any]]] = {}


class _View(_Shape):
    type: StrictStr
    callback_id: StrictStr = ""
    private_metadata: StrictStr = ""
    state: _ViewState = _ViewState()


class ViewSubmission(_Shape):
    user: _Id
    view: _View
    team: _OptionalId | None = None


class _Message(_Shape):
    user: StrictStr | None = None
    text: StrictStr | None = None
    ts: StrictStr | None = None
    thread_ts: StrictStr | None = None
    bot_id: StrictStr | None = None


class _Event(_Message):
    type: StrictStr
    subtype: StrictStr | None = None
    channel: StrictStr | None = None
    message: _Message | None = None
    previous_message: _Message | None = None


class EventCallback(_Shape):
    event: _Event
    event_id: StrictStr | None = None
    team_id: StrictStr | None = None


class SlashCommand(_Shape):
    command: StrictStr
    text: StrictStr = ""
    user_id: StrictStr = Field(min_length=1)
    channel_id: StrictStr = Field(min_length=1)
    trigger_id: StrictStr = Field(min_length=1)
    team_id: StrictStr = ""


_SHAPES: dict[str, TypeAdapter[Any]] = {
    "block_actions": TypeAdapter(BlockActions),
    "view_submission": TypeAdapter(ViewSubmission),
    "event_callback": TypeAdapter(EventCallback),
}
_COMMAND = TypeAdapter(SlashCommand)


def is_well_formed(body: dict[str, Any]) -> bool:
    """Whether a payload has the shape its type promises (types no listener handles pass)."""
    shape = _COMMAND if "command" in body else _SHAPES.get(str(body.get("type")))
    if shape is None:
        return True
    try:
        shape.validate_python(body)
    except ValidationError:
        return False
    return True
