"""A logistic model over a query's sentence vector (and, for the crisis classifier, its spelling).

Weights are fitted by scripts (fit_crisis.py, calibrate.py) and shipped as small .npz files beside
the rules, stamped with the encoder whose vectors they read and, when they describe one site's
pages (the topic model), with a digest of those pages: a model is never applied to vectors of
another encoder, nor to a corpus it was not fitted for.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.analysis import surface_words
from search.embedding import Stamp, Vectors
from search.errors import ConfigError

# Character n-grams of each word, hashed into this many buckets: spelling the sentence vector
# smooths over ("kms", "unalive", "pa irme") reaches the crisis classifier through them.
NGRAM_BUCKETS = 2**18
NGRAM_SIZES = (3, 4, 5)


def pages_digest(slugs: Iterable[str]) -> str:
    """A short digest of a set of pages: which corpus a topic model was fitted for."""
    return hashlib.sha256("\n".join(sorted(slugs)).encode()).hexdigest()[:16]


def char_ngrams(text: str, buckets: int = NGRAM_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
    """The hashed character 3- to 5-grams of each folded word, padded with spaces: buckets, L2-normalised counts."""
    counts: dict[int, int] = {}
    for word in surface_words(text):
        padded = f" {word} ".encode()
        for n in NGRAM_SIZES:
            for i in range(len(padded) - n + 1):
                bucket = zlib.crc32(padded[i : i + n]) % buckets
                counts[bucket] = counts.get(bucket, 0) + 1
    buckets_ = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    norm = float(np.linalg.norm(values))
    return buckets_, values / norm if norm > 0 else values


@dataclass(frozen=True)
class VectorModel:
    """Weights over the sentence vector, a bias, and the probability above which it flags."""

    weights: Vectors
    bias: float
    threshold: float
    stamp: Stamp  # the encoder whose vectors it reads
    pages: str = ""  # pages_digest of the corpus it describes; "" for any corpus
    ngrams: Vectors | None = None  # weights over char_ngrams buckets (the crisis classifier); None: vector only

    def probability(self, vector: Vectors, text: str = "") -> float:
        """The model's probability for a query's vector (and its text, when the model reads n-grams)."""
        z = self.bias + float(vector @ self.weights)
        if self.ngrams is not None:
            buckets, values = char_ngrams(text, self.ngrams.size)
            z += float(self.ngrams[buckets] @ values)
        return float(1.0 / (1.0 + np.exp(-max(-40.0, min(40.0, z)))))

    def flags(self, vector: Vectors, text: str = "") -> bool:
        """True when the probability reaches the threshold."""
        return self.probability(vector, text) >= self.threshold


def load_vector_model(path: Path, what: str, fix: str) -> VectorModel:
    """Read a model file; errors name the file, what it is and how to write it again."""
    try:
        with np.load(path) as data:
            stamp = Stamp(**json.loads(str(data["stamp"])))
            model = VectorModel(
                weights=np.asarray(data["weights"], dtype=np.float32),
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                stamp=stamp,
                pages=str(data["pages"]) if "pages" in data else "",
                ngrams=np.asarray(data["ngrams"], dtype=np.float32) if "ngrams" in data else None,
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc}); {fix}") from None
    if model.weights.shape != (stamp.dimensions,):
        raise ConfigError(f"{path}: weights have shape {model.weights.shape}, expected ({stamp.dimensions},); {fix}")
    return model


def save_vector_model(model: VectorModel, path: Path) -> None:
    """Write a model file."""
    arrays: dict[str, np.ndarray] = {
        "weights": model.weights.astype(np.float32),
        "bias": np.array(model.bias, dtype=np.float64),
        "threshold": np.array(model.threshold, dtype=np.float64),
        "stamp": np.array(json.dumps(model.stamp.as_dict())),
        "pages": np.array(model.pages),
    }
    if model.ngrams is not None:
        arrays["ngrams"] = model.ngrams.astype(np.float32)
    np.savez_compressed(path, allow_pickle=False, **arrays)  # the n-gram weights are mostly zero
