"""NHS and CHI numbers, National Insurance numbers, postcodes, phone numbers, e-mails."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.guard import IdentifierKind, find_identifiers
from dialogs.guard.structured import (
    MIN_PHONE_DIGITS,
    find_emails,
    find_health_numbers,
    find_ni_numbers,
    find_phone_numbers,
    find_postcodes,
    is_postcode,
    is_valid_nhs_number,
    is_valid_ni_number,
    matched_phone_numbers,
)

K = IdentifierKind


def spans(finder, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text[f.start : f.end] for f in finder(text)]


def kinds(text: str) -> list[tuple[IdentifierKind, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_identifiers(text)]


# --- NHS numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["943 476 5919", "9434765919", "943-476-5919", "943 476 5870", "450 557 7104"]
)
def test_nhs_numbers_with_a_valid_check_digit_are_found(number: str) -> None:
    assert kinds(f"NHS {number} on file") == [(K.NHS_NUMBER, number)]


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "4526018156", "1234567890"])
def test_nhs_numbers_with_a_wrong_check_digit_are_not(number: str) -> None:
    assert not is_valid_nhs_number(number)
    assert spans(find_health_numbers, f"NHS {number}") == []


def test_the_nhs_check_digit_rule() -> None:
    # Weights 10..2 over the first nine digits; check = 11 - (sum mod 11); 11 -> 0; 10 invalid.
    digits = "943476591"
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    assert is_valid_nhs_number(digits + str(check))
    assert not any(is_valid_nhs_number(digits + str(d)) for d in range(10) if d != check)


def test_longer_runs_of_digits_and_placeholders_are_not_nhs_numbers() -> None:
    assert spans(find_health_numbers, "ref 94347659190") == []
    assert spans(find_health_numbers, "ref 19434765919") == []
    assert spans(find_health_numbers, "0000000000") == []
    assert spans(find_health_numbers, "version 943.476.5919") == []


# --- CHI numbers --------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["2606098757", "250521 0047", "0508154391", "210912 7554"])
def test_chi_numbers_with_a_real_date_and_check_digit_are_found(number: str) -> None:
    assert kinds(f"CHI {number}") == [(K.CHI_NUMBER, number)]


def with_check_digit(first_nine: str) -> str:
    """The ten-digit number with the modulus-11 check digit NHS and CHI numbers share."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    if check == 10:
        raise ValueError("no valid check digit")
    return first_nine + str(check)


def test_a_chi_number_with_an_impossible_date_is_not_a_chi_number() -> None:
    # 31 February 2015: the check digit is valid but the date is not, so it is no CHI number.
    # The guard still reports the valid ten-digit health number rather than let it through.
    number = with_check_digit("310215125")
    assert is_valid_nhs_number(number)
    assert kinds(f"CHI {number}") == [(K.NHS_NUMBER, number)]
    # The same tail after a real date is a CHI number.
    real = with_check_digit("280215125")
    assert kinds(f"CHI {real}") == [(K.CHI_NUMBER, real)]


def test_a_chi_number_with_a_wrong_check_digit_is_not_found() -> None:
    assert spans(find_health_numbers, "CHI 2606098758") == []


# --- National Insurance numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["AB 12 34 56 C", "AB123456C", "JT 123456 A", "CE-65-43-21-B", "ab123456c", "ZA 56 78 90"],
)
def test_national_insurance_numbers_are_found(number: str) -> None:
    assert kinds(f"NI {number} on the form") == [(K.NI_NUMBER, number)]


@pytest.mark.parametrize("first", list("DFIQUV"))
def test_forbidden_first_letters(first: str) -> None:
    assert not is_valid_ni_number(f"{first}A123456C")
    assert spans(find_ni_numbers, f"NI {first}A 12 34 56 C") == []


@pytest.mark.parametrize("second", list("DFIOQUV"))
def test_forbidden_second_letters(second: str) -> None:
    assert not is_valid_ni_number(f"A{second}123456C")
    assert spans(find_ni_numbers, f"NI A{second} 12 34 56 C") == []


@pytest.mark.parametrize("prefix", ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"])
def test_unallocated_prefixes(prefix: str) -> None:
    assert not is_valid_ni_number(f"{prefix}123456A")
    assert spans(find_ni_numbers, f"NI {prefix} 12 34 56 A") == []


def test_the_suffix_is_a_to_d() -> None:
    assert is_valid_ni_number("AB123456D")
    assert not is_valid_ni_number("AB123456E")
    # A letter beyond D is not part of the number; the prefix and digits still are.
    assert spans(find_ni_numbers, "AB 12 34 56 E") == ["AB 12 34 56"]
    assert spans(find_ni_numbers, "AB 12 34 56 and more") == ["AB 12 34 56"]


def test_lower_case_letters_and_spaces_read_as_prose() -> None:
    assert spans(find_ni_numbers, "we met as 12 34 56 a group") == []
    assert spans(find_ni_numbers, "They met as 12 34 56 a group of parents.") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("NI number ab 12 34 56 c", "ab 12 34 56 c"),
        ("her ni number is jt 12 34 56 a, dad gave it", "jt 12 34 56 a"),
        ("mum's national insurance no. ce 654321 b was on the letter", "ce 654321 b"),
        ("NI: Ab 12 34 56 C", "Ab 12 34 56 C"),
        ("ni wk-11-22-33-d (from the housing form)", "wk-11-22-33-d"),
        ("the letter gives ym 55 44 33 a as her NI number", "ym 55 44 33 a"),
        ("Checked: hs 20 40 60 b.", "hs 20 40 60 b"),
    ],
)
def test_lower_case_numbers_with_spaces_near_ni_words_or_standing_alone(
    text: str, number: str
) -> None:
    assert kinds(text) == [(K.NI_NUMBER, number)]


@pytest.mark.parametrize(
    "text",
    [
        "ref AB-2024-01", "Case ref AB-2025-17, please use that", "See CP-2024-01 for it",
        "RCD-2025-17 was the referral", "ref JT-2024-02-15", "case AB-2024-0153",
    ],
)  # fmt: skip
def test_case_references_of_letters_year_and_serial_are_not_ni_numbers(text: str) -> None:
    assert spans(find_ni_numbers, text) == []


# --- Postcodes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    [
        "LS1 4AB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB",
        "SW1A 1AA", "GIR 0AA", "gir0aa", "ls27jn", "g2 3db", "BT7 1NN", "EH1 1YZ",
    ],
)  # fmt: skip
def test_postcodes_in_every_official_shape(postcode: str) -> None:
    assert is_postcode(postcode)
    assert spans(find_postcodes, f"They moved to {postcode} last week") == [postcode]


@pytest.mark.parametrize(
    "text",
    [
        "She is in KS2", "Y6 4th", "Vitamin B12 deficiency", "the M25 was shut",
        "Section 47", "S47 enquiry", "P7 class", "QA1 1AA", "AB1 1CI", "in year 10 3rd set",
    ],
)  # fmt: skip
def test_ordinary_words_and_codes_are_not_postcodes(text: str) -> None:
    assert spans(find_postcodes, text) == []


# --- Phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123", "07911123456", "+44 7911 123456", "+447700900456", "0113 496 0000",
        "020 7946 0000", "0161-496-0000", "(0131) 496 0000", "+44 (0)20 7946 0018",
        "029 2018 0123", "01632 960123", "07700 900 789",
    ],
)  # fmt: skip
def test_mobiles_landlines_and_plus_44_forms(number: str) -> None:
    assert kinds(f"Mum is on {number} most days") == [(K.PHONE, number)]


@pytest.mark.parametrize(
    "text",
    [
        "Call Childline on 0800 1111", "NSPCC helpline 0808 800 5000", "ring 101 or 999",
        "Samaritans 116 123", "Domestic Abuse Helpline 0808 2000 247", "CR-2024-117",
        "DOB 12.03.2015", "ref 2024/25", "£1,250.00", "case 2024-117-3", "ref 12345678",
        "at 10:30 on 3.4.24", "scored 1234 5678",
    ],
)  # fmt: skip
def test_helplines_references_and_dates_are_not_phone_numbers(text: str) -> None:
    assert spans(find_phone_numbers, text) == []


def test_no_region_has_phone_numbers_shorter_than_the_digits_the_matcher_is_skipped_below() -> None:
    """A text with fewer than MIN_PHONE_DIGITS digits is not given to the matcher: in every
    region's metadata, the shortest number it allows has at least that many with its country
    code."""
    shortest = {
        region: len(str(metadata.country_code)) + min(lengths)
        for region in phonenumbers.SUPPORTED_REGIONS
        if (metadata := phonenumbers.PhoneMetadata.metadata_for_region(region)) is not None
        if (lengths := [n for n in metadata.general_desc.possible_length if n > 0])
    }
    assert len(shortest) > 200
    assert min(shortest.values()) >= MIN_PHONE_DIGITS


def test_a_text_with_too_few_digits_is_not_given_to_the_matcher(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the phone matcher was run")

    monkeypatch.setattr("dialogs.guard.structured.PhoneNumberMatcher", refuse)
    assert list(find_phone_numbers("Seen 3 times by 2 agencies in 120 days.")) == []
    with pytest.raises(AssertionError, match="matcher was run"):
        list(find_phone_numbers("Mum is on 07700 900123."))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789０١+()- .x/abAB", max_size=40))
def test_skipping_the_matcher_below_those_digits_changes_nothing(text: str) -> None:
    assert list(find_phone_numbers(text)) == list(matched_phone_numbers(text))


@pytest.mark.parametrize(
    "number",
    [
        "0044 7700 900123", "00 44 7700 900789", "0044 (0) 7700 900246", "0044 131 496 0022",
        "00 44 131 496 0909", "+44 (0)7700 900123", "(0131) 496 0000", "(07700) 900 765",
    ],
)  # fmt: skip
def test_international_00_44_prefix_and_brackets(number: str) -> None:
    assert kinds(f"Dad is on {number} most days") == [(K.PHONE, number)]


def test_a_bracket_opening_the_aside_is_not_part_of_the_number() -> None:
    text = "Mum (0044 7700 900135) did not answer"
    assert kinds(text) == [(K.PHONE, "0044 7700 900135")]


# --- E-mail addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["jayden.smith@gmail.com", "kayleighb1990@hotmail.co.uk", "teen+games@proton.me",
     "r.pryce-jones@btinternet.com", "LEWIS.KING@live.co.uk"],
)  # fmt: skip
def test_email_addresses(address: str) -> None:
    assert spans(find_emails, f"email {address}, thanks") == [address]


@pytest.mark.parametrize("text", ["@facilitator can you", "mum@home", "a @ b.com", "x@y"])
def test_not_email_addresses(text: str) -> None:
    assert spans(find_emails, text) == []
