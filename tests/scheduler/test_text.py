"""Folding names for accent- and case-insensitive search (scheduler.text)."""

from __future__ import annotations

from scheduler.text import contains, fold


def test_accented_bare_and_upper_case_names_fold_alike() -> None:
    assert {fold("Nguyễn"), fold("nguyen"), fold("NGUYEN"), fold("NGUYỄN")} == {"nguyen"}


def test_d_with_stroke_folds_to_d() -> None:
    assert fold("Đặng đức") == "dang duc"


def test_horn_and_breve_vowels_lose_their_marks() -> None:
    assert fold("Trương Thị Ưng Ắ") == "truong thi ung a"


def test_white_space_runs_become_one_space() -> None:
    assert fold("  Mai \t Đăng\n") == "mai dang"


def test_contains_finds_every_query_word_in_any_order() -> None:
    assert contains("Nguyễn Văn Thuật", "thuat NGUYEN")


def test_contains_rejects_a_missing_word() -> None:
    assert not contains("Nguyễn Văn Thuật", "nguyen lan")
