"""The watch-list: names and places of the family in this case, known only as keyed hashes.

A facilitator (or the case presenter) enters the child's and family's names and address once;
the bot keeps only HMAC-SHA256 digests of their normalised words, keyed with a server secret,
so a stolen database holds no clear text and, without the secret, no dictionary attack on
common names either. The same secret must be used to rebuild the list from storage.

What an entry contributes
  Each word of two or more characters (normalised: casefolded, accents stripped, punctuation
  trimmed, possessive removed), each part of a hyphenated word, the whole phrase and every
  run of two or more of its words ("elm road" as well as "14 elm road"). Words that
  would make the list flag ordinary text are skipped as single words but kept inside the phrase:
  bare numbers ("14" would flag "14 months"), street words ("Road"), titles ("Mrs") and a few
  function words. So "14 Elm Road" flags "Elm" anywhere and "14 Elm Road" as a whole, but not
  every "road" or "14".

How text is checked
  Word by word, and every run of two to four adjacent words (for phrases such as "Elm Road" or
  "Jayden Smith"). A single-word hit in lower case is skipped when the word is also an
  ordinary English word the guard knows of ("hope", "rose", "will", "brown"...): a family called
  Brown should not turn every "brown" in the record into a redaction. Capitalised, it is
  flagged; for the words that commonly start a sentence or name a month ("Hope", "Will",
  "May"), the name detector's reading of context decides, so "Hope is what keeps her going"
  passes even when a child called Hope is on the list.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator

from .findings import Finding, IdentifierKind
from .names import NAME_WORDS, NameWord, is_name_in_context
from .tokens import Token, normalise, tokenize, word_set

MAX_PHRASE_WORDS = 4

_SKIPPED_SINGLE_WORDS = word_set(
    """road rd street st avenue ave lane close drive crescent court place gardens terrace way
    grove view walk row square park hill rise mews green flat apartment house the of and mr
    mrs ms mx dr miss master"""
)
# Ordinary words that are also common surnames or given names: matched only when capitalised.
_ORDINARY_WORDS = frozenset(NAME_WORDS) | word_set(
    """brown white green black grey gray young king wood woods hill hall baker cook cooke page
    bell rose marsh short long little moss hope best bird fox lamb field fields ford bush
    bishop carter cooper turner walker wright shepherd butler hunter mason miller fisher porter
    parsons chambers banks lane west north south east love gold silver stone rock steel price
    reed rice read sharp strong swift wise may hart lord knight day night street brook rivers
    pool poole marshall booth law kind hay gay wild holland england french english welsh"""
)
_DIGITS = re.compile(r"\d+[a-z]?")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _digest(secret: bytes, normalised: str) -> str:
    return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def _entry_keys(entry: str) -> Iterator[str]:
    words = [normalise(w) for w in entry.split()]
    words = [w for w in words if w]
    for word in words:
        parts = [word, *word.split("-")] if "-" in word else [word]
        for part in parts:
            if len(part) >= 2 and part not in _SKIPPED_SINGLE_WORDS and not _DIGITS.fullmatch(part):
                yield part
    # The whole phrase and every run of two or more of its words ("elm road" of "14 Elm Road").
    for n in range(2, len(words) + 1):
        for i in range(len(words) - n + 1):
            yield " ".join(words[i : i + n])


def _variants(key: str, capitalised: bool) -> list[str]:
    """The forms of a text word to look up: itself, its hyphenated parts, and for a capitalised
    plural ("Smiths", "Smiths'") the singular."""
    variants = [key]
    if "-" in key and " " not in key:
        variants += [part for part in key.split("-") if part]
    if capitalised and " " not in key and len(key) > 3 and key.endswith("s"):
        variants.append(key[:-1])
    return variants


class Watchlist:
    """A set of keyed hashes of watched words and phrases; never the words themselves."""

    __slots__ = ("_hashes", "_secret")

    def __init__(self, secret: bytes, hashes: Iterable[str] = frozenset()) -> None:
        if not isinstance(secret, bytes) or not secret:
            raise ValueError("the watch-list needs a non-empty server secret (bytes)")
        self._secret = secret
        self._hashes = frozenset(hashes)
        if not all(_HEX_DIGEST.fullmatch(h) for h in self._hashes):
            # Refuse anything that is not a digest, so clear text can never be slipped in.
            raise ValueError("watch-list hashes must be 64-character lower-case hex digests")

    @classmethod
    def from_entries(cls, secret: bytes, entries: Iterable[str]) -> Watchlist:
        probe = cls(secret)
        return cls(secret, {probe._hash(key) for entry in entries for key in _entry_keys(entry)})

    @property
    def hashes(self) -> frozenset[str]:
        """Hex digests to persist; rebuild with `Watchlist(secret, hashes)`."""
        return self._hashes

    def __repr__(self) -> str:
        return f"Watchlist(<{len(self._hashes)} hashes>)"

    def __len__(self) -> int:
        return len(self._hashes)

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def __reduce__(self) -> object:
        # Pickling would carry the server secret along; persist `.hashes` instead.
        raise TypeError("a Watchlist is not picklable: persist .hashes and rebuild with the secret")

    # Immutable, so copies can be the object itself (and copying never goes through pickle).
    def __copy__(self) -> Watchlist:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Watchlist:
        return self

    def _hash(self, normalised: str) -> str:
        return _digest(self._secret, normalised)

    def matches(self, token: str) -> bool:
        """True if this word (or phrase of words separated by spaces) is on the list.

        A capitalised plural also matches its singular: "the Smiths" is the Smith family."""
        key = " ".join(k for k in (normalise(w) for w in token.split()) if k)
        if not key:
            return False
        return any(self._hash(k) in self._hashes for k in _variants(key, token[:1].isupper()))

    def find(self, text: str) -> Iterator[Finding]:
        if not self._hashes:
            return
        tokens = tokenize(text)
        keys = [t.key for t in tokens]
        for i in range(len(tokens)):
            for n in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
                if n > 1 and any(tokens[j].sentence_start for j in range(i + 1, i + n)):
                    continue  # a phrase does not run across sentences
                if n == 1 and not self._single_word_hit(text, tokens, i):
                    continue
                if n > 1 and not self._phrase_hit(keys[i : i + n]):
                    continue
                yield Finding(IdentifierKind.WATCHED, tokens[i].start, tokens[i + n - 1].end)
                break

    def _phrase_hit(self, keys: list[str]) -> bool:
        return all(keys) and self._hash(" ".join(keys)) in self._hashes

    def _single_word_hit(self, text: str, tokens: list[Token], i: int) -> bool:
        key = tokens[i].key
        if len(key) < 2:
            return False
        candidates = _variants(key, tokens[i].is_capitalised)
        hit = next((k for k in candidates if self._hash(k) in self._hashes), None)
        if hit is None:
            return False
        if NAME_WORDS.get(hit) in (NameWord.COMMON, NameWord.TIME) and hit == key:
            # "Hope is what keeps her going": a watched name that is also an everyday word
            # gets the same reading of context as any other name.
            return is_name_in_context(text, tokens, i)
        return tokens[i].is_capitalised or hit not in _ORDINARY_WORDS


def find_watched(text: str, watchlist: Watchlist | None) -> Iterator[Finding]:
    if watchlist is not None:
        yield from watchlist.find(text)
