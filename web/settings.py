"""Application settings from the environment (prefix KETNOI_), with a cached accessor."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable; `KETNOI_DATABASE_URL=postgresql+psycopg://...` for PostgreSQL."""

    model_config = SettingsConfigDict(env_prefix="KETNOI_", extra="ignore")

    database_url: str = "sqlite:///var/ketnoi.db"
    secret_key: str | None = None
    var_dir: Path = Path("var")
    session_max_age: int = 14 * 24 * 3600
    login_attempts: int = 5  # failed logins allowed per window and e-mail address
    login_client_attempts: int = 20  # ... and per client address (a venue shares one)
    login_window_seconds: int = 300
    solve_time_limit: float = 30.0
    solve_time_limit_max: float = 600.0  # the longest solve anyone may ask for
    solve_workers: int = 2  # CP-SAT threads of one solve
    # With SQLite, `ketnoi serve` runs this many solves at once (in child processes).
    local_solvers: int = 2
    # A solve worker tells the database it is alive this often; one silent for
    # `worker_stalled_seconds` is taken as dead and its solve retried once, then failed.
    worker_heartbeat_seconds: float = 10.0
    worker_stalled_seconds: float = 30.0
    # Outgoing mail (web.mail): SMTP when set, otherwise .eml files in <var_dir>/outbox.
    smtp_url: str | None = None
    mail_from: str = "ketnoi@localhost"
    # The mail outbox: first retry after `mail_retry_seconds`, doubling up to the maximum,
    # failed after `mail_attempts`; senders look for due mail every `mail_poll_seconds`.
    mail_retry_seconds: float = 30.0
    mail_retry_max_seconds: float = 3600.0
    mail_attempts: int = 8
    mail_poll_seconds: float = 30.0
    # Minutes after a session starts before its no-shows are listed (late arrivals first).
    no_show_minutes: int = 15
    page_size: int = 25
    catalogue_page_size: int = 12  # cards per page of the participants' catalogue
    secure_cookies: bool = False
    base_url: str = "http://127.0.0.1:8000"

    def get_secret_key(self) -> str:
        """The configured key, or one generated once into var/secret_key and reused."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            key = path.read_text().strip()
            if key:
                self.secret_key = key
                return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n")
        path.chmod(0o600)
        self.secret_key = key
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
