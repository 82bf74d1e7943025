"""The Page: what every source produces, and the checks that span pages."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace

from search.errors import Problem

ICD11_CODE = re.compile(r"^[0-9A-Z]{4}(\.[0-9A-Z]{1,2}){0,2}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Section:
    """A headed block of a page; sub-sections hold "vs. X" comparisons and treatments."""

    heading: str
    text: str = ""
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Faq:
    """One frequently asked question and its answer."""

    question: str
    answer: str


@dataclass(frozen=True)
class Reference:
    """A cited source; pmid is the PubMed id when the citation gives one."""

    text: str
    pmid: str | None = None


@dataclass(frozen=True)
class Page:
    """One condition page, whatever format it came from."""

    slug: str
    title: str
    summary: str = ""
    icd11: tuple[str, ...] = ()
    icd11_label: str = ""
    search_phrases: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    treatments: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    faq: tuple[Faq, ...] = ()
    references: tuple[Reference, ...] = ()
    reviewed: str = ""
    reviewer: str = ""
    url: str = ""
    group: str = ""  # the catalogue's cluster (mood, anxiety, pain, ...): how the site lists its pages
    source: str = field(default="", compare=False)

    @property
    def href(self) -> str:
        """Where the page lives on the site: its own url, else /conditions/<slug>."""
        return self.url or f"/conditions/{self.slug}"

    @property
    def names(self) -> tuple[str, ...]:
        """Every short text that names the page: title, search phrases, aliases, symptoms."""
        return tuple(x for x in (self.title, *self.search_phrases, *self.aliases, *self.symptoms) if x)

    def section(self, heading: str) -> Section | None:
        """The first section whose heading starts with `heading` (case-insensitive)."""
        wanted = heading.lower()
        return next((s for s in self.sections if s.heading.lower().startswith(wanted)), None)


def section_text(section: Section) -> str:
    """A section's text with its sub-sections, as one string."""
    parts = [section.text]
    for sub in section.subsections:
        parts.append(sub.heading)
        parts.append(section_text(sub))
    return "\n".join(p for p in parts if p)


def body_text(page: Page) -> str:
    """The page's prose for indexing: every section except FAQ and references."""
    skip = ("frequently asked", "references")
    return "\n".join(f"{s.heading}\n{section_text(s)}" for s in page.sections if not s.heading.lower().startswith(skip))


def page_to_dict(page: Page) -> dict[str, object]:
    """A JSON-ready dict of the page (without its source path)."""
    data = asdict(page)
    data.pop("source")
    return data


def page_from_dict(data: dict[str, object]) -> Page:
    """Rebuild a Page from page_to_dict's output."""

    def sec(d: dict[str, object]) -> Section:
        subs = d.get("subsections") or []
        assert isinstance(subs, list)
        return Section(str(d["heading"]), str(d.get("text", "")), tuple(sec(s) for s in subs))

    d = dict(data)
    tuples = ("icd11", "search_phrases", "aliases", "symptoms", "related", "treatments")
    for key in tuples:
        d[key] = tuple(d.get(key) or ())  # type: ignore[arg-type]
    d["sections"] = tuple(sec(s) for s in d.get("sections") or ())  # type: ignore[attr-defined]
    d["faq"] = tuple(Faq(**f) for f in d.get("faq") or ())  # type: ignore[attr-defined]
    d["references"] = tuple(Reference(**r) for r in d.get("references") or ())  # type: ignore[attr-defined]
    return Page(**d)  # type: ignore[arg-type]


def content_hash(page: Page) -> str:
    """A stable hash of what the page says; unchanged pages are not rewritten."""
    blob = json.dumps(page_to_dict(page), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def slugify(text: str) -> str:
    """A URL slug from a title: lower-case ASCII words joined by hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def with_source(page: Page, source: str) -> Page:
    """The same page, remembering the file it came from."""
    return replace(page, source=source)


def check_page(page: Page) -> list[Problem]:
    """Problems within one page: missing title, malformed slug or ICD-11 code."""
    problems: list[Problem] = []
    where = page.source or page.slug
    if not page.title.strip():
        problems.append(Problem(where, "the page has no title", "add a non-empty `title`", field="title"))
    if not SLUG.match(page.slug):
        problems.append(
            Problem(
                where,
                f"slug {page.slug!r} is not a URL slug",
                "use lower-case letters, digits and single hyphens, e.g. 'chronic-pain'",
                field="slug",
            )
        )
    for code in page.icd11:
        if not ICD11_CODE.match(code):
            problems.append(
                Problem(
                    where,
                    f"{code!r} is not an ICD-11 code",
                    "use the MMS code, e.g. 'MG30.5' or '6A71', or leave the list empty",
                    field="icd11",
                )
            )
    return problems


def check_corpus(pages: Iterable[Page]) -> tuple[list[Page], list[Problem]]:
    """Split pages into the valid ones and located problems (duplicates, unknown related)."""
    pages = list(pages)
    problems: list[Problem] = []
    first_source: dict[str, str] = {}
    unique: list[Page] = []
    for page in pages:
        own = check_page(page)
        if own:
            problems.extend(own)
            continue
        if page.slug in first_source:
            problems.append(
                Problem(
                    page.source or page.slug,
                    f"duplicate slug {page.slug!r}, already used by {first_source[page.slug]}",
                    "give each page its own slug",
                    field="slug",
                )
            )
            continue
        first_source[page.slug] = page.source or page.slug
        unique.append(page)
    known = set(first_source)
    valid: list[Page] = []
    for page in unique:
        missing = [s for s in page.related if s not in known]
        if missing:
            problems.append(
                Problem(
                    page.source or page.slug,
                    f"related slug(s) {', '.join(map(repr, missing))} do not exist",
                    "use the slug of an existing page, or remove the entry",
                    field="related",
                )
            )
            continue
        valid.append(page)
    return valid, problems
