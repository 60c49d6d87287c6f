"""One rule for single-line fields and e-mail addresses."""

from __future__ import annotations

import pytest

from web.usecases.inputs import email_address, is_single_line, multi_line, one_line


@pytest.mark.parametrize("value", ["Hai Phong fair", "Nguyễn Văn An", "A–B “quoted”", ""])
def test_ordinary_text_is_one_line(value: str) -> None:
    assert is_single_line(value)


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\tb", "a\x1bb", "a\u2028b", "a\x85b"])
def test_a_line_break_or_control_character_is_not_one_line(value: str) -> None:
    assert not is_single_line(value)


def test_a_text_area_keeps_its_lines_without_carriage_returns() -> None:
    assert multi_line("one\r\ntwo\rthree\x07") == "one\ntwo\nthree"


def test_stored_text_with_line_breaks_becomes_one_line() -> None:
    assert one_line("Fair\r\n  of\tHanoi") == "Fair of Hanoi"


def test_an_address_is_kept_in_lower_case() -> None:
    assert email_address("  An@Example.VN ") == "an@example.vn"


@pytest.mark.parametrize(
    "value",
    [
        "an@example.vn\r\nBcc: all@example.org",
        "an example@example.vn",
        "an@@example.vn",
        "an@example",
        "<an@example.vn>",
        "an@example.vn,b@example.vn",
        "a" * 250 + "@example.vn",
        "not-an-email",
    ],
)
def test_anything_but_one_plain_address_is_refused(value: str) -> None:
    assert email_address(value) is None
