"""Street addresses."""

from __future__ import annotations

import pytest

from dialogs.guard import IdentifierKind, find_identifiers
from dialogs.guard.addresses import find_addresses


def found(text: str) -> list[str]:
    findings = find_identifiers(text)
    return [text[f.start : f.end] for f in findings if f.kind is IdentifierKind.ADDRESS]


@pytest.mark.parametrize(
    "address",
    [
        "14 Elm Road", "14a Elm Road", "14A Elm Rd", "14-16 Elm Road", "3 St John's Close",
        "27b Lower High St", "22 Park View Road", "31 Queens Park Terrace", "112 Church Lane",
        "5 Market Square", "7 Meadow Way", "6 Harbour View", "19 Station Approach",
        "Flat 3, 14 Elm Road", "Flat 2/1, 9 Byres Road", "Flat 3, Jubilee Court",
        "Apartment 12, 40 Bridge Street", "42 acacia avenue", "16 the mount road", "9 Cherry Tree Close",
    ],
)  # fmt: skip
def test_numbered_streets_and_flats(address: str) -> None:
    assert found(f"They live at {address} now.") == [address]


@pytest.mark.parametrize(
    "address",
    [
        "2F1, 14 Marchmont Road", "3F2 22 Dalkeith Road", "GF1, 9 Comely Bank Avenue",
        "PF1, 12 Gilmore Place", "Flat 2F2, 5 Warrender Park Road", "Flat G/1, 27 Cathcart Road",
        "3/2, 41 Dumbarton Road", "0/2 101 Paisley Road West", "14/3 Leith Walk",
        "14 (2F1) Marchmont Road", "2F1/14 Marchmont Road", "flat 1/2, 6 Allison Street",
    ],
)  # fmt: skip
def test_scottish_tenement_positions_are_part_of_the_address(address: str) -> None:
    assert found(f"They live at {address} now.") == [address]


@pytest.mark.parametrize(
    "text",
    [
        "The team won 3/2 on penalties.", "About 2/3 of the children", "She got 3/10 on the test.",
        "The Year 5/6 class went", "They live in a 2/1 flat in Glasgow.",
        "There have been 3/4 Family Court hearings",
    ],
)  # fmt: skip
def test_fractions_and_scores_are_not_tenement_positions(text: str) -> None:
    assert [text[f.start : f.end] for f in find_addresses(text)] == []


@pytest.mark.parametrize("street", ["Elm Road", "Hawthorn Crescent", "Mill Lane", "Rowan Drive"])
def test_named_streets_without_a_number(street: str) -> None:
    assert found(f"Police were called to {street} again.") == [street]


@pytest.mark.parametrize(
    "text",
    [
        "It's a 10 minute walk to school.", "It is a 5 mile drive.", "a 3 bed terrace",
        "a 2 lane road", "There have been 2 Family Court hearings.", "3 Car Park visits",
        "The Family Court", "the Crown Court", "on the road to recovery", "a long road",
        "We went to the High Street.", "a Road Traffic Collision", "Year 6 Park trip? no",
        "4 Core Group meetings", "in 3 weeks", "Section 47 Close working with police",
        "They live on a busy main road.", "the Police Station",
    ],
)  # fmt: skip
def test_counts_institutions_and_ordinary_roads_are_not_addresses(text: str) -> None:
    assert [text[f.start : f.end] for f in find_addresses(text)] == []
