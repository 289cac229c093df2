"""After a session: running it again with roles reassigned, the open agreed actions, and the
published record as a file."""

from __future__ import annotations

import logging
import mimetypes
import re
import uuid

from aiohttp import web

from adapters.export.document import NoRecord, record_document
from adapters.export.files import record_file
from adapters.practice.pages import PLATFORM, Pages, Viewer
from adapters.practice.views import DOWNLOADS
from dialogs import messages
from dialogs.rerun import RerunRefused, rerun
from dialogs.state import FINISHED, SessionState
from storage.practice import PracticeRooms
from storage.repositories import Conversation, StoredSession

log = logging.getLogger(__name__)


class FollowUpPages(Pages):
    """Run again, open actions, record downloads."""

    async def latest_session(self, viewer: Viewer) -> StoredSession | None:
        if viewer.room.session_id is None:
            return None
        async with self.runtime.store.transaction() as uow:
            return await uow.sessions.get(viewer.room.session_id)

    async def ended_session_i_chaired(self, viewer: Viewer, doing: str) -> StoredSession:
        stored = await self.latest_session(viewer)
        if stored is None or stored.state.phase not in FINISHED:
            self.refuse(
                web.HTTPConflict,
                "No session has ended here",
                f"You can {doing} once this room's session has ended.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        if stored.state.facilitator.user_id != viewer.me.id:
            self.refuse(
                web.HTTPForbidden,
                "Only the facilitator can do this",
                f"Only the facilitator of this room's last session can {doing}.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        return stored

    # -- running again ---------------------------------------------------------------------

    def again_page(
        self,
        viewer: Viewer,
        state: SessionState,
        chosen: dict[str, str],
        problems: list[str],
    ) -> web.Response:
        presenter = state.presenter
        return self.render(
            "again.html",
            status=400 if problems else 200,
            room=viewer.room,
            state=state,
            people=[state.facilitator, *state.participants],
            facilitator_id=chosen.get("facilitator", state.facilitator.user_id),
            presenter_id=chosen.get("presenter", presenter.user_id if presenter else ""),
            problems=problems,
            token=self.signer.form_token(viewer.room.id, viewer.me.id),
            base=self.person_url(viewer.room.id, viewer.me.id),
        )

    async def again_form(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        stored = await self.ended_session_i_chaired(viewer, "run it again")
        return self.again_page(viewer, stored.state, {}, [])

    async def run_again(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        stored = await self.ended_session_i_chaired(viewer, "run it again")
        chosen = {key: data.get(key, "") for key in ("facilitator", "presenter")}
        try:
            start = rerun(
                stored.state,
                session_id=uuid.uuid4().hex,
                actor=viewer.me.id,
                facilitator_id=chosen["facilitator"] or None,
                presenter_id=chosen["presenter"] or None,
            )
        except RerunRefused as refusal:
            return self.again_page(viewer, stored.state, chosen, [str(refusal)])
        outcome = await self.runtime.service.start(Conversation(PLATFORM, viewer.room.id), start)
        if outcome.session_id is None or outcome.state is None:
            return self.again_page(
                viewer, stored.state, chosen, ["The session could not be started again."]
            )
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).set_session(viewer.room.id, outcome.session_id)
        self.signals.notify(viewer.room.id)
        log.info(
            "practice room %s: session %s runs again as %s",
            viewer.room.id,
            stored.id,
            outcome.session_id,
        )
        raise web.HTTPSeeOther(self.person_url(viewer.room.id, viewer.me.id))

    # -- open actions ----------------------------------------------------------------------

    async def open_actions(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        async with self.runtime.store.transaction() as uow:
            sessions = await uow.sessions.in_conversation(PLATFORM, viewer.room.id)
        return self.render(
            "content.html",
            room=viewer.room,
            content=messages.open_actions([s.state for s in sessions], viewer.me.id),
            base=self.person_url(viewer.room.id, viewer.me.id),
        )

    # -- the record as a file --------------------------------------------------------------

    async def download(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        kind = request.match_info["format"]
        if kind not in DOWNLOADS:
            self.refuse(
                web.HTTPNotFound,
                "No such format",
                "The record can be downloaded as Markdown, Word or PDF.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        stored = await self.ended_session_i_chaired(viewer, "download the record")
        try:
            document = record_document(stored.state, self.runtime.settings.protective_marking)
        except NoRecord:
            self.refuse(
                web.HTTPConflict,
                "No record yet",
                "The record can be downloaded once it has been approved and published.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        body = await record_file(document, kind)
        async with self.runtime.store.transaction() as uow:
            await uow.audit.add(
                stored.id, f"exported ({kind})", viewer.me.id, self.runtime.clock.now()
            )
        log.info("practice room %s: record of %s exported as %s", viewer.room.id, stored.id, kind)
        return web.Response(
            body=body,
            content_type=mimetypes.guess_type(f"record.{kind}")[0],
            headers={
                "Content-Disposition": f'attachment; filename="{_file_name(stored.state, kind)}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )


def _file_name(state: SessionState, kind: str) -> str:
    # The case reference is typed by people: keep only what is safe in a file name.
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", state.case_reference).strip("-") or "session"
    return f"record-{reference}.{kind}"
