"""The search page's words in English and Spanish, and which language a visitor gets.

Condition pages and snippets stay in English (the clinic's pages are written in English); the
page around them follows the query's language, or the browser's when there is no query yet.
"""

from __future__ import annotations

from search.language import detect_language
from search.query.searcher import BROAD_HINT
from search.settings import Settings

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "brand": "Clinic conditions",
        "title": "Find a condition",
        "search_title": "Search",
        "heading": "What are you looking for?",
        "lede": "Describe it in your own words: a symptom, a condition, a medicine that isn't working.",
        "label": "Search conditions",
        "placeholder": "e.g. burning nerve pain",
        "suggestions": "Suggestions",
        "button": "Search",
        "help": "Suggestions appear as you type; use the up and down arrows to choose.",
        "too_long": "That search is too long: please use {n} characters or fewer.",
        "did_you_mean": "Did you mean",
        "broad_hint": BROAD_HINT,
        "count_one": "{n} page for",
        "count_many": "{n} pages for",
        "matched": "Matched",
        "matched_for": "for",
        "pages_label": "Result pages",
        "none": "We couldn't find a page for",
        "might_be": "You might be looking for:",
        "pages_in_english": "",
        "safety_heading": "You don't have to go through this alone",
        "uncertain_heading": "No page matches “{q}” closely.",
        "uncertain_lede": "These pages may be related:",
        "may_be_related": "may be related",
        "none_lede": "Try other words for what you feel, or browse the conditions below.",
        "browse_heading": "Browse all conditions",
        "contact_prompt": "Not sure which page fits?",
        "describe_link": "Describe your symptoms in more detail",
        "short_link": "Back to a short search",
        "describe_label": "Describe your symptoms",
        "describe_placeholder": "e.g. For three months my feet have burned at night and the pills don't help.",
        "describe_help": "Write as much as you like, up to {n} characters. Ctrl+Enter searches.",
        "group_mood": "Mood and depression",
        "group_anxiety": "Anxiety and OCD",
        "group_trauma": "Trauma",
        "group_pain": "Chronic and nerve pain",
        "group_headache": "Headache",
        "group_sleep": "Sleep",
        "group_substance": "Alcohol and opioid use",
        "group_other": "Other conditions",
        "footer": "This search is educational and not a substitute for a clinician's assessment. "
        "Searches are counted without any address, cookie or identifier.",
    },
    "es": {
        "brand": "Afecciones de la clínica",
        "title": "Buscar una afección",
        "search_title": "Búsqueda",
        "heading": "¿Qué estás buscando?",
        "lede": "Descríbelo con tus propias palabras: un síntoma, una afección, un medicamento que no te funciona.",
        "label": "Buscar afecciones",
        "placeholder": "p. ej., ardor en los pies",
        "suggestions": "Sugerencias",
        "button": "Buscar",
        "help": "Las sugerencias aparecen mientras escribes; usa las flechas arriba y abajo para elegir.",
        "too_long": "Esa búsqueda es demasiado larga: usa {n} caracteres o menos.",
        "did_you_mean": "¿Quisiste decir",
        "broad_hint": "Estas palabras aparecen en casi todas las páginas: añade un síntoma, una afección o un "
        "medicamento para encontrar la que corresponde.",
        "count_one": "{n} página para",
        "count_many": "{n} páginas para",
        "matched": "Se buscó",
        "matched_for": "en lugar de",
        "pages_label": "Páginas de resultados",
        "none": "No encontramos una página para",
        "might_be": "Quizás buscas:",
        "pages_in_english": "Las páginas de la clínica están en inglés.",
        "safety_heading": "No tienes que pasar por esto a solas",
        "uncertain_heading": "Ninguna página corresponde bien a “{q}”.",
        "uncertain_lede": "Estas páginas podrían estar relacionadas:",
        "may_be_related": "posiblemente relacionada",
        "none_lede": "Prueba con otras palabras para lo que sientes, o mira las afecciones aquí abajo.",
        "browse_heading": "Ver todas las afecciones",
        "contact_prompt": "¿No sabes qué página corresponde?",
        "describe_link": "Describe tus síntomas con más detalle",
        "short_link": "Volver a una búsqueda corta",
        "describe_label": "Describe tus síntomas",
        "describe_placeholder": "p. ej., Desde hace tres meses me arden los pies en la noche y las pastillas "
        "no me ayudan.",
        "describe_help": "Escribe todo lo que quieras, hasta {n} caracteres. Ctrl+Enter busca.",
        "group_mood": "Estado de ánimo y depresión",
        "group_anxiety": "Ansiedad y TOC",
        "group_trauma": "Trauma",
        "group_pain": "Dolor crónico y de los nervios",
        "group_headache": "Dolor de cabeza",
        "group_sleep": "Sueño",
        "group_substance": "Consumo de alcohol y opioides",
        "group_other": "Otras afecciones",
        "footer": "Esta búsqueda es educativa y no sustituye la evaluación de un profesional de la salud. "
        "Las búsquedas se cuentan sin ninguna dirección, cookie ni identificador.",
    },
}


def browser_language(accept_language: str) -> str:
    """The language the browser prefers most among ours ("en" when it names neither)."""
    best, best_q = "en", -1.0
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in STRINGS:
            continue
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        # Earlier entries win ties, as the header lists them in order of preference.
        if weight > best_q or (weight == best_q and position == 0):
            best, best_q = primary, weight
    return best


def page_language(query: str, accept_language: str) -> str:
    """Spanish when the query is Spanish, or when the browser asks for Spanish."""
    if query.strip() and detect_language(query) == "es":
        return "es"
    return browser_language(accept_language)


def contact_link(settings: Settings, lang: str) -> tuple[str, str] | None:
    """The configured way to reach the clinic, as (label, href), in the page's language; None if unset."""
    if not settings.contact_href.strip():
        return None
    return (settings.contact_label_es if lang == "es" else settings.contact_label), settings.contact_href
