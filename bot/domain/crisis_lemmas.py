"""Dutch and English lemmas for the crisis patterns, from a table with only what they can use.

The crisis net reads a word with its lemmas as simplemma 2.0 gives them: its dictionary
look-up (`DictionaryLookupStrategy`), and for a word the dictionary does not know its suffix
rules (`RulesStrategy`), for Dutch and English. A lemma only counts when it is a word of some
pattern or starts with one of the patterns' prefixes (the patterns' `Vocabulary`); every
other lemma changes nothing. So a `LemmaTable` keeps, per language, only

- the dictionary's entries whose lemma counts ("geslagen" -> "slaan"), and
- a blocked mark ("") for the few forms the dictionary knows with a lemma that does not
  count, where the look-up would otherwise go on (to the capitalised form, or to the rules)
  and find one that does: the full look-up stops at the first entry it finds.

Looked up the way simplemma does (`_probe` mirrors `DictionaryLookupStrategy.get_lemma`;
`RULES` are its nl and en rules), the table gives every word the same lemmas that count as
the full dictionaries (about 550 000 forms, 73 MB in memory) at a few thousand entries.
`build_table` computes it from the full dictionaries; loading and building live in the config
layer (bot/config/crisis_lemmas.py). A table made for one vocabulary serves every vocabulary
it `covers`. tests/domain/test_crisis_lemmas.py checks all of this against simplemma.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from bot.domain.crisis_text import surface_keys

LANGUAGES = ("nl", "en")
BLOCKED = ""  # a form the dictionary knows, with a lemma that does not count
LEMMA_MIN = 3  # shorter words (pronouns: "me" is no "I") are only themselves
LEMMA_MAX = 30  # longer "words" are noise (or an attack): no look-up

Rule = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Vocabulary:
    """The words (any inflection) and prefixes of a set of compiled patterns."""

    words: frozenset[str]
    prefixes: frozenset[str]

    @cached_property
    def _starts(self) -> tuple[str, ...]:
        return tuple(sorted(self.prefixes))

    def hits(self, key: str) -> bool:
        """Whether a (casefolded) key is a word or starts with a prefix (a little wider than
        the index, which also wants a prefix's first 3 letters: wider only costs entries)."""
        return key in self.words or key.startswith(self._starts)

    def counts(self, lemma: str | None) -> bool:
        """Whether a lemma, as the crisis net takes it (letters only, casefolded), counts."""
        return lemma is not None and lemma.isalpha() and self.hits(lemma.casefold())

    def covers(self, other: Vocabulary) -> bool:
        """Whether every lemma that counts for `other` counts here (a table made for this
        vocabulary then gives `other` the same lemmas that count)."""
        return all(self.hits(w) for w in other.words) and all(
            p.startswith(self._starts) for p in other.prefixes
        )

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict[str, list[str]]:
        return {"words": sorted(self.words), "prefixes": sorted(self.prefixes)}

    @classmethod
    def from_json(cls, data: Mapping[str, Iterable[str]]) -> Vocabulary:
        return cls(frozenset(data["words"]), frozenset(data["prefixes"]))


# --- simplemma 2.0's look-up, mirrored ----------------------------------------------------------

_APOSTROPHES = ("’", "ʼ")  # folded to "'" (simplemma.utils.normalize_apostrophes)


def _cased(token: str) -> str:
    return token.lower() if token[:1].isupper() else token.capitalize()


def _variants(token: str) -> tuple[str, ...]:
    """simplemma.utils.apostrophe_variants."""
    straight = token.replace("’", "'").replace("ʼ", "'")
    if "'" not in straight:
        return (token,)
    folded = (straight.replace("'", glyph) for glyph in _APOSTROPHES)
    return tuple(dict.fromkeys((token, straight, *folded)))


def _probe(table: Mapping[str, str], token: str) -> tuple[str, str] | None:
    """The key found and its value, in the order of simplemma's
    DictionaryLookupStrategy.get_lemma for nl and en (no canonicalisation there): the token,
    its reversed-case form, then its apostrophe variants (each with its reversed-case form)."""
    found = table.get(token)
    if found is not None:
        return token, found
    cased = _cased(token)
    found = table.get(cased)
    if found is not None:
        return cased, found
    if "'" not in token and "’" not in token and "ʼ" not in token:
        return None
    for variant in _variants(token)[1:]:
        for key in (variant, _cased(variant)):
            found = table.get(key)
            if found is not None:
                return key, found
    return None


# simplemma 2.0's suffix rules for nl and en (strategies/defaultrules/nl.py, en.py), copied so
# that the bot need not import simplemma (its language detector and 54 languages' rules);
# tests/domain/test_crisis_lemmas.py checks them against simplemma's own on every dictionary
# form. The config layer uses simplemma's own when another version is installed.
RULES_VERSION = "2.0.0"
_NL_IJEN_STOPS = (
    "vrijen", "vlijen", "benedijen", "betijen", "gedijen", "uitdijen", "verdijen",
    "vermaledijen", "balijen", "librijen",
)
_EN_IES_ENDING = ("cies",)
_EN_S_ENDING = ("doms", "isms", "ists", "ments", "nces", "ships", "tions", "ums")


def _rules_nl(token: str) -> str | None:
    if len(token) > 6:
        if token.endswith("'s"):
            return token[:-2]
        if token.endswith("heden") and "scheden" not in token:
            return token[:-5] + "heid"
        if token.endswith("ijen") and not token.endswith(_NL_IJEN_STOPS):
            return token[:-2]
    return None


def _rules_en(token: str) -> str | None:
    if len(token) > 7 and token.endswith(_EN_IES_ENDING):
        return token[:-3] + "y"
    if token.endswith(_EN_S_ENDING):
        return token[:-1]
    if token.endswith("ized"):
        return token[:-4] + "ize"
    if token.endswith("erves"):
        return token[:-1]
    return None


RULES: Mapping[str, Rule] = {"nl": _rules_nl, "en": _rules_en}


class LemmaTable:
    """Lemma look-up for the crisis net: per language a table (form -> lemma, or BLOCKED),
    then the rules for a form it does not know. `vocabulary` None: the full dictionaries
    (every lemma). Caches per table: a table is exact for every vocabulary it covers, so an
    entry never goes stale; another config gets its own table and caches."""

    def __init__(
        self,
        tables: Mapping[str, Mapping[str, str]],
        vocabulary: Vocabulary | None,
        rules: Mapping[str, Rule] = RULES,
        *,
        source: str = "",
    ) -> None:
        self.tables = tables
        self.vocabulary = vocabulary
        self.rules = rules
        self.source = source  # for the log: where the table came from
        self.lemmas = lru_cache(maxsize=100_000)(self._lemmas)
        self.all_keys = lru_cache(maxsize=100_000)(self._all_keys)

    def covers(self, vocabulary: Vocabulary) -> bool:
        return self.vocabulary is None or self.vocabulary.covers(vocabulary)

    def lemma(self, word: str, lang: str) -> str | None:
        """The dictionary's lemma, else the rules' (None: neither, or blocked)."""
        found = _probe(self.tables[lang], word)
        if found is None:
            return self.rules[lang](word)
        return found[1] or None  # BLOCKED: the dictionary's lemma does not count

    def _lemmas(self, word: str) -> frozenset[str]:
        """The word and its Dutch and English lemmas (those that count: with the full
        dictionaries, all). Words shorter than 3 letters and longer than 30 are only
        themselves."""
        if not LEMMA_MIN <= len(word) <= LEMMA_MAX or not word.isalpha():
            return frozenset((word,))
        found = {self.lemma(word, lang) for lang in LANGUAGES}
        return frozenset(
            {word} | {lemma.casefold() for lemma in found if lemma and lemma.isalpha()}
        )

    def _all_keys(self, word: str) -> frozenset[str]:
        """Surface forms plus the lemmas of the word (and of its squeezed form if that
        differs)."""
        keys = set(surface_keys(word))
        for form in surface_keys(word):
            keys |= self.lemmas(form)
        return frozenset(keys)


# --- building a table from the full dictionaries ------------------------------------------------


def build_table(
    dictionaries: Mapping[str, Mapping[str, str]],
    vocabulary: Vocabulary,
    rules: Mapping[str, Rule] = RULES,
) -> dict[str, dict[str, str]]:
    """Per language: the entries whose lemma counts for `vocabulary`, and BLOCKED for each
    entry found first for some word whose look-up would otherwise go on to a lemma that
    counts (an entry further on, or the rules). Every word the crisis net looks up (letters
    only, 3 to 30 long) whose look-up finds an entry is among `_candidates`."""
    out: dict[str, dict[str, str]] = {}
    uncased = _uncased()
    for lang in LANGUAGES:
        full = dictionaries[lang]
        rule = rules[lang]
        if any(not lemma for lemma in full.values()):
            raise ValueError(f"{lang}: an empty lemma in the dictionary (it would read as blocked)")
        kept = {form: lemma for form, lemma in full.items() if vocabulary.counts(lemma)}
        blocked: dict[str, str] = {}
        for token in _candidates(full, uncased):
            hit = _probe(full, token)
            if hit is None or hit[0] in kept:
                continue
            on = _probe(kept, token)
            if vocabulary.counts(on[1] if on is not None else rule(token)):
                blocked[hit[0]] = BLOCKED
        out[lang] = dict(sorted({**kept, **blocked}.items()))
    return out


def _candidates(keys: Iterable[str], uncased: Mapping[str, tuple[str, ...]]) -> Iterator[str]:
    """Every word the crisis net looks up whose look-up can reach a key: the key itself, the
    words whose capitalised form it is ("geslagen" for "Geslagen"), and their forms with the
    apostrophe a normalised word can have ("ʼ", for "'" and "’"). A word the crisis net looks
    up has no upper-case letter but Cherokee ones, which no nl/en key has (checked by a test),
    so its reversed-case form is its capitalised one."""
    seen: set[str] = set()
    for key in keys:
        forms = [key]
        for n in (1, 2, 3):
            forms.extend(c + key[n:] for c in uncased.get(key[:n], ()))
        for form in forms:
            for token in _variants(form):  # (form,) without an apostrophe
                if token not in seen and LEMMA_MIN <= len(token) <= LEMMA_MAX and token.isalpha():
                    seen.add(token)
                    yield token


@lru_cache(maxsize=1)
def _uncased() -> dict[str, tuple[str, ...]]:
    """Title-case form -> the characters that capitalise to it (other than itself)."""
    out: dict[str, list[str]] = {}
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        title = c.title()
        if title != c:
            out.setdefault(title, []).append(c)
    return {k: tuple(v) for k, v in out.items()}
