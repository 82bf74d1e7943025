"""Conditions the site has no page for: the words of a query that name one are answered by no page.

"adhd in adults" matches "adults" on the depression page; without this it looks half answered.
The names live in `search/resources/elsewhere.yaml` (reviewable data); a query's content words are
matched against them as stemmed phrases, longest first.
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
    """Stemmed names of conditions with no page here."""

    names: frozenset[tuple[str, ...]]
    longest: int

    def covered(self, content: Sequence[str]) -> frozenset[int]:
        """Positions of the content words that are part of a name (longest names first)."""
        stems = [stem(w) for w in content]
        found: set[int] = set()
        i = 0
        while i < len(stems):
            for size in range(min(self.longest, len(stems) - i), 0, -1):
                if tuple(stems[i : i + size]) in self.names:
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
    names: set[tuple[str, ...]] = set()
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or not group:
            raise ConfigError(f"{path}: condition {number} must be a list of names, e.g. `- [adhd, attention deficit]`")
        for name in group:
            key = key_of(name) if isinstance(name, str) else ()  # stemmed as the lexicon's keys are
            if not key:
                raise ConfigError(
                    f"{path}: condition {number} has {name!r}, which is not a name; write words, not only stop words"
                )
            names.add(key)
    return Elsewhere(frozenset(names), max((len(k) for k in names), default=0))
