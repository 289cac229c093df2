"""Asking for a discussion, and the room's screening page where requests are accepted or
declined. A practice room has no screening channel: its screening page stands in for one,
and everyone in the room may act as screener."""

from __future__ import annotations

import hashlib
import logging
import uuid

from aiohttp import web

from adapters.practice.buttons import ButtonPages
from adapters.practice.pages import PLATFORM
from adapters.practice.translate import form_values
from adapters.practice.views import room_view
from dialogs.effects import Ephemeral
from dialogs.events import Person
from dialogs.requests import request_form, submitted_request
from storage.repositories import Conversation

log = logging.getLogger(__name__)

ASK = "/request"


class ScreeningPages(ButtonPages):
    """The request form, and the screening page."""

    async def ask_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        form = request_form()
        return self.form_page(viewer, form, {f.id: f.initial for f in form.fields}, [], ASK)

    async def ask(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        form = request_form()
        values, problems = form_values(form, data)
        if problems:
            return self.form_page(viewer, form, values, problems, ASK)
        me = viewer.me
        event = submitted_request(
            values,
            actor=me.id,
            request_id=uuid.uuid4().hex,
            requester=Person(user_id=me.id, name=me.name, agency=me.agency),
        )
        if event is None:
            return self.form_page(
                viewer, form, values, ["Please choose one of the urgencies offered."], ASK
            )
        # Sending the same words twice (a double click) asks once.
        sent = "\n".join([viewer.room.id, me.id, *(values[f.id] for f in form.fields)])
        outcome = await self.runtime.service.submit_request(
            Conversation(PLATFORM, viewer.room.id),
            event,
            event_id="request:" + hashlib.sha256(sent.encode()).hexdigest(),
        )
        if outcome.duplicate:
            raise web.HTTPSeeOther(self.person_url(viewer.room.id, me.id))
        if outcome.session_id is None:
            # Refused (it seemed to identify the child or family): say why, keep the words.
            refusals = [
                block.text
                for effect in outcome.immediate
                if isinstance(effect, Ephemeral)
                for block in effect.content.blocks
            ]
            return self.form_page(viewer, form, values, refusals, ASK)
        log.info("practice room %s: request %s sent", viewer.room.id, outcome.session_id)
        raise web.HTTPSeeOther(self.person_url(viewer.room.id, me.id))

    async def screening_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        token = self.signer.form_token(viewer.room.id, viewer.me.id)
        async with self.runtime.store.transaction() as uow:
            view = await room_view(uow, viewer.room, viewer.me, token, None)
        return self.render(
            "screening.html", view=view, base=self.person_url(viewer.room.id, viewer.me.id)
        )
