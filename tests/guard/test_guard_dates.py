"""Dates: full dates in UK forms, birth dates, and what is not a date identifier."""

from __future__ import annotations

import datetime

import pytest

from dialogs.guard.dates import find_dates

MEETING = datetime.date(2024, 11, 20)


def found(text: str, today: datetime.date | None = MEETING) -> list[str]:
    return [text[f.start : f.end] for f in find_dates(text, today)]


@pytest.mark.parametrize(
    "date",
    [
        "12/03/2015", "12-03-15", "12.03.2015", "12.3.2015", "1/2/23", "12 March 2015",
        "12th March 2015", "12th of March 2015", "12th of March, 2015", "12 Mar 2015",
        "12 Mar. 2015", "1 Sept 2022", "14 Feb '23", "12-Mar-15", "March 12, 2015",
        "March 12th 2015", "Mar 12 2015", "2015-03-12", "2015/03/12", "29/02/2020",
        "12 march 2015", "03/25/2015",
    ],
)  # fmt: skip
def test_full_dates(date: str) -> None:
    assert found(f"It happened on {date}, police said.") == [date]


@pytest.mark.parametrize(
    "text",
    [
        "We met in March 2015.", "Since 2019.", "For 12 months.", "He is 3 years old.",
        "At 10:30.", "At 12.30pm.", "Open 24/7.", "3/4 of the time.", "In 2023/24.",
        "Between 2019-2021.", "Version 1.2.3.", "On 12/03 we met.", "Week 12 of 2024.",
        "Room 12.03", "the 3rd", "Monday 12 March",
    ],
)  # fmt: skip
def test_partial_dates_durations_and_times_are_not_dates(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("text", ["31/02/2015", "30 February 2016", "29/02/2019", "32/01/2024",
                                  "13/13/2015", "00/01/2015", "2015-13-01", "12/03/1850"])  # fmt: skip
def test_impossible_dates_are_not_dates(text: str) -> None:
    assert found(f"dated {text}") == []


@pytest.mark.parametrize(
    "text",
    ["Meeting held 20/11/2024", "Date held: 20 November 2024", "2024-11-20", "20.11.24",
     "Wednesday 20th November 2024", "20-11-2024", "November 20, 2024"],
)  # fmt: skip
def test_the_meeting_date_itself_is_not_an_identifier(text: str) -> None:
    assert found(text) == []
    assert found(text, today=None) != []  # without a meeting date it is an ordinary date


def test_other_dates_are_still_found_on_the_day() -> None:
    assert found("Seen 19/11/2024 and 21/11/2024") == ["19/11/2024", "21/11/2024"]


def test_a_uk_date_is_read_day_first_when_comparing_with_the_meeting() -> None:
    # 11/20/2024 can only be month-first, so it is the meeting date; 11/12/2024 is 11 December.
    assert found("11/20/2024") == []
    assert found("11/12/2024", today=datetime.date(2024, 11, 12)) == ["11/12/2024"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB 12/03", "12/03"),
        ("D.O.B. 12 March", "12 March"),
        ("dob: 3rd June", "3rd June"),
        ("date of birth 9 July", "9 July"),
        ("born on the 4th of January", "4th of January"),
        ("She was born on March 3rd and", "March 3rd"),
        ("born in March 2015", "March 2015"),
        ("birthday is 22 October", "22 October"),
        ("Birth date 30.04.2017", "30.04.2017"),
    ],
)
def test_after_a_birth_keyword_a_partial_date_is_enough(text: str, date: str) -> None:
    assert found(text) == [date]


def test_a_birth_date_is_flagged_even_when_it_is_today() -> None:
    assert found("DOB 20/11/2024, baby born this morning") == ["20/11/2024"]


def test_birth_keywords_do_not_make_other_things_dates() -> None:
    assert found("born in 2015") == []
    assert found("DOB unknown") == []
    assert found("born on time") == []
