"""What Bolt calls for a request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

# Bolt passes a listener its arguments by parameter name (ack, body, client …), so listeners are
# plain functions (closures over what they need), never bound methods.
Listener = Callable[..., Awaitable[None]]
