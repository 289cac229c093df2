"""The words people type after @reflectbot, and the answers that need no session."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs import messages
from dialogs.content import Block, BlockStyle, Content
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase, SessionState

START, MODELS, STATUS, END, CANCEL, HELP = "start", "models", "status", "end", "cancel", "help"
REQUEST, AGAIN, ACTIONS, EXPORT = "request", "again", "actions", "export"
LEARNING = "learning"
COMMANDS = (START, MODELS, STATUS, END, CANCEL, HELP, REQUEST, AGAIN, ACTIONS, EXPORT, LEARNING)
MAX_ECHOED_WORD = 40


@dataclass(frozen=True)
class Command:
    name: str
    words: tuple[str, ...]  # what followed the command, mentions removed


def parse(text: str) -> Command:
    words = text.split()
    if not words:
        return Command(HELP, ())
    return Command(words[0].lower(), tuple(words[1:]))


_USAGE = (
    "start MODEL @person @person … — set up a session here with the people you mention. "
    "You then choose the model, the lead professional, the case reference and the pacing.",
    "models — the facilitation models to choose from.",
    "status — where the session in this channel has got to.",
    "end — finish the discussion now and draft the record (facilitator only).",
    "cancel — cancel the session in this channel (facilitator only).",
    "request — ask for a reflective discussion of a case; a screener reads your request.",
    "again [@new facilitator] [@new presenter] — run the channel's last session again with the "
    "same people, the roles given anew.",
    "actions — the agreed actions not yet done that you follow: those of the sessions you "
    "facilitated, and your own.",
    "export — the published record as Word or PDF, by private links (facilitator only).",
    "learning [FROM TO] — the learning report of a period, as a PDF (in a learning channel).",
    "help — this list.",
)


def help_content(opening: str = "") -> Content:
    blocks = [messages.text(opening)] if opening else []
    blocks.extend(
        [
            messages.text("Mention @reflectbot with one of these commands in a team channel:"),
            Block(style=BlockStyle.BULLETS, items=_USAGE),
            messages.note("Answer each question by replying in the question's own thread."),
        ]
    )
    return Content(title="reflectbot", blocks=tuple(blocks), summary="What reflectbot can do")


def welcome_content() -> Content:
    return help_content(
        "Hello. reflectbot runs multi-agency reflective case discussions: each question is "
        "its own post, and the record is shared only once the facilitator approves it."
    )


def unknown_content(word: str) -> Content:
    shown = word if len(word) <= MAX_ECHOED_WORD else word[:MAX_ECHOED_WORD] + "…"
    return help_content(f"I do not know the command “{shown}”.")


def models_content(catalogue: Catalogue) -> Content:
    items = tuple(f"{model.id} — {model.name}: {model.summary}" for model in catalogue)
    return Content(
        title="Facilitation models",
        blocks=(
            Block(style=BlockStyle.BULLETS, items=items),
            messages.note("Start one with: @reflectbot start MODEL @person @person …"),
        ),
        summary="The facilitation models",
    )


def channel_only_content() -> Content:
    return help_content(
        "Sessions run in a team channel, where each question gets its own thread. "
        "Mention @reflectbot there."
    )


def start_usage_content() -> Content:
    return help_content(
        "Mention the people taking part after start, for example: "
        "@reflectbot start kolb @Alice @Bob"
    )


def set_up_content(state: SessionState) -> Content:
    where = (
        f"The participants are invited privately; it opens here on {messages.when(state)}."
        if state.phase is Phase.SCHEDULED
        else "The purpose and the ground rules are in a new post in this channel."
    )
    return Content(
        title="Session set up",
        blocks=(messages.text(f"{state.model.name} for case {state.case_reference}. {where}"),),
        summary="Session set up",
    )
