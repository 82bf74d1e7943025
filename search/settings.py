"""One settings object, built by the CLI or app factory and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repo root: default data and index locations are relative to it, not to the caller's cwd.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every tunable of the service; environment variables use the CONDSEARCH_ prefix."""

    model_config = SettingsConfigDict(env_prefix="CONDSEARCH_", extra="ignore")

    index_dir: Path = Field(PROJECT_ROOT / "index", description="Where index generations live.")
    conditions_dir: Path = Field(
        PROJECT_ROOT / "data" / "conditions", description="The built-in corpus of condition pages."
    )
    lexicon_dir: Path = Field(PROJECT_ROOT / "data" / "lexicon", description="Lay-to-clinical vocabulary (YAML).")
    safety_file: Path = Field(PROJECT_ROOT / "data" / "safety.yaml", description="Crisis phrases and their exceptions.")
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Runtime data (analytics database).")
    unmatched_threshold: float = Field(
        0.35, ge=0.0, le=1.0, description="Top confidence below this marks a query unmatched."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser (none by default)."
    )
    crisis_message: str = Field(
        "If you are thinking about suicide or harming yourself, you are not alone and help is available now.",
        description="Text of the safety notice shown above results.",
    )
    crisis_lines: list[str] = Field(
        default_factory=lambda: [
            "Call or text 988 (Suicide & Crisis Lifeline, US)",
            "Call 911 or go to the nearest emergency department if you are in immediate danger",
        ],
        description="Crisis line details shown in the safety notice.",
    )
