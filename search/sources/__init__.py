"""Every input format becomes the same Page; one broken file never stops the rest."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from search.errors import PageError, Problem, SourceError
from search.pages import Page, check_corpus
from search.sources.html import read_html
from search.sources.markdown import field_line, read_markdown
from search.sources.tabular import read_tabular
from search.sources.textexport import read_text_export

PageReader = Callable[[Path], list[Page]]
READERS: dict[str, PageReader] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".txt": read_text_export,
}
TABULAR = (".tsv", ".csv", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class Loaded:
    """The valid pages of a load, and a located problem for everything skipped."""

    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]


def _files(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in (*READERS, *TABULAR))
    if not source.exists():
        raise SourceError(f"source {str(source)!r} does not exist; pass a file or a folder of pages")
    if source.suffix.lower() not in (*READERS, *TABULAR):
        kinds = ", ".join((*READERS, *TABULAR))
        raise SourceError(f"source {str(source)!r} has an unknown format; use one of {kinds}")
    return [source]


def _locate(problem: Problem) -> Problem:
    """Add the front-matter line to a problem found after parsing (duplicate slug, related)."""
    if problem.line is not None or problem.field is None or not problem.path.endswith(".md"):
        return problem
    try:
        line = field_line(Path(problem.path).read_text(encoding="utf-8"), problem.field)
    except OSError:
        return problem
    return Problem(problem.path, problem.message, problem.fix, line, problem.field)


def load_pages(sources: Sequence[Path], mapping: Mapping[str, str] | None = None) -> Loaded:
    """Read every source into valid Pages plus located problems for what was skipped."""
    pages: list[Page] = []
    problems: list[Problem] = []
    for source in sources:
        for path in _files(Path(source)):
            suffix = path.suffix.lower()
            try:
                if suffix in TABULAR:
                    rows, row_problems = read_tabular(path, mapping)
                    pages.extend(rows)
                    problems.extend(row_problems)
                else:
                    pages.extend(READERS[suffix](path))
            except PageError as exc:
                problems.append(exc.problem)
            except OSError as exc:
                problems.append(Problem(str(path), f"cannot be read ({exc.strerror})", "check the file"))
    valid, corpus_problems = check_corpus(pages)
    return Loaded(tuple(valid), tuple(problems) + tuple(_locate(p) for p in corpus_problems))


__all__ = ["Loaded", "SourceError", "load_pages"]
