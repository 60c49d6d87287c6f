"""Folding text for search and matching: case, accents and Vietnamese đ ignored."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus marks.
_UNDECOMPOSED = str.maketrans(
    {"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"}
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """`text` lower-cased, without accents, "đ" as "d", runs of white space as one space.

    "Nguyễn Văn Thuật", "nguyen van thuat" and "NGUYEN  VAN THUAT" all fold to
    "nguyen van thuat". This is the key to store in a search column and to compare against the
    folded query.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", bare.casefold()).strip()


def contains(text: str, query: str) -> bool:
    """Whether every word of `query` occurs in `text`, both folded ("nguyen thu" finds
    "Nguyễn Văn Thuật"); an empty query matches everything."""
    haystack = fold(text)
    return all(word in haystack for word in fold(query).split(" ") if word)
