"""Which language a query is in (English or Spanish), from general word frequencies (wordfreq)."""

from __future__ import annotations

import gzip
import math
from functools import cache
from pathlib import Path

from wordfreq import cB_to_freq, get_frequency_list

from search.analysis import fold, surface_words

LANGUAGES = ("en", "es")
# Letters and marks English never uses: strong evidence for Spanish on their own.
SPANISH_MARKS = frozenset("áéíóúñü¿¡")
SPANISH_MARK_WEIGHT = 2.0
# Per-word evidence is capped so one rare word cannot outvote a sentence.
WORD_CAP = 3.0
# A query is Spanish when the summed evidence clears this: "no" or "me" alone do not.
SPANISH_ABOVE = 1.0


@cache
def zipf_table(language: str) -> dict[str, float]:
    """Folded word -> Zipf frequency (log10 per billion words) of wordfreq's large list.

    The large list reaches rare real words ("birdhouse", "spay": Zipf 2.3-2.5) that the small list
    (Zipf 3 and up) leaves out; it costs about 20 MB per language, loaded once. The list is read
    past wordfreq's own cache (`__wrapped__`), which would keep a second copy of it for the
    process's life (57 MB for the two languages).
    """
    table: dict[str, float] = {}
    for index, bucket in enumerate(get_frequency_list.__wrapped__(language, "large")):
        zipf = math.log10(cB_to_freq(-index) * 1e9)  # as wordfreq's get_frequency_dict rates the bucket
        for word in bucket:
            key = fold(word)
            table[key] = max(table.get(key, 0.0), zipf)
    return table


def spanish_evidence(text: str) -> float:
    """How much likelier the text's words are in Spanish than in English (positive: Spanish)."""
    en, es = zipf_table("en"), zipf_table("es")
    score = sum(max(-WORD_CAP, min(WORD_CAP, es.get(w, 0.0) - en.get(w, 0.0))) for w in surface_words(text))
    if SPANISH_MARKS & set(text.lower()):
        score += SPANISH_MARK_WEIGHT
    return score


def detect_language(text: str) -> str:
    """Which language a query is in: "es" for Spanish (or Spanglish), else "en".

    One unmarked word is too little to tell: "migran" on an English site is an unfinished
    "migraine" more often than Spanish for "they migrate". It needs a second word or a Spanish mark.
    """
    if len(surface_words(text)) < 2 and not SPANISH_MARKS & set(text.lower()):
        return "en"
    return "es" if spanish_evidence(text) > SPANISH_ABOVE else "en"


SPELLING_WORDS = Path(__file__).resolve().parent / "resources" / "english-words.txt.gz"


@cache
def spelling_words() -> frozenset[str]:
    """English words a spelling dictionary knows (SCOWL, via scripts/make_wordlist.py), folded.

    wordfreq counts web text, misspellings included ("persistant" is as common as "naturopathy");
    a spelling dictionary lists only the real word.
    """
    with gzip.open(SPELLING_WORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def zipf(word: str, language: str) -> float:
    """How common a folded word is in a language (Zipf scale; 0 when wordfreq does not list it)."""
    return zipf_table(language).get(word, 0.0)
