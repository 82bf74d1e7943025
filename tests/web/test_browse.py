"""Browse: pages grouped in the catalogue's order, unknown groups last, titles alphabetical."""

from __future__ import annotations

from search.pages import Page
from search.web.browse import browse_groups
from search.web.strings import STRINGS


def test_groups_in_catalogue_order_with_the_rest_last() -> None:
    pages = [
        Page(slug="b", title="Beta", group="pain"),
        Page(slug="a", title="alpha", group="pain"),
        Page(slug="m", title="Mood one", group="mood"),
        Page(slug="x", title="Something", group="dermatology"),
        Page(slug="y", title="Ungrouped"),
    ]
    groups = browse_groups(pages, STRINGS["en"])
    assert [(g.key, g.label, [p.slug for p in g.pages]) for g in groups] == [
        ("mood", "Mood and depression", ["m"]),
        ("pain", "Chronic and nerve pain", ["a", "b"]),
        ("other", "Other conditions", ["x", "y"]),
    ]
    assert browse_groups(pages, STRINGS["es"])[0].label == "Estado de ánimo y depresión"
