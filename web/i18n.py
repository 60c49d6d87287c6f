"""Translations: minimal English-only version written by the organiser app.

The participant-portal helper (issue #4) owns this module and extends it (locale middleware,
Vietnamese catalogue), keeping `install(env)` and `_(s)`.
"""

from __future__ import annotations

import jinja2


def _(s: str) -> str:
    """Translate a user-visible Python string (identity until catalogues land)."""
    return s


def install(env: jinja2.Environment) -> None:
    """Make `_`, `gettext` and `ngettext` available in templates."""
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
