"""The floor under the platform SDKs' loggers: whatever level the process logs at, the loggers
that write request and response bodies below INFO (and their children) write nothing below it.
The whole-session log tests (tests/slack/test_slack_logs.py, tests/teams/test_teams_logs.py)
show no words reach the logs on real paths; this shows the floor itself, for every such SDK,
including paths those sessions do not take."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import PAYLOAD_LOGGERS, keep_payloads_out_of_logs

BODY = "a body about a child"


@pytest.fixture
def payload_loggers_restored() -> Iterator[None]:
    levels = {name: logging.getLogger(name).level for name in PAYLOAD_LOGGERS}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("name", PAYLOAD_LOGGERS)
def test_a_payload_logger_writes_nothing_below_info_even_at_debug(
    name: str, caplog: pytest.LogCaptureFixture, payload_loggers_restored: None
) -> None:
    caplog.set_level(logging.DEBUG)
    for logger in PAYLOAD_LOGGERS:
        logging.getLogger(logger).setLevel(logging.NOTSET)
    child = logging.getLogger(f"{name}.client")
    child.debug("before the floor: %s", BODY)
    assert BODY in caplog.text, "the SDK's logger inherits DEBUG without the floor"
    caplog.clear()

    keep_payloads_out_of_logs()
    child.debug("request body: %s", BODY)
    child.info("a call failed")

    assert BODY not in caplog.text
    assert "a call failed" in caplog.text
