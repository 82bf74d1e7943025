"""Grouping: variants count together, labelled as typed; wordless texts by script; rarer than k only counted."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from search.analytics.groups import Row, clusters, group_key, group_unmatched, is_wordless

T0 = datetime(2026, 1, 5, 8, 0)
T1 = datetime(2026, 1, 9, 17, 30)


def row(
    normalized: str, corrected: str, searches: int, first: datetime = T0, last: datetime = T1, query: str = ""
) -> Row:
    return Row(query or normalized, normalized, corrected, searches, first, last)


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
    assert (group.label, group.corrected, group.script) == ("neuropathy pain", "neuropathy pain", None)
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
    assert group.label == "vertigo"  # three searches share the corrected form
    assert group.variants == ()
    assert group.hidden_variants == 3
    rare = group_unmatched([row("vertigo", "vertigo", 2), row("vertigos", "vertigos", 1)], k=3)
    assert (rare.groups[0].label, rare.groups[0].corrected) == (None, None)


def test_a_group_is_labelled_by_what_patients_typed_with_the_corrected_form_beside_it() -> None:
    rows = [
        row("hair transplant cost", "hair transplant cast", 3, query="hair transplant cost"),
        row("hair transplant cost", "hair transplant cast", 2, query="Hair transplant cost"),
        row("hair transplnt cost", "hair transplant cast", 1, query="hair transplnt cost?"),
    ]
    (group,) = group_unmatched(rows, k=3).groups
    assert (group.label, group.corrected) == ("hair transplant cost", "hair transplant cast")
    assert [(v.text, v.searches) for v in group.variants] == [("hair transplant cost", 5)]


def test_with_no_typed_text_shared_by_k_the_label_is_the_folded_form() -> None:
    rows = [row("vertigo", "vertigo", 2, query="Vertigo"), row("vertigo", "vertigo", 2, query="vertigo!")]
    (group,) = group_unmatched(rows, k=3).groups
    assert group.label == "vertigo"


def test_texts_that_normalize_to_nothing_are_grouped_by_script_not_into_every_other_group() -> None:
    rows = [
        row("", "", 3, query="головная боль"),
        row("", "", 1, query="болит ухо"),
        row("", "", 2, query="头痛"),
        row("", "", 3, query="???"),
        row("vertigo", "vertigo", 4),
        row("ringing ears", "ringing ears", 3),
    ]
    assert is_wordless(rows[0]) and not is_wordless(rows[4])
    grouping = group_unmatched(rows, k=3)
    shown = [(g.label, g.searches, g.script) for g in grouping.groups]
    assert shown == [
        ("Cyrillic text (4)", 4, "Cyrillic"),
        ("vertigo", 4, None),
        ("ringing ears", 3, None),
        ("symbols only (3)", 3, "symbols only"),
    ]
    cyrillic = grouping.groups[0]
    assert [(v.text, v.searches) for v in cyrillic.variants] == [("головная боль", 3)]
    assert (cyrillic.hidden_variants, cyrillic.corrected) == (1, None)
    assert (grouping.hidden_groups, grouping.hidden_searches) == (1, 2)  # the Chinese text, twice


def test_an_empty_key_never_absorbs_other_keys() -> None:
    chosen = clusters(Counter({"": 9, "vertigo": 5, "ringing ears": 4}))
    assert chosen == {"": "", "vertigo": "vertigo", "ringing ears": "ringing ears"}
