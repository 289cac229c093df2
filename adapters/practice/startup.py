"""What `reflectbot serve` / `reflectbot practice` say on start: where the room is, and a
warning when it is open to a network, since the practice room has no accounts."""

from __future__ import annotations

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})


def practice_url(host: str, port: int) -> str:
    if host in LOOPBACK:
        shown = "localhost"
    elif host in ANY_ADDRESS:
        shown = "<this computer's address>"
    elif ":" in host:
        shown = f"[{host}]"
    else:
        shown = host
    return f"http://{shown}:{port}/"


def start_up_lines(host: str, port: int) -> list[str]:
    url = practice_url(host, port)
    lines = [
        f"The practice room is open at {url}",
        "Create a room there, then share its join link with your colleagues.",
        "Press Ctrl+C to stop.",
    ]
    if host not in LOOPBACK:
        lines.append(
            f"WARNING: the practice room is open to the network on {host or 'every address'}. "
            "It has no accounts: anyone who can reach this address can create a room, and "
            "anyone with a room's link can join it. Use made-up cases only."
        )
    return lines
