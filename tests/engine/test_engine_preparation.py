"""People can prepare (seed 000: the document "is sent to all professionals with their invitation
in order to inform attendees of the purpose of the meeting and allow them time to prepare"): any
session sends each participant, privately, the purpose, the ground rules, every stage's
questions, their role and the expected length; Moray's tools are offered to prepare with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_kit import (
    FACILITATOR,
    POLICE,
    PRESENTER,
    T0,
    TEAM,
    Session,
    builtin,
    content_text,
    start_event,
)

from dialogs import events as ev
from dialogs.actions import button_event
from dialogs.content import ActionId, Audience
from dialogs.effects import AuditNote, DirectMessage
from dialogs.engine import step

FAC = FACILITATOR.user_id


def packs(session: Session) -> dict[str, str]:
    return {e.user_id: content_text(e) for e in session.direct_messages()}


@pytest.mark.parametrize("model_id", ["morrison-4x4x4", "moray-rcd", "space-to-think", "kolb"])
def test_the_facilitator_sends_every_participant_the_whole_pack_privately(model_id: str):
    model = builtin(model_id)
    session = Session(model)
    session.do(ev.SendPreparation(actor=FAC))
    sent = packs(session)
    assert set(sent) == {p.user_id for p in TEAM}
    for words in sent.values():
        for line in (*model.purposes, *model.ground_rules):
            assert line in words
        for stage in model.stages:
            assert stage.title in words
            for question in stage.questions:
                assert question.text in words
        assert "Expected length" in words
    assert model.roles.presenter in sent[PRESENTER.user_id]
    assert model.roles.consultant in sent[POLICE.user_id]
    assert "sent privately to each of the 3 participants" in session.told(FAC)[0]
    assert [e.action for e in session.effects if isinstance(e, AuditNote)] == [
        "sent the preparation pack"
    ]


def test_a_pack_marks_the_questions_asked_of_someone_else_and_says_how_long():
    session = Session(builtin("space-to-think"))
    session.do(ev.SendPreparation(actor=FAC))
    sent = packs(session)
    offload = builtin("space-to-think").stages[0].questions[0]
    assert f"{offload.text} (asked of the case presenter)" in sent[POLICE.user_id]
    assert f"{offload.text} (asked of" not in sent[PRESENTER.user_id]
    assert "About 30–35 minutes: 6 stages, 6 questions." in sent[POLICE.user_id]
    assert (
        "one question at a time; the model sets no length"
        in packs(_sent(Session(builtin("morrison-4x4x4"))))[POLICE.user_id]
    )


def _sent(session: Session) -> Session:
    session.do(ev.SendPreparation(actor=FAC))
    return session


def test_morays_tools_are_offered_to_prepare_with():
    words = packs(_sent(Session(builtin("moray-rcd"))))[POLICE.user_id]
    assert "To prepare" in words
    for tool in ("Genogram", "Ecomap", "Discrepancy Matrix", "Kolb's Learning cycle"):
        assert tool in words


def test_setup_can_send_the_pack_with_the_start():
    start = start_event(builtin("kolb")).model_copy(update={"send_preparation": True})
    started = step(None, start, T0)
    sent = {e.user_id for e in started.effects if isinstance(e, DirectMessage)}
    assert sent == {p.user_id for p in TEAM}
    quiet = step(None, start_event(builtin("kolb")), T0)
    assert not [e for e in quiet.effects if isinstance(e, DirectMessage)]


def test_a_scheduled_sessions_invitation_is_the_pack():
    model = builtin("morrison-4x4x4")
    start = start_event(model).model_copy(update={"scheduled_for": T0 + timedelta(days=2)})
    started = step(None, start, T0)
    invitations = {
        e.user_id: content_text(e) for e in started.effects if isinstance(e, DirectMessage)
    }
    assert set(invitations) == {p.user_id for p in TEAM}
    words = invitations[POLICE.user_id]
    assert "Invitation to a reflective case discussion" in words
    assert all(q.text in words for stage in model.stages for q in stage.questions)
    assert "bring their own chronologies" in words


def test_only_the_facilitator_sends_it_and_only_before_the_discussion_begins():
    session = Session(builtin("kolb"))
    session.do(ev.SendPreparation(actor=POLICE.user_id))
    assert session.direct_messages() == []
    assert "Only the facilitator" in session.told(POLICE.user_id)[0]
    session.begin()
    session.do(ev.SendPreparation(actor=FAC))
    assert session.direct_messages() == []
    assert "already begun, so nothing was sent" in session.told(FAC)[0]


def test_the_root_message_offers_the_facilitator_the_pack_until_the_discussion_begins():
    session = Session(builtin("kolb"))
    root = session.post("root")
    (button,) = [a for a in root.content.actions if a.id is ActionId.SEND_PREPARATION]
    assert button.audience is Audience.FACILITATOR
    assert button_event(button.id, button.value, FAC) == ev.SendPreparation(actor=FAC)
    session.begin()
    root_now = [e for e in session.effects if getattr(e, "key", "") == "root"][-1]
    assert ActionId.SEND_PREPARATION not in {a.id for a in root_now.content.actions}
