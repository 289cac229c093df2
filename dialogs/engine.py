"""The facilitation state machine: state + event -> new state + effects. No I/O, no platform.

setup -> ground_rules -> running (stage i, question j) -> record_draft -> awaiting_approval
-> published, and cancelled from any unfinished state.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dialogs import captured, confirmation, messages, preparation, recorder, setup, timing
from dialogs import events as ev
from dialogs.effects import (
    AuditNote,
    DirectMessage,
    Effect,
    Ephemeral,
    EvaluationNote,
    OpenForm,
    Post,
    Update,
)
from dialogs.events import Pacing, Role
from dialogs.guard import Watchlist, find_identifiers
from dialogs.learning import NO_ROUTES, LearningRoutes, refused_by_channel, share_at_publication
from dialogs.models.schema import Asked, CapturedField, QuestionKind, Stage
from dialogs.record import Redactor, describe, draft_record, scale_value, session_redactor
from dialogs.state import (
    FINISHED,
    AgreedAction,
    AnswerEntry,
    Phase,
    QuestionState,
    QuestionStatus,
    RecordDraft,
    SessionState,
)
from dialogs.times import date_and_time, zone

MAX_ANSWER_CHARS = 8000
REMINDER_TIME = time(9, 0)  # in the organisation's time zone
MAX_NOTE_CHARS = 20000
ROOT = "root"
RECORD_DRAFT = "record_draft"
RECORD = "record"
CANCELLED = "cancelled"


# The message key of a question's post starts with this; replies in its thread are answers.
QUESTION_PREFIX = "q:"


def question_key(question_id: str) -> str:
    return QUESTION_PREFIX + question_id


def key_points_key(stage_id: str) -> str:
    return f"kp:{stage_id}"


def reply_refusal(state: SessionState, *, new: bool) -> str | None:
    """The rule for replies, the same on every adapter; None when the reply counts.

    A new answer is recorded while the discussion runs and is not paused (a pause stops the
    discussion: nothing said meanwhile is recorded). An earlier reply can be edited or deleted,
    paused or not, until the record is approved; once the session is published or cancelled
    nothing changes.
    """
    if state.phase in FINISHED:
        been = "been published" if state.phase is Phase.PUBLISHED else "been cancelled"
        if new:
            return f"This session has {been}, so replies are no longer recorded."
        return (
            f"This session has {been}, so changes to replies are not recorded: "
            "the reply stays as it was."
        )
    if not new:
        return None
    if state.phase in (Phase.SCHEDULED, Phase.GROUND_RULES):
        return "The discussion has not begun yet, so this reply was not recorded."
    if state.phase is not Phase.RUNNING:
        return (
            "The discussion has closed and the record is being drafted, so this reply was not "
            "added. You can still edit your earlier replies; tell the facilitator if something "
            "is missing."
        )
    if state.paused_at:
        return (
            "The discussion is paused, so this reply was not recorded. Post it again once the "
            "facilitator resumes the discussion; earlier replies can still be edited."
        )
    return None


@dataclass
class Step:
    state: SessionState | None
    effects: list[Effect] = field(default_factory=list)


class _Turn:
    """One event's work: a private copy of the state and the effects it produces."""

    def __init__(
        self,
        state: SessionState,
        actor: str,
        now: datetime,
        secret: bytes,
        learning: LearningRoutes = NO_ROUTES,
    ) -> None:
        # The model snapshot is frozen; share it rather than copy it on every event. So are the
        # questions, until this turn changes one (`question`): a session's questions are most
        # of its state, and an event changes one or two of them.
        memo: dict[int, object] = {id(state.model): state.model}
        memo[id(state.questions)] = dict(state.questions)
        self.state = copy.deepcopy(state, memo=memo)
        self._own_questions: set[str] = set()
        self.actor = actor
        self.now = now
        self.secret = secret
        self.learning = learning
        self.effects: list[Effect] = []

    # -- the identifier guard ----------------------------------------------------------

    def redactor(self) -> Redactor:
        return session_redactor(self.state, self.secret)

    def warn_identifiers(self, text: str, thread: str | None, what: str) -> None:
        """Tell the author, privately, what kind of identifier their text seems to hold —
        never the identifier itself."""
        findings = self.redactor().findings(text)
        if findings:
            self.tell(
                self.actor,
                f"{what} seems to contain {describe(findings)}. Records must not identify the "
                "child or family, so it is left out of the record draft (shown as “[… removed]”). "
                "Please edit it to take it out.",
                thread,
            )

    # -- captured fields ---------------------------------------------------------------

    def captured_values(
        self, asked: list[CapturedField], submitted: dict[str, str]
    ) -> dict[str, str] | None:
        """The submitted values of the fields asked, stripped; None (and a private explanation,
        nothing saved) if one is not one of them or cannot be kept."""
        ids = {item.id for item in asked}
        if set(submitted) - ids:
            self.refuse("That form holds fields this form does not ask for. Nothing was saved.")
            return None
        values = {item.id: submitted.get(item.id, "").strip() for item in asked}
        problems = [p for item in asked if (p := captured.problem(item, values[item.id]))]
        if problems:
            self.refuse(" ".join(problems) + " Nothing was saved.")
            return None
        return values

    def capture(self, values: dict[str, str]) -> None:
        """Keep the fields' values and warn their author, privately, of identifiers in them."""
        labels = {item.id: item.label for item in self.state.model.fields}
        for field_id, value in values.items():
            self.state.captured[field_id] = value
            self.warn_identifiers(value, None, f"What you wrote for “{labels[field_id]}”")

    # -- effect helpers ----------------------------------------------------------------

    def tell(self, user_id: str, message: str, thread: str | None = None) -> None:
        self.effects.append(
            Ephemeral(user_id=user_id, content=messages.explanation(message), thread=thread)
        )

    def refuse(self, message: str) -> None:
        self.tell(self.actor, message)

    def audit(self, action: str, actor: str | None = None) -> None:
        self.effects.append(AuditNote(action=action, actor=actor or self.actor))

    def update_root(self, *, lazy: bool = False) -> None:
        self.effects.append(Update(key=ROOT, content=messages.root(self.state), lazy=lazy))

    def update_record_ready(self, *, lazy: bool = False) -> None:
        """The "discussion is complete" post: who writes the record, who has confirmed it."""
        content = messages.record_ready(self.state)
        self.effects.append(Update(key=RECORD_DRAFT, content=content, lazy=lazy))

    def update_question(self, question_id: str, *, lazy: bool = False) -> None:
        self.effects.append(
            Update(
                key=question_key(question_id),
                content=messages.question(self.state, question_id, self.now),
                lazy=lazy,
            )
        )

    # -- checks ------------------------------------------------------------------------

    def facilitator_only(self, verb: str) -> bool:
        if self.actor == self.state.facilitator.user_id:
            return True
        self.refuse(
            f"Only the facilitator, {self.state.facilitator.name}, can {verb}. Nothing has changed."
        )
        return False

    def writer_only(self, verb: str) -> bool:
        """The facilitator, or the recorder they handed the record to."""
        s = self.state
        if s.writes_record(self.actor):
            return True
        named = s.recorder_person
        also = f" or the recorder, {named.name}," if named else ""
        self.refuse(
            f"Only the facilitator, {s.facilitator.name},{also} can {verb}. Nothing has changed."
        )
        return False

    def tell_writers(self, message: str) -> None:
        self.tell(self.state.facilitator.user_id, message)
        if self.state.recorder:
            self.tell(self.state.recorder, message)

    def still_open(self, event: ev.Control) -> bool:
        """A control pressed on a question that has since closed changes nothing."""
        if not event.on:
            return True
        shown_on = self.state.questions.get(event.on)
        if shown_on is not None and shown_on.status is QuestionStatus.OPEN:
            return True
        self.refuse("This question has already closed, so nothing has changed.")
        return False

    def running_only(self, verb: str) -> bool:
        phase = self.state.phase
        if phase is Phase.RUNNING:
            return True
        if phase in (Phase.SCHEDULED, Phase.GROUND_RULES):
            self.refuse(f"The discussion has not begun yet, so there is nothing to {verb}.")
        elif phase in FINISHED:
            self.refuse(f"This session has {phase.value}; there is nothing to {verb}.")
        else:
            self.refuse(
                f"The discussion is over and the record is being drafted; you cannot {verb}."
            )
        return False

    def stage_over(self, stage_id: str) -> Stage | None:
        """The stage, if its key points can be written: it is over and nothing is published."""
        s = self.state
        index = next((i for i, st in enumerate(s.model.stages) if st.id == stage_id), None)
        if index is None or s.phase in FINISHED:
            return None
        over = index < s.stage_index or (
            index == s.stage_index
            and (s.awaiting_key_points == stage_id or s.phase is not Phase.RUNNING)
        )
        return s.model.stages[index] if over else None

    # -- stages and questions ----------------------------------------------------------

    def open_stage(self, index: int) -> None:
        s = self.state
        s.stage_index = index
        s.stage_opened_at = self.now
        s.time_box_warned = False
        s.reminded = False
        stage = s.model.stages[index]
        if s.pacing is Pacing.ASYNC:
            s.deadline = self.now + timedelta(hours=s.stage_hours)
            for item in stage.questions:
                self.open_question(stage, item.id)
        else:
            s.deadline = None
            self.open_question(stage, stage.questions[0].id)

    def question(self, question_id: str) -> QuestionState:
        """The question, to change: copied the first time this turn changes it, since until
        then it is the one of the state stepped from."""
        if question_id not in self._own_questions:
            own = copy.deepcopy(self.state.questions[question_id])
            self.state.questions[question_id] = own
            self._own_questions.add(question_id)
        return self.state.questions[question_id]

    def open_question(self, stage: Stage, question_id: str) -> None:
        if question_id in self.state.questions:
            return  # a question is posted once, ever
        self.state.questions[question_id] = QuestionState(
            id=question_id, stage_id=stage.id, opened_at=self.now
        )
        self.effects.append(
            Post(
                key=question_key(question_id),
                content=messages.question(self.state, question_id, self.now),
            )
        )

    def close_open_questions(self, status: QuestionStatus) -> None:
        """Close them; what follows (the next question, the key points, the record) is posted,
        and shows the discussion has moved on, so their own redraw is lazy."""
        for item in self.state.open_questions:
            self.question(item.id).status = status
            self.update_question(item.id, lazy=True)

    def after_question_closed(self) -> None:
        """Live pacing: open the stage's next question, or finish the stage."""
        s = self.state
        stage = s.stage
        assert stage is not None
        remaining = [q for q in stage.questions if q.id not in s.questions]
        if s.pacing is Pacing.LIVE and remaining:
            self.open_question(stage, remaining[0].id)
        else:
            self.finish_stage()

    def finish_stage(self) -> None:
        s = self.state
        stage = s.stage
        assert stage is not None
        if messages.has_stage_form(s, stage) and not messages.stage_noted(s, stage):
            s.awaiting_key_points = stage.id
            s.deadline = None
            self.effects.append(
                Post(key=key_points_key(stage.id), content=messages.key_points(s, stage))
            )
            if s.recorder:
                self.tell(
                    s.recorder,
                    f"“{stage.title}” is over: as the recorder, please write its key points "
                    "(Write key points, under “Key points”).",
                )
        else:
            self.after_stage()

    def after_stage(self) -> None:
        s = self.state
        s.awaiting_key_points = None
        if s.stage_index + 1 < len(s.model.stages):
            self.open_stage(s.stage_index + 1)
        else:
            self.draft_record()

    def draft_record(self) -> None:
        s = self.state
        redactor = self.redactor()
        drafted = draft_record(s, redactor)
        s.record = RecordDraft(
            generated=drafted, sections=dict(drafted), redactions=redactor.removed
        )
        s.phase = Phase.RECORD_DRAFT
        s.deadline = None
        s.awaiting_key_points = None
        # The root shows the same while the record is drafted as while the discussion ran: it
        # is redrawn at publication.
        self.effects.append(Post(key=RECORD_DRAFT, content=messages.record_ready(s)))
        self.audit("record drafted")

    def refresh(self, redactor: Redactor, edits: dict[str, str] | None = None) -> list[str]:
        """Draft again and replace every section the facilitator has not edited (in the record,
        or in `edits` about to be saved, which lose such sections); the titles of edited
        sections whose source has changed since."""
        s = self.state
        assert s.record is not None
        edits = {} if edits is None else edits
        fresh = draft_record(s, redactor)
        s.record.redactions = redactor.removed
        stale = []
        for section in s.model.record.sections:
            sid = section.id
            current = edits.get(sid, s.record.sections.get(sid, "")).strip()
            if current == s.record.generated.get(sid):
                s.record.sections[sid] = fresh[sid]
                edits.pop(sid, None)
            elif fresh[sid] != s.record.generated.get(sid):
                stale.append(section.title)
        s.record.generated = fresh
        return stale

    def redraft(self, what: str = "A reply changed") -> None:
        """Answers or key points changed after drafting: refresh what the facilitator has not
        edited, and say which edited sections may now be out of date."""
        s = self.state
        assert s.record is not None
        before = confirmation.snapshot(s.record)
        redactor = self.redactor()
        stale = self.refresh(redactor)
        s.phase = Phase.RECORD_DRAFT
        message = f"{what} after the record was drafted, so the draft has been refreshed."
        if stale:
            message += " Please check the sections you edited: " + ", ".join(stale) + "."
        message += " Review the draft again before approving it."
        confirmation.after_change(self, before)
        self.tell_writers(message)

    # -- answers -----------------------------------------------------------------------

    def may_answer(self, question_id: str) -> bool:
        s = self.state
        person = s.person(self.actor)
        if person is None:
            if self.actor not in s.told:
                s.told.append(self.actor)
                self.refuse(
                    "Only the people invited to this reflective discussion can answer here, so "
                    "your reply has not been recorded. Ask the facilitator if you should join.",
                )
            return False
        item = s.model.question(question_id)
        if self.actor not in {p.user_id for p in s.asked(item)}:
            told_key = f"{self.actor}:{question_id}"
            if told_key not in s.told:
                s.told.append(told_key)
                self.refuse(
                    f"{messages.asked_words(s, item)}, so your reply in this thread is not "
                    "counted as an answer.",
                )
            return False
        return True

    def valid_text(self, question_id: str, text: str) -> str | None:
        stripped = text.strip()
        thread = question_key(question_id)
        if not stripped:
            self.tell(self.actor, "Your reply was empty, so nothing was recorded.", thread)
            return None
        if len(stripped) > MAX_ANSWER_CHARS:
            self.tell(
                self.actor,
                f"Your reply is {len(stripped):,} characters long; answers can be up to "
                f"{MAX_ANSWER_CHARS:,}. Nothing was recorded: please split it into two or more "
                "replies in the same thread.",
                thread,
            )
            return None
        item = self.state.model.question(question_id)
        if item.kind is QuestionKind.SCALE and item.scale:
            low, high = item.scale.low, item.scale.high
            if scale_value(stripped, low, high) is None:
                self.tell(
                    self.actor,
                    f"This question asks for a number from {low} to {high}. Please reply with "
                    "just the number, or use the buttons.",
                    thread,
                )
                return None
        return stripped

    def after_answers_changed(self, question_id: str) -> None:
        s = self.state
        self.update_question(question_id)
        if s.phase in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL):
            self.redraft()
            return
        if (
            s.phase is not Phase.RUNNING
            or s.paused_at
            or s.awaiting_key_points
            or timing.held_open(s)
        ):
            return
        open_ids = [q.id for q in s.open_questions]
        if question_id not in open_ids or any(s.waiting_for(q) for q in open_ids):
            return
        # Everyone asked has answered every open question: move on.
        self.close_open_questions(QuestionStatus.CLOSED)
        if s.pacing is Pacing.LIVE:
            self.after_question_closed()
        else:
            self.finish_stage()


def _start(event: ev.Start, now: datetime, secret: bytes) -> Step:
    facilitator_id = event.facilitator.user_id
    participants: list[ev.Participant] = []
    for p in event.participants:
        if p.user_id != facilitator_id and p.user_id not in {q.user_id for q in participants}:
            participants.append(p)

    def refused(message: str) -> Step:
        return Step(None, [Ephemeral(user_id=event.actor, content=messages.explanation(message))])

    if not participants:
        return refused("Please invite at least one participant besides the facilitator.")
    presenters = [p for p in participants if p.role is Role.PRESENTER]
    if len(presenters) > 1:
        return refused("Please choose one lead professional (case presenter), not several.")
    needs_presenter = any(
        q.asks in (Asked.PRESENTER, Asked.CONSULTANTS)
        for s in event.model.stages
        for q in s.questions
    )
    if needs_presenter and not presenters:
        return refused(
            f"The {event.model.name} model needs a {event.model.roles.presenter.lower()}: "
            "please choose one of the participants."
        )
    if event.recorder and event.recorder not in {p.user_id for p in participants}:
        return refused("The recorder must be one of the participants.")
    found = find_identifiers(event.case_reference)
    if found:
        return refused(
            f"The case reference seems to contain {describe(found)}. Please use a "
            "pseudonymous code that does not identify the child or family."
        )
    problem = setup.refusal(event)
    if problem:
        return refused(problem)
    entries = [entry.strip() for entry in event.watchlist if entry.strip()]
    if entries and not secret:
        raise ValueError("a watch-list needs the server's secret to be kept")
    hashes = set(event.watch_hashes)
    if entries:
        hashes |= Watchlist.from_entries(secret, entries).hashes
    scheduled = event.scheduled_for if event.scheduled_for and event.scheduled_for > now else None
    state = SessionState(
        id=event.session_id,
        watch_hashes=sorted(hashes),
        model=event.model,
        facilitator=event.facilitator,
        participants=participants,
        recorder=event.recorder or None,
        case_reference=event.case_reference.strip(),
        pacing=event.pacing,
        stage_hours=event.stage_hours,
        created_at=now,
        scheduled_for=scheduled,
        phase=Phase.SCHEDULED if scheduled else Phase.GROUND_RULES,
        no_involvement=event.no_involvement,
        confirmed=list(event.confirmed),
        confidentiality=[point.strip() for point in event.confidentiality if point.strip()],
        request_id=event.request_id,
        issues=event.issues.strip(),
    )
    effects: list[Effect] = [
        AuditNote(action="started", actor=event.actor),
        *setup.audit_notes(event),
    ]
    if scheduled is None:
        effects.append(Post(key=ROOT, content=messages.root(state)))
        if event.send_preparation:
            effects += preparation.send(state, event.actor)
        return Step(state, effects)
    # The Morrison 4x4x4 procedure: the invitation goes ahead, so that people know the purpose and can prepare.
    effects += [
        DirectMessage(user_id=p.user_id, content=preparation.invitation(state, p))
        for p in participants
    ]
    effects.append(
        Ephemeral(
            user_id=event.actor,
            content=messages.explanation(
                f"The session is scheduled for {messages.when(state)}. Each participant has been "
                "sent the invitation with the preparation pack (purpose, ground rules, every "
                "stage's questions, their role and the expected length); you will be reminded "
                "when it is time."
            ),
        )
    )
    return Step(state, effects)


def step(
    state: SessionState | None,
    event: ev.Event,
    now: datetime,
    *,
    secret: bytes = b"",
    learning: LearningRoutes = NO_ROUTES,
) -> Step:
    """Apply one event. The input state is never modified. `secret` keys the watch-list;
    `learning` says where each audience's learning themes go."""
    if isinstance(event, ev.Start):
        if state is not None:
            return Step(
                state,
                [
                    Ephemeral(
                        user_id=event.actor,
                        content=messages.explanation(
                            "A session is already running here, facilitated by "
                            f"{state.facilitator.name}. Only one session can run in a "
                            "conversation at a time: start yours once it is published or "
                            "cancelled, or in another channel."
                        ),
                    )
                ],
            )
        return _start(event, now, secret)
    if state is None:
        raise ValueError("no session to apply the event to")
    turn = _Turn(state, event.actor, now, secret, learning)
    handler = _HANDLERS[type(event)]
    pressed_on_closed = _closed_question_shown_on(state, event)
    pressed_after_publication = _published_message_pressed(state, event)
    handler(turn, event)
    if pressed_on_closed:
        # Its closing redraw was lazy: whoever presses a control it still shows sees it closed.
        turn.update_question(pressed_on_closed)
    if pressed_after_publication:
        turn.update_record_ready()  # lazy at publication: whoever presses it sees it finished
    return Step(turn.state, turn.effects)


def _published_message_pressed(state: SessionState, event: ev.Event) -> bool:
    """Whether the button of the "discussion is complete" post (left as it was at publication)
    was pressed after the record was published."""
    return (
        state.phase is Phase.PUBLISHED
        and isinstance(event, ev.RequestForm)
        and event.form == "record"
    )


def _closed_question_shown_on(state: SessionState, event: ev.Event) -> str | None:
    """The question a control was pressed on, if it has closed."""
    if not isinstance(event, ev.Control) or not event.on:
        return None
    shown_on = state.questions.get(event.on)
    if shown_on is None or shown_on.status is QuestionStatus.OPEN:
        return None
    return shown_on.id


# -- handlers ------------------------------------------------------------------------------


def _agree(t: _Turn, _: ev.AgreeRules) -> None:
    s = t.state
    if not any(p.user_id == t.actor for p in s.participants):
        who = "the facilitator" if t.actor == s.facilitator.user_id else "not a participant"
        t.refuse(f"Only participants agree to the ground rules, and you are {who} here.")
        return
    if t.actor in s.agreed:
        t.refuse("You have already agreed to the ground rules. Thank you.")
        return
    if s.phase is Phase.SCHEDULED:
        t.refuse("The session has not opened yet; you can agree once it does.")
        return
    if s.phase is not Phase.GROUND_RULES:
        t.refuse("The discussion has already moved on from the ground rules.")
        return
    s.agreed.append(t.actor)
    t.update_root()
    t.audit("agreed to the ground rules")


def _begin(t: _Turn, _: ev.Begin) -> None:
    s = t.state
    if not t.facilitator_only("begin the discussion"):
        return
    if s.phase is Phase.SCHEDULED:
        t.refuse("The session has not opened yet. It opens at the time it was scheduled for.")
        return
    if s.phase is not Phase.GROUND_RULES:
        t.refuse("The discussion has already begun.")
        return
    waiting = [p.name for p in s.participants if p.user_id not in s.agreed]
    if waiting:
        t.refuse(
            "Everyone agrees to the ground rules before the discussion begins. Still waiting for: "
            + ", ".join(waiting)
            + ". You can cancel and restart the session without someone who cannot join."
        )
        return
    s.phase = Phase.RUNNING
    s.began_at = t.now
    t.update_root()
    t.audit("began")
    t.open_stage(0)


def _learning_refused(t: _Turn, event: ev.LearningRefused) -> None:
    t.effects += refused_by_channel(t.state, event.reason)


def _send_preparation(t: _Turn, _: ev.SendPreparation) -> None:
    t.effects += preparation.send(t.state, t.actor)


def _answer(t: _Turn, event: ev.Answer) -> None:
    s = t.state
    found = s.find_answer(event.message_id)
    if found:
        _edit(t, ev.EditAnswer(actor=event.actor, message_id=event.message_id, text=event.text))
        return
    refusal = reply_refusal(s, new=True)
    if refusal:
        t.refuse(refusal)
        return
    if event.question_id not in s.questions:
        t.refuse("That question is not open yet.")
        return
    if not t.may_answer(event.question_id):
        return
    text = t.valid_text(event.question_id, event.text)
    if text is None:
        return
    question = t.question(event.question_id)
    question.answers.append(
        AnswerEntry(message_id=event.message_id, author=t.actor, text=text, at=t.now)
    )
    if question.status is not QuestionStatus.OPEN:
        # A late reply still belongs to the discussion; say so, so nobody wonders.
        t.tell(
            t.actor,
            "The group has moved on from this question, but your reply has been added.",
            question_key(event.question_id),
        )
    t.warn_identifiers(text, question_key(event.question_id), "Your reply")
    t.after_answers_changed(event.question_id)


def _edit(t: _Turn, event: ev.EditAnswer) -> None:
    s = t.state
    found = s.find_answer(event.message_id)
    if found is None:
        return  # an edit of a reply that was never counted: nothing to change
    question, answer = found
    if answer.author != t.actor:
        return
    refusal = reply_refusal(s, new=False)
    if refusal:
        t.refuse(refusal)
        return
    text = t.valid_text(question.id, event.text)
    if text is None:
        return
    edited = answer.model_copy(update={"text": text, "edited": True, "at": t.now})
    answers = t.question(question.id).answers
    answers[answers.index(answer)] = edited
    t.warn_identifiers(text, question_key(question.id), "Your edited reply")
    t.after_answers_changed(question.id)


def _delete(t: _Turn, event: ev.DeleteAnswer) -> None:
    s = t.state
    found = s.find_answer(event.message_id)
    if found is None:
        return
    question, answer = found
    if answer.author != t.actor:
        return
    refusal = reply_refusal(s, new=False)
    if refusal:
        t.refuse(refusal)
        return
    t.question(question.id).answers.remove(answer)
    t.after_answers_changed(question.id)


def _move_on(t: _Turn, event: ev.Control, status: QuestionStatus, verb: str) -> None:
    s = t.state
    if not (t.facilitator_only(verb) and t.running_only(verb) and t.still_open(event)):
        return
    if s.awaiting_key_points:
        t.refuse("Please write the key points of this stage first, with the button above.")
        return
    if s.paused_at:
        t.refuse("The discussion is paused. Resume it first.")
        return
    if isinstance(event, ev.Next) and timing.moving_on_early(s, t.now):
        if not event.confirmed:
            shown_on = event.on or s.open_questions[0].id
            t.effects.append(
                Ephemeral(
                    user_id=t.actor,
                    content=timing.early_move_confirmation(s, shown_on, t.now),
                )
            )
            return
        t.audit("moved on before the step's minimum time")
    t.close_open_questions(status)
    if s.pacing is Pacing.LIVE:
        t.after_question_closed()
    else:
        t.finish_stage()


def _next(t: _Turn, event: ev.Next) -> None:
    _move_on(t, event, QuestionStatus.CLOSED, "move to the next question")


def _skip(t: _Turn, event: ev.Skip) -> None:
    _move_on(t, event, QuestionStatus.SKIPPED, "skip a question")


def _pause(t: _Turn, event: ev.Pause) -> None:
    s = t.state
    if not (
        t.facilitator_only("pause the discussion")
        and t.running_only("pause")
        and t.still_open(event)
    ):
        return
    if s.paused_at:
        t.refuse("The discussion is already paused.")
        return
    if s.awaiting_key_points:
        # Nothing runs between stages; a pause here would carry over into the next stage.
        t.refuse("Please write the key points of this stage first, with the button above.")
        return
    s.paused_at = t.now
    t.audit("paused")
    for item in s.open_questions:
        t.update_question(item.id)


def _resume(t: _Turn, event: ev.Resume) -> None:
    s = t.state
    if not (
        t.facilitator_only("resume the discussion")
        and t.running_only("resume")
        and t.still_open(event)
    ):
        return
    if not s.paused_at:
        t.refuse("The discussion is not paused.")
        return
    # Time boxes and deadlines do not run while paused.
    paused_for = t.now - s.paused_at
    if s.stage_opened_at:
        s.stage_opened_at += paused_for
    if s.deadline:
        s.deadline += paused_for
    s.paused_for += paused_for
    s.paused_at = None
    t.audit("resumed")
    for item in s.open_questions:
        t.update_question(item.id)


def _end(t: _Turn, event: ev.End) -> None:
    s = t.state
    if s.phase in (Phase.SCHEDULED, Phase.GROUND_RULES):
        _cancel(t, ev.Cancel(actor=event.actor))
        return
    if not (
        t.facilitator_only("end the discussion") and t.running_only("end") and t.still_open(event)
    ):
        return
    s.paused_at = None
    t.close_open_questions(QuestionStatus.CLOSED)
    stage = s.stage
    if stage and messages.has_stage_form(s, stage) and s.awaiting_key_points != stage.id:
        # The stage was cut short: its key points can still be written for the record.
        t.effects.append(Post(key=key_points_key(stage.id), content=messages.key_points(s, stage)))
    t.audit("ended the discussion")
    t.draft_record()


def _request_form(t: _Turn, event: ev.RequestForm) -> None:
    s = t.state
    if event.form == "key_points":
        if not t.writer_only("write the key points"):
            return
        stage = t.stage_over(event.value)
        if stage is None:
            t.refuse(
                "Key points can be written once a stage is over, until the record is published."
            )
            return
        if not messages.has_stage_form(s, stage):
            t.refuse(f"“{stage.title}” has no key points or fields to write.")
            return
        t.effects.append(OpenForm(user_id=t.actor, form=messages.key_points_form(s, stage)))
        return
    if event.form == "override":
        if not t.facilitator_only("publish the record"):
            return
        if s.phase is not Phase.AWAITING_APPROVAL or s.record is None or not s.record.flagged:
            t.refuse("There is nothing to override: the record can be approved as it is.")
            return
        t.effects.append(OpenForm(user_id=t.actor, form=messages.override_form(s)))
        return
    if event.form == "evaluation":
        if _may_evaluate(t):
            t.effects.append(OpenForm(user_id=t.actor, form=messages.evaluation_form(s)))
        return
    if event.form == "recorder":
        recorder.open_form(t)
        return
    if not t.writer_only("edit the record"):
        return
    if s.phase not in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL):
        t.refuse("The record can be edited once the discussion is over and before it is published.")
        return
    t.effects.append(OpenForm(user_id=t.actor, form=messages.record_form(s)))


def _may_evaluate(t: _Turn) -> bool:
    s = t.state
    if not any(p.user_id == t.actor for p in s.participants):
        t.refuse("Only the participants of this discussion are asked to evaluate it.")
        return False
    if s.phase is not Phase.PUBLISHED or not s.model.evaluation:
        t.refuse("This session has no evaluation open.")
        return False
    if t.actor in s.evaluated:
        t.refuse("You have already evaluated this session. Thank you.")
        return False
    return True


def _submit_evaluation(t: _Turn, event: ev.SubmitEvaluation) -> None:
    s = t.state
    if not _may_evaluate(t):
        return
    questions = {q.id: q for q in s.model.evaluation}
    answers: dict[str, str] = {}
    for question_id, value in event.answers.items():
        question = questions.get(question_id)
        value = value.strip()
        if question is None or not value:
            continue
        if len(value) > MAX_ANSWER_CHARS or (
            question.scale and scale_value(value, question.scale.low, question.scale.high) is None
        ):
            t.refuse(
                f"“{question.text}” could not be saved as given; nothing was stored. Please try again."
            )
            return
        answers[question_id] = value
    s.evaluated.append(t.actor)
    t.effects.append(EvaluationNote(model_id=s.model.id, answers=answers))
    t.effects.append(
        DirectMessage(
            user_id=t.actor,
            content=messages.explanation(
                "Thank you: your evaluation has been stored without your name."
            ),
        )
    )


def _stage_note(t: _Turn, event: ev.StageNote) -> None:
    s = t.state
    if not t.writer_only("write the key points"):
        return
    stage = t.stage_over(event.stage_id)
    if stage is None:
        t.refuse("Key points can be written once a stage is over, until the record is published.")
        return
    if not messages.has_stage_form(s, stage):
        t.refuse(f"“{stage.title}” has no key points or fields to write. Nothing was saved.")
        return
    text = event.text.strip()
    if stage.key_points_prompt and (not text or len(text) > MAX_NOTE_CHARS):
        t.refuse(
            f"Key points must be between 1 and {MAX_NOTE_CHARS:,} characters. Nothing was saved."
        )
        return
    values = t.captured_values(s.model.stage_fields(stage.id), event.fields)
    if values is None:
        return
    if stage.key_points_prompt:
        s.stage_notes[stage.id] = text
        t.warn_identifiers(text, None, f"What you wrote for the key points of “{stage.title}”")
    t.capture(values)
    t.effects.append(Update(key=key_points_key(stage.id), content=messages.key_points(s, stage)))
    if s.phase in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL):
        t.redraft("The key points changed")
    elif s.awaiting_key_points == stage.id:
        t.after_stage()


def _edit_record(t: _Turn, event: ev.EditRecord) -> None:
    s = t.state
    if not t.writer_only("edit the record"):
        return
    if s.phase not in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL) or s.record is None:
        t.refuse("The record can be edited once the discussion is over and before it is published.")
        return
    action_fields = {k: v for k, v in event.sections.items() if k.startswith("agreed-action-")}
    fields = captured.submitted(event.sections)
    sections = {
        k: v
        for k, v in event.sections.items()
        if k not in action_fields and not k.startswith(captured.FIELD_PREFIX)
    }
    known = {section.id for section in s.model.record.sections}
    unknown = sorted(set(sections) - known)
    too_long = [k for k, v in sections.items() if len(v) > MAX_NOTE_CHARS]
    if unknown or too_long:
        t.refuse(
            f"The record was not saved: each section can be up to {MAX_NOTE_CHARS:,} characters"
            + (f" and these sections are unknown: {', '.join(unknown)}" if unknown else "")
            + "."
        )
        return
    if action_fields and not s.model.record.tracks_actions:
        t.refuse(
            f"The record was not saved: the {s.model.name} is not a decision-making forum, so it "
            "takes no actions with owners and review dates. Changes to the child's plan go back "
            "to the child's plan meeting or core group."
        )
        return
    values = t.captured_values(s.model.record_form_fields, fields) if fields else {}
    if values is None:
        return
    before = confirmation.snapshot(s.record)
    if action_fields:
        actions = _agreed_actions(t, action_fields)
        if actions is None:
            return
        s.record.actions = actions
    redactor = t.redactor()
    if any(s.captured.get(k) != v for k, v in values.items()):
        t.capture(values)
        stale = t.refresh(redactor, sections)
        if stale:
            t.tell(
                t.actor,
                "The fields you filled changed what the record drafts for sections you have "
                "edited: " + ", ".join(stale) + ". Please check them.",
            )
    s.record.sections.update({k: v.strip() for k, v in sections.items()})
    confirmation.after_change(t, before)
    titles = {section.id: section.title for section in s.model.record.sections}
    s.record.flagged = {
        titles[sid]: describe(found)
        for sid, text in s.record.sections.items()
        if (found := redactor.findings(text))
    }
    s.phase = Phase.AWAITING_APPROVAL
    t.audit("edited the record")
    if t.actor == s.facilitator.user_id:
        t.effects.append(Ephemeral(user_id=t.actor, content=messages.record_preview(s)))
        return
    # The recorder sees what they wrote; the facilitator gets it to approve.
    t.effects.append(Ephemeral(user_id=t.actor, content=messages.record_preview(s, approves=False)))
    t.effects.append(Ephemeral(user_id=s.facilitator.user_id, content=messages.record_preview(s)))


def _agreed_actions(t: _Turn, fields: dict[str, str]) -> list[AgreedAction] | None:
    """The action rows of the record form; None (and a private explanation) if one is incomplete."""
    s = t.state
    previous = {(a.text, a.owner, a.review_on): a for a in (s.record.actions if s.record else [])}
    owners = {p.user_id for p in s.participants}
    actions = []
    for number in range(1, messages.MAX_ACTIONS + 1):
        text = fields.get(messages.action_field(number, "text"), "").strip()
        owner = fields.get(messages.action_field(number, "owner"), "").strip()
        review = fields.get(messages.action_field(number, "review"), "").strip()
        if not (text or owner or review):
            continue
        try:
            review_on = date.fromisoformat(review)
        except ValueError:
            review_on = None
        if not text or owner not in owners or review_on is None or len(text) > 500:
            t.refuse(
                f"The record was not saved: action {number} needs a description (up to 500 "
                "characters), an owner who took part, and a review date."
            )
            return None
        kept = previous.get((text, owner, review_on))
        actions.append(kept or AgreedAction(text=text, owner=owner, review_on=review_on))
    return actions


def _complete_action(t: _Turn, event: ev.CompleteAction) -> None:
    s = t.state
    actions = s.record.actions if s.record and s.phase is Phase.PUBLISHED else []
    if event.index >= len(actions):
        t.refuse("That action could not be found.")
        return
    action = actions[event.index]
    if t.actor not in (action.owner, s.facilitator.user_id):
        t.refuse("Only the action's owner or the facilitator can mark it as done.")
        return
    if action.done:
        t.refuse("That action is already marked as done.")
        return
    action.done = True
    t.audit("marked an agreed action as done")
    t.tell(t.actor, "Thank you: the action is marked as done.")


def _approve(t: _Turn, event: ev.Approve) -> None:
    s = t.state
    if not t.facilitator_only("approve and publish the record"):
        return
    if s.phase is Phase.RECORD_DRAFT:
        t.refuse("Please review the draft record first (Review the draft record), then approve.")
        return
    if s.phase is not Phase.AWAITING_APPROVAL or s.record is None:
        t.refuse("There is no record waiting for approval.")
        return
    if confirmation.unconfirmed_refusal(t):
        return
    reason = event.override_reason.strip()
    if s.record.flagged and not reason:
        t.refuse(
            "The record still seems to contain identifiers ("
            + "; ".join(f"{title}: {found}" for title, found in s.record.flagged.items())
            + "). Edit it to take them out, or choose Publish anyway and give your reason."
        )
        return
    s.phase = Phase.PUBLISHED
    s.published_at = t.now
    if s.record.flagged:
        t.audit(f"published despite the identifier guard, because: {reason}")
    t.audit("approved the record")
    record = s.model.record
    published = messages.published_record(s)
    if record.posted_to_channel:
        t.effects.append(Post(key=RECORD, content=published))
    else:
        t.effects.append(Post(key=RECORD, content=messages.record_sent_privately(s)))
    # The record's post just below shows the "discussion is complete" post is done with: it is
    # redrawn when someone presses its button. The root is the session's face: it says at once.
    t.update_record_ready(lazy=True)
    t.update_root()
    t.audit("published the record")
    t.effects += share_at_publication(s, t.learning, t.now)
    if record.shared_with_participants:
        # Each participant keeps their own copy (for their own supervision and records).
        for person in s.participants:
            t.effects.append(DirectMessage(user_id=person.user_id, content=published))
    if s.model.evaluation:
        invitation = messages.evaluation_invitation(s)
        for person in s.participants:
            t.effects.append(DirectMessage(user_id=person.user_id, content=invitation))


def _open(t: _Turn) -> None:
    """A scheduled session's time has come: post the ground rules and remind the facilitator."""
    s = t.state
    s.phase = Phase.GROUND_RULES
    t.effects.append(Post(key=ROOT, content=messages.root(s)))
    t.effects.append(
        DirectMessage(
            user_id=s.facilitator.user_id,
            content=messages.explanation(
                "It is time for the reflective discussion you scheduled. The purpose and ground "
                "rules are now posted in the channel; press Begin once everyone has agreed."
            ),
        )
    )
    t.audit("opened the scheduled session", actor=ev.SYSTEM)


def _cancel(t: _Turn, _: ev.Cancel) -> None:
    s = t.state
    if not t.facilitator_only("cancel the session"):
        return
    if s.phase in FINISHED:
        t.refuse(f"This session has already {s.phase.value}.")
        return
    if s.phase is Phase.SCHEDULED:
        # Nothing was posted in the channel yet: tell the people who were invited.
        s.phase = Phase.CANCELLED
        s.cancelled_at = t.now
        notice = messages.explanation(
            f"The reflective discussion planned for {messages.when(s)} has been cancelled."
        )
        for person in s.participants:
            t.effects.append(DirectMessage(user_id=person.user_id, content=notice))
        t.audit("cancelled")
        return
    s.phase = Phase.CANCELLED
    s.cancelled_at = t.now
    s.deadline = None
    s.paused_at = None
    for item in s.open_questions:
        t.question(item.id).status = QuestionStatus.CLOSED
        t.update_question(item.id)
    t.update_root()
    t.effects.append(
        Post(
            key=CANCELLED,
            content=messages.explanation(
                "The facilitator has cancelled this session. No record will be made."
            ),
        )
    )
    t.audit("cancelled")


def _tick(t: _Turn, _: ev.Tick) -> None:
    s = t.state
    if s.phase is Phase.SCHEDULED:
        if s.scheduled_for and t.now >= s.scheduled_for:
            _open(t)
        return
    if s.phase is Phase.PUBLISHED and s.record:
        for index, action in enumerate(s.record.actions):
            if not (action.reminded or action.done) and t.now >= _review_time(action):
                action.reminded = True
                t.effects.append(
                    DirectMessage(user_id=action.owner, content=messages.action_reminder(s, index))
                )
        return
    if s.phase is not Phase.RUNNING or s.paused_at or s.awaiting_key_points:
        return
    stage = s.stage
    assert stage is not None
    if timing.warning_due(s, t.now):
        s.time_box_warned = True
        t.tell(s.facilitator.user_id, timing.maximum_warning(s, t.now))
    if timing.timed_step(s):
        # The minutes shown on the step's message move on.
        for item in s.open_questions:
            t.update_question(item.id)
    if s.deadline is None:
        return
    if t.now >= s.deadline:
        t.close_open_questions(QuestionStatus.CLOSED)
        t.finish_stage()
        return
    if not s.reminded and t.now >= _reminder_time(s):
        s.reminded = True
        closes = date_and_time(s.deadline)
        for person in s.participants:
            waiting = [
                q
                for q in s.open_questions
                if person.user_id in {p.user_id for p in s.waiting_for(q.id)}
            ]
            if waiting:
                t.effects.append(
                    DirectMessage(
                        user_id=person.user_id,
                        content=messages.explanation(
                            f"A reminder: {len(waiting)} question(s) in “{stage.title}” are "
                            f"waiting for your answer. This stage closes on {closes}."
                        ),
                    )
                )


def _reminder_time(s: SessionState) -> datetime:
    assert s.deadline is not None
    return s.deadline - timedelta(hours=s.stage_hours) / 2


def _review_time(action: AgreedAction) -> datetime:
    # Reminders go out on the morning of the review date.
    return datetime.combine(action.review_on, REMINDER_TIME, zone()).astimezone(UTC)


def next_wake(state: SessionState, now: datetime) -> datetime | None:
    """When, after `now`, the session next needs a Tick, if ever (the scheduler's index)."""
    s = state
    if s.phase is Phase.SCHEDULED:
        return s.scheduled_for
    if s.phase is Phase.PUBLISHED and s.record:
        due = [_review_time(a) for a in s.record.actions if not (a.reminded or a.done)]
        return min(due) if due else None
    if s.phase is not Phase.RUNNING or s.paused_at or s.awaiting_key_points:
        return None
    candidates = []
    clock_moves = timing.next_change(s, now)
    if clock_moves:
        candidates.append(clock_moves)
    if s.deadline:
        candidates.append(s.deadline if s.reminded else _reminder_time(s))
    return min(candidates) if candidates else None


_HANDLERS = {
    ev.AgreeRules: _agree,
    ev.Begin: _begin,
    ev.SendPreparation: _send_preparation,
    ev.Answer: _answer,
    ev.EditAnswer: _edit,
    ev.DeleteAnswer: _delete,
    ev.Next: _next,
    ev.Skip: _skip,
    ev.Pause: _pause,
    ev.Resume: _resume,
    ev.End: _end,
    ev.RequestForm: _request_form,
    ev.StageNote: _stage_note,
    ev.EditRecord: _edit_record,
    ev.ChooseRecorder: recorder.choose,
    ev.AskConfirmation: confirmation.ask,
    ev.ConfirmRecord: confirmation.confirm,
    ev.Approve: _approve,
    ev.SubmitEvaluation: _submit_evaluation,
    ev.CompleteAction: _complete_action,
    ev.Cancel: _cancel,
    ev.LearningRefused: _learning_refused,
    ev.Tick: _tick,
}
