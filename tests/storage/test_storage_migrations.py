"""Migrations create exactly the schema the code declares, and running them again is harmless."""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, inspect, text

from dialogs import events as ev
from dialogs.engine import step
from dialogs.events import Participant, Person
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase, SessionState
from storage import migrate, tables
from storage.repositories import StoredSession
from storage.tables import Base
from storage.unit_of_work import Store


def declared_schema() -> MetaData:
    """Every table the storage package declares (some modules add their own to Base)."""
    for module in pkgutil.iter_modules([str(Path(tables.__file__).parent)]):
        if module.name != "migrations":
            importlib.import_module(f"storage.{module.name}")
    return Base.metadata


def _differences(connection: Connection) -> list:
    return compare_metadata(MigrationContext.configure(connection), declared_schema())


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def differences(store: Store) -> list:
    async with store.engine.connect() as connection:
        return await connection.run_sync(_differences)


async def test_upgrading_an_empty_database_creates_the_declared_schema(store: Store):
    # The fixture's database started empty and was upgraded once.
    async with store.engine.connect() as connection:
        tables = await connection.run_sync(_tables)
    assert tables == set(declared_schema().tables)
    assert {"sessions", "session_messages", "processed_events", "outbox", "audit_log"} <= tables
    assert await differences(store) == []
    assert await migrate.is_current(store)


async def test_upgrading_again_changes_nothing_and_keeps_the_data(store: Store):
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    start = ev.Start(
        actor="U-FAC",
        session_id="s-1",
        model=Catalogue.load().models["kolb"],
        facilitator=Person(user_id="U-FAC", name="Fran"),
        participants=(Participant(user_id="U-POL", name="Sam"),),
        case_reference="RCD-1",
    )
    state = step(None, start, now).state
    assert state is not None
    async with store.transaction() as uow:
        await uow.sessions.add(StoredSession("s-1", "slack", "C1", state), now, None)
    await migrate.upgrade(store)
    await migrate.upgrade(store)
    assert await differences(store) == []
    async with store.transaction() as uow:
        kept = await uow.sessions.get("s-1")
    assert kept is not None and kept.state == state


def _downgrade_to(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", migrate.MIGRATIONS)
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _kolb_session(session_id: str, at: datetime) -> StoredSession:
    start = ev.Start(
        actor="U-FAC",
        session_id=session_id,
        model=Catalogue.load().models["kolb"],
        facilitator=Person(user_id="U-FAC", name="Fran"),
        participants=(Participant(user_id="U-POL", name="Sam"),),
        case_reference="RCD-1",
    )
    state = step(None, start, at).state
    assert state is not None
    return StoredSession(session_id, "slack", "C1", state)


async def _add_as_stored_before_0011(store: Store, session: StoredSession, at: datetime) -> None:
    """A session row as the code before revision 0011 wrote it: the whole state in the row, its
    model and answers inside."""
    state = session.state
    async with store.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO sessions (id, kind, platform, conversation, conversation_data, "
                "model_id, phase, state, wake_at, created_at, updated_at) VALUES (:id, "
                "'session', :platform, :conversation, '{}', :model, :phase, :state, NULL, :at, "
                ":at)"
            ),
            {
                "id": session.id,
                "platform": session.platform,
                "conversation": session.conversation,
                "model": state.model.id,
                "phase": state.phase.value,
                "state": state.model_dump_json(),
                "at": at,
            },
        )


async def test_the_upgrade_keeps_the_newest_of_two_active_sessions_in_one_channel(store: Store):
    """Before revision 0007 two processes could start two sessions in one channel; upgrading
    keeps the newest active and cancels the other, with an audit entry, so the index holds."""
    async with store.engine.connect() as connection:
        await connection.run_sync(_downgrade_to, "0006")
        await connection.commit()
    older, newer = (
        datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        datetime(2026, 11, 23, 9, 31, tzinfo=UTC),
    )
    await _add_as_stored_before_0011(store, _kolb_session("s-old", older), older)
    await _add_as_stored_before_0011(store, _kolb_session("s-new", newer), newer)

    await migrate.upgrade(store)

    assert await differences(store) == []
    async with store.transaction() as uow:
        active = await uow.sessions.active_in("slack", "C1")
        cancelled = await uow.sessions.get("s-old")
        audit = await uow.audit.entries("s-old")
    assert active is not None and active.id == "s-new"
    assert cancelled is not None and cancelled.state.phase is Phase.CANCELLED
    assert cancelled.state.cancelled_at is not None
    assert [entry.action for entry in audit][-1].startswith("cancelled")


# Kolb's record as it was before sections named their source.
KOLB_SECTIONS_BEFORE_SOURCES = [
    {"id": "date_held", "title": "Date Held", "template": "{{ session.date_held }}"},
    {
        "id": "learning_themes",
        "title": "Learning Themes",
        "template": '{% for a in questions["thinking_differently"].answers %}- {{ a.text }}\n'
        "{% endfor %}{% for a in questions.better_differently.answers %}- {{ a.text }}\n"
        "{% endfor %}",
    },
    {"id": "issues_for_escalation", "title": "Issues for Escalation", "template": ""},
]


async def test_the_upgrade_gives_every_stored_record_section_a_source(store: Store):
    """A session stored before record sections named their source still loads: each section's
    source is what its template used, and a section with no template becomes a field of the
    record form."""
    async with store.engine.connect() as connection:
        await connection.run_sync(_downgrade_to, "0008")
        await connection.commit()
    at = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    await _add_as_stored_before_0011(store, _kolb_session("s-old", at), at)
    async with store.engine.begin() as connection:
        (state,) = (await connection.execute(text("SELECT state FROM sessions"))).one()
        document = json.loads(state)
        del document["captured"], document["model"]["fields"]
        document["model"]["record"]["sections"] = KOLB_SECTIONS_BEFORE_SOURCES
        document["model"]["record"]["learning_section"] = "learning_themes"
        await connection.execute(
            text("UPDATE sessions SET state = :state"), {"state": json.dumps(document)}
        )

    await migrate.upgrade(store)

    async with store.transaction() as uow:
        stored = await uow.sessions.get("s-old")
    assert stored is not None
    model = stored.state.model
    sources = {s.id: s.source.model_dump(exclude_defaults=True) for s in model.record.sections}
    assert sources == {
        "date_held": {"session": ["date_held"]},
        "learning_themes": {"answers": ["thinking_differently", "better_differently"]},
        "issues_for_escalation": {"fields": ["issues_for_escalation"]},
    }
    assert [(f.id, f.after_stage) for f in model.record_form_fields] == [
        ("issues_for_escalation", None)
    ]


async def test_the_upgrade_moves_stored_answers_into_rows_of_their_own(store: Store):
    """Sessions stored with their answers and model inside the state document (before revision
    0011) load as they were, their answers now rows and their model a snapshot kept apart;
    downgrading puts both back in the document."""
    async with store.engine.connect() as connection:
        await connection.run_sync(_downgrade_to, "0010")
        await connection.commit()
    at = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    session = _kolb_session("s-old", at)
    state = session.state
    for event in (ev.AgreeRules(actor="U-POL"), ev.Begin(actor="U-FAC")):
        state = step(state, event, at).state
        assert state is not None
    question = state.open_questions[0].id
    for number, words in enumerate(("First words.", "Second words.", "Third words.")):
        reply = ev.Answer(actor="U-POL", question_id=question, message_id=f"m{number}", text=words)
        state = step(state, reply, at).state
        assert state is not None
    state = step(state, ev.EditAnswer(actor="U-POL", message_id="m1", text="Edited."), at).state
    assert state is not None
    await _add_as_stored_before_0011(store, replace(session, state=state), at)
    other = replace(_kolb_session("s-other", at), conversation="C2")
    await _add_as_stored_before_0011(store, other, at)

    await migrate.upgrade(store)

    assert await differences(store) == []
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT question_id, message_id, text, edited FROM answers ORDER BY id")
        )
        assert [tuple(row) for row in rows] == [
            (question, "m0", "First words.", False),
            (question, "m1", "Edited.", True),
            (question, "m2", "Third words.", False),
        ]
        query = text("SELECT state FROM sessions WHERE id = 's-old'")
        document = (await connection.execute(query)).scalar_one()
        snapshots = await connection.execute(text("SELECT count(*) FROM model_snapshots"))
        assert snapshots.scalar_one() == 1, "one snapshot of the model both sessions run"
    assert "Third words." not in document and state.model.name not in document
    async with store.transaction() as uow:
        stored = await uow.sessions.get("s-old")
        other_stored = await uow.sessions.get("s-other")
    assert stored is not None and stored.state == state
    assert other_stored is not None and other_stored.state == other.state

    async with store.engine.connect() as connection:
        await connection.run_sync(_downgrade_to, "0010")
        await connection.commit()
        query = text("SELECT state FROM sessions WHERE id = 's-old'")
        document = (await connection.execute(query)).scalar_one()
    assert SessionState.model_validate_json(document) == state
