"""Turn headed blocks (from any format) into a page's sections, FAQ and references."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from search.errors import page_error
from search.pages import Faq, Reference, Section

PMID = re.compile(r"\(?\s*PMID:?\s*(\d{5,9})\s*\)?", re.IGNORECASE)
LIST_MARK = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


def read_utf8(path: Path) -> str:
    """A page file's text; anything but UTF-8 is a located error naming the fix."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise page_error(path, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8") from None


@dataclass(frozen=True)
class Block:
    """A heading (level 2 or 3) and the text lines under it."""

    level: int
    heading: str
    lines: tuple[str, ...]


def clean_text(lines: tuple[str, ...] | list[str]) -> str:
    """Join lines into paragraphs: blank lines separate them; list markers stay one per line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if LIST_MARK.match(line):
            if current:
                paragraphs.append(" ".join(current))
            current = [LIST_MARK.sub("", line)]
            paragraphs.append(current.pop())
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs)


def list_items(lines: tuple[str, ...] | list[str]) -> list[str]:
    """Items of a (bulleted or numbered) list; continuation lines join the item above."""
    items: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if LIST_MARK.match(line) or not items:
            items.append(LIST_MARK.sub("", line))
        else:
            items[-1] += " " + line
    return items


def parse_reference(text: str) -> Reference:
    """A reference with its PubMed id pulled out when present."""
    match = PMID.search(text)
    return Reference(text=text.strip(), pmid=match.group(1) if match else None)


def is_faq(heading: str) -> bool:
    """Whether a section heading introduces the FAQ."""
    return heading.lower().startswith(("frequently asked", "faq"))


def is_references(heading: str) -> bool:
    """Whether a section heading introduces the references."""
    return heading.lower().startswith(("references", "sources"))


def assemble(blocks: list[Block]) -> tuple[tuple[Section, ...], tuple[Faq, ...], tuple[Reference, ...]]:
    """Sections with their sub-sections, FAQ pairs and references from ordered blocks."""
    sections: list[Section] = []
    faq: list[Faq] = []
    references: list[Reference] = []
    current: Section | None = None
    subs: list[Section] = []

    def close() -> None:
        nonlocal current, subs
        if current is not None:
            sections.append(Section(current.heading, current.text, tuple(subs)))
        current, subs = None, []

    for block in blocks:
        if block.level <= 2:
            close()
            if is_references(block.heading):
                references.extend(parse_reference(t) for t in list_items(block.lines))
            current = Section(block.heading, clean_text(block.lines))
            continue
        if current is None:  # a sub-heading before any section: keep it as its own section
            current = Section(block.heading, clean_text(block.lines))
            continue
        text = clean_text(block.lines)
        if is_faq(current.heading):
            faq.append(Faq(block.heading, text))
        subs.append(Section(block.heading, text))
    close()
    return tuple(sections), tuple(faq), tuple(references)
