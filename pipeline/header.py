"""Stage 4e, extract document fields: the parsed header -> :class:`DocumentInfo` (ANNOTATION §2).

Reads the :class:`~pipeline.structure.Structure` of one document; writes its
header fields with ISO dates, the issuer resolved (parent and issuer lines,
or, when the header prints none, the unit whose initials spell the issuer
code of the symbol) and the "Căn cứ" references.
"""

from __future__ import annotations

import calendar
import re

from pipeline.legacy import is_syllable
from pipeline.lexicon import doc_type_by_abbreviation, fold, folded_doc_types
from pipeline.models import DocumentInfo
from pipeline.references import find_references
from pipeline.structure import Header, Structure, standard_type
from pipeline.units import unit_heads

TERRITORY = re.compile(r"^(TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN)\b")
MEETING = re.compile(r"\b(cuộc\s+họp|họp|hội\s+nghị|buổi\s+làm\s+việc|kết\s+luận|làm\s+việc)\b", re.I)
TODAY = re.compile(r"Hôm\s+nay\b", re.I)
ORDINAL_TAIL = re.compile(r"\s+(?:[IVXLC]+|\d{1,3})\.?$")
"""The number after a title that names a part ("PHỤ LỤC VIII"): no part of the document's type."""
DAY = re.compile(
    r"(?:Ngày|ngày)\s+(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*((?:19|20)\d{2})"
)


def document_info(structure: Structure) -> DocumentInfo:
    header = structure.header
    issuer_lines, title = header.issuer_lines, header.doc_type_line
    if untitled_memo := _title_without_issuer(header):  # "NHẬN XÉT, PHẢN BIỆN PHÁP LÝ" atop a memo: its type
        issuer_lines, title = [], untitled_memo
    if standard := standard_type(title or ""):  # its code line ("ĐLVN", "SỬA ĐỔI 1:2024 QCVN ...") is no issuer
        issuer_lines = [line for line in issuer_lines if _names_unit(line)]
    issuer, parent = _issuer(issuer_lines, structure)
    info = DocumentInfo(
        doc_type=standard or _doc_type(title, header.subject, header.symbol)
        or (_display(ORDINAL_TAIL.sub("", untitled_memo), structure.text) if untitled_memo else None),
        number=header.number,
        symbol=header.symbol,
        issuer=issuer,
        parent_issuer=parent,
        place=header.place,
        issued_date=_iso(header.date) or _minutes_date(structure),
        subject=header.subject,
        signer=header.signer,
        signer_title=_title_case(header.signer_title) if header.signer_title else None,
        recipients=header.recipients,
    )
    if info.issuer is None and info.symbol:
        info.issuer = _issuer_from_symbol(info.symbol, structure.text)
    if _is_meeting(info.subject):
        info.meeting_date = _meeting_date(structure)
    for line, (start, _) in header.basis:
        for ref in find_references(line):
            if ref.span:
                ref.span = (ref.span[0] + start, ref.span[1] + start)
            info.references.append(ref)
    return info


def _title_without_issuer(header: Header) -> str | None:
    """The one upper-case line atop a text with no title or date in its header: a known type ("PHƯƠNG ÁN NỔ MÌN" over
    its number), or, with no number either, any line that names no unit (a memo's "NHẬN XÉT, PHẢN BIỆN PHÁP LÝ")."""
    lines = header.issuer_lines
    if len(lines) != 1 or header.doc_type_line or header.date:
        return None
    if _doc_type(lines[0], None, None):
        return lines[0]
    if header.number or header.symbol or unit_heads().search(lines[0][:1] + lines[0][1:].lower()):
        return None
    return lines[0]


def _iso(parts: tuple[str | None, str | None, str | None] | None) -> str | None:
    if not parts or not parts[2]:
        return None
    day, month, year = parts
    if not month or not 1 <= int(month) <= 12:
        return year
    if not day or not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _doc_type(title: str | None, subject: str | None, symbol: str | None) -> str | None:
    if title:
        upper = fold(title).upper()
        for name, folded in folded_doc_types():
            if upper.startswith(folded):
                return name
        if garbled := _garbled_type(title):
            return garbled
    if symbol:
        first = re.split(r"[-/]", symbol)[0].upper()
        if first in doc_type_by_abbreviation():
            return doc_type_by_abbreviation()[first]
        return "Công văn"
    return "Công văn" if subject else None


def _garbled_type(title: str) -> str | None:
    """The type of a title that OCR garbled by one letter into a word that is no syllable ("BITN BAN KIEM TRA" ->
    "Biên bản"); only types of two words or more, so that the other words read as printed."""
    words = title.split()
    folded = fold(title).upper().split()
    if len(words) != len(folded):
        return None
    for name, type_folded in folded_doc_types():
        target = type_folded.split()
        if len(target) < 2 or len(folded) < len(target):
            continue
        wrong = [i for i, want in enumerate(target) if folded[i] != want]
        if len(wrong) != 1:
            continue
        i = wrong[0]
        if not is_syllable(words[i]) and _one_letter_apart(folded[i], target[i]):
            return name
    return None


def _one_letter_apart(word: str, other: str) -> bool:
    return len(word) == len(other) and sum(a != b for a, b in zip(word, other, strict=True)) == 1


def _issuer(lines: list[str], structure: Structure) -> tuple[str | None, str | None]:
    lines = _join_continuations([line for line in lines if not re.match(r"^(Số|V/v)\b", line)])
    named = [i for i, line in enumerate(lines) if _names_unit(line) or (i and TERRITORY.match(line))]
    if named:
        lines = lines[: named[-1] + 1]  # "BỘ XÂY DỰNG" over the title of the guide it issues: the title is no unit
    if not lines:
        return None, None
    if len(lines) == 1:
        return _display(lines[0], structure.text), None
    last = lines[-1]
    if TERRITORY.match(last):
        return _display(" ".join(lines[-2:]), structure.text), (" ".join(lines[:-2]) or None)
    return _display(last, structure.text), " ".join(lines[:-1])


def _names_unit(line: str) -> bool:
    """Does an upper-case header line open with a unit's head ("SỞ CÔNG THƯƠNG", "UBND TỈNH LÀO CAI")?"""
    sentence_case = line[:1] + line[1:].lower()
    return bool(unit_heads().match(sentence_case) or unit_heads().match(line))


def _join_continuations(lines: list[str]) -> list[str]:
    """"ĐOÀN KIỂM TRA / THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT" is one name on three lines, and so is "CỤC ĐỔI MỚI SÁNG
    TẠO, / CHUYỂN ĐỔI XANH VÀ / KHUYẾN CÔNG" (a line that ends with a comma or "VÀ" goes on)."""
    out: list[str] = []
    for line in lines:
        if out and (re.match(r"^(THEO|SỐ|VỀ|CỦA|TẠI|THUỘC|KHU\s+VỰC)\b", line) or re.search(r"(,|\sVÀ)$", out[-1])):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _display(name: str, text: str) -> str:
    """An upper-case header name written as the body writes it, else in sentence case."""
    name = re.sub(r"\s+", " ", name).strip()
    pattern = re.compile(re.escape(name).replace(r"\ ", r"\s+"), re.I)
    for match in pattern.finditer(text):
        if not match.group().isupper():
            return match.group()
    return _title_case(name)


def _abbreviation(word: str) -> bool:
    """An upper-case abbreviation ("UBND", "QĐ-SCT", "ĐLVN") or a Roman numeral ("VIII"): not a syllable, at most one
    vowel."""
    return word.isupper() and (bool(re.fullmatch(r"[IVXLC]+", word)) or (
        not is_syllable(word) and len(re.findall(r"[AEIOUY]", fold(word))) <= 1))


def _title_case(name: str) -> str:
    """Sentence case, place names after "tỉnh", "thành phố" ... capitalised, abbreviations ("UBND") kept."""
    lower = " ".join(w if _abbreviation(w.strip(",.;:()")) else w.lower() for w in name.split(" "))
    lower = re.sub(r"\b(ủy ban nhân dân|uỷ ban nhân dân)\b", "Ủy ban nhân dân", lower)
    lower = re.sub(
        r"\b(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(.+)$",
        lambda m: f"{m[1]} " + " ".join(w[:1].upper() + w[1:] for w in m[2].split()),
        lower,
    )
    return lower[:1].upper() + lower[1:]


def _issuer_from_symbol(symbol: str, text: str) -> str | None:
    """"TB-SKHCN" -> the unit named in the text whose initials spell SKHCN."""
    codes = [p for p in re.split(r"[-/]", symbol) if p and not p.isdigit()
             and p.upper() not in doc_type_by_abbreviation()]
    for code in (c.upper().replace("Đ", "D") for c in codes):
        for head in unit_heads().finditer(text):
            initials, words = "", re.finditer(r"\w+", text[head.start() : head.start() + 120])
            for word in words:
                if word.group().lower() == "và":
                    continue
                initials += word.group()[0].upper().replace("Đ", "D")
                if initials == code:
                    return text[head.start() : head.start() + word.end()]
                if not code.startswith(initials):
                    break
    return None


def _is_meeting(subject: str | None) -> bool:
    return bool(subject and MEETING.search(subject))


def _minutes_date(structure: Structure) -> str | None:
    """The day minutes say they were drawn up ("Hôm nay, ngày 26/5/2026, tại ..."), for minutes that print no date
    line in their header."""
    for block in structure.blocks[:8]:  # the preamble's blocks come first
        if (today := TODAY.search(block.text)) and (m := DAY.search(block.text, today.end(), today.end() + 60)):
            return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    return None


def _meeting_date(structure: Structure) -> str | None:
    for block in structure.preamble[:3]:
        if m := DAY.search(block.text):
            return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    return None
