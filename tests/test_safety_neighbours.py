"""The crisis neighbours: a rule-silent message nearly flagged and far nearer a known crisis message."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from search.embedding import STAMP
from search.errors import ConfigError
from search.query.searcher import Searcher
from search.safety import detect
from search.safety.classify import CATEGORY
from search.safety.neighbours import CrisisNeighbours, load_neighbours, save_neighbours
from search.settings import Settings
from tests.conftest import RELEVANCE

# Rule-silent, read by the classifier below its threshold, and far nearer the tuning sets' crisis
# messages than their other rows (written for this test: no set holds it).
NEAR = "i keep picturing my funeral and it feels like relief"


def _unit(*hot: float) -> np.ndarray:
    vector = np.zeros(512, dtype=np.float32)
    vector[: len(hot)] = hot
    return vector / np.linalg.norm(vector)


def _model(margin: float = 0.1, gate: float = 0.5) -> CrisisNeighbours:
    rows = np.stack([_unit(1.0, 0.0), _unit(0.0, 1.0), _unit(1.0, 1.0)])
    return CrisisNeighbours(rows, np.array([True, False, False]), margin, gate, STAMP)


def test_the_shipped_neighbours_read_this_model_and_hold_both_labels() -> None:
    model = load_neighbours(Settings().crisis_neighbours or Path())
    assert model.stamp == STAMP
    assert model.crisis.any() and not model.crisis.all()
    assert 0.0 < model.margin < 1.0 and 0.5 <= model.gate < 0.946  # below the classifier's own threshold


def test_lead_is_the_nearest_crisis_cosine_over_the_nearest_other() -> None:
    model = _model()
    assert model.lead(_unit(1.0, 0.0)) == pytest.approx(1.0 - np.sqrt(0.5))
    assert model.lead(_unit(0.0, 1.0)) == pytest.approx(0.0 - 1.0)


def test_it_flags_only_past_both_the_margin_and_the_gate() -> None:
    model = _model(margin=0.1, gate=0.5)
    crisis_like = _unit(1.0, 0.0)
    assert model.flags(crisis_like, 0.6)
    assert not model.flags(crisis_like, 0.4)  # the classifier must nearly agree
    assert not model.flags(_unit(1.0, 1.0), 0.9)  # nearer an everyday row than any crisis row


def test_round_trip_in_half_precision(tmp_path: Path) -> None:
    save_neighbours(_model(0.14, 0.6), tmp_path / "n.npz")
    again = load_neighbours(tmp_path / "n.npz")
    assert again.margin == 0.14 and again.gate == 0.6 and again.stamp == STAMP
    assert again.vectors.dtype == np.float32 and again.crisis.tolist() == [True, False, False]
    assert again.lead(_unit(1.0, 0.0)) == pytest.approx(1.0 - np.sqrt(0.5), abs=1e-3)


def test_a_missing_file_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "missing.npz"
    with pytest.raises(ConfigError) as caught:
        load_neighbours(path)
    assert str(caught.value).startswith(f"{path}: cannot read the crisis neighbours (")
    assert str(caught.value).endswith("); run `python scripts/fit_crisis.py --write` to write it again")


def test_rows_of_one_label_are_refused(tmp_path: Path) -> None:
    model = _model()
    save_neighbours(CrisisNeighbours(model.vectors, np.array([True, True, True]), 0.1, 0.5, STAMP), tmp_path / "n.npz")
    with pytest.raises(ConfigError) as caught:
        load_neighbours(tmp_path / "n.npz")
    assert str(caught.value) == (
        f"{tmp_path / 'n.npz'}: expected labelled rows of 512 dimensions with both labels, got vectors (3, 512) "
        "and labels (3,); run `python scripts/fit_crisis.py --write` to write it again"
    )


def test_a_message_near_known_crisis_wording_gets_the_notice(clinic: Searcher) -> None:
    assert detect(NEAR, clinic.rules).crisis is None
    assert clinic.classifier is not None and clinic.neighbours is not None
    vector = clinic.encoder.encode_one(NEAR) if clinic.encoder is not None else None
    assert vector is not None and clinic.classifier.probability(vector, NEAR) < clinic.classifier.threshold
    result = clinic.search(NEAR, limit=3)
    assert result.safety is not None and result.safety.category == CATEGORY
    assert result.hits[0].slug == "suicidal-ideation"


def test_without_the_neighbours_the_classifier_alone_decides(clinic: Searcher) -> None:
    alone = Searcher(clinic.settings.model_copy(update={"crisis_neighbours": None}))
    assert alone.neighbours is None
    assert alone.search(NEAR).safety is None


def test_neighbours_for_another_model_are_refused(tmp_path: Path, clinic: Searcher) -> None:
    other = STAMP.__class__("another-model", "9", 512)
    model = _model()
    save_neighbours(CrisisNeighbours(model.vectors, model.crisis, 0.1, 0.5, other), tmp_path / "n.npz")
    with pytest.raises(ConfigError, match=r"n\.npz: fitted on vectors of .*another-model.*fit_crisis\.py --write"):
        Searcher(clinic.settings.model_copy(update={"crisis_neighbours": tmp_path / "n.npz"}))


def _rows(name: str) -> list[list[str]]:
    with (RELEVANCE / "safety" / f"set-{name}.tsv").open(encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]


# Sets AA, AB (crisis) and ABN (non-crisis), round 15: their rows are among the neighbours, and the rules
# learnt from some of their misses, so they are guarded as the service answers them (rules, classifier,
# neighbours), not rule by rule. Alarming-but-safe rows are left out: the notice shows on them by policy.
# Sets AD, AE and AF (round 16, three new authors) and AH (round 17) are guarded the same way. Since round
# 17 the classifier is fitted on every one of these sets too, so for it they are rows it was fitted on.
SEARCHED = [
    row for name in ("aa", "ab", "abn", "ad", "ae", "af", "ah") for row in _rows(name) if row[2] != "alarming-but-safe"
]
# Rows the service gets wrong, and why. Strict: one that starts passing must come off this list.
WRONG = {
    "el seguro no cubre nada, no puedo trabajar, no duermo, ya no hay remedio para mi": (
        "'no remedy left for me' reads as no treatment left as often; the classifier reads it under its gate"
    ),
    "my lower back makes me want to scream, not die lol just scream": (
        "the writer takes the words back ('not die'): no rule reads a retraction"
    ),
    "after 3 hours at the DMV i wanted to jump off the roof": (
        "an everyday annoyance with a method: a past-tense wish about an errand is no rule's to cancel"
    ),
    "ptsd from what happened at the party, i wrote down how im going to do it on the 15th, can therapy stop that": (
        "'how im going to do it' with a date reads as any plan: no rule reaches it without ordinary ones"
    ),
    "recaí otra vez, llevaba 2 meses limpia": (
        "a relapse with no word of self-harm reads as a relapse into drugs as often"
    ),
    "a guy in my discord keeps saying he wont be around next week and gave away all his skins": (
        "'wont be around' with 'away' after it is the travel figure; game skins are no belongings the rules know"
    ),
    "lol my sister said shed kill herself if she had to watch that movie again": (
        "reported hyperbole ('if she had to watch that movie'): no rule reads the triviality of the condition"
    ),
    "mi novio dice que se muere si no le contesto rapido jaja que intenso": (
        "a figure of speech with a laugh or 'not literally' after it: no rule reads a retraction"
    ),
    "me cortaron el pelo horrible, me quiero morir jaja": (
        "a figure of speech with a laugh or 'not literally' after it: no rule reads a retraction"
    ),
    "this shingles pain wants me dead lol, still burning a year later": (
        "a figure of speech with a laugh or 'not literally' after it: no rule reads a retraction"
    ),
    "if i have to sit through one more zoom meeting i'll jump out the window lol. anyway do you treat anxiety": (
        "a figure of speech with a laugh or 'not literally' after it: no rule reads a retraction"
    ),
    "my wife says I'm going to drink myself to death, how do i cut back": (
        "a spouse's warning about drinking: 'drink myself to death' is a crisis wording elsewhere"
    ),
    "ese jefe me tiene hasta la coronilla, me quiero morir cada lunes jaja, y encima no duermo": (
        "a figure of speech with a laugh or 'not literally' after it: no rule reads a retraction"
    ),
    "can you die from tylenol and wine and how long does it take, need to know before my appointment friday": (
        "'can you die from' is the safety question a figure of speech keeps quiet; the urgency is only implied"
    ),
    "ptsd, combat vet. got it set for the 4th of july when the fireworks cover the noise": (
        "the method is only implied (a shot the fireworks would hide); no rule reads 'cover the noise'"
    ),
    "my grandpa told me he has it all planned out for after grandmas funeral": (
        "a funeral is the grief figure, which silences the rules; 'all planned out' is everyday wording"
    ),
    (
        "if my manager schedules one more 7am meeting i'm jumping off "
        "the balcony lol, anyway panic attacks before every meeting, is that panic disorder"
    ): ("a figure of speech with a laugh or 'not literally' after it: no rule reads a retraction"),
}


@pytest.mark.parametrize(
    ("query", "label"),
    [
        pytest.param(
            q,
            label,
            id=f"{label}-{cat}-{lang}-{q[:40]}",
            marks=[pytest.mark.xfail(reason=WRONG[q], strict=True)] if q in WRONG else [],
        )
        for q, label, cat, lang, _ in SEARCHED
    ],
)
def test_the_neighbour_sets_as_the_service_answers_them(clinic: Searcher, query: str, label: str) -> None:
    assert (clinic.search(query, limit=3).safety is not None) == (label == "crisis")
