"""Scrubbing: personal details in query text become placeholders before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Callable

from search.analysis import surface_words

EMAIL, PHONE, NUMBER, URL, DATE = "<email>", "<phone>", "<number>", "<url>", "<date>"
NAME, ADDRESS = "<name>", "<address>"
PLACEHOLDER = re.compile(r"<(?:email|phone|number|url|date|name|address)>")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

_PHONE_DIGITS = range(7, 16)
# "at" / "dot" written out, bare or bracketed: "john at example dot com", "john(at)example.com".
_AT = r"\s*[\(\[{]?\s*(?:at|arroba)\s*[\)\]}]?\s*"
_DOT = r"\s*[\(\[{]?\s*(?:dot|punto)\s*[\)\]}]?\s*"
# A name is told by its cue, never guessed from a word alone: "my name is", "me llamo", "I am" + capital.
_NAME_CUE = r"\b(?:(?:my|his|her|their|[^\W\d_]+'?s)\s+name(?:\s+is|'s)|name:|me llamo|mi nombre es|se llama|nombre:)"
_CAPITALISED_CUE = r"\b(?:i am|i'm|im|this is|soy|yo soy)"
# A name ends at a joining word: "my name is Ana and ..." keeps "and ...".
_NOT_JOIN = r"(?!(?:and|but|with|from|i|im|y|e|pero|con|de|tengo|have|has)\b)"
_NAME_WORD = rf"{_NOT_JOIN}[^\W\d_][\w'-]*"
_CAPITAL_WORD = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ'-]+"
_MES = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
_STREET = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|"
    r"highway|hwy|calle|avenida|av|camino)"
)
_BIRTH_CUE = r"\b(?:birthday|bday|b-day|born|dob|date of birth|cumpleaños|cumpleanos|nací|naci|fecha de nacimiento)"
_RECORD_CUE = (
    r"\b(?:mrn|medical record(?: number| no\.?| #)?|record (?:number|no\.?|#)|patient (?:id|number|no\.?|#)|"
    r"chart (?:number|no\.?|#)|member (?:id|number)|policy (?:number|no\.?|#)|account (?:number|no\.?|#)|"
    r"expediente|n[uú]mero de (?:paciente|expediente|afiliado|p[oó]liza))"
)


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
    # Obfuscated e-mails: a word, "at", a domain, then "dot" words or a dotted ending.
    (re.compile(rf"\b[\w.+-]+{_AT}[\w-]+(?:(?:{_DOT}|\.)[a-z]{{2,}})+\b", re.I), EMAIL),
    # Record and member numbers after their cue, letters and digits alike ("mrn A1234").
    (re.compile(rf"({_RECORD_CUE})\s*[:#]?\s*[A-Za-z]*\d[\w-]*", re.I), rf"\1 {NUMBER}"),
    # A name after a cue that says one follows: up to three words, to the next punctuation.
    (re.compile(rf"({_NAME_CUE})\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}", re.I), rf"\1 {NAME}"),
    # "I am Maria Lopez": capitalised words after "I am / soy" (a lower-case "i am tired" is no name).
    (re.compile(rf"((?i:{_CAPITALISED_CUE}))\s+{_CAPITAL_WORD}(?:\s+{_CAPITAL_WORD}){{0,2}}"), rf"\1 {NAME}"),
    # Street addresses: a house number, up to three words, a street word ("12 oak hill rd", "calle 5").
    (
        re.compile(rf"\b\d{{1,6}}[a-z]?\s+(?:[^\W\d_]+\s+){{0,3}}{_STREET}\b\.?(?:\s+(?:apt|unit|#)\s*\w+)?", re.I),
        ADDRESS,
    ),
    (re.compile(r"\b(?:calle|avenida|av\.|camino)\s+(?:[^\W\d_]+\s+){0,3}#?\d{1,6}\b", re.I), ADDRESS),
    # Postcodes with letters, written in capitals as they are (UK "SW1A 1AA", Canada "K1A 0B1").
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"), NUMBER),
    (re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"), NUMBER),
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
    # Partial dates after a birth cue: "birthday 3/14", "born march 14", "cumpleaños 14 de marzo".
    (
        re.compile(
            rf"({_BIRTH_CUE})((?:\s*:|\s+(?:is|on|el|es|in))?)\s+"
            rf"(?:\d{{1,2}}[/.-]\d{{1,2}}\b|(?:{_MES}|{_MONTH})\s+{_DAY}\b|{_DAY}\s+(?:of\s+|de\s+)?(?:{_MES}|{_MONTH})\b)",
            re.I,
        ),
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
