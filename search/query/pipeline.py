"""The Searcher: opens an index generation and runs a query through every stage."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import Index

from search.errors import IndexError_, IndexMissingError
from search.indexing.store import VOCABULARY, current_generation, generation_dirs, read_manifest, verify_files
from search.lexicon import Lexicon, load_lexicon
from search.pages import Page, page_from_dict
from search.query import confidence as conf
from search.query.correct import Corrector, build_corrector
from search.query.expand import Plan, plan
from search.query.parse import MAX_CHARS, ParsedQuery, parse
from search.query.rerank import phrase_scores
from search.query.results import Hit, Matched, SearchResult
from search.query.retrieve import (
    K1,
    LONG_FIELD_WEIGHTS,
    Alt,
    FieldStats,
    matched_fields,
    score_clauses,
    top_k,
)
from search.query.snippet import Sentences, sentences, snippet
from search.query.suggest import SuggestIndex, Suggestion, build_suggest_index, suggest
from search.safety import SafetyRules, load_rules, notice
from search.settings import Settings

CANDIDATES = 40
WARM_UP_PAGES = 3
SUGGEST_FALLBACK_BELOW = 3
MIN_RELATIVE_SCORE = 0.15
PHRASE_WEIGHT = 0.6
LONG_PHRASE_WEIGHT = 0.25
LONG_PHRASE_CANDIDATES = 12
RELOAD_CHECK_SECONDS = 1.0
REFUSED_RETRY_SECONDS = 30.0
log = logging.getLogger(__name__)


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
    suggestions: SuggestIndex
    ambiguous: frozenset[str]
    by_slug: dict[str, int]
    # Snippet sentences with their stems, computed the first time a page is shown (bounded).
    sentence_cache: dict[int, Sentences] = field(default_factory=dict, compare=False, repr=False)


def ambiguous_abbreviations(pages: list[Page], lowercase: set[str]) -> frozenset[str]:
    """All-caps aliases that are also everyday words in the prose ("SAD" / "sad"): case-sensitive."""
    return frozenset(
        alias.lower()
        for page in pages
        for alias in page.aliases
        if alias.isupper() and alias.isalpha() and alias.lower() in lowercase
    )


def open_snapshot(generation: Path, lexicon_dir: Path) -> Snapshot:
    """Open and check one generation, and build its query-time structures."""
    manifest = read_manifest(generation)
    verify_files(generation, manifest)
    try:
        ix = whoosh_index.open_dir(str(generation))
        reader = ix.reader()
        docnums: list[int] = []
        pages: list[Page] = []
        for docnum, stored in reader.iter_docs():
            docnums.append(docnum)
            pages.append(page_from_dict(json.loads(stored["page"])))
        vocabulary = json.loads((generation / VOCABULARY).read_text(encoding="utf-8"))
        stats = FieldStats(reader, docnums)
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
    counts: Counter[str] = Counter(vocabulary["counts"])
    ambiguous = ambiguous_abbreviations(pages, set(vocabulary["lowercase"]))
    lexicon = load_lexicon(lexicon_dir, pages, ambiguous)
    for word in lexicon.words:
        counts[word] += 1
    phrases = tuple(tuple(x for x in (p.title, *p.search_phrases, *p.aliases, *p.symptoms) if x) for p in pages)
    return Snapshot(
        generation=generation.name,
        index=ix,
        stats=stats,
        pages=tuple(pages),
        phrases=tuple(tuple(s.lower() for s in group) for group in phrases),
        corrector=build_corrector(counts),
        lexicon=lexicon,
        suggestions=build_suggest_index(pages),
        ambiguous=ambiguous,
        by_slug={page.slug: doc for doc, page in enumerate(pages)},
    )


class Searcher:
    """Answers queries from the current generation, picking up new ones as they appear."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rules: SafetyRules = load_rules(settings.safety_file)
        self._lock = threading.Lock()
        self._checked = 0.0
        self._snapshot: Snapshot | None = None
        self._refused: dict[str, float] = {}  # generation -> when it was refused
        self._loading = False
        self.reload()

    @property
    def snapshot(self) -> Snapshot:
        """The generation in use; a newer one is opened in the background, never on a request."""
        now = time.monotonic()
        if now - self._checked > RELOAD_CHECK_SECONDS:
            self._checked = now
            self._reload_in_background()
        assert self._snapshot is not None
        return self._snapshot

    @property
    def generation(self) -> str:
        """The name of the generation in use."""
        return self.snapshot.generation

    def _warm_up(self, snap: Snapshot) -> None:
        """Answer a few queries on a new generation before it serves: the first user pays nothing."""
        for page in snap.pages[:WARM_UP_PAGES]:
            title = page.title
            self._search(snap, title, 10, 0)
            self._search(snap, title[:-1] + title[-1:] * 2, 10, 0)  # a typo: the correction path

    def _wanted(self) -> Path | None:
        """The current generation when it is new to this searcher and not recently refused."""
        generation = current_generation(self.settings.index_dir)
        if generation is None or (self._snapshot is not None and self._snapshot.generation == generation.name):
            return None
        refused_at = self._refused.get(generation.name)
        if refused_at is not None and time.monotonic() - refused_at < REFUSED_RETRY_SECONDS:
            return None
        return generation

    def _reload_in_background(self) -> None:
        if self._loading or self._wanted() is None:
            return
        self._loading = True

        def load() -> None:
            try:
                self.reload()
            except Exception:  # reload logs refusals; nothing may escape a background thread
                log.exception("background reload failed")
            finally:
                self._loading = False

        threading.Thread(target=load, name="condsearch-reload", daemon=True).start()

    def reload(self) -> bool:
        """Open the current generation if it is new; True when it switched.

        A generation that cannot be opened is refused with a logged error (and tried again later):
        the one in use keeps serving, and at start the newest readable older generation is used.
        """
        index_dir = self.settings.index_dir
        if current_generation(index_dir) is None and self._snapshot is None:
            raise IndexMissingError(f"no index in {str(index_dir)!r}; run `condsearch index` first")
        with self._lock:
            generation = self._wanted()
            if generation is None:
                return False
            try:
                fresh = open_snapshot(generation, self.settings.lexicon_dir)
                self._warm_up(fresh)
                self._snapshot = fresh
                self._refused.pop(generation.name, None)
                return True
            except IndexError_ as exc:
                self._refused[generation.name] = time.monotonic()
                log.error("refused index generation %s: %s", generation.name, exc)
                if self._snapshot is not None:
                    return False
                for older in reversed(generation_dirs(index_dir)):
                    if older.name == generation.name:
                        continue
                    try:
                        self._snapshot = open_snapshot(older, self.settings.lexicon_dir)
                        log.warning("serving older index generation %s", older.name)
                        return True
                    except IndexError_:
                        continue
                raise

    def suggest(self, raw: str, limit: int = 8) -> list[Suggestion]:
        """As-you-type completions for a prefix."""
        snap = self.snapshot
        found = suggest(snap.suggestions, snap.corrector, raw[:MAX_CHARS], limit)
        if len(found) < min(limit, SUGGEST_FALLBACK_BELOW):
            # Few completions ("ptsd flashb": no one entry holds both words): offer the titles
            # BM25F ranks best. Scores only: no phrase stage, snippets or confidence per keystroke.
            query = parse(raw)
            the_plan = plan(
                query, snap.corrector, snap.stats.vocabulary, snap.lexicon, snap.stats.term_idf, snap.ambiguous
            )
            scores = _scores(snap, the_plan, query)
            docs = top_k(scores, limit)
            have = {(s.slug, s.kind) for s in found}
            for doc in docs:
                page = snap.pages[doc]
                if (page.slug, "title") not in have and len(found) < limit and scores[doc] >= 0.5 * scores[docs[0]]:
                    found.append(Suggestion(page.title, page.slug, page.title, "title"))
        return found

    def page(self, slug: str) -> Page | None:
        """A page of the current generation by slug."""
        snap = self.snapshot
        doc = snap.by_slug.get(slug)
        return snap.pages[doc] if doc is not None else None

    def pages(self) -> tuple[Page, ...]:
        """Every page of the current generation."""
        return self.snapshot.pages

    def search(self, raw: str, limit: int = 10, offset: int = 0) -> SearchResult:
        """Rank pages for a query; never raises on odd input."""
        return self._search(self.snapshot, raw, limit, offset)

    def _search(self, snap: Snapshot, raw: str, limit: int, offset: int) -> SearchResult:
        started = time.perf_counter()
        query = parse(raw)
        safety = notice(raw, self.rules, self.settings.crisis_message, self.settings.crisis_lines)
        the_plan = plan(query, snap.corrector, snap.stats.vocabulary, snap.lexicon, snap.stats.term_idf, snap.ambiguous)
        scores = _scores(snap, the_plan, query)
        ranked = ranked_for(snap, the_plan, query, scores, offset + limit)
        total = int(np.count_nonzero(scores > 0))
        ideal = ideal_score(snap, the_plan)  # depends on the query only: once, not once per hit
        window = range(offset, min(offset + limit, len(ranked)))
        hits = tuple(_hit(snap, the_plan, ranked, i, ideal) for i in window)
        top_conf = conf.confidence(features(snap, the_plan, ranked, 0, ideal)) if ranked else 0.0
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


Ranked = list[tuple[int, float, float, str, float]]  # (doc, final, phrase score, phrase, raw BM25F)


def _scores(snap: Snapshot, the_plan: Plan, query: ParsedQuery) -> np.ndarray:
    """BM25F of every document, the long tail that only weak synonyms reach cut off."""
    if query.long:
        scores = score_clauses(snap.stats, the_plan.clauses, LONG_FIELD_WEIGHTS)
    else:
        scores = score_clauses(snap.stats, the_plan.clauses)
    if scores.size and scores.max() > 0:
        scores = np.where(scores >= MIN_RELATIVE_SCORE * scores.max(), scores, 0.0)
    return scores


def ranked_for(
    snap: Snapshot, the_plan: Plan, query: ParsedQuery, scores: np.ndarray | None = None, depth: int = 10
) -> Ranked:
    """Candidates ranked by BM25F plus the phrase stage."""
    if scores is None:
        scores = _scores(snap, the_plan, query)
    candidates = top_k(scores, max(CANDIDATES, depth))
    return _rerank(snap, the_plan, scores, candidates, query.long)


def _rerank(snap: Snapshot, the_plan: Plan, scores: np.ndarray, candidates: list[int], long: bool) -> Ranked:
    """Add the phrase stage to normalised BM25F and order candidates by the sum."""
    if not candidates:
        return []
    top = float(scores[candidates[0]])
    weight = LONG_PHRASE_WEIGHT if long else PHRASE_WEIGHT
    if long:
        # A description is compared with phrases only to break near-ties among the best few.
        candidates = candidates[:LONG_PHRASE_CANDIDATES]
    phrases = phrase_scores(the_plan.phrase_texts, [snap.phrases[d] for d in candidates])
    rows = [
        (doc, float(scores[doc]) / top + weight * sim * sim, sim, which, float(scores[doc]))
        for doc, (sim, which) in zip(candidates, phrases, strict=True)
    ]
    rows.sort(key=lambda r: -r[1])
    return rows


def features(snap: Snapshot, the_plan: Plan, ranked: Ranked, i: int, ideal: float | None = None) -> conf.Features:
    """Confidence features of the i-th ranked hit (`ideal`: ideal_score of the plan, if known)."""
    doc, _, phrase, _, raw = ranked[i]
    ideal = ideal if ideal is not None else ideal_score(snap, the_plan)
    # The lead over the best other hit, against what a full match would score: a lone weak
    # match has a small lead, not a perfect one; every hit below the first has none.
    other = max((r[4] for j, r in enumerate(ranked) if j != i), default=0.0)
    clauses = the_plan.clauses
    hit_clauses = [c for c in clauses if any(_alt_hit(snap, a, doc) for a in c.alts)]
    typed = [c for c in hit_clauses if any(a.origin == "typed" and _alt_hit(snap, a, doc) for a in c.alts)]
    return conf.Features(
        # Words nothing could stand for ("tennis") count against coverage.
        coverage=len(hit_clauses) / (len(clauses) + len(the_plan.unusable)) if clauses else 0.0,
        margin=min(1.0, max(0.0, (raw - other) / ideal)),
        phrase=phrase,
        exact=len(typed) / len(hit_clauses) if hit_clauses else 0.0,
        strength=min(1.0, raw / ideal) if clauses else 0.0,
    )


def ideal_score(snap: Snapshot, the_plan: Plan) -> float:
    """The score of a page matching every clause at saturation: what `strength` is measured against."""
    total = 0.0
    for clause in the_plan.clauses:
        best = 0.0
        for alt in clause.alts:
            idfs = [snap.stats.term_idf(t) or 0.0 for t in alt.terms]
            idf = sum(min(x, alt.idf_cap) if alt.idf_cap is not None else x for x in idfs) / len(alt.terms)
            best = max(best, alt.weight * idf * (K1 + 1.0))
        total += best
    return total or 1.0


def _alt_hit(snap: Snapshot, alt: Alt, doc: int) -> bool:
    return any(snap.stats.contains(t, doc) for t in alt.terms)


def _hit(snap: Snapshot, the_plan: Plan, ranked: Ranked, i: int, ideal: float) -> Hit:
    doc, final, phrase_score, phrase, _ = ranked[i]
    page = snap.pages[doc]
    used = [a for c in the_plan.clauses for a in c.alts if _alt_hit(snap, a, doc)]
    terms = sorted({t for a in used for t in a.terms})
    return Hit(
        slug=page.slug,
        title=page.title,
        url=page.url or f"/conditions/{page.slug}",
        summary=page.summary,
        icd11=page.icd11,
        snippet=snippet(page.summary, _sentences(snap, doc), terms),
        score=round(final, 4),
        confidence=round(conf.confidence(features(snap, the_plan, ranked, i, ideal)), 3),
        matched=Matched(
            fields=matched_fields(snap.stats, doc, terms),
            phrase=phrase,
            phrase_score=round(phrase_score, 3),
            corrections=tuple(dict.fromkeys(a.label for a in used if a.origin in ("corrected", "joined"))),
            synonyms=tuple(dict.fromkeys(a.label for a in used if a.origin == "synonym")),
            completions=tuple(dict.fromkeys(a.label for a in used if a.origin == "prefix")),
        ),
    )


SENTENCE_CACHE = 4096


def _sentences(snap: Snapshot, doc: int) -> Sentences:
    """A page's snippet sentences, from the snapshot's bounded cache."""
    cached = snap.sentence_cache.get(doc)
    if cached is None:
        if len(snap.sentence_cache) >= SENTENCE_CACHE:
            snap.sentence_cache.clear()  # simple and bounded: a busy corpus refills what it shows
        cached = snap.sentence_cache[doc] = sentences(snap.pages[doc])
    return cached


def _did_you_mean(the_plan: Plan, hits: tuple[Hit, ...]) -> str | None:
    """The corrected query, when a correction is what found the top hit."""
    if not the_plan.corrections or not hits or not hits[0].matched.corrections:
        return None
    return the_plan.corrected_text
