"""Every built-in model's record, drafted from a whole realistic session: each section the seed
asks for is there and filled from its declared source, no answer is in two sections, and a
source left empty says "Not discussed."."""

from __future__ import annotations

import pytest

from dialogs import events as ev
from dialogs import messages, timing
from dialogs.actions import form_event
from dialogs.captured import form_id
from dialogs.effects import Ephemeral, Post
from dialogs.models.schema import CapturedKind, FacilitationModel
from dialogs.record import format_date
from dialogs.state import Phase
from tests.engine.engine_kit import FACILITATOR, TEAM, Session, builtin, content_text, small_model

FAC = FACILITATOR.user_id

# What each seed's record asks for, as the record's headings (and, for Portsmouth's summary for
# the Case Review Committee, the lines inside it).
SEED_RECORD = {
    # 003 Appendix 1.
    "kolb": [
        "Date Held",
        "Learning Themes",
        "Agreed Actions",
        "Issues for Escalation",
        "Escalated to",
        "Facilitator",
        "Lead Professional",
    ],
    # 004 Appendices 2 and 3.
    "portsmouth-rpm": [
        "Professionals involved",
        "Briefly what were the issues that led to RPM and what are the time scales?",
        "The child’s journey described along a time line",
        "What can we see as learning points along this time line?",
        "Are there any specific cross agency learning points? If so describe these.",
        "Are there single agency learning points? If so describe these.",
        "Conclusions/Outcomes",
        "Actions",
        "Chair",
        "Summary of learning points to be shared with the Case Review Committee",
        "Age of child",
        "Date of reflective practice meeting",
        "Chair of meeting",
        "Learning to be shared",
    ],
    # 000: "record that a meeting has been held, noting any change of hypothesis or specific
    # actions agreed"; "Facilitator summarises key points".
    "morrison-4x4x4": [
        "Meeting held",
        "Key points",
        "Change of hypothesis",
        "Specific actions agreed",
    ],
    # 001: the record of the 4x4x4 discussion, learning themes for the CPC Lead Officer, learning
    # for participants' own supervision.
    "moray-rcd": [
        "Reflective case discussion held",
        "Key points from the discussion",
        "Multi-agency learning themes",
        "Learning for further reflection and single agency supervision",
    ],
    # 002: a note that the session took place, the learning, anonymised comments, next steps.
    "space-to-think": [
        "Multi-agency reflective session held",
        "Learning shared",
        "Agency comments (anonymised)",
        "Next steps / action plan",
    ],
}


def answer_text(agency: str, question_id: str) -> str:
    return f"{agency} reflects on {question_id.replace('_', ' ')} in its own words."


def field_value(model: FacilitationModel, field_id: str) -> str:
    item = next(f for f in model.fields if f.id == field_id)
    return "9" if item.kind is CapturedKind.AGE else f"The facilitator notes {field_id}."


def run_meeting(model: FacilitationModel, *, fill: bool) -> Session:
    """A whole session: everyone asked answers every question in their own words, and the
    facilitator answers each stage's form (filling its fields, or leaving them empty), then
    the record form, and previews the record."""
    session = Session(model)
    session.begin()
    while session.state.phase is Phase.RUNNING:
        stage_id = session.state.awaiting_key_points
        if stage_id is None:
            held = timing.held_open(session.state)
            for question in list(session.state.open_questions):
                item = model.question(question.id)
                for person in session.state.waiting_for(question.id):
                    words = "3" if item.scale else answer_text(person.agency or "Chair", item.id)
                    session.answer(person.user_id, item.id, words)
            if held:  # a timed step waits for the facilitator to move on
                session.do(ev.Next(actor=FAC, confirmed=True))
            continue
        session.do(ev.RequestForm(actor=FAC, form="key_points", value=stage_id))
        (opened,) = session.forms()
        asked = [f.id for f in opened.form.fields]
        expected = [form_id(f.id) for f in model.stage_fields(stage_id)]
        assert [a for a in asked if a != "text"] == expected, stage_id
        values = {form_id(f): field_value(model, f) if fill else "" for f in _ids(expected)}
        if "text" in asked:
            values["text"] = f"Key points of {stage_id}."
        event = form_event(opened.form.id, opened.form.value, values, FAC)
        assert event is not None
        session.do(event)
    session.do(ev.RequestForm(actor=FAC, form="record"))
    (record_form,) = session.forms()
    assert session.state.record is not None
    values = {f.id: f.initial for f in record_form.form.fields}
    for item in model.record_form_fields:
        values[form_id(item.id)] = field_value(model, item.id) if fill else ""
    event = form_event(record_form.form.id, "", values, FAC)
    assert event is not None
    session.do(event)
    assert session.state.phase is Phase.AWAITING_APPROVAL, session.told(FAC)
    return session


def _ids(form_ids: list[str]) -> list[str]:
    return [f.removeprefix("field-") for f in form_ids]


def expected_parts(session: Session, section_id: str) -> list[str]:
    """What a section's source holds in this session."""
    state = session.state
    model = state.model
    section = next(s for s in model.record.sections if s.id == section_id)
    source = section.source
    facts = {
        "date_held": [format_date(state)],
        "facilitator": [state.facilitator.name],
        "lead_professional": [state.presenter.name] if state.presenter else [],
        "agencies": [p.agency for p in state.participants],
        "participants": [p.name for p in state.participants],
        "model_name": [model.name],
        "case_reference": [state.case_reference],
    }
    parts = [part for fact in source.session for part in facts[fact]]
    parts += [state.stage_notes[stage_id] for stage_id in source.key_points]
    parts += ["9 years" if state.captured[f] == "9" else state.captured[f] for f in source.fields]
    parts += [a.text for q in source.answers for a in state.questions[q].answers]
    return parts


@pytest.mark.parametrize("model_id", sorted(SEED_RECORD))
def test_a_whole_session_fills_every_section_from_its_source(model_id: str):
    model = builtin(model_id)
    session = run_meeting(model, fill=True)
    record = session.state.record
    assert record is not None
    titles = {s.id: s.title for s in model.record.sections}
    published = content_text(Post(key="record", content=messages.published_record(session.state)))
    for wanted in SEED_RECORD[model_id]:
        assert wanted in published, wanted
    for section in model.record.sections:
        text = record.sections[section.id]
        assert text, titles[section.id]
        for part in expected_parts(session, section.id):
            assert part in text, (section.id, part)
    preview = content_text(Ephemeral(user_id=FAC, content=messages.record_preview(session.state)))
    assert "Still empty" not in preview
    assert "Not discussed." not in published


@pytest.mark.parametrize("model_id", sorted(SEED_RECORD))
def test_no_answer_is_in_two_sections_and_only_where_its_source_names_it(model_id: str):
    model = builtin(model_id)
    session = run_meeting(model, fill=True)
    record = session.state.record
    assert record is not None
    named = {q: s.id for s in model.record.sections for q in s.source.answers}
    for question in session.state.questions.values():
        if model.question(question.id).scale:
            continue  # a number, not words that could be repeated
        for answer in question.answers:
            holding = [sid for sid, text in record.sections.items() if answer.text in text]
            assert holding == ([named[question.id]] if question.id in named else []), answer.text


@pytest.mark.parametrize("model_id", sorted(SEED_RECORD))
def test_sections_whose_source_was_left_empty_say_not_discussed(model_id: str):
    model = builtin(model_id)
    session = run_meeting(model, fill=False)
    record = session.state.record
    assert record is not None
    only_fields = [s for s in model.record.sections if s.source.fields and not s.source.session]
    assert only_fields, "every built-in model has sections the facilitator fills"
    preview = content_text(Ephemeral(user_id=FAC, content=messages.record_preview(session.state)))
    body = messages.record_body(session.state)
    for section in only_fields:
        assert record.sections[section.id] == "", section.id
        assert section.title in preview.split("Still empty")[1], section.id
        at = next(i for i, b in enumerate(body) if b.text == section.title)
        assert body[at + 1].text == messages.NOT_DISCUSSED, section.id
    for section in model.record.sections:
        if section.source.session and section.source.fields:
            # Part filled by the session, part by fields left empty: each empty part says so.
            assert messages.NOT_DISCUSSED in record.sections[section.id], section.id


def test_the_kolb_learning_themes_reach_the_learning_lead_as_the_facilitator_wrote_them():
    session = run_meeting(builtin("kolb"), fill=True)
    session.do(ev.Approve(actor=FAC))
    learning = session.post("learning")
    assert "The facilitator notes learning_themes." in content_text(learning)
    assert "reflects on" not in content_text(learning)  # nobody's answers


def test_portsmouth_takes_the_childs_age_in_whole_years_and_never_a_date_of_birth():
    session = run_meeting(builtin("portsmouth-rpm"), fill=True)
    assert session.state.record is not None
    before = session.state.model_copy(deep=True)
    action = {
        messages.action_field(1, "text"): "Share call-out notes within a week.",
        messages.action_field(1, "owner"): TEAM[1].user_id,
        messages.action_field(1, "review"): "2026-12-21",
    }
    for typed in ("12/03/2017", "nine", "-1", "19", "9.5"):
        session.edit_record(**{form_id("child_age"): typed}, **action)
        assert session.state == before, typed
        assert "whole years" in session.told(FAC)[0]
    session.edit_record(**{form_id("child_age"): "0"})
    assert "Age of child: under 1 year" in session.state.record.sections["learning_summary"]


def test_identifiers_in_a_captured_field_are_warned_of_and_kept_out_of_the_draft():
    model = builtin("kolb")
    session = Session(model)
    session.begin()
    while session.state.awaiting_key_points != "abstract_conceptualisation":
        session.answer_open("A realistic answer.")
    session.do(
        ev.StageNote(
            actor=FAC,
            stage_id="abstract_conceptualisation",
            fields={"learning_themes": "Call the mother on 07700 900123 sooner."},
        )
    )
    assert "seems to contain a phone number" in session.told(FAC)[0]
    while session.state.phase is Phase.RUNNING:
        if session.state.awaiting_key_points:
            session.note(session.state.awaiting_key_points)
        else:
            session.answer_open("A realistic answer.")
    assert session.state.record is not None
    drafted = session.state.record.sections["learning_themes"]
    assert "07700" not in drafted and "[phone number removed]" in drafted


def test_a_field_of_another_stage_is_refused_and_nothing_is_saved():
    session = Session(builtin("kolb"))
    session.begin()
    while session.state.awaiting_key_points != "abstract_conceptualisation":
        session.answer_open("A realistic answer.")
    before = session.state
    session.do(
        ev.StageNote(
            actor=FAC, stage_id="abstract_conceptualisation", fields={"escalated_to": "Someone."}
        )
    )
    assert session.state == before
    assert "Nothing was saved" in session.told(FAC)[0]


def test_a_template_whose_whole_source_is_empty_drafts_nothing_to_say_not_discussed():
    model = small_model(
        fields=[{"id": "themes", "label": "Themes", "after_stage": "second"}],
        sections=[
            {
                "id": "themes",
                "title": "Themes",
                "source": {"fields": ["themes"]},
                "template": "Themes the group named: {{ fields.themes }}",
            }
        ],
    )
    empty = Session(model)
    empty.run_to_record()
    assert empty.state.record is not None
    assert empty.state.record.sections["themes"] == ""
    filled = Session(model)
    filled.begin()
    while filled.state.phase is Phase.RUNNING:
        stage_id = filled.state.awaiting_key_points
        if stage_id:
            filled.do(
                ev.StageNote(actor=FAC, stage_id=stage_id, text="K.", fields={"themes": "Late."})
                if stage_id == "second"
                else ev.StageNote(actor=FAC, stage_id=stage_id, text="K.")
            )
        else:
            filled.answer_open("An answer.")
    assert filled.state.record is not None
    assert filled.state.record.sections["themes"] == "Themes the group named: Late."
