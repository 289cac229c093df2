"""Learning themes go to their audience's lead and are never dropped silently (seeds 001, 003,
004): a channel per audience, a default for all, and, with neither, the facilitator told."""

from __future__ import annotations

import pytest
from engine_kit import FACILITATOR, Session, builtin, content_text

from dialogs import events as ev
from dialogs.effects import AuditNote, Destination, Post
from dialogs.learning import NO_ROUTES, LearningRoutes, routing_problems

FAC = FACILITATOR.user_id
ROUTES = LearningRoutes.parse(
    "CPC Lead Officer=C-CPC;Case Review Committee=C-CRC", default="C-EVERYONE"
)
THEMES = {
    "moray-rcd": ("learning_themes", "Agencies read 'neglect' differently."),
    "kolb": ("learning_themes", "The school was never asked what it saw."),
    "portsmouth-rpm": ("learning_summary", "Health was not invited to the strategy meeting."),
}


def published(model_id: str, routes: LearningRoutes) -> Session:
    session = Session(builtin(model_id), learning=routes)
    session.run_to_record()
    section, themes = THEMES[model_id]
    session.edit_record(**{section: themes})
    session.do(ev.Approve(actor=FAC))
    return session


@pytest.mark.parametrize(
    ("model_id", "channel"),
    [("moray-rcd", "C-CPC"), ("kolb", "C-CPC"), ("portsmouth-rpm", "C-CRC")],
)
def test_learning_themes_go_to_the_channel_of_the_models_audience(model_id: str, channel: str):
    session = published(model_id, ROUTES)
    learning = session.post("learning")
    assert (learning.destination, learning.channel) == (Destination.LEARNING, channel)
    assert THEMES[model_id][1] in content_text(learning)
    assert session.state.learning is not None and session.state.learning.channel == channel
    assert not session.state.learning_undelivered
    assert session.told(FAC) == []


def test_an_audience_without_its_own_channel_takes_the_default():
    session = published("moray-rcd", LearningRoutes(default="C-EVERYONE"))
    assert session.post("learning").channel == "C-EVERYONE"


def test_with_no_channel_the_facilitator_is_told_privately_and_the_themes_are_kept():
    session = published("moray-rcd", NO_ROUTES)
    assert not [e for e in session.effects if isinstance(e, Post) and e.key == "learning"]
    (told,) = [e for e in session.direct_messages() if e.user_id == FAC]
    words = content_text(told)
    assert "not sent" in words and "CPC Lead Officer" in words
    assert THEMES["moray-rcd"][1] in words, "the facilitator can pass the themes on by hand"
    assert session.state.learning_undelivered
    assert session.state.learning is not None
    assert session.state.learning.audience == "CPC Lead Officer"
    assert session.state.record is not None
    assert session.state.record.sections["learning_themes"] == THEMES["moray-rcd"][1]
    audited = [e.action for e in session.effects if isinstance(e, AuditNote)]
    assert "learning themes not delivered: no channel configured" in audited
    participants = {p.user_id for p in session.state.participants}
    assert all(e.user_id in participants for e in session.direct_messages() if e is not told)


def test_no_themes_means_nothing_to_deliver_and_nothing_undelivered():
    session = Session(builtin("moray-rcd"), learning=NO_ROUTES)
    session.run_to_record()
    session.edit_record(learning_themes="  ")
    session.do(ev.Approve(actor=FAC))
    assert session.state.learning is None and not session.state.learning_undelivered
    assert not [e for e in session.direct_messages() if e.user_id == FAC]


def test_audiences_match_whatever_their_case_and_spacing():
    routes = LearningRoutes.parse(" cpc lead  officer = C-CPC ; ")
    assert routes.channel_for("CPC Lead Officer") == "C-CPC"
    assert routes.channel_for("Case Review Committee") is None


@pytest.mark.parametrize("text", ["CPC Lead Officer", "=C-1", "CPC Lead Officer=", "A=C-1;a=C-2"])
def test_a_setting_that_is_not_audience_channel_pairs_is_refused(text: str):
    with pytest.raises(ValueError, match="audience"):
        LearningRoutes.parse(text)


def test_the_operator_hears_of_audiences_without_a_channel_and_of_unknown_ones():
    routes = LearningRoutes.parse("CPC Lead Officer=C-CPC;Case Review Comittee=C-CRC")
    problems = routing_problems(routes, ["CPC Lead Officer", "Case Review Committee", ""])
    assert problems == [
        "no learning channel for Case Review Committee: its learning themes will not be sent",
        "REFLECTBOT_LEARNING_CHANNELS names 'case review comittee', which no model's "
        "learning_audience is",
    ]
    assert routing_problems(LearningRoutes(default="C-ALL"), ["CPC Lead Officer"]) == []


def test_a_channel_that_refuses_the_themes_leaves_them_undelivered_and_says_so_once():
    session = published("moray-rcd", ROUTES)
    session.do(ev.LearningRefused(reason="Slack refused: not_in_channel"))
    assert session.state.learning_undelivered
    (told,) = session.told(FAC)
    assert "refused the learning themes" in told and "not_in_channel" in told
    session.do(ev.LearningRefused(reason="Slack refused: not_in_channel"))
    assert session.effects == [], "told once"


def test_a_refusal_before_any_delivery_changes_nothing():
    session = published("moray-rcd", NO_ROUTES)
    session.do(ev.LearningRefused(reason="Slack refused: not_in_channel"))
    assert session.effects == []
