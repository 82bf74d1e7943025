"""The ranking configuration: one file, every value with its reason, errors that say what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.errors import ConfigError
from search.indexing.build import build_index
from search.query.config import DEFAULT_CONFIG, load_config, save_config, with_values
from search.query.searcher import Searcher
from tests.conftest import settings_for, write_page


def test_the_packaged_file_loads_and_every_value_has_a_reason() -> None:
    config = load_config()
    assert config.retrieve.field_weights["title"] > config.retrieve.field_weights["body"]
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    leaves = sum(len(v) if isinstance(v, dict) else 1 for s in config.values().values() for v in s.values())
    assert text.count("why:") == text.count("value:") == leaves


def test_save_rewrites_values_and_keeps_reasons(tmp_path: Path) -> None:
    path = tmp_path / "ranking.yaml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    save_config(load_config(path), path)
    assert path.read_text(encoding="utf-8") == DEFAULT_CONFIG.read_text(encoding="utf-8")
    changed = with_values(load_config(path), rerank={"phrase_weight": 0.45})
    save_config(changed, path)
    assert load_config(path).rerank.phrase_weight == 0.45
    assert "whole-query phrase similarity" in path.read_text(encoding="utf-8")
    assert load_config(path).digest() != load_config().digest()


def broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "ranking.yaml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("k1: {value: 1.2, ", "k1: {value: high, ", "`retrieve.k1` must be a number (got 'high')"),
        (
            "candidates: {value: 40,",
            "candidates: {value: 40.5,",
            "`retrieve.candidates` must be a whole number (got 40.5)",
        ),
        (
            'k1: {value: 1.2, why: "BM25',
            'k1: {value: 1.2, why: "", note: "BM25',
            "`retrieve.k1` must be {value: ..., why: ...}",
        ),
        ("  k1: ", "  k2: ", "`retrieve` has unknown k2; expected exactly: candidates, field_b, field_weights, k1, "),
        ("version: 1", "version: 2", "expected `version: 1` at the top (got 2)"),
    ],
)
def test_errors_name_the_key_and_the_fix(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(broken(tmp_path, old, new))
    assert message in str(caught.value) and str(tmp_path / "ranking.yaml") in str(caught.value)


def test_a_value_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, 'why: "BM25\'s usual term-frequency saturation; short fields saturate early"', 'why: " "')
    with pytest.raises(ConfigError, match=r"`retrieve.k1` needs a one-line `why`"):
        load_config(path)


def test_the_index_records_the_config_it_was_built_for_and_search_uses_the_one_passed(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page(folder, "nerve-pain", "Nerve Pain")
    write_page(folder, "sleep-problems", "Sleep Problems")
    from search.sources import load_pages

    config = load_config()
    report = build_index(list(load_pages([folder]).pages), tmp_path / "index", ranking=config.digest())
    manifest = json.loads((tmp_path / "index" / report.generation / "manifest.json").read_text())
    assert manifest["ranking"] == config.digest() and manifest["analyzer"]
    strict = with_values(config, typos={"one_typo_from": 9, "two_typos_from": 12, "sound_min_length": 20})
    assert Searcher(settings_for(tmp_path / "index")).search("nerbe pian").hits
    assert not Searcher(settings_for(tmp_path / "index"), strict).search("nerbe pian").hits
