"""Where generations live: `index_dir/gen-NNNNNN/` and a `CURRENT` pointer switched atomically."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from search.analysis import ANALYZER_VERSION
from search.errors import IndexMismatchError, IndexMissingError
from search.indexing.schema import SCHEMA_VERSION

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
VOCABULARY = "vocabulary.json"
VECTORS = "vectors.npz"  # the slugs and content hashes the rows follow
VECTOR_ROWS = "vectors.rows.npy"  # the rows themselves, apart so that a server can memory-map them


def generation_dirs(index_dir: Path) -> list[Path]:
    """Finished generation folders, oldest first."""
    if not index_dir.is_dir():
        return []
    return sorted(p for p in index_dir.glob("gen-*") if p.is_dir() and (p / MANIFEST).exists())


def current_generation(index_dir: Path) -> Path | None:
    """The generation CURRENT points to, or None when there is no index yet."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_dir / name
    return path if path.is_dir() else None


def switch_to(index_dir: Path, name: str) -> None:
    """Point CURRENT at a generation: write a temp file, fsync, rename (atomic on POSIX)."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)


def file_digests(generation: Path) -> dict[str, str]:
    """SHA-256 of every file of a generation but the manifest: damage is found at open, not mid-query."""
    digests: dict[str, str] = {}
    for path in sorted(generation.iterdir()):
        if path.is_file() and path.name != MANIFEST and "LOCK" not in path.name:
            with path.open("rb") as handle:
                digests[path.name] = hashlib.file_digest(handle, "sha256").hexdigest()
    return digests


def verify_files(generation: Path, manifest: dict[str, Any]) -> None:
    """Refuse a generation whose files differ from the digests its manifest recorded."""
    expected = manifest.get("files")
    if not isinstance(expected, dict):
        raise IndexMismatchError(
            f"index generation {str(generation)!r} records no file digests; run `condsearch index` to rebuild it"
        )
    found = file_digests(generation)
    damaged = sorted(name for name in expected if found.get(name) != expected[name])
    if damaged:
        raise IndexMismatchError(
            f"index generation {str(generation)!r} is damaged ({', '.join(damaged)} changed since it was "
            "built); run `condsearch index` to build a new one"
        )


def read_manifest(generation: Path) -> dict[str, Any]:
    """A generation's manifest, checked against this code's schema and analyzer versions."""
    try:
        data: dict[str, Any] = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMissingError(
            f"index generation {str(generation)!r} is unfinished (no {MANIFEST}); "
            "run `condsearch index` to build a new one"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexMismatchError(
            f"index generation {str(generation)!r} has a corrupt {MANIFEST}; run `condsearch index` to rebuild"
        ) from None
    found = (data.get("schema"), data.get("analyzer"))
    if found != (SCHEMA_VERSION, ANALYZER_VERSION):
        raise IndexMismatchError(
            f"index {str(generation)!r} was built with schema {found[0]} / analyzer {found[1]}, "
            f"but this version needs schema {SCHEMA_VERSION} / analyzer {ANALYZER_VERSION}; "
            "run `condsearch index` to rebuild it"
        )
    return data
