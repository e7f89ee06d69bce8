"""Configuration from the environment and an optional .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_FILE = Path("data") / "faggruppe.db"


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
    # How long the service waits for PostgreSQL at start (the CLI never waits).
    db_start_timeout_s: float = Field(30.0, ge=0, validation_alias="DB_START_TIMEOUT_S")

    @property
    def local_mode(self) -> bool:
        """An empty app id means no channel auth, as for the Agents Playground."""
        return not self.app_id

    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file under ./data/ (created on demand)."""
        if self.database_url:
            return self.database_url
        # The folder is created by storage.db.open_database, which says so.
        return f"sqlite:///{DEFAULT_DB_FILE.resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read settings now (tests pass overrides instead of touching os.environ)."""
    return Settings(**overrides)  # type: ignore[arg-type]
