"""Random event sequences from anyone, at any time: what must hold after every step."""

from __future__ import annotations

from datetime import timedelta

from engine_kit import (
    FACILITATOR,
    HEALTH,
    OUTSIDER,
    POLICE,
    PRESENTER,
    T0,
    builtin,
    small_model,
    start_event,
)
from hypothesis import HealthCheck, settings
from hypothesis import event as event_label
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from dialogs import events as ev
from dialogs import timing
from dialogs.effects import Effect, Ephemeral, Post, Update
from dialogs.engine import MAX_ANSWER_CHARS, step
from dialogs.events import Pacing
from dialogs.state import FINISHED, Phase, SessionState

MODELS = [small_model(), small_model(time_box={"min_minutes": 1, "max_minutes": 3})] + [
    builtin(i) for i in ("space-to-think", "kolb", "portsmouth-rpm")
]
ACTORS = [FACILITATOR.user_id, PRESENTER.user_id, POLICE.user_id, HEALTH.user_id, OUTSIDER]
TEXTS = ["I think so.", "", "   ", "2", "9", "x" * (MAX_ANSWER_CHARS + 1), "<!channel> & @here"]

actors = st.sampled_from(ACTORS)
texts = st.sampled_from(TEXTS)
message_ids = st.sampled_from([f"m{i}" for i in range(6)])


def answers_of(state: SessionState) -> dict[str, list[tuple[str, str, str]]]:
    return {
        qid: [(a.message_id, a.author, a.text) for a in q.answers]
        for qid, q in state.questions.items()
    }


class SessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.state: SessionState | None = None
        self.posted: list[str] = []
        self.counter = 0
        self.previewed = False  # the facilitator has seen the record as it now stands

    @initialize(
        model=st.sampled_from(MODELS),
        pacing=st.sampled_from(list(Pacing)),
        stage_hours=st.integers(1, 48),
    )
    def start(self, model, pacing: Pacing, stage_hours: int) -> None:
        started = step(None, start_event(model, pacing=pacing, stage_hours=stage_hours), self.now)
        assert started.state is not None
        self.state = started.state
        self.record(started.effects)

    def record(self, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Update):
                assert effect.key in self.posted, f"update of {effect.key}, never posted"
            if isinstance(effect, Post):
                assert effect.key not in self.posted, f"{effect.key} posted twice"
                self.posted.append(effect.key)

    def apply(self, event: ev.Event) -> None:
        assert self.state is not None
        before = self.state
        snapshot = before.model_dump_json()
        result = step(before, event, self.now)
        assert before.model_dump_json() == snapshot, "step() changed its input state"
        assert result.state is not None
        if isinstance(event, ev.Answer | ev.EditAnswer | ev.DeleteAnswer) and before.phase in (
            FINISHED
        ):
            assert answers_of(result.state) == answers_of(before)
        if any(isinstance(e, Post) and e.key == "record" for e in result.effects):
            assert isinstance(event, ev.Approve)
            assert event.actor == FACILITATOR.user_id
            assert self.previewed
        if any(
            isinstance(e, Ephemeral) and e.content.title.startswith("Preview")
            for e in result.effects
        ):
            assert isinstance(event, ev.EditRecord) and event.actor == FACILITATOR.user_id
            self.previewed = True
        if result.state.phase is not Phase.AWAITING_APPROVAL:
            self.previewed = False
        event_label(result.state.phase.value)
        self.state = result.state
        self.record(result.effects)

    def question_ids(self) -> list[str]:
        assert self.state is not None
        return [q.id for s in self.state.model.stages for q in s.questions]

    # -- the events --------------------------------------------------------------------

    @rule(actor=actors)
    def agree(self, actor: str) -> None:
        self.apply(ev.AgreeRules(actor=actor))

    @rule(actor=actors, weight=st.integers(0, 3))
    def begin(self, actor: str, weight: int) -> None:
        # Usually everyone agrees first, so that most runs get into the discussion.
        assert self.state is not None
        if weight:
            for person in self.state.participants:
                self.apply(ev.AgreeRules(actor=person.user_id))
        self.apply(ev.Begin(actor=actor))

    @rule(data=st.data(), text=texts, message_id=message_ids, anyone=st.booleans())
    def answer(self, data: st.DataObject, text: str, message_id: str, anyone: bool) -> None:
        assert self.state is not None
        waiting = [
            (q.id, p.user_id)
            for q in self.state.open_questions
            for p in self.state.waiting_for(q.id)
        ]
        if waiting and not anyone:
            question_id, actor = data.draw(st.sampled_from(waiting))
            item = self.state.model.question(question_id)
            if item.scale and data.draw(st.booleans()):
                text = str(data.draw(st.integers(item.scale.low, item.scale.high)))
        else:
            posted = list(self.state.questions)
            question_id = data.draw(st.sampled_from(posted or self.question_ids()))
            actor = data.draw(actors)
        self.apply(
            ev.Answer(actor=actor, question_id=question_id, message_id=message_id, text=text)
        )

    @rule(actor=actors, message_id=message_ids, text=texts)
    def edit(self, actor: str, message_id: str, text: str) -> None:
        self.apply(ev.EditAnswer(actor=actor, message_id=message_id, text=text))

    @rule(actor=actors, message_id=message_ids)
    def delete(self, actor: str, message_id: str) -> None:
        self.apply(ev.DeleteAnswer(actor=actor, message_id=message_id))

    @rule(
        actor=actors,
        move=st.sampled_from([ev.Next, ev.Skip, ev.Pause, ev.Resume, ev.End, ev.Cancel]),
    )
    def steer(self, actor: str, move: type[ev.Event]) -> None:
        self.apply(move(actor=actor))

    @rule(minutes=st.integers(0, 3 * 24 * 60))
    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        self.apply(ev.Tick())

    @rule(actor=actors, data=st.data(), text=st.sampled_from(["Key points.", "", "k" * 20001]))
    def key_points(self, actor: str, data: st.DataObject, text: str) -> None:
        assert self.state is not None
        stage_ids = [s.id for s in self.state.model.stages]
        stage_id = self.state.awaiting_key_points or data.draw(st.sampled_from(stage_ids))
        self.apply(ev.RequestForm(actor=actor, form="key_points", value=stage_id))
        self.apply(ev.StageNote(actor=actor, stage_id=stage_id, text=text))

    @rule(actor=actors, unknown=st.booleans(), text=st.sampled_from(["Edited.", "   "]))
    def edit_record(self, actor: str, unknown: bool, text: str) -> None:
        assert self.state is not None
        section = "no_such_section" if unknown else self.state.model.record.sections[-1].id
        self.apply(ev.RequestForm(actor=actor, form="record"))
        self.apply(ev.EditRecord(actor=actor, sections={section: text}))

    @rule()
    def the_group_moves_on(self) -> None:
        """What a cooperative group does next, so that runs reach the record and beyond."""
        s = self.state
        assert s is not None
        fac = FACILITATOR.user_id
        if s.phase is Phase.GROUND_RULES:
            self.begin(fac, weight=1)
        elif s.phase is Phase.RUNNING and s.paused_at:
            self.apply(ev.Resume(actor=fac))
        elif s.phase is Phase.RUNNING and s.awaiting_key_points:
            self.apply(ev.StageNote(actor=fac, stage_id=s.awaiting_key_points, text="Noted."))
        elif timing.held_open(s) and not any(s.waiting_for(q.id) for q in s.open_questions):
            # A timed step waits for the facilitator, who moves on once everyone has spoken.
            self.apply(ev.Next(actor=fac, confirmed=True))
        elif s.phase is Phase.RUNNING:
            for question in s.open_questions:
                item = s.model.question(question.id)
                for person in s.waiting_for(question.id):
                    self.counter += 1
                    words = str(item.scale.high) if item.scale else "Said in the group."
                    self.apply(
                        ev.Answer(
                            actor=person.user_id,
                            question_id=question.id,
                            message_id=f"g{self.counter}",
                            text=words,
                        )
                    )
        elif s.phase is Phase.RECORD_DRAFT:
            self.apply(ev.EditRecord(actor=fac, sections={}))
        elif s.phase is Phase.AWAITING_APPROVAL:
            self.apply(ev.Approve(actor=fac))

    @precondition(lambda self: self.state is not None and self.state.phase is not Phase.RUNNING)
    @rule(actor=actors)
    def approve(self, actor: str) -> None:
        self.apply(ev.Approve(actor=actor))

    # -- what always holds -------------------------------------------------------------

    @invariant()
    def counted_answers_come_from_those_asked(self) -> None:
        if self.state is None:
            return
        for question in self.state.questions.values():
            asked = {p.user_id for p in self.state.asked(self.state.model.question(question.id))}
            assert {a.author for a in question.answers} <= asked

    @invariant()
    def the_state_reloads_equal(self) -> None:
        if self.state is None:
            return
        assert SessionState.model_validate_json(self.state.model_dump_json()) == self.state

    @invariant()
    def a_record_exists_once_the_discussion_is_over(self) -> None:
        if self.state is None:
            return
        if self.state.phase in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL, Phase.PUBLISHED):
            assert self.state.record is not None
        if self.state.phase is Phase.PUBLISHED:
            assert "record" in self.posted


SessionMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_sessions = SessionMachine.TestCase
