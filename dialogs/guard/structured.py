"""Detectors for identifiers with a fixed shape: NHS and CHI numbers, National Insurance
numbers, postcodes, phone numbers and e-mail addresses.

Each detector returns candidate findings; `find_identifiers` resolves overlaps. The rules lean
on the real check digits and allocation rules so that ordinary numbers in a discussion (case
references, scores, counts) are not flagged:

* NHS and CHI numbers share one modulus-11 check (python-stdnum's `stdnum.gb.nhs`). A valid
  10-digit number whose first six digits are a real DDMMYY date is reported as a CHI number
  (CHI numbers occupy 010100 0000-311299 9999, a range that English and Welsh NHS numbers, which
  start at 400, never use); otherwise as an NHS number. A mistyped number with a wrong check
  digit is NOT reported: that is the price of not flagging every ten-digit figure.
* National Insurance numbers use the real prefix rules. python-stdnum has no NINO module, so the
  rules are written out here. The digits are solid or three pairs ("AB-2024-01", a case
  reference of letters, year and serial, is not a NINO). A lower-case prefix with spaces
  ("ab 12 34 56 c") counts when a National Insurance word is close by, or when it
  ends in its letter and stands alone; so "as 12 34 56 a group" in a sentence is not a hit.
* Postcodes follow the official pattern (letters allowed in each position, GIR 0AA); an inward
  part written in lower case that reads as an ordinal ("4th") is ignored.
* Phone numbers come from `phonenumbers.PhoneNumberMatcher` (region GB, offline), plus numbers
  that are merely *possible* (not allocated: typos, Ofcom drama ranges) when they are written
  as a national 01/02/07 number or a +44 or 0044 number of the right length with spaces,
  hyphens or brackets only, because a practitioner's typo in a family's mobile number still
  identifies them. A bracket that opens an aside ("Mum (07700 900135)") is left out of the
  span. A few national helplines (Childline, NSPCC, police non-emergency...) are not flagged:
  advising a family to ring them identifies nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum.gb import nhs

from .dates import is_real_date
from .findings import Finding, IdentifierKind
from .tokens import word_set

# --- NHS / CHI -------------------------------------------------------------------------------

# 3-3-4 (NHS style) or 6-4 (CHI style) or solid; separators are a single space or hyphen.
_TEN_DIGITS = re.compile(
    r"(?<![\d.,/])(?:\d{3}[ -]?\d{3}[ -]?\d{4}|\d{6}[ -]\d{4})(?![\d]|[.,/]\d)"
)


def find_health_numbers(text: str) -> Iterator[Finding]:
    for m in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(set(digits)) == 1 or not nhs.is_valid(digits):
            continue  # 0000000000 passes the checksum but is a placeholder, not a person
        dd, mm, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
        # CHI dates carry no century; a date that is real in either century counts.
        is_chi = is_real_date(1900 + yy, mm, dd) or is_real_date(2000 + yy, mm, dd)
        kind = IdentifierKind.CHI_NUMBER if is_chi else IdentifierKind.NHS_NUMBER
        yield Finding(kind, m.start(), m.end())


def is_valid_nhs_number(number: str) -> bool:
    return nhs.is_valid(number)


# --- National Insurance -----------------------------------------------------------------------

# First letter: not D F I Q U V. Second letter: not D F I O Q U V. The six digits are written
# solid or in three pairs with one separator: "AB 12 34 56 C", "AB-12-34-56-C", "AB 123456 C";
# a year and a serial ("AB-2024-01", a case reference) is not how anyone writes a NINO.
_NINO = re.compile(
    r"(?<![^\W_])(?P<prefix>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ -]?"
    r"(?P<digits>\d{6}|\d{2}(?P<sep>[ -])\d{2}(?P=sep)\d{2})"
    r"(?:[ -]?(?P<suffix>[A-D]))?(?![^\W_])",
    re.IGNORECASE,
)
_UNALLOCATED_NINO_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
# Said close to a number in lower case: "ni number ab 12 34 56 c", "her N.I. is ...".
_NI_CONTEXT = re.compile(r"\bn\.?\s?i\b|\bnino\b|national\s+insurance", re.IGNORECASE)
_NI_CONTEXT_WINDOW = 50
# Two-letter words that start a phrase such as "as 12 34 56 a group".
_NI_PROSE_PREFIXES = word_set(
    "ah am an as at be by eh go ha he hm lo me my no oh ok on or ow so to we ye yo"
)


def is_valid_ni_number(number: str) -> bool:
    m = _NINO.fullmatch(number.strip())
    return bool(m) and m.group("prefix").upper() not in _UNALLOCATED_NINO_PREFIXES


def _lower_case_nino_stands(text: str, m: re.Match[str]) -> bool:
    """A NINO with a lower-case prefix and spaces: "ab 12 34 56 c". Taken when a National
    Insurance word comes just before or after it, or when it has its letter at the end, stands
    alone (end of text or punctuation next) and its prefix is not a short English word."""
    if _NI_CONTEXT.search(text, max(0, m.start() - _NI_CONTEXT_WINDOW), m.start()):
        return True
    if _NI_CONTEXT.search(text, m.end(), m.end() + _NI_CONTEXT_WINDOW):
        return True  # "... gives ym 55 44 33 a as her NI number"
    if not m.group("suffix") or m.group("prefix").lower() in _NI_PROSE_PREFIXES:
        return False
    tail = text[m.end() : m.end() + 1]
    return not tail or tail in ".,;:!?)]\n"


def find_ni_numbers(text: str) -> Iterator[Finding]:
    for m in _NINO.finditer(text):
        prefix = m.group("prefix")
        if prefix.upper() in _UNALLOCATED_NINO_PREFIXES:
            continue
        solid = not re.search(r"[ -]", m.group())
        if not prefix.isupper() and not solid and not _lower_case_nino_stands(text, m):
            continue  # "as 12 34 56 a group" in prose
        end = m.end()
        suffix = m.group("suffix")
        if suffix and suffix.islower() and prefix.isupper():
            end = m.end("digits")  # "AB 12 34 56 a ...": the "a" is the next word, not the suffix
        yield Finding(IdentifierKind.NI_NUMBER, m.start(), end)


# --- Postcodes ----------------------------------------------------------------------------------

_OUTWARD = r"[A-PR-UWYZ](?:\d[A-HJKPSTUW]|\d{1,2}|[A-HK-Y]\d[ABEHMNPRVWXY]|[A-HK-Y]\d{1,2})"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(
    rf"(?<![^\W_])(?:GIR ?0AA|{_OUTWARD} ?{_INWARD})(?![^\W_])",
    re.IGNORECASE,
)
_ORDINAL_TAIL = re.compile(r"\d(?:st|nd|rd|th)$")


def is_postcode(candidate: str) -> bool:
    return bool(_POSTCODE.fullmatch(candidate.strip()))


def find_postcodes(text: str) -> Iterator[Finding]:
    for m in _POSTCODE.finditer(text):
        if _ORDINAL_TAIL.search(m.group()):
            continue  # "Y6 4th" and the like: an ordinal in lower case, not an inward code
        yield Finding(IdentifierKind.POSTCODE, m.start(), m.end())


# --- E-mail -------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])"
)


def find_emails(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        yield Finding(IdentifierKind.EMAIL, m.start(), m.end())


# --- Phone numbers ------------------------------------------------------------------------------

# National helplines that practitioners quote to families; they identify nobody.
_HELPLINES = frozenset(
    {
        "+448001111",  # Childline
        "+448088005000",  # NSPCC helpline
        "+448082000247",  # National Domestic Abuse Helpline
        "+44116123",  # Samaritans
        "+448000121700",  # Samaritans (old freephone form)
        "+44101",  # police non-emergency
        "+44111",  # NHS 111
        "+44999",
        "+448001234567",  # the number everyone uses as an example
    }
)
# A merely possible number counts only if written like a phone number: national 01/02/07 form
# or +44 / 0044, spaces/hyphens/brackets only (dates and references use / and .).
_POSSIBLE_SHAPE = re.compile(
    r"(?:(?:\+|00[\s-]?)44[\s-]*(?:\(0\)[\s-]*)?[127]|\(?0[127])[\d\s()-]+"
)


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# No region's numbers are shorter than six digits with their country code (Austria: +43 and
# four), and a GB number written nationally has more: a text with fewer digits holds no phone
# number, and is not given to the matcher, which costs more than every other detector together.
MIN_PHONE_DIGITS = 6
_DIGIT = re.compile(r"\d")


def find_phone_numbers(text: str) -> Iterator[Finding]:
    digits = islice(_DIGIT.finditer(text), MIN_PHONE_DIGITS)
    if sum(1 for _ in digits) == MIN_PHONE_DIGITS:
        yield from matched_phone_numbers(text)


def matched_phone_numbers(text: str) -> Iterator[Finding]:
    """The phone numbers `phonenumbers` finds in `text`, less helplines, with possible ones."""
    seen: list[tuple[int, int]] = []
    for leniency in (Leniency.VALID, Leniency.POSSIBLE):
        for m in PhoneNumberMatcher(text, "GB", leniency=leniency):
            start, raw = m.start, m.raw_string
            if raw.startswith("(") and ")" not in raw:
                start, raw = start + 1, raw[1:]  # "Mum (07700 900135)": the bracket is prose
            if any(start < e and s < m.end for s, e in seen):
                continue
            if _e164(m.number) in _HELPLINES:
                seen.append((start, m.end))
                continue
            if leniency is Leniency.POSSIBLE:
                national = str(m.number.national_number)
                if (
                    m.number.country_code != 44
                    or not _POSSIBLE_SHAPE.fullmatch(raw)
                    or len(national) != 10
                ):
                    continue
            seen.append((start, m.end))
            yield Finding(IdentifierKind.PHONE, start, m.end)
