"""Stage 4d, extract citations: documents a text names (ANNOTATION §7).

Reads a text; returns :class:`~pipeline.models.Reference` records with spans.
Document types and their abbreviations come from ``data/doc_types.tsv``
(Nghị định 30/2020/NĐ-CP, Phụ lục III, and older forms), law-title words
from ``data/law_titles.txt``. Recognised: symbols with and without a year
("30/2020/NĐ-CP", "01/CT-UBND", "9387/UBND-KT"), Party symbols ("34-NQ/TU"),
standards ("TCVN ISO 9001", "ISO/IEC 17025:2017", "QCVN 05A:2020/BCT") and
laws, codes and agreements cited by title ("Luật Đất đai 2024").
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.lexicon import alternation, data_words, doc_type_by_abbreviation, doc_type_names
from pipeline.models import Reference

UP = r"A-ZĐÐ"
SYMBOL = (
    rf"(?P<number>\d{{1,5}})\s*(?:"
    rf"/\s*(?P<year>(?:19|20)\d{{2}})\s*/\s*(?P<abbr1>[{UP}][{UP}A-Za-z0-9]*(?:\s*-\s*[{UP}0-9][{UP}A-Za-z0-9]*)*)"
    rf"|-\s*(?P<party>[{UP}][A-Za-z{UP}]*)\s*/\s*(?P<org>[{UP}][{UP}A-Za-z0-9]*)"
    rf"|/\s*(?P<abbr2>[{UP}][{UP}A-Za-z0-9&]*(?:\s*-\s*[{UP}0-9][{UP}A-Za-z0-9&]*)+)"
    rf")"
)
STANDARD = re.compile(
    r"(?<![\w/])(?P<std>(?:TCVN\s+)?(?:ISO/IEC|ISO|TCVN|QCVN)\s+\d+[A-Z]?(?:[-.]\d+)*(?::\s?(?:19|20)\d{2})?"
    rf"(?:/[{UP}]+)?)"
)
DATE = (
    r"(?:\s*,)?\s+ngày\s+(?P<d>\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(?P<m>\d{1,2})"
    r"\s*(?:/|-|\.|\s+năm\s+)\s*(?P<y>(?:19|20)\d{2})"
)
ISSUER = (
    r"(?P<issuer>\s+của\s+(?P<who>[^,;.()\n]+?))(?=\s+(?:về|V/v|quy\s+định|hướng\s+dẫn|ban\s+hành|phê\s+duyệt|"
    r"thực\s+hiện|sửa\s+đổi|và\s+(?:các\s+)?(?:{types}))\b|[,;.()\n]|$)"
)


@lru_cache(maxsize=1)
def _symbol_pattern() -> re.Pattern[str]:
    types = alternation(tuple(sorted(set(doc_type_names()) | {"Văn bản", "Công văn", "Chương trình hành động"},
                                     key=len, reverse=True)))
    return re.compile(
        rf"(?:(?P<type>{types})\s+)?(?:(?:số|Số)\s*:?\s*)?(?<![\w/.-]){SYMBOL}(?![\w/])(?:{DATE})?"
        rf"(?:{ISSUER.format(types=types)})?",
        re.I,
    )


@lru_cache(maxsize=1)
def _law_pattern() -> re.Pattern[str]:
    heads = alternation(data_words("law_titles.txt"))
    return re.compile(
        rf"(?<![\w])(?P<title>(?:{heads})\s+[{UP}À-Ỹ][\wÀ-ỹ]*(?:(?:\s+|,\s+)(?!(?:số|năm|có|được|về|và\s+các|để|"
        rf"và\s+(?:{heads})|"
        rf"đã|sẽ|thì|là|này|hiện\s+hành|hiệu\s+lực|thi\s+hành|quy\s+định|sửa\s+đổi|của|theo|tại|đối\s+với|"
        rf"trong|ngày|cho|các)\b)[\wÀ-ỹ]+)*)"
        rf"(?:\s+(?:số\s+\d+/(?:19|20)\d{{2}}/QH\d+|(?:năm\s+)?(?P<year>(?:19|20)\d{{2}})))?(?=[\s,;.()]|$)",
    )


def find_references(text: str) -> list[Reference]:
    """References in ``text``, left to right, each with its span."""
    found: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for match in _symbol_pattern().finditer(text):
        found.append(_from_symbol(match))
        taken.append(match.span())
    for match in STANDARD.finditer(text):
        if not _overlaps(match.span(), taken):
            std = re.sub(r"\s+", " ", match["std"]).replace(": ", ":")
            found.append(Reference(text=match.group(), type="Tiêu chuẩn", symbol=std, span=match.span()))
            taken.append(match.span())
    for match in _law_pattern().finditer(text):
        if _overlaps(match.span(), taken) or _is_generic_law(match["title"]):
            continue
        title = match["title"].strip(" ,")
        kind = "Luật" if re.match(r"(Bộ\s+)?[Ll]uật", title) else title.split()[0]
        found.append(Reference(text=match.group().strip(), type=kind, symbol=title,
                               date=match["year"], span=match.span()))
        taken.append(match.span())
    return sorted(found, key=lambda r: r.span or (0, 0))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _is_generic_law(title: str) -> bool:
    return bool(re.fullmatch(r"(Bộ\s+)?Luật\s+(này|hiện\s+hành)|Luật", title.strip()))


def _from_symbol(match: re.Match[str]) -> Reference:
    number = match["number"]
    if match["party"]:
        symbol = f"{number}-{match['party']}/{match['org']}"
        abbreviation = match["party"]
    elif match["year"]:
        abbr = re.sub(r"\s+", "", match["abbr1"])
        symbol = f"{number}/{match['year']}/{abbr}"
        abbreviation = abbr.split("-")[0]
    else:
        abbr = re.sub(r"\s+", "", match["abbr2"])
        symbol = f"{number}/{abbr}"
        abbreviation = abbr.split("-")[0]
    symbol = _fix_d(symbol)
    kind = match["type"]
    if kind:
        kind = kind[:1].upper() + kind[1:].lower()
    else:
        kind = doc_type_by_abbreviation().get(abbreviation.upper(), "Công văn")
    date = f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}" if match["y"] else None
    issuer = match["who"].strip() if match["who"] else None
    return Reference(text=match.group().strip(), type=kind, number=number, symbol=symbol,
                     date=date, issuer=issuer, span=match.span())


def _fix_d(symbol: str) -> str:
    """OCR and typing write NĐ, QĐ as ND, QD; restore the Đ."""
    return re.sub(r"(?<![A-Z])(N|Q)D(?=-|/|$)", r"\1Đ", symbol)
