"""Record sections name their source: the model snapshot of every stored session gets one for
each section written before sources existed, so that the session still loads.

A section's source is what its template used (the answers to questions, stages' key points,
the session's facts). A section with an empty template drafted nothing and was written on the
record form, so it becomes a field of that form, drafting the section.

Revision ID: 0009
Revises: 0008
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# As dialogs.models.schema.SessionFact when this revision was written.
SESSION_FACTS = (
    "date_held",
    "facilitator",
    "lead_professional",
    "participants",
    "agencies",
    "model_name",
    "case_reference",
)
_NAMED = re.compile(r"\b(questions|stages|session)(?:\[\s*['\"]([\w-]+)['\"]\s*\]|\.(\w+))")

_sessions = sa.table("sessions", sa.column("id", sa.String()), sa.column("state", sa.Text()))


def sourced(model: dict) -> dict:
    """The model snapshot with a source for every section (one question's answers feeding the
    first section that used them)."""
    questions = {q["id"] for stage in model["stages"] for q in stage["questions"]}
    stages = {stage["id"] for stage in model["stages"]}
    fields = model.setdefault("fields", [])
    fed: set[str] = set()
    for section in model["record"]["sections"]:
        if "source" in section:
            continue
        source: dict[str, list[str]] = {"session": [], "key_points": [], "answers": []}
        for kind, key, attribute in _NAMED.findall(section.get("template", "")):
            name = key or attribute
            if kind == "questions" and name in questions and name not in fed:
                fed.add(name)
                source["answers"].append(name)
            elif kind == "stages" and name in stages:
                source["key_points"].append(name)
            elif kind == "session" and name in SESSION_FACTS:
                source["session"].append(name)
        source = {k: list(dict.fromkeys(v)) for k, v in source.items() if v}
        if not source:
            fields.append({"id": section["id"], "label": section["title"]})
            source = {"fields": [section["id"]]}
        section["source"] = source
    return model


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, state FROM sessions WHERE kind = 'session'")).all()
    for session_id, state in rows:
        document = json.loads(state)
        sections = document["model"]["record"]["sections"]
        if all("source" in section for section in sections):
            continue
        document["model"] = sourced(document["model"])
        bind.execute(
            _sessions.update()
            .where(_sessions.c.id == session_id)
            .values(state=json.dumps(document))
        )


def downgrade() -> None:
    """Older code cannot read snapshots with sources; they stay as they are."""
