"""The identifier guard: finds child and family identifiers in free text and redacts them.

Records of a reflective case discussion must carry no child or family identifiers. The guard
finds them so the bot can warn the speaker and redact the record:

    findings = find_identifiers(text, watchlist, today=meeting_date)
    clean = redact(text, findings)

Platform-neutral and pure: no I/O at call time (the name lists ship with the package and load
once at import), no network, no models. See each module's docstring for the exact rules and
the trade-offs made.
"""

from __future__ import annotations

from .findings import Finding, IdentifierKind
from .redact import redact
from .scan import find_identifiers
from .watchlist import Watchlist

__all__ = ["Finding", "IdentifierKind", "Watchlist", "find_identifiers", "redact"]
