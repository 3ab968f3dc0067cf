"""The crisis safety net: words of acute danger, at any moment, whatever the intake step.

Matching is deliberately generous (false positives are tolerable, misses are not): phrases
and messages are normalised alike (casefold, accents, zero-width characters, leetspeak,
look-alike letters, repeated letters, punctuation and spacing tricks), then every phrase is
looked for inside the message with all spaces removed, so "z e l f m o o r d",
"s.u.i.c.i.d.e" and "ik wil dooooood" hit. Phrases of 7+ letters also match with one letter
missing or two letters swapped. All phrases are compiled into one trie-shaped regex, so a
message is scanned once, in time linear in its length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.domain.texts import Message, fill
from bot.texts import Catalogue

if TYPE_CHECKING:
    from bot.config.crisis import CrisisConfig

_LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
    "@": "a", "$": "s", "!": "i", "|": "i", "€": "e", "£": "l",
}
# Symbols that are leetspeak or mere punctuation: a text with them is also read with them
# as spaces ("wil!dood" -> "wil dood", while "k!ll" -> "kill" in the first reading).
_AMBIGUOUS = frozenset("@$!|€£")
# Look-alike letters of other scripts (after casefolding) that NFKD does not map.
_CONFUSABLE: dict[str, str] = {
    "а": "a", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "о": "o",
    "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "һ": "h", "ո": "n",
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ν": "v", "ɡ": "g", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
}
_RUNS = re.compile(r"(.)\1+", re.DOTALL)
_MAX_CACHE = 50_000


class _Table(dict[int, str | None]):
    """str.translate table, filled lazily per code point (letters/digits kept, marks and
    invisible characters dropped, everything else a space)."""

    def __init__(self, leet_symbols: bool) -> None:
        super().__init__()
        self.leet_symbols = leet_symbols

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        value: str | None
        if ch in _AMBIGUOUS and not self.leet_symbols:
            value = " "
        elif ch in _LEET:
            value = _LEET[ch]
        elif ch in _CONFUSABLE:
            value = _CONFUSABLE[ch]
        else:
            cat = unicodedata.category(ch)
            if cat[0] == "M" or cat == "Cf":
                value = None  # accents, variation selectors, zero-width characters
            elif cat[0] in "LN":
                value = ch
            else:
                value = " "
        if len(self) < _MAX_CACHE:
            self[cp] = value
        return value


_TABLE = _Table(leet_symbols=True)
_TABLE_PLAIN = _Table(leet_symbols=False)


def normalise(text: str, *, leet_symbols: bool = True) -> str:
    """Crisis-matching form of a text: words of plain lowercase letters, single spaces.

    casefold, accents stripped (NFKD), zero-width characters removed, leetspeak and
    look-alike letters mapped, punctuation turned into spaces, runs of one letter collapsed
    to one ("dooooood" -> "dod"). With leet_symbols=False, symbols like '!' and '@' are
    spaces instead of letters.
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    mapped = folded.translate(_TABLE if leet_symbols else _TABLE_PLAIN)
    return " ".join(_RUNS.sub(r"\1", mapped).split())


def compact(text: str, *, leet_symbols: bool = True) -> str:
    """`normalise` with every space removed (runs collapsed again): defeats "z e l f"."""
    return _RUNS.sub(r"\1", normalise(text, leet_symbols=leet_symbols).replace(" ", ""))


def readings(text: str) -> list[str]:
    """The compact forms a message is searched in (two when it has ambiguous symbols)."""
    first = compact(text)
    if _AMBIGUOUS.isdisjoint(text):
        return [first]
    second = compact(text, leet_symbols=False)
    return [first] if second == first else [first, second]


def typo_variants(key: str) -> set[str]:
    """One inner letter missing or two inner neighbours swapped (first and last letter kept:
    dropping the last one would turn a phrase into a prefix that matches far too much)."""
    out: set[str] = set()
    if len(key) < 7:
        return out
    for i in range(1, len(key) - 1):
        out.add(_RUNS.sub(r"\1", key[:i] + key[i + 1 :]))
    for i in range(1, len(key) - 2):
        out.add(_RUNS.sub(r"\1", key[:i] + key[i + 1] + key[i] + key[i + 2 :]))
    out.discard(key)
    return {v for v in out if len(v) >= 6}


@dataclass(frozen=True)
class CrisisHit:
    category: str
    language: str
    phrase: str  # the configured phrase that matched (never the youth's text)


@dataclass(frozen=True)
class CrisisResponse:
    hit: CrisisHit
    reply: Message  # for the youth
    alert: Message  # for the staff room; contains nothing of the youth's message


class CrisisMatcher:
    def __init__(self, config: CrisisConfig, texts: Catalogue | None = None) -> None:
        self.config = config
        # The reply, the staff alert and its 'no step' word (catalogue group `crisis`).
        self.texts = texts or Catalogue.default()
        entries: list[tuple[str, str, str]] = [
            (cat_id, lang, phrase)
            for cat_id, cat in config.categories.items()
            for lang, phrases in cat.phrases.items()
            for phrase in phrases
        ]
        self._index, self._pattern = _compile(tuple(entries), config.typo_tolerance)

    def match(self, text: str) -> CrisisHit | None:
        """The first crisis phrase (of any language) in `text`, or None."""
        if self._pattern is None:
            return None
        for reading in readings(text):
            found = self._pattern.search(reading)
            if found is not None:
                cat_id, lang, phrase = self._index[found.group(0)]
                return CrisisHit(cat_id, lang, phrase)
        return None

    def reply(self, language: str) -> Message:
        """The crisis text for the youth, in their language (else the first configured)."""
        cfg = self.config
        template = self.texts.get(language, "crisis.reply")
        lines = []
        for line in cfg.extra_lines:
            note = line.note.get(language) or next(iter(line.note.values()), "")
            lines.append(f"• {line.name}: {line.contact}" + (f" ({note})" if note else ""))
        block = "\n".join(lines)
        if "{lines}" not in template and block:
            template = f"{template}\n{block}"
        message = fill(template, {"lines": block})
        # An empty {lines} leaves an empty line behind; tidy it.
        return Message(
            re.sub(r"\n{3,}", "\n\n", message.plain).strip(),
            re.sub(r"(<br>){3,}", "<br><br>", message.html).removesuffix("<br>"),
        )

    def staff_alert(self, ref: str, category: str, step: str | None) -> Message:
        """The urgent staff-room notice: case reference, category and intake step only."""
        cat = self.config.categories.get(category)
        label = cat.label if cat is not None else category
        texts = self.texts.texts(None).crisis  # the staff room reads the default language
        return fill(texts.staff_alert, {"ref": ref, "category": label,
                                        "step": step or texts.no_step})

    def respond(
        self, text: str, *, language: str, ref: str, step: str | None
    ) -> CrisisResponse | None:
        """Everything the handler needs for one message, or None when it is no crisis."""
        hit = self.match(text)
        if hit is None:
            return None
        return CrisisResponse(hit, self.reply(language), self.staff_alert(ref, hit.category, step))


@lru_cache(maxsize=8)
def _compile(
    entries: tuple[tuple[str, str, str], ...], typos: bool
) -> tuple[dict[str, tuple[str, str, str]], re.Pattern[str] | None]:
    index: dict[str, tuple[str, str, str]] = {}
    for entry in entries:  # exact phrases first: they win over a typo variant
        key = compact(entry[2])
        if key:
            index.setdefault(key, entry)
    if typos:
        for entry in entries:
            for variant in sorted(typo_variants(compact(entry[2]))):
                index.setdefault(variant, entry)
    if not index:
        return index, None
    return index, re.compile(_trie_regex(index))


class _Node(dict[str, "_Node"]):
    end: bool = False


def _trie_regex(words: Iterable[str]) -> str:
    """One regex for many literals, shaped like a trie: each position of the text is tried
    along a single path, instead of once per literal."""
    root = _Node()
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, _Node())
        node.end = True
    return _node_regex(root)


def _node_regex(node: _Node) -> str:
    alts = [re.escape(ch) + _node_regex(child) for ch, child in sorted(node.items())]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if node.end else body
