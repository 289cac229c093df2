"""The facilitator's setup form: model, participants, lead professional, case reference, pacing,
and what the model asks of the facilitator (declaration, confirmations, confidentiality)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from aiohttp import web

from adapters.practice.pages import PLATFORM, Pages, Viewer
from adapters.practice.translate import (
    CASE_REFERENCE_MAX,
    WATCHLIST_MAX_LINES,
    SetupChoices,
    read_setup,
    setup_problems,
    shown_another_model,
    start_event,
)
from dialogs import setup
from dialogs.effects import Ephemeral
from dialogs.state import FINISHED
from storage.practice import PracticeRooms, RoomPerson
from storage.repositories import Conversation

log = logging.getLogger(__name__)


class StartPages(Pages):
    """Starting a session in the room."""

    async def setup_context(self, viewer: Viewer) -> dict[str, Any]:
        if viewer.me.id != viewer.room.facilitator_id:
            self.refuse(
                web.HTTPForbidden,
                "Only the facilitator starts a session",
                "The person who created this room is its facilitator and starts its sessions.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        async with self.runtime.store.transaction() as uow:
            people = await PracticeRooms(uow.db).people(viewer.room.id)
            stored = (
                await uow.sessions.get(viewer.room.session_id) if viewer.room.session_id else None
            )
        if stored is not None and stored.state.phase not in FINISHED:
            raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))
        return {
            "waiting_request": await self.runtime.service.request_waiting(PLATFORM, viewer.me.id),
            "room": viewer.room,
            "me": viewer.me,
            "token": self.signer.form_token(viewer.room.id, viewer.me.id),
            "base": self.person_url(viewer.room.id, viewer.me.id),
            "people": [p for p in people if p.id != viewer.me.id],
            "models": list(self.runtime.catalogue),
            "case_max": CASE_REFERENCE_MAX,
            "watch_max": WATCHLIST_MAX_LINES,
        }

    async def setup_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        context = await self.setup_context(viewer)
        everyone = [p.id for p in context["people"]]
        # `?model=` opens the form with what that model asks of the facilitator.
        model = self.runtime.catalogue.get(request.query.get("model", ""))
        waiting = context["waiting_request"]
        choices = SetupChoices(
            participant_ids=everyone,
            model_id=model.id if model else "",
            case_reference=waiting.case_reference if waiting else "",
            request_id=waiting.id if waiting else "",
        )
        return self.render("setup.html", **self.form(choices, [], context))

    def form(
        self, choices: SetupChoices, problems: list[str], context: dict[str, Any]
    ) -> dict[str, Any]:
        """The setup page's values: the form shows what the chosen model asks."""
        return {
            "choices": choices,
            "problems": problems,
            "model": self.runtime.catalogue.get(choices.model_id),
            "chair_words": setup.chair_words,
            "declaration": setup.DECLARATION,
            "declaration_hint": setup.declaration_hint,
            **context,
        }

    async def start(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        context = await self.setup_context(viewer)
        people: list[RoomPerson] = [viewer.me, *context["people"]]
        choices = read_setup(data, data.getall("participants", []), data.getall("confirm", []))
        another = shown_another_model(choices, self.runtime.catalogue)
        if another is not None:
            shown = (
                f"The {another.name} asks you to confirm a few things first: they are now "
                "below. Please check them and start again."
            )
            return self.render("setup.html", **self.form(choices, [shown], context))
        problems = setup_problems(
            choices, self.runtime.catalogue, people, viewer.me.id, self.runtime.clock.now()
        )
        if not problems:
            event = start_event(
                choices, self.runtime.catalogue, people, viewer.me, uuid.uuid4().hex
            )
            outcome = await self.runtime.service.start(
                Conversation(PLATFORM, viewer.room.id), event
            )
            if outcome.state is not None and outcome.session_id:
                async with self.runtime.store.transaction() as uow:
                    await PracticeRooms(uow.db).set_session(viewer.room.id, outcome.session_id)
                self.signals.notify(viewer.room.id)
                log.info(
                    "practice room %s: session %s started with %d participants",
                    viewer.room.id,
                    outcome.session_id,
                    len(event.participants),
                )
                raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))
            # The engine refused (e.g. the model needs a lead professional): say why.
            problems = [
                block.text
                for effect in outcome.immediate
                if isinstance(effect, Ephemeral)
                for block in effect.content.blocks
            ]
        return self.render("setup.html", status=400, **self.form(choices, problems, context))
