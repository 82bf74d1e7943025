"""HTML condition pages as the site renders them -> Page, keyed on document structure."""

from __future__ import annotations

import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from search.errors import page_error
from search.pages import Page, slugify, with_source
from search.sources.structure import Block, assemble, read_utf8
from search.sources.textexport import ICD_CODE, ICD_LINE, PHRASES_HEADING, REVIEWED, review_date

NOISE = "script, style, nav, footer, header nav, noscript, template"
FLOW = "h2, h3, summary, p, li, dd"


def _text(node: Node) -> str:
    return " ".join(node.text(separator=" ").split())


def _inside(node: Node, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def parse_html(html: str, path: Path) -> Page:
    """Parse one rendered page; raises PageError when it has no <h1> title."""
    tree = HTMLParser(html)
    for node in tree.css(NOISE):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body
    h1 = root.css_first("h1") if root is not None else None
    if root is None or h1 is None or not _text(h1):
        raise page_error(
            path,
            "no <h1> title found",
            "the page heading must be the one <h1> element in <main> or <body>",
            field="title",
        )
    title = _text(h1)
    canonical = tree.css_first('link[rel="canonical"]')
    url = (canonical.attributes.get("href") or "") if canonical is not None else ""
    slug = url.rstrip("/").rsplit("/", 1)[-1] if url else slugify(title)

    codes: tuple[str, ...] = ()
    label = summary = reviewed = reviewer = ""
    phrases: list[str] = []
    blocks: list[Block] = []
    heading: str | None = None
    level = 2
    lines: list[str] = []
    in_phrases = False
    seen_h1 = False  # eyebrows and breadcrumbs above the heading are not content
    for node in root.css(f"h1, {FLOW}, .chip, .chips a, .chips span"):
        text = _text(node)
        if node.tag == "h1":
            seen_h1 = True
            continue
        if not text or not seen_h1:
            continue
        if node.tag == "p" and _inside(node, ("li", "dd", "summary")):
            continue
        icd = ICD_LINE.match(text)
        if icd and heading is None and not codes:
            codes = tuple(ICD_CODE.findall(icd.group("codes")))
            label = (icd.group("label") or "").strip()
            continue
        review = REVIEWED.search(text)
        if review:
            reviewer = review.group("who").strip()
            reviewed = review_date(review.group("date"), path)
            continue
        if text.lower() == PHRASES_HEADING:
            in_phrases = True
            continue
        if node.tag in ("h2", "h3", "summary"):
            in_phrases = False
            if heading is not None:
                blocks.append(Block(level, heading, tuple(lines)))
            heading, level, lines = text, (2 if node.tag == "h2" else 3), []
            continue
        if in_phrases:
            if node.tag in ("li", "a", "span") and text not in phrases:
                phrases.append(text)
            continue
        if heading is None:
            if node.tag == "p" and not summary:
                summary = text
            continue
        lines.append(f"- {text}" if node.tag == "li" else text)
        lines.append("")
    if heading is not None:
        blocks.append(Block(level, heading, tuple(lines)))
    sections, faq, references = assemble(blocks)
    page = Page(
        slug=slug,
        title=title,
        summary=summary,
        icd11=codes,
        icd11_label=label,
        search_phrases=tuple(phrases),
        sections=sections,
        faq=faq,
        references=references,
        reviewed=reviewed,
        reviewer=reviewer,
        url=url,
    )
    return with_source(page, str(path))


def read_html(path: Path) -> list[Page]:
    """Read an HTML file into its one page."""
    html = read_utf8(path)
    if re.search(r"<html|<body|<main|<h1", html, re.IGNORECASE) is None:
        raise page_error(path, "not an HTML page (no <html>, <body> or <h1>)", "export the rendered page")
    return [parse_html(html, path)]
