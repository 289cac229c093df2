"""The start-up message: the link to open, and a warning when the room is open to a network."""

from __future__ import annotations

import pytest

from adapters.practice.startup import practice_url, start_up_lines


def test_on_this_computer_only_the_link_is_given_without_a_warning() -> None:
    lines = start_up_lines("127.0.0.1", 3978)
    assert lines[0] == "The practice room is open at http://localhost:3978/"
    assert not any("WARNING" in line for line in lines)


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("0.0.0.0", "http://<this computer's address>:8080/"),
        ("192.0.2.10", "http://192.0.2.10:8080/"),
        ("2001:db8::1", "http://[2001:db8::1]:8080/"),
    ],
)
def test_open_to_a_network_it_warns_that_there_are_no_accounts(host: str, shown: str) -> None:
    lines = start_up_lines(host, 8080)
    assert practice_url(host, 8080) == shown
    assert lines[0].endswith(shown)
    assert "no accounts" in lines[-1] and lines[-1].startswith("WARNING")
