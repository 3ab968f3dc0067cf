"""The crisis safety net: danger in a youth's words, at any moment, whatever the intake step.

`CrisisMatcher.classify(text)` gives a tier ("acute": crisis reply and alert at once;
"concern": ambiguous, ask) and a category, or None. A message is read as words
(crisis_text: normalised, chat spellings replaced; crisis_lemmas: Dutch and English lemmas,
from a table the config layer gives) and matched against patterns (crisis_patterns: word
sets within a word window); the words of everyday
idioms ("ik ga dood van het lachen") are ignored first. Literal `phrases` (acute) are also
looked for in the words with all spaces removed, so "z e l f m o o r d" and "s.u.i.c.i.d.e"
hit; phrases of 7+ letters also match with one letter missing or two letters swapped, all
in one trie-shaped regex. `classify_recent` reads a phrase split over 2-3 messages. `match`
and `respond` report acute hits only. The rules come from the config (CrisisConfig.rules():
bot/config/crisis_defaults.yaml plus the config's additions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.domain.crisis_lemmas import LemmaTable, Vocabulary
from bot.domain.crisis_patterns import (
    Compiled,
    Index,
    compile_pattern,
    concept_atoms,
    parse_pattern,
    windows,
)
from bot.domain.crisis_text import Spellings, squeeze
from bot.domain.crisis_text import readings as word_readings
from bot.domain.messages import Message, fill
from bot.domain.referrals import lines_block
from bot.texts import Catalogue

if TYPE_CHECKING:
    from bot.config.crisis import CrisisConfig
    from bot.config.referrals import ReferralsConfig

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
_LONG_RUNS = re.compile(r"(.)\1\1+", re.DOTALL)
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
    language: str  # the phrase's language; "" for a pattern (patterns are for every language)
    phrase: str  # the configured phrase or pattern that matched (never the youth's text)


ACUTE = "acute"
CONCERN = "concern"
_RANK = {ACUTE: 2, CONCERN: 1}


@dataclass(frozen=True)
class CrisisResult:
    """What a message is: `tier` "acute" (crisis reply and alert at once) or "concern"
    (ambiguous: ask the youth), the first matching category and every category that matched
    at that tier, and the configured pattern or phrase (never the youth's text)."""

    tier: str
    category: str
    pattern: str
    language: str = ""
    categories: tuple[str, ...] = ()

    @property
    def acute(self) -> bool:
        return self.tier == ACUTE

    def hit(self) -> CrisisHit:
        return CrisisHit(self.category, self.language, self.pattern)


@dataclass(frozen=True)
class CrisisResponse:
    hit: CrisisHit
    reply: Message  # for the youth
    alert: Message  # for the staff room; contains nothing of the youth's message


@dataclass(frozen=True)
class RuleCategory:
    id: str
    label: str
    phrases: tuple[tuple[str, str], ...]  # (language, phrase): literal, acute
    acute: tuple[str, ...]
    concern: tuple[str, ...]


@dataclass(frozen=True)
class CrisisRules:
    """Everything the matcher needs, merged from the built-in defaults and the config."""

    categories: tuple[RuleCategory, ...]
    concepts: tuple[tuple[str, tuple[str, ...]], ...]
    spellings: tuple[tuple[str, str], ...]
    exclude: tuple[str, ...]
    window: int
    typo_tolerance: bool = True


@dataclass(frozen=True)
class _Engine:
    index: Index
    spellings: Spellings
    patterns: tuple[Compiled, ...]  # acute first, then concern; categories in config order
    exclude: tuple[Compiled, ...]
    phrase_index: dict[str, tuple[str, str, str]]
    phrase_pattern: re.Pattern[str] | None
    order: dict[str, int]
    # anchor term -> indexes of the patterns (exclusions) that need it: only patterns whose
    # least common term occurs in a message are tried.
    anchors: dict[int, tuple[int, ...]]
    exclude_anchors: dict[int, tuple[int, ...]]


@lru_cache(maxsize=8)
def compile_rules(rules: CrisisRules, lemmas: LemmaTable | None = None) -> _Engine:
    """Compile (and so check) the rules; ValueError on a concept that refers to itself, or
    when `lemmas` does not cover the patterns' words. Without `lemmas` the engine is for
    checking only. Each (rules, table) pair has its own index and word cache."""
    if lemmas is not None:
        # The checking engine's patterns and term ids (compiled once, at config load), with
        # an index of its own: the word cache depends on the lemma table.
        base = compile_rules(rules)
        if not lemmas.covers(base.index.vocabulary()):
            raise ValueError("the lemma table does not cover the patterns' words")
        return replace(base, index=replace(base.index, cache={}, lemmas=lemmas))
    concepts = dict(rules.concepts)
    for name in concepts:
        concept_atoms(name, concepts)  # raises on a concept that refers to itself
    index = Index()
    compiled: list[Compiled] = []
    for tier in (ACUTE, CONCERN):
        for cat in rules.categories:
            for source in getattr(cat, tier):
                parsed = parse_pattern(source, concepts)
                compiled.append(
                    compile_pattern(
                        parsed, category=cat.id, tier=tier, concepts=concepts, index=index,
                        default_window=rules.window,
                    )
                )
    exclude = tuple(
        compile_pattern(
            parse_pattern(source, concepts), category="", tier="", concepts=concepts,
            index=index, default_window=rules.window,
        )
        for source in rules.exclude
    )
    entries = tuple(
        (cat.id, lang, phrase) for cat in rules.categories for lang, phrase in cat.phrases
    )
    phrase_index, phrase_pattern = _compile(entries, rules.typo_tolerance)
    return _Engine(
        index, Spellings.build(rules.spellings), tuple(compiled), exclude, phrase_index,
        phrase_pattern, {cat.id: i for i, cat in enumerate(rules.categories)},
        _anchors(compiled, index), _anchors(exclude, index),
    )


def _anchors(patterns: Sequence[Compiled], index: Index) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = {}
    for i, p in enumerate(patterns):
        out.setdefault(min(p.terms, key=index.commonness), []).append(i)
    return {t: tuple(ps) for t, ps in out.items()}


def vocabulary(rules: CrisisRules) -> Vocabulary:
    """The words and prefixes of the rules' patterns (what a lemma table must cover)."""
    return compile_rules(rules).index.vocabulary()


class CrisisMatcher:
    def __init__(self, config: CrisisConfig, texts: Catalogue | None = None,
                 referrals: ReferralsConfig | None = None, *,
                 lemmas: LemmaTable | None = None) -> None:
        self.config = config
        # The referral directory: its `crisis` lines are the reply's {lines}.
        if referrals is None:
            from bot.config.referrals import ReferralsConfig  # (config imports this module)

            referrals = ReferralsConfig()
        self.referrals = referrals
        # The reply, the staff alert and its 'no step' word (catalogue group `crisis`).
        self.texts = texts or Catalogue.default()
        self.rules = config.rules()
        self.labels = {cat.id: cat.label for cat in self.rules.categories}
        # The lemma look-up (config layer: the shipped table, or one made for these words).
        self.lemmas = lemmas if lemmas is not None else config.lemma_table()
        self._engine = compile_rules(self.rules, self.lemmas)

    def classify(self, text: str) -> CrisisResult | None:
        """The strongest tier (acute over concern) a message reaches, or None."""
        best: CrisisResult | None = None
        for words in word_readings(text):
            found = self._classify_words(words)
            if found is not None and (best is None or _RANK[found.tier] > _RANK[best.tier]):
                best = found
            if best is not None and best.acute:
                break
        return best

    def classify_recent(self, messages: Sequence[str], *, span: int = 3) -> CrisisResult | None:
        """For a phrase split over messages in a row ("I want to" / "die"): the strongest
        result among the newest message alone and the last 2..`span` messages joined, where
        a joined result counts only when the newest message is what completes it (the
        earlier messages alone reach a lower tier). `messages` is oldest first."""
        if not messages:
            return None
        best = self.classify(messages[-1])
        for n in range(2, min(span, len(messages)) + 1):
            if best is not None and best.acute:
                break
            joined = self.classify(" ".join(messages[-n:]))
            if joined is None:
                continue
            before = self.classify(" ".join(messages[-n:-1]))
            if before is not None and _RANK[before.tier] >= _RANK[joined.tier]:
                continue
            if best is None or _RANK[joined.tier] > _RANK[best.tier]:
                best = joined
        return best

    def match(self, text: str) -> CrisisHit | None:
        """An acute hit (the crisis reply and an alert at once), or None. Concern-tier
        messages are None here: use `classify` for both tiers."""
        found = self.classify(text)
        return found.hit() if found is not None and found.acute else None

    def _classify_words(self, raw: list[str]) -> CrisisResult | None:
        eng = self._engine
        words, origin = eng.spellings.apply(raw)
        terms_of = eng.index.terms_of
        cache = eng.index.cache
        term_sets = [cache[w] if w in cache else terms_of(w) for w in words]
        pos = _positions(term_sets)
        masked: set[int] = set()
        for i in _candidates(eng.exclude_anchors, pos):
            for start, end in windows(eng.exclude[i], pos):
                masked.update(range(start, end + 1))
        if masked:
            pos = {
                t: kept
                for t, ats in pos.items()
                if (kept := [at for at in ats if at not in masked])
            }
        hits: list[tuple[int, str, str, str]] = []  # (order, category, source, language)
        tier = ""
        for i in _candidates(eng.anchors, pos):
            p = eng.patterns[i]
            if tier and p.tier != tier:
                break
            if all(t in pos for t in p.terms) and next(windows(p, pos), None) is not None:
                tier = p.tier
                hits.append((eng.order.get(p.category, 0), p.category, p.source, ""))
        phrase = self._phrase(raw, masked if origin is None else {origin[i] for i in masked})
        if phrase is not None:
            cat_id, lang, source = phrase
            if tier != ACUTE:
                tier, hits = ACUTE, []
            hits.append((eng.order.get(cat_id, 0), cat_id, source, lang))
        if not hits:
            return None
        hits.sort(key=lambda h: h[0])
        _, category, source, language = hits[0]
        cats = tuple(dict.fromkeys(h[1] for h in hits))
        return CrisisResult(tier, category, source, language, cats)

    def _phrase(self, words: list[str], masked: set[int]) -> tuple[str, str, str] | None:
        eng = self._engine
        if eng.phrase_pattern is None:
            return None
        kept = words if not masked else [w for at, w in enumerate(words) if at not in masked]
        # The pattern lets every letter repeat (the same as searching the squeezed text);
        # long runs are shortened first, so that a run costs linear time.
        text = "".join(kept)
        if _LONG_RUNS.search(text) is not None:
            text = _LONG_RUNS.sub(r"\1", text)
        found = eng.phrase_pattern.search(text)
        return eng.phrase_index[squeeze(found.group(0))] if found is not None else None

    def reply(self, language: str) -> Message:
        """The crisis text for the youth, in their language (else the first configured)."""
        cfg = self.config
        template = self.texts.get(language, "crisis.reply")
        directory = lines_block(self.referrals, self.referrals.crisis, language)
        lines = [directory] if directory else []
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
        label = self.labels.get(category, category)
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


def _positions(term_sets: list[frozenset[int]]) -> dict[int, list[int]]:
    pos: dict[int, list[int]] = {}
    for at, terms in enumerate(term_sets):
        for t in terms:
            found = pos.get(t)
            if found is None:
                pos[t] = [at]
            else:
                found.append(at)
    return pos


def _candidates(anchors: dict[int, tuple[int, ...]], pos: dict[int, list[int]]) -> list[int]:
    """Indexes (in order) of the patterns whose anchor term is in the message."""
    found: list[int] = []
    for term in pos.keys() & anchors.keys():
        found.extend(anchors[term])
    found.sort()
    return found


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
    return index, re.compile(_trie_regex(index, repeats=True))


class _Node(dict[str, "_Node"]):
    end: bool = False


def _trie_regex(words: Iterable[str], *, repeats: bool = False) -> str:
    """One regex for many literals, shaped like a trie: each position of the text is tried
    along a single path, instead of once per literal."""
    root = _Node()
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, _Node())
        node.end = True
    return _node_regex(root, "++" if repeats else "")


def _node_regex(node: _Node, repeat: str = "") -> str:
    alts = [
        re.escape(ch) + repeat + _node_regex(child, repeat) for ch, child in sorted(node.items())
    ]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if node.end else body
