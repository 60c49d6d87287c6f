"""Finding people by what a person types: accents, case and "đ" ignored, on either database.

Rows keep their searchable text folded (`search_key`, `profile_key`, written by web.models on
every insert and update); a query is folded the same way (scheduler.text.fold) and each of
its words must occur in one of the given columns. "nguyen", "Nguyễn" and "NGUYEN" are one
query; "Mai Dang" finds "Mai Đặng" and "Đặng Thị Mai". Plain LIKE on already folded text:
the same answer on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from scheduler.text import fold

MAX_WORDS = 8  # words of one query that are used (a pasted paragraph is not a query)


def words(query: str) -> list[str]:
    """The folded words of `query`, at most MAX_WORDS, each once."""
    return list(dict.fromkeys(w for w in fold(query).split(" ") if w))[:MAX_WORDS]


def _pattern(word: str) -> str:
    # % and _ typed by a person are characters, not wildcards
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(query: str, *columns: Any) -> ColumnElement[bool] | None:
    """Every word of `query` occurs in one of `columns` (folded text columns); None for a
    query without words (nothing to filter)."""
    found = words(query)
    if not found:
        return None
    return and_(
        *(or_(*(column.like(_pattern(word), escape="\\") for column in columns)) for word in found)
    )
