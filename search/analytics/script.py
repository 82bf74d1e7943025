"""The writing system of a text the analyzer cannot read (Cyrillic, CJK, Arabic, only symbols), for labels."""

from __future__ import annotations

import unicodedata
from collections import Counter

from search.analytics.scrub import without_placeholders

SYMBOLS = "symbols only"
# Unicode character names start with the script ("CYRILLIC SMALL LETTER A"); these read better to an editor.
_NAMES = {
    "CJK": "Chinese/Japanese/Korean",
    "HIRAGANA": "Chinese/Japanese/Korean",
    "KATAKANA": "Chinese/Japanese/Korean",
    "HANGUL": "Chinese/Japanese/Korean",
    "BOPOMOFO": "Chinese/Japanese/Korean",
    "IDEOGRAPHIC": "Chinese/Japanese/Korean",
}


def char_script(char: str) -> str | None:
    """The script of a letter ("Cyrillic", "Chinese/Japanese/Korean"); None for anything but a letter."""
    if not char.isalpha():
        return None
    first = unicodedata.name(char, "").split(" ", 1)[0]
    if not first:
        return None
    return _NAMES.get(first, first.capitalize())


def script_of(text: str) -> str:
    """The script most of the text's letters are in (placeholders left out), or SYMBOLS when it has no letter."""
    counts = Counter(s for s in map(char_script, without_placeholders(text)) if s is not None)
    if not counts:
        return SYMBOLS
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def script_label(script: str, searches: int) -> str:
    """An editor's label for a group of such texts: "Cyrillic text (4)", "symbols only (3)"."""
    return f"{script} ({searches})" if script == SYMBOLS else f"{script} text ({searches})"
