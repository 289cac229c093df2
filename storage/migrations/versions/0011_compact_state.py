"""A compact session state: each stored session's answers move out of its state document into
rows of `answers` (an answer, its edit or its deletion writes its row alone), and its model
snapshot into `model_snapshots`, stored once however many sessions run it and named by digest.

Revision ID: 0011
Revises: 0010
"""

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_sessions = sa.table(
    "sessions",
    sa.column("id", sa.String()),
    sa.column("state", sa.Text()),
    sa.column("model_digest", sa.String()),
)
_snapshots = sa.table(
    "model_snapshots", sa.column("digest", sa.String()), sa.column("snapshot", sa.Text())
)
_answers = sa.table(
    "answers",
    sa.column("id", sa.Integer()),
    sa.column("session_id", sa.String()),
    sa.column("question_id", sa.String()),
    sa.column("message_id", sa.String()),
    sa.column("author", sa.String()),
    sa.column("text", sa.Text()),
    sa.column("at", UTCDateTime()),
    sa.column("edited", sa.Boolean()),
)


def _session_states(bind: sa.Connection) -> list[tuple[str, dict]]:
    rows = bind.execute(sa.text("SELECT id, state FROM sessions WHERE kind = 'session'")).all()
    return [(session_id, json.loads(state)) for session_id, state in rows]


def _write_state(bind: sa.Connection, session_id: str, document: dict, **columns: str) -> None:
    bind.execute(
        _sessions.update()
        .where(_sessions.c.id == session_id)
        .values(state=json.dumps(document), **columns)
    )


def _keep_snapshot(bind: sa.Connection, model: dict, kept: set[str]) -> str:
    snapshot = json.dumps(model)
    digest = hashlib.sha256(snapshot.encode()).hexdigest()
    if digest not in kept:
        bind.execute(_snapshots.insert().values(digest=digest, snapshot=snapshot))
        kept.add(digest)
    return digest


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "session_id",
            sa.String(64),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(300), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("session_id", "message_id", name="uq_answers_message"),
    )
    op.create_index("ix_answers_question", "answers", ["session_id", "question_id", "id"])
    op.create_table(
        "model_snapshots",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
    )
    op.add_column(
        "sessions", sa.Column("model_digest", sa.String(64), nullable=False, server_default="")
    )
    bind = op.get_bind()
    kept: set[str] = set()
    for session_id, document in _session_states(bind):
        rows = [
            {
                "session_id": session_id,
                "question_id": question_id,
                "message_id": answer["message_id"],
                "author": answer["author"],
                "text": answer["text"],
                "at": datetime.fromisoformat(answer["at"]),
                "edited": answer.get("edited", False),
            }
            for question_id, question in document.get("questions", {}).items()
            for answer in question.pop("answers", [])
        ]
        if rows:  # in the order they were given: their ids keep it
            bind.execute(_answers.insert(), rows)
        digest = _keep_snapshot(bind, document["model"], kept)
        document["model"] = None
        _write_state(bind, session_id, document, model_digest=digest)


def downgrade() -> None:
    bind = op.get_bind()
    snapshots = dict(bind.execute(sa.select(_snapshots.c.digest, _snapshots.c.snapshot)).all())
    digests = dict(bind.execute(sa.select(_sessions.c.id, _sessions.c.model_digest)).all())
    for session_id, document in _session_states(bind):
        document["model"] = json.loads(snapshots[digests[session_id]])
        rows = bind.execute(
            sa.select(_answers).where(_answers.c.session_id == session_id).order_by(_answers.c.id)
        ).all()
        questions = document.get("questions", {})
        for question in questions.values():
            question["answers"] = []
        for row in rows:
            questions[row.question_id]["answers"].append(
                {
                    "message_id": row.message_id,
                    "author": row.author,
                    "text": row.text,
                    "at": row.at.isoformat(),
                    "edited": row.edited,
                }
            )
        _write_state(bind, session_id, document)
    # Not a batch operation: on SQLite it would rebuild the table and lose its partial index.
    op.execute("ALTER TABLE sessions DROP COLUMN model_digest")
    op.drop_table("model_snapshots")
    op.drop_index("ix_answers_question", table_name="answers")
    op.drop_table("answers")
