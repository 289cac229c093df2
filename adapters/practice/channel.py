"""The channel as one person sees it, and the live stream that tells the page to refresh."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.practice.pages import Pages, Viewer
from adapters.practice.translate import MAX_REPLY_CHARS
from adapters.practice.views import room_view
from storage.practice import PracticeRooms

LIVE_CHECK_SECONDS = 10.0  # how often a live stream re-reads the room's version anyway


class ChannelPages(Pages):
    """The room page, its changing parts, and the live stream."""

    async def view_for(self, viewer: Viewer, thread: str | None, **extra: Any) -> dict[str, Any]:
        token = self.signer.form_token(viewer.room.id, viewer.me.id)
        async with self.runtime.store.transaction() as uow:
            view = await room_view(uow, viewer.room, viewer.me, token, thread, self.runtime.secret)
        return {
            "view": view,
            "base": self.person_url(viewer.room.id, viewer.me.id),
            "max_reply": MAX_REPLY_CHARS,
            "draft": "",
            "draft_for": "",
            "problem": "",
            "cleared": "",
            **extra,
        }

    async def room_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        context = await self.view_for(
            viewer, request.query.get("thread"), cleared=request.query.get("cleared", "")
        )
        context["join_link"] = f"{request.url.origin()}/r/{viewer.room.id}/join"
        return self.render("room.html", **context)

    async def room_parts(self, request: web.Request) -> web.Response:
        """The parts of the page that change, for the live refresh."""
        viewer = await self.viewer(request)
        context = await self.view_for(
            viewer, request.query.get("thread"), cleared=request.query.get("cleared", "")
        )
        return self.render("parts.html", **context)

    async def live(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.viewer(request)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        await response.prepare(request)
        seen: int | None = None
        try:
            while not self.signals.closed.is_set():
                async with self.runtime.store.transaction() as uow:
                    version = await PracticeRooms(uow.db).version(viewer.room.id)
                if version != seen:
                    await response.write(f"event: change\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    await response.write(b": nothing new\n\n")
                await self.signals.wait(viewer.room.id, LIVE_CHECK_SECONDS)
        except ConnectionResetError:
            pass  # the page was closed
        return response
