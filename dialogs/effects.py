"""What the engine asks the outside world to do. Adapters carry these out."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from dialogs.content import Content, Form


class Destination(StrEnum):
    SESSION = "session"  # the session's own channel conversation
    LEARNING = "learning"  # the configured learning channel, if any
    SCREENING = "screening"  # the configured screening channel, for requests


class Effect(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Post(Effect):
    """A new message. `key` names it within the session so later effects can refer to it."""

    type: Literal["post"] = "post"
    key: str
    content: Content
    thread: str | None = None  # key of the message to reply under
    destination: Destination = Destination.SESSION
    # The channel the engine chose for a post outside the session (learning themes); None: the
    # adapter's configured channel for the destination.
    channel: str | None = None


class Update(Effect):
    """Replace the content of an earlier Post (progress, who has agreed, …)."""

    type: Literal["update"] = "update"
    key: str
    content: Content
    # A redraw nobody needs at once, because the post that follows it shows the same (a
    # question closing: the next question is posted). Platforms that count their calls leave
    # it out; it still replaces any update of the message queued before it, and the engine
    # redraws the message whenever someone touches it again.
    lazy: bool = False


class Ephemeral(Effect):
    """Visible to one person only, in the session's conversation."""

    type: Literal["ephemeral"] = "ephemeral"
    user_id: str
    content: Content
    thread: str | None = None


class DirectMessage(Effect):
    type: Literal["direct"] = "direct"
    user_id: str
    content: Content


class OpenForm(Effect):
    """Open a form for the person who pressed a button. Adapters carry it out at once,
    inside the interaction, because platforms only allow it there (Slack's trigger id)."""

    type: Literal["open_form"] = "open_form"
    user_id: str
    form: Form


class AuditNote(Effect):
    """Who did what, for the audit log. Never message content."""

    type: Literal["audit"] = "audit"
    action: str
    actor: str


class EvaluationNote(Effect):
    """One participant's evaluation, to be stored without who gave it."""

    type: Literal["evaluation"] = "evaluation"
    model_id: str
    answers: dict[str, str]


AnyEffect = Annotated[
    Post | Update | Ephemeral | DirectMessage | OpenForm | AuditNote | EvaluationNote,
    Field(discriminator="type"),
]
