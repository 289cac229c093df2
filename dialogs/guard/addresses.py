"""Detector for street addresses.

Flagged
  * a house number (14, 14a, 14-16) and one to three words and a street suffix:
    "14 Elm Road", "3 St John's Close", "27b Lower High St";
  * with a flat or unit in front: "Flat 3, 14 Elm Road", "Flat 2/1, 9 Byres Road", and a flat
    in a named block: "Flat 3, Jubilee Court";
  * with a Scottish tenement position, floor and flat: "2F1, 14 Marchmont Road", "Flat G/1,
    27 Cathcart Road", "3/2 41 Dumbarton Road", "14/3 Leith Walk", "14 (2F1) Marchmont Road";
  * a compass word after the street is part of it: "101 Paisley Road West";
  * a named street without a number when every word is capitalised and the suffix is one that
    is only ever a street ("Elm Road", "Mill Lane", "Hawthorn Crescent"): beyond the brief, but
    "police attended Elm Road" identifies a family as surely as the number does.

Not flagged (precision)
  * lower-case text unless the suffix is an unmistakable street word (road, street, avenue,
    lane, crescent, terrace, gardens, grove, mews) and no word before it is a unit or count
    ("10 minute walk", "5 mile drive", "3 bed terrace", "a 2 lane road");
  * a count in front of an institution that happens to end in a street word ("2 Family Court
    hearings", "3 Car Park visits");
  * "the High Street" without a number: every town has one.
Town names are not flagged: on their own they do not identify a family.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Finding, IdentifierKind
from .tokens import word_set

_SUFFIXES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Crescent|Cres|Court|Ct|Place|Gardens"
    "|Gdns|Terrace|Tce|Way|Grove|View|Walk|Row|Square|Sq|Park|Hill|Rise|Mews|Green|Parade|Pde"
    "|Vale|Wynd|Brae|Gate|Mount|Boulevard|Quay|Wharf|Yard|Chase|Croft|Fold|Meadows|Meadow|Mead"
    "|End|Bank|Heights|Villas|Cottages|Buildings|Passage|Approach|Circus|Embankment|Esplanade"
    "|Promenade|Ridge|Crossway|Loan|Causeway|Dene|Garth|Leys|Hey|Nook"
)
_STRONG_LOWER_SUFFIXES = word_set(
    "road rd street avenue ave lane crescent terrace gardens grove mews"
)
_NUMBERLESS_SUFFIXES = (
    "Road|Street|Avenue|Lane|Crescent|Terrace|Close|Drive|Gardens|Grove|Mews|Wynd"
)
_WORD = r"[A-Za-z][A-Za-z'’\-]*\.?"
# A Scottish tenement position: floor and flat ("2F1", "GF2", "PF1", Edinburgh) or floor/flat
# ("0/1", "3/2", "G/1", Glasgow).
_POSITION_CORE = r"(?:(?:\d{1,2}|[GBP])F\d{1,2}|(?:\d{1,2}|G)/\d{1,2})"
_POSITION = rf"{_POSITION_CORE}(?![\w/])"
_HOUSE_NUMBER = (
    r"\d{1,4}(?:[A-Za-z](?![A-Za-z]))?(?:\s*[-–]\s*\d{1,4}(?:[A-Za-z](?![A-Za-z]))?)?"
    rf"(?:/(?:{_POSITION}|\d{{1,3}}(?![\w/]))|\s*\(\s*{_POSITION}\s*\))?"  # 14/3, 14 (2F1)
)
_FLAT = rf"(?:flat|apartment|apt|unit)\.?\s+(?:{_POSITION}|\d{{1,4}}(?:/\d{{1,3}})?[A-Za-z]?),?\s+"
# Before a house number, a flat or a bare tenement position: "2F1, 14 Marchmont Road", "2F1/14".
_UNIT = rf"(?:{_FLAT}|{_POSITION_CORE}(?:,?\s+|/)(?=\d))"

# A house number (with an optional flat in front) and up to four words after it; which of the
# words is the street suffix is decided in code, so that "16 the mount road" can try both
# "mount" and "road".
_NUMBERED = re.compile(
    rf"(?<![\w/.:£$€\-])(?:{_UNIT})?{_HOUSE_NUMBER},?\s+"
    rf"(?P<words>{_WORD}(?:\s+{_WORD}){{0,3}})",
    re.IGNORECASE,
)
_SUFFIX = re.compile(rf"(?:{_SUFFIXES})", re.IGNORECASE)
_FLAT_IN_BLOCK = re.compile(
    rf"(?<!\w)(?P<flat>{_FLAT})(?P<words>(?:[A-Z][A-Za-z'’\-]*\s+){{1,3}}?)"
    rf"(?P<suffix>{_SUFFIXES}|House|Tower|Lodge|Mansions|Point|Hall)\b",
    re.IGNORECASE,
)
_NUMBERLESS = re.compile(
    rf"(?<![\w'’])(?P<words>(?:[A-Z][a-z'’\-]+\s+){{1,2}})(?P<suffix>{_NUMBERLESS_SUFFIXES})\b"
    r"(?!['’]s)"
)

# Words that, before the suffix, show that the number is a count and not a house number.
_COUNT_WORDS = word_set(
    "minute minutes min mins hour hours hr hrs mile miles mi km day days week weeks month months "
    "year years bed beds bedroom bedrooms bedroomed storey storeys lane lanes way ways up down of "
    "and to in on at for with from by very more less other old new few times time people person "
    "children kids car cars bus"
)
# Institutions that end in a street word, seen after a count ("2 Family Court hearings").
_INSTITUTIONS: dict[str, frozenset[str]] = {
    "court": word_set(
        "family crown youth county magistrates magistrates' supreme high sheriff appeal"
    ),
    "park": word_set("car play theme retail business industrial science safari holiday"),
}
_NOT_STREET_NAMES = word_set(
    "the a an this that my our your their his her its on in at of down up across along off by to "
    "from via into onto near past keep stay very too so and or but if when high"
)


def _words(m: re.Match[str]) -> list[str]:
    return m.group("words").split()


def _accept_street(words: list[str], suffix: str) -> bool:
    """Is "<number> <words> <suffix>" a street address rather than a count of something?"""
    if words[-1].lower().rstrip(".") in _INSTITUTIONS.get(suffix.lower(), ()):
        return False
    if all(w[0].isupper() for w in words) and suffix[0].isupper():
        return True
    # Lower case somewhere: only unmistakable street words, and no unit or count in front.
    if suffix.lower() not in _STRONG_LOWER_SUFFIXES:
        return False
    return not any(w.lower().strip(".,") in _COUNT_WORDS for w in words)


def _numbered_end(m: re.Match[str]) -> int | None:
    """End of the longest acceptable street after the house number, if any."""
    spans = [(w.start(), w.end()) for w in re.finditer(r"\S+", m.group("words"))]
    words = [m.group("words")[a:b] for a, b in spans]
    for k in range(len(words) - 1, 0, -1):
        suffix = words[k].rstrip(".,;:")
        if suffix.endswith(("'s", "’s")) or not _SUFFIX.fullmatch(suffix):
            continue
        if any(re.search(r"[,;:]$", w) for w in words[:k]):
            continue  # the street's words do not run across punctuation
        if _accept_street(words[:k], suffix):
            return m.start("words") + spans[k][0] + len(suffix)
    return None


_TRAILING_SUFFIX = re.compile(rf"\s+(?:{_SUFFIXES}|North|South|East|West)\b(?!['’]s)")


def _extend(text: str, end: int) -> int:
    # "14 Park View Road": the lazy match stops at "View"; take the street words that follow.
    while m := _TRAILING_SUFFIX.match(text, end):
        if not m.group().strip()[0].isupper():
            break
        end = m.end()
    return end


def find_addresses(text: str) -> Iterator[Finding]:
    for m in _NUMBERED.finditer(text):
        end = _numbered_end(m)
        if end is not None:
            yield Finding(IdentifierKind.ADDRESS, m.start(), _extend(text, end))
    for m in _FLAT_IN_BLOCK.finditer(text):
        if all(w[0].isupper() for w in _words(m)) and m.group("suffix")[0].isupper():
            yield Finding(IdentifierKind.ADDRESS, m.start(), m.end())
    for m in _NUMBERLESS.finditer(text):
        start = m.start("words")
        words = _words(m)
        # "On Elm Road" at a sentence start: the street is "Elm Road".
        while words and words[0].lower() in _NOT_STREET_NAMES:
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        if not words or words[-1].lower() in _INSTITUTIONS.get(m.group("suffix").lower(), ()):
            continue
        start = text.index(words[0], start)
        yield Finding(IdentifierKind.ADDRESS, start, m.end())
