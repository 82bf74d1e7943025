"""One error hierarchy: every message names the bad value and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CondSearchError(Exception):
    """Base of every error the library raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """A located problem in an input file: where, which field, what is wrong, how to fix it."""

    path: str
    message: str
    fix: str = ""
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        what = f"field '{self.field}': " if self.field else ""
        tail = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}: {what}{self.message}.{tail}"


class PageError(CondSearchError):
    """A page (or a whole source file) could not be read into a valid Page."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def page_error(
    path: str | Path,
    message: str,
    fix: str = "",
    *,
    line: int | None = None,
    field: str | None = None,
) -> PageError:
    """Build a PageError for a file location."""
    return PageError(Problem(str(path), message, fix, line, field))


class SourceError(CondSearchError):
    """A source path or option is unusable as a whole (missing file, bad --map)."""


class IndexError_(CondSearchError):
    """The index is missing, built by another version, or corrupt."""


class IndexMissingError(IndexError_):
    """No index generation exists where one was expected."""


class IndexMismatchError(IndexError_):
    """The index was built with another schema or analyzer version."""


class IndexBusyError(IndexError_):
    """Another build is writing to the same index folder."""


class SettingsError(CondSearchError):
    """A CONDSEARCH_* setting has a value the service cannot use."""


class ServeError(CondSearchError):
    """The server cannot start: the address is taken, the workers keep failing."""


class ConfigError(CondSearchError):
    """The ranking configuration or the safety rules are invalid."""


class LexiconError(CondSearchError):
    """The lexicon data is invalid."""


class EvalFileError(CondSearchError):
    """An evaluation TSV is malformed."""


class ModelError(CondSearchError):
    """The sentence-embedding model is missing or not the files this version was built for."""
