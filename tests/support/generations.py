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
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] = file_digests(copy)
    (copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return into
