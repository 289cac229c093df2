"""The Finding type, overlap resolution, find_identifiers' contract and redact()."""

from __future__ import annotations

import dataclasses
import datetime
import itertools

import pytest

from dialogs.guard import Finding, IdentifierKind, Watchlist, find_identifiers, redact
from dialogs.guard.findings import select_non_overlapping

K = IdentifierKind


def test_every_kind_has_its_plain_words_label() -> None:
    labels = {kind: Finding(kind, 0, 1).label for kind in IdentifierKind}
    assert labels == {
        K.NHS_NUMBER: "NHS number",
        K.CHI_NUMBER: "CHI number",
        K.NI_NUMBER: "National Insurance number",
        K.POSTCODE: "postcode",
        K.DATE: "date",
        K.PHONE: "phone number",
        K.EMAIL: "e-mail address",
        K.ADDRESS: "street address",
        K.NAME: "name",
        K.WATCHED: "name on the watch-list",
    }
    assert [k.value for k in IdentifierKind] == [
        "nhs_number", "chi_number", "ni_number", "postcode", "date", "phone", "email",
        "address", "name", "watched",
    ]  # fmt: skip


def test_a_finding_is_frozen_and_carries_no_text() -> None:
    finding = Finding(K.NAME, 3, 9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0  # type: ignore[misc]
    assert {f.name for f in dataclasses.fields(finding)} == {"kind", "start", "end"}


def test_a_finding_needs_a_real_span() -> None:
    with pytest.raises(ValueError):
        Finding(K.NAME, 5, 5)
    with pytest.raises(ValueError):
        Finding(K.NAME, -1, 2)


def test_overlaps_keep_the_longer_then_the_more_specific() -> None:
    kept = select_non_overlapping(
        [
            Finding(K.NAME, 0, 6),  # "Jayden"
            Finding(K.NAME, 0, 12),  # "Jayden Smith"
            Finding(K.PHONE, 20, 32),
            Finding(K.NHS_NUMBER, 20, 32),  # same span: NHS is more specific
            Finding(K.WATCHED, 40, 45),
            Finding(K.NAME, 40, 45),
        ]
    )
    assert kept == [
        Finding(K.NAME, 0, 12),
        Finding(K.NHS_NUMBER, 20, 32),
        Finding(K.WATCHED, 40, 45),
    ]


def test_find_identifiers_returns_sorted_non_overlapping_findings() -> None:
    text = (
        "Jayden Smith (DOB 12/03/2015) lives at Flat 3, 14 Elm Road, Leeds LS1 4AB. "
        "Mum's mobile 07700 900123, email kayleigh.b@gmail.com, NHS 943 476 5919, "
        "NI AB 12 34 56 C, CHI 2606098757. Mrs Brown said Jayden's nan is called Zephyr."
    )
    watchlist = Watchlist.from_entries(b"k", ["Zephyr"])
    findings = find_identifiers(text, watchlist)
    assert findings == sorted(findings, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [
        (K.NAME, "Jayden Smith"),
        (K.DATE, "12/03/2015"),
        (K.ADDRESS, "Flat 3, 14 Elm Road"),
        (K.POSTCODE, "LS1 4AB"),
        (K.PHONE, "07700 900123"),
        (K.EMAIL, "kayleigh.b@gmail.com"),
        (K.NHS_NUMBER, "943 476 5919"),
        (K.NI_NUMBER, "AB 12 34 56 C"),
        (K.CHI_NUMBER, "2606098757"),
        (K.NAME, "Mrs Brown"),
        (K.NAME, "Jayden"),
        (K.WATCHED, "Zephyr"),
    ]


def test_find_identifiers_is_pure() -> None:
    text = "Jayden missed school on 12/03/2024 and Kayleigh said so."
    first = find_identifiers(text, today=datetime.date(2024, 11, 20))
    assert find_identifiers(text, today=datetime.date(2024, 11, 20)) == first
    assert find_identifiers("") == []


def test_redact_replaces_each_span_with_its_label() -> None:
    text = "Mum said Jayden missed school on 12/03/2024. NHS 943 476 5919."
    assert redact(text, find_identifiers(text)) == (
        "Mum said [name removed] missed school on [date removed]. NHS [NHS number removed]."
    )


def test_redact_keeps_the_possessive_outside_the_placeholder() -> None:
    text = "Jayden's mum rang from 07700 900123."
    assert redact(text, find_identifiers(text)) == (
        "[name removed]'s mum rang from [phone number removed]."
    )


def test_redact_uses_every_label() -> None:
    text = "x" * 10
    for kind in IdentifierKind:
        label = Finding(kind, 0, 1).label
        assert redact(text, [Finding(kind, 2, 5)]) == f"xx[{label} removed]xxxxx"
    assert redact("a b", [Finding(K.WATCHED, 2, 3)]) == "a [name on the watch-list removed]"


def test_redact_accepts_findings_in_any_order_and_merges_overlaps() -> None:
    text = "0123456789"
    findings = [Finding(K.DATE, 6, 8), Finding(K.NAME, 0, 3), Finding(K.PHONE, 1, 4)]
    assert redact(text, findings) == "[name removed]45[date removed]89"


def test_redact_with_nothing_found_returns_the_text() -> None:
    assert redact("Nothing to see.", []) == "Nothing to see."


def test_redact_refuses_a_span_outside_the_text() -> None:
    with pytest.raises(ValueError):
        redact("short", [Finding(K.NAME, 2, 50)])
