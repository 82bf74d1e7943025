"""Markdown with YAML front matter (the authoring format) -> Page."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from pathlib import Path
from typing import Any

import frontmatter
from markdown_it import MarkdownIt
from markdown_it.token import Token

from search.errors import PageError, page_error
from search.pages import Page, with_source
from search.sources.structure import Block, assemble, read_utf8

LIST_FIELDS = ("icd11", "search_phrases", "aliases", "symptoms", "related", "treatments")
TEXT_FIELDS = ("slug", "title", "summary", "icd11_label", "reviewer", "url", "group")


def field_line(text: str, name: str) -> int | None:
    """The 1-based line of a top-level front-matter key, for error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{name}:"):
            return number
    return None


# CommonMark, so a page splits the way any Markdown preview shows it. Raw HTML is off: a `<tag>` stays
# literal text rather than silently vanishing, and page text is never markup to render.
MARKDOWN = MarkdownIt("commonmark", {"html": False})
SECTION_LEVELS = {"h1": 1, "h2": 2, "h3": 3}


def inline_text(token: Token) -> str:
    """An inline token as plain text: emphasis dropped, links and images reduced to their words."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")  # a paragraph is one run of words, whatever its line breaks
        elif child.type == "image":
            parts.append(inline_text(child))  # its alt text
        # link_open/link_close carry the URL only as an attribute, so a link adds just its text
    return "".join(parts).strip()


def block_lines(token: Token) -> list[str]:
    """The text lines a block-level token adds to its section (none for markup-only tokens)."""
    if token.type in ("fence", "code_block"):
        # Code stays literal text of the section it is in: authors fence examples they want shown and
        # found, so dropping it would hide words; a `##` line inside is code, never a heading.
        return token.content.splitlines()
    if token.type == "inline":
        text = inline_text(token)
        return [text] if text else []
    return []


def heading_level(tokens: list[Token], index: int) -> int | None:
    """1-3 when tokens[index] is the text of a top-level `#`-`###` heading, else None."""
    # `####` and deeper, and headings nested in a list or quote, are not structure: they stay text.
    opener = tokens[index - 1] if index else None
    if tokens[index].type != "inline" or opener is None or opener.type != "heading_open" or opener.level:
        return None
    return SECTION_LEVELS.get(opener.tag)


def parse_blocks(body: str) -> list[Block]:
    """Split a Markdown body at its top-level `##`/`###` headings; inline markup becomes plain text."""
    blocks: list[Block] = []
    heading, level = "", 2
    lines: list[str] = []
    marker = ""  # a list item's first line carries `- `: clean_text and list_items find items by it
    tokens = MARKDOWN.parse(body)
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            marker = "- "
        elif token.type == "list_item_close":
            marker = ""
        elif found := heading_level(tokens, index):
            text = inline_text(token)
            if found == 1 or not text:
                continue  # `#` repeats the front-matter title; an empty heading names nothing
            if heading or any(x.strip() for x in lines):
                blocks.append(Block(level, heading or "Introduction", tuple(lines)))
            heading, level, lines = text, found, []
        elif new := block_lines(token):
            lines += [marker + new[0], *new[1:], ""]  # the blank line keeps blocks apart, as in the source
            marker = ""
    if heading or any(x.strip() for x in lines):
        blocks.append(Block(level, heading or "Introduction", tuple(lines)))
    return blocks


def _as_list(meta: dict[str, Any], name: str, path: Path, text: str) -> tuple[str, ...]:
    value = meta.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise page_error(
            path,
            f"expected a list of strings, got {type(value).__name__} {SHORT.repr(value)}",
            f"write `{name}: [first, second]` or one `- item` per line",
            line=field_line(text, name),
            field=name,
        )
    return tuple(str(v).strip() for v in value if str(v).strip())


def _as_text(meta: dict[str, Any], name: str, path: Path, text: str) -> str:
    value = meta.get(name, "")
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise page_error(
            path,
            f"expected text, got a {type(value).__name__}",
            f"write `{name}:` followed by plain text",
            line=field_line(text, name),
            field=name,
        )
    return str(value).strip()


# Error messages show values through a bounded repr: a hostile value (a YAML alias bomb) must not
# take seconds to print.
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother = 2, 4, 4, 40, 40
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _reviewed(value: Any, path: Path, text: str) -> str:
    """The review date as ISO text; anything else is a located error."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise page_error(
        path,
        f"{SHORT.repr(value)} is not a date",
        "write the review date as YYYY-MM-DD, e.g. `reviewed: 2026-05-31`",
        line=field_line(text, "reviewed"),
        field="reviewed",
    )


def parse_markdown(text: str, path: Path) -> Page:
    """Parse one Markdown page; raises PageError naming the file, line and field."""
    try:
        post = frontmatter.loads(text)
    except Exception as exc:  # YAMLError, and ValueError from constructors (a date like 2024-13-45)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the '---'
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
        raise page_error(
            path,
            f"front matter is not valid YAML ({problem})",
            "check indentation and quote values that contain ':' or start with '['",
            line=line,
        ) from None
    meta = dict(post.metadata)
    if not meta:
        raise page_error(
            path,
            "no YAML front matter",
            "start the file with '---', the page fields (slug, title, ...), then '---'",
            line=1,
        )
    values: dict[str, Any] = {name: _as_list(meta, name, path, text) for name in LIST_FIELDS}
    values.update({name: _as_text(meta, name, path, text) for name in TEXT_FIELDS})
    if not values["title"]:
        raise page_error(
            path,
            "the page has no title",
            "add `title: ...` to the front matter",
            line=field_line(text, "title") or 1,
            field="title",
        )
    values["reviewed"] = _reviewed(meta.get("reviewed"), path, text)
    values["slug"] = values["slug"] or path.stem
    sections, faq, references = assemble(parse_blocks(post.content))
    page = Page(sections=sections, faq=faq, references=references, **values)
    return with_source(page, str(path))


def read_markdown(path: Path) -> list[Page]:
    """Read a Markdown file into its one page."""
    return [parse_markdown(read_utf8(path), path)]


__all__ = ["PageError", "field_line", "parse_markdown", "read_markdown"]
