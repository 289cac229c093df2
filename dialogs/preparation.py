"""The preparation pack: what each participant reads ahead of the discussion, privately.

Seed 000: "It is recommended that this document is sent to all professionals with their
invitation in order to inform attendees of the purpose of the meeting and allow them time to
prepare." The pack holds the purpose, the ground rules, every stage's questions (marked when
they are asked of someone else), the reader's role, the expected length and the model's
preparation prompts. A scheduled session's invitation is the pack; any session can send it
again until the discussion begins.
"""

from __future__ import annotations

from dialogs import setup
from dialogs.content import Block, BlockStyle, Content
from dialogs.effects import AuditNote, DirectMessage, Effect, Ephemeral
from dialogs.events import Pacing, Participant, Role
from dialogs.messages import asked_words, explanation, heading, note, text, when
from dialogs.state import Phase, SessionState
from dialogs.timing import time_box_words


def role_words(state: SessionState, person: Participant) -> str:
    roles = state.model.roles
    return roles.presenter if person.role is Role.PRESENTER else roles.consultant


def expected_length(state: SessionState) -> str:
    model = state.model
    count = sum(len(stage.questions) for stage in model.stages)
    questions = f"{len(model.stages)} stages, {count} questions"
    boxes = [stage.time_box for stage in model.stages]
    if model.duration:
        timed = f"About {time_box_words(model.duration)}"
    elif all(boxes):
        low = sum(box.min_minutes for box in boxes if box)
        high = sum(box.max_minutes for box in boxes if box)
        timed = f"About {low}–{high} minutes" if low != high else f"About {low} minutes"
    elif state.pacing is Pacing.ASYNC:
        return f"{questions}; each stage stays open for {state.stage_hours} hours."
    else:
        return f"{questions}, one question at a time; the model sets no length."
    return f"{timed}: {questions}."


def _stage_blocks(state: SessionState, person: Participant) -> list[Block]:
    blocks: list[Block] = []
    count = len(state.model.stages)
    for number, stage in enumerate(state.model.stages, 1):
        box = f" ({time_box_words(stage.time_box)})" if stage.time_box else ""
        blocks.append(heading(f"Stage {number} of {count}: {stage.title}{box}"))
        if stage.aim:
            blocks.append(text(stage.aim))
        if stage.speakers:
            blocks.append(note(stage.speakers))
        items = []
        for question in stage.questions:
            asked_of_them = person.user_id in {p.user_id for p in state.asked(question)}
            items.append(
                question.text
                if asked_of_them
                else f"{question.text} ({asked_words(state, question).lower()})"
            )
        blocks.append(Block(style=BlockStyle.NUMBERED, items=tuple(items)))
    return blocks


def pack_blocks(state: SessionState, person: Participant) -> list[Block]:
    """The pack's body, for the invitation and for the pack sent on its own."""
    model = state.model
    blocks = [
        heading("Your role"),
        text(
            f"{role_words(state, person)}. The facilitator is {state.facilitator.name} "
            f"({model.roles.facilitator})."
        ),
        heading("Expected length"),
        text(expected_length(state)),
        heading("Purpose"),
        Block(style=BlockStyle.BULLETS, items=tuple(model.purposes)),
        heading("Ground rules"),
        Block(style=BlockStyle.NUMBERED, items=setup.ground_rules(state)),
    ]
    if model.opening:
        blocks.append(note(model.opening))
    if model.preparation:
        blocks.append(heading("To prepare"))
        blocks.append(Block(style=BlockStyle.BULLETS, items=tuple(model.preparation)))
    blocks += _stage_blocks(state, person)
    if model.prompts:
        blocks.append(heading("Questions the group may draw on"))
        blocks.append(Block(style=BlockStyle.BULLETS, items=tuple(model.prompts)))
    return blocks


def invitation(state: SessionState, person: Participant) -> Content:
    """A scheduled session's invitation: when, and the whole pack."""
    model = state.model
    return Content(
        title="Invitation to a reflective case discussion",
        blocks=(
            text(
                f"{state.facilitator.name} invites you to a reflective case discussion on "
                f"{when(state)}, using the {model.name}. Case reference: {state.case_reference}. "
                "Everything below is sent ahead so that you can prepare."
            ),
            *pack_blocks(state, person),
            note("The session opens in the team's channel at that time."),
        ),
        summary=f"Invitation to a reflective case discussion on {when(state)}",
    )


def pack(state: SessionState, person: Participant) -> Content:
    model = state.model
    return Content(
        title="Preparing for the reflective case discussion",
        blocks=(
            text(
                f"{state.facilitator.name} has sent you this to prepare for the reflective case "
                f"discussion using the {model.name}. Case reference: {state.case_reference}. "
                "Only you can see it."
            ),
            *pack_blocks(state, person),
        ),
        summary=f"Preparation pack for the {model.name}",
    )


def send(state: SessionState, actor: str) -> list[Effect]:
    """The facilitator sends every participant their pack, before the discussion begins."""
    if actor != state.facilitator.user_id:
        return [_refusal(actor, "Only the facilitator sends the preparation pack.")]
    if state.phase not in (Phase.SCHEDULED, Phase.GROUND_RULES):
        return [
            _refusal(
                actor,
                "The preparation pack goes to participants before the discussion begins; "
                "this one has already begun, so nothing was sent.",
            )
        ]
    effects: list[Effect] = [
        DirectMessage(user_id=p.user_id, content=pack(state, p)) for p in state.participants
    ]
    effects.append(
        Ephemeral(
            user_id=actor,
            content=explanation(
                f"The preparation pack has been sent privately to each of the "
                f"{len(state.participants)} participants: the purpose, the ground rules, every "
                "stage's questions, their role and the expected length."
            ),
        )
    )
    effects.append(AuditNote(action="sent the preparation pack", actor=actor))
    return effects


def _refusal(actor: str, message: str) -> Effect:
    return Ephemeral(user_id=actor, content=explanation(message))
