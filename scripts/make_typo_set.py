"""Run: python3 scripts/make_typo_set.py ../shared/corpora/medlineplus/health-topics.tsv

Run from the repository root; writes tests/relevance/medlineplus-misspelled.tsv with the
header `query<TAB>expected`. For a seeded sample of 300 MedlinePlus topic titles, each
query is the title with one or two realistic typos and the expected answer is the exact
title. One typo kind is drawn per query: adjacent transposition, dropped letter, doubled
letter, QWERTY-neighbour substitution or phonetic substitution (ph->f, c->k, ie<->ei,
tion->shun, ea->ee, y->i, ...). Words under 4 letters and all-capital abbreviations are
never edited; words of 4-7 letters take at most one edit, words of 8+ letters up to two.
No query equals (case-insensitively) a real title or also-called name; about a quarter
of the queries are lower-cased.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TSV = REPO_ROOT / "../shared/corpora/medlineplus/health-topics.tsv"
DEFAULT_OUT = REPO_ROOT / "tests/relevance/medlineplus-misspelled.tsv"
SEED = 20261126
SAMPLE_SIZE = 300
LOWERCASE_RATE = 0.25
TWO_EDIT_RATE = 0.4
MAX_TRIES = 200
MIN_EDIT_LEN = 4  # shorter words are never edited
MAX_ONE_EDIT_LEN = 7  # longer words may take two edits
DESCRIPTION = "Write a seeded set of misspelled MedlinePlus topic titles."

KINDS = ("transpose", "drop", "double", "qwerty", "phonetic")
QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")

# (pattern, replacement) pairs for sound-alike misspellings of a lower-cased word.
PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    ("ph", "f"),
    ("c(?=[aou])", "k"),
    ("c(?=[eiy])", "s"),
    ("ck", "k"),
    ("chr", "cr"),
    ("chl", "cl"),
    ("chem", "kem"),
    ("sch", "sk"),
    ("^ps", "s"),
    ("^pn", "n"),
    ("^kn", "n"),
    ("ie", "ei"),
    ("ei", "ie"),
    ("tion", "shun"),
    ("sion", "tion"),
    ("ea", "ee"),
    ("ee", "ea"),
    ("(?<=.)y", "i"),
    ("ae", "e"),
    ("oe", "e"),
    ("rrh", "rh"),
    ("(?<=[aeiou])rh", "r"),
    ("eu", "u"),
    ("ous$", "us"),
    ("ance$", "ence"),
    ("ence$", "ance"),
    ("ible$", "able"),
    ("able$", "ible"),
    ("itis$", "itus"),
    ("ia$", "ea"),
    ("or$", "er"),
    ("ar$", "er"),
    ("x", "ks"),
    ("qu", "kw"),
    ("z", "s"),
)


def qwerty_neighbours() -> dict[str, str]:
    """Map each letter to the letters on the keys around it."""
    grid = {ch: (r, c + 0.5 * r) for r, row in enumerate(QWERTY_ROWS) for c, ch in enumerate(row)}
    return {
        a: "".join(b for b, (rb, cb) in grid.items() if b != a and abs(ra - rb) <= 1 and abs(ca - cb) <= 1)
        for a, (ra, ca) in grid.items()
    }


NEIGHBOURS = qwerty_neighbours()


def read_topics(path: Path) -> tuple[list[str], set[str]]:
    """Return the titles in file order and all titles and aliases, case-folded."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    titles = [row["title"] for row in rows]
    names = {t.casefold() for t in titles}
    names |= {a.strip().casefold() for row in rows for a in (row["also_called"] or "").split("|") if a.strip()}
    return titles, names


def edit_capacity(word: str) -> int:
    """Return how many edits a word may take (0 for short words, abbreviations)."""
    if len(word) < MIN_EDIT_LEN or word.isupper():
        return 0
    return 1 if len(word) <= MAX_ONE_EDIT_LEN else 2


def apply_kind(word: str, kind: str, rng: random.Random) -> str | None:
    """Apply one typo of the given kind to a lower-case word, or None if none fits."""
    n = len(word)
    if kind == "transpose":
        spots = [i for i in range(1, n - 1) if word[i] != word[i + 1]]
        if not spots:
            return None
        i = rng.choice(spots)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":  # never the first letter, nor a final plural "s"
        i = rng.randrange(1, n - 1 if word.endswith("s") else n)
        return word[:i] + word[i + 1 :]
    if kind == "double":
        spots = [i for i in range(1, n) if word[i] != word[i - 1] and (i + 1 >= n or word[i] != word[i + 1])]
        if not spots:
            return None
        i = rng.choice(spots)
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == "qwerty":
        spots = [i for i in range(1, n) if word[i] in NEIGHBOURS]
        if not spots:
            return None
        i = rng.choice(spots)
        return word[:i] + rng.choice(NEIGHBOURS[word[i]]) + word[i + 1 :]
    rules = [(p, r) for p, r in PHONETIC_RULES if re.search(p, word)]
    if not rules:
        return None
    pattern, repl = rng.choice(rules)
    match = rng.choice(list(re.finditer(pattern, word)))
    return word[: match.start()] + repl + word[match.end() :]


def restore_case(original: str, edited: str) -> str:
    """Give the edited word the capitalisation of the original."""
    return edited[:1].upper() + edited[1:] if original[:1].isupper() else edited


def misspell(title: str, rng: random.Random) -> str:
    """Return the title with one or two typos of one randomly chosen kind."""
    parts = re.split(r"([A-Za-z]+)", title)
    slots = {i: edit_capacity(p) for i, p in enumerate(parts) if i % 2 == 1 and edit_capacity(p)}
    edits = 2 if max(slots.values()) > 1 and rng.random() < TWO_EDIT_RATE else 1
    kind = rng.choice(KINDS)
    for _ in range(edits):
        i = rng.choice([k for k, cap in slots.items() if cap > 0])
        word = parts[i].lower()
        edited = apply_kind(word, kind, rng)
        if edited is None:  # the kind does not fit: switch for the rest of the query
            kind = rng.choice([k for k in KINDS if k != kind])
            edited = apply_kind(word, kind, rng) or word
        parts[i] = restore_case(parts[i], edited)
        slots[i] -= 1
    query = "".join(parts)
    return query.lower() if rng.random() < LOWERCASE_RATE else query


def build(titles: list[str], names: set[str], rng: random.Random) -> list[tuple[str, str]]:
    """Return (query, expected title) pairs for a seeded sample of editable titles."""
    editable = [t for t in titles if any(edit_capacity(w) for w in re.findall(r"[A-Za-z]+", t))]
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for title in rng.sample(editable, SAMPLE_SIZE):
        for _ in range(MAX_TRIES):
            query = misspell(title, rng)
            key = query.casefold()
            if key not in names and key not in seen:
                break
        else:
            msg = f"no usable misspelling for {title!r}"
            raise RuntimeError(msg)
        seen.add(key)
        pairs.append((query, title))
    return pairs


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the typo set and write it."""
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument(
        "tsv",
        nargs="?",
        type=Path,
        default=DEFAULT_TSV,
        help="MedlinePlus health-topics.tsv",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output TSV")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args(argv)
    titles, names = read_topics(args.tsv)
    pairs = build(titles, names, random.Random(args.seed))
    lines = ["query\texpected", *(f"{q}\t{t}" for q, t in pairs)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(pairs)} queries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
