"""The shape of a Teams activity, as far as the bot reads it.

Checked once at the door, before the SDK or the agent reads the activity: a field of the wrong
type (an empty channel id, a card submission whose value is a string) is a malformed activity
and gets a 400, rather than an exception inside the SDK. Everything else Teams sends is allowed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class _Account(_Shape):
    id: StrictStr = Field(min_length=1)


class _Activity(_Shape):
    type: StrictStr = Field(min_length=1)
    channel_id: StrictStr = Field(min_length=1, alias="channelId")
    conversation: _Account
    sender: _Account | None = Field(None, alias="from")
    value: Any = None

    @model_validator(mode="after")
    def _invoke_values_are_objects(self) -> _Activity:
        if self.type == "invoke" and self.value is not None and not isinstance(self.value, dict):
            raise ValueError("an invoke's value is an object")
        return self


def is_well_formed(activity: Any) -> bool:
    try:
        _Activity.model_validate(activity)
    except ValidationError:
        return False
    return True
