"""Splitting text into words, and the one normal form used to compare words.

Both the generic name detector and the watch-list walk the same tokens, so a possessive, a
curly apostrophe or an accent is handled the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and extend)."""
    return frozenset(words.split())


# A letter may carry combining accents: "Zoë" typed as "Zoe" + U+0308, as some phones send it.
MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTERS = rf"(?:[^\W_][{MARKS}]*)+"
# A word: letters/digits, joined by inner apostrophes or hyphens (O'Brien, Smith-Jones,
# Jayden's), with an optional trailing apostrophe for plural possessives (James').
_TOKEN = re.compile(rf"{_LETTERS}(?:['’\-]{_LETTERS})*['’]?")
_POSSESSIVE = re.compile(r"(?:['’][sS]|(?<=[sSzZ])['’])$")
# Abbreviations whose full stop does not end a sentence ("Dr. Patel", "St. Mary's").
_ABBREVIATIONS = word_set(
    "mr mrs ms mx dr st prof rev revd sgt insp det pc dc ds no nos eg ie etc vs approx"
)
_SENTENCE_GAP = re.compile(r"[.!?…][\"'”’)\]]*\s|[\n:;]|[\"“‘]\s*$|^\s*[\-•*–]\s")
# Letters that do not decompose under NFKD but should still compare equal to plain ones.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae",
                       "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ħ": "h", "þ": "th"})  # fmt: skip
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class Token:
    """One word. `start:end` excludes a possessive ending, which `full_end` includes."""

    text: str
    start: int
    end: int
    full_end: int
    sentence_start: bool
    # The normal form, made once: the detectors compare each word several times.
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", normalise(self.text))

    @property
    def possessive(self) -> bool:
        return self.full_end > self.end

    @property
    def is_titlecase(self) -> bool:
        return self.text[:1].isupper() and (len(self.text) == 1 or not self.text.isupper())

    @property
    def is_allcaps(self) -> bool:
        return len(self.text) >= 2 and self.text.isupper()

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def has_digit(self) -> bool:
        return any(c.isdigit() for c in self.text)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous: Token | None = None
    for m in _TOKEN.finditer(text):
        word = m.group()
        end = m.end()
        possessive = _POSSESSIVE.search(word)
        if possessive and len(word) > len(possessive.group()):
            end = m.start() + possessive.start()
        elif word[-1] in "'’":
            end -= 1  # a quotation mark closing, not a possessive
        if end <= m.start():
            continue
        token = Token(
            text=text[m.start() : end],
            start=m.start(),
            end=end,
            full_end=m.end(),
            sentence_start=_starts_sentence(text, previous, m.start()),
        )
        tokens.append(token)
        previous = token
    return tokens


def _starts_sentence(text: str, previous: Token | None, start: int) -> bool:
    if previous is None:
        return True
    gap = text[previous.full_end : start]
    if gap.strip() == "." and previous.text.casefold() in _ABBREVIATIONS:
        return False
    return bool(_SENTENCE_GAP.search(gap))


def normalise(word: str) -> str:
    """Casefolded, accents stripped, punctuation trimmed, possessive removed."""
    # Most words are plain ASCII, which has no accents or letters to fold: only the case.
    plain = word.lower() if word.isascii() else _unaccented(word)
    folded = _EDGE_PUNCTUATION.sub("", plain)
    if folded.endswith("'s") and len(folded) > 2:
        folded = folded[:-2]
    return _EDGE_PUNCTUATION.sub("", folded)


def _unaccented(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold().replace("’", "'")


def adjacent(text: str, left: Token, right: Token) -> bool:
    """True if only spaces separate the two words (no punctuation, no line break)."""
    return left.full_end == left.end and text[left.end : right.start] in (" ", "  ", "\t")
