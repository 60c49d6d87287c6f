"""Reading profile text as concepts: products, sectors and certifications, in either language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from scheduler.matching.vocabulary import GENERIC_WORDS, IMPLIES, PRODUCTS, SECTORS, Concept
from scheduler.text import fold

_WORD = re.compile(r"[a-z0-9]+")
_CERTIFICATION = re.compile(r"^(iso|iatf|as|en|ohsas|iec)\s*(?:/\s*ts\s*)?[-/ ]?\s*(\d{3,5})\b")
_YEAR = re.compile(r"\s*[:/-]\s*(19|20)\d\d\b")


def stem(word: str) -> str:
    """An English plural reduced to its singular ("springs" -> "spring", "assemblies" ->
    "assembly"). Vietnamese syllables never end in "s", so they pass unchanged."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """The folded, singular words of `text`."""
    return tuple(stem(w) for w in _WORD.findall(fold(text)))


@cache
def _fold_char(char: str) -> str:
    """One character folded; white space stays a separator, a lone combining mark vanishes."""
    return fold(char) or ("" if unicodedata.combining(char) else " ")


def _spans(text: str) -> list[tuple[str, int, int]]:
    """The folded, singular words of `text`, each with where it stands in `text`."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for c in _fold_char(char):
            folded.append(c)
            origin.append(i)
    return [
        (stem(m.group()), origin[m.start()], origin[m.end() - 1] + 1)
        for m in _WORD.finditer("".join(folded))
    ]


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept found in a text, with the words that said it, as written (shown in reasons)."""

    key: str
    said: str


@dataclass(frozen=True, slots=True)
class _Index:
    # first word -> (label words, concept key), longest label first
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    concepts: dict[str, Concept]


@cache
def _product_index() -> _Index:
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept in PRODUCTS:
        for label in (concept.key, *concept.labels):
            label_words = words(label)
            entry = (label_words, concept.key)
            if entry not in table.setdefault(label_words[0], []):
                table[label_words[0]].append(entry)
    return _Index(
        phrases={
            first: tuple(sorted(entries, key=lambda e: -len(e[0])))
            for first, entries in table.items()
        },
        concepts={c.key: c for c in PRODUCTS},
    )


@cache
def _sector_labels() -> dict[tuple[str, ...], str]:
    return {words(label): key for key, labels in SECTORS.items() for label in (key, *labels)}


def find_products(text: str) -> tuple[tuple[Mention, ...], tuple[str, ...]]:
    """The product concepts named in `text` (longest label first, left to right), and the
    remaining words that no label covered."""
    index = _product_index()
    found: list[Mention] = []
    rest: list[str] = []
    spans = _spans(text)
    tokens = tuple(word for word, _, _ in spans)
    i = 0
    while i < len(tokens):
        for label_words, key in index.phrases.get(tokens[i], ()):
            n = len(label_words)
            if tokens[i : i + n] == label_words:
                found.append(Mention(key, text[spans[i][1] : spans[i + n - 1][2]]))
                i += n
                break
        else:
            rest.append(tokens[i])
            i += 1
    return tuple(found), tuple(rest)


def content_words(tokens: Iterable[str]) -> frozenset[str]:
    """Words that can tell one product from another (no "parts", "and", "sản phẩm")."""
    return frozenset(t for t in tokens if t not in GENERIC_WORDS and not t.isdigit())


def broader(key: str) -> tuple[str, ...]:
    """The product families a concept belongs to."""
    concept = _product_index().concepts.get(key)
    return concept.broader if concept else ()


def sectors_of(key: str) -> tuple[str, ...]:
    """The sectors whose firms make a product concept."""
    concept = _product_index().concepts.get(key)
    return concept.sectors if concept else ()


def sector_key(value: str) -> str:
    """A sector's canonical key ("Phụ tùng ô tô" -> "auto-parts"); an unknown one folded."""
    return _sector_labels().get(words(value), fold(value))


def certification_key(value: str) -> str:
    """A certification's canonical name: "iso9001:2015" and "ISO 9001" -> "ISO 9001"."""
    text = _YEAR.sub("", fold(value)).strip()
    text = re.sub(r"^(chung nhan|chung chi|certified|certificate)\s+", "", text)
    match = _CERTIFICATION.match(text)
    if match:
        return f"{match.group(1).upper()} {match.group(2)}"
    return text.upper()


def certifications_held(values: Iterable[str]) -> dict[str, str]:
    """Canonical certification -> the name the holder gave, including the ones implied
    (an IATF 16949 holder also meets ISO 9001)."""
    held: dict[str, str] = {}
    for value in values:
        if not value.strip():
            continue
        key = certification_key(value)
        held.setdefault(key, value.strip())
        for implied in IMPLIES.get(key, ()):
            held.setdefault(implied, value.strip())
    return held
