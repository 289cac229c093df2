"""After a session, in Teams: running it again, the open agreed actions, and the record as Word
or PDF behind signed links that expire."""

from __future__ import annotations

from datetime import timedelta

import jwt
from teams_activities import CHANNEL, FACILITATOR, HEALTH, OUTSIDER, POLICE, PRESENTER, Person
from teams_driver import TeamsChannel
from yarl import URL

from bot.clock import ManualClock
from dialogs.events import CompleteAction, Role
from dialogs.state import Phase


def _chat(teams: TeamsChannel, person: Person) -> str:
    return "\n".join(message.text() for message in teams.connector.chat(person.teams_id))


async def _published(teams: TeamsChannel, **record: str) -> str:
    session_id = await teams.start("space-to-think")
    await teams.begin(session_id)
    await teams.send(teams.acts.command(FACILITATOR, "end"))
    await teams.approve_record(session_id, **record)
    assert (await teams.state(session_id)).phase is Phase.PUBLISHED
    return session_id


async def _cancelled(teams: TeamsChannel) -> str:
    session_id = await teams.start("kolb")
    await teams.send(teams.acts.command(FACILITATOR, "cancel"))
    return session_id


# -- running again -------------------------------------------------------------------------


async def test_a_finished_session_runs_again_with_the_roles_given_anew(
    teams: TeamsChannel,
) -> None:
    first = await _cancelled(teams)
    await teams.send(teams.acts.command(FACILITATOR, "again", (HEALTH, POLICE)))
    async with teams.runtime.store.transaction() as uow:
        active = await uow.sessions.active_in("teams", CHANNEL)
    assert active is not None and active.id != first
    state = active.state
    assert state.facilitator.user_id == HEALTH.aad_id
    roles = {p.user_id: p.role for p in state.participants}
    assert roles == {
        FACILITATOR.aad_id: Role.CONSULTANT,
        PRESENTER.aad_id: Role.CONSULTANT,
        POLICE.aad_id: Role.PRESENTER,
    }
    assert state.case_reference == "RCD-0417"
    root = await teams.post_of(active.id, "root")
    assert root.button("agree")


async def test_running_again_keeps_the_roles_when_nobody_is_named(teams: TeamsChannel) -> None:
    await _cancelled(teams)
    await teams.send(teams.acts.command(FACILITATOR, "again"))
    async with teams.runtime.store.transaction() as uow:
        active = await uow.sessions.active_in("teams", CHANNEL)
    assert active is not None
    assert active.state.facilitator.user_id == FACILITATOR.aad_id
    assert active.state.presenter and active.state.presenter.user_id == PRESENTER.aad_id


async def test_running_again_is_refused_with_a_reason(teams: TeamsChannel) -> None:
    await teams.send(teams.acts.command(FACILITATOR, "again"))
    assert "No session has been held" in _chat(teams, FACILITATOR)

    session_id = await teams.start("kolb")
    await teams.send(teams.acts.command(FACILITATOR, "again"))
    assert "still going" in _chat(teams, FACILITATOR)

    await teams.send(teams.acts.command(FACILITATOR, "cancel"))
    await teams.send(teams.acts.command(FACILITATOR, "again", (OUTSIDER,)))
    assert "must be one of the people who took part" in _chat(teams, FACILITATOR)
    async with teams.runtime.store.transaction() as uow:
        assert [s.id for s in await uow.sessions.in_conversation("teams", CHANNEL)] == [session_id]


# -- open actions --------------------------------------------------------------------------

ACTIONS = {
    "field:agreed-action-1-text": "Share call-outs weekly.",
    "field:agreed-action-1-owner": POLICE.aad_id,
    "field:agreed-action-1-review": "2026-12-21",
    "field:agreed-action-2-text": "Book a core group.",
    "field:agreed-action-2-owner": HEALTH.aad_id,
    "field:agreed-action-2-review": "2027-01-04",
}


async def test_open_actions_are_listed_privately_for_the_facilitator_and_each_owner(
    teams: TeamsChannel,
) -> None:
    session_id = await _published(teams, **ACTIONS)
    await teams.runtime.service.handle(
        session_id,
        CompleteAction(actor=POLICE.aad_id, index=0),
        platform="teams",
        event_id="done-1",
    )

    command = teams.acts.command(FACILITATOR, "actions")
    await teams.send(command)
    listing = teams.connector.chat(FACILITATOR.teams_id)[-1].text()
    assert "Book a core group." in listing and "Jo Visitor" in listing
    assert "Share call-outs weekly." not in listing, "done actions are left out"
    assert teams.connector.replies(CHANNEL, command["id"]) == [], "nothing in the channel"

    await teams.send(teams.acts.command(POLICE, "actions"))
    told = teams.connector.chat(POLICE.teams_id)[-1].text()
    assert "No agreed action of yours is open here." in told, "his own is done"
    assert "Book a core group." not in told

    await teams.send(teams.acts.command(HEALTH, "actions"))
    owners = teams.connector.chat(HEALTH.teams_id)[-1].text()
    assert "Book a core group." in owners and "done" not in owners


# -- exports -------------------------------------------------------------------------------


async def _links(teams: TeamsChannel) -> dict[str, str]:
    await teams.send(teams.acts.command(FACILITATOR, "export"))
    card = teams.connector.chat(FACILITATOR.teams_id)[-1].card
    return {button["title"]: URL(button["url"]).path for button in card["actions"]}


async def test_the_facilitator_downloads_the_record_as_word_and_pdf(teams: TeamsChannel) -> None:
    session_id = await _published(teams)
    links = await _links(teams)
    assert set(links) == {"Download as Word", "Download as PDF"}

    word = await teams.web.get(links["Download as Word"])
    assert word.status == 200 and (await word.read()).startswith(b"PK")
    assert "record-RCD-0417.docx" in word.headers["Content-Disposition"]
    assert word.headers["Cache-Control"] == "no-store"
    pdf = await teams.web.get(links["Download as PDF"])
    assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")

    async with teams.runtime.store.transaction() as uow:
        audit = await uow.audit.entries(session_id)
    exported = [(e.action, e.actor) for e in audit if e.action.startswith("exported")]
    assert exported == [
        ("exported (docx)", FACILITATOR.aad_id),
        ("exported (pdf)", FACILITATOR.aad_id),
    ]


async def test_an_expired_link_is_refused(teams: TeamsChannel, clock: ManualClock) -> None:
    await _published(teams)
    links = await _links(teams)
    clock.advance(timedelta(hours=24, seconds=1))
    answer = await teams.web.get(links["Download as Word"])
    assert answer.status == 403 and "expired" in await answer.text()


async def test_forged_and_tampered_links_are_refused(teams: TeamsChannel) -> None:
    session_id = await _published(teams)
    path = (await _links(teams))["Download as Word"]
    token = path.rsplit("/", 1)[1]
    header, claims, signature = token.split(".")
    forged = jwt.encode(
        {"sid": session_id, "fmt": "docx", "sub": FACILITATOR.aad_id, "exp": 4_000_000_000},
        b"someone-elses-secret-32-bytes!!!",
        algorithm="HS256",
    )
    tampered = f"{header}.{claims[:-2]}{'A' if claims[-2] != 'A' else 'B'}{claims[-1]}.{signature}"
    for bad in (forged, tampered, "not-a-token", f"{header}.{claims}."):
        answer = await teams.web.get(f"/exports/{bad}")
        assert answer.status == 403 and "not valid" in await answer.text(), bad
    async with teams.runtime.store.transaction() as uow:
        assert not [e for e in await uow.audit.entries(session_id) if "exported" in e.action]


async def test_only_the_facilitator_gets_links_and_only_once_published(
    teams: TeamsChannel,
) -> None:
    await teams.send(teams.acts.command(FACILITATOR, "export"))
    assert "No record has been published" in _chat(teams, FACILITATOR)
    await _published(teams)
    await teams.send(teams.acts.command(POLICE, "export"))
    told = teams.connector.chat(POLICE.teams_id)[-1]
    assert "Only Fran Facilitator" in told.text() and "actions" not in told.card
