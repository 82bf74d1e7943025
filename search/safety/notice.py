"""The safety notice: what a person in crisis sees above (never instead of) the results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from search.language import detect_language
from search.settings import CrisisLineSetting, Settings

# Link labels a phone user can act on, per language ({n}: the number).
LINK_LABELS = {
    "en": {"call": "Call {n}", "sms": "Text {n}"},
    "es": {"call": "Llamar al {n}", "sms": "Enviar texto al {n}"},
}


@dataclass(frozen=True)
class CrisisLine:
    """One place to get help: what to read, and tel:/sms: links to act on it."""

    text: str
    links: tuple[tuple[str, str], ...] = ()  # (label, href)


@dataclass(frozen=True)
class NoticeText:
    """The notice in one language."""

    message: str
    lines: tuple[CrisisLine, ...]


@dataclass(frozen=True)
class SafetyNotice:
    """What the user sees above the results."""

    message: str
    lines: tuple[CrisisLine, ...]
    matched: str
    category: str
    language: str


class CrisisMatch(Protocol):
    """A crisis match as detection reports it."""

    @property
    def phrase(self) -> str:
        """The pattern that matched."""

    @property
    def category(self) -> str:
        """Its category (wish-dead, plan, self-harm, ...)."""


def _line(setting: CrisisLineSetting | str, language: str) -> CrisisLine:
    if isinstance(setting, str):
        return CrisisLine(setting)
    labels = LINK_LABELS.get(language, LINK_LABELS["en"])
    links = []
    if setting.call:
        links.append((labels["call"].format(n=setting.call), f"tel:{setting.call}"))
    if setting.sms:
        links.append((labels["sms"].format(n=setting.sms), f"sms:{setting.sms}"))
    return CrisisLine(setting.text, tuple(links))


def notice_texts(settings: Settings) -> dict[str, NoticeText]:
    """The configured notice, per language."""
    return {
        "en": NoticeText(settings.crisis_message, tuple(_line(s, "en") for s in settings.crisis_lines)),
        "es": NoticeText(settings.crisis_message_es, tuple(_line(s, "es") for s in settings.crisis_lines_es)),
    }


def notice(text: str, crisis: CrisisMatch | None, texts: Mapping[str, NoticeText]) -> SafetyNotice | None:
    """The safety notice for a query that matched a crisis pattern, in the query's language."""
    if crisis is None:
        return None
    language = detect_language(text)
    chosen = texts.get(language) or texts["en"]
    return SafetyNotice(chosen.message, chosen.lines, crisis.phrase, crisis.category, language)
