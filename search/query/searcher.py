"""The Searcher: runs a query through the stages, in order, against the generation in use.

parse -> correct -> expand -> retrieve -> rerank -> confidence -> explain. Serving, analytics,
the CLI, scripts/calibrate.py and the tests all go through `plan`, `explain` and `search` here,
so every caller sees the query plan production makes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from search.embedding import Encoder, Stamp, load_encoder
from search.errors import ConfigError
from search.pages import Page
from search.probe import VectorModel, load_vector_model
from search.query.confidence import (
    NAMING_MAX_ZIPF,
    NEUTRAL_MEANING,
    Features,
    bare_medicines,
    confidence,
    features,
    is_broad,
    query_evidence,
    shown_confidences,
)
from search.query.config import IntentRules, RankingConfig, load_config
from search.query.correct import correct
from search.query.elsewhere import load_elsewhere
from search.query.expand import Plan, expand
from search.query.explain import did_you_mean, hit
from search.query.intent import IntentModel, intent_weight, load_intent_model, reorder
from search.query.nearby import NEUTRAL_NEARBY, ScopeNeighbours, load_scope_neighbours
from search.query.negation import TRIGGERS, drop_negated, is_condition_name, negated_words
from search.query.parse import MAX_QUERY_CHARS, parse
from search.query.pin import demote, idiom_led, named_pages, pin
from search.query.precedent import Precedents, load_precedents
from search.query.reload import Generations
from search.query.rerank import Ranked, rerank
from search.query.results import SearchResult
from search.query.retrieve import Candidates, retrieve, top_k
from search.query.semantic import fuse, nearest, semantic_weight, similarities
from search.query.snapshot import Snapshot, open_snapshot
from search.query.suggest import Suggestion, suggest
from search.safety import SafetyNotice, SafetyRules, detect, load_rules, notice, notice_texts
from search.safety.classify import ClassifierMatch, CrisisClassifier, load_classifier
from search.safety.detect import Match
from search.safety.neighbours import CrisisNeighbours, load_neighbours
from search.settings import Settings

WARM_UP_PAGES = 3
BROAD_HINT = "These words are on most pages: add a symptom, a condition or a medicine to find the one that fits."


@dataclass(frozen=True)
class Explanation:
    """Every stage's output for one query: what the ranker saw and why it answered as it did."""

    safety: SafetyNotice | None
    plan: Plan
    candidates: Candidates
    ranked: Ranked  # after the semantic and intent stages and the crisis pin, as served
    features: tuple[Features, ...]  # per ranked hit (the first few, for a served page of results)
    confidences: tuple[float, ...]  # the model's, before the display cap of shown_confidences
    scope: float  # how sure the ranker is that any page answers the query
    scope_features: Features | None  # the lexical top hit's, before meaning reorders: what scope reads
    words_features: Features | None  # the same from the words alone (no medicine counted): what the gates read
    broad: bool  # only site-wide words matched
    kind: str  # SearchResult.kind
    semantic_weight: float  # the sentence vectors' share of the order (0: not encoded)


def _same_encoder(path: Path, fitted: Stamp, encoder: Encoder, script: str) -> None:
    """Refuse a model fitted on another encoder's vectors: they would mean nothing to it."""
    if fitted != encoder.stamp:
        raise ConfigError(
            f"{path}: fitted on vectors of {fitted.as_dict()}, not {encoder.stamp.as_dict()}; "
            f"run `python scripts/{script} --write`"
        )


class Searcher:
    """Answers queries from the current generation, picking up new ones as they appear."""

    def __init__(self, settings: Settings, config: RankingConfig | None = None) -> None:
        self.settings = settings
        self.config = config or load_config(settings.ranking_file)
        self.rules: SafetyRules = load_rules(settings.safety_file)
        self.elsewhere = load_elsewhere(settings.elsewhere_file)
        self.notices = notice_texts(settings)
        self.encoder: Encoder | None = load_encoder(settings.semantic_threads) if settings.semantic else None
        self.classifier: CrisisClassifier | None = None
        self.neighbours: CrisisNeighbours | None = None
        self.topic: VectorModel | None = None
        self.nearby: ScopeNeighbours | None = None
        self.intent: IntentModel | None = None
        self.precedents: Precedents | None = None
        if self.encoder is not None:
            if settings.crisis_classifier is not None:
                self.classifier = load_classifier(settings.crisis_classifier)
                _same_encoder(settings.crisis_classifier, self.classifier.stamp, self.encoder, "fit_crisis.py")
                if settings.crisis_neighbours is not None:
                    self.neighbours = load_neighbours(settings.crisis_neighbours)
                    _same_encoder(settings.crisis_neighbours, self.neighbours.stamp, self.encoder, "fit_crisis.py")
            if settings.topic_model is not None:
                fix = "run `python scripts/calibrate.py --write` to write it again"
                self.topic = load_vector_model(settings.topic_model, "topic model", fix)
                _same_encoder(settings.topic_model, self.topic.stamp, self.encoder, "calibrate.py")
            if settings.scope_neighbours is not None:
                self.nearby = load_scope_neighbours(settings.scope_neighbours)
                _same_encoder(settings.scope_neighbours, self.nearby.stamp, self.encoder, "calibrate.py")
            if settings.intent_model is not None:
                self.intent = load_intent_model(settings.intent_model)
                _same_encoder(settings.intent_model, self.intent.stamp, self.encoder, "fit_intent.py")
            if settings.precedents is not None:
                self.precedents = load_precedents(settings.precedents)
                _same_encoder(settings.precedents, self.precedents.stamp, self.encoder, "fit_precedents.py")
        self._generations = Generations(settings.index_dir, self._open)

    def _open(self, generation: Path) -> Snapshot:
        snap = open_snapshot(
            generation, self.settings.lexicon_dir, self.config, self.encoder.stamp if self.encoder else None
        )
        # Answer a few queries of every kind before it serves: the first user pays nothing.
        for page in snap.heads[:WARM_UP_PAGES]:
            self._search(snap, page.title, 10, 0)
            self._search(snap, page.title + page.title[-1:], 10, 0)  # a typo: the correction path
        story = " ".join(page.summary for page in snap.heads[:WARM_UP_PAGES])
        for text in (story, "me duelen los pies en la noche", "nuerop"):  # description, Spanish, typing typo
            self._search(snap, text, 10, 0)
        snap.corrector.warm()
        return snap

    @property
    def snapshot(self) -> Snapshot:
        """The generation in use."""
        return self._generations.current

    @property
    def generation(self) -> str:
        """The name of the generation in use."""
        return self.snapshot.generation

    def behind(self) -> str | None:
        """Why the newest generation is not serving (it was refused), or None when it is."""
        return self._generations.behind()

    def reload(self) -> bool:
        """Open the current generation now if it is new; True when it switched."""
        return self._generations.reload()

    def page(self, slug: str) -> Page | None:
        """A page of the current generation by slug."""
        snap = self.snapshot
        doc = snap.by_slug.get(slug)
        return snap.page(doc) if doc is not None else None

    def pages(self) -> tuple[Page, ...]:
        """Every page of the current generation without its prose (`page(slug)` gives a whole page)."""
        return self.snapshot.heads

    def plan(self, raw: str, snap: Snapshot | None = None) -> Plan:
        """What a query becomes before retrieval: parse, correct, expand."""
        snap = snap or self.snapshot
        cfg = self.config
        query = parse(raw, cfg.parse)
        bm25 = snap.bm25
        corrected = correct(query, snap.corrector, bm25.vocabulary, cfg.expand, snap.ambiguous, snap.bigrams)
        plan = expand(corrected, snap.lexicon, bm25.vocabulary, cfg.expand, bm25.term_idf)
        if TRIGGERS.isdisjoint(query.words):
            return plan
        names = is_condition_name(bm25, cfg.answer.broad_share, NAMING_MAX_ZIPF)
        return drop_negated(plan, negated_words(query.raw, names))

    def explain(self, raw: str, depth: int = 10) -> Explanation:
        """Every stage's output for a query, with each ranked hit's features and confidence."""
        return self._explain(self.snapshot, raw, depth, None)

    def _explain(self, snap: Snapshot, raw: str, depth: int, featured: int | None) -> Explanation:
        """The stages in order, as served; features for the first `featured` hits (None: all)."""
        cfg = self.config
        detection = detect(raw, self.rules)
        text = raw[:MAX_QUERY_CHARS]
        crisis: Match | ClassifierMatch | None = detection.crisis
        # The query's sentence vector, computed once and read by the crisis classifier, the topic
        # model and the semantic stage; a message the rules already flag needs none of them.
        vector = self.encoder.encode_one(text) if self.encoder is not None and crisis is None else None
        if vector is not None and detection.figure is None and self.classifier is not None:
            # The rules are silent: ask what the message means. A recognised figure of speech stays quiet.
            probability = self.classifier.probability(vector, text)
            # Nearly flagged, and far nearer a known crisis message than anything else: the wording of
            # another author's crisis messages, which one line through the vectors can miss.
            near = self.neighbours is not None and self.neighbours.flags(vector, probability)
            if probability >= self.classifier.threshold or near:
                crisis = ClassifierMatch(probability)
        safety = notice(raw, crisis, self.notices)
        topic = self.topic if self.topic is not None and self.topic.pages in ("", snap.digest) else None
        meaning = topic.probability(vector) if topic is not None and vector is not None else NEUTRAL_MEANING
        neighbours = self.nearby if self.nearby is not None and self.nearby.pages == snap.digest else None
        nearby = neighbours.reading(vector) if neighbours is not None and vector is not None else NEUTRAL_NEARBY
        plan = self.plan(raw, snap)
        candidates = retrieve(plan, snap.bm25, cfg.retrieve, depth)
        ranked = rerank(candidates, plan, snap.phrases, cfg.rerank)
        # No word matched a page ("mi esposo ya no disfruta nada"): meaning is the only answer left,
        # for a query the topic model reads as this site's subject.
        on_topic = topic is not None and meaning >= cfg.semantic.fallback_meaning
        if not ranked.hits and on_topic and vector is not None and snap.vectors is not None:
            ranked = nearest(vector, snap.vectors, max(depth, cfg.semantic.fallback_hits))
        evidence = query_evidence(snap.bm25, plan, cfg.answer.broad_share, meaning, self.elsewhere, nearby=nearby)
        # Scope is the lexical evidence that some page answers: it decides how far meaning may reorder.
        lexical_top = features(snap.bm25, ranked, 0, evidence) if ranked.hits else None
        # A medicine a page names says the query is about that page's subject ("ambien"): it counts
        # toward scope only; the semantic gate and the shown confidence read the words as before.
        scope_top = lexical_top
        medicines = snap.lexicon.medicines
        if lexical_top is not None and any(t in medicines for c in plan.clauses for a in c.alts for t in a.terms):
            # A bare medicine name is no sentence: the topic model cannot read it, so a low reading counts as neutral.
            bare = bare_medicines(snap.bm25, plan, medicines, cfg.answer.broad_share)
            read = max(meaning, NEUTRAL_MEANING) if bare else meaning
            in_scope = query_evidence(snap.bm25, plan, cfg.answer.broad_share, read, self.elsewhere, medicines, nearby)
            scope_top = features(snap.bm25, ranked, 0, in_scope, medicines)
        scope = confidence(scope_top, cfg.scope) if scope_top is not None else 0.0
        # Meaning reorders more as the words match less: the gate reads the word match alone.
        words_match = confidence(lexical_top, cfg.lexical_scope) if lexical_top is not None else 0.0
        weight = semantic_weight(words_match, cfg.semantic) if snap.vectors is not None and self.encoder else 0.0
        if weight > 0.0 and len(ranked) > 1:
            assert snap.vectors is not None and self.encoder is not None
            if vector is None:
                vector = self.encoder.encode_one(text)
            scaled = similarities(vector, snap.vectors, [h.doc for h in ranked.hits], snap.vector_sample)
            ranked = fuse(ranked, scaled, weight)
        else:
            weight = 0.0
        # What past queries with this meaning were after: only for the pages the model was fitted on.
        intent = self.intent if self.intent is not None and self.intent.pages == snap.digest else None
        # A weight of 0 (a word match this sure) leaves the order as it is: the vectors are not read.
        reordering = intent_weight(words_match, cfg.intent)
        if intent is not None and vector is not None and len(ranked) > 1 and reordering > 0.0:
            by_doc = intent.by_doc(vector, snap.by_slug, len(snap.heads))
            ranked = reorder(ranked, by_doc, reordering)
        # What the nearest past queries were after: one author's wording another's boundary misses.
        precedents = self.precedents if self.precedents is not None and self.precedents.pages == snap.digest else None
        rules = cfg.intent
        voting = intent_weight(
            words_match, IntentRules(rules.precedent_weight, rules.precedent_floor, rules.skip_scope)
        )
        if precedents is not None and vector is not None and len(ranked) > 1 and rules.precedent_k > 0 and voting > 0.0:
            votes = precedents.by_doc(vector, snap.by_slug, len(snap.heads), rules.precedent_k)
            ranked = reorder(ranked, votes, voting)
        crisis_doc = snap.by_slug.get(self.settings.crisis_page)
        if crisis_doc is not None and (safety is not None or detection.figure is not None):
            named = named_pages(plan, snap.titles) if safety is not None else []
            score = float(candidates.scores[crisis_doc])
            ranked = pin(ranked, crisis_doc, safety is not None, detection.figure is not None, named, score)
        elif crisis_doc is not None and idiom_led(
            ranked, plan, snap.bm25, crisis_doc, self.rules.idioms, cfg.answer.broad_share
        ):
            ranked = demote(ranked, crisis_doc)
        count = len(ranked) if featured is None else min(len(ranked), max(featured, 1))
        feats = tuple(features(snap.bm25, ranked, i, evidence) for i in range(count))
        broad = bool(feats) and is_broad(snap.bm25, plan, cfg.answer)
        if safety is not None:
            kind = "match"  # the notice and the crisis page answer it, whatever else matched
        elif not feats:
            kind = "none"
        elif broad:
            kind = "broad"
        else:
            kind = "uncertain" if scope < self.unmatched_threshold else "match"
        confidences = tuple(confidence(f, cfg.confidence) for f in feats)
        return Explanation(
            safety, plan, candidates, ranked, feats, confidences, scope, scope_top, lexical_top, broad, kind, weight
        )

    @property
    def unmatched_threshold(self) -> float:
        """Scope below this marks a query unmatched: the fitted value, unless settings override it."""
        override = self.settings.unmatched_threshold
        return self.config.scope.threshold if override is None else override

    def search(self, raw: str, limit: int = 10, offset: int = 0) -> SearchResult:
        """Rank pages for a query; never raises on odd input."""
        return self._search(self.snapshot, raw, limit, offset)

    def _search(self, snap: Snapshot, raw: str, limit: int, offset: int) -> SearchResult:
        started = time.perf_counter()
        end = offset + limit
        x = self._explain(snap, raw, end, end)
        cap = self.config.answer.broad_confidence if x.kind == "broad" else 1.0
        shown = shown_confidences(x.features, self.config.confidence, cap)
        hits = tuple(
            hit(snap.heads[row.doc], snap.sentences(row.doc), snap.bm25, x.plan, row, shown[i])
            for i, row in enumerate(x.ranked.hits[:end])
            if i >= offset
        )
        return SearchResult(
            query=raw,
            corrected_query=did_you_mean(x.plan, hits),
            total=x.candidates.total or len(x.ranked),  # pages found by meaning alone count too
            hits=hits,
            took_ms=(time.perf_counter() - started) * 1000.0,
            safety=x.safety,
            unmatched=x.kind in ("uncertain", "none"),
            generation=snap.generation,
            kind=x.kind,
            hint=BROAD_HINT if x.kind == "broad" else None,
        )

    def suggest(self, raw: str, limit: int = 8) -> list[Suggestion]:
        """As-you-type completions for a prefix."""
        snap = self.snapshot
        rules = self.config.suggest
        found = suggest(snap.suggestions, snap.corrector, raw[:MAX_QUERY_CHARS], limit)
        if len(found) < min(limit, rules.fallback_below):
            # Few completions ("ptsd flashb": no one entry holds both words): offer the titles
            # BM25F ranks best. Scores only: no phrase stage, snippets or confidence per keystroke.
            candidates = retrieve(self.plan(raw, snap), snap.bm25, self.config.retrieve, limit)
            docs = top_k(candidates.scores, limit)
            have = {(s.slug, s.kind) for s in found}
            for doc in docs:
                page = snap.heads[doc]
                good = candidates.scores[doc] >= rules.fallback_min_ratio * candidates.scores[docs[0]]
                if (page.slug, "title") not in have and len(found) < limit and good:
                    found.append(Suggestion(page.title, page.slug, page.title, "title", page.href))
        return found
