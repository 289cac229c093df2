"""Sessions of every model over several months, made through the session service as a group
would make them, for the learning report's tests; and what each one was, to check the report
against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from service_kit import (
    CATALOGUE,
    FACILITATOR,
    STEP,
    current_state,
    model,
    next_event,
)

from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.events import Participant, Role
from dialogs.messages import action_field
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel, Question, QuestionKind, Scale
from dialogs.record import format_date
from dialogs.state import Phase, SessionState
from storage.repositories import Conversation

# A local model, added from an organisation's folder: Kolb's cycle with its own evaluation.
LOCAL = model("kolb").model_copy(
    update={
        "id": "kolb-local",
        "name": "Kolb's cycle, evaluated locally",
        "evaluation": [
            Question(
                id="useful",
                text="How useful was the session?",
                kind=QuestionKind.SCALE,
                scale=Scale(low=1, high=4),
            ),
            Question(id="comment", text="Anything else you would like to say?"),
        ],
    }
)
MODELS = Catalogue(models={**CATALOGUE.models, LOCAL.id: LOCAL}, problems=[])

AGENCIES = ("Social work", "Police", "Health visiting", "Education", "Third sector")


@dataclass
class Made:
    """One session as it was made, with what the report must show of it and keep out."""

    session_id: str
    model: FacilitationModel
    month: str
    phase: Phase
    agencies: set[str]
    theme: str = ""
    actions: list[tuple[str, str, bool]] = field(default_factory=list)  # text, agency, done
    evaluations: list[dict[str, str]] = field(default_factory=list)
    state: SessionState | None = None

    @property
    def kept_out(self) -> list[str]:
        """What must appear nowhere in the report: the case reference, the date held (as the
        record writes it and as a machine does) and the names of everyone taking part."""
        assert self.state is not None
        people = [self.state.facilitator, *self.state.participants]
        held = self.state.began_at or self.state.created_at
        return [
            self.state.case_reference,
            format_date(self.state),
            held.date().isoformat(),
            *(p.name for p in people),
        ]


def _people(number: int, agencies: tuple[str, ...]) -> tuple[Participant, ...]:
    """Participants with names of their own for each session, the first presenting."""
    first = ("Ottoline", "Barnaby", "Ysolde", "Peregrine", "Clementine", "Evander")
    last = ("Quarrington", "Fenwick", "Marchbanks", "Holloway", "Ashdown", "Tregarthen")
    return tuple(
        Participant(
            user_id=f"U-{number}-{i}",
            name=f"{first[(number + i) % len(first)]} {last[(number * 2 + i) % len(last)]}",
            agency=agency,
            role=Role.PRESENTER if i == 0 else Role.CONSULTANT,
        )
        for i, agency in enumerate(agencies)
    )


def number_of(state: SessionState) -> str:
    return state.id.removeprefix("s-")


class Organisation:
    """Makes sessions one after another, moving the clock on between them."""

    def __init__(self, service: SessionService, dispatcher: Dispatcher, clock: ManualClock) -> None:
        self.service, self.dispatcher, self.clock = service, dispatcher, clock
        self.made: list[Made] = []

    async def _step(self, session_id: str, event: ev.Event) -> None:
        self.clock.advance(STEP)
        await self.service.handle(session_id, event)
        await self.service.tick_due()
        await self.dispatcher.drain()

    async def session(
        self,
        facilitation: FacilitationModel,
        agencies: tuple[str, ...],
        *,
        cancel: str | None = None,  # "before" it begins, or "during" it
        actions: tuple[tuple[str, int], ...] = (),  # text, index of the owner among people
        evaluations: tuple[dict[str, str], ...] = (),
        done: tuple[int, ...] = (),  # actions marked as done after publishing
    ) -> Made:
        number = len(self.made) + 1
        session_id = f"s-{number}"
        people = _people(number, agencies)
        start = ev.Start(
            actor=FACILITATOR.user_id,
            session_id=session_id,
            model=facilitation,
            facilitator=FACILITATOR,
            participants=people,
            case_reference=f"RCD-{4700 + number}",
            no_involvement=facilitation.requires_independent_facilitator,
        )
        await self.service.start(Conversation("fake", f"C-{number}"), start)
        await self.dispatcher.drain()
        theme = f"Theme {number}: information sharing between {agencies[-1]} and the team."
        while (state := await current_state(self.service.store, session_id)).phase not in (
            Phase.PUBLISHED,
            Phase.CANCELLED,
        ):
            event = next_event(state)
            if cancel == "before" or (cancel == "during" and state.phase is Phase.RUNNING):
                event = ev.Cancel(actor=FACILITATOR.user_id)
            elif state.phase is Phase.RECORD_DRAFT:
                event = self._record(state, theme, people, actions)
            assert event is not None
            await self._step(session_id, event)
        for index in done:
            await self._step(session_id, ev.CompleteAction(actor=FACILITATOR.user_id, index=index))
        for person, answers in zip(people, evaluations, strict=False):
            await self._step(session_id, ev.SubmitEvaluation(actor=person.user_id, answers=answers))
        state = await current_state(self.service.store, session_id)
        held = state.began_at or state.created_at
        made = Made(
            session_id=session_id,
            model=facilitation,
            month=f"{held:%B %Y}",
            phase=state.phase,
            agencies=set(agencies) if state.began_at else set(),
            theme=theme if facilitation.record.learning_section and not cancel else "",
            actions=[
                (text, people[owner].agency, i in done) for i, (text, owner) in enumerate(actions)
            ],
            evaluations=list(evaluations[: len(people)]) if not cancel else [],
            state=state,
        )
        self.made.append(made)
        return made

    @staticmethod
    def _record(
        state: SessionState,
        theme: str,
        people: tuple[Participant, ...],
        actions: tuple[tuple[str, int], ...],
    ) -> ev.EditRecord:
        """The facilitator's edit: the drafted sections, the learning section with the
        session's theme (and, carelessly, the case reference and a name), and the actions."""
        assert state.record is not None
        sections = dict(state.record.sections)
        learning = state.model.record.learning_section
        if learning:
            sections[learning] = (
                f"{sections[learning]}\n{theme}\n"
                f"Case {state.case_reference}: {people[0].name} raised it first."
            )
        if "take_back" in sections:
            sections["take_back"] = (
                f"Take back {number_of(state)}: the plan's review date, from {people[1].name}."
            )
        review = (state.created_at + timedelta(days=40)).date()
        for number, (text, owner) in enumerate(actions, 1):
            sections[action_field(number, "text")] = text
            sections[action_field(number, "owner")] = people[owner].user_id
            sections[action_field(number, "review")] = review.isoformat()
        return ev.EditRecord(actor=FACILITATOR.user_id, sections=sections)

    def next_month(self, day: int = 10) -> None:
        """On to a weekday morning early in the next month."""
        now = self.clock.now()
        first = date(now.year + (now.month == 12), now.month % 12 + 1, day)
        self.clock.advance(
            now.replace(year=first.year, month=first.month, day=first.day, hour=9, minute=30) - now
        )


def moray_evaluation(explore: int, confidence: int, learnt: str) -> dict[str, str]:
    return {
        "explore_reflect": str(explore),
        "confidence_knowledge": str(confidence),
        "different_views": learnt,
        "own_supervision": "Bring the chronology to supervision.",
    }


async def make_the_year(organisation: Organisation) -> list[Made]:
    """Every built-in model (and a local one) over four months, published and cancelled."""
    o = organisation
    moray, kolb, morrison = model("moray-rcd"), model("kolb"), model("morrison-4x4x4")
    portsmouth, space = model("portsmouth-rpm"), model("space-to-think")
    # November 2026
    await o.session(
        moray,
        AGENCIES[:3],
        evaluations=(
            moray_evaluation(5, 4, "Health's view of the home visits."),
            moray_evaluation(4, 4, "How the police log a concern."),
            moray_evaluation(3, 2, "That the school sees the child every day."),
        ),
    )
    await o.session(kolb, ("Social work", "Education"))
    await o.session(space, ("Social work", "Police"), cancel="before")
    o.next_month()
    # December 2026
    # Moray and Argyll & Bute take no actions (not decision-making forums); 4x4x4 does.
    await o.session(
        morrison,
        ("Social work", "Health visiting", "Third sector"),
        actions=(("Share the chronology with the school nurse", 1), ("Book a core group", 2)),
        done=(0,),
    )
    await o.session(
        portsmouth, ("Social work", "Police", "Education"), actions=(("Brief the team", 0),)
    )
    await o.session(
        moray,
        ("Social work", "Police", "Education"),
        evaluations=(
            moray_evaluation(5, 5, "The value of a shared timeline."),
            moray_evaluation(4, 3, "Education's view of attendance."),
            moray_evaluation(2, 3, "Less than I hoped."),
        ),
    )
    await o.session(space, ("Social work", "Health visiting", "Police"))
    o.next_month()
    # January 2027
    await o.session(
        moray,
        ("Social work", "Third sector"),
        evaluations=(moray_evaluation(1, 1, "A lone voice that must not be singled out."),),
    )
    await o.session(kolb, ("Police", "Education"), cancel="during")
    o.next_month()
    # February 2027
    await o.session(
        LOCAL,
        ("Social work", "Police"),
        evaluations=(
            {"useful": "4", "comment": "Only two of us answered this one."},
            {"useful": "2", "comment": "A second small voice."},
        ),
    )
    return o.made
