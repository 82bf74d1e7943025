"""Tabular exports (TSV, CSV, JSON Lines) with a field mapping -> Pages, one per row."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from search.errors import Problem, SourceError, page_error
from search.pages import Page, Section, slugify, with_source

TEXT_FIELDS = ("slug", "title", "summary", "icd11_label", "url", "reviewed", "body")
LIST_FIELDS = ("icd11", "search_phrases", "aliases", "symptoms", "related", "treatments")
PAGE_FIELDS = TEXT_FIELDS + LIST_FIELDS
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def parse_mapping(items: list[str]) -> dict[str, str]:
    """Parse `--map FIELD=COLUMN` options into {field: column}."""
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise SourceError(f"--map {item!r} is not FIELD=COLUMN; write e.g. --map body=summary")
        if field not in PAGE_FIELDS:
            raise SourceError(f"--map {item!r}: unknown page field {field!r}; use one of {', '.join(PAGE_FIELDS)}")
        mapping[field] = column
    return mapping


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs from a TSV, CSV or JSON Lines file."""
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8", newline="") as handle:
        if suffix in (".jsonl", ".ndjson"):
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"__error__": f"not valid JSON ({exc.msg})"}
                    continue
                yield number, row if isinstance(row, dict) else {"__error__": "not a JSON object"}
            return
        csv.field_size_limit(sys.maxsize)
        dialect = "excel-tab" if suffix == ".tsv" else "excel"
        quoting = csv.QUOTE_NONE if suffix == ".tsv" else csv.QUOTE_MINIMAL
        reader = csv.DictReader(handle, dialect=dialect, quoting=quoting)  # type: ignore[call-overload]
        for row in reader:
            yield reader.line_num, row


def _list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split("|")
    return tuple(str(v).strip() for v in items if str(v).strip())


def _lead(text: str, limit: int = 240) -> str:
    """The opening sentence(s) of a body, as a summary when none is mapped."""
    out = ""
    for sentence in SENTENCE_END.split(text.strip()):
        if out and len(out) + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out[: limit * 2]


def read_tabular(path: Path, mapping: Mapping[str, str] | None = None) -> tuple[list[Page], list[Problem]]:
    """Read every row into a Page; bad rows become located problems, the rest still load."""
    try:
        return _read_tabular(path, mapping)
    except UnicodeDecodeError as exc:
        where = f"{exc.reason} at byte {exc.start}"
        raise page_error(path, f"not UTF-8 text ({where})", "save the file as UTF-8") from None
    except csv.Error as exc:
        raise page_error(
            path, f"not readable as {path.suffix[1:].upper()} ({exc})", "check quoting and delimiters"
        ) from None


def _read_tabular(path: Path, mapping: Mapping[str, str] | None) -> tuple[list[Page], list[Problem]]:
    """read_tabular without the whole-file error handling."""
    mapping = dict(mapping or {})
    pages: list[Page] = []
    problems: list[Problem] = []
    checked_columns = False
    used = set(mapping.values())
    for number, row in _rows(path):
        if "__error__" in row:
            problems.append(Problem(str(path), row["__error__"], "fix or remove the line", number))
            continue
        if not checked_columns:
            missing = [c for c in mapping.values() if c not in row]
            if missing:
                raise SourceError(
                    f"{path}: column(s) {', '.join(map(repr, missing))} not found; "
                    f"the columns are {', '.join(map(repr, row))}; fix the --map options"
                )
            checked_columns = True

        def cell(field: str, row: dict[str, Any] = row) -> Any:
            # Unmapped fields fall back to a same-named column, unless --map already used it.
            column = mapping.get(field) or (field if field not in used else None)
            return row.get(column) if column else None

        title = str(cell("title") or "").strip()
        if not title:
            where = mapping.get("title", "title")
            problems.append(Problem(str(path), "the row has no title", f"fill the {where!r} column", number, "title"))
            continue
        slug = str(cell("slug") or row.get("id") or "").strip() or slugify(title)
        body = str(cell("body") or "").strip()
        values: dict[str, Any] = {f: _list(cell(f)) for f in LIST_FIELDS}
        values.update(
            slug=slugify(slug) if not slug.isdigit() else slug,
            title=title,
            summary=str(cell("summary") or "").strip() or _lead(body),
            icd11_label=str(cell("icd11_label") or "").strip(),
            url=str(cell("url") or "").strip(),
            reviewed=str(cell("reviewed") or "").strip(),
            sections=(Section("Overview", body),) if body else (),
        )
        pages.append(with_source(Page(**values), f"{path}:{number}"))
    return pages, problems
