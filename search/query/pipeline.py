"""The Searcher: opens an index generation and runs a query through every stage."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import Index

from search.errors import IndexError_, IndexMissingError
from search.indexing.store import VOCABULARY, current_generation, read_manifest
from search.lexicon import Lexicon, load_lexicon
from search.pages import Page, page_from_dict
from search.query import confidence as conf
from search.query.correct import Corrector, build_corrector
from search.query.expand import Plan, plan
from search.query.parse import parse
from search.query.rerank import best_phrase
from search.query.results import Hit, Matched, SearchResult
from search.query.retrieve import FieldStats, matched_fields, score_clauses, top_k
from search.query.snippet import snippet
from search.safety import SafetyRules, load_rules, notice
from search.settings import Settings

CANDIDATES = 40
PHRASE_WEIGHT = 0.6
LONG_PHRASE_WEIGHT = 0.25
RELOAD_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Snapshot:
    """Everything one index generation needs to answer queries; swapped whole on reload."""

    generation: str
    index: Index
    stats: FieldStats
    pages: tuple[Page, ...]
    phrases: tuple[tuple[str, ...], ...]
    corrector: Corrector
    lexicon: Lexicon


def open_snapshot(generation: Path, lexicon_dir: Path) -> Snapshot:
    """Open and check one generation, and build its query-time structures."""
    manifest = read_manifest(generation)
    try:
        ix = whoosh_index.open_dir(str(generation))
        reader = ix.reader()
        docnums: list[int] = []
        pages: list[Page] = []
        for docnum, stored in reader.iter_docs():
            docnums.append(docnum)
            pages.append(page_from_dict(json.loads(stored["page"])))
    except Exception as exc:  # whoosh raises many types for a damaged generation
        raise IndexError_(
            f"index generation {str(generation)!r} cannot be read ({type(exc).__name__}: {exc}); "
            "run `condsearch index` to rebuild it"
        ) from None
    if len(pages) != len(manifest["pages"]):
        raise IndexError_(
            f"index generation {str(generation)!r} holds {len(pages)} pages but its manifest lists "
            f"{len(manifest['pages'])}; run `condsearch index` to rebuild it"
        )
    lexicon = load_lexicon(lexicon_dir, pages)
    counts: Counter[str] = Counter(json.loads((generation / VOCABULARY).read_text(encoding="utf-8")))
    for word in lexicon.words:
        counts[word] += 1
    phrases = tuple(
        tuple(x for x in (p.title, *p.search_phrases, *p.aliases, *p.symptoms) if x) for p in pages
    )
    return Snapshot(
        generation=generation.name,
        index=ix,
        stats=FieldStats(reader, docnums),
        pages=tuple(pages),
        phrases=tuple(tuple(s.lower() for s in group) for group in phrases),
        corrector=build_corrector(counts),
        lexicon=lexicon,
    )


class Searcher:
    """Answers queries from the current generation, picking up new ones as they appear."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rules: SafetyRules = load_rules(settings.safety_file)
        self._lock = threading.Lock()
        self._checked = 0.0
        self._snapshot: Snapshot | None = None
        self.reload()

    @property
    def snapshot(self) -> Snapshot:
        """The generation in use, after a cheap check for a newer one."""
        now = time.monotonic()
        if now - self._checked > RELOAD_CHECK_SECONDS:
            self._checked = now
            try:
                self.reload()
            except IndexError_:
                pass  # a broken new generation is refused; the one in use keeps serving
        assert self._snapshot is not None
        return self._snapshot

    def reload(self) -> bool:
        """Open the current generation if it is not the one in use; True when it switched."""
        generation = current_generation(self.settings.index_dir)
        if generation is None:
            if self._snapshot is None:
                raise IndexMissingError(
                    f"no index in {str(self.settings.index_dir)!r}; run `condsearch index` first"
                )
            return False
        if self._snapshot is not None and self._snapshot.generation == generation.name:
            return False
        with self._lock:
            if self._snapshot is not None and self._snapshot.generation == generation.name:
                return False
            self._snapshot = open_snapshot(generation, self.settings.lexicon_dir)
        return True

    def search(self, raw: str, limit: int = 10, offset: int = 0) -> SearchResult:
        """Rank pages for a query; never raises on odd input."""
        started = time.perf_counter()
        snap = self.snapshot
        query = parse(raw)
        safety = notice(raw, self.rules, self.settings.crisis_message, self.settings.crisis_lines)
        the_plan = plan(query, snap.corrector, snap.stats.vocabulary, snap.lexicon)
        scores = score_clauses(snap.stats, the_plan.clauses)
        candidates = top_k(scores, max(CANDIDATES, offset + limit))
        ranked = _rerank(snap, the_plan, scores, candidates, query.long)
        total = int(np.count_nonzero(scores > 0))
        hits = tuple(
            _hit(snap, the_plan, doc, final, feats)
            for doc, final, feats in ranked[offset : offset + limit]
        )
        top_conf = hits[0].confidence if hits and offset == 0 else (ranked[0][2] if ranked else 0.0)
        top_conf = conf.confidence(ranked[0][2]) if ranked else 0.0
        corrected = _did_you_mean(the_plan, hits)
        return SearchResult(
            query=raw,
            corrected_query=corrected,
            total=total,
            hits=hits,
            took_ms=(time.perf_counter() - started) * 1000.0,
            safety=safety,
            unmatched=top_conf < self.settings.unmatched_threshold,
            generation=snap.generation,
        )


def _rerank(
    snap: Snapshot, the_plan: Plan, scores: np.ndarray, candidates: list[int], long: bool
) -> list[tuple[int, float, conf.Features]]:
    """Add the phrase stage to normalised BM25F and order candidates by the sum."""
    if not candidates:
        return []
    top = float(scores[candidates[0]])
    weight = LONG_PHRASE_WEIGHT if long else PHRASE_WEIGHT
    rows = []
    for doc in candidates:
        phrase, _ = best_phrase(the_plan.phrase_texts, snap.phrases[doc])
        rows.append((doc, float(scores[doc]) / top + weight * phrase * phrase, phrase))
    rows.sort(key=lambda r: -r[1])
    out = []
    clauses = the_plan.clauses
    for i, (doc, final, phrase) in enumerate(rows):
        nxt = rows[i + 1][1] if i + 1 < len(rows) else 0.0
        hit_clauses = [c for c in clauses if _clause_hit(snap, c, doc)]
        typed = [c for c in hit_clauses if any(a.origin == "typed" and _alt_hit(snap, a, doc) for a in c.alts)]
        feats = conf.Features(
            coverage=len(hit_clauses) / len(clauses) if clauses else 0.0,
            margin=max(0.0, (final - nxt) / final) if final > 0 else 0.0,
            phrase=phrase,
            exact=len(typed) / len(hit_clauses) if hit_clauses else 0.0,
        )
        out.append((doc, final, feats))
    return out


def _alt_hit(snap: Snapshot, alt: object, doc: int) -> bool:
    terms = getattr(alt, "terms", ())
    return any(matched_fields(snap.stats, doc, [t]) for t in terms)


def _clause_hit(snap: Snapshot, clause: object, doc: int) -> bool:
    return any(_alt_hit(snap, a, doc) for a in getattr(clause, "alts", ()))


def _hit(snap: Snapshot, the_plan: Plan, doc: int, final: float, feats: conf.Features) -> Hit:
    page = snap.pages[doc]
    used = [a for c in the_plan.clauses for a in c.alts if _alt_hit(snap, a, doc)]
    terms = sorted({t for a in used for t in a.terms})
    _, phrase = best_phrase(the_plan.phrase_texts, snap.phrases[doc])
    return Hit(
        slug=page.slug,
        title=page.title,
        url=page.url or f"/conditions/{page.slug}",
        summary=page.summary,
        icd11=page.icd11,
        snippet=snippet(page, terms),
        score=round(final, 4),
        confidence=round(conf.confidence(feats), 3),
        matched=Matched(
            fields=matched_fields(snap.stats, doc, terms),
            phrase=phrase,
            phrase_score=round(feats.phrase, 3),
            corrections=tuple(dict.fromkeys(a.label for a in used if a.origin in ("corrected", "joined"))),
            synonyms=tuple(dict.fromkeys(a.label for a in used if a.origin == "synonym")),
            completions=tuple(dict.fromkeys(a.label for a in used if a.origin == "prefix")),
        ),
    )


def _did_you_mean(the_plan: Plan, hits: tuple[Hit, ...]) -> str | None:
    """The corrected query, when a correction is what found the top hit."""
    if not the_plan.corrections or not hits or not hits[0].matched.corrections:
        return None
    return the_plan.corrected_text
