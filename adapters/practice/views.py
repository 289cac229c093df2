"""What one person sees of a room: its messages, threads and buttons, ready for the templates."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from dialogs import messages
from dialogs.actions import scale_message_id
from dialogs.content import Action, ActionId, Audience, Content, Form
from dialogs.engine import CANCELLED, QUESTION_PREFIX, RECORD, ROOT
from dialogs.record import describe, session_redactor
from dialogs.state import FINISHED, Phase, QuestionStatus, SessionState
from storage.practice import MessageKind, PracticeRooms, Room, RoomMessage, RoomPerson
from storage.unit_of_work import UnitOfWork

PLATFORM = "practice"
# The room's id of a person's scale choice; their written replies' ids start otherwise.
SCALE_REPLY_PREFIX = "s"
# The formats the facilitator may download a published record in.
DOWNLOADS = {"md": "Markdown", "docx": "Word", "pdf": "PDF"}


# Long texts of the bot's posts (a model's purpose, a stage's aim) fold after their first
# lines, and long lists after their first items, so that a session's page stays short.
FOLD_CHARS = 220
FOLD_ITEMS = 2


def fold_text(text: str, limit: int = FOLD_CHARS) -> tuple[str, str]:
    """A long text as what shows (its first lines, ending at a word) and the rest; short
    texts are all head."""
    if len(text) <= limit + limit // 2:
        return text, ""
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return text[:cut].rstrip(), text[cut:].lstrip()


@dataclass(frozen=True)
class ShownMessage:
    id: str
    session_id: str | None
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
    used: frozenset[str] = frozenset()  # the ids of buttons this person has already used

    @property
    def is_record(self) -> bool:
        return self.key == RECORD

    @property
    def is_cancelled_notice(self) -> bool:
        return self.key == CANCELLED

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
    # The viewer's replies in the open thread that seem to hold identifiers: id -> what.
    flagged: dict[str, str] = field(default_factory=dict)

    @property
    def can_cancel(self) -> bool:
        return (
            self.state is not None
            and self.state.phase not in FINISHED
            and self.state.facilitator.user_id == self.me.id
        )

    @property
    def after_with(self) -> str | None:
        """The message the facilitator's after-session buttons (run again, downloads) go
        with: the published record, or the notice that the session was cancelled."""
        if not self.chairs_finished_session or self.state is None:
            return None
        key = RECORD if self.state.phase is Phase.PUBLISHED else CANCELLED
        ends = [m for m in self.channel if m.key == key and m.session_id == self.state.id]
        return ends[-1].id if ends else None

    @property
    def next_question(self) -> ShownMessage | None:
        """With a thread open: an open question the viewer is still to answer elsewhere."""
        state = self.state
        if self.thread is None or state is None or state.phase is not Phase.RUNNING:
            return None
        for m in self.channel:
            asked = state.questions.get(m.question_id or "")
            if (
                m.id != self.thread.id
                and asked is not None
                and m.session_id == state.id
                and asked.status is QuestionStatus.OPEN
                and any(p.user_id == self.me.id for p in state.waiting_for(asked.id))
            ):
                return m
        return None

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
    if action.audience is Audience.WRITERS:
        return state.writes_record(me)
    if action.audience is Audience.PARTICIPANTS:
        return any(p.user_id == me for p in state.participants)
    return True


async def room_view(
    uow: UnitOfWork,
    room: Room,
    me: RoomPerson,
    token: str,
    thread_id: str | None,
    secret: bytes = b"",
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
            session_id=message.session_id,
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
            used=_used(message, me.id, sessions.get(message.session_id or "")),
        )

    channel = [shown(m) for m in visible if m.thread_id is None and m.kind != MessageKind.SCREENING]
    screening = [shown(m) for m in visible if m.kind == MessageKind.SCREENING]
    thread = next((m for m in channel if m.id == thread_id and m.is_question), None)
    thread_messages = (
        [shown(m) for m in visible if m.thread_id == thread.id] if thread is not None else []
    )
    flagged = (
        _flagged(thread, thread_messages, me.id, state, secret)
        if thread is not None and state is not None
        else {}
    )
    return RoomView(
        room, me, token, people, state, channel, thread, thread_messages, screening, flagged
    )


def _used(message: RoomMessage, me: str, state: SessionState | None) -> frozenset[str]:
    """Buttons of a shared message this person has used: agreeing to the ground rules."""
    if state is not None and message.key == ROOT and me in state.agreed:
        return frozenset({ActionId.AGREE.value})
    return frozenset()


def _flagged(
    thread: ShownMessage,
    replies: list[ShownMessage],
    me: str,
    state: SessionState,
    secret: bytes,
) -> dict[str, str]:
    """What the identifier guard finds in the viewer's replies of this thread, as the engine
    counts them (the text it keeps), so that the warning stays until the reply is fixed."""
    asked = state.questions.get(thread.question_id or "")
    if asked is None:
        return {}
    mine = {a.message_id: a.text for a in asked.answers if a.author == me}
    if not mine:
        return {}
    redactor = session_redactor(state, secret)
    flagged = {}
    for reply in replies:
        if not reply.mine or reply.kind != MessageKind.REPLY:
            continue
        text = mine.get(reply.id)
        if text is None and thread.question_id and reply.id.startswith(SCALE_REPLY_PREFIX):
            text = mine.get(scale_message_id(thread.question_id, me))
        if text is not None and (findings := redactor.findings(text)):
            flagged[reply.id] = describe(findings)
    return flagged


@dataclass(frozen=True)
class FormView:
    room: Room
    me: RoomPerson
    token: str
    form: Form
    values: dict[str, str]
    problems: list[str]
    action: str  # where the form is sent
