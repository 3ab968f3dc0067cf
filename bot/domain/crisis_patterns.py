"""Crisis patterns: concept word sets within a word window (syntax in
bot/config/crisis_defaults.yaml). Parsing checks the syntax; compiling turns every word into
the keys it matches (with its lemmas); matching finds, per pattern, the words of the message
that fit its terms within its window. Everything is pure and in memory.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.crisis_lemmas import LemmaTable, Vocabulary
from bot.domain.crisis_text import MANY, raw_words, surface_keys

# Words in nearly every message: a pattern is not looked up by these.
_EVERYDAY = frozenset(
    "i ik me mij my mijn you je jij u het de the a een to te er is ben am are be was not "
    "niet no geen meer more op in aan van of on at and en maar but dat that die this dit "
    "do doe have heb hebben will zal ga gaan going go".split()
)
NEGATION_BEFORE = 3  # an !unless term this many words before the match also blocks it
MAX_WINDOW = 60


@dataclass(frozen=True)
class Atom:
    kind: str  # "word" (any inflection), "exact" (that form), "prefix"
    text: str


@dataclass(frozen=True)
class ParsedPattern:
    source: str
    terms: tuple[tuple[str, ...], ...]  # alternatives as written ("@die", "leven")
    unless: tuple[tuple[str, ...], ...]
    ordered: bool
    window: int | None


def parse_pattern(source: str, concepts: Iterable[str] | None = None) -> ParsedPattern:
    """The pattern's structure; ValueError naming what is wrong. With `concepts`, every
    @name must be one of them."""
    parts = source.split()
    ordered = bool(parts) and parts[0] == ">"
    if ordered:
        parts = parts[1:]
    window: int | None = None
    if parts and parts[-1].startswith("~"):
        number = parts.pop()[1:]
        if not number.isdigit() or not 1 <= int(number) <= MAX_WINDOW:
            raise ValueError(f"'~{number}': a window of 1 to {MAX_WINDOW} words, like ~6")
        window = int(number)
    terms: list[tuple[str, ...]] = []
    unless: list[tuple[str, ...]] = []
    known = set(concepts) if concepts is not None else None
    for part in parts:
        negated = part.startswith("!")
        alternatives = tuple(a for a in part.removeprefix("!").split("|"))
        for alt in alternatives:
            check_atom(alt, known, where=source)
        (unless if negated else terms).append(alternatives)
    if not terms:
        raise ValueError("at least one word or @concept to look for")
    if window is not None and window < len(terms):
        raise ValueError(f"a window (~{window}) of at least its {len(terms)} terms")
    return ParsedPattern(source, tuple(terms), tuple(unless), ordered, window)


def check_atom(alt: str, concepts: set[str] | None, *, where: str) -> None:
    if not alt:
        raise ValueError("no empty alternatives ('a||b' or a '|' at an end)")
    if alt.startswith("@"):
        name = alt[1:]
        if concepts is not None and name not in concepts:
            raise ValueError(f"'@{name}': no such concept (known: {', '.join(sorted(concepts))})")
        return
    if alt == MANY:
        return
    if alt in {">", "!"} or alt.startswith("~"):
        raise ValueError(f"'{alt}' only as the first ('>') or last ('~N') part")
    body = alt.removeprefix("=").removesuffix("*")
    if len(raw_words(body, leet_symbols=False)) != 1:
        raise ValueError(
            f"'{alt}': one word of letters or digits per term (optionally '=word' or 'word*')"
        )
    if alt.endswith("*") and len(body) < 3:
        raise ValueError(f"'{alt}': a prefix of at least 3 letters")


def _atoms(
    alt: str, concepts: Mapping[str, Sequence[str]], seen: tuple[str, ...] = ()
) -> list[Atom]:
    if alt.startswith("@"):
        name = alt[1:]
        if name in seen:
            raise ValueError(f"concept '@{name}' refers to itself")
        out: list[Atom] = []
        for entry in concepts[name]:
            out.extend(_atoms(entry, concepts, (*seen, name)))
        return out
    if alt == MANY:
        return [Atom("exact", MANY)]
    word = raw_words(alt.removeprefix("=").removesuffix("*"), leet_symbols=False)[0]
    if alt.endswith("*"):
        return [Atom("prefix", word)]
    if alt.startswith("="):
        return [Atom("exact", word)]
    return [Atom("word", word)]


def concept_atoms(name: str, concepts: Mapping[str, Sequence[str]]) -> list[Atom]:
    """Every word of a concept (nested @concepts expanded); ValueError on a cycle."""
    return _atoms("@" + name, concepts)


@dataclass(frozen=True)
class Compiled:
    """A pattern with its terms as ids into the index."""

    source: str
    category: str
    tier: str
    terms: tuple[int, ...]
    unless: tuple[int, ...]
    ordered: bool
    window: int


@dataclass
class Index:
    """Which terms a word satisfies: by key (any form), surface form, or prefix."""

    by_key: dict[str, set[int]] = field(default_factory=dict)
    by_surface: dict[str, set[int]] = field(default_factory=dict)
    by_prefix: dict[str, set[int]] = field(default_factory=dict)
    term_ids: dict[frozenset[Atom], int] = field(default_factory=dict)
    cache: dict[str, frozenset[int]] = field(default_factory=dict)
    atoms_of: list[frozenset[Atom]] = field(default_factory=list)
    starts: set[str] = field(default_factory=set)  # first two letters of the term words
    prefixes_by_start: dict[str, list[tuple[str, set[int]]]] = field(default_factory=dict)
    # The lemma look-up (None: compiled only to check the rules, not for matching).
    lemmas: LemmaTable | None = None

    def vocabulary(self) -> Vocabulary:
        """The words whose inflections the terms match, and the prefixes."""
        return Vocabulary(frozenset(self.by_key), frozenset(self.by_prefix))

    def term(self, atoms: Iterable[Atom]) -> int:
        key = frozenset(atoms)
        found = self.term_ids.get(key)
        if found is not None:
            return found
        tid = len(self.term_ids)
        self.term_ids[key] = tid
        self.atoms_of.append(key)
        for atom in key:
            if atom.kind == "word":  # the token's lemmas are looked up, not the term's
                self.by_key.setdefault(atom.text, set()).add(tid)
            elif atom.kind == "exact":
                self.by_surface.setdefault(atom.text, set()).add(tid)
            else:
                self.by_prefix.setdefault(atom.text, set()).add(tid)
        return tid

    def _may_inflect(self, word: str) -> bool:
        """Whether a word's lemma could be a term's word: short words (irregular forms:
        "ben", "was", "ran") and words that start like one ("sloeg" like "slaan", also
        after "ge": "geslagen"). Skips the dictionary look-up for most other words."""
        if len(word) <= 4:
            return True
        starts = self.starts
        if not starts:
            starts.update(k[:2] for k in (*self.by_key, *self.by_prefix))
        return word[:2] in starts or (word.startswith("ge") and word[2:4] in starts)

    def commonness(self, term: int) -> int:
        """A guess how often a term occurs in messages (for choosing a pattern's anchor):
        terms with everyday small words are common, the rest by their number of words."""
        atoms = self.atoms_of[term]
        if any(a.kind != "prefix" and a.text in _EVERYDAY for a in atoms):
            return 1000 + len(atoms)
        return len(atoms)

    def terms_of(self, word: str) -> frozenset[int]:
        found = self.cache.get(word)
        if found is not None:
            return found
        out: set[int] = set()
        forms = surface_keys(word)
        for form in forms:
            out |= self.by_surface.get(form, set())
        if any(self._may_inflect(f) for f in forms):
            if self.lemmas is None:
                raise RuntimeError("an index compiled without a lemma table does not match")
            keys = self.lemmas.all_keys(word)
        else:
            keys = forms
        by_start = self.prefixes_by_start
        if not by_start and self.by_prefix:
            for prefix, tids in self.by_prefix.items():
                by_start.setdefault(prefix[:3], []).append((prefix, tids))
        empty: set[int] = set()
        for key in keys:
            out |= self.by_key.get(key, empty)
            for prefix, tids in by_start.get(key[:3], ()):
                if key.startswith(prefix):
                    out |= tids
        result = frozenset(out)
        if len(self.cache) < 200_000:
            self.cache[word] = result
        return result


def compile_pattern(
    parsed: ParsedPattern,
    *,
    category: str,
    tier: str,
    concepts: Mapping[str, Sequence[str]],
    index: Index,
    default_window: int,
) -> Compiled:
    def ids(groups: tuple[tuple[str, ...], ...]) -> tuple[int, ...]:
        return tuple(
            index.term(a for alt in group for a in _atoms(alt, concepts)) for group in groups
        )

    window = parsed.window or max(default_window, len(parsed.terms))
    return Compiled(
        parsed.source, category, tier, ids(parsed.terms), ids(parsed.unless), parsed.ordered,
        window,
    )


Positions = dict[int, list[int]]


def windows(p: Compiled, pos: Positions) -> Iterable[tuple[int, int]]:
    """Every (first, last) word span where the pattern matches (minimal spans)."""
    lists = [pos.get(t) for t in p.terms]
    if not all(lists):
        return
    for start, end in (_ordered(p, lists) if p.ordered else _any_order(p, lists)):  # type: ignore[arg-type]
        if end - start + 1 <= p.window and not _blocked(p, pos, start, end):
            yield start, end


def _ordered(p: Compiled, lists: list[list[int]]) -> Iterable[tuple[int, int]]:
    for first in lists[0]:
        at = first
        for later in lists[1:]:
            i = bisect_right(later, at)
            if i == len(later):
                return
            at = later[i]
            if at - first + 1 > p.window:
                break
        else:
            yield first, at


def _any_order(p: Compiled, lists: list[list[int]]) -> Iterable[tuple[int, int]]:
    if len(lists) == 1:
        for at in lists[0]:
            yield at, at
        return
    events = sorted((at, k) for k, positions in enumerate(lists) for at in positions)
    need = len(lists)
    counts = [0] * need
    have = 0
    left = 0
    for right, (at, k) in enumerate(events):
        counts[k] += 1
        if counts[k] == 1:
            have += 1
        while have == need:
            start = events[left][0]
            lk = events[left][1]
            if counts[lk] == 1:
                yield start, at
            counts[lk] -= 1
            if counts[lk] == 0:
                have -= 1
            left += 1
        del right


def _blocked(p: Compiled, pos: Positions, start: int, end: int) -> bool:
    for t in p.unless:
        for at in pos.get(t, ()):
            if start - NEGATION_BEFORE <= at <= end:
                return True
    return False
