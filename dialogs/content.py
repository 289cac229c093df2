"""Platform-neutral message content.

The engine describes *what* to show; adapters decide *how* (Block Kit, Adaptive Cards, terminal,
HTML). All text here is plain text: adapters escape it, so user text can never become markup.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonRef(Frozen):
    """A person shown in a message; adapters may render a mention or just the name."""

    user_id: str
    name: str


class BlockStyle(StrEnum):
    HEADING = "heading"
    TEXT = "text"
    BULLETS = "bullets"
    NUMBERED = "numbered"
    QUOTE = "quote"  # somebody's words, e.g. an answer or a record section
    NOTE = "note"  # small print: progress, hints, time boxes


class Block(Frozen):
    style: BlockStyle = BlockStyle.TEXT
    text: str = ""
    items: tuple[str, ...] = ()
    # Rendered after the text, e.g. "Waiting for: " + people.
    people: tuple[PersonRef, ...] = ()


class Audience(StrEnum):
    """Who an action is meant for; the engine still checks who presses it."""

    EVERYONE = "everyone"
    PARTICIPANTS = "participants"
    FACILITATOR = "facilitator"
    WRITERS = "writers"  # the facilitator and the recorder, if there is one


class ActionStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


class ActionId(StrEnum):
    AGREE = "agree"
    BEGIN = "begin"
    SEND_PREPARATION = "send_preparation"
    NEXT = "next"
    MOVE_ON_EARLY = "move_on_early"  # Next, confirmed before the step's minimum
    SKIP = "skip"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    SCALE = "scale"
    KEY_POINTS = "key_points"
    EDIT_RECORD = "edit_record"
    APPROVE = "approve"
    EVALUATE = "evaluate"
    ACTION_DONE = "action_done"
    PUBLISH_ANYWAY = "publish_anyway"
    CHOOSE_RECORDER = "choose_recorder"
    ASK_CONFIRMATION = "ask_confirmation"
    CONFIRM_RECORD = "confirm_record"  # the value is the draft's revision
    # Requests for a discussion (dialogs/requests.py): the value is the request id.
    SCREEN_ACCEPT = "screen_accept"
    SCREEN_DECLINE = "screen_decline"
    CONFIRM_NOT_INVOLVED = "confirm_not_involved"
    CONFIRM_INVOLVED = "confirm_involved"


class Action(Frozen):
    id: ActionId
    label: str
    value: str = ""  # e.g. the question id, the scale value, the stage id
    audience: Audience = Audience.EVERYONE
    style: ActionStyle = ActionStyle.DEFAULT


class Content(Frozen):
    title: str
    blocks: tuple[Block, ...] = ()
    actions: tuple[Action, ...] = ()
    # A one-line summary for notifications and fallbacks (Slack's `text`, Teams' summary).
    summary: str = ""


class FieldKind(StrEnum):
    LINE = "line"
    PARAGRAPH = "paragraph"
    CHOICE = "choice"  # one of `options`
    PERSON = "person"  # a user id: one of `options`, or anyone in the workspace if none
    DATE = "date"  # an ISO date, YYYY-MM-DD


class Option(Frozen):
    value: str
    label: str


class FormField(Frozen):
    id: str
    label: str
    kind: FieldKind = FieldKind.PARAGRAPH
    initial: str = ""
    hint: str = ""
    optional: bool = True
    max_length: int = Field(3000, ge=1)
    options: tuple[Option, ...] = ()


class FormId(StrEnum):
    KEY_POINTS = "key_points"
    RECORD = "record"
    EVALUATION = "evaluation"
    OVERRIDE = "override"
    RECORDER = "recorder"
    REQUEST = "request"
    ACCEPT_REQUEST = "accept_request"
    DECLINE_REQUEST = "decline_request"


class Form(Frozen):
    id: FormId
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Save"
    value: str = ""  # what the form is about, e.g. the stage id
    intro: str = ""
