"""Detector for dates that can identify a person: full dates (day, month and year) and any date
given as a birth date.

What is flagged
  * numeric day-month-year with one separator kind: 12/03/2015, 12-03-15, 12.3.2015;
    a date that is only valid month-first (03/25/2015) is flagged too;
  * ISO and year-first forms: 2015-03-12, 2015/03/12;
  * written forms: 12 March 2015, 12th of March, 2015, 12 Mar '15, 12-Mar-15, March 12, 2015;
  * after "DOB", "D.O.B.", "date of birth", "born (on|in)", "birthday (is|was)": also a date
    without a year ("born on 12 March", "DOB 12/03") and a month and year ("born in March
    2015"), because a birthday narrows down a child far more than a meeting date does.

What is not
  * month and year alone ("March 2015"), years alone, durations ("12 months"), times, ages;
  * impossible dates (31/02/2015) and years outside 1900-2099;
  * when `today` is given, a full date equal to it: that is the meeting itself (the record's own
    "date held"), not an identifier. A birth date is flagged even then: a baby born today is
    still a baby with a birth date.

Two-digit years carry no century; a date is real if it is real in either century, and equals
`today` if either reading does.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator

from .findings import Finding, IdentifierKind

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR4 = r"(?P<year>(?:19|20)\d\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d|['’]\d\d)"
_NO_DIGIT_BEFORE = r"(?<![\d/.\-])"
_NO_DIGIT_AFTER = r"(?![\d]|[/.\-]\d)"

_FULL_DATES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # 12/03/2015, 12-03-15, 12.03.2015 (one separator kind throughout)
        rf"{_NO_DIGIT_BEFORE}(?P<day>\d{{1,2}})(?P<sep>[/.\-])(?P<mon>\d{{1,2}})(?P=sep)"
        rf"(?P<year>(?:19|20)\d\d|\d\d){_NO_DIGIT_AFTER}",
        # 2015-03-12, 2015/03/12
        rf"{_NO_DIGIT_BEFORE}{_YEAR4}(?P<sep>[/.\-])(?P<mon>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})"
        rf"{_NO_DIGIT_AFTER}",
        # 12 March 2015, 12th of March, 2015, 12 Mar '15
        rf"(?<![\w/.\-]){_DAY}(?:\s+of)?\s+{_MONTH}\.?,?\s+{_YEAR}(?!\w)",
        # 12-Mar-15, 12-Mar-2015
        rf"(?<![\w/.\-]){_DAY}-{_MONTH}-(?P<year>(?:19|20)\d\d|\d\d)(?![\w/-])",
        # March 12, 2015 and March 12th 2015
        rf"(?<!\w){_MONTH}\.?\s+{_DAY},?\s+{_YEAR}(?!\w)",
    )
)

# After a birth keyword a partial date is enough.
_BIRTH_KEYWORD = re.compile(
    r"(?<!\w)(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday(?:\s+(?:is|was|on))?"
    r"|born(?:\s+(?:on|in))?)(?:\s*[:\-–]\s*|\s+)(?:(?:is|was|on|the)\s+)*",
    re.IGNORECASE,
)
_PARTIAL_DATES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"{_DAY}(?:\s+of)?\s+{_MONTH}(?!\w)",
        rf"{_MONTH}\s+{_DAY}(?!\w)",
        r"(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<mon>\d{1,2})(?![\d/.\-])",
        rf"{_MONTH}\s+{_YEAR4}(?!\w)",
    )
)


def is_real_date(year: int, month: int, day: int) -> bool:
    if not (1 <= month <= 12 and day >= 1):
        return False
    return day <= calendar.monthrange(year, month)[1]


def _years(raw: str | None) -> list[int]:
    if raw is None:
        return [2000]  # a leap year, so that 29 February without a year is accepted
    digits = raw.lstrip("'’")
    if len(digits) == 4:
        return [int(digits)]
    return [2000 + int(digits), 1900 + int(digits)]


def _month_number(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("month"):
        return _MONTHS[groups["month"][:3].lower()]
    if groups.get("mon"):
        return int(groups["mon"])
    return None


def _readings(m: re.Match[str], *, day_first_only: bool = False) -> list[datetime.date]:
    """Every real calendar date the match can mean (both centuries, and for all-numeric dates
    also month-first), day-first readings first."""
    groups = m.groupdict()
    month = _month_number(m)
    if month is None:
        return []
    day = int(groups["day"]) if groups.get("day") else 1
    orders = [(month, day)]
    if groups.get("mon") and not day_first_only and m.start("day") < m.start("mon"):
        orders.append((day, month))  # month-first writing, as in 03/25/2015 (never year-first)
    return [
        datetime.date(year, mon, d)
        for mon, d in orders
        for year in _years(groups.get("year"))
        if is_real_date(year, mon, d)
    ]


def _is_meeting_date(m: re.Match[str], today: datetime.date) -> bool:
    # A UK writer means day first; only a date that cannot be read day first is read the US way.
    readings = _readings(m, day_first_only=True) or _readings(m)
    return today in readings


def find_dates(text: str, today: datetime.date | None = None) -> Iterator[Finding]:
    birth_spans: set[tuple[int, int]] = set()
    for kw in _BIRTH_KEYWORD.finditer(text):
        for pattern in (*_FULL_DATES, *_PARTIAL_DATES):
            m = pattern.match(text, kw.end())
            if m and _readings(m):
                birth_spans.add((m.start(), m.end()))
                yield Finding(IdentifierKind.DATE, m.start(), m.end())
                break
    for pattern in _FULL_DATES:
        for m in pattern.finditer(text):
            if (m.start(), m.end()) in birth_spans or not _readings(m):
                continue
            if today is not None and _is_meeting_date(m, today):
                continue  # the meeting's own date, as the record states it
            yield Finding(IdentifierKind.DATE, m.start(), m.end())
