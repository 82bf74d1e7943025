"""Fit the confidence and scope models and pick the unmatched threshold, on the tuning sets.

    python scripts/calibrate.py            # prints both models, reliability and the threshold table
    python scripts/calibrate.py --write    # ... and writes them into the ranking file, with the topic
                                           # model and the scope neighbours they read
    python scripts/calibrate.py --write --gate   # ... and the semantic stage's gate too (changes the order)

Confidence: P(the top hit is the page wanted); its label is whether the top hit is acceptable.
Scope: P(some page answers the query); in-scope queries (lay, misspelled, as-you-type, paraphrases,
stories, Spanish) against realistic out-of-scope ones (site and billing questions, ketamine itself,
conditions without a page, pets, gibberish) and MedlinePlus topics the clinic has no page for. The
features are those of the top hit from `Searcher.explain`: the plan serving makes. Two features
read the query's sentence vector and are computed out of sample here: `meaning` (the topic model,
5-fold) and `nearby` (the scope neighbours, each tuning file's own rows left out). Only the tuning
sets are read; tests/relevance/independent/ is held apart and never fitted on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.embedding import load_encoder, page_texts  # noqa: E402
from search.evaluate import read_cases  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.pages import Page  # noqa: E402
from search.probe import VectorModel, pages_digest, save_vector_model  # noqa: E402
from search.query.confidence import Features  # noqa: E402
from search.query.config import load_config, save_config, with_values  # noqa: E402
from search.query.nearby import ScopeNeighbours, save_scope_neighbours  # noqa: E402
from search.query.searcher import Explanation, Searcher  # noqa: E402
from search.settings import RESOURCES, Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

SHARED = ROOT.parent / "shared"
REL = ROOT / "tests" / "relevance"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
NAMES = tuple(f.name for f in fields(Features))
TOPIC_FOLDS = 5
TOPIC_STEPS = 1500  # 512 weights: enough steps to settle at this rate, few enough to stay smooth
# Flag at most this share of in-scope tuning queries: held-out sets read higher (real-words sets
# 0.06-0.14 at 0.04), and with `nearby` 0.03 still declines more out-of-scope queries than 0.04 did without.
IN_SCOPE_TARGET = 0.03
SCORED_ONLY = ("prefix",)  # as-you-type sets: unfinished words mean nothing to the encoder, so they are no neighbours
TUNING = [
    *sorted(REL.glob("clinic-*.tsv")),
    *sorted((REL / "traffic-a").glob("*.tsv")),
    *sorted((REL / "meaning-a").glob("*.tsv")),
]
CLINIC_TOPICS = (
    "depress",
    "bipolar",
    "anxiety",
    "panic",
    "stress",
    "obsess",
    "alcohol",
    "opioid",
    "pain",
    "fibromyalgia",
    "migraine",
    "headache",
    "neur",
    "nerve",
    "shingles",
    "sleep",
    "insomnia",
    "suicid",
    "grief",
    "bereavement",
    "affective",
    "postpartum",
    "phobia",
    "mental",
    "drug",
    "substance",
    "trauma",
    "limb",
    "amput",
    "chemotherapy",
    "diabet",
    "back",
)


@dataclass
class Sample:
    """One query's top-hit features, whether the hit is right, and whether any page should answer."""

    kind: str
    query: str
    x: list[float]  # the served top hit's features: what confidence reads
    sx: list[float]  # the lexical top hit's, before the semantic stage: what scope reads
    wx: list[float]  # the same from the words alone (no medicine counted): what the semantic gate reads
    correct: bool
    in_scope: bool


def _vectors(explained: Explanation) -> tuple[list[float], list[float], list[float]]:
    """The features confidence reads, those scope reads and those the semantic gate reads."""
    scope = explained.scope_features or explained.features[0]
    words = explained.words_features or explained.features[0]
    served, scoped, worded = ([getattr(f, n) for n in NAMES] for f in (explained.features[0], scope, words))
    return served, scoped, worded


def collect(searcher: Searcher, path: Path, kind: str, out_of_scope: bool = False) -> list[Sample]:
    """Top-hit samples for a query file; crisis messages (answered by the notice) are left out."""
    samples = []
    for case in read_cases(path):
        if searcher.search(case.query, limit=1).safety is not None:
            continue
        explained = searcher.explain(case.query)
        if not explained.ranked.hits:
            continue  # nothing matched: "none", whatever the models say
        top = searcher.pages()[explained.ranked.hits[0].doc]
        in_scope = not out_of_scope and "none" not in case.expected
        right = in_scope and (top.slug.lower() in case.expected or top.title.lower() in case.expected)
        samples.append(Sample(kind, case.query, *_vectors(explained), right, in_scope))
    return samples


def medlineplus_negatives(searcher: Searcher, files: list[Path]) -> list[Sample]:
    """MedlinePlus queries about topics no clinic page covers, against the clinic index."""
    samples = []
    for path in files:
        kept = [c for c in read_cases(path) if not any(w in " ".join(c.expected) for w in CLINIC_TOPICS)]
        for case in kept:
            explained = searcher.explain(case.query)
            if explained.ranked.hits and searcher.search(case.query, limit=1).safety is None:
                samples.append(Sample("medlineplus-oos", case.query, *_vectors(explained), False, False))
    return samples


def kind_of(path: Path) -> str:
    """The name a tuning file's samples carry."""
    return f"{path.parent.name}/{path.stem}" if path.parent != REL else path.stem


def neighbour_rows(pages: Sequence[Page]) -> tuple[list[str], list[bool], list[str]]:
    """Texts, whether a page answers each, and the file each came from ("" for a page's own text)."""
    texts, inside, sources = [], [], []
    for path in TUNING:
        if any(k in path.stem for k in SCORED_ONLY):
            continue
        for case in read_cases(path):
            texts.append(case.query)
            inside.append("none" not in case.expected)
            sources.append(kind_of(path))
    for page in pages:
        for text in page_texts(page):
            texts.append(text)
            inside.append(True)
            sources.append("")
    return texts, inside, sources


def fit_topic(vectors: np.ndarray, in_scope: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The topic model over query vectors (in scope or not), and its 5-fold out-of-fold probabilities."""
    folds = np.random.default_rng(0).integers(0, TOPIC_FOLDS, len(in_scope))
    out_of_fold = np.zeros(len(in_scope))
    for k in range(TOPIC_FOLDS):
        w = fit(vectors[folds != k], in_scope[folds != k], weight[folds != k], steps=TOPIC_STEPS)
        out_of_fold[folds == k] = 1.0 / (1.0 + np.exp(-(w[0] + vectors[folds == k] @ w[1:])))
    return fit(vectors, in_scope, weight, steps=TOPIC_STEPS), out_of_fold


def fit(
    x: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    steps: int = 30000,
    rate: float = 0.5,
    l2: float = 1e-3,
) -> np.ndarray:
    """Logistic regression by gradient descent (bias first), classes weighted equally."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    base = np.ones(len(y)) if sample_weight is None else sample_weight
    weight = base * np.where(y == 1, 0.5 / max(1, (base * y).sum()), 0.5 / max(1, (base * (1 - y)).sum())) * len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        w -= rate * (xb.T @ ((p - y) * weight) / len(y) + l2 * np.r_[0.0, w[1:]])
    return w


def as_model(w: np.ndarray, names: Sequence[str] = NAMES) -> dict[str, float]:
    """Coefficients by name, rounded for the ranking file."""
    return {"bias": round(float(w[0]), 3), **{n: round(float(v), 3) for n, v in zip(names, w[1:], strict=True)}}


def predict(model: dict[str, float], x: np.ndarray) -> np.ndarray:
    """The logistic model's probabilities."""
    z = model["bias"] + x @ np.array([model[n] for n in NAMES])
    # Already a float64 array: asarray only gives it a type, as numpy's stubs leave `x @ ...` as Any.
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the models and threshold into the ranking file")
    parser.add_argument(
        "--gate",
        action="store_true",
        help="with --write, also write the semantic stage's gate (lexical_scope): it decides the order, so "
        "refitting it is a ranking change to measure on every set, not a side effect of new negatives",
    )
    args = parser.parse_args()
    settings = Settings()
    samples: list[Sample] = []
    with tempfile.TemporaryDirectory() as tmp:
        clinic_dir, mlp_dir = Path(tmp) / "clinic", Path(tmp) / "mlp"
        clinic_pages = list(load_pages([ROOT / "data" / "conditions"]).pages)
        build_index(clinic_pages, clinic_dir, encoder=load_encoder())
        build_index(
            list(load_pages([SHARED / "corpora/medlineplus/health-topics.tsv"], MEDLINEPLUS_MAP).pages),
            mlp_dir,
            encoder=load_encoder(),
        )
        off = {"topic_model": None, "scope_neighbours": None}  # both are what this script writes
        clinic = Searcher(settings.model_copy(update={"index_dir": clinic_dir, **off}))
        mlp = Searcher(settings.model_copy(update={"index_dir": mlp_dir, **off}))
        for path in TUNING:
            samples += collect(clinic, path, kind_of(path), out_of_scope=path.stem == "out-of-scope")
        mlp_sets = sorted(REL.glob("medlineplus-*.tsv"))
        samples += medlineplus_negatives(clinic, [*mlp_sets, SHARED / "eval/dev/medlineplus-symptom-descriptions.tsv"])
        mlp_samples = [s for p in mlp_sets for s in collect(mlp, p, "mlp/" + p.stem)]
    correct = np.array([float(s.correct) for s in samples])
    in_scope = np.array([float(s.in_scope) for s in samples])
    kinds = np.array([s.kind for s in samples])
    # Each source of negatives counts as much as the site's own out-of-scope traffic, however many
    # queries it has: 884 MedlinePlus topics must not teach the model that every symptom is off-topic.
    per_kind = {k: int((kinds == k).sum()) for k in set(kinds)}
    own = per_kind.get("traffic-a/out-of-scope", 1)
    balance = np.array(
        [min(1.0, own / per_kind[k]) if not s.in_scope else 1.0 for k, s in zip(kinds, samples, strict=True)]
    )
    encoder = load_encoder()
    vectors = encoder.encode([s.query for s in samples]).astype(np.float64)
    topic, out_of_fold = fit_topic(vectors, in_scope, balance)
    # The models see the topic model's out-of-fold probability, never its in-sample one: a query
    # cannot vouch for itself. (MedlinePlus samples read another corpus: the topic model is neutral.)
    column = NAMES.index("meaning")
    for sample, p in zip(samples, out_of_fold, strict=True):
        sample.x[column] = sample.sx[column] = sample.wx[column] = float(p)
    # Nor can its author: each file's samples read the neighbours with that file's own rows left out.
    texts, inside, sources = neighbour_rows(clinic_pages)
    rows = encoder.encode(texts).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    neighbours = ScopeNeighbours(rows, np.array(inside), encoder.stamp, pages_digest(p.slug for p in clinic_pages))
    unit = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    source = np.array(sources)
    near = NAMES.index("nearby")
    for kind in set(kinds):
        mine = kinds == kind
        leads = neighbours.leads(unit[mine], keep=source != kind)
        for sample, lead in zip((s for s, m in zip(samples, mine, strict=True) if m), leads, strict=True):
            sample.x[near] = sample.sx[near] = sample.wx[near] = float((1.0 + lead) / 2.0)
    x = np.array([s.x for s in samples])

    xc = np.vstack([x, np.array([s.x for s in mlp_samples])])
    yc = np.concatenate([correct, [float(s.correct) for s in mlp_samples]])
    conf_model = as_model(fit(xc, yc))
    sx = np.array([s.sx for s in samples])
    scope_model = as_model(fit(sx, in_scope, balance))
    # The semantic stage's gate: the same fit from the words alone (meaning held out).
    vector_read = [column, near]  # what the sentence vectors say is held out of the gate
    wx = np.delete(np.array([s.wx for s in samples]), vector_read, axis=1)
    words_only = as_model(fit(wx, in_scope, balance), [n for i, n in enumerate(NAMES) if i not in vector_read])
    lexical_model = {**words_only, "meaning": 0.0, "nearby": 0.0}
    print(f"{len(samples)} clinic samples ({int(in_scope.sum())} in scope), {len(mlp_samples)} MedlinePlus")
    print("confidence:", conf_model)
    print("scope:", scope_model)
    print("lexical scope (the semantic gate):", lexical_model)

    p = predict(conf_model, xc)
    print("\nconfidence reliability: predicted bin -> observed share correct (n)")
    for lo in np.arange(0.0, 1.0, 0.1):
        mask = (p >= lo) & (p < lo + 0.1)
        if mask.any():
            print(f"  {lo:.1f}-{lo + 0.1:.1f}: {yc[mask].mean():.2f} ({int(mask.sum())})")

    s = predict(scope_model, sx)
    print("\nscope threshold: in-scope flagged per kind / out-of-scope flagged (queries with hits)")
    chosen = 0.0
    for t in np.arange(0.01, 0.96, 0.01):
        flagged_in = float(((s < t) & (in_scope == 1)).sum() / max(1, in_scope.sum()))
        flagged_out = float(((s < t) & (in_scope == 0)).sum() / max(1, (1 - in_scope).sum()))
        if flagged_in <= IN_SCOPE_TARGET:
            chosen = float(t)
        if round(t * 100) % 5:
            continue  # every threshold is tried; every fifth is printed
        worst = max(
            ((kinds == k) & (in_scope == 1) & (s < t)).sum() / max(1, ((kinds == k) & (in_scope == 1)).sum())
            for k in set(kinds)
        )
        print(f"  {t:.2f}: in-scope {flagged_in:.3f} (worst kind {worst:.3f})  out-of-scope {flagged_out:.3f}")
    print(f"threshold: {chosen:.2f} (in-scope flagged <= {IN_SCOPE_TARGET:.0%})")
    print("\nflagged at the threshold, per kind (in scope / out of scope):")
    for k in sorted(set(kinds)):
        mine = kinds == k
        n_in, n_out = int((mine & (in_scope == 1)).sum()), int((mine & (in_scope == 0)).sum())
        f_in = ((s < chosen) & mine & (in_scope == 1)).sum() / max(1, n_in)
        f_out = ((s < chosen) & mine & (in_scope == 0)).sum() / max(1, n_out)
        print(f"  {k:28} in {f_in:.3f} ({n_in})  out {f_out:.3f} ({n_out})")
    if args.write:
        config = with_values(
            load_config(settings.ranking_file),
            confidence=conf_model,
            **({"lexical_scope": lexical_model} if args.gate else {}),
            scope={**scope_model, "threshold": round(chosen, 2)},
        )
        save_config(config, settings.ranking_file)
        model = VectorModel(
            topic[1:].astype(np.float32),
            float(topic[0]),
            0.5,
            encoder.stamp,
            pages_digest(p.slug for p in clinic_pages),
        )
        save_vector_model(model, RESOURCES / "topic-model.npz")
        save_scope_neighbours(neighbours, RESOURCES / "scope-neighbours.npz")
        print(f"written to {settings.ranking_file}, {RESOURCES / 'topic-model.npz'} and scope-neighbours.npz")


if __name__ == "__main__":
    main()
