"""Copies of a built generation as an older build wrote it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from search.indexing.store import MANIFEST, file_digests


def without(generation: Path, prefix: str, into: Path) -> Path:
    """A copy of the generation's index folder (at `into`) without the files named `prefix`*, digests renewed."""
    shutil.copytree(generation.parent, into)
    copy = into / generation.name
    for path in copy.glob(f"{prefix}*"):
        path.unlink()
    renew_digests(copy)
    return into


def renew_digests(generation: Path) -> None:
    """Record the generation's files as they are now, as if a build had written them so."""
    manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] = file_digests(generation)
    (generation / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
