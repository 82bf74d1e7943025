"""Grouping: variants count together; texts rarer than k are counted, never shown."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from search.analytics.groups import Row, clusters, group_key, group_unmatched

T0 = datetime(2026, 1, 5, 8, 0)
T1 = datetime(2026, 1, 9, 17, 30)


def row(normalized: str, corrected: str, searches: int, first: datetime = T0, last: datetime = T1) -> Row:
    return Row(normalized, corrected, searches, first, last)


def test_the_key_is_the_corrected_words_sorted() -> None:
    assert group_key("nueropathy pain", "neuropathy pain") == "neuropathy pain"
    assert group_key("pain neuropathy", "pain neuropathy") == "neuropathy pain"
    assert group_key("acid reflux ph <phone>", "") == "acid ph reflux"
    assert group_key("<phone>", "") == "<phone>"


def test_typos_and_extra_words_join_the_most_searched_key() -> None:
    chosen = clusters(
        Counter({"vertigo": 50, "vertgo": 4, "eczema": 30, "ecezma": 5, "email measles": 2, "measles": 9})
    )
    assert chosen == {
        "vertigo": "vertigo",
        "vertgo": "vertigo",
        "eczema": "eczema",
        "ecezma": "eczema",
        "measles": "measles",
        "email measles": "measles",
    }


def test_one_letter_in_four_keeps_words_apart() -> None:
    assert clusters(Counter({"gout": 5, "gut": 4})) == {"gout": "gout", "gut": "gut"}


def test_groups_count_variants_together_and_hide_rare_texts() -> None:
    rows = [
        row("nueropathy pain", "neuropathy pain", 4, first=datetime(2026, 1, 6)),
        row("neuropathy pain", "neuropathy pain", 5),
        row("pain neuropathy", "pain neuropathy", 3, last=datetime(2026, 1, 12)),
        row("neuropathy pain call <phone>", "neuropathy pain call", 1),
        row("tonsillitis", "tonsillitis", 2),
    ]
    grouping = group_unmatched(rows, k=3)
    assert len(grouping.groups) == 1
    group = grouping.groups[0]
    assert group.phrase == "neuropathy pain"
    assert group.searches == 13
    assert [(v.text, v.searches) for v in group.variants] == [
        ("neuropathy pain", 5),
        ("nueropathy pain", 4),
        ("pain neuropathy", 3),
    ]
    assert group.hidden_variants == 1
    assert (group.first_seen, group.last_seen) == (T0, datetime(2026, 1, 12))
    assert (grouping.hidden_groups, grouping.hidden_searches) == (1, 2)


def test_a_group_of_k_whose_every_text_is_rarer_shows_no_text() -> None:
    grouping = group_unmatched([row("vertigo", "vertigo", 2), row("vertgo", "vertigo", 1)], k=3)
    (group,) = grouping.groups
    assert group.phrase == "vertigo"  # three searches share the corrected form
    assert group.variants == ()
    assert group.hidden_variants == 3
    rare = group_unmatched([row("vertigo", "vertigo", 2), row("vertigos", "vertigos", 1)], k=3)
    assert rare.groups[0].phrase is None
