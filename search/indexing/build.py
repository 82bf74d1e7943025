"""Build a new index generation and switch to it atomically; unchanged pages are kept."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from search.analysis import ANALYZER_VERSION, is_stop, lowercase_words, surface_words
from search.embedding import Encoder
from search.errors import IndexBusyError, IndexMismatchError, IndexMissingError
from search.indexing.arrays import PREFIX as ARRAYS_PREFIX
from search.indexing.arrays import write_arrays
from search.indexing.schema import SCHEMA_VERSION, TEXT_FIELDS, build_schema, document, scored_texts
from search.indexing.shelf import PREFIX as SHELF_PREFIX
from search.indexing.shelf import write_shelf
from search.indexing.store import (
    MANIFEST,
    VECTOR_ROWS,
    VECTORS,
    VOCABULARY,
    current_generation,
    file_digests,
    generation_dirs,
    read_manifest,
    switch_to,
    verify_files,
)
from search.indexing.vectors import write_vectors
from search.pages import Page, body_text, content_hash, page_from_dict, with_source

log = logging.getLogger(__name__)
KEEP_OLD_GENERATIONS = 2
GRACE_SECONDS = 120.0
WRITER_MB = 512
MERGE_ABOVE_SEGMENTS = 8


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    generation: str
    added: int
    updated: int
    unchanged: int
    removed: int
    seconds: float
    rebuilt: str = ""  # why the previous generation was not built upon ("" when it was, or there was none)

    @property
    def total(self) -> int:
        """Pages in the new generation."""
        return self.added + self.updated + self.unchanged


def page_vocabulary(pages: Iterable[Page]) -> Counter[str]:
    """Surface words of every page with their counts: the typo corrector's dictionary."""
    counts: Counter[str] = Counter()
    for page in pages:
        doc = scored_texts(page)
        for name in TEXT_FIELDS:
            counts.update(w for w in surface_words(doc[name]) if not is_stop(w))
    return counts


def lowercase_prose(pages: Iterable[Page]) -> set[str]:
    """Words written in lower case in page prose: an all-caps alias among them is ambiguous ("SAD")."""
    words: set[str] = set()
    for page in pages:
        prose = [body_text(page), page.summary, *page.symptoms, *(f.answer for f in page.faq)]
        words.update(lowercase_words(" ".join(prose)))
    return words


def _progress(total: int) -> Callable[[Iterable[Page]], Iterable[Page]]:
    """A tqdm bar on a terminal for builds that take more than a moment."""
    if total < 200 or not sys.stderr.isatty():
        return lambda pages: pages
    from tqdm import tqdm

    return lambda pages: tqdm(pages, total=total, desc="indexing", unit="page", leave=False)


def build_index(
    pages: list[Page],
    index_dir: Path,
    failed_sources: Iterable[str] = (),
    ranking: str = "",
    encoder: Encoder | None = None,
    repair: bool = False,
) -> BuildReport:
    """Write `pages` as a new generation of `index_dir` and make it current.

    Pages of the previous generation whose source file is in `failed_sources` are carried over
    unchanged: a page that broke is skipped, never lost. `ranking` is the digest of the ranking
    configuration the index is built for, recorded beside the analyzer version. With an `encoder`
    the generation also holds page vectors for the semantic stage, stamped with the model.
    `repair` builds every page afresh, sharing nothing with earlier generations. One build runs
    at a time per index folder (IndexBusyError names the other one).
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        return _build(pages, index_dir, failed_sources, ranking, encoder, repair)


def _build(
    pages: list[Page],
    index_dir: Path,
    failed_sources: Iterable[str],
    ranking: str,
    encoder: Encoder | None,
    repair: bool,
) -> BuildReport:
    started = time.perf_counter()
    previous = current_generation(index_dir)
    old_hashes: dict[str, str] = {}
    old_sources: dict[str, str] = {}
    if previous is not None:
        try:
            manifest = read_manifest(previous)
            old_hashes = dict(manifest["pages"])
            old_sources = dict(manifest.get("sources", {}))
        except (IndexMissingError, IndexMismatchError, KeyError):
            old_hashes = {}
    failed = set(failed_sources)
    new_slugs = {page.slug for page in pages}
    carried = [s for s, src in old_sources.items() if src in failed and s not in new_slugs and s in old_hashes]
    if carried and previous is not None:
        try:
            pages = pages + _stored_pages(previous, carried)
        except Exception as exc:  # whoosh raises many types for damaged files
            log.error("cannot carry pages over from damaged generation %s: %s", previous.name, exc)
    hashes = {page.slug: content_hash(page) for page in pages}
    number = max((int(p.name.split("-")[1]) for p in generation_dirs(index_dir)), default=0) + 1
    name = f"gen-{number:06d}"
    work = index_dir / f".building-{name}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)

    rebuilt = "asked to repair" if repair and previous is not None else ""
    ix = None
    if old_hashes and previous is not None and not repair:
        ix, rebuilt = _start_from(previous, work)
    if ix is None:
        old_hashes = {}
        work.mkdir(parents=True)
        ix = whoosh_index.create_in(str(work), build_schema())
    changed = [p for p in pages if old_hashes.get(p.slug) != hashes[p.slug]]
    removed = [slug for slug in old_hashes if slug not in hashes]
    # A large buffer: fewer intermediate segments to merge on big builds.
    writer = ix.writer(limitmb=WRITER_MB)
    for slug in removed:
        writer.delete_by_term("slug", slug)
    for page in _progress(len(changed))(changed):
        if page.slug in old_hashes:
            writer.delete_by_term("slug", page.slug)
        writer.add_document(**document(page, hashes[page.slug]))
    segments = len(ix.reader().leaf_readers()) if old_hashes else 0
    writer.commit(optimize=segments > MERGE_ABOVE_SEGMENTS, merge=False)
    with ix.reader() as reader:
        slugs = [stored["slug"] for _, stored in reader.iter_docs()]  # document order, as the server reads it
    ix.close()
    by_slug = {page.slug: page for page in pages}
    write_arrays(work, build_schema(), [scored_texts(by_slug[s]) for s in slugs], slugs)
    write_shelf(work, [by_slug[s] for s in slugs])

    vocabulary = {"counts": page_vocabulary(pages), "lowercase": sorted(lowercase_prose(pages))}
    (work / VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    reuse = previous if not rebuilt else None  # vectors of a damaged generation are not trusted either
    stamp = write_vectors(work, pages, hashes, encoder, reuse) if encoder is not None else None
    manifest_data = {
        "generation": name,
        "schema": SCHEMA_VERSION,
        "analyzer": ANALYZER_VERSION,
        "ranking": ranking,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "pages": hashes,
        "sources": {page.slug: page.source for page in pages if page.source},
        "vectors": stamp.as_dict() if stamp is not None else None,
    }
    # The manifest is written last: a generation without one is unfinished and never opened.
    manifest_data["files"] = file_digests(work)
    (work / MANIFEST).write_text(json.dumps(manifest_data, indent=1), encoding="utf-8")
    final = index_dir / name
    os.replace(work, final)
    switch_to(index_dir, name)
    _prune(index_dir, keep=name)
    updated = sum(1 for p in changed if p.slug in old_hashes)
    return BuildReport(
        generation=name,
        added=len(changed) - updated,
        updated=updated,
        unchanged=len(pages) - len(changed),
        removed=len(removed),
        seconds=time.perf_counter() - started,
        rebuilt=rebuilt,
    )


def _start_from(previous: Path, work: Path) -> tuple[Index | None, str]:
    """The previous generation, hard-linked into `work` (its segment files are immutable).

    (None, why) when it cannot be trusted: every file is checked against the digests its manifest
    recorded first, so a damaged segment is never linked into (and blessed by) a new generation.
    """
    try:
        verify_files(previous, read_manifest(previous))
        # Hard links share inodes with the served generation: only whoosh's immutable segment and
        # TOC files are linked; every file this build writes is created new, never written through.
        shutil.copytree(
            previous,
            work,
            copy_function=os.link,
            ignore=shutil.ignore_patterns(
                MANIFEST, VOCABULARY, VECTORS, VECTOR_ROWS, f"{ARRAYS_PREFIX}*", f"{SHELF_PREFIX}*", "*LOCK*"
            ),
        )
        ix = whoosh_index.open_dir(str(work))
        with ix.searcher() as searcher:
            searcher.doc_count_all()
            for _ in searcher.all_stored_fields():
                pass  # touch every stored document: a truncated segment fails here, not mid-build
        return ix, ""
    except Exception as exc:  # whoosh raises many types for damaged files
        log.error("previous generation %s is damaged (%s); building a new one from scratch", previous.name, exc)
        shutil.rmtree(work, ignore_errors=True)
        return None, f"{previous.name} is damaged ({exc})"


def _stored_pages(generation: Path, slugs: list[str]) -> list[Page]:
    """Pages as stored in a generation, with their recorded source paths."""
    wanted = set(slugs)
    sources = read_manifest(generation).get("sources", {})
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            return [
                with_source(page_from_dict(json.loads(stored["page"])), sources.get(stored["slug"], ""))
                for stored in searcher.all_stored_fields()
                if stored["slug"] in wanted
            ]
    finally:
        ix.close()


LOCK_FILE = ".build.lock"


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock; the OS releases it if the build dies, so no lock goes stale."""
    path = index_dir / LOCK_FILE
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IndexBusyError(
                f"another build is running in {str(index_dir)!r} ({holder}); "
                "wait for it to finish, then run `condsearch index` again"
            ) from None
        handle.seek(0)
        left = handle.read().strip()
        if left:
            # The lock was free but names a holder: that build died before it finished.
            log.warning("a previous build (%s) stopped without finishing; its leftovers are cleared", left)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
    finally:
        handle.close()  # closing releases the lock


def _prune(index_dir: Path, keep: str) -> None:
    """Delete old generations and abandoned build folders, keeping a few for open readers.

    A generation is deleted only when newer ones exist and it was superseded a while ago, so a
    server still answering from it has long switched, even under back-to-back rebuilds.
    """
    generations = generation_dirs(index_dir)
    now = time.time()
    for i, old in enumerate(generations[:-KEEP_OLD_GENERATIONS]):
        superseded = (generations[i + 1] / MANIFEST).stat().st_mtime  # when the next one replaced it
        if old.name != keep and now - superseded > GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    for leftover in index_dir.glob(".building-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
