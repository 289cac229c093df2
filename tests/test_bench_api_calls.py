"""The Web API calls benchmark counts a whole Morrison 4x4x4 session, call by call."""

from __future__ import annotations

from bench import api_calls
from bench.workload import PARTICIPANTS
from bot.dispatcher import PROGRESS_WINDOW
from dialogs.models.catalogue import Catalogue


async def test_a_published_session_s_calls_are_counted_by_method() -> None:
    counted = await api_calls.one_session("morrison-4x4x4", progress_window=PROGRESS_WINDOW)
    parts = ("posts", "updates", "opens", "ephemerals")
    assert counted["calls"] == sum(counted[part] for part in parts)
    assert counted["minimum"] == counted["questions"] + 2
    # Each person's direct-message channel is opened once, however many messages they get.
    assert counted["opens"] == len(PARTICIPANTS)
    # Questions closing are not redrawn: far fewer updates than questions.
    assert counted["updates"] < counted["questions"] / 2
    # Nothing a person must receive is left out: the calls are at least the procedure's minimum.
    assert counted["calls"] >= counted["procedure minimum"] > counted["minimum"]
    # The presses on private messages (asking the participants, each one's confirmation) are
    # answered in place through their response_url, counted apart from the Web API calls.
    assert counted["responses"] == 1 + len(PARTICIPANTS)
    assert counted["calls"] <= 1.5 * counted["minimum"]  # issue 17


def test_the_procedure_s_minimum_counts_every_message_a_person_must_receive() -> None:
    morrison = Catalogue.load().get("morrison-4x4x4")
    assert morrison is not None
    terms = api_calls.procedure_minimum(morrison, len(PARTICIPANTS))
    assert terms == {
        "root": 1,
        "questions": 42,
        "key points prompts": 4,
        "completion notice": 1,
        "draft preview to the facilitator": 1,
        "drafts to confirm": 3,
        "record": 1,
        "record copies": 3,
        "direct-message channels": 3,
    }


def test_the_procedure_s_row_stands_beside_the_issue_s_with_its_terms() -> None:
    counted = {"calls": 70, "minimum": 44, "posts": 55, "updates": 6, "opens": 3}
    counted |= {"ephemerals": 6, "responses": 4, "procedure minimum": 5, "procedure: root": 1}
    counted |= {"procedure: questions": 4}
    issue, procedure, other = api_calls.table_rows({"a window": counted, "none": counted})
    assert issue[1] == "70 (minimum 44, x1.59)"
    assert issue[2].startswith(
        "55 posts, 6 updates, 3 opens, 6 ephemerals; 4 responses through response_url, not Web "
        "API calls; Morrison"
    )
    assert procedure == (
        "Web API calls a session against the procedure's minimum, a window",
        "70 (procedure's minimum 5, x14.00)",
        "5 = 1 root + 4 questions",
    )
    assert other[0] == "Web API calls a session, none"
