"""`reflectbot console`: rehearse a session at the terminal, as the facilitator or anyone else."""

from __future__ import annotations

import itertools
import shlex
import uuid
from collections.abc import Awaitable, Callable
from typing import TextIO

from adapters.console import cast
from adapters.console.deliverer import ConsoleDeliverer
from adapters.console.render import render_form
from bot.runtime import Runtime
from dialogs import events as ev
from dialogs import setup
from dialogs.actions import form_event
from dialogs.content import Form
from dialogs.effects import Ephemeral, OpenForm
from dialogs.models.schema import FacilitationModel
from dialogs.state import Phase, SessionState
from storage.repositories import Conversation

PLATFORM = "console"

HELP = """\
You act as one person at a time; the facilitator to begin with.
  as NAME             act as someone else (first name is enough), e.g.  as Dan
  who                 list the people in this rehearsal
  agree               agree to the ground rules (participants)
  begin | next | skip | pause | resume | end | cancel      facilitator buttons
  next anyway         move on before a timed step's minimum, when Next asked you to confirm
  prepare             send each participant the preparation pack (facilitator, before begin)
  keypoints           write the key points of the stage just finished (facilitator)
  record              edit the draft record, section by section (facilitator)
  ask                 send the previewed draft to the participants to confirm (facilitator,
                      models that ask for it)
  confirm             confirm the draft record you were sent (participants)
  approve             approve and publish the record (facilitator)
  status              where the session is
  mine                list your replies, numbered
  edit N NEW TEXT     change your reply number N (see 'mine')
  delete N            delete your reply number N
  help | quit
Anything else you type is your reply in the thread of the open question
(in a stage with several open questions, start with its number: 2 my answer).
Replies can be edited or deleted until the record is approved."""


class Rehearsal:
    def __init__(self, runtime: Runtime, stdin: TextIO, out: TextIO) -> None:
        self.runtime = runtime
        self.stdin = stdin
        self.out = out
        self.people = {p.user_id: p for p in (cast.FACILITATOR, *cast.PARTICIPANTS)}
        self.actor = cast.FACILITATOR.user_id
        self.session_id = ""
        self.state: SessionState | None = None
        self.reply_ids = itertools.count(1)
        # Every reply typed here, in order: its message id and its author.
        self.replies: list[tuple[str, str]] = []
        runtime.deliverers[PLATFORM] = ConsoleDeliverer(out)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def ask(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\n")

    def choose_model(self, model_id: str | None) -> FacilitationModel | None:
        catalogue = self.runtime.catalogue
        if model_id:
            return catalogue.get(model_id)
        models = list(catalogue)
        for number, model in enumerate(models, 1):
            self.say(f"  {number}. {model.name} ({model.id})")
        while True:
            answer = self.ask("Which model? Number: ")
            if answer is None:
                return None
            if answer.strip().isdecimal() and 1 <= int(answer) <= len(models):
                return models[int(answer) - 1]
            self.say(f"Please type a number from 1 to {len(models)}.")

    async def act(self, event: ev.Event) -> None:
        outcome = await self.runtime.service.handle(self.session_id, event)
        self.state = outcome.state
        for effect in outcome.immediate:
            if isinstance(effect, OpenForm) and effect.user_id == self.actor:
                await self.fill_form(effect.form)
        await self.runtime.dispatcher.drain()

    async def fill_form(self, form: Form) -> None:
        self.say("\n" + render_form(form, "   "))
        self.say("   For each field: type new text (end with a line holding only '.'),")
        self.say("   or press Enter on the first line to keep it as it is.")
        values: dict[str, str] = {}
        for field in form.fields:
            self.say(f"   {field.label}:")
            lines: list[str] = []
            while (line := self.ask("   > ")) not in (None, "."):
                if not lines and line == "":
                    break
                lines.append(line)
            values[field.id] = "\n".join(lines) if lines else field.initial
        event = form_event(form.id, form.value, values, self.actor)
        if event is None:
            self.say("   That form could not be sent.")
            return
        await self.act(event)

    def switch(self, name: str) -> None:
        wanted = name.strip().lower()
        match = next((p for p in self.people.values() if p.name.lower().startswith(wanted)), None)
        if match is None:
            self.say(f"Nobody called {name!r} here. Type 'who' to see everyone.")
            return
        self.actor = match.user_id
        self.say(f"You are now {match.name} ({match.agency}).")

    def status(self) -> None:
        state = self.state
        if state is None:
            return
        stage = state.stage.title if state.stage else "-"
        self.say(f"Phase: {state.phase.value} · stage: {stage} · open questions:")
        for number, question in enumerate(state.open_questions, 1):
            waiting = ", ".join(p.name for p in state.waiting_for(question.id)) or "nobody"
            self.say(
                f"  {number}. {state.model.question(question.id).text} (waiting for {waiting})"
            )

    async def reply(self, line: str) -> None:
        state = self.state
        assert state is not None
        open_questions = state.open_questions
        if not open_questions:
            self.say("There is no open question to reply to. Type 'help' for commands.")
            return
        target = open_questions[0]
        number, _, rest = line.partition(" ")
        if (
            len(open_questions) > 1
            and number.isdecimal()
            and 1 <= int(number) <= len(open_questions)
        ):
            target, line = open_questions[int(number) - 1], rest
        message_id = f"console-{next(self.reply_ids)}"
        self.replies.append((message_id, self.actor))
        await self.act(
            ev.Answer(actor=self.actor, question_id=target.id, message_id=message_id, text=line)
        )

    def my_replies(self) -> list[tuple[str, str, str]]:
        """The acting person's replies the session holds: message id, question, text."""
        state = self.state
        if state is None:
            return []
        mine = []
        for message_id, author in self.replies:
            found = state.find_answer(message_id) if author == self.actor else None
            if found:
                question, answer = found
                mine.append((message_id, state.model.question(question.id).text, answer.text))
        return mine

    def list_mine(self) -> None:
        mine = self.my_replies()
        if not mine:
            self.say("You have no replies in this session.")
        for number, (_, question, text) in enumerate(mine, 1):
            self.say(f"  {number}. {text}  (to “{question}”)")

    def my_reply(self, number: str) -> str | None:
        mine = self.my_replies()
        if number.isdecimal() and 1 <= int(number) <= len(mine):
            return mine[int(number) - 1][0]
        if not mine:
            self.say("You have no replies in this session to change.")
        else:
            self.say(f"Please give the number of one of your replies, 1 to {len(mine)} ('mine').")
        return None

    async def edit(self, number: str, text: str) -> None:
        message_id = self.my_reply(number)
        if message_id is None:
            return
        if not text.strip():
            self.say("Type the new text after the number: edit 1 my new words")
            return
        await self.act(ev.EditAnswer(actor=self.actor, message_id=message_id, text=text))
        found = self.state.find_answer(message_id) if self.state else None
        if found and found[1].text == text.strip():
            self.say("Your reply has been changed.")

    async def delete(self, number: str) -> None:
        message_id = self.my_reply(number)
        if message_id is None:
            return
        await self.act(ev.DeleteAnswer(actor=self.actor, message_id=message_id))
        if self.state and self.state.find_answer(message_id) is None:
            self.say("Your reply has been deleted.")

    async def run(self, model_id: str | None) -> None:
        model = self.choose_model(model_id)
        if model is None:
            self.say("No such model. `reflectbot models list` shows them.")
            return
        names = {p.user_id: p.name for p in self.people.values()}
        conversation = Conversation(PLATFORM, f"rehearsal-{uuid.uuid4().hex[:8]}", {"names": names})
        confirmations = self.confirm_setup(model)
        if confirmations is None:
            return
        start = ev.Start(
            actor=self.actor,
            session_id=uuid.uuid4().hex,
            model=model,
            facilitator=cast.FACILITATOR,
            participants=cast.PARTICIPANTS,
            case_reference="RCD-PRACTICE",
            **confirmations,
        )
        outcome = await self.runtime.service.start(conversation, start)
        if outcome.session_id is None:  # refused: the engine says why
            for effect in outcome.immediate:
                if isinstance(effect, Ephemeral):
                    self.say(" ".join(block.text for block in effect.content.blocks))
            return
        self.session_id, self.state = outcome.session_id, outcome.state
        await self.runtime.dispatcher.drain()
        self.say("\n" + HELP)
        commands: dict[str, Callable[[], Awaitable[None]]] = {
            "agree": lambda: self.act(ev.AgreeRules(actor=self.actor)),
            "begin": lambda: self.act(ev.Begin(actor=self.actor)),
            "prepare": lambda: self.act(ev.SendPreparation(actor=self.actor)),
            "next": lambda: self.act(ev.Next(actor=self.actor)),
            "skip": lambda: self.act(ev.Skip(actor=self.actor)),
            "pause": lambda: self.act(ev.Pause(actor=self.actor)),
            "resume": lambda: self.act(ev.Resume(actor=self.actor)),
            "end": lambda: self.act(ev.End(actor=self.actor)),
            "cancel": lambda: self.act(ev.Cancel(actor=self.actor)),
            "ask": lambda: self.act(ev.AskConfirmation(actor=self.actor)),
            "confirm": self.confirm_record,
            "approve": lambda: self.act(ev.Approve(actor=self.actor)),
            "record": lambda: self.act(ev.RequestForm(actor=self.actor, form="record")),
            "keypoints": self.key_points,
        }
        while self.state is not None and self.state.phase not in (Phase.PUBLISHED, Phase.CANCELLED):
            line = self.ask(f"\n[{self.people[self.actor].name}] ")
            if line is None or line.strip() == "quit":
                self.say("The session stays in the database; `reflectbot sessions list` shows it.")
                return
            word = line.strip().split(" ", 1)[0].lower()
            if word == "as":
                self.switch(line.strip()[3:])
            elif word == "who":
                for person in self.people.values():
                    self.say(f"  {person.name} — {person.agency}")
            elif word == "help":
                self.say(HELP)
            elif word == "status":
                self.status()
            elif word == "mine" and len(line.split()) == 1:
                self.list_mine()
            elif word in ("edit", "delete") and len(line.split()) == 1:
                self.say("Give the number of your reply ('mine' lists them): edit 1 new words")
            elif word == "edit" and (parts := line.strip().split(maxsplit=2))[1].isdecimal():
                await self.edit(parts[1], parts[2] if len(parts) > 2 else "")
            elif word == "delete" and len(line.split()) == 2 and line.split()[1].isdecimal():
                await self.delete(line.split()[1])
            elif line.split() == ["next", "anyway"]:
                await self.act(ev.Next(actor=self.actor, confirmed=True))
            elif word in commands and len(shlex.split(line)) == 1:
                await commands[word]()
            elif line.strip():
                await self.reply(line.strip())
        self.say(f"\nThe session has {self.state.phase.value if self.state else 'ended'}.")

    def yes(self, question: str) -> bool | None:
        answer = self.ask(f"{question} [y/N] ")
        return None if answer is None else answer.strip().lower() in ("y", "yes")

    def confirm_setup(self, model: FacilitationModel) -> dict[str, object] | None:
        """What the model asks the facilitator before the session (dialogs/setup.py); None
        when the input ends."""
        if setup.chair_words(model):
            self.say(setup.chair_words(model))
        self.say(setup.declaration_hint(model))
        declared = self.yes(setup.DECLARATION)
        if declared is None:
            return None
        confirmed = []
        for confirmation in model.setup_confirmations:
            answer = self.yes(confirmation.text)
            if answer is None:
                return None
            if answer:
                confirmed.append(confirmation.id)
        self.say(
            "Confidentiality points for this session, added to the ground rules: one a line, "
            "an empty line to finish."
        )
        points = []
        while (line := self.ask("> ")) and line.strip():
            points.append(line.strip())
        return {
            "no_involvement": declared,
            "confirmed": tuple(confirmed),
            "confidentiality": tuple(points),
        }

    async def confirm_record(self) -> None:
        record = self.state.record if self.state else None
        # The draft as it stands now: the one the participant was last sent.
        revision = record.revision if record else 0
        await self.act(ev.ConfirmRecord(actor=self.actor, revision=revision))

    async def key_points(self) -> None:
        state = self.state
        assert state is not None
        stage_id = state.awaiting_key_points or (state.stage.id if state.stage else "")
        await self.act(ev.RequestForm(actor=self.actor, form="key_points", value=stage_id))
