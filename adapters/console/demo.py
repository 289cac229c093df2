"""`reflectbot demo`: a whole scripted session through the real engine, storage and outbox."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TextIO

from adapters.console import cast
from adapters.console.deliverer import ConsoleDeliverer
from adapters.console.render import render_form
from bot.clock import ManualClock
from bot.runtime import Runtime
from dialogs import events as ev
from dialogs import timing
from dialogs.captured import form_id
from dialogs.effects import OpenForm
from dialogs.messages import action_field
from dialogs.models.schema import Asked, FacilitationModel, QuestionKind
from dialogs.state import Phase, SessionState
from storage.repositories import Conversation

PLATFORM = "console"


class Demo:
    def __init__(self, runtime: Runtime, out: TextIO) -> None:
        self.runtime = runtime
        self.out = out
        self.messages = 0
        runtime.deliverers[PLATFORM] = ConsoleDeliverer(out)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def act(self, session_id: str, event: ev.Event) -> SessionState:
        outcome = await self.runtime.service.handle(session_id, event)
        for effect in outcome.immediate:
            if isinstance(effect, OpenForm):
                self.say("\n" + render_form(effect.form, "   "))
        await self.runtime.dispatcher.drain()
        assert outcome.state is not None
        return outcome.state

    def clock_forward(self, minutes: int) -> None:
        if isinstance(self.runtime.clock, ManualClock):
            self.runtime.clock.advance(timedelta(minutes=minutes))

    async def move_on(self, session_id: str, state: SessionState) -> SessionState:
        """A timed step stays open until the facilitator moves on; before the step's minimum
        (the first step, here) they are asked to confirm."""
        facilitator = state.facilitator.user_id
        name = state.facilitator.name
        self.say(f"\n▶ {name} presses [Next]")
        open_ids = {q.id for q in state.open_questions}
        moved = await self.act(session_id, ev.Next(actor=facilitator))
        if not open_ids & {q.id for q in moved.open_questions}:
            return moved
        self.say(f"\n▶ {name} presses [Move on now]")
        return await self.act(session_id, ev.Next(actor=facilitator, confirmed=True))

    async def run(self, model: FacilitationModel) -> SessionState:
        facilitator = cast.FACILITATOR
        participants = cast.PARTICIPANTS
        names = {p.user_id: p.name for p in (facilitator, *participants)}
        conversation = Conversation(PLATFORM, f"demo-{uuid.uuid4().hex[:8]}", {"names": names})
        self.say(f"A reflective case discussion using “{model.name}”, run by the real engine.")
        self.say(f"{facilitator.name} types /reflect in the team channel and fills in the form.")
        self.say("The form's watch-list holds the child's name; only a keyed hash of it is kept.")
        start = ev.Start(
            actor=facilitator.user_id,
            session_id=uuid.uuid4().hex,
            model=model,
            facilitator=facilitator,
            participants=participants,
            case_reference="RCD-0417",
            watchlist=cast.WATCHLIST,
            # The demo's facilitator has no involvement and confirms what the model asks.
            no_involvement=True,
            confirmed=tuple(c.id for c in model.setup_confirmations),
        )
        outcome = await self.runtime.service.start(conversation, start)
        assert outcome.session_id is not None and outcome.state is not None
        session_id = outcome.session_id
        await self.runtime.dispatcher.drain()
        for person in participants:
            self.say(f"\n▶ {person.name} presses [I agree]")
            state = await self.act(session_id, ev.AgreeRules(actor=person.user_id))
        self.say(f"\n▶ {facilitator.name} presses [Begin]")
        state = await self.act(session_id, ev.Begin(actor=facilitator.user_id))
        number = 0
        while state.phase is Phase.RUNNING:
            if state.awaiting_key_points:
                stage_id = state.awaiting_key_points
                self.say(f"\n▶ {facilitator.name} presses [Write key points]")
                await self.act(
                    session_id,
                    ev.RequestForm(actor=facilitator.user_id, form="key_points", value=stage_id),
                )
                stage = next(s for s in model.stages if s.id == stage_id)
                key_points = cast.KEY_POINTS.get(stage_id, "") if stage.key_points_prompt else ""
                fields = {f.id: cast.FIELDS[f.id] for f in model.stage_fields(stage_id)}
                for label, words in (
                    ("Key points", key_points),
                    *((f.label, fields[f.id]) for f in model.stage_fields(stage_id)),
                ):
                    if words:
                        self.say(f"      ↳ {label}: {words}")
                state = await self.act(
                    session_id,
                    ev.StageNote(
                        actor=facilitator.user_id, stage_id=stage_id, text=key_points, fields=fields
                    ),
                )
                continue
            stage = state.stage
            timed = timing.held_open(state)
            if stage and stage.time_box and timed and state.stage_index > 0:
                # The second step runs over its time box, so the facilitator is warned; the
                # others take their minimum (the first is cut short, to show the confirmation).
                box = stage.time_box
                self.clock_forward(box.max_minutes if state.stage_index == 1 else box.min_minutes)
                await self.runtime.service.tick_due()
                await self.runtime.dispatcher.drain()
            for question in state.open_questions:
                item = model.question(question.id)
                for person in state.waiting_for(question.id):
                    number += 1
                    self.clock_forward(2)
                    if item.asks is Asked.FACILITATOR:
                        words = cast.FACTS_SUMMARY
                    elif item.kind is QuestionKind.SCALE:
                        words = cast.scale_answer_for(person)  # type: ignore[arg-type]
                    else:
                        words = cast.answer_for(person, item.id)  # type: ignore[arg-type]
                    slip = number == cast.SLIP_AT and item.kind is QuestionKind.TEXT
                    if slip:
                        words = cast.SLIP
                    elif number == cast.UNEDITED_SLIP_AT and item.kind is QuestionKind.TEXT:
                        words = cast.UNEDITED_SLIP
                    self.say(f"      ↳ {person.name} ({person.agency or 'facilitator'}): {words}")
                    self.messages += 1
                    reply = ev.Answer(
                        actor=person.user_id,
                        question_id=question.id,
                        message_id=f"reply-{self.messages}",
                        text=words,
                    )
                    state = await self.act(session_id, reply)
                    if slip:
                        self.say(f"      ↳ {person.name} edits the reply: {cast.SLIP_EDITED}")
                        state = await self.act(
                            session_id, reply.model_copy(update={"text": cast.SLIP_EDITED})
                        )
            if timed:
                state = await self.move_on(session_id, state)
            await self.runtime.service.tick_due()
            await self.runtime.dispatcher.drain()
        self.say(f"\n▶ {facilitator.name} presses [Review the draft record]")
        await self.act(session_id, ev.RequestForm(actor=facilitator.user_id, form="record"))
        assert state.record is not None
        # The facilitator fills the record form's own fields.
        edited = dict(state.record.sections)
        for item in model.record_form_fields:
            edited[form_id(item.id)] = cast.FIELDS[item.id]
            self.say(f"      ↳ {item.label}: {cast.FIELDS[item.id]}")
        actions = cast.ACTIONS if model.record.tracks_actions else ()
        review_on = (self.runtime.clock.now() + timedelta(days=28)).date().isoformat()
        for number, (text, owner) in enumerate(actions, 1):
            edited[action_field(number, "text")] = text
            edited[action_field(number, "owner")] = owner
            edited[action_field(number, "review")] = review_on
        self.say(f"\n▶ {facilitator.name} edits the record and presses [Preview]")
        await self.act(session_id, ev.EditRecord(actor=facilitator.user_id, sections=edited))
        if model.record.confirmed_by_participants:
            # This model's record notes what was agreed: the participants confirm the draft.
            self.say(f"\n▶ {facilitator.name} presses [Ask participants to confirm]")
            state = await self.act(session_id, ev.AskConfirmation(actor=facilitator.user_id))
            assert state.record is not None
            for person in participants:
                self.say(f"\n▶ {person.name} presses [I confirm this record]")
                confirm = ev.ConfirmRecord(actor=person.user_id, revision=state.record.revision)
                await self.act(session_id, confirm)
        self.say(f"\n▶ {facilitator.name} presses [Approve and publish]")
        state = await self.act(session_id, ev.Approve(actor=facilitator.user_id))
        for person in participants if model.evaluation else ():
            self.say(f"\n▶ {person.name} presses [Answer the evaluation]")
            await self.act(session_id, ev.RequestForm(actor=person.user_id, form="evaluation"))
            answers = {
                q.id: (str(q.scale.high - 1) if q.scale else cast.EVALUATION_COMMENT)
                for q in model.evaluation
            }
            state = await self.act(
                session_id, ev.SubmitEvaluation(actor=person.user_id, answers=answers)
            )
        if actions:
            self.say("\nFour weeks later, on the review date, each owner is reminded privately:")
            self.clock_forward(28 * 24 * 60)
            await self.runtime.service.tick_due()
            await self.runtime.dispatcher.drain()
            owner = cast.ACTIONS[0][1]
            self.say(f"\n▶ {names[owner]} presses [Mark as done]")
            state = await self.act(session_id, ev.CompleteAction(actor=owner, index=0))
        self.say(f"\nThe session is {state.phase.value}. Session id: {session_id}")
        return state
