"""The ranking configuration: every weight, threshold, typo rule and confidence coefficient.

The values live in one versioned file (`search/resources/ranking.yaml`), each beside the reason it
has that value. `scripts/tune.py` and `scripts/calibrate.py` write that file; nothing patches module
state. The stages receive the section they need.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from search.errors import ConfigError

CONFIG_VERSION = 1
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "resources" / "ranking.yaml"


@dataclass(frozen=True)
class ParseRules:
    """How raw text becomes words."""

    max_words: int
    long_query_words: int


@dataclass(frozen=True)
class TypoRules:
    """When a word counts as a typo of another, and how candidates are ranked."""

    one_typo_from: int
    two_typos_from: int
    first_letter_cost: float
    keyboard_slip_bonus: float
    far_substitution_cost: float
    frequency_tiebreak: float
    sound_min_length: int
    sound_cost: float
    sound_length_gap: int
    split_min_length: int
    split_cost: float
    real_word_zipf: float
    kept_first_letter_zipf: float
    unlikely_typo_zipf: float
    extra_edit_zipf: float
    site_word_zipf: float
    other_word_margin_zipf: float
    spanish_word_zipf: float

    def max_typos(self, word: str) -> int:
        """Edits allowed for a word of this length."""
        n = len(word)
        return 0 if n < self.one_typo_from else 1 if n < self.two_typos_from else 2


@dataclass(frozen=True)
class ExpandWeights:
    """Weights of the alternatives a typed word can stand for (the typed word itself weighs 1)."""

    one_typo: float
    two_typos: float
    more_typos: float
    sound: float
    split: float
    join: float
    prefix: float
    known_prefix_factor: float
    prefix_rank_step: float
    prefix_completions: int
    typo_prefix_min_length: int
    typo_prefix_corrections: int
    typo_prefix_completions: int
    synonym: float
    whole_query_synonym: float
    synonym_span_bonus: float
    corrected_phrase: float


@dataclass(frozen=True)
class RetrieveRules:
    """BM25F over the page fields."""

    k1: float
    field_weights: Mapping[str, float]
    long_field_weights: Mapping[str, float]
    field_b: Mapping[str, float]
    candidates: int
    min_relative_score: float


@dataclass(frozen=True)
class RerankRules:
    """The phrase stage: the whole query against every title, phrase, alias and symptom."""

    phrase_weight: float
    long_phrase_weight: float
    long_phrase_candidates: int
    min_similarity: float


@dataclass(frozen=True)
class SemanticRules:
    """The semantic stage: how much the sentence vectors reorder the lexical hits."""

    max_weight: float
    gamma: float
    skip_scope: float
    fallback_hits: int  # pages the vectors alone offer when no word of the query matched a page
    fallback_meaning: float  # ... only for a query the topic model reads as this site's subject


@dataclass(frozen=True)
class IntentRules:
    """The intent stage: how much the page model (what past queries meant) reorders the hits."""

    weight: float
    floor: float  # the share of `weight` kept when the words match fully; the rest grows as they match less
    skip_scope: float  # a word match at least this sure is trusted as it is
    precedent_k: int = 0  # how many nearest past queries vote (precedent.py); 0: no vote
    precedent_weight: float = 0.0  # the vote's weight, gated by the word match as `weight` is
    precedent_floor: float = 0.0


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic coefficients over the hit features (fitted by scripts/calibrate.py)."""

    bias: float
    coverage: float
    margin: float
    phrase: float
    exact: float
    strength: float
    strong: float
    specific: float
    focus: float
    unknown: float
    long: float
    words: float
    topical: float
    meaning: float
    nearby: float


@dataclass(frozen=True)
class ScopeModel(ConfidenceModel):
    """Whether any page answers the query at all; below `threshold` the answer is "unmatched"."""

    threshold: float


@dataclass(frozen=True)
class AnswerRules:
    """What kind of answer a query gets."""

    broad_share: float
    broad_confidence: float


@dataclass(frozen=True)
class SuggestRules:
    """As-you-type suggestions."""

    fallback_below: int
    fallback_min_ratio: float


@dataclass(frozen=True)
class RankingConfig:
    """Every stage's settings, in stage order."""

    parse: ParseRules
    typos: TypoRules
    expand: ExpandWeights
    retrieve: RetrieveRules
    rerank: RerankRules
    lexical_scope: ConfidenceModel
    semantic: SemanticRules
    intent: IntentRules
    confidence: ConfidenceModel
    scope: ScopeModel
    answer: AnswerRules
    suggest: SuggestRules

    def values(self) -> dict[str, Any]:
        """The plain values, section by section (no reasons)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    def digest(self) -> str:
        """A short hash of the values: stamped into each index generation it served with."""
        text = json.dumps(self.values(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _number(path: Path, where: str, entry: object, kind: Any) -> Any:
    """One `{value, why}` entry, checked."""
    if not isinstance(entry, dict) or set(entry) != {"value", "why"}:
        raise ConfigError(f"{path}: `{where}` must be {{value: ..., why: ...}} (got {entry!r})")
    value, why = entry["value"], entry["why"]
    if not isinstance(why, str) or not why.strip():
        raise ConfigError(f"{path}: `{where}` needs a one-line `why` saying why it has this value")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{path}: `{where}` must be a whole number (got {value!r})")
    if kind is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f"{path}: `{where}` must be a number (got {value!r})")
    return kind(value)


def _section(path: Path, name: str, cls: type, data: object) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: `{name}` must be a mapping of settings")
    hints = typing.get_type_hints(cls)
    wanted = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - wanted)
    missing = sorted(wanted - set(data))
    if unknown or missing:
        problem = f"unknown {', '.join(unknown)}" if unknown else f"missing {', '.join(missing)}"
        raise ConfigError(f"{path}: `{name}` has {problem}; expected exactly: {', '.join(sorted(wanted))}")
    values: dict[str, Any] = {}
    for key, kind in hints.items():
        where = f"{name}.{key}"
        if typing.get_origin(kind) is Mapping:
            # Mapping[str, float]: one {value, why} per field name
            entries = data[key]
            if not isinstance(entries, dict) or not entries:
                raise ConfigError(f"{path}: `{where}` must map field names to {{value, why}} entries")
            values[key] = types.MappingProxyType(
                {k: _number(path, f"{where}.{k}", v, float) for k, v in entries.items()}
            )
        else:
            values[key] = _number(path, where, data[key], kind)
    return cls(**values)


def load_config(path: Path = DEFAULT_CONFIG) -> RankingConfig:
    """Read and check a ranking file; errors name the key and what is expected."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the ranking configuration ({exc}); fix or restore the file") from None
    if not isinstance(data, dict) or data.get("version") != CONFIG_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise ConfigError(f"{path}: expected `version: {CONFIG_VERSION}` at the top (got {found!r})")
    hints = typing.get_type_hints(RankingConfig)
    sections = {f.name for f in fields(RankingConfig)}
    unknown = sorted(set(data) - sections - {"version"})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; expected {', '.join(sorted(sections))}")
    for name in sections:
        if name not in data:
            raise ConfigError(f"{path}: the `{name}` section is missing")
    return RankingConfig(**{name: _section(path, name, hints[name], data[name]) for name in hints})


def with_values(config: RankingConfig, **sections: Mapping[str, Any]) -> RankingConfig:
    """A copy with some values changed, e.g. with_values(c, rerank={"phrase_weight": 0.4})."""
    changed = {name: replace(getattr(config, name), **dict(values)) for name, values in sections.items()}
    return replace(config, **changed)


def save_config(config: RankingConfig, path: Path = DEFAULT_CONFIG) -> None:
    """Write new values into a ranking file, keeping its reasons, its order and its top comments."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    lines = [line for line in text.splitlines() if line.startswith("#")]
    lines.append(f"version: {CONFIG_VERSION}")
    for section, values in config.values().items():
        lines.append(f"{section}:")
        for key, value in values.items():
            if isinstance(value, dict):
                lines.append(f"  {key}:")
                lines += [_entry(4, name, number, data[section][key][name]["why"]) for name, number in value.items()]
            else:
                lines.append(_entry(2, key, value, data[section][key]["why"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _entry(indent: int, key: str, value: object, why: str) -> str:
    """One `key: {value: ..., why: "..."}` line (JSON strings are valid YAML)."""
    return f"{' ' * indent}{key}: {{value: {value!r}, why: {json.dumps(why, ensure_ascii=False)}}}"
