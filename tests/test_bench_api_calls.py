"""The Web API calls benchmark counts a whole Morrison 4x4x4 session, call by call."""

from __future__ import annotations

from bench import api_calls
from bench.workload import PARTICIPANTS
from bot.dispatcher import PROGRESS_WINDOW


async def test_a_published_session_s_calls_are_counted_by_method() -> None:
    counted = await api_calls.one_session("morrison-4x4x4", progress_window=PROGRESS_WINDOW)
    parts = ("posts", "updates", "opens", "ephemerals")
    assert counted["calls"] == sum(counted[part] for part in parts)
    assert counted["minimum"] == counted["questions"] + 2
    # Each person's direct-message channel is opened once, however many messages they get.
    assert counted["opens"] == len(PARTICIPANTS)
    # Questions closing are not redrawn: far fewer updates than questions.
    assert counted["updates"] < counted["questions"] / 2
