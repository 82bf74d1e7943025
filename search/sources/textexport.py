"""The site's plain-text export (a rendered page saved as text) -> Page."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

from search.errors import page_error
from search.pages import Page, slugify, with_source
from search.sources.structure import Block, assemble, list_items, read_utf8

# The site template's section headings: the export keeps no markup, so these are its structure.
TOP_HEADINGS = (
    "the short version",
    "clinical definition",
    "how it differs from related conditions",
    "first-line treatments",
    "when standard treatments fail",
    "where ketamine fits",
    "where this fits with",
    "frequently asked",
    "references",
)
PHRASES_HEADING = "common ways people search for this"
ICD_LINE = re.compile(r"^ICD-11\s+(?P<codes>[0-9A-Z.,;/ ]+?)\s*(?:\((?P<label>[^)]*)\))?\s*$")
ICD_CODE = re.compile(r"[0-9A-Z]{4}(?:\.[0-9A-Z]{1,2}){0,2}")
REVIEWED = re.compile(r"Last reviewed by (?P<who>.+?) on (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})", re.IGNORECASE)
WORD = re.compile(r"[a-z0-9']+")
LOWER_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def review_date(text: str, path: Path) -> str:
    """The ISO date of "May 31, 2026"; an impossible date is a located error."""
    try:
        return dt.datetime.strptime(text, "%B %d, %Y").date().isoformat()
    except ValueError:
        raise page_error(
            path,
            f"review date {text[:40]!r} is not a date",
            "write it as the site does, e.g. 'Last reviewed by Dr. A. B on May 31, 2026'",
            field="reviewed",
        ) from None


def is_top_heading(line: str) -> bool:
    """Whether a line is one of the template's section headings."""
    return line.strip().lower().startswith(TOP_HEADINGS) and len(line.strip()) < 60


def is_subheading(lines: list[str], i: int) -> bool:
    """A short, unpunctuated line followed by a blank line: a sub-section heading."""
    line = lines[i].strip()
    if not line or len(line) > 90 or line[-1] in ".:;!" or line.startswith(("\u2022", "-")):
        return False
    return i + 1 < len(lines) and not lines[i + 1].strip()


def split_glued(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Split chips exported without separators ("nerve painburning pain") into phrases.

    A boundary is a case change ("painBurning") or a word that is unknown but splits into two
    words the page itself uses ("painburning" -> "pain" | "burning").
    """
    phrases: list[list[str]] = [[]]
    for token in LOWER_UPPER.sub("\n", text).replace("\n", " \n ").split(" "):
        if token == "\n":
            phrases.append([])
            continue
        if not token:
            continue
        cut = _glue_point(token.lower(), vocabulary)
        if cut:
            phrases[-1].append(token[:cut])
            phrases.append([token[cut:]])
        else:
            phrases[-1].append(token)
    return [" ".join(p) for p in phrases if p]


def _glue_point(token: str, vocabulary: frozenset[str]) -> int:
    """Where an unknown token splits into two known words (0 if it does not)."""
    if token in vocabulary or not token.isalpha():
        return 0
    cuts = [i for i in range(2, len(token) - 1) if token[:i] in vocabulary and token[i:] in vocabulary]
    # Prefer the split whose shorter half is longest: "painburning" -> pain|burning, not pa|...
    return max(cuts, key=lambda i: min(i, len(token) - i), default=0)


@cache
def _common_words() -> frozenset[str]:
    """A few function words that may start or end a chip but rarely appear in prose."""
    return frozenset(
        [
            "a",
            "an",
            "and",
            "after",
            "at",
            "for",
            "from",
            "in",
            "my",
            "of",
            "on",
            "since",
            "the",
            "to",
            "with",
            "without",
        ]
    )


def parse_text_export(text: str, path: Path) -> Page:
    """Parse one text export; raises PageError naming the file and what is missing."""
    lines = text.replace("\r\n", "\n").split("\n")
    first_section = next((i for i, line in enumerate(lines) if is_top_heading(line)), None)
    phrases_at = next((i for i, line in enumerate(lines) if line.strip().lower() == PHRASES_HEADING), None)
    header_end = min(x for x in (first_section, phrases_at, len(lines)) if x is not None)
    header = [(i, line.strip()) for i, line in enumerate(lines[:header_end]) if line.strip()]
    icd_at = next((k for k, (_, line) in enumerate(header) if ICD_LINE.match(line)), None)
    codes: tuple[str, ...] = ()
    label = ""
    if icd_at is not None:
        match = ICD_LINE.match(header[icd_at][1])
        assert match is not None
        codes = tuple(ICD_CODE.findall(match.group("codes")))
        label = (match.group("label") or "").strip()
        title = header[icd_at - 1][1] if icd_at > 0 else ""
        tagline = " ".join(line for _, line in header[icd_at + 1 :])
    else:
        long_last = bool(header) and header[-1][1].endswith(".")
        title = header[-2][1] if long_last and len(header) >= 2 else (header[-1][1] if header else "")
        tagline = header[-1][1] if long_last else ""
    if not title:
        raise page_error(
            path,
            "no title found before the first section",
            "the export must start with the page heading (and ICD-11 line) before 'The short version'",
            line=1,
            field="title",
        )

    body_start = first_section if first_section is not None else len(lines)
    search_phrases: list[str] = []
    if phrases_at is not None:
        chip_lines = [line.strip() for line in lines[phrases_at + 1 : body_start] if line.strip()]
        # The page's own words (chips excluded, so a glued token cannot vouch for itself).
        prose = "\n".join(lines[:phrases_at] + lines[body_start:]).lower()
        vocabulary = frozenset(WORD.findall(prose)) | _common_words()
        for chips in chip_lines:
            search_phrases.extend(split_glued(chips, vocabulary))

    blocks: list[Block] = []
    reviewed = reviewer = ""
    heading: str | None = None
    top = ""  # the current template section, which decides what a sub-heading looks like
    level = 2
    current: list[str] = []
    body = lines[body_start:]
    for i, raw in enumerate(body):
        line = raw.strip()
        review = REVIEWED.search(line)
        if review:
            reviewer = review.group("who").strip()
            reviewed = review_date(review.group("date"), path)
            continue
        new_level = 0
        if is_top_heading(line):
            new_level, top = 2, line.lower()
        elif top.startswith("frequently asked"):
            new_level = 3 if line.endswith("?") else 0  # a question ends with '?'
        elif top.startswith(("how it differs", "first-line")):
            new_level = 3 if is_subheading(body, i) else 0
        if new_level:
            if heading is not None:
                blocks.append(Block(level, heading, tuple(current)))
            heading, level, current = line, new_level, []
        else:
            current.append(raw)
    if heading is not None:
        blocks.append(Block(level, heading, tuple(current)))
    sections, faq, references = assemble(blocks)
    page = Page(
        slug=slugify(title),
        title=title,
        summary=tagline,
        icd11=codes,
        icd11_label=label,
        search_phrases=tuple(search_phrases),
        sections=sections,
        faq=faq,
        references=references,
        reviewed=reviewed,
        reviewer=reviewer,
    )
    return with_source(page, str(path))


def read_text_export(path: Path) -> list[Page]:
    """Read a text export into its one page."""
    return [parse_text_export(read_utf8(path), path)]


__all__ = ["list_items", "parse_text_export", "read_text_export", "split_glued"]
