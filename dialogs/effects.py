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
    # A redraw nobody needs at once, because what follows it shows the same to those who need
    # it (a question closing: the next question is posted; the participants asked to confirm
    # the draft: each is sent it, and the facilitator's own preview shows who has confirmed).
    # Platforms that count their calls leave it out; it still replaces any update of the
    # message queued before it, and the engine redraws the message whenever someone touches it
    # again.
    lazy: bool = False


class Ephemeral(Effect):
    """Visible to one person only, in the session's conversation."""

    type: Literal["ephemeral"] = "ephemeral"
    user_id: str
    content: Content
    thread: str | None = None


class Response(Effect):
    """The answer to a button the person pressed on a message only they see (their private copy
    of the draft to confirm, their own preview of the record): shown in place of that message,
    so that what they pressed becomes its outcome and cannot be pressed again. Where the
    platform cannot replace the pressed message, or the event did not come from such a press,
    the person is told privately instead, as by an Ephemeral.

    The service hands it back to the adapter that took the press, to carry out at once after
    the event is committed, rather than queueing it: it is a reply to that press, not a
    message of the session, and a press made again is answered again."""

    type: Literal["response"] = "response"
    user_id: str
    content: Content  # replaces the pressed message
    # What the person is told privately when the pressed message cannot be replaced; None:
    # the content itself.
    instead: Content | None = None

    def as_ephemeral(self) -> Ephemeral:
        return Ephemeral(user_id=self.user_id, content=self.instead or self.content)


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
    Post | Update | Ephemeral | Response | DirectMessage | OpenForm | AuditNote | EvaluationNote,
    Field(discriminator="type"),
]
