"""Stage 4d, extract citations: documents a text names (ANNOTATION §7).

Reads a text; returns :class:`~pipeline.models.Reference` records with spans.
Document types and their abbreviations come from ``data/doc_types.tsv``
(Nghị định 30/2020/NĐ-CP, Phụ lục III, and older forms), law-title words
from ``data/law_titles.txt``. Recognised: symbols with and without a year
("30/2020/NĐ-CP", "01/CT-UBND", "9387/UBND-KT"), Party symbols ("34-NQ/TU"),
standards ("TCVN ISO 9001", "ISO/IEC 17025:2017", "QCVN 05A:2020/BCT") and
laws, codes and agreements cited by title ("Luật Đất đai 2024"). Symbols are
normalised: spaces dropped, a missing hyphen after the type abbreviation
restored ("QĐUBND" -> "QĐ-UBND"), OCR's D for Đ mended ("ND-CP" -> "NĐ-CP").
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.lexicon import LOWER, alternation, data_rows, data_words, doc_type_by_abbreviation, doc_type_names
from pipeline.models import Reference

UP = "A-ZĐÐ"
HYPHEN_AFTER = ("TTLT", "TTr", "CTr", "NĐ", "QĐ", "TT", "NQ", "CT", "KH", "TB", "BC", "HD", "KL")
"""Type abbreviations that a symbol's issuer code follows ("QĐUBND" is "QĐ-UBND")."""
LOW = LOWER
YEAR = r"(?:19|20)\d{2}"
SEGMENT = rf"[{UP}][{UP}A-Za-z0-9&]*"
CODE = rf"[{UP}]{{2}}[{UP}A-Za-z0-9&]*"
"""A segment after a hyphen with spaces around it: an issuer code ("QĐ - UBND", "QĐ- TTg"), not a word ("- Quy")."""
SYMBOL = (
    rf"(?P<number>\d{{1,5}}(?:\.\d{{1,3}})?)\s*(?:"
    rf"/\s*(?P<year>{YEAR})\s*/\s*(?P<abbr1>{SEGMENT}(?:\s*-\s*{SEGMENT}|\s(?=[{UP}]{{2,6}}\b){SEGMENT})*)"
    rf"|-\s*(?P<party>[{UP}][A-Za-z{UP}]*)\s*/\s*(?P<org>{SEGMENT})"
    rf"|/\s*(?P<abbr2>{SEGMENT}(?:-{SEGMENT}|\s*-\s*{CODE})*)"
    rf")"
)
DATE = (
    rf"(?P<date>,?\s*ngày\s*(?P<d>\d{{1,2}})\s*(?:/|-|\.|tháng)\s*(?P<m>\d{{1,2}})\s*(?:/|-|\.|năm)\s*"
    rf"(?P<y>{YEAR}))"
)
TRAILING_DATE = re.compile(rf",?\s*ngày\s*(\d{{1,2}})\s*(?:/|-|\.|tháng)\s*(\d{{1,2}})\s*(?:/|-|\.|năm)\s*({YEAR})")
ISSUER_END = re.compile(
    rf"\s+(?:về|V/v|quy\s+định|hướng\s+dẫn|ban\s+hành|phê\s+duyệt|thực\s+hiện|sửa\s+đổi|ngày|năm|tại|đối\s+với|"
    rf"để|và\s+(?:các\s+)?[{LOW}]|và\s+(?:{{types}}))(?!\w)|,(?!\s*[{LOW}])|[;.:\n“\"]|$"
)
STANDARD = re.compile(
    rf"(?<![\w/])(?P<std>(?:TCVN\s+)?(?:ISO/IEC|ISO|TCVN|QCVN|EN)\s*\d+[A-Z]?(?:[-.]\d+)*"
    rf"(?:\s*:\s*{YEAR})?(?:/[{UP}]+(?:/SĐ\d+:{YEAR})?)?)"
)


@lru_cache(maxsize=1)
def _type_words() -> tuple[str, ...]:
    names = set(doc_type_names()) | {"Văn bản", "Công văn", "Chương trình hành động"}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _symbol_pattern() -> re.Pattern[str]:
    types = alternation(_type_words())
    abbreviations = alternation(tuple(sorted({r[1].split(",")[0] for r in data_rows("doc_types.tsv")},
                                             key=len, reverse=True)))
    title_word = rf"(?!(?:{types})\b)[^\s,;:()“”\"]+"
    return re.compile(
        rf"(?:(?P<type>(?i:{types}))(?P<title>(?:\s+{title_word}){{0,8}}?)\s+(?=(?:số|Số)\b|\d)"
        rf"|(?P<abbrtype>{abbreviations})\s+(?=số\b))?"
        rf"(?P<so>(?:số|Số)\s*:?\s*)?(?<![\w/.:-]){SYMBOL}(?![\w/])(?:{DATE}|\s+năm\s+{YEAR}(?![/\d]))?"
    )


@lru_cache(maxsize=1)
def _issuer_end() -> re.Pattern[str]:
    return re.compile(ISSUER_END.pattern.replace("{types}", alternation(_type_words())))


ARTICLE_BEFORE = re.compile(r"\b[Đđ]iều\s+\d+[a-z]?\s+(?:của\s+)?$")
"""An article cited just before a law's head ("Điều 59 Luật địa chất và khoáng sản"): a title even in lower case."""
AMENDING = re.compile(
    r"(?<![\w])Luật\s+sửa\s+đổi,?\s+bổ\s+sung\s+(?:một\s+số\s+điều\s+)?(?:của\s+)?(?:các\s+|\d+\s+)?(?P<inner>)(?=(?:Bộ\s+)?[Ll]uật\s)"
)
"""An amending law, cited by the title of the law it amends ("Luật sửa đổi, bổ sung một số điều của 15 Luật ...")."""
DOCUMENT_WORDS = r"Nghị\s+[Qq]uyết|Nghị\s+[Đđ]ịnh|Chỉ\s+[Tt]hị|Thông\s+[Tt]ư|Quyết\s+[Đđ]ịnh"
"""Another document's type after a law's title ("Luật Địa chất và khoáng sản, Nghị quyết ...") ends the title."""


@lru_cache(maxsize=1)
def _law_pattern() -> re.Pattern[str]:
    heads = alternation(data_words("law_titles.txt"))
    stop = (r"số|năm|có|được|về|và\s+các|để|đã|sẽ|thì|là|này|hiện\s+hành|hiệu\s+lực|thi\s+hành|quy\s+định|"
            r"sửa\s+đổi|của|theo|tại|đối\s+với|trong|ngày|cho|các|phải|đồng\s+thời|trên|trình|thực\s+hiện|và\s+chỉ|"
            r"do|hết|khi|trừ|khoản|bao\s+gồm|nhiệm\s+vụ|xem\s+xét|"
            + DOCUMENT_WORDS + r"|và\s+(?:[Đđ]iều|khoản|điểm|" + DOCUMENT_WORDS + "|" + heads + ")")
    # a title's words have no digits (a footnote mark may follow: "Luật Địa chất và khoáng sản4"); after a comma,
    # another title starts another reference ("Luật Đầu tư, Luật Xây dựng")
    return re.compile(
        rf"(?<![\w])(?P<head>{heads})\s+(?P<first>[\w{UP}À-Ỹ][\wÀ-ỹ]*)"
        rf"(?P<rest>(?:(?:\s+|,\s+(?!(?:{heads})\b)|\s+-\s+)(?!(?:{stop})\b|\d)[^\W\d_]+)*)"
        rf"(?:\s+(?:năm\s+)?(?P<year>{YEAR})(?![/\d])|{DATE})?(?=[\s,;.()”\"\d]|$)"
    )


def find_references(text: str) -> list[Reference]:
    """References in ``text``, left to right, each with its span."""
    found: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for match in _symbol_pattern().finditer(text):
        if not _plausible(match):
            continue
        ref = _from_symbol(match, text)
        found.append(ref)
        taken.append(ref.span)  # type: ignore[arg-type]
    for match in STANDARD.finditer(text):
        if not _overlaps(match.span(), taken):
            std = re.sub(r"\s*:\s*", ":", re.sub(r"\s+", " ", match["std"]))
            std = re.sub(r"^(QCVN|TCVN|ISO|EN)(?=\d)", r"\1 ", std)
            found.append(Reference(text=match.group(), type="Tiêu chuẩn", symbol=std, span=match.span()))
            taken.append(match.span())
    for match in AMENDING.finditer(text):
        if (ref := _amending_law(match, text)) is not None and not _overlaps(ref.span, taken):  # type: ignore[arg-type]
            found.append(ref)
            taken.append(ref.span)  # type: ignore[arg-type]
    for match in _law_pattern().finditer(text):
        ref = _from_law(match)
        if ref is not None and not _overlaps(ref.span, taken):  # type: ignore[arg-type]
            found.append(ref)
            taken.append(ref.span)  # type: ignore[arg-type]
    return sorted(found, key=lambda r: r.span or (0, 0))


def _plausible(match: re.Match[str]) -> bool:
    """A one-part symbol ("01/QĐ", "10/DH") counts only after a type word or "số"."""
    if match["abbr2"] and "-" not in match["abbr2"]:
        return bool(match["type"] or match["so"] or match["abbrtype"])
    return True


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _from_symbol(match: re.Match[str], text: str) -> Reference:
    number = match["number"]
    if match["party"]:
        symbol = f"{number}-{match['party']}/{match['org']}"
        abbreviation = match["party"]
    elif match["year"]:
        abbr = _mend_abbreviation(match["abbr1"])
        symbol = f"{number}/{match['year']}/{abbr}"
        abbreviation = abbr.split("-")[0]
    else:
        abbr = _mend_abbreviation(match["abbr2"])
        symbol = f"{number}/{abbr}"
        abbreviation = abbr.split("-")[0]
    kind = _type_name(match["type"] or (doc_type_by_abbreviation().get(match["abbrtype"].upper())
                                        if match["abbrtype"] else None))
    if kind is None:
        kind = doc_type_by_abbreviation().get(abbreviation.upper(), "Công văn")
    date = _iso(match["d"], match["m"], match["y"]) if match["y"] else None
    end = match.end()
    issuer = None
    tail = re.match(r"\s+của\s+", text[end:])
    if tail:
        who_start = end + tail.end()
        stop = _issuer_end().search(text, who_start)
        who_end = stop.start() if stop else len(text)
        who = _balanced(text[who_start:who_end]).strip()
        if who:
            issuer, end = who, who_start + len(who)
            if date is None and (late := TRAILING_DATE.match(text, end)):
                date, end = _iso(*late.groups()), late.end()
    start = match.start("abbrtype") if match["abbrtype"] else match.start()
    return Reference(text=text[start:end].strip(), type=kind, number=number, symbol=symbol,
                     date=date, issuer=issuer, span=(start, end))


def _balanced(text: str) -> str:
    """Cut at the first ")" that closes a parenthesis opened before the reference."""
    depth = 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth < 0:
            return text[:i]
    return text


def _type_name(word: str | None) -> str | None:
    if not word:
        return None
    word = re.sub(r"\s+", " ", word)
    word = word[:1].upper() + word[1:].lower()
    return {"Chương trình hành động": "Chương trình", "Bộ luật": "Luật"}.get(word, word)


def _iso(d: str, m: str, y: str) -> str | None:
    day, month = int(d), int(m)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{y}-{month:02d}-{day:02d}"


def _mend_abbreviation(abbr: str) -> str:
    """Drop spaces, restore the hyphen after a type abbreviation, and Đ for OCR's D."""
    parts = [p for p in re.split(r"\s*-\s*|\s+", abbr.strip()) if p]
    first = parts[0]
    if len(parts) == 1 or first not in doc_type_by_abbreviation():
        for abbreviation in HYPHEN_AFTER:
            rest = first[len(abbreviation):]
            if (len(abbreviation) >= 2 and first.upper().startswith(abbreviation) and len(rest) >= 2
                    and rest[:1].isupper() and first[: len(abbreviation)] in (abbreviation, abbreviation.title())):
                parts = [first[: len(abbreviation)], rest, *parts[1:]]
                break
    return re.sub(r"(?<![A-ZĐ])(N|Q)D(?=-|/|$)", r"\1Đ", "-".join(parts))


def _amending_law(match: re.Match[str], text: str) -> Reference | None:
    """"Luật sửa đổi, bổ sung một số điều của Luật Xây dựng": the title runs to the end of the law it amends."""
    inner = _law_pattern().match(text, match.end("inner"))
    if inner is None:
        return None
    span = (match.start(), inner.end("rest") if inner["rest"] else inner.end("first"))
    title = re.sub(r"\s+", " ", text[span[0] : span[1]]).strip(" ,")
    return Reference(text=text[span[0] : span[1]], type="Luật", symbol=title, span=span)


def _from_law(match: re.Match[str]) -> Reference | None:
    head, first = match["head"], match["first"]
    title = f"{head} {first}{match['rest'] or ''}".strip(" ,")
    if first[:1].islower() and not (head.lower() == "bộ luật" or match["year"] or match["y"]
                                    or head in ("Công ước", "Hiệp định", "Thỏa thuận", "Thoả thuận")
                                    or ARTICLE_BEFORE.search(match.string, max(0, match.start() - 40), match.start())):
        return None
    if re.match(r"(?:này|hiện\s+hành|khác|và)\b", f"{first}{match['rest'] or ''}"):
        return None  # "Luật này", "Hiệp định này": the text itself; "Hiệp định và Nghị định thư ...": no title
    kind = "Luật" if re.match(r"(?:Bộ\s+)?[Ll]uật", head) else head
    date = match["year"] or (_iso(match["d"], match["m"], match["y"]) if match["y"] else None)
    return Reference(text=match.group().strip(), type=kind, symbol=title, date=date, span=match.span())
