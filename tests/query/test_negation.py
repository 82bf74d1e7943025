import pytest

from search.query.negation import drop_negated, negated_words
from search.query.searcher import Searcher

NAMES = frozenset({"diabetic", "diabetes", "chemotherapy", "manic", "panic", "migraines", "bipolar"})


@pytest.mark.parametrize(
    ("raw", "negated"),
    [
        ("she is not diabetic and has never had chemotherapy", {"chemotherapy"}),
        ("he's never been diagnosed with bipolar", {"bipolar"}),
        ("he has never been manic", {"manic"}),
        ("i do not get panic attacks", {"panic"}),
        # without a word of having, a negation describes a symptom: "no pulse", "not manic enough"
        ("no pulse and not bipolar", set()),
        ("no tengo diabetes", {"diabetes"}),
        # only filler and further names continue the scope
        ("meds not really helping my migraines", set()),
        ("not sure if its bipolar", set()),
        # punctuation ends it
        ("no, bipolar runs in the family", set()),
        # a name also said outside a negation is meant
        ("not diabetes type 1, it is diabetes type 2", set()),
    ],
)
def test_negated_words(raw: str, negated: set[str]) -> None:
    assert negated_words(raw, NAMES.__contains__) == negated


def test_negated_condition_names_are_not_searched(clinic: Searcher) -> None:
    raw = "i never get panic attacks, more a constant worry about everything all day"
    assert "panic" not in {c.word for c in clinic.plan(raw).clauses}
    assert clinic.search(raw).hits[0].slug == "generalized-anxiety-disorder"


def test_a_query_of_nothing_but_a_negated_name_keeps_it(clinic: Searcher) -> None:
    plan = clinic.plan("not bipolar")
    assert drop_negated(plan, frozenset({"bipolar"})) is plan
    assert {c.word for c in plan.clauses} >= {"bipolar"}


def test_symptoms_said_with_a_negation_are_searched(clinic: Searcher) -> None:
    # "no energy", "cant sleep": the negation is the symptom, and no page is named
    assert {"energy"} <= {c.word for c in clinic.plan("no energy no motivation").clauses}
