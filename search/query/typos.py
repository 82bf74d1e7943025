"""The typo model: symmetric-delete candidates, phonetic keys and split words over a vocabulary."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from search.analysis import VOWELS, neighbouring_keys
from search.language import spelling_words, zipf
from search.query.config import TypoRules

PREFIX = 7  # deletes are taken of the first 7 letters (SymSpell's prefix trick): small, fast
PHONETIC = [
    (r"^pn", "n"),
    (r"^ps", "s"),
    (r"^kn", "n"),
    (r"^x", "z"),
    (r"ph", "f"),
    (r"ck", "k"),
    (r"que$", "k"),
    (r"q", "k"),
    (r"ce", "se"),
    (r"ci", "si"),
    (r"cy", "si"),
    (r"c", "k"),
    (r"tion", "shun"),
    (r"sion", "shun"),
    (r"sch", "sk"),
    (r"ch", "k"),
    (r"eu", "u"),
    (r"ae", "e"),
    (r"oe", "e"),
    (r"y", "i"),
    (r"ie", "i"),
    (r"ei", "i"),
    (r"ee", "i"),
    (r"ea", "i"),
    (r"ou", "u"),
    (r"oo", "u"),
    (r"z", "s"),
    (r"gh", "g"),
    (r"wh", "w"),
    (r"(?<=[a-z])h", ""),
    (r"([a-z])\1+", r"\1"),
    (r"(?<=.)[aeiou]+$", ""),
]
_PHONETIC = [(re.compile(a), b) for a, b in PHONETIC]


def phonetic_key(word: str) -> str:
    """A sound-alike key: "nuralgia", "neuralgia" and "newralgia" share one."""
    for pattern, repl in _PHONETIC:
        word = pattern.sub(repl, word)
    return word


def deletes(word: str, depth: int) -> set[str]:
    """Every string made by deleting up to `depth` letters from the word's first letters."""
    head = word[:PREFIX]
    out = {head}
    for k in range(1, min(depth, len(head) - 1) + 1):
        out.update(
            "".join(c for i, c in enumerate(head) if i not in drop) for drop in combinations(range(len(head)), k)
        )
    return out


def _key_deletes(key: str) -> set[str]:
    """One-letter deletes of a whole sound key, so near sound-alikes meet too."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))} if len(key) >= 4 else set()


def _substitution(a: str, b: str) -> tuple[str, str] | None:
    """The one letter pair two same-length words differ by, if they differ by exactly one letter."""
    if len(a) != len(b):
        return None
    diff = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    return diff[0] if len(diff) == 1 else None


def _transposition(a: str, b: str) -> bool:
    """Whether two words differ by two neighbouring letters swapped ("pian" / "pain")."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _slip(a: str, b: str) -> bool:
    """A neighbouring key struck instead of the right one, or two letters typed in the wrong order."""
    pair = _substitution(a, b)
    return (pair is not None and neighbouring_keys(*pair)) or _transposition(a, b)


def _far_substitution(a: str, b: str) -> bool:
    """One letter replaced by a key far from it and not a vowel for a vowel ("worring" / "working").

    People drop, double, swap and mis-hit neighbouring letters, and confuse vowels by sound; a far
    consonant in place of the right one is the rarest single typo.
    """
    pair = _substitution(a, b)
    return pair is not None and not neighbouring_keys(*pair) and not (set(pair) <= VOWELS)


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one deletion, swap, replacement or insertion away (Norvig's candidate set)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    out |= {a + c + b for a, b in splits for c in LETTERS}
    out.discard(word)
    return out


def english_likelihood(typed: str, word: str, distance: int, rules: TypoRules) -> float:
    """How likely `word` is what was meant by `typed`, in Zipf units: its frequency less the typo's rarity."""
    far = rules.unlikely_typo_zipf if distance == 1 and _far_substitution(typed, word) else 0.0
    return zipf(word, "en") - far - rules.extra_edit_zipf * max(0, distance - 1)


def english_guess(typed: str, rules: TypoRules) -> str | None:
    """The likeliest English word one typo from a misspelled word, from the spelling dictionary and wordfreq."""
    known = spelling_words()
    scored = [
        (english_likelihood(typed, w, 1, rules), w)
        for w in edits1(typed)
        if w in known and zipf(w, "en") >= rules.real_word_zipf
    ]
    return max(scored)[1] if scored else None


@dataclass(frozen=True)
class Correction:
    """A candidate replacement for a typed word; `cost` ranks candidates (lower is better)."""

    word: str
    distance: int
    cost: float
    kind: str  # "typo", "sound", "split"


@dataclass(frozen=True)
class Corrector:
    """Precomputed deletion and sound-alike maps over a vocabulary with word counts."""

    counts: Mapping[str, int]
    rules: TypoRules
    delete_map: Mapping[str, tuple[str, ...]]
    sound_map: Mapping[str, tuple[str, ...]]
    sorted_words: tuple[str, ...]
    log_max_count: float = 1.0  # log1p of the largest count, for the frequency tie-breaker
    # Known words of another language (the Spanish lexicon): never offered for an English query.
    foreign: frozenset[str] = frozenset()
    # Word prefixes by length, built the first time a mistyped unfinished word of that length comes.
    prefix_tables: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict, compare=False, repr=False)

    def known(self, word: str) -> bool:
        """Whether the word is in the vocabulary."""
        return word in self.counts

    def _offered(self, word: str, language: str) -> bool:
        return language != "en" or word not in self.foreign

    def correct(self, word: str, limit: int = 3, language: str = "en") -> list[Correction]:
        """Best replacements for an unknown word, cheapest first (empty for known words)."""
        if word in self.counts or not word.isalpha():
            return []
        found: dict[str, Correction] = {}
        rules = self.rules
        depth = rules.max_typos(word)
        if depth:
            candidates = {c for d in deletes(word, depth) for c in self.delete_map.get(d, ())}
            for cand in candidates:
                dist = DamerauLevenshtein.distance(word, cand, score_cutoff=depth)
                # Two typos and a changed first letter make another word, not a typo ("ambetter" is
                # no "better"): people rarely mistype the first letter, let alone with a second slip.
                if dist <= depth and (dist < 2 or cand[0] == word[0]):
                    found[cand] = Correction(cand, dist, self._cost(word, cand, dist), "typo")
        if len(word) >= rules.sound_min_length:
            key = phonetic_key(word)
            near = {c for k in {key} | _key_deletes(key) for c in self.sound_map.get(k, ())}
            for cand in near:
                if cand in found or abs(len(cand) - len(word)) > rules.sound_length_gap:
                    continue
                if DamerauLevenshtein.distance(key, phonetic_key(cand), score_cutoff=1) > 1:
                    continue
                dist = DamerauLevenshtein.distance(word, cand)
                found[cand] = Correction(cand, dist, self._cost(word, cand, 2) + rules.sound_cost, "sound")
        if found and self.written_on_purpose(word):
            found = {w: c for w, c in found.items() if w[:1] == word[:1]}
        if not found and len(word) >= rules.split_min_length:
            split = self.split(word)
            if split:
                found[split] = Correction(split, 1, rules.split_cost, "split")
        offered = [c for c in found.values() if all(self._offered(w, language) for w in c.word.split())]
        return sorted(offered, key=lambda c: (c.cost, c.word))[:limit]

    def written_on_purpose(self, word: str) -> bool:
        """A word wordfreq lists often enough to be a name ("cigna", "lyrica"): never given another first letter."""
        return zipf(word, "en") >= self.rules.kept_first_letter_zipf

    def _cost(self, typed: str, cand: str, dist: int) -> float:
        rules = self.rules
        cost = float(dist)
        if typed[0] != cand[0]:
            cost += rules.first_letter_cost
        if dist == 1 and _slip(typed, cand):
            cost -= rules.keyboard_slip_bonus
        elif dist == 1 and _far_substitution(typed, cand):
            cost += rules.far_substitution_cost
        return cost - rules.frequency_tiebreak * math.log1p(self.counts.get(cand, 0)) / self.log_max_count

    def split(self, word: str) -> str | None:
        """Two known words glued together ("nervepain" -> "nerve pain"), the likeliest split."""
        best: tuple[float, str] | None = None
        for i in range(3, len(word) - 2):
            left, right = word[:i], word[i:]
            if left in self.counts and right in self.counts:
                score = math.log1p(self.counts[left]) + math.log1p(self.counts[right])
                if best is None or score > best[0]:
                    best = (score, f"{left} {right}")
        return best[1] if best else None

    def fuzzy_completions(self, prefix: str, limit: int = 6, language: str = "en") -> list[str]:
        """Known words whose beginning is within the typo allowance of a mistyped unfinished word.

        "nuero" -> neuropathy, neuralgia; "fibromia" -> fibromyalgia. The same length rules as
        whole words: nothing under 4 letters, one typo up to 7, two from 8; a beginning one letter
        shorter or longer than the typed text counts (a dropped or doubled letter).
        """
        allowed = self.rules.max_typos(prefix)
        if not allowed or not prefix.isalpha():
            return []
        best: dict[str, float] = {}
        for length in (len(prefix) - 1, len(prefix), len(prefix) + 1):
            table = self.prefix_tables.get(length)
            if table is None:
                table = self.prefix_tables[length] = _prefix_table(self.sorted_words, length)
            for head, distance, _ in process.extract(
                prefix, table.keys(), scorer=DamerauLevenshtein.distance, score_cutoff=allowed, limit=None
            ):
                if head.startswith(prefix):
                    continue  # plain completions answer those
                cost = distance + (self.rules.first_letter_cost if head[0] != prefix[0] else 0.0)
                for word in table[head]:
                    if self._offered(word, language):
                        best[word] = min(best.get(word, cost), cost)
        ranked = sorted(best, key=lambda w: (best[w], -self.counts[w], w))
        return ranked[:limit]

    def warm(self, lengths: range = range(3, 13)) -> None:
        """Build the prefix tables of the usual unfinished-word lengths before the first request."""
        for length in lengths:
            if length not in self.prefix_tables:
                self.prefix_tables[length] = _prefix_table(self.sorted_words, length)

    def completions(self, prefix: str, limit: int = 6, language: str = "en") -> list[str]:
        """Known words that start with `prefix`, most frequent first (the prefix excluded)."""
        start = bisect_left(self.sorted_words, prefix)
        matches: list[str] = []
        for word in self.sorted_words[start:]:
            if not word.startswith(prefix):
                break
            if word != prefix and self._offered(word, language):
                matches.append(word)
        matches.sort(key=lambda w: (-self.counts[w], w))
        return matches[:limit]


def _prefix_table(words: tuple[str, ...], length: int) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = defaultdict(list)
    for word in words:
        if len(word) > length and word.isalpha():
            table[word[:length]].append(word)
    return {k: tuple(v) for k, v in table.items()}


def build_corrector(counts: Mapping[str, int], rules: TypoRules, foreign: frozenset[str] = frozenset()) -> Corrector:
    """Precompute the deletion and sound-alike maps for a vocabulary."""
    delete_map: dict[str, list[str]] = defaultdict(list)
    sound_map: dict[str, list[str]] = defaultdict(list)
    for word in counts:
        if not word.isalpha() or len(word) < 3:
            continue
        for d in deletes(word, 2 if len(word) >= rules.two_typos_from else 1):
            delete_map[d].append(word)
        if len(word) >= rules.sound_min_length:
            key = phonetic_key(word)
            for k in {key} | _key_deletes(key):
                sound_map[k].append(word)
    return Corrector(
        counts=dict(counts),
        rules=rules,
        delete_map={k: tuple(v) for k, v in delete_map.items()},
        sound_map={k: tuple(v) for k, v in sound_map.items()},
        sorted_words=tuple(sorted(counts)),
        foreign=foreign,
        log_max_count=math.log1p(1 + max(counts.values(), default=1)),
    )
