"""What no condition page answers: conditions the site has no page for, and questions about the treatment itself.

"adhd in adults" matches "adults" on the depression page; without this it looks half answered.
"throwing up after ketamine" matches "vomiting" on the migraine page, though it asks about the
treatment's effects. Both live in `search/resources/elsewhere.yaml` (reviewable data); a query's
content words are matched against them as stemmed phrases, longest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from search.analysis import stem
from search.errors import ConfigError
from search.lexicon import key_of
from search.yamltext import load_yaml


@dataclass(frozen=True)
class Elsewhere:
    """Stemmed names of conditions with no page here, and phrases that ask about the treatment itself."""

    names: frozenset[tuple[str, ...]]
    longest: int
    questions: frozenset[tuple[str, ...]] = frozenset()
    question_longest: int = 0

    def covered(self, content: Sequence[str]) -> frozenset[int]:
        """Positions of the content words that are part of a name (longest names first)."""
        return _covered([stem(w) for w in content], self.names, self.longest)

    def about_treatment(self, content: Sequence[str]) -> bool:
        """Whether the words ask about the treatment itself ("after ketamine", "spravato side effects")."""
        return bool(_covered([stem(w) for w in content], self.questions, self.question_longest))


def _covered(stems: Sequence[str], phrases: frozenset[tuple[str, ...]], longest: int) -> frozenset[int]:
    """Positions of the stems that are part of a phrase, longest phrases first."""
    found: set[int] = set()
    i = 0
    while i < len(stems):
        for size in range(min(longest, len(stems) - i), 0, -1):
            if tuple(stems[i : i + size]) in phrases:
                found.update(range(i, i + size))
                i += size
                break
        else:
            i += 1
    return frozenset(found)


NONE = Elsewhere(frozenset(), 0)


def load_elsewhere(path: Path) -> Elsewhere:
    """Read the names; errors name the file, the entry and the fix."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the conditions with no page ({exc}); fix or restore the file") from None
    groups = data.get("conditions") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ConfigError(f"{path}: expected a `conditions:` list of name lists, e.g. `- [adhd, attention deficit]`")
    senses = data.get("other_senses") or []
    if not isinstance(senses, list):
        raise ConfigError(f"{path}: `other_senses:` must be a list of phrase lists, e.g. `- [great depression]`")
    # A page's word in another sense ("great depression", "roof shingles") answers as little as a
    # condition with no page: both are names no page holds.
    names = _names(path, groups, "condition") | _names(path, senses, "other sense")
    questions = _questions(path, data)
    longest = max((len(k) for k in names), default=0)
    return Elsewhere(frozenset(names), longest, questions, max((len(q) for q in questions), default=0))


def _names(path: Path, groups: list[object], what: str) -> set[tuple[str, ...]]:
    """The stemmed keys of a list of name lists; errors name the entry and the fix."""
    names: set[tuple[str, ...]] = set()
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or not group:
            raise ConfigError(f"{path}: {what} {number} must be a list of names, e.g. `- [adhd, attention deficit]`")
        for name in group:
            key = key_of(name) if isinstance(name, str) else ()  # stemmed as the lexicon's keys are
            if not key:
                raise ConfigError(
                    f"{path}: {what} {number} has {name!r}, which is not a name; write words, not only stop words"
                )
            names.add(key)
    return names


def _questions(path: Path, data: dict[str, object]) -> frozenset[tuple[str, ...]]:
    """The treatment questions, each `{treatment}` written out once for every treatment word."""
    words, templates = data.get("treatment_words") or [], data.get("treatment_questions") or []
    if not isinstance(words, list) or not all(isinstance(w, str) and key_of(w) for w in words):
        raise ConfigError(f"{path}: `treatment_words:` must be a list of words, e.g. `[ketamine, infusion]`")
    if not isinstance(templates, list):
        raise ConfigError(f"{path}: `treatment_questions:` must be a list of phrases, e.g. `- after {{treatment}}`")
    out: set[tuple[str, ...]] = set()
    for number, template in enumerate(templates, start=1):
        text = template if isinstance(template, str) else ""
        if "{treatment}" in text and not words:
            raise ConfigError(f"{path}: treatment question {number} uses {{treatment}}; list `treatment_words:` too")
        filled = [text.replace("{treatment}", w) for w in words] if "{treatment}" in text else [text]
        keys = [key_of(f) for f in filled]
        if not text or "{" in text.replace("{treatment}", "") or not all(keys):
            raise ConfigError(
                f"{path}: treatment question {number} is {template!r}; write words and at most {{treatment}}, "
                "e.g. `after {treatment}`"
            )
        out.update(keys)
    return frozenset(out)
