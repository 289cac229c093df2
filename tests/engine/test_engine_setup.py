"""Start, ground rules and Begin."""

from __future__ import annotations

from engine_kit import (
    FACILITATOR,
    HEALTH,
    OUTSIDER,
    POLICE,
    PRESENTER,
    T0,
    TEAM,
    Session,
    builtin,
    content_text,
    small_model,
    start_event,
)

from dialogs import events as ev
from dialogs.effects import AuditNote, Ephemeral, Post
from dialogs.engine import step
from dialogs.events import Participant, Role
from dialogs.state import Phase


def refusal(result_effects: list) -> str:
    (only,) = result_effects
    assert isinstance(only, Ephemeral) and only.user_id == FACILITATOR.user_id
    return content_text(only)


# -- start -----------------------------------------------------------------------------------


def test_start_posts_the_root_and_audits_who_started():
    result = step(None, start_event(builtin("morrison-4x4x4")), T0)
    assert result.state is not None
    assert result.state.phase is Phase.GROUND_RULES
    (root,) = [e for e in result.effects if isinstance(e, Post)]
    assert root.key == "root"
    assert "Ground rules" in content_text(root)
    assert AuditNote(action="started", actor=FACILITATOR.user_id) in result.effects


def test_start_without_participants_is_refused():
    result = step(None, start_event(small_model(), ()), T0)
    assert result.state is None
    assert "at least one participant" in refusal(result.effects)


def test_start_with_only_the_facilitator_listed_is_refused():
    facilitator_as_participant = Participant(user_id=FACILITATOR.user_id, name=FACILITATOR.name)
    result = step(None, start_event(small_model(), (facilitator_as_participant,)), T0)
    assert result.state is None
    assert "at least one participant" in refusal(result.effects)


def test_start_with_two_presenters_is_refused():
    second = Participant(user_id="U-2", name="Second Presenter", role=Role.PRESENTER)
    result = step(None, start_event(small_model(), (PRESENTER, second)), T0)
    assert result.state is None
    assert "one lead professional" in refusal(result.effects)


def test_a_model_that_asks_the_presenter_needs_one():
    result = step(None, start_event(builtin("space-to-think"), (POLICE, HEALTH)), T0)
    assert result.state is None
    assert "needs a case presenter" in refusal(result.effects)


def test_a_model_that_asks_only_everyone_runs_without_a_presenter():
    result = step(None, start_event(builtin("kolb"), (POLICE, HEALTH)), T0)
    assert result.state is not None
    assert result.state.presenter is None


def test_facilitator_listed_as_participant_is_dropped_and_duplicates_once():
    listed = (Participant(user_id=FACILITATOR.user_id, name="Fran"), POLICE, POLICE, PRESENTER)
    result = step(None, start_event(small_model(), listed), T0)
    assert result.state is not None
    assert [p.user_id for p in result.state.participants] == [POLICE.user_id, PRESENTER.user_id]


def test_a_second_start_in_a_running_session_changes_nothing():
    session = Session(small_model())
    before = session.state
    result = step(before, start_event(small_model()), T0)
    assert result.state == before
    assert "already running" in refusal(result.effects)


# -- agreeing to the ground rules ------------------------------------------------------------


def test_each_participant_agrees_once_and_the_root_shows_who_is_waiting():
    session = Session(small_model())
    session.do(ev.AgreeRules(actor=POLICE.user_id))
    assert session.state.agreed == [POLICE.user_id]
    assert session.updated() == ["root"]
    (root,) = [e for e in session.effects if hasattr(e, "key")]
    waiting = [b for b in root.content.blocks if b.people][-1]
    assert [p.user_id for p in waiting.people] == [PRESENTER.user_id, HEALTH.user_id]


def test_agreeing_twice_is_answered_and_counted_once():
    session = Session(small_model())
    session.do(ev.AgreeRules(actor=POLICE.user_id))
    session.do(ev.AgreeRules(actor=POLICE.user_id))
    assert session.state.agreed == [POLICE.user_id]
    assert "already agreed" in session.told(POLICE.user_id)[0]
    assert session.updated() == []


def test_an_outsider_cannot_agree():
    session = Session(small_model())
    session.do(ev.AgreeRules(actor=OUTSIDER))
    assert session.state.agreed == []
    assert "not a participant" in session.told(OUTSIDER)[0]


def test_the_facilitator_does_not_agree():
    session = Session(small_model())
    session.do(ev.AgreeRules(actor=FACILITATOR.user_id))
    assert session.state.agreed == []
    assert "you are the facilitator" in session.told(FACILITATOR.user_id)[0]


def test_agreeing_after_the_ground_rules_is_explained():
    session = Session(small_model())
    session.do(ev.Cancel(actor=FACILITATOR.user_id))
    session.do(ev.AgreeRules(actor=PRESENTER.user_id))
    assert session.state.agreed == []
    assert "moved on from the ground rules" in session.told(PRESENTER.user_id)[0]


# -- beginning -------------------------------------------------------------------------------


def test_only_the_facilitator_begins():
    session = Session(small_model())
    for person in TEAM:
        session.do(ev.AgreeRules(actor=person.user_id))
    session.do(ev.Begin(actor=POLICE.user_id))
    assert session.state.phase is Phase.GROUND_RULES
    assert "Only the facilitator, Fran Facilitator, can begin" in session.told(POLICE.user_id)[0]


def test_begin_waits_until_everyone_has_agreed_and_names_who_has_not():
    session = Session(small_model())
    session.do(ev.AgreeRules(actor=POLICE.user_id))
    session.do(ev.Begin(actor=FACILITATOR.user_id))
    assert session.state.phase is Phase.GROUND_RULES
    told = session.told(FACILITATOR.user_id)[0]
    assert "Pat Presenter, Jo Visitor" in told
    assert session.posted() == []


def test_begin_opens_the_first_question_of_the_first_stage():
    session = Session(small_model())
    session.begin()
    assert session.state.phase is Phase.RUNNING
    assert session.state.began_at == T0
    assert session.posted() == ["q:q1"]
    assert "root" in session.updated()
    assert AuditNote(action="began", actor=FACILITATOR.user_id) in session.effects


def test_begin_twice_is_refused():
    session = Session(small_model())
    session.begin()
    session.do(ev.Begin(actor=FACILITATOR.user_id))
    assert session.posted() == []
    assert "already begun" in session.told(FACILITATOR.user_id)[0]
