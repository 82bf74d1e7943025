"""Hot reload: follow the index's CURRENT generation, opening new ones off the request path."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from search.errors import IndexError_, IndexMissingError
from search.indexing.store import current_generation, generation_dirs
from search.query import collector
from search.query.snapshot import Snapshot

RELOAD_CHECK_SECONDS = 1.0
REFUSED_RETRY_SECONDS = 30.0
log = logging.getLogger(__name__)


class Generations:
    """Holds the snapshot in use; a newer generation is opened in a background thread."""

    def __init__(self, index_dir: Path, open_: Callable[[Path], Snapshot]) -> None:
        self.index_dir = index_dir
        self._open = open_
        self._lock = threading.Lock()
        self._checked = 0.0
        self._snapshot: Snapshot | None = None
        self._refused: dict[str, float] = {}  # generation -> when it was refused
        self.refusals: dict[str, str] = {}  # generation -> why it was refused (kept for /readyz)
        self._loading = False
        self.reload()

    @property
    def current(self) -> Snapshot:
        """The generation in use; a newer one is opened in the background, never on a request."""
        now = time.monotonic()
        if now - self._checked > RELOAD_CHECK_SECONDS:
            self._checked = now
            self._reload_in_background()
        assert self._snapshot is not None
        return self._snapshot

    def behind(self) -> str | None:
        """Why the generation CURRENT names is not the one serving, when it was refused; else None."""
        named = current_generation(self.index_dir)
        if named is None or self._snapshot is None or named.name == self._snapshot.generation:
            return None
        reason = self.refusals.get(named.name)
        return None if reason is None else f"CURRENT names {named.name}, which was refused: {reason}"

    def _wanted(self) -> Path | None:
        """The current generation when it is new to this holder and not recently refused."""
        generation = current_generation(self.index_dir)
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
        if current_generation(self.index_dir) is None and self._snapshot is None:
            raise IndexMissingError(f"no index in {str(self.index_dir)!r}; run `condsearch index` first")
        with self._lock:
            generation = self._wanted()
            if generation is None:
                return False
            try:
                self._swap(generation)
                self._refused.pop(generation.name, None)
                self.refusals.pop(generation.name, None)
                return True
            except IndexError_ as exc:
                self._refused[generation.name] = time.monotonic()
                self.refusals[generation.name] = str(exc)
                log.error("refused index generation %s: %s", generation.name, exc)
                if self._snapshot is not None:
                    return False
                for older in reversed(generation_dirs(self.index_dir)):
                    if older.name == generation.name:
                        continue
                    try:
                        self._swap(older)
                        log.warning("serving older index generation %s", older.name)
                        return True
                    except IndexError_ as refused:
                        self.refusals[older.name] = str(refused)
                        log.error("refused index generation %s: %s", older.name, refused)
                        continue
                raise

    def _swap(self, generation: Path) -> None:
        """Open a generation and serve it; the one it replaces is freed."""
        with collector.paused():
            snapshot = self._open(generation)
        self._snapshot = snapshot
        collector.settle()
