"""Words of a message as the crisis patterns see them: tokens, chat spellings and lemmas.

A message is casefolded, accents and zero-width characters are dropped, look-alike letters
of other scripts and leetspeak are mapped ("k1ll", "sl@@t"), punctuation splits words, and
letters stretched three times or more are shortened to two ("doooood" -> "dood"; the word
is also read with every run shortened to one: "diiiie" -> "die"). Numbers stay numbers; one
of 10 or more is also the word "#many". Three or more single letters in a row are one word
("l e v e n" -> "leven"). Chat spellings ("k" -> "ik", "ni" -> "niet",
"wanna" -> "want to") are replaced, then each word is looked up with its Dutch and English
lemmas (bot/domain/crisis_lemmas.py: simplemma's look-up, kept to what the patterns use).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# Leetspeak digits inside words with letters; pure numbers stay numbers.
_DIGITS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_SYMBOLS: dict[str, str] = {"@": "a", "$": "s", "!": "i", "|": "i", "€": "e", "£": "l"}
_SYMBOL_SET = frozenset(_SYMBOLS)
_DIGIT = re.compile(r"\d")
_LETTER = r"[^\W\d_]"
# Three or more single letters in a row ("l e v e n"): a word spelled out to dodge filters.
_SPACED = re.compile(r"(?<!\S)[^\W\d_](?: +[^\W\d_]){2,}(?!\S)")
_SYM_MID = re.compile(rf"(?<={_LETTER})[@$!|€£]+(?={_LETTER})")
_SYM_START = re.compile(rf"(?<![\w@$!|€£])[@$](?={_LETTER})")
_RUNS3 = re.compile(r"(.)\1\1+", re.DOTALL)
_RUNS = re.compile(r"(.)\1+", re.DOTALL)
MANY = "#many"
_MANY_AT = 10


def _char(ch: str) -> str | None:
    from bot.domain.crisis import _CONFUSABLE  # one table for both readers

    if ch in _CONFUSABLE:
        return _CONFUSABLE[ch]
    cat = unicodedata.category(ch)
    if cat[0] == "M" or cat == "Cf":
        return None
    if cat[0] in "LN":
        return ch if ch.isascii() or not ch.isdigit() else " "
    return " "


class _Table(dict[int, str | None]):
    def __missing__(self, cp: int) -> str | None:
        value = _char(chr(cp))
        if len(self) < 50_000:
            self[cp] = value
        return value


_TABLE = _Table()


def _map_symbols(found: re.Match[str]) -> str:
    return "".join(_SYMBOLS[c] for c in found.group(0))


def raw_words(text: str, *, leet_symbols: bool = True) -> list[str]:
    """The words of a text, normalised but before chat spellings (see the module doc)."""
    return readings(text)[0] if leet_symbols else _words(_fold(text))


def readings(text: str) -> list[list[str]]:
    """The words of a text; when symbols inside words were read as letters ("k!ll",
    "wil!dood"), a second reading with those symbols as spaces."""
    folded = _fold(text)
    if _SYMBOL_SET.isdisjoint(folded):
        return [_words(folded)]
    mapped = _SYM_START.sub(_map_symbols, _SYM_MID.sub(_map_symbols, folded))
    if mapped == folded:
        return [_words(folded)]
    return [_words(mapped), _words(folded)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())


def _words(folded: str) -> list[str]:
    plain = folded.translate(_TABLE)
    if _SPACED.search(plain) is not None:  # "l e v e n", "s.u.i.c.i.d.e": one word
        plain = _SPACED.sub(_unspace, plain)
    words = plain.split()
    if _DIGIT.search(folded) is None:
        return words
    return [
        w.translate(_DIGITS) if not w.isdigit() and _DIGIT.search(w) is not None else w
        for w in words
    ]


def _unspace(found: re.Match[str]) -> str:
    return found.group(0).replace(" ", "")


def squeeze(word: str) -> str:
    """Every run of one letter shortened to one ("dood" -> "dod")."""
    return _RUNS.sub(r"\1", word)


@dataclass(frozen=True)
class Spellings:
    """Chat spellings: word sequences (1-3 words) and what they stand for."""

    table: Mapping[tuple[str, ...], tuple[str, ...]]
    longest: int
    firsts: frozenset[str] = frozenset()

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]]) -> Spellings:
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for typed, meant in pairs:
            key, value = tuple(raw_words(typed)), tuple(raw_words(meant))
            if key and value:
                table[key] = value
        longest = max((len(k) for k in table), default=1)
        return cls(table, longest, frozenset(k[0] for k in table))

    def apply(self, words: list[str]) -> tuple[list[str], list[int] | None]:
        """The words with chat spellings replaced, and for each the index of the word it
        came from (None when nothing was replaced)."""
        table = self.table
        if not table:
            return words, None
        firsts = self.firsts
        starts = [i for i, w in enumerate(words) if w in firsts]
        if _RUNS3.search(" ".join(words)) is not None:
            starts = sorted({*starts, *(i for i, w in enumerate(words) if _RUNS3.search(w))})
        if not starts:
            return words, None
        out: list[str] = []
        origin: list[int] = []
        done = 0  # words before this index are handled
        n = len(words)
        for i in starts:
            if i < done:
                continue
            found = None
            size = 1
            for size in range(min(self.longest, n - i), 0, -1):
                found = table.get(tuple(words[i : i + size]))
                if found is None and size == 1 and _RUNS3.search(words[i]):
                    for form in sorted(surface_keys(words[i])):
                        found = found or table.get((form,))
                if found is not None:
                    break
            if found is None:
                continue
            out.extend(words[done:i])
            origin.extend(range(done, i))
            out.extend(found)
            origin.extend([i] * len(found))
            done = i + size
        if done == 0 and not out:
            return words, None
        out.extend(words[done:])
        origin.extend(range(done, n))
        return out, origin


@lru_cache(maxsize=100_000)
def surface_keys(word: str) -> frozenset[str]:
    """The forms a word stands for: itself or, when stretched ("doooood"), its letter runs
    shortened to two and to one ("dood", "dod")."""
    keys = {_RUNS3.sub(r"\1\1", word), squeeze(word)} if _RUNS3.search(word) else {word}
    if word.isdigit() and len(word) < 7 and int(word) >= _MANY_AT:
        keys.add(MANY)
    return frozenset(keys)
