"""Scrubbing: personal details in query text become placeholders before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Callable

from search.analysis import surface_words

EMAIL, PHONE, NUMBER, URL, DATE = "<email>", "<phone>", "<number>", "<url>", "<date>"
PLACEHOLDER = re.compile(r"<(?:email|phone|number|url|date)>")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

_PHONE_DIGITS = range(7, 16)


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return PHONE if digits in _PHONE_DIGITS else match.group()


def _digits_token(match: re.Match[str]) -> str:
    token = match.group()
    return NUMBER if sum(c.isdigit() for c in token) >= 5 else token


# Order matters: an e-mail or URL holds dots and digits the later rules would half-match.
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Anything with an @ is an address or a handle; "john@gmail" without a TLD included.
    (re.compile(r"[^\s@<>]+@[^\s@<>]+"), EMAIL),
    (re.compile(r"(?:https?://|www\.)\S+", re.I), URL),
    # A bare domain with a path or parameters ("site.com/page?id=7"), and any token carrying ?key=value.
    (re.compile(r"\S+\.[a-z]{2,}[/?]\S*", re.I), URL),
    (re.compile(r"\S*\?\S*=\S*"), URL),
    # Social security style ids before dates and phones: 123-45-6789.
    (re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"), NUMBER),
    # Dates: numeric (12/03/1985, 1985-03-12, 3.12.85) and written with a year (12 March 1985, March 12, 1985).
    (re.compile(r"(?<![\w.])\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?![\w.])"), DATE),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{2,4}}\b", re.I), DATE),
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+\d{{2,4}}\b", re.I), DATE),
    # A birth year or month after a date-of-birth cue ("born in 1985", "dob: may 1985").
    (
        re.compile(rf"\b(dob|born|date of birth)((?:\s*:|\s+(?:on|in|is))?)\s+(?:{_MONTH}\s+)?\d{{2,4}}\b", re.I),
        rf"\1\2 {DATE}",
    ),
    # Card numbers: 13 to 19 digits in groups.
    (re.compile(r"(?<![\w-])\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?(?![\w-])"), NUMBER),
    # Phones: digit groups joined by spaces, dots, dashes or brackets, 7 to 15 digits in all.
    (
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,5}){1,4}(?![\w])"),
        _phone,
    ),
    (re.compile(r"\+\d{7,15}\b"), PHONE),
    # Any token with five or more digits: ids, card, insurance and record numbers, zip codes.
    (re.compile(r"[\w#/.:-]*\d[\w#/.:-]*"), _digits_token),
)


def scrub(text: str) -> str:
    """The text with e-mails, phones, long numbers, URLs and dates replaced by placeholders."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def normalize(text: str) -> str:
    """Folded words as the analyzer sees them, placeholders kept whole."""
    parts: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        parts.extend(surface_words(text[last : match.start()]))
        parts.append(match.group())
        last = match.end()
    parts.extend(surface_words(text[last:]))
    return " ".join(parts)


def without_placeholders(text: str) -> str:
    """The text with its placeholders removed: what is left of the user's own words."""
    return " ".join(PLACEHOLDER.sub(" ", text).split())
