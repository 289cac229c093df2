"""Generic personal-name detector: titles, a shipped list of given names, and a little context.

Four ways a name is found
  (a) a title and one or two capitalised words: "Mrs Smith", "Dr Anita Patel", "Master Kai
      Brown"; police and other role titles work the same way ("PC Jones", "DS Khan").
  (b) a given name from `given_names.txt` (about 2,800 names of children and adults in the UK
      today, across its communities), plus up to two capitalised words after it that look
      like a middle name or surname ("Jayden Smith", "Kayden-Lee O'Brien", "Jayden SMITH").
      A possessive ending ("Jayden's") is evidence of a name and is left outside the span, so
      the redacted text reads "[name removed]'s mum".
  (c) a capitalised word that is not on the list but stands where only a person can: right
      after a family word ("her brother Tadeusz", "Mum's partner Kacper", "a baby called
      Zephyr") or right before a verb only a person does ("Oluwadarasimi said", "and Jaxxon
      cried"). This catches names the list lacks without flagging every capitalised word;
      adverbs in -ly ("Initially attended") and the plural nouns and roles in not_names.txt
      ("Staff said", "Neighbours said") are excluded. A capitalised word with an accent or a
      letter such as ł or ø ("Jürgen is dad's friend", "we met Anaïs") is taken as a name
      unless it is a known loanword or place (Café, Crèche, Pokémon, Kraków).
  (d) a surname on its own, by the words around it: "the Kowalski family", "both Okafor
      children", "the Nuñez household", "Okafor's social worker", "Brennan's mum", "the
      Kowalskis have moved". Nationalities, faiths and adjectives ("the Syrian family",
      "Extended family", "Older children") are not surnames; "Manchester's children's
      services" is not read as a person's children.

Words that are never names
  `not_names.txt` lists roles, agencies, services, the model's stage names (Experience,
  Reflection, Analysis, Action, Offload), family roles (Mum, Nan), calendar words,
  nationalities and faiths, and acronyms. They stop every rule above, including the surname
  slot ("Jayden Police" flags "Jayden" only).

Names that are also ordinary words (`name_words.txt`)
  The decision for "I met Grace at school" versus "there is hope" rests on capitals and
  context, by category:
  * lower - "harry", "peter", "matt": capitalised is a name; lower case only with the
    stronger evidence described below ("harry said", "sienna's mum").
  * common - Will, Mark, Grace, Hope, Faith, Joy, Rose, Amber, Frank...: capitalised in
    mid-sentence is a name ("I met Grace at school", "Hope's mum"), because ordinary words are
    not capitalised there; at the start of a sentence ("Will you...", "Hope is what keeps
    her going") only with evidence: a surname after it, a possessive, a verb only a person
    does ("Grace said", "Will attended"), an age ("Grace (4)"). Never after a determiner
    ("the Joy of", "his Will").
  * time - April, May, June, August, Summer...: capitalised months are normal English, so only
    with evidence ("May said", "Nan June", "spoke to April", "May Smith"); "in June",
    "May 2015", "by May half-term" are not names.
  * place - Victoria, Jordan, Chelsea, India, Paris, and UK towns that are given names
    (Ashton, Stanley, Shirley, Beverley...): a name unless a locative word comes before
    ("lives in Jordan", "near Ashton", "moved to Beverley") or a facility word after
    ("Victoria Station"); a possessive is always a person ("went to Jordan's house").
  Lower-case given names that are not English words ("mum said jayden missed school") are
  flagged if four letters or longer, or one of a short list of common three-letter names.
  Lower-case names that are also words, and shorter names, need stronger evidence: a family
  word before ("her sister grace is 9", but not "her brother will be there"), a state after
  ("mum said ruby was upset"), an age, a person's verb, or a visit ("we visited lily").

Laws, schemes and reviews named after people
  "Clare's Law", "Sarah's law", "the Jay Review", "the Casey report", "the Laming Inquiry":
  a possessive name before "law" or "scheme", and a name before "review", "report" or
  "inquiry", are not flagged. "Jayden's review" still is: the possessive is a person's.

Sentence starts
  A name that is also a verb or adjective ("Rose", "Sue", "Rob", "Nick", "Jack", "Sunny") at
  the start of a sentence needs the same evidence as "Will" or "Hope"; any "lower" name
  opening a sentence with "of" ("Ray of hope") or "and" plus an ordinary word ("Holly and
  ivy") is read as the word.

Trade-offs, knowingly made
  * Recall over precision where a person is at stake: unknown capitalised words after family
    words are flagged; a name at a sentence start is flagged unless it is an ordinary word.
  * A surname on its own with no title and no given name is found only in the contexts of
    rule (d), or by the watch-list; a lower-case surname ("jayden smith") is not found.
  * A town that is also a given name is read as the town after "in", "near", "from"...: "dad
    is not allowed near Stanley" is missed unless Stanley is on the watch-list.
  * A town's possessive before a role ("Sheffield's social worker") is flagged as a surname.
  * All-capital words of three letters or fewer are treated as acronyms (MIA, ADA, SAM).
  * Hospitals and schools named after people ("St Mary's", "Queen Elizabeth Hospital",
    "Victoria Station") are not flagged: they name a place, not a family member.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from enum import StrEnum
from importlib import resources

from .findings import Finding, IdentifierKind
from .tokens import MARKS, Token, adjacent, normalise, tokenize, word_set


def _data_lines(filename: str) -> Iterator[str]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


class NameWord(StrEnum):
    LOWER = "lower"
    COMMON = "common"
    TIME = "time"
    PLACE = "place"


GIVEN_NAMES: frozenset[str] = frozenset(normalise(line) for line in _data_lines("given_names.txt"))
NAME_WORDS: dict[str, NameWord] = {
    normalise(name): NameWord(category)
    for name, category in (line.split() for line in _data_lines("name_words.txt"))
}
NOT_NAMES: frozenset[str] = frozenset(
    normalise(word) for line in _data_lines("not_names.txt") for word in line.split()
)


TITLES = word_set("mr mrs ms mx dr miss master")
# Titles that are also ordinary words: only with a capital M, as in "Miss Smith".
_CAPITAL_ONLY_TITLES = word_set("miss master")
# Role titles count only capitalised and before a capitalised name: "PC Jones", "Sister Khan".
ROLE_TITLES = word_set(
    "pc dc ds di dci sgt sergeant constable inspector superintendent detective prof professor "
    "rev revd reverend cllr councillor judge sister nurse"
)
# A name right after these is part of a place: "St Mary's", "Queen Elizabeth Hospital".
_PLACE_PREFIX = word_set(
    "st saint queen king prince princess lady lord lake port fort mount cape royal holy"
)
# After a name, these make it a place or an institution: "Victoria Station", "Grace Academy".
_FACILITY = word_set(
    """station hospital infirmary road street st avenue lane close drive park house centre
    center school primary academy college university nursery ward court unit team project
    trust foundation surgery practice clinic medical hall halls church mosque chapel gardens
    square place terrace crescent way grove bridge line town city fc united rovers community
    infant infants junior juniors high grammar secondary estate tower towers village green hill
    bay beach airport leisure library museum hotel lodge building campus cross memorial day
    eve wing suite quay dock health family children's"""
)
_DETERMINERS = word_set(
    "the a an this that these those some any no every each such what which more most much "
    "great real true our your their my his its whose"
)
# Words before a month that keep it a month: "in May", "by June", "last April".
_TEMPORAL = word_set(
    "in on since by until till during last next this early mid late end before after from "
    "through throughout every of between around over"
)
_LOCATIVE = word_set("in at near from around via through towards toward outside inside across")
_MODALS = word_set("will may")
_AFTER_MODAL = word_set(
    "you we i they he she it there this that be not also need have still just only all both "
    "someone anyone everyone the a an"
)
# A name right after these is a person: "her brother Tadeusz", "baby called Zephyr".
KIN_CUES = word_set(
    """mum mummy mother dad daddy father nan nana nanna nanny gran granny grandma
    grandmother grandad granddad grandpa grandfather aunt aunty auntie uncle cousin sister
    brother sibling son daughter baby child toddler twin stepdad stepmum stepfather stepmother
    stepbrother stepsister step-dad step-mum step-brother step-sister half-brother half-sister
    partner boyfriend girlfriend husband wife ex ex-partner fiance fiancee friend niece nephew
    grandson granddaughter godmother godfather neighbour lodger named called mgm mgf pgm pgf
    mgp pgp"""
)
# Verbs that take a person as object, so a capitalised name after them is a person.
_PERSON_OBJECT_VERBS = word_set(
    """met meet meeting told tell telling asked ask asking saw see seeing seen visited visit
    visiting collected collect interviewed interview supporting supported helped help helping
    phoned rang texted emailed messaged cuddled hugged fed bathed hit hitting smacked smacking
    picked dropped reassured comforted observed weighed examined spoke"""
)
# Verbs after which "to" introduces a person ("spoke to April"), and "with" ("lives with June").
_TO_VERBS = word_set(
    """spoke speak speaking talked talk talking said say saying explained explain listened
    listen chatted chat introduced close closer attached bonded wrote write texted text sent
    send gave give given lied lying shouted shouting"""
)
_WITH_VERBS = word_set(
    """spoke speak speaking talked talk talking chatted chat lives living lived live stays
    staying stayed stay played plays playing sat sits went goes came comes argued arguing
    fighting fought shares sharing shared sleeps sleeping slept left"""
)
# Verbs that follow a person: "Grace said", "Will attended", "May disclosed".
PERSON_VERBS = word_set(
    """said says told tells disclosed discloses disclosing reported reports stated states
    explained explains shared shares cried cries attended attends lives lived stays stayed went
    goes came comes wants wanted likes liked loves loved feels felt spoke speaks talked talks
    refused refuses ran runs hit hits kicked kicks missed misses arrived arrives left leaves
    appeared appears presented presents seemed seems looked looks became becomes started starts
    moved moves smiled laughed screamed shouted asked asks replied answered agreed denied
    admitted needs needed gets got gave gives took takes sleeps slept ate eats plays played
    enjoys enjoyed hates hated weighs returned returns walked walks wet soiled bit bites hid
    hides struggles struggled presented engaged engages confided whispered drew draws wrote
    writes swore threatened tried tries turned turns won't doesn't didn't can't couldn't
    wouldn't"""
)
# "Grace is quiet", "Hope seemed frightened", "Frank is dad's friend": states only a person is in.
_LINKING = word_set(
    "is was seems seemed appears appeared looked looks became becomes feels felt has had been "
    "remains remained"
)
_FILLERS = word_set(
    "very really so quite more less often always now still a bit increasingly the an her his "
    "their older younger big little new ex maternal paternal half step in and out of back at"
)
PERSON_STATES = word_set(
    """quiet withdrawn tearful upset scared frightened afraid happy sad angry anxious hungry
    unkempt dirty smelly settled unsettled struggling crying sleeping living staying missing
    pregnant absent late excluded poorly unwell ill sick thin tired bruised injured hurt
    refusing self-harming distressed aggressive violent shy clingy hypervigilant chatty bright
    lovely delightful polite confident nervous worried lonely isolated subdued flat defiant
    disruptive vulnerable exhausted small underweight overweight aged seen arrested referred
    eldest youngest oldest prison custody care hospital refuge trouble doing"""
)
# "Ruby wedding", "Daisy chain", "Grace period": the word before is the ordinary word.
_COMPOUND_NEXT = word_set(
    """wedding anniversary chain chains plant plants tree trees bush bushes garden gardens flower
    flowers petal petals leaf leaves pink red colour coloured ring necklace earrings tea oil
    seed seeds warning rating risk flag light card period funding payment payments line river
    trip holiday holidays term box"""
)
# RAG ratings: "the risk is Amber", "rated Amber".
_RAG_BEFORE = word_set("rated rating is was remains stays as at to from currently now red green")
# Popular three-letter names safe to flag even in lower case.
_LOWER_THREE_LETTER = word_set("amy ava mia leo zoe ben sam eva ian kai joe dan zak zac eli ada "
                             "tia nia abi evi ali roy ron ted gus liv")  # fmt: skip
# Verbs after which a lower-case name that is also a word is a person: "we visited lily".
_LOWER_OBJECT_VERBS = word_set(
    "met visited interviewed told asked phoned rang texted collected reassured comforted"
)
# Names that are also verbs or adjectives, read as the word at a sentence start unless there is
# evidence: "Rose to the challenge", "Sue the council", "Rob them", "Sunny spells".
_WORD_FIRST = word_set("rose sue rob nick bob jack josh sunny")
_PRONOUNS = word_set("her his their my our your its i me him them us")
# After a possessive name, a law or scheme: "Clare's Law", "Sarah's law", "Helen's Law".
_SCHEME_AFTER_POSSESSIVE = word_set("law laws scheme")
# After a name, a review or inquiry named after its chair: "the Jay Review", "Laming report".
_SCHEME_AFTER_NAME = word_set("review reviews report inquiry enquiry")
# Capitalised words with accents that are not names: loanwords and places.
_ACCENTED_WORDS = word_set(
    """cafe cafes creche creches pokemon fiance fiancee protege resume naive deja entree cliche
    decor role uber facade senor senora jalapeno pinata creme brulee soiree matinee nee
    krakow gdansk lodz wroclaw poznan bialystok torun katowice szczecin bogota malaga cordoba
    sao curacao quebec montreal zurich dusseldorf munchen koln malmo goteborg reykjavik
    turkiye cote reunion medellin brasilia asuncion bucuresti iasi brasov timisoara nescafe
    citroen skoda maori"""
)
_SPECIAL_LETTERS = frozenset("łŁđĐøØæÆœŒıħþßðÐ")
# Family and household words after a surname: "the Kowalski family", "the Okafor children".
_SURNAME_CUES = word_set(
    "family families children kids boys girls twins siblings brothers sisters household "
    "household's home case parents"
)
# After "family" or "children", a service rather than a household: "the Phoenix family hub".
_SERVICE_NOUNS = word_set(
    "hub hubs service services programme model approach partnership framework"
)
# Words before a surname used on its own: "the Kowalski family", "both Okafor children".
_BEFORE_SURNAME = word_set("the both all whole")
# What belongs to a person named by surname alone: "Okafor's solicitor", "Brennan's mum".
_OWNED_BY_PERSON = word_set(
    "solicitor lawyer barrister advocate teacher keyworker carer carers gp house flat home bedroom"
)
# Words that stand before "family" or "children" as ordinary adjectives.
_FAMILY_MODIFIERS = word_set(
    """extended wider whole birth host blended nuclear immediate entire large big small single
    same new other previous current biological natural adoptive older younger elder little
    young teenage vulnerable disabled unaccompanied refugee asylum migrant respite residential
    poorer working military forces local affected both one two three four five six seven eight
    nine ten first second third orthodox pentecostal evangelical baptist methodist anglican
    mormon amish quaker"""
)
_ADJECTIVE_ENDINGS = ("ed", "ing", "ive", "ous", "ful", "less", "ble", "ic", "ian", "ish", "ese",
                      "er", "al", "ern", "ent", "ant", "ary", "ory", "ist")  # fmt: skip
_ADJECTIVE_ENDINGS_ANYWHERE = ("ese", "ive", "ous", "ful", "less")
_NOUN_PLURAL_ENDINGS = ("ments", "tions", "sions", "nces", "ities")
_PLURAL_VERBS = word_set("are were have had both all")
# Plurals after "the" that name something else: "the Olympics were", "the Midlands are".
_PLURAL_PROPER_NOUNS = word_set(
    "olympics paralympics midlands highlands lowlands borders dales fens cotswolds commons "
    "simpsons beatles rangers celtic hearts hibs spurs wolves saints tories greens brownies "
    "scouts guides cubs beavers rainbows"
)
# "Dawn, nan, is 52", "Joy (mum) was tearful", "Amir, maternal uncle,".
_APPOSITION = re.compile(
    r"\s*[,(]\s*(?:(?:her|his|their|the|mum's|dad's|maternal|paternal|older|younger)\s+)*"
    r"([\w'’-]+)"
)
_AGE_AFTER = re.compile(
    r"\s*(?:\(\s*(?:aged?\s*)?\d{1,2}\s*(?:y(?:ea)?rs?|y/o|m(?:on)?ths?)?\s*\)"
    r"|,\s*(?:aged?\s+)?\d{1,2}\s*(?:,|\)|y(?:ea)?rs?\b|y/o|years?\s+old|m(?:on)?ths?\s+old)"
    r"|,?\s+(?:is|was|aged?|turned|turns)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?\d{1,2}\b)"
)
_CONTRACTION = re.compile(r"['’](?:ve|ll|re|d|m|t)$|n['’]t$", re.IGNORECASE)
_ALPHA = rf"(?:[^\W\d_][{MARKS}]*)+"
_WORD_RE = re.compile(rf"{_ALPHA}(?:['’\-]{_ALPHA})*")


def _same_sentence_prev(tokens: list[Token], i: int) -> Token | None:
    if i == 0 or tokens[i].sentence_start:
        return None
    return tokens[i - 1]


def _same_sentence_next(tokens: list[Token], i: int) -> Token | None:
    if i + 1 >= len(tokens) or tokens[i + 1].sentence_start:
        return None
    return tokens[i + 1]


def _is_word(token: Token) -> bool:
    return bool(_WORD_RE.fullmatch(token.text))


def _given_key(token: Token) -> str | None:
    """The list entry this token matches: the whole word; or for an unlisted hyphenated word,
    the whole word if every part is a listed name ("Ruby-Rose", "jamie-leigh"), else a listed
    part that is no ordinary word, if every part is capitalised ("Kayden-Jay")."""
    key = token.key
    if key in GIVEN_NAMES:
        return key
    parts = [normalise(p) for p in token.text.split("-")]
    if len(parts) < 2 or not all(parts):
        return None
    if all(p in GIVEN_NAMES and len(p) >= 2 for p in parts):
        return key
    if all(p[:1].isupper() for p in token.text.split("-")):
        for part in parts:
            if part in GIVEN_NAMES and part not in NAME_WORDS:
                return part
    return None


def _surname_like(token: Token) -> bool:
    if token.has_digit or not _is_word(token) or not token.is_capitalised:
        return False
    key = token.key
    if key in NOT_NAMES or key in _FACILITY:
        return False
    if len(token.text) == 1:
        return token.text not in {"I", "A"}  # an initial: "Jayden S"
    return NAME_WORDS.get(key) is not NameWord.TIME


def _extend_surnames(text: str, tokens: list[Token], i: int, limit: int = 2) -> int:
    """Index of the last token of the name starting at tokens[i]."""
    last = i
    while last - i < limit and not tokens[last].possessive and last + 1 < len(tokens):
        nxt = tokens[last + 1]
        if not adjacent(text, tokens[last], nxt) or not _surname_like(nxt):
            break
        last += 1
    return last


def _evidence(text: str, tokens: list[Token], i: int) -> bool:
    """Context that shows tokens[i] is a person, whatever the word could otherwise mean."""
    token = tokens[i]
    if token.possessive:
        return True
    prev = _same_sentence_prev(tokens, i)
    nxt = _same_sentence_next(tokens, i)
    if nxt is not None and adjacent(text, token, nxt):
        if _surname_like(nxt) and (_given_key(nxt) is None or token.key not in _MODALS):
            return True  # "Grace Taylor"; but "Will Jayden attend?" is a question
        if nxt.key in PERSON_VERBS:
            return True
        if nxt.key == "and" and i + 2 < len(tokens):
            after = tokens[i + 2].key
            if after in {"her", "his", "their"} or after in KIN_CUES:
                return True
    if _AGE_AFTER.match(text, token.full_end) or _state_follows(tokens, i):
        return True
    apposition = _APPOSITION.match(text, token.full_end)
    if apposition and normalise(apposition.group(1)) in KIN_CUES:
        return True
    if prev is not None:
        if _is_kin(prev) or prev.key in _PERSON_OBJECT_VERBS:
            return True
        before = _same_sentence_prev(tokens, i - 1)
        if before is not None and (
            (prev.key == "to" and before.key in _TO_VERBS)
            or (prev.key == "with" and before.key in _WITH_VERBS)
        ):
            return True
        if prev.key in {"and", "&"} and before is not None and _is_plain_name(before):
            return True
    if nxt is not None and nxt.key in {"and", "&"} and i + 2 < len(tokens):
        return _is_plain_name(tokens[i + 2])
    return False


def _lowercase_evidence(
    text: str, tokens: list[Token], i: int, category: NameWord | None = NameWord.LOWER
) -> bool:
    """Stronger evidence, for a lower-case name that is also a word ("sienna's mum", "her
    sister grace is 9", "mum said ruby was upset") or too short to take on its own ("ty")."""
    token = tokens[i]
    prev = _same_sentence_prev(tokens, i)
    nxt = _same_sentence_next(tokens, i)
    if category is not None and category is not NameWord.LOWER and _against(tokens, i, category):
        return False  # "the hope", "in june", "we will be"
    if token.possessive:
        return nxt is not None and (nxt.key in KIN_CUES or nxt.key in PERSON_STATES)
    if _AGE_AFTER.match(text, token.full_end) or _state_follows(tokens, i):
        return True
    person_verb_next = nxt is not None and nxt.key in PERSON_VERBS and adjacent(text, token, nxt)
    if prev is not None and _is_kin(prev):
        if category in (NameWord.COMMON, NameWord.TIME):
            # "her brother will is 15", not "her brother will be there", "his son drew a car"
            return (
                nxt is None
                or person_verb_next
                or nxt.key in _LINKING
                or text[token.full_end : nxt.start].strip() != ""
            )
        return True
    if (
        prev is not None
        and prev.key in _LOWER_OBJECT_VERBS
        and category not in (NameWord.COMMON, NameWord.TIME)
    ):
        return True  # "we visited lily at nursery"
    return person_verb_next


def _is_kin(token: Token) -> bool:
    # "great-grandmother June", "ex-partner Kacper"
    return token.key in KIN_CUES or token.key.rsplit("-", 1)[-1] in KIN_CUES


def _state_follows(tokens: list[Token], i: int) -> bool:
    """ "<name> is/was/has been [very/the/mum's...] <state or family word>"."""
    j = i + 1
    if j >= len(tokens) or tokens[j].sentence_start or tokens[j].key not in _LINKING:
        return False
    while j + 1 < len(tokens) and not tokens[j + 1].sentence_start:
        j += 1
        word = tokens[j]
        if word.key in PERSON_STATES or word.key in KIN_CUES:
            return True
        if not (word.key in _LINKING or word.key in _FILLERS or word.possessive):
            return False
    return False


def _is_plain_name(token: Token) -> bool:
    """A capitalised listed name that reads as a name on its own: no ordinary word ("Jayden" in
    "Jayden and May"), or one in mid-sentence ("Hope" in "Grace and Hope are twins")."""
    key = _given_key(token)
    if key is None or not token.is_capitalised:
        return False
    return key not in NAME_WORDS or not token.sentence_start


def _against(tokens: list[Token], i: int, category: NameWord) -> bool:
    """Context that shows an ambiguous word is being used as the ordinary word."""
    token = tokens[i]
    prev = _same_sentence_prev(tokens, i)
    nxt = _same_sentence_next(tokens, i)
    if prev is not None and prev.key in _DETERMINERS:
        return True
    if token.key in _MODALS and nxt is not None and nxt.key in _AFTER_MODAL:
        return True
    if nxt is not None and not nxt.is_capitalised and nxt.key in _COMPOUND_NEXT:
        return True
    if category is NameWord.COMMON:
        if token.key == "amber" and prev is not None and prev.key in _RAG_BEFORE:
            return True
        return prev is not None and prev.key == "of"
    if category is NameWord.TIME:
        if prev is not None and prev.key in _TEMPORAL:
            return True
        return nxt is not None and (nxt.has_digit or nxt.key in {"half", "half-term", "holidays"})
    if category is NameWord.PLACE and prev is not None and not token.possessive:
        if prev.key == "to":
            before = _same_sentence_prev(tokens, i - 1)
            return before is None or before.key not in _TO_VERBS
        return prev.key in _LOCATIVE
    return False


def _is_place_context(text: str, tokens: list[Token], i: int) -> bool:
    """ "St Mary's", "Queen Elizabeth Hospital", "Victoria Station": a place, not a person."""
    prev = _same_sentence_prev(tokens, i)
    if prev is not None and prev.key in _PLACE_PREFIX and prev.is_capitalised:
        return True
    # Look past a surname ("Florence Nightingale House") and a possessive ("Prince's Trust").
    last = _extend_surnames(text, tokens, i, limit=1)
    nxt = _same_sentence_next(tokens, last)
    return (
        nxt is not None
        and nxt.is_capitalised
        and nxt.key in _FACILITY
        and text[tokens[last].full_end : nxt.start] == " "
    )


def _is_scheme(text: str, tokens: list[Token], i: int) -> bool:
    """ "Clare's Law", "Sarah's law", "the Jay Review", "the Laming report": a law, scheme or
    review named after someone, not a member of the family."""
    token = tokens[i]
    nxt = _same_sentence_next(tokens, i)
    if nxt is None or text[token.full_end : nxt.start] != " ":
        return False
    if token.possessive:
        return nxt.key in _SCHEME_AFTER_POSSESSIVE
    return nxt.key in _SCHEME_AFTER_NAME and not nxt.possessive


def _ordinary_at_sentence_start(text: str, tokens: list[Token], i: int) -> bool:
    """A name that is also a word ("lower" in name_words.txt), opening a sentence as the word:
    "Rose to the challenge", "Sue the council", "Ray of hope", "Holly and ivy"."""
    token = tokens[i]
    nxt = _same_sentence_next(tokens, i)
    if token.key in _WORD_FIRST:
        return not _evidence(text, tokens, i)
    if nxt is None or not adjacent(text, token, nxt):
        return False
    if nxt.key == "of":
        return True
    if nxt.key in {"and", "or"} and i + 2 < len(tokens):
        after = tokens[i + 2]
        return (
            not after.sentence_start
            and after.text.islower()
            and after.key not in _PRONOUNS
            and not _is_kin(after)
            and (_given_key(after) is None or _given_key(after) in NAME_WORDS)
        )
    return False


def is_name_in_context(text: str, tokens: list[Token], i: int) -> bool:
    """Would the generic detector take tokens[i], a listed given name, for a name here?"""
    return _given_name_at(text, tokens, i)


def _given_name_at(text: str, tokens: list[Token], i: int) -> bool:
    token = tokens[i]
    key = _given_key(token)
    if key is None or key in NOT_NAMES or not _is_word(token):
        return False
    category = NAME_WORDS.get(key)
    if not token.is_capitalised:
        if not token.text.islower():
            return False
        if category is None and (len(key) >= 4 or key in _LOWER_THREE_LETTER):
            return not _is_scheme(text, tokens, i)
        return _lowercase_evidence(text, tokens, i, category)  # "sienna's mum", "harry said"
    if _is_place_context(text, tokens, i) or _is_scheme(text, tokens, i):
        return False
    if token.is_allcaps:
        if len(token.text) <= 3:
            return False  # MIA, ADA, SAM: acronyms far more often than names
        if category in (NameWord.COMMON, NameWord.TIME):
            return _evidence(text, tokens, i) and not _against(tokens, i, category)
    if category is None:
        return True
    if category is NameWord.LOWER:
        nxt = _same_sentence_next(tokens, i)
        # "Ruby wedding", "Daisy chain"; otherwise a capitalised "Ruby" is a child.
        if nxt is not None and not nxt.is_capitalised and nxt.key in _COMPOUND_NEXT:
            return False
        return not (token.sentence_start and _ordinary_at_sentence_start(text, tokens, i))
    if _against(tokens, i, category):
        return False
    if category is NameWord.TIME:
        return _evidence(text, tokens, i)
    if category is NameWord.COMMON and token.sentence_start:
        return _evidence(text, tokens, i)
    return True


def _title_at(text: str, tokens: list[Token], i: int) -> bool:
    token = tokens[i]
    key = token.key
    if key in _CAPITAL_ONLY_TITLES and not token.is_capitalised:
        return False
    if key not in TITLES and not (key in ROLE_TITLES and token.is_capitalised):
        return False
    if token.possessive or i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    gap = text[token.end : nxt.start]
    return gap in (" ", ". ", "  ", ".  ") and _surname_like(nxt)


def _unknown_name_at(text: str, tokens: list[Token], i: int) -> bool:
    token = tokens[i]
    if not token.is_titlecase or not _is_word(token) or len(token.text) < 2:
        return False
    key = token.key
    if key in NOT_NAMES or key in _FACILITY or key in NAME_WORDS or key.endswith("ly"):
        return False  # "-ly": "Initially attended..." is an adverb, not a child
    if _CONTRACTION.search(token.text):
        return False  # "They've moved", "We'd said"
    prev = _same_sentence_prev(tokens, i)
    if prev is not None and _is_kin(prev) and adjacent(text, prev, token):
        return True
    if prev is not None and (prev.key in _DETERMINERS or prev.key in _LOCATIVE):
        return False
    if prev is not None and prev.possessive:
        return False  # "Jade's Law came in": what someone owns or is named for
    if prev is not None and prev.is_capitalised and _given_key(prev) is None:
        return False  # part of a longer proper noun: "Breakfast Club starts", "City Council"
    if _accented(token) and key not in _ACCENTED_WORDS:
        return True  # "Jürgen is dad's friend", "we met Anaïs": accents are rare outside names
    nxt = _same_sentence_next(tokens, i)
    return nxt is not None and nxt.key in PERSON_VERBS and adjacent(text, token, nxt)


def _accented(token: Token) -> bool:
    """Does the word carry an accent or a letter such as ł, ø, ß?"""
    if token.text.isascii():
        return False
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", token.text)) or any(
        c in _SPECIAL_LETTERS for c in token.text
    )


def _surname_shaped(token: Token) -> bool:
    """A capitalised word that could be a surname: not a listed non-name, facility or modifier."""
    if not token.is_titlecase or not _is_word(token) or len(token.text) < 2:
        return False
    key = token.key
    parts = key.split("-")  # "Asylum-seeking family", but "the Pryce-Jones family"
    return not (
        any(p in NOT_NAMES or p in _FAMILY_MODIFIERS for p in parts)
        or key in _FACILITY
        or key in _DETERMINERS
        or key.endswith(_ADJECTIVE_ENDINGS_ANYWHERE)
        or _CONTRACTION.search(token.text)
    )


def _surname_at(text: str, tokens: list[Token], i: int) -> bool:
    """A surname standing alone: "the Kowalski family", "the Okafor children", "Okafor's social
    worker", "the Kowalskis have moved". Titles ("Mrs Okafor") are handled by `_title_at`."""
    token = tokens[i]
    if not _surname_shaped(token):
        return False
    prev = _same_sentence_prev(tokens, i)
    nxt = _same_sentence_next(tokens, i)
    if nxt is not None and (not nxt.text.islower() or text[token.full_end : nxt.start] != " "):
        nxt = None  # only a lower-case word right after counts as context
    if token.possessive:
        if nxt is None or token.full_end - token.end != 2 or _is_scheme(text, tokens, i):
            return False  # "Leeds' workers": a plural or place more often than a person
        after = _same_sentence_next(tokens, i + 1)
        if nxt.key in {"social", "key"}:
            return after is not None and after.key == "worker"  # not "Leeds's social workers"
        return _is_kin(nxt) or nxt.key in _OWNED_BY_PERSON  # not "Leeds's children's services"
    if prev is None:
        # Opening a sentence, the word may be an adjective: "Extended family", "Older children".
        if token.key.endswith(_ADJECTIVE_ENDINGS):
            return False
    elif prev.key not in _BEFORE_SURNAME:
        return False
    if nxt is not None and nxt.key in _SURNAME_CUES:
        # Not "the Rainbow children's centre", "the Phoenix family hub".
        after = _same_sentence_next(tokens, i + 1)
        return after is None or (after.key not in _FACILITY and after.key not in _SERVICE_NOUNS)
    # "the Kowalskis have moved", "the Okafors said", "we visited the Okafors".
    if prev is None or prev.key != "the" or not _family_plural(token.key):
        return False
    before = _same_sentence_prev(tokens, i - 1)
    if before is not None and before.key in _PERSON_OBJECT_VERBS:
        return True
    return nxt is not None and (nxt.key in PERSON_VERBS or nxt.key in _PLURAL_VERBS)


def _family_plural(key: str) -> bool:
    """ "kowalskis", "joneses": a plural whose singular is no listed word ("authorities")."""
    if len(key) <= 3 or not key.endswith("s") or key in _PLURAL_PROPER_NOUNS:
        return False
    singulars = (key[:-1], key[:-2], key[:-3] + "y")
    if any(w in NOT_NAMES or w in _FACILITY for w in singulars):
        return False
    return not key.endswith(_NOUN_PLURAL_ENDINGS)


def find_names(text: str) -> Iterator[Finding]:
    tokens = tokenize(text)
    i = 0
    while i < len(tokens):
        if _title_at(text, tokens, i):
            last = _extend_surnames(text, tokens, i + 1)
        elif _surname_at(text, tokens, i):
            last = i
        elif _given_name_at(text, tokens, i) or _unknown_name_at(text, tokens, i):
            last = _extend_surnames(text, tokens, i) if tokens[i].is_capitalised else i
        else:
            i += 1
            continue
        yield Finding(IdentifierKind.NAME, tokens[i].start, tokens[last].end)
        i = last + 1
