"""What a use case says instead of text: a message code with parameters, and the errors it raises.

Use cases never translate: they return or raise `Msg`s, and the page, API or e-mail that shows
one translates it (`web.messages.text`) into the reader's language at that moment.
"""

from __future__ import annotations

from collections.abc import Mapping


class Msg:
    """A message code (a key of `web.messages.CATALOGUE`) and the values it is formatted with."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = params

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.code, dict(self.params)) == (
            other.code,
            dict(other.params),
        )

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted((k, str(v)) for k, v in self.params.items()))))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Msg({self.code!r}{args})"


class UseCaseError(Exception):
    """A use case refused; `message` says why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.code)
        self.message = message


class NotFound(UseCaseError):
    """The thing asked for does not exist (or is not the caller's to see)."""


class Forbidden(UseCaseError):
    """The caller may not do this."""


class Conflict(UseCaseError):
    """The request clashes with the current state (a solve already running...)."""


class Invalid(UseCaseError):
    """Bad input; `fields` maps form fields to what is wrong with each."""

    def __init__(self, message: Msg, fields: Mapping[str, Msg] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, Msg] = dict(fields or {})
