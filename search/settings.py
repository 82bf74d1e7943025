"""One settings object, built by the CLI or app factory and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
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
    analytics_enabled: bool = Field(True, description="Record search and click events for the analytics reports.")
    analytics_url: str = Field(
        "",
        description="SQLAlchemy URL of the analytics database (postgresql+psycopg://...); empty: SQLite in data_dir.",
    )
    analytics_queue_size: int = Field(10_000, ge=1, description="Events held in memory before new ones are dropped.")
    analytics_batch_size: int = Field(500, ge=1, description="Events written per database transaction.")
    analytics_flush_seconds: float = Field(1.0, gt=0.0, description="Longest wait before queued events are written.")
    analytics_retention_days: int = Field(90, ge=1, description="Events older than this are purged.")
    analytics_suggest_sample: float = Field(
        0.1, ge=0.0, le=1.0, description="Share of /suggest requests recorded as events."
    )
    analytics_min_count: int = Field(
        3, ge=1, description="k-anonymity: a query text is shown only when at least this many searches share it."
    )
    rate_limit_per_second: float = Field(
        5.0,
        ge=0.0,
        description="Searches and suggestions per second per client address, sustained; 0 turns limits off.",
    )
    rate_limit_burst: int = Field(30, ge=1, description="Requests a client may make at once before the rate applies.")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /analytics and /admin; unset: those routes are off (404)."
    )
