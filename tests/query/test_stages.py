"""Each stage on its own: parse -> correct -> expand -> retrieve -> rerank, and the types between them."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from search.query.clauses import Alt, Origin
from search.query.config import load_config
from search.query.correct import Corrected, correct
from search.query.expand import Plan, expand
from search.query.parse import MAX_QUERY_CHARS, ParsedQuery, parse
from search.query.rerank import Ranked, phrase_scores, phrases, rerank, similarities
from search.query.retrieve import Candidates, retrieve
from search.query.searcher import Searcher

CONFIG = load_config()


def words(raw: str) -> ParsedQuery:
    return parse(raw, CONFIG.parse)


@pytest.mark.parametrize("raw", ["title:pain", "pain*", "a~2", '"unbalanced', "pain AND NOT sleep OR x", "(("])
def test_query_syntax_is_plain_words(raw: str) -> None:
    parsed = words(raw)
    assert all(w.isalnum() for w in parsed.words)


def test_pasted_links_emails_and_long_numbers_are_not_searched() -> None:
    parsed = words("migraine https://forum.example/t?id=42 call 555-0199 me@mail.org type 2 MG30.5")
    assert parsed.words == ("migraine", "call", "type", "2", "mg30.5")


def test_partial_last_word_and_long_queries() -> None:
    assert words("pins and needl").partial_last is True
    assert words("pins and needles ").partial_last is False
    long = words(" ".join(["tired"] * 30))
    assert long.long and not long.partial_last


def test_text_past_the_limit_is_cut() -> None:
    assert len(words("pain " * 1000).raw) == MAX_QUERY_CHARS == 2000


def stages(searcher: Searcher, raw: str) -> tuple[Corrected, Plan]:
    snap = searcher.snapshot
    vocabulary = snap.bm25.vocabulary
    corrected = correct(words(raw), snap.corrector, vocabulary, CONFIG.expand, snap.ambiguous)
    return corrected, expand(corrected, snap.lexicon, vocabulary, CONFIG.expand, snap.bm25.term_idf)


def test_correct_then_expand_keep_typed_words_on_top(clinic: Searcher) -> None:
    corrected, plan = stages(clinic, "nueropathy not responding to lyrica")
    assert ("nueropathy", "neuropathy") in corrected.corrections
    assert plan.corrected_text.startswith("neuropathy not responding")
    alts = [a for c in plan.clauses for a in c.alts]
    typed = [a for a in alts if a.origin is Origin.TYPED]
    fixed = [a for a in alts if a.origin is Origin.CORRECTED]
    synonyms = [a for a in alts if a.origin is Origin.SYNONYM]
    assert typed and all(a.weight == 1.0 for a in typed)
    assert fixed and all(a.weight < 1.0 for a in fixed)
    assert any(a.target == "pregabalin" or "pregabalin" in a.terms for a in synonyms)
    # An expansion never outweighs a typed word, however long its span.
    assert synonyms and max(a.weight for a in synonyms) < min(a.weight for a in typed)


def test_plan_is_what_the_searcher_serves(clinic: Searcher) -> None:
    _, plan = stages(clinic, "SAD winter blues")
    assert clinic.plan("SAD winter blues") == plan


def test_joins_split_words(clinic: Searcher) -> None:
    _, plan = stages(clinic, "post herpetic pain")
    joined = [a for c in plan.clauses for a in c.alts if a.origin is Origin.JOINED]
    assert joined and joined[0].source == "post herpetic" and joined[0].target == "postherpetic"


def test_completes_the_last_word(clinic: Searcher) -> None:
    _, plan = stages(clinic, "fibromy")
    completions = [a for c in plan.clauses for a in c.alts if a.origin is Origin.PREFIX]
    assert "fibromyalgia" in [a.target for a in completions]
    assert completions[0].label == "fibromy… -> " + completions[0].target


def test_alt_label_is_derived_from_data() -> None:
    assert Alt(("neuropathi",), 0.8, Origin.CORRECTED, "nueropathy", "neuropathy").label == "nueropathy -> neuropathy"
    assert Alt(("pain",), 1.0, Origin.TYPED, "pain").label == "pain"


def test_retrieve_and_rerank_return_ordered_typed_values(clinic: Searcher) -> None:
    snap = clinic.snapshot
    _, plan = stages(clinic, "burning nerve pain")
    candidates = retrieve(plan, snap.bm25, CONFIG.retrieve)
    assert isinstance(candidates, Candidates)
    scores = [candidates.scores[d] for d in candidates.docs]
    assert scores == sorted(scores, reverse=True) and candidates.total == int(np.count_nonzero(candidates.scores))
    ranked = rerank(candidates, plan, snap.phrases, CONFIG.rerank)
    assert isinstance(ranked, Ranked)
    assert [h.score for h in ranked.hits] == sorted((h.score for h in ranked.hits), reverse=True)
    assert snap.heads[ranked.hits[0].doc].slug == "neuropathic-pain"


def test_phrase_similarity_credits_partial_cover() -> None:
    [(score, best)] = phrase_scores(
        [("burning nerve pain", 1.0)], [phrases(["sleep problems", "burning nerve pain treatment"])], 0.6
    )
    assert best == "burning nerve pain treatment" and score > 0.85
    [(none, nothing)] = phrase_scores([("burning nerve pain", 1.0)], [phrases(["treatment of sleep"])], 0.6)
    assert (none, nothing) == (0.0, "")


@pytest.mark.parametrize(
    "text",
    [
        "burning nerve pain",
        "pain pain nerve",
        "nerve",
        "sleep problems at night",
        "zzz",
        "  ",
        "",
        "nerve\u00a0pain",
        "nerve\x85pain",
        "nerve\u2003pain\tpain",
    ],
)
def test_phrase_similarity_is_rapidfuzz_token_set_plus_token_sort(text: str) -> None:
    # The words are sorted once per phrase, not per query: the scores must stay rapidfuzz's own.
    names = [
        "burning nerve pain treatment",
        "nerve pain",
        "pain nerve pain",
        "sleep",
        "problems sleeping at night",
        "a",
    ]
    expected = (
        process.cdist([text], names, scorer=fuzz.token_set_ratio, dtype=np.float32)[0]
        + process.cdist([text], names, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
    )
    assert similarities([text], [phrases(names[:2]), phrases(names[2:])])[0].tolist() == expected.tolist()


def test_neighbours_choose_a_misspelled_words_fix(clinic: Searcher) -> None:
    corrected, _ = stages(clinic, "lower back pian")
    assert ("pian", "pain") in corrected.corrections


def test_a_misspelled_english_word_no_page_uses_is_left_unanswered(clinic: Searcher) -> None:
    # "cancle" is "cancel" to English; the pages' nearest word ("canal") would answer it wrongly.
    corrected, _ = stages(clinic, "cancle my appointment")
    assert corrected.corrections == () and "cancle" in corrected.unusable
    # A word the pages use stays likelier on this site than a commoner English word: "cluser" is "cluster".
    corrected, _ = stages(clinic, "cluser headache")
    assert ("cluser", "cluster") in corrected.corrections
    # The last word, still being typed, is judged too once no page word begins with it.
    corrected, _ = stages(clinic, "insurence")
    assert corrected.corrections == ()


def test_glued_words_are_searched_apart_but_not_offered(clinic: Searcher) -> None:
    # Adding a space changes no letter: "bloodwork" and "burningfeet" are not misspelled, only glued.
    corrected, _ = stages(clinic, "burningfeet at night")
    assert corrected.corrections == ()
    alts = [a for c in corrected.clauses for a in c.alts]
    assert any(a.target == "burning feet" for a in alts)


def test_relatives_are_not_words_the_site_fails_to_answer(clinic: Searcher) -> None:
    # "son" is on no page, yet "my son ..." is as much in scope as "I ...": it is who, not what.
    corrected, _ = stages(clinic, "my son drinks a bottle of moonshine a day")
    assert "son" not in corrected.unusable and "moonshine" in corrected.unusable


def test_a_word_spelt_the_other_side_of_the_atlantic_is_the_same_word(clinic: Searcher) -> None:
    # The pages write "tumour" and "anaesthetic"; "tumor" is no typo to offer a correction for.
    corrected, _ = stages(clinic, "tumor pain")
    alts = [a for c in corrected.clauses for a in c.alts]
    assert any(a.source == "tumor" and a.target == "tumour" and a.weight == 1.0 for a in alts)
    assert corrected.corrections == () and "tumor" not in corrected.unusable
