"""Browse: every page grouped as the catalogue groups them, so no search ends in a dead end."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from search.pages import Page

# The catalogue's groups in the order a patient scans them; pages of any other group come last.
GROUP_ORDER = ("mood", "anxiety", "trauma", "pain", "headache", "sleep", "substance")


@dataclass(frozen=True)
class Group:
    """A heading and its pages, alphabetical."""

    key: str
    label: str
    pages: tuple[Page, ...]


def browse_groups(pages: Iterable[Page], words: Mapping[str, str]) -> list[Group]:
    """Pages by group in catalogue order, labelled in the page's language (`words`: STRINGS[lang])."""
    by_group: dict[str, list[Page]] = {}
    for page in pages:
        key = page.group if page.group in GROUP_ORDER else "other"
        by_group.setdefault(key, []).append(page)
    order = [*GROUP_ORDER, "other"]
    return [
        Group(key, words.get(f"group_{key}", key.title()), tuple(sorted(by_group[key], key=lambda p: p.title.lower())))
        for key in order
        if key in by_group
    ]
