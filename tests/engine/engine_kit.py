"""People, models and a small driver for the engine's tests: one session stepped event by event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dialogs import events as ev
from dialogs import timing
from dialogs.content import Content
from dialogs.effects import DirectMessage, Effect, Ephemeral, OpenForm, Post, Response, Update
from dialogs.engine import step
from dialogs.events import Pacing, Participant, Person, Role
from dialogs.learning import LearningRoutes
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
from dialogs.state import SessionState

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

FACILITATOR = Person(user_id="U-FAC", name="Fran Facilitator", agency="Chair")
PRESENTER = Participant(
    user_id="U-PRE", name="Pat Presenter", agency="Social work", role=Role.PRESENTER
)
POLICE = Participant(user_id="U-POL", name="Sam Constable", agency="Police")
HEALTH = Participant(user_id="U-HEA", name="Jo Visitor", agency="Health visiting")
TEAM = (PRESENTER, POLICE, HEALTH)
OUTSIDER = "U-OUT"

BUILTIN = Catalogue.load()

LEARNING_CHANNEL = "C-LEARN"
# Unless a test says otherwise, every audience's learning themes have a channel.
LEARNING_ROUTES = LearningRoutes(default=LEARNING_CHANNEL)


def builtin(model_id: str) -> FacilitationModel:
    model = BUILTIN.get(model_id)
    assert model is not None, model_id
    return model


def small_model(
    *,
    key_points: bool = True,
    learning: bool = True,
    time_box: dict[str, int] | None = None,
    learning_template: str = "{{ stages.second.key_points }}",
    fields: list[dict[str, Any]] | None = None,
    sections: list[dict[str, Any]] = (),
    **record_settings: bool,
) -> FacilitationModel:
    """Two stages: `first` asks everyone (q1) then the presenter alone (q2); `second` asks
    everyone (q3) then for a number from 1 to 3 (q4). `fields` are its captured fields and
    `sections` more record sections after the two it always has."""
    prompt = "Summarise the key points." if key_points else ""
    data: dict[str, Any] = {
        "id": "small",
        "name": "Small model",
        "summary": "Two short stages.",
        "purposes": ["Reflect together."],
        "ground_rules": ["Listen."],
        "stages": [
            {
                "id": "first",
                "title": "First stage",
                "key_points_prompt": prompt,
                "time_box": time_box,
                "questions": [
                    {"id": "q1", "text": "What happened?"},
                    {"id": "q2", "text": "What did you expect?", "asks": "presenter"},
                ],
            },
            {
                "id": "second",
                "title": "Second stage",
                "key_points_prompt": prompt,
                "questions": [
                    {"id": "q3", "text": "What next?"},
                    {
                        "id": "q4",
                        "text": "How confident are you?",
                        "kind": "scale",
                        "scale": {"low": 1, "high": 3},
                    },
                ],
            },
        ],
        "fields": fields or [],
        "record": {
            "title": "Small record",
            "sections": [
                {
                    "id": "answers",
                    "title": "What was said",
                    "source": {"answers": ["q1"]},
                    "template": "{% for a in questions.q1.answers %}{{ a.text }}\n{% endfor %}",
                },
                {
                    "id": "lessons",
                    "title": "Lessons",
                    "source": {"key_points": ["second"]},
                    "template": learning_template,
                },
                *sections,
            ],
            "learning_section": "lessons" if learning else None,
            **record_settings,
        },
    }
    return FacilitationModel.model_validate(data)


def start_event(
    model: FacilitationModel,
    participants: tuple[Participant, ...] = TEAM,
    *,
    pacing: Pacing = Pacing.LIVE,
    stage_hours: int = 24,
    actor: str = FACILITATOR.user_id,
    no_involvement: bool | None = None,
    **setup: Any,
) -> ev.Start:
    """A Start; the facilitator declares no involvement when the model requires it, unless
    `no_involvement` says otherwise. `setup` adds other Start fields."""
    return ev.Start(
        actor=actor,
        session_id="s-1",
        model=model,
        facilitator=FACILITATOR,
        participants=participants,
        case_reference="RCD-0042",
        pacing=pacing,
        stage_hours=stage_hours,
        no_involvement=(
            model.requires_independent_facilitator if no_involvement is None else no_involvement
        ),
        **setup,
    )


def content_text(effect: Effect) -> str:
    content = effect.content  # type: ignore[attr-defined]
    parts = [content.title, content.summary]
    for block in content.blocks:
        parts.append(block.text)
        parts.extend(block.items)
        parts.extend(person.name for person in block.people)
    return "\n".join(parts)


class Session:
    """A session stepped through the engine; `effects` are those of the last event."""

    def __init__(
        self,
        model: FacilitationModel,
        participants: tuple[Participant, ...] = TEAM,
        *,
        pacing: Pacing = Pacing.LIVE,
        stage_hours: int = 24,
        learning: LearningRoutes = LEARNING_ROUTES,
    ) -> None:
        self.now = T0
        self.learning = learning
        started = step(
            None, start_event(model, participants, pacing=pacing, stage_hours=stage_hours), T0
        )
        assert started.state is not None, started.effects
        self.state: SessionState = started.state
        self.effects: list[Effect] = started.effects
        self._messages = 0

    def do(self, event: ev.Event, *, later: timedelta = timedelta()) -> list[Effect]:
        self.now += later
        result = step(self.state, event, self.now, learning=self.learning)
        assert result.state is not None
        self.state = result.state
        self.effects = result.effects
        return result.effects

    # -- common moves ---------------------------------------------------------------------

    def begin(self) -> None:
        for person in self.state.participants:
            self.do(ev.AgreeRules(actor=person.user_id))
        self.do(ev.Begin(actor=FACILITATOR.user_id))

    def answer(
        self,
        user_id: str,
        question_id: str,
        text: str = "",
        message_id: str | None = None,
        *,
        later: timedelta = timedelta(),
    ) -> list[Effect]:
        if message_id is None:
            self._messages += 1
            message_id = f"m{self._messages}"
        words = text or f"{user_id} on {question_id}"
        return self.do(
            ev.Answer(actor=user_id, question_id=question_id, message_id=message_id, text=words),
            later=later,
        )

    def answer_open(self, text: str = "") -> None:
        """Everyone asked answers every open question (scale questions with their lowest value)."""
        for question in list(self.state.open_questions):
            item = self.state.model.question(question.id)
            for person in self.state.waiting_for(question.id):
                words = str(item.scale.low) if item.scale else text
                self.answer(person.user_id, question.id, words)

    def note(self, stage_id: str, text: str = "Key points.") -> list[Effect]:
        return self.do(ev.StageNote(actor=FACILITATOR.user_id, stage_id=stage_id, text=text))

    def run_to_record(self) -> None:
        """Answer everything and write every key point until the record is drafted."""
        self.begin()
        while self.state.phase == "running":
            if self.state.awaiting_key_points:
                self.note(self.state.awaiting_key_points)
            elif timing.held_open(self.state):
                # A timed step waits for the facilitator to move on, whoever has replied.
                self.answer_open()
                self.do(ev.Next(actor=FACILITATOR.user_id, confirmed=True))
            else:
                self.answer_open()

    def edit_record(self, **sections: str) -> list[Effect]:
        return self.do(ev.EditRecord(actor=FACILITATOR.user_id, sections=sections))

    # -- what the last event did ----------------------------------------------------------

    def published(self) -> Content:
        """The published record as a participant reads it: the channel's post, or their private
        copy where the model sends the record to each participant instead."""
        if self.state.model.record.posted_to_channel:
            return self.post("record").content
        title = self.state.model.record.title
        return next(m.content for m in self.direct_messages() if m.content.title == title)

    def posted(self) -> list[str]:
        return [e.key for e in self.effects if isinstance(e, Post)]

    def updated(self) -> list[str]:
        return [e.key for e in self.effects if isinstance(e, Update)]

    def told(self, user_id: str) -> list[str]:
        """What one person was told privately (ephemeral or direct message, or the answer to
        their press shown in place of the message they pressed)."""
        return [
            content_text(e)
            for e in self.effects
            if isinstance(e, Ephemeral | DirectMessage | Response) and e.user_id == user_id
        ]

    def responses(self, user_id: str) -> list[Response]:
        return [e for e in self.effects if isinstance(e, Response) and e.user_id == user_id]

    def direct_messages(self) -> list[DirectMessage]:
        return [e for e in self.effects if isinstance(e, DirectMessage)]

    def forms(self) -> list[OpenForm]:
        return [e for e in self.effects if isinstance(e, OpenForm)]

    def post(self, key: str) -> Post:
        (found,) = [e for e in self.effects if isinstance(e, Post) and e.key == key]
        return found

    def answers(self) -> dict[str, list[tuple[str, str]]]:
        return {
            qid: [(a.author, a.text) for a in q.answers] for qid, q in self.state.questions.items()
        }
