"""What a text field may hold, the same on every entry path (forms, imports, the portal,
`b2b-event/1` documents, the API).

Names, ids and addresses end up in e-mail headers, iCalendar lines, CSV cells and download
file names, where a raw line break splits a header or a content line in two: a single-line
field holds no control character at all. E-mail addresses are checked by one rule.
"""

from __future__ import annotations

import re
import unicodedata

MAX_EMAIL = 254  # RFC 5321: the longest address a mail server takes
# local@domain.tld: no spaces, no second @, nothing that needs quoting in a header.
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\\\"]+@[^\s@<>()\[\],;:\\\"]+\.[^\s@<>()\[\],;:\\\".]+")
# Line and paragraph separators that are not control characters but break lines all the same.
_SEPARATORS = {"\u2028", "\u2029"}


def is_single_line(value: str) -> bool:
    """No line break, tab or other control character (Unicode category Cc, and the line
    and paragraph separators). NUL is let through: every statement drops it (`web.db`)."""
    return not any(
        (unicodedata.category(c) == "Cc" and c != "\x00") or c in _SEPARATORS for c in value
    )


def multi_line(value: str) -> str:
    """A text area's value with its line breaks as "\\n" and no other control character."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join("".join(c for c in line if is_single_line(c)) for line in lines)


def one_line(value: str) -> str:
    """Text stored before single-line fields were checked, made safe where one line is
    needed (an iCalendar parameter, a mail header): every run of whitespace or control
    characters becomes one space."""
    cleaned = "".join(c if is_single_line(c) else " " for c in value)
    return " ".join(cleaned.split())


def email_address(value: str) -> str | None:
    """The address in lower case, or None unless it is one plain `local@domain.tld`."""
    address = value.strip().lower()
    if len(address) > MAX_EMAIL or not is_single_line(address):
        return None
    return address if _EMAIL.fullmatch(address) else None
