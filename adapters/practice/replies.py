"""Replies in a question's thread: they are the answers; their authors may edit or delete them."""

from __future__ import annotations

from aiohttp import web

from adapters.practice.channel import ChannelPages
from adapters.practice.identity import new_id
from adapters.practice.pages import Viewer, answer_message_id
from adapters.practice.translate import MAX_REPLY_CHARS
from adapters.practice.views import QUESTION_PREFIX
from dialogs import events as ev
from dialogs.engine import reply_refusal
from storage.practice import MessageKind, PracticeRooms, Room, RoomMessage


class ReplyPages(ChannelPages):
    """Posting, editing and deleting replies."""

    async def thread_of(self, room: Room, message_id: str) -> RoomMessage:
        async with self.runtime.store.transaction() as uow:
            message = await PracticeRooms(uow.db).message(room.id, message_id)
        if (
            message is None
            or message.visible_to is not None
            or not (message.key or "").startswith(QUESTION_PREFIX)
        ):
            self.refuse(
                web.HTTPNotFound,
                "No such question",
                "That question is not in this room, so the reply could not be posted.",
            )
        return message

    async def own_reply(self, viewer: Viewer, message_id: str) -> tuple[RoomMessage, RoomMessage]:
        """A reply of the viewer's, and the question it was made under."""
        async with self.runtime.store.transaction() as uow:
            reply = await PracticeRooms(uow.db).message(viewer.room.id, message_id)
        if reply is None or reply.kind != MessageKind.REPLY or reply.author_id != viewer.me.id:
            self.refuse(
                web.HTTPForbidden,
                "Not your reply",
                "You can edit and delete only your own replies.",
                self.person_url(viewer.room.id, viewer.me.id),
            )
        assert reply.thread_id is not None
        return reply, await self.thread_of(viewer.room, reply.thread_id)

    async def reply_problem(
        self, viewer: Viewer, thread: str, text: str, draft_for: str
    ) -> web.Response | None:
        """An unusable reply gets the page back with the words kept and the reason shown."""
        if text.strip() and len(text) <= MAX_REPLY_CHARS:
            return None
        if text.strip():
            problem = (
                f"Your reply is {len(text):,} characters long; a message can be up to "
                f"{MAX_REPLY_CHARS:,}. Nothing was sent: please split it."
            )
            status = 413
        else:
            problem = "Your reply is empty, so nothing was sent."
            status = 400
        context = await self.view_for(
            viewer, thread, draft=text, draft_for=draft_for, problem=problem
        )
        context["join_link"] = ""
        return self.render("room.html", status=status, **context)

    async def refused_by_the_rule(
        self, viewer: Viewer, question: RoomMessage, text: str, draft_for: str, *, new: bool
    ) -> web.Response | None:
        """The engine's rule for replies, checked before the room's copy changes, so the room
        never shows a reply, an edit or a deletion the session did not take."""
        if question.session_id is None:
            return None
        async with self.runtime.store.transaction() as uow:
            stored = await uow.sessions.get(question.session_id)
        refusal = reply_refusal(stored.state, new=new) if stored else None
        if refusal is None:
            return None
        context = await self.view_for(
            viewer, question.message_id, draft=text, draft_for=draft_for, problem=refusal
        )
        context["join_link"] = ""
        return self.render("room.html", status=409, **context)

    async def reply(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        question = await self.thread_of(viewer.room, data.get("thread", ""))
        text = data.get("text", "")
        problem = await self.reply_problem(viewer, question.message_id, text, "new")
        if problem:
            return problem
        refused = await self.refused_by_the_rule(viewer, question, text, "new", new=True)
        if refused:
            return refused
        reply = RoomMessage(
            message_id=new_id("r"),
            session_id=question.session_id,
            kind=MessageKind.REPLY,
            body=text,
            created_at=self.runtime.clock.now(),
            thread_id=question.message_id,
            author_id=viewer.me.id,
        )
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).add_message(viewer.room.id, reply)
        self.signals.notify(viewer.room.id)
        await self.answer(question, reply.message_id, text, viewer.me.id)
        raise web.HTTPSeeOther(self.thread_url(viewer, question.message_id, "composer"))

    async def edit_reply(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        reply, question = await self.own_reply(viewer, data.get("message", ""))
        text = data.get("text", "")
        problem = await self.reply_problem(viewer, question.message_id, text, reply.message_id)
        if problem:
            return problem
        refused = await self.refused_by_the_rule(
            viewer, question, text, reply.message_id, new=False
        )
        if refused:
            return refused
        was_flagged = reply.message_id in (await self.flagged(viewer, question))
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).replace_body(
                viewer.room.id, [reply.message_id], text, edited=True
            )
        self.signals.notify(viewer.room.id)
        # The engine treats an answer with a known message id as an edit of it.
        await self.answer(question, answer_message_id(reply, question), text, viewer.me.id)
        url = self.thread_url(viewer, question.message_id, f"t-{reply.message_id}")
        if was_flagged and reply.message_id not in (await self.flagged(viewer, question)):
            # Say so when the edit took the identifier out.
            url = url.replace("#", f"&cleared={reply.message_id}#", 1)
        raise web.HTTPSeeOther(url)

    async def flagged(self, viewer: Viewer, question: RoomMessage) -> dict[str, str]:
        """The viewer's replies under this question that the identifier guard flags."""
        context = await self.view_for(viewer, question.message_id)
        return dict(context["view"].flagged)

    async def delete_reply(self, request: web.Request) -> web.StreamResponse:
        viewer, data = await self.posted(request)
        reply, question = await self.own_reply(viewer, data.get("message", ""))
        refused = await self.refused_by_the_rule(
            viewer, question, reply.body, reply.message_id, new=False
        )
        if refused:
            return refused
        async with self.runtime.store.transaction() as uow:
            await PracticeRooms(uow.db).remove_message(viewer.room.id, reply.message_id)
        self.signals.notify(viewer.room.id)
        if question.session_id:
            await self.handle(
                question.session_id,
                ev.DeleteAnswer(actor=viewer.me.id, message_id=answer_message_id(reply, question)),
            )
        raise web.HTTPSeeOther(self.thread_url(viewer, question.message_id, "composer"))
