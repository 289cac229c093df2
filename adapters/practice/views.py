"""What one person sees of a room: its messages, threads and buttons, ready for the templates."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from dialogs import messages
from dialogs.content import Action, Audience, Content, Form
from dialogs.engine import QUESTION_PREFIX
from dialogs.state import FINISHED, Phase, SessionState
from storage.practice import MessageKind, PracticeRooms, Room, RoomMessage, RoomPerson
from storage.unit_of_work import UnitOfWork

PLATFORM = "practice"
# The room's id of a person's scale choice; their written replies' ids start otherwise.
SCALE_REPLY_PREFIX = "s"
# The formats the facilitator may download a published record in.
DOWNLOADS = {"md": "Markdown", "docx": "Word", "pdf": "PDF"}


@dataclass(frozen=True)
class ShownMessage:
    id: str
    rev: str  # changes whenever what the person sees of the message changes
    kind: str
    key: str | None
    at: datetime
    author: RoomPerson | None  # None: the bot
    content: Content | None  # the bot's messages
    text: str  # people's replies
    actions: tuple[Action, ...] = ()
    replies: int = 0
    mine: bool = False
    edited: bool = False

    @property
    def is_question(self) -> bool:
        return self.key is not None and self.key.startswith(QUESTION_PREFIX)

    @property
    def question_id(self) -> str | None:
        return self.key.removeprefix(QUESTION_PREFIX) if self.is_question and self.key else None


@dataclass(frozen=True)
class RoomView:
    room: Room
    me: RoomPerson
    token: str
    people: list[RoomPerson]
    state: SessionState | None
    channel: list[ShownMessage]
    thread: ShownMessage | None
    thread_messages: list[ShownMessage]
    screening: list[ShownMessage]

    @property
    def is_facilitator(self) -> bool:
        return self.me.id == self.room.facilitator_id

    @property
    def can_start(self) -> bool:
        return self.is_facilitator and (self.state is None or self.state.phase in FINISHED)

    @property
    def chairs_finished_session(self) -> bool:
        """The facilitator of an ended session may run it again, and download its record."""
        return (
            self.state is not None
            and self.state.phase in FINISHED
            and self.state.facilitator.user_id == self.me.id
        )

    @property
    def downloads(self) -> dict[str, str]:
        published = self.state is not None and self.state.phase is Phase.PUBLISHED
        return DOWNLOADS if published and self.chairs_finished_session else {}

    @property
    def status(self) -> Content:
        return messages.status(self.state)

    @property
    def status_rev(self) -> str:
        """Changes whenever the status does, so that an open page refreshes it."""
        return hashlib.sha256(self.status.model_dump_json().encode()).hexdigest()[:16]

    def role_of(self, person: RoomPerson) -> str:
        chair = self.state.facilitator.user_id if self.state else self.room.facilitator_id
        if person.id == chair:
            return "facilitator"
        if self.state and any(p.user_id == person.id for p in self.state.participants):
            return "participant"
        return ""


def _meant_for(action: Action, me: str, state: SessionState | None) -> bool:
    """Buttons are shown to the people they are meant for; the engine still checks presses.
    Requests' buttons (no session) are for everyone who can see them."""
    if state is None:
        return action.audience is Audience.EVERYONE
    if action.audience is Audience.FACILITATOR:
        return me == state.facilitator.user_id
    if action.audience is Audience.PARTICIPANTS:
        return any(p.user_id == me for p in state.participants)
    return True


async def room_view(
    uow: UnitOfWork, room: Room, me: RoomPerson, token: str, thread_id: str | None
) -> RoomView:
    rooms = PracticeRooms(uow.db)
    # The facilitator first, then everyone in the order they joined.
    people = sorted(await rooms.people(room.id), key=lambda p: p.id != room.facilitator_id)
    by_id = {p.id: p for p in people}
    # Each message's buttons are meant for the people of the session it belongs to.
    sessions = {
        stored.id: stored.state for stored in await uow.sessions.in_conversation(PLATFORM, room.id)
    }
    state = sessions.get(room.session_id or "")
    visible = await rooms.visible_to(room.id, me.id)
    replies = Counter(m.thread_id for m in visible if m.thread_id)

    def shown(message: RoomMessage) -> ShownMessage:
        is_reply = message.kind == MessageKind.REPLY
        content = None if is_reply else Content.model_validate_json(message.body)
        actions = (
            tuple(
                a
                for a in content.actions
                if _meant_for(a, me.id, sessions.get(message.session_id or ""))
            )
            if content
            else ()
        )
        count = replies[message.message_id]
        return ShownMessage(
            id=message.message_id,
            rev=f"{message.rev}.{count}",
            kind=message.kind,
            key=message.key,
            at=message.created_at,
            author=by_id.get(message.author_id or "") if message.author_id else None,
            content=content,
            text=message.body if is_reply else "",
            actions=actions,
            replies=count,
            mine=message.author_id == me.id,
            edited=message.edited,
        )

    channel = [shown(m) for m in visible if m.thread_id is None and m.kind != MessageKind.SCREENING]
    screening = [shown(m) for m in visible if m.kind == MessageKind.SCREENING]
    thread = next((m for m in channel if m.id == thread_id and m.is_question), None)
    thread_messages = (
        [shown(m) for m in visible if m.thread_id == thread.id] if thread is not None else []
    )
    return RoomView(room, me, token, people, state, channel, thread, thread_messages, screening)


@dataclass(frozen=True)
class FormView:
    room: Room
    me: RoomPerson
    token: str
    form: Form
    values: dict[str, str]
    problems: list[str]
    action: str  # where the form is sent
