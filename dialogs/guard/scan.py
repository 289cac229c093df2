"""`find_identifiers`: every detector over one text, overlaps resolved."""

from __future__ import annotations

import datetime

from .addresses import find_addresses
from .dates import find_dates
from .findings import Finding, select_non_overlapping
from .names import find_names
from .structured import (
    find_emails,
    find_health_numbers,
    find_ni_numbers,
    find_phone_numbers,
    find_postcodes,
)
from .watchlist import Watchlist, find_watched


def find_identifiers(
    text: str, watchlist: Watchlist | None = None, *, today: datetime.date | None = None
) -> list[Finding]:
    """Child and family identifiers in `text`, non-overlapping and sorted by start.

    `today` is the date of the meeting: a full date equal to it is the record's own date and is
    not reported. Pure: no I/O, no network, the same answer for the same arguments.
    """
    candidates: list[Finding] = [
        *find_health_numbers(text),
        *find_ni_numbers(text),
        *find_postcodes(text),
        *find_emails(text),
        *find_phone_numbers(text),
        *find_dates(text, today),
        *find_addresses(text),
        *find_watched(text, watchlist),
        *find_names(text),
    ]
    return select_non_overlapping(candidates)
