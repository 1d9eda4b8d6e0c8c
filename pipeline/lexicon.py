"""Language data tables in ``pipeline/data``, each read once on first use."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz"
"""The lower-case letters of Vietnamese, for regex classes ("à-ỹ" would also take upper-case letters)."""
UPPER = LOWER.upper()
"""The upper-case letters of Vietnamese."""


@cache
def _text(name: str) -> str:
    return resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")


@cache
def data_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated table, comments and blank lines skipped."""
    rows = []
    for line in _text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(rows)


@cache
def data_words(name: str) -> tuple[str, ...]:
    """One entry a line, longest first (so that alternations match greedily)."""
    return tuple(sorted((row[0] for row in data_rows(name)), key=len, reverse=True))


@cache
def doc_type_names() -> tuple[str, ...]:
    return tuple(sorted((row[0] for row in data_rows("doc_types.tsv")), key=len, reverse=True))


@cache
def doc_type_by_abbreviation() -> dict[str, str]:
    """"QĐ" -> "Quyết định", upper-cased keys, Đ/D folded."""
    table: dict[str, str] = {}
    for name, abbreviations in data_rows("doc_types.tsv"):
        for abbreviation in abbreviations.split(","):
            table.setdefault(abbreviation.upper(), name)
            table.setdefault(abbreviation.upper().replace("Đ", "D"), name)
    return table


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


def fold(text: str) -> str:
    """Text without its tone and vowel marks ("BIÊN BẢN" -> "BIEN BAN"), for text OCR read without them."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def folded_doc_types() -> tuple[tuple[str, str], ...]:
    """(document type, its upper-case form without marks), longest first: "BIEN BAN KIEM TRA" starts with one."""
    return tuple((name, fold(name).upper()) for name in doc_type_names())
