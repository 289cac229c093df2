"""After a session: /reflect again, /reflect actions and /reflect export."""

from __future__ import annotations

import json

import pytest
from aiohttp import ClientResponse
from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, OUTSIDER, PRESENTER

from dialogs.events import Role
from dialogs.messages import action_field
from dialogs.state import Phase

SHORT_MODEL = "space-to-think"
AGREED = {
    f"{action_field(1, 'text')}.0": "Invite the school to every core group <!here>",
    f"{action_field(1, 'owner')}.0": "UPOL",
    f"{action_field(1, 'review')}.0": "2026-11-30",
}


async def published(session: SlackSession) -> None:
    await session.begin(SHORT_MODEL)
    await session.answer_everything()
    await session.review_and_approve(edits=AGREED)
    assert (await session.state()).phase is Phase.PUBLISHED


async def said(response: ClientResponse) -> str:
    """A private answer, plain or in blocks, as the person reads it."""
    assert response.status == 200
    body = await response.text()
    if not body.startswith("{"):
        return body
    answer = json.loads(body)
    texts = [answer.get("text", "")]
    texts += [b["text"]["text"] for b in answer.get("blocks", []) if "text" in b]
    texts += [e["text"] for b in answer.get("blocks", []) for e in b.get("elements", [])]
    return "\n".join(texts)


# -- /reflect again -------------------------------------------------------------------------


async def test_again_runs_the_last_session_with_new_roles(session: SlackSession) -> None:
    await published(session)
    previous = await session.state()
    response = await session.slack.command(FACILITATOR, "again <@USW|priya> <@UPOL|dan>")
    assert await said(response) == ""
    await session.drain()
    async with session.runtime.store.transaction() as uow:
        active = await uow.sessions.active_in("slack", CHANNEL)
    assert active is not None and active.id != previous.id
    state = active.state
    assert (state.model.id, state.case_reference) == (SHORT_MODEL, previous.case_reference)
    assert state.facilitator.user_id == PRESENTER
    roles = {p.user_id: p.role for p in state.participants}
    assert roles == {FACILITATOR: Role.CONSULTANT, "UPOL": Role.PRESENTER, "UHV": Role.CONSULTANT}
    assert state.phase is Phase.GROUND_RULES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("again <@UOUT|sam>", "The new facilitator must be one of the people who took part."),
        ("again soon", "optionally with @new-facilitator"),
        ("again <@USW> <@UPOL> <@UHV>", "optionally with @new-facilitator"),
    ],
)
async def test_again_explains_what_it_cannot_do(
    session: SlackSession, text: str, expected: str
) -> None:
    await published(session)
    assert expected in await said(await session.slack.command(FACILITATOR, text))
    async with session.runtime.store.transaction() as uow:
        assert await uow.sessions.active_in("slack", CHANNEL) is None


async def test_only_someone_who_took_part_runs_it_again(session: SlackSession) -> None:
    await published(session)
    refused = await said(await session.slack.command(OUTSIDER, "again"))
    assert "Only someone who took part in the session can run it again." in refused
    async with session.runtime.store.transaction() as uow:
        assert await uow.sessions.active_in("slack", CHANNEL) is None


async def test_again_while_a_session_runs_or_before_any_says_so(session: SlackSession) -> None:
    first = await said(await session.slack.command(FACILITATOR, "again"))
    assert "No discussion has been held in this channel yet" in first
    await session.begin("kolb")
    running = await said(await session.slack.command(FACILITATOR, "again"))
    assert "This session is still going" in running


# -- /reflect actions -----------------------------------------------------------------------


async def test_actions_lists_the_facilitators_open_actions_and_an_owners_own(
    session: SlackSession,
) -> None:
    await published(session)
    mine = await said(await session.slack.command(FACILITATOR, "actions"))
    assert "Case RCD-0417" in mine
    assert "Invite the school to every core group &lt;!here&gt; — Dan Okafor" in mine
    assert "<!here>" not in mine
    owners = await said(await session.slack.command("UPOL", "actions"))
    assert "Invite the school to every core group" in owners, "the owner sees his open action"
    assert "done" not in owners
    others = await said(await session.slack.command("USW", "actions"))
    assert "No agreed action of yours is open here." in others
    assert "Invite the school" not in others


# -- /reflect export ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "magic"), [("pdf", b"%PDF"), ("docx", b"PK")])
async def test_the_facilitator_exports_the_record_to_the_channel(
    session: SlackSession, kind: str, magic: bytes
) -> None:
    await published(session)
    session.fake.clear()
    assert await said(await session.slack.command(FACILITATOR, f"export {kind.upper()}")) == ""
    (asked,) = session.fake.called("files.getUploadURLExternal")
    assert asked.args["filename"] == f"record-RCD-0417.{kind}"
    (uploaded,) = session.fake.uploads.values()
    assert uploaded.startswith(magic)
    assert int(asked.args["length"]) == len(uploaded)
    (completed,) = session.fake.called("files.completeUploadExternal")
    assert completed.args["channel_id"] == CHANNEL
    session_id = (await session.state()).id
    async with session.runtime.store.transaction() as uow:
        entries = await uow.audit.entries(session_id)
    assert (f"exported ({kind})", FACILITATOR) in [(e.action, e.actor) for e in entries]


async def test_export_is_refused_with_a_reason(session: SlackSession) -> None:
    before = await said(await session.slack.command(FACILITATOR, "export pdf"))
    assert "No record has been published in this channel yet" in before
    await published(session)
    assert "Only the facilitator" in await said(await session.slack.command(OUTSIDER, "export pdf"))
    assert "/reflect export docx" in await said(await session.slack.command(FACILITATOR, "export"))
    session.fake.fail("files.getUploadURLExternal", 200, "missing_scope")
    failed = await said(await session.slack.command(FACILITATOR, "export docx"))
    assert "nothing was uploaded" in failed
    assert session.fake.uploads == {}
    session_id = (await session.state()).id
    async with session.runtime.store.transaction() as uow:
        entries = await uow.audit.entries(session_id)
    assert not [e for e in entries if e.action.startswith("exported")]
