"""One settings object, built by the CLI or app factory and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from search.errors import SettingsError

# Data that ships inside the package: it is there however condsearch was installed.
RESOURCES = Path(__file__).resolve().parent / "resources"
ENV_PREFIX = "CONDSEARCH_"
MIN_ADMIN_TOKEN = 16  # characters: a token an attacker cannot guess at the login's pace


class CrisisLineSetting(BaseModel):
    """A crisis line in the notice: its text, and the numbers a phone can call or text."""

    text: str
    call: str = ""
    sms: str = ""


class Settings(BaseSettings):
    """Every tunable of the service; environment variables use the CONDSEARCH_ prefix."""

    model_config = SettingsConfigDict(env_prefix="CONDSEARCH_", extra="ignore", env_parse_none_str="none")

    # Working data is relative to the directory condsearch runs in, like any command-line tool.
    index_dir: Path = Field(Path("index"), description="Where index generations live.")
    conditions_dir: Path = Field(Path("data") / "conditions", description="The built-in corpus of condition pages.")
    lexicon_dir: Path = Field(RESOURCES / "lexicon", description="Lay-to-clinical vocabulary (YAML).")
    safety_file: Path = Field(RESOURCES / "safety.yaml", description="Crisis phrases and their exceptions.")
    elsewhere_file: Path = Field(
        RESOURCES / "elsewhere.yaml",
        description="Conditions the site has no page for (queries naming them fit no page).",
    )
    crisis_classifier: Path | None = Field(
        RESOURCES / "crisis-classifier.npz",
        description="Crisis classifier over sentence vectors, asked when the rules are silent (unset: rules only).",
    )
    crisis_neighbours: Path | None = Field(
        RESOURCES / "crisis-neighbours.npz",
        description="Labelled crisis and other messages whose nearest one may flag what the classifier nearly flags "
        "(unset: the classifier alone).",
    )
    ranking_file: Path = Field(
        RESOURCES / "ranking.yaml", description="Every ranking weight and threshold, each with its reason."
    )
    topic_model: Path | None = Field(
        RESOURCES / "topic-model.npz",
        description="The topic model over query vectors, a feature of scope and confidence (unset: neutral).",
    )
    scope_neighbours: Path | None = Field(
        RESOURCES / "scope-neighbours.npz",
        description="Past queries a page answered and ones none did, whose nearest says how in scope a query is "
        "(unset: neutral).",
    )
    intent_model: Path | None = Field(
        RESOURCES / "intent-model.npz",
        description="The page model over query vectors that reorders hits by what past queries meant (unset: off).",
    )
    precedents: Path | None = Field(
        RESOURCES / "precedents.npz",
        description="Past queries by page, whose nearest ones vote for the hits' order (unset: off).",
    )
    semantic: bool = Field(
        True, description="Reorder hits by meaning with the sentence-embedding model (off: words only)."
    )
    semantic_threads: int = Field(1, ge=1, le=64, description="BLAS threads the sentence encoder may use per query.")
    data_dir: Path = Field(Path("var"), description="Runtime data (analytics database).")
    unmatched_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Scope below this marks a query unmatched; unset: the threshold fitted in the ranking file.",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser (none by default)."
    )
    crisis_message: str = Field(
        "If you are thinking about suicide or harming yourself, you are not alone and help is available now.",
        description="Text of the safety notice shown above results (English).",
    )
    crisis_message_es: str = Field(
        "Si estás pensando en el suicidio o en hacerte daño, no tienes que pasar por esto a solas: "
        "hay ayuda ahora mismo.",
        description="Text of the safety notice for a query in Spanish.",
    )
    crisis_lines: list[CrisisLineSetting | str] = Field(
        default_factory=lambda: [  # type: ignore[arg-type]  # a list of lines is a list of lines-or-text
            CrisisLineSetting(text="Call or text 988 (Suicide & Crisis Lifeline, US), any time", call="988", sms="988"),
            CrisisLineSetting(
                text="Call 911 or go to the nearest emergency department if you are in immediate danger", call="911"
            ),
        ],
        description="Crisis lines in the notice (English): JSON objects {text, call, sms} or plain text.",
    )
    crisis_lines_es: list[CrisisLineSetting | str] = Field(
        default_factory=lambda: [  # type: ignore[arg-type]  # as crisis_lines
            CrisisLineSetting(
                text="Llama al 988 y marca 2 para hablar en español (Línea 988 de Prevención del Suicidio y Crisis), "
                "o envía un texto con la palabra AYUDA al 988, a cualquier hora",
                call="988",
                sms="988",
            ),
            CrisisLineSetting(
                text="Llama al 911 o ve a la sala de emergencias más cercana si estás en peligro inmediato", call="911"
            ),
        ],
        description="Crisis lines in the notice for a query in Spanish.",
    )
    crisis_page: str = Field(
        "suicidal-ideation", description="The page shown first when the crisis notice shows (its slug)."
    )
    contact_href: str = Field(
        "/contact",
        description="Where a patient reaches the clinic when no page fits (a link, tel: or mailto:; empty: not shown).",
    )
    contact_label: str = Field("Contact the clinic", description="The contact link's text (English).")
    contact_label_es: str = Field("Contacta a la clínica", description="The contact link's text for a Spanish query.")
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
        3,
        ge=1,
        description="k-anonymity: a query text is shown only when this many searches share it (once a minute).",
    )
    rate_limit_per_second: float = Field(
        5.0,
        ge=0.0,
        description="Searches and suggestions per second per client address, sustained; 0 turns limits off.",
    )
    rate_limit_burst: int = Field(30, ge=1, description="Requests a client may make at once before the rate applies.")
    rate_limit_shared_file: Path | None = Field(
        None,
        description="The bucket table worker processes share, so the rate holds for the whole service; "
        "`condsearch serve --workers N` makes one and sets this (leave it unset).",
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; none by default.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description=f"Bearer token for /analytics and /admin (at least {MIN_ADMIN_TOKEN} characters); "
        "unset or empty: those routes are off (404).",
    )

    @field_validator("admin_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty token means off; a short or blank one is refused rather than guarded weakly."""
        if value is None or value.get_secret_value() == "":
            return None
        token = value.get_secret_value()
        if not token.strip() or len(token.strip()) < MIN_ADMIN_TOKEN:
            raise ValueError(
                f"must be at least {MIN_ADMIN_TOKEN} characters that are not spaces (got {len(token.strip())}); "
                "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value


def settings_from_environment() -> Settings:
    """Settings from CONDSEARCH_* variables; a bad value is a SettingsError naming the variable and the fix."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ENV_PREFIX + "_".join(str(part) for part in error["loc"][:1]).upper()
            problems.append(f"{name}: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError("invalid setting(s): " + "; ".join(problems) + "; fix or unset them") from None
