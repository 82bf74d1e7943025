"""Replay a scripted log of searches through the real pipeline and analytics sink; print the unmatched groups.

    python scripts/replay_analytics.py --index-dir /tmp/clinic/index \
        --url sqlite:////tmp/replay.db --url postgresql+psycopg://postgres@127.0.0.1:5433/replay

The log is made here, deterministically: 10,000 searches over ten days, most of them for pages the clinic has,
some for topics it lacks, with typos, word-order variants, texts in other scripts or only symbols, and e-mails,
phone numbers, URLs, dates and card or insurance numbers inside some queries. A share of the matched searches
click a result, mostly the first. Each distinct text is searched once by the real Searcher (the pipeline is
deterministic) and every log line is recorded as its own event, with its own query id and scripted time, through
the real AnalyticsSink (bounded queue, worker thread, batches) into each database. Prints JSON figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import make_url

from search.analytics import reports
from search.analytics.formats import report_dict
from search.analytics.service import cached_corrector, nearest_for
from search.analytics.sink import AnalyticsSink, SinkOptions
from search.analytics.store import Store, open_engine
from search.query.results import SearchResult
from search.query.searcher import Searcher
from search.settings import Settings

START = datetime(2026, 1, 5, 8, 0)
DAYS = 10
K = 3

# Topics the 29 clinic pages lack: every text here is unmatched. Group phrase -> (text typed, times).
UNMATCHED: dict[str, tuple[tuple[str, int], ...]] = {
    "vertigo": (
        ("vertigo", 150),
        ("Vertigo", 40),
        ("vertgo", 12),
        ("vertigo?", 2),
        ("vertigo www.forum.example/t?id=42", 3),
    ),
    "ringing ears": (
        ("ringing ears", 90),
        ("ears ringing", 45),
        ("ringing eers", 9),
        ("ringin ears", 4),
        ("ringing ears https://example.com/?u=jane", 3),
        ("ringing ears 07700 900123", 2),
    ),
    "acid reflux": (("acid reflux", 110), ("reflux acid", 20), ("acid reflux ph 020 7946 0958", 6)),
    "heartburn": (("heartburn", 80), ("hartburn", 11), ("heartburn email me bob.jones@mail.org", 4)),
    "eczema": (("eczema", 95), ("ecezma", 14), ("exzema", 8)),
    "psoriasis": (("psoriasis", 70), ("psoraisis", 6), ("psoriasis insurance id 123456789", 5)),
    "dementia": (("dementia", 60), ("dementai", 7), ("demensia", 5)),
    "measles": (("measles", 50), ("meesles", 4), ("measles my email is jane.doe@example.com", 7)),
    "plantar fasciitis": (("plantar fasciitis", 40), ("fasciitis plantar", 6), ("plantar fascitis", 9)),
    "sunburn": (("sunburn", 35), ("sunbrun", 3)),
    "dandruff": (("dandruff", 25), ("dandruf", 4)),
    "hiccups": (("hiccups", 20), ("hicups", 5)),
    "jet lag": (("jet lag", 15), ("jetlag", 4)),
    "appendicitis": (("appendicitis", 8), ("appendicits", 1)),
    "earwax": (("earwax", 6),),
    # These find pages, but below the unmatched threshold: the nearest page is named.
    "knee replacement": (("knee replacement", 30), ("replacement knee", 8)),
    "cold sore": (("cold sore", 20), ("cold sores", 6)),
}
# Texts the analyzer reads no word of: grouped by script, never into one group with everything else.
# Label -> (text typed, times).
WORDLESS: dict[str, tuple[tuple[str, int], ...]] = {
    "Cyrillic text (8)": (("головная боль", 5), ("болит ухо", 3)),
    "Chinese/Japanese/Korean text (6)": (("头痛", 4), ("頭痛がする", 2)),
    "symbols only (4)": (("???", 3), ("!!", 1)),
}
# Below k: counted, never shown.
RARE: tuple[tuple[str, int], ...] = (("tonsillitis", 2), ("gallstones", 1), ("acne", 1))

# Pages the clinic has, some with personal details typed in; they fill the rest of the log.
MATCHED: tuple[tuple[str, int], ...] = (
    ("nueropathy pain", 6),
    ("neuropathy pain", 8),
    ("pain neuropathy", 3),
    ("burning nerve pain", 10),
    ("migraine", 12),
    ("fibromyalgia", 6),
    ("insomnia", 8),
    ("panic attacks", 6),
    ("ptsd", 5),
    ("postpartum depression", 5),
    ("pins and needles in feet", 4),
    ("cluster headache", 3),
    ("fibromyalgia call 555-867-5309", 1),
    ("ptsd card 4111 1111 1111 1111", 1),
    ("insomnia dob 12/03/1985", 1),
    ("migraine call me +1 (415) 555-0199", 1),
    ("insomnia email sam.lee@example.net", 1),
    ("depression my ssn 123-45-6789", 1),
    ("low back pain born on March 12, 1985", 1),
    ("migraine https://forum.example.com/t?id=42&user=jane", 1),
)

# Round two of hostile details, each typed once (rarer than k: never shown, and never stored as typed):
# names, addresses, postcodes, obfuscated e-mails, record numbers, partial birth dates, English and Spanish.
HOSTILE: tuple[str, ...] = (
    "my name is Rosa Quintero and I have migraines",
    "I am Dmitri Volkov, panic attacks at night",
    "me llamo Lucia Fernandez y tengo insomnio",
    "fibromyalgia 742 Evergreen Terrace",
    "calle Alcala 48 dolor de espalda",
    "ptsd clinic near SW1A 1AA",
    "insomnia write to rosa at clinicmail dot org",
    "migraine rosa(at)clinicmail.org",
    "panic attacks mrn QX48213",
    "expediente AB7731 migraña",
    "insomnia birthday 3/14",
    "nací el 9 de octubre insomnio",
)

# What must never reach the database, whatever its table or column.
SECRETS = (
    "jane.doe",
    "example.com",
    "bob.jones",
    "mail.org",
    "sam.lee",
    "example.net",
    "forum.example",
    "user=jane",
    "u=jane",
    "07700 900123",
    "07700900123",
    "020 7946 0958",
    "02079460958",
    "867-5309",
    "8675309",
    "4111 1111 1111 1111",
    "4111111111111111",
    "123456789",
    "123-45-6789",
    "(415) 555-0199",
    "4155550199",
    "12/03/1985",
    "march 12, 1985",
    "rosa quintero",
    "quintero",
    "dmitri",
    "volkov",
    "lucia fernandez",
    "fernandez",
    "742 evergreen",
    "evergreen terrace",
    "alcala 48",
    "sw1a 1aa",
    "clinicmail",
    "qx48213",
    "ab7731",
    "3/14",
    "9 de octubre",
)


def make_log(total: int = 10_000, seed: int = 7, start: datetime = START) -> list[tuple[datetime, str]]:
    """The scripted log from `start`: the unmatched, wordless and rare texts exactly as often as listed, matched
    texts filling the rest."""
    texts = [t for variants in UNMATCHED.values() for t, n in variants for _ in range(n)]
    texts += [t for variants in WORDLESS.values() for t, n in variants for _ in range(n)]
    texts += [t for t, n in RARE for _ in range(n)]
    texts += list(HOSTILE)
    if total < len(texts):
        raise SystemExit(f"--events must be at least {len(texts)} (the unmatched part of the log)")
    rng = random.Random(seed)
    weights = [n for _, n in MATCHED]
    texts += rng.choices([t for t, _ in MATCHED], weights=weights, k=total - len(texts))
    rng.shuffle(texts)
    step = timedelta(days=DAYS) / total
    return [(start + i * step, text) for i, text in enumerate(texts)]


def expected_groups() -> dict[str, int]:
    """Label -> searches, for every group of at least k."""
    groups = {label: sum(n for _, n in variants) for label, variants in UNMATCHED.items()}
    return groups | {label: sum(n for _, n in variants) for label, variants in WORDLESS.items()}


@dataclass
class Clock:
    """The scripted time the sinks stamp events with."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Run:
    """One database's replay: its sink, store and timing."""

    name: str
    store: Store
    sink: AnalyticsSink
    dropped: Counter


def open_runs(urls: Sequence[str], searcher: Searcher, clock: Clock, queue_size: int) -> list[Run]:
    """A store (migrated, emptied) and a sink per URL."""
    runs = []
    for url in urls:
        store = Store(open_engine(make_url(url)))
        store.migrate()
        store.purge(datetime(9999, 1, 1), 1)  # a replay starts from an empty store
        dropped = Counter("dropped", "dropped", ["reason"], registry=CollectorRegistry())
        sink = AnalyticsSink(
            store,
            SinkOptions(queue_size=queue_size, batch_size=500, flush_seconds=0.2, retention_days=3650),
            dropped,
            correct=cached_corrector(searcher),
            known_slug=lambda slug: searcher.page(slug) is not None,
            clock=clock,
        )
        runs.append(Run(make_url(url).get_backend_name(), store, sink, dropped))
    return runs


def replay(searcher: Searcher, urls: Sequence[str], log: Sequence[tuple[datetime, str]]) -> dict[str, Any]:
    """Search, record and click through the log into every database; the figures and groups per database."""
    clock = Clock()
    rng = random.Random(11)
    started = time.perf_counter()
    search: Callable[[str], SearchResult] = _memo(searcher)
    runs = open_runs(urls, searcher, clock, queue_size=2 * len(log) + 100)
    search_seconds = 0.0
    for at, text in log:
        clock.now = at
        t0 = time.perf_counter()
        result = search(text)
        search_seconds += time.perf_counter() - t0
        query_id = uuid.uuid4().hex
        clicked = result.hits and not result.unmatched and rng.random() < 0.4
        # Mostly the first result, sometimes one further down: the clicks report shows positions.
        position = min(rng.choices((1, 2, 3), weights=(7, 2, 1))[0], len(result.hits))
        for run in runs:
            run.sink.search(query_id, result)
            if clicked:
                run.sink.click(query_id, result.hits[position - 1].slug, position)
    recorded = time.perf_counter()
    out: dict[str, Any] = {"events": len(log), "distinct_texts": len({t for _, t in log})}
    out["search_seconds"] = round(search_seconds, 2)
    for run in runs:
        run.sink.close()
    flushed = time.perf_counter()
    settings = searcher.settings
    for run in runs:
        run.store.engine.dispose()
        report = reports.unmatched(run.store, log[0][0], K, nearest_for(settings, searcher), limit=100)
        out[run.name] = {
            "written": run.sink.written,
            "dropped": sum(s.value for m in run.dropped.collect() for s in m.samples if s.name.endswith("_total")),
            "groups": {g.group.label: g.group.searches for g in report.groups},
            "hidden_groups": report.hidden_groups,
            "hidden_searches": report.hidden_searches,
            "report": report_dict(report)["groups"],
        }
    out["record_seconds"] = round(recorded - started, 2)
    out["flush_after_last_event_seconds"] = round(flushed - recorded, 2)
    out["total_seconds"] = round(flushed - started, 2)
    written = sum(run.sink.written for run in runs)
    out["events_per_second_flushed"] = round(written / max(flushed - started, 1e-9))
    for run in runs:
        run.store.close()
    return out


def _memo(searcher: Searcher) -> Callable[[str], SearchResult]:
    seen: dict[str, SearchResult] = {}

    def search(text: str) -> SearchResult:
        if text not in seen:
            seen[text] = searcher.search(text, limit=10)
        return seen[text]

    return search


def main(argv: Sequence[str] | None = None) -> int:
    """Replay and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True, help="a clinic index (condsearch index --index-dir DIR)")
    parser.add_argument("--url", action="append", required=True, help="SQLAlchemy URL; repeat for several")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--full", action="store_true", help="print every group's report, not just the counts")
    args = parser.parse_args(argv)
    searcher = Searcher(Settings(index_dir=Path(args.index_dir)))
    out = replay(searcher, args.url, make_log(args.events))
    if not args.full:
        for value in out.values():
            if isinstance(value, dict):
                value.pop("report", None)
    json.dump(out, sys.stdout, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
