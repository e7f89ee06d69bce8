"""Configuration from the environment and an optional .env file."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_FILE = Path("data") / "faggruppe.db"
GRAPH_FEATURES = ("calendar", "answers", "attendance", "chatinstall")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ConfigError(ValueError):
    """Settings the bot cannot start with; the message is Norwegian."""


class Settings(BaseSettings):
    """Every setting the bot reads; names match the Azure Bot Service conventions.

    Time zone (Europe/Oslo) and locale (nb-NO) are fixed in core/timefmt.py: the data is
    stored in UTC and every member of the group reads Norwegian.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    app_password: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    app_type: str = Field(
        "MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )
    database_url: str = Field("", validation_alias="DATABASE_URL")
    host: str = Field("127.0.0.1", validation_alias="HOST")
    port: int = Field(3978, validation_alias="PORT")
    bot_name: str = Field("Faggruppe-bot", validation_alias="BOT_NAME")
    public_url: str = Field("", validation_alias="PUBLIC_URL")
    # HMAC key for calendar links; empty: derived from the app password, else kept in the DB.
    ics_secret: str = Field("", validation_alias="ICS_SECRET")
    # Microsoft Graph (Outlook events with a Teams meeting): off while GRAPH_ORGANIZER is empty.
    graph_organizer: str = Field("", validation_alias="GRAPH_ORGANIZER")
    graph_authority: str = Field("", validation_alias="GRAPH_AUTHORITY")
    graph_base_url: str = Field("https://graph.microsoft.com/v1.0",
                                validation_alias="GRAPH_BASE_URL")
    graph_features: str = Field("calendar,answers", validation_alias="GRAPH_FEATURES")
    # How long the service waits for PostgreSQL at start (the CLI never waits).
    db_start_timeout_s: float = Field(30.0, ge=0, validation_alias="DB_START_TIMEOUT_S")
    # Local mode (no app id: no channel auth) on a non-loopback address is refused at start
    # unless forced: anyone who can reach the port could then speak as any user.
    allow_unauthenticated: bool = Field(False, validation_alias="ALLOW_UNAUTHENTICATED")
    # Comma-separated tenant GUIDs allowed to talk to the bot; empty: MicrosoftAppTenantId's
    # tenant; "*": every tenant (only when set so explicitly).
    allowed_tenants: str = Field("", validation_alias="ALLOWED_TENANTS")
    # Chat messages per user per process per minute; card actions are not counted.
    user_messages_per_minute: int = Field(30, ge=1, validation_alias="USER_MESSAGES_PER_MINUTE")
    # "text" for a terminal, "json" (one object per line) for log collectors.
    log_format: str = Field("text", validation_alias="LOG_FORMAT")
    # Empty: /metrics answers loopback callers only; set: a bearer token is required instead.
    metrics_token: str = Field("", validation_alias="METRICS_TOKEN")
    # How often each process looks for due scheduled work (tests shorten it to count ticks).
    scheduler_tick_s: float = Field(0.5, gt=0, validation_alias="SCHEDULER_TICK_S")

    @property
    def local_mode(self) -> bool:
        """An empty app id means no channel auth, as for the Agents Playground."""
        return not self.app_id

    def tenant_allowlist(self) -> frozenset[str] | None:
        """Tenants allowed in auth mode (lower case); None: every tenant ("*")."""
        raw = [t.strip().lower() for t in self.allowed_tenants.split(",") if t.strip()]
        if "*" in raw:
            return None
        if not raw and self.app_tenant_id:
            raw = [self.app_tenant_id.strip().lower()]
        return frozenset(raw)

    def start_problems(self) -> list[str]:
        """Why this configuration must not serve (Norwegian sentences); empty: fine."""
        problems = []
        if self.local_mode and not is_loopback_host(self.host) and not self.allow_unauthenticated:
            problems.append(
                f"HOST={self.host} er ikke en lokal adresse, og MicrosoftAppId er tom (lokal modus "
                "uten autentisering): alle som når porten kan da skrive som hvem som helst. "
                "Sett MicrosoftAppId, lytt på 127.0.0.1, eller sett ALLOW_UNAUTHENTICATED=1 "
                "hvis det er meningen (for eksempel en utviklingscontainer med Agents Playground).")
        if not self.local_mode and self.tenant_allowlist() == frozenset():
            problems.append(
                "Verken ALLOWED_TENANTS eller MicrosoftAppTenantId er satt: da kan enhver "
                "Microsoft 365-organisasjon bruke boten. Sett ALLOWED_TENANTS til én eller flere "
                "tenant-ID-er (kommaseparert), eller ALLOWED_TENANTS=* for å tillate alle.")
        return problems

    def graph_feature(self, name: str) -> bool:
        """Is this Graph feature on? Never without an organizer mailbox."""
        wanted = {f.strip().lower() for f in self.graph_features.split(",") if f.strip()}
        return bool(self.graph_organizer.strip()) and name in wanted

    def resolved_graph_authority(self) -> str:
        """GRAPH_AUTHORITY, else the customer's own tenant (botframework.com cannot issue it)."""
        if self.graph_authority.strip():
            return self.graph_authority.strip().rstrip("/")
        if self.app_tenant_id.strip():
            return f"https://login.microsoftonline.com/{self.app_tenant_id.strip()}"
        return ""

    def graph_problems(self) -> list[str]:
        """Why the Graph settings cannot work, in Norwegian; empty when they can (or are off)."""
        if not self.graph_organizer.strip():
            return []
        problems = []
        unknown = sorted({f.strip().lower() for f in self.graph_features.split(",")
                          if f.strip()} - set(GRAPH_FEATURES))
        if unknown:
            problems.append(f"GRAPH_FEATURES har ukjente funksjoner: {', '.join(unknown)} "
                            f"(kjente: {', '.join(GRAPH_FEATURES)})")
        if not self.local_mode and not self.resolved_graph_authority():
            problems.append("GRAPH_ORGANIZER er satt, men verken GRAPH_AUTHORITY eller "
                            "MicrosoftAppTenantId: en flerleietaker-bot kan ikke hente "
                            "Graph-tokener fra botframework.com")
        url = urlsplit(self.graph_base_url)
        loopback = url.scheme == "http" and url.hostname in LOOPBACK and self.local_mode
        if not (url.scheme == "https" and url.hostname) and not loopback:
            problems.append("GRAPH_BASE_URL må være https (http bare mot 127.0.0.1 i lokal modus)")
        return problems

    def check(self) -> None:
        """Refuse to start on settings that cannot work (ConfigError, in Norwegian)."""
        problems = self.graph_problems()
        if problems:
            raise ConfigError("; ".join(problems))

    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file under ./data/ (created on demand)."""
        if self.database_url:
            return self.database_url
        # The folder is created by storage.db.open_database, which says so.
        return f"sqlite:///{DEFAULT_DB_FILE.resolve()}"


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: only this machine can reach them."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def load_settings(**overrides: object) -> Settings:
    """Read settings now (tests pass overrides instead of touching os.environ)."""
    return Settings(**overrides)  # type: ignore[arg-type]
