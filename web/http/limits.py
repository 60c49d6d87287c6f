"""Rate limits kept in the database, so that every web process counts the same: failed
sign-ins (per e-mail address and per client address, each on its own), sign-in links asked
for by e-mail."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine
from sqlmodel import Session

from web.usecases import attempts


class LoginLimiter:
    """Attempts per key in a sliding window. A key is "kind:value"; `per_kind` gives a kind
    its own number of attempts (else `attempts`)."""

    def __init__(
        self,
        engine: Engine,
        attempts: int,
        window_seconds: float,
        per_kind: Mapping[str, int] | None = None,
    ) -> None:
        self.engine = engine
        self.attempts = attempts
        self.window = window_seconds
        self.per_kind = dict(per_kind or {})

    def _allowed(self, key: str) -> int:
        kind, sep, _value = key.partition(":")
        return self.per_kind.get(kind, self.attempts) if sep else self.attempts

    def blocked(self, *keys: str) -> bool:
        with Session(self.engine) as db:
            return any(attempts.count(db, k, self.window) >= self._allowed(k) for k in keys)

    def fail(self, *keys: str) -> None:
        with Session(self.engine) as db:
            attempts.record(db, keys, self.window)

    def reset(self, *keys: str) -> None:
        with Session(self.engine) as db:
            attempts.forget(db, keys)
