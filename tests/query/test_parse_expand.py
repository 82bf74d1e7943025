"""Parsing treats everything as words; planning adds corrections, joins, prefixes, synonyms."""

from __future__ import annotations

import pytest

from search.query.expand import SYNONYM_WEIGHT, plan
from search.query.parse import parse
from search.query.pipeline import Searcher


@pytest.mark.parametrize("raw", ["title:pain", "pain*", "a~2", '"unbalanced', "pain AND NOT sleep OR x", "(("])
def test_query_syntax_is_plain_words(raw: str) -> None:
    parsed = parse(raw)
    assert all(w.isalnum() for w in parsed.words)


def test_pasted_links_emails_and_long_numbers_are_not_searched() -> None:
    parsed = parse("migraine https://forum.example/t?id=42 call 555-0199 me@mail.org type 2 MG30.5")
    assert parsed.words == ("migraine", "call", "type", "2", "mg30.5")


def test_partial_last_word_and_long_queries() -> None:
    assert parse("pins and needl").partial_last is True
    assert parse("pins and needles ").partial_last is False
    long = parse(" ".join(["tired"] * 30))
    assert long.long and not long.partial_last


def test_plan_corrects_expands_and_keeps_typed_words_on_top(clinic: Searcher) -> None:
    snap = clinic.snapshot
    the_plan = plan(parse("nueropathy not responding to lyrica"), snap.corrector, snap.stats.vocabulary, snap.lexicon)
    assert ("nueropathy", "neuropathy") in the_plan.corrections
    assert the_plan.corrected_text.startswith("neuropathy not responding")
    origins = {a.origin: a.weight for c in the_plan.clauses for a in c.alts}
    assert origins["typed"] == 1.0
    assert origins["corrected"] < 1.0
    synonyms = [a for c in the_plan.clauses for a in c.alts if a.origin == "synonym"]
    assert any("pregabalin" in a.label for a in synonyms)
    assert all(a.weight < 1.0 for a in synonyms) and SYNONYM_WEIGHT < 1.0


def test_plan_joins_split_words(clinic: Searcher) -> None:
    snap = clinic.snapshot
    the_plan = plan(parse("post herpetic pain"), snap.corrector, snap.stats.vocabulary, snap.lexicon)
    assert any(a.origin == "joined" for c in the_plan.clauses for a in c.alts)


def test_plan_completes_the_last_word(clinic: Searcher) -> None:
    snap = clinic.snapshot
    the_plan = plan(parse("fibromy"), snap.corrector, snap.stats.vocabulary, snap.lexicon)
    labels = [a.label for c in the_plan.clauses for a in c.alts if a.origin == "prefix"]
    assert any("fibromyalgia" in label for label in labels)
