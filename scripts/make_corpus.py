"""Make a large corpus from the MedlinePlus topics, deterministically, for the benchmark.

    python scripts/make_corpus.py --pages 10000 --seed 1 --out /tmp/corpus-10k.jsonl

Index the output like MedlinePlus itself (it has the same columns, written as JSON Lines):

    condsearch index /tmp/corpus-10k.jsonl --map title=title --map aliases=also_called \
        --map body=summary --map url=url --index-dir /tmp/index-10k

The first rows are the 981 real topics, unchanged, so every MedlinePlus query set still has its
answers. Every further row is a variant of one topic ("the base"), never a copy:
- title: the base title recombined with qualifiers ("Chronic Asthma in Children", "Asthma
  Screening") or with the head word of a related topic ("Asthma and Allergy");
- aliases: a sample of the base's "also called" names, some qualified like the title, one borrowed
  from a related topic, sometimes the title's initials;
- body: an opening sentence naming the variant, then a shuffled sample of the base's sentences
  mixed with a few sentences of two or three related topics (topics sharing a title word, else
  alphabetical neighbours in the same MedlinePlus group).
Titles and ids are unique. The same seed and topics always give the same bytes: one seeded
random.Random drives every choice, and nothing iterates over a set or a hash order.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDLINEPLUS = ROOT.parent / "shared" / "corpora" / "medlineplus" / "health-topics.tsv"
FIRST_VARIANT_ID = 1_000_000  # real topic ids are 7 digits below this
MAX_TITLE_TRIES = 50
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(-])")
TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
STOP = ("and", "the", "for", "with", "your", "from", "other", "about", "health", "disorders", "diseases")

PREFIXES = (
    "Acute",
    "Chronic",
    "Recurrent",
    "Mild",
    "Severe",
    "Early",
    "Advanced",
    "Childhood",
    "Adult",
    "Hereditary",
    "Acquired",
    "Primary",
    "Secondary",
    "Late-Onset",
    "Drug-Induced",
    "Post-Surgical",
    "Seasonal",
    "Occupational",
    "Complicated",
    "Uncomplicated",
)
SUFFIXES = (
    "in Children",
    "in Teens",
    "in Older Adults",
    "in Women",
    "in Men",
    "During Pregnancy",
    "After Surgery",
    "at Home",
    "Treatment",
    "Diagnosis",
    "Screening",
    "Prevention",
    "Symptoms",
    "Complications",
    "Risk Factors",
    "Self-Care",
    "Recovery",
    "Medicines",
    "Tests",
    "Support",
)
OPENINGS = (
    "This page is about {title}.",
    "{title} is covered here for patients and families.",
    "Read on to learn how {title} is recognised and managed.",
    "Many people look up {title} when symptoms first appear.",
    "Here is what to know about {title} and when to see a doctor.",
)


@dataclass(frozen=True)
class Topic:
    """One MedlinePlus health topic, as read from the TSV."""

    id: str
    title: str
    aliases: tuple[str, ...]
    category: str
    url: str
    summary: str


def read_topics(path: Path) -> list[Topic]:
    """The topics of health-topics.tsv, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, dialect="excel-tab", quoting=csv.QUOTE_NONE))
    return [
        Topic(
            id=row["id"],
            title=row["title"].strip(),
            aliases=tuple(a.strip() for a in (row["also_called"] or "").split("|") if a.strip()),
            category=row["category"],
            url=row["url"],
            summary=row["summary"].strip(),
        )
        for row in rows
    ]


def split_sentences(text: str) -> list[str]:
    """A summary's sentences, in order."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def title_words(title: str) -> list[str]:
    """The content words of a title, lower-cased, for finding related topics."""
    return [w.lower() for w in TITLE_WORD.findall(title) if len(w) >= 4 and w.lower() not in STOP]


def related_topics(topics: Sequence[Topic]) -> list[tuple[int, ...]]:
    """For each topic, the topics sharing a title word, else its alphabetical neighbours in its group."""
    by_word: dict[str, list[int]] = {}
    for i, topic in enumerate(topics):
        for word in dict.fromkeys(title_words(topic.title)):
            by_word.setdefault(word, []).append(i)
    related: list[tuple[int, ...]] = []
    for i, topic in enumerate(topics):
        found = dict.fromkeys(j for w in dict.fromkeys(title_words(topic.title)) for j in by_word[w] if j != i)
        if len(found) < 3:
            same = [j for j in range(len(topics)) if j != i and topics[j].category == topic.category]
            near = sorted(same, key=lambda j: (abs(j - i), j))[:3]
            found.update(dict.fromkeys(near))
        related.append(tuple(found))
    return related


def _head(title: str) -> str:
    """The last word of a title: its head noun, usually."""
    words = title.split()
    return words[-1] if words else title


def variant_title(rng: random.Random, base: Topic, neighbour: Topic) -> tuple[str, str]:
    """A recombined title and the qualifier it used (empty for a combination with a neighbour)."""
    pattern = rng.randrange(5)
    prefix, suffix = rng.choice(PREFIXES), rng.choice(SUFFIXES)
    if pattern == 0:
        return f"{prefix} {base.title}", prefix
    if pattern == 1:
        return f"{base.title} {suffix}", suffix
    if pattern == 2:
        return f"{prefix} {base.title} {suffix}", prefix
    if pattern == 3:
        return f"{base.title} and {neighbour.title}", ""
    words = base.title.split()
    stem = " ".join(words[:-1]) if len(words) > 1 else base.title
    return f"{prefix} {stem} {_head(neighbour.title)}", prefix


def variant_aliases(rng: random.Random, base: Topic, neighbour: Topic, title: str, qualifier: str) -> list[str]:
    """Aliases for a variant: some of the base's, some qualified, one borrowed, maybe initials."""
    aliases = [a for a in base.aliases if rng.random() < 0.6]
    aliases = [f"{qualifier} {a}".strip() if qualifier and rng.random() < 0.5 else a for a in aliases]
    if neighbour.aliases and rng.random() < 0.5:
        aliases.append(rng.choice(neighbour.aliases))
    initials = "".join(w[0] for w in title.split() if w[:1].isalpha() and w[0].isupper())
    if len(initials) >= 3 and rng.random() < 0.3:
        aliases.append(initials)
    return list(dict.fromkeys(a for a in aliases if a.lower() != title.lower()))


def variant_body(rng: random.Random, title: str, base: list[str], neighbours: list[list[str]]) -> str:
    """An opening naming the variant, then base and related sentences, sampled and shuffled."""
    keep = max(1, round(len(base) * rng.uniform(0.5, 0.9))) if base else 0
    sentences = rng.sample(base, keep)
    for other in neighbours:
        if other:
            sentences += rng.sample(other, min(len(other), rng.randint(1, 3)))
    rng.shuffle(sentences)
    opening = rng.choice(OPENINGS).format(title=title)
    return " ".join([opening, *sentences])


def _row(id_: str, title: str, aliases: Sequence[str], category: str, url: str, body: str) -> dict[str, object]:
    return {"id": id_, "title": title, "also_called": list(aliases), "category": category, "url": url, "summary": body}


def generate(topics: Sequence[Topic], pages: int, seed: int) -> Iterator[dict[str, object]]:
    """`pages` rows: the real topics first, then seeded variants until the count is reached."""
    rng = random.Random(seed)
    for topic in topics[:pages]:
        yield _row(topic.id, topic.title, topic.aliases, topic.category, topic.url, topic.summary)
    if pages <= len(topics):
        return
    sentences = [split_sentences(t.summary) for t in topics]
    related = related_topics(topics)
    used = {t.title.lower() for t in topics}
    order = list(range(len(topics)))
    for number in range(pages - len(topics)):
        if number % len(topics) == 0:
            rng.shuffle(order)  # a new pass over the topics, in a new order
        b = order[number % len(topics)]
        base = topics[b]
        picks = rng.sample(related[b], min(len(related[b]), rng.randint(2, 3))) if related[b] else []
        neighbour = topics[picks[0]] if picks else base
        for _ in range(MAX_TITLE_TRIES):
            title, qualifier = variant_title(rng, base, neighbour)
            if title.lower() not in used:
                break
            neighbour = topics[rng.choice(related[b])] if related[b] else base
        else:
            qualifier = ""
            title = f"{base.title} (Variant {number + 1})"
        used.add(title.lower())
        yield _row(
            str(FIRST_VARIANT_ID + number),
            title,
            variant_aliases(rng, base, neighbour, title, qualifier),
            base.category,
            "",
            variant_body(rng, title, sentences[b], [sentences[j] for j in picks]),
        )


def write_jsonl(rows: Iterator[dict[str, object]], out: Path) -> int:
    """Write rows as JSON Lines; returns how many were written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, generate, write."""
    parser = argparse.ArgumentParser(description="Write a deterministic corpus of N pages made from MedlinePlus.")
    parser.add_argument("--pages", type=int, required=True, help="number of pages (rows) to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl file")
    parser.add_argument("--topics", type=Path, default=MEDLINEPLUS, help="MedlinePlus health-topics.tsv")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error(f"--pages must be at least 1 (got {args.pages})")
    if not args.topics.is_file():
        parser.error(f"--topics {str(args.topics)!r} does not exist; pass the MedlinePlus health-topics.tsv")
    count = write_jsonl(generate(read_topics(args.topics), args.pages, args.seed), args.out)
    print(f"{count} pages -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
