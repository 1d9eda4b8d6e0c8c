"""Stage 3, structure: normalised text -> header fields and a tree of body blocks.

Reads the output of :mod:`pipeline.normalise` (one logical line per
paragraph); writes a :class:`Structure`: the raw header and closing fields,
the addressees ("Kính gửi"), the "Căn cứ" lines, and the body as
:class:`Block` s (headings, items, paragraphs, task-table rows) with their spans, nesting and
the role of the part they stand in (assign, purpose, assessment, preamble,
closing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.lexicon import data_rows, fold, folded_doc_types
from pipeline.tables import Table, find_tables, table_at

MOTTO = re.compile(
    r"^(CỘNG\s+H(?:OÀ|ÒA|ÕA)\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]\s*Tự\s+do|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM)", re.I
)
RULE = re.compile(r"^[\s_\-=*.–—]{3,}$")
NUMBER_LINE = re.compile(
    r"^(?:(?:Bộ\s+)?[Ll]uật\s+)?[Ss]ố\s*[:.]?\s*(?P<number>[\d.]*)\s*"
    r"(?P<symbol>[/\-]?\s*[^\s,;]*(?:\s*[-–]\s+[A-ZĐ][^\s,;]*|\s+[-–]\s*[A-ZĐ][^\s,;]*)*)"
)
"""A "Số:" line; a symbol printed with spaces around its hyphens ("4280 /SCT - CN") is one symbol."""
SYMBOL_ONLY = re.compile(r"^/\s*(?P<symbol>[A-ZĐ][\wĐđ/.-]*)$")
PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,;:()]{2,40}?)\s*,\s*ngày\s*(?P<day>\d{1,2})?\s*(?:tháng|/)\s*(?P<month>\d{1,2})?"
    r"\s*(?:năm|/)\s*(?P<year>\d{4})",
    re.I,
)
STANDARD_TITLE = re.compile(r"^(?P<type>TIÊU\s+CHUẨN|QUY\s+CHUẨN\s+KỸ\s+THUẬT|VĂN\s+BẢN\s+KỸ\s+THUẬT)\b\s*(?P<rest>.*)")
"""The type line of a technical standard ("TIÊU CHUẨN VIỆT NAM", "QUY CHUẨN KỸ THUẬT QUỐC GIA VỀ ...", "VĂN BẢN KỸ
THUẬT ĐO LƯỜNG VIỆT NAM"): its title even with no issuer above it, and however long; its type is the opening words
("Tiêu chuẩn"). Its code and revision lines (:data:`STANDARD_CODE`) are skipped; the upper-case lines after them are
its subject. Kept out of ``data/doc_types.tsv``: "Luật Tiêu chuẩn và quy chuẩn kỹ thuật" is cited as a law."""
STANDARD_CODE = re.compile(r"^(?:SỬA\s+ĐỔI|SOÁT\s+XÉT|TCVN|QCVN|ĐLVN)\b")
STANDARD_SCOPE = re.compile(r"^(?:ĐO\s+LƯỜNG\s+)?(?:VIỆT\s+NAM|QUỐC\s+GIA|ĐỊA\s+PHƯƠNG)\s*")


def standard_type(title: str) -> str | None:
    """"Tiêu chuẩn" for "TIÊU CHUẨN VIỆT NAM", "Quy chuẩn kỹ thuật" for "QUY CHUẨN KỸ THUẬT QUỐC GIA ..."."""
    m = STANDARD_TITLE.match(title)
    return m["type"][0] + re.sub(r"\s+", " ", m["type"][1:]).lower() if m else None


SUBJECT_START = re.compile(r"^(V/v|V/V|Về\s+việc)\s*[:.]?\s*", re.I)
SIGN_PREFIX = re.compile(r"^(KT|TL|TM|TUQ|Q|PT|UQ)\s*\.\s*", re.I)
NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
PERSON_TITLE = re.compile(r"^(Ông|Bà|Đ/c|Đồng chí)\.?\s+", re.I)
INTRO_END = re.compile(r"(như\s+sau|sau\s+đây|dưới\s+đây|cụ\s+thể|kết\s+luận|yêu\s+cầu|chỉ\s+đạo)\s*:\s*$", re.I)
AUTHORITY = re.compile(r"^(ỦY\s+BAN|UỶ\s+BAN|UBND|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|CHỦ\s+TỊCH|THỦ\s+TƯỚNG|HỘI\s+ĐỒNG|"
                       r"CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN|CỤC\s+TRƯỞNG)\b")
ATTACHMENT = re.compile(r"^(PHỤ\s+LỤC|DANH\s+MỤC)\b")
REQUEST_ANNEX = re.compile(
    r"^Phụ\s+lục(?:\s+(?:số\s+)?[\dIVXLC]+)?\s*:.*(?:yêu\s+cầu|nhiệm\s+vụ|phân\s+công|trách\s+nhiệm|đề\s+nghị)", re.I
)
"""An annex titled in sentence case that lists requested work ("Phụ lục: NỘI DUNG YÊU CẦU BÁO CÁO TẠI CUỘC HỌP"): read
as a document of its own, unless a task table follows (then the table is read as before)."""
CLOSING = re.compile(r"^(Trên\s+đây\s+là|Nơi\s+nhận)", re.I)

MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(r"^(?P<m>(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+[\dIVXLC]+\.?)\s*[:.]?\s*")),
    ("article", re.compile(r"^(?P<m>Điều\s+\d+\s*[.:])\s*")),
    ("roman", re.compile(r"^(?P<m>[IVXLC]{1,6}\s?[.)])\s*")),
    ("arabic3", re.compile(r"^(?P<m>\d{1,2}\.\d{1,2}\.\d{1,2}\.?)\s+")),
    ("arabic2", re.compile(r"^(?P<m>\d{1,2}\.\d{1,2}\.?)\s+")),
    ("arabic", re.compile(r"^(?P<m>(?:\d{1,2}|§)\s?[.)])\s*(?=\S)")),  # OCR reads a 5 or an 8 as "§"
    ("letter", re.compile(r"^(?P<m>[a-zđ]\s?[).])\s+")),
    ("paren", re.compile(r"^(?P<m>\(\d{1,2}\)\.?)\s+(?=\S)")),  # "(1). Lập đường dây nóng ..."
    ("dash", re.compile(r"^(?P<m>[-–—])\s*")),
    ("ordinal", re.compile(r"^(?P<m>(?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)\s+là\s*[,:])\s*")),
    ("plus", re.compile(r"^(?P<m>\+)\s*")),
    ("bullet", re.compile(r"^(?P<m>[•●▪■►✓○*])\s*")),
]
NUMBERED = ("part", "article", "roman", "arabic", "arabic2", "arabic3", "letter", "paren")
RANK = {kind: rank for rank, kind in enumerate(NUMBERED)}


@dataclass
class Block:
    """One logical line of the body: a heading, a list item or a paragraph."""

    index: int
    kind: str  # marker kind from MARKERS, or "para"
    marker: str | None
    text: str
    span: tuple[int, int]
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    role: str = "assign"
    part: int = 0  # 0: the document itself; 1, 2 ...: documents attached after its signature
    quoted: bool = False
    """Inside a quotation ("Khoản 1 Điều 12 Luật X quy định: “...”"): cited text, not work."""
    cells: dict[str, list[tuple[str, tuple[int, int]]]] = field(default_factory=dict)
    """A task table's row (kind "row"): its other columns ("lead", "support", "time", ...), line by line."""

    @property
    def numbered(self) -> bool:
        return self.kind in NUMBERED

    @property
    def is_sentence(self) -> bool:
        """A numbered item that is a full instruction ("1.1. Triển khai ... ."), not a heading."""
        text = self.text.strip()
        return (self.numbered and len(text) > 60 and text.endswith((".", ";")) and section_role(text) is None
                and not re.match(r"(Về|Đối\s+với|Công\s+tác)\s", text))

    @property
    def heading(self) -> str:
        """The block as printed, marker included ("1. Sở Tài chính")."""
        return f"{self.marker} {self.text}" if self.marker else self.text


@dataclass
class Header:
    """Header and closing fields as printed; dates still as strings."""

    issuer_lines: list[str] = field(default_factory=list)
    number: str | None = None
    symbol: str | None = None
    place: str | None = None
    date: tuple[str | None, str | None, str | None] | None = None  # day, month, year
    doc_type_line: str | None = None
    subject: str | None = None
    addressees: list[str] = field(default_factory=list)
    basis: list[tuple[str, tuple[int, int]]] = field(default_factory=list)  # "Căn cứ" lines
    recipients: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_title: str | None = None


@dataclass
class Structure:
    text: str
    header: Header
    blocks: list[Block]
    preamble: list[Block]


def parse(text: str) -> Structure:
    """Split normalised text into header, body blocks and closing, then attached documents."""
    lines = _lines_with_offsets(text)
    header = Header()
    body_start = _parse_header(lines, header)
    body_end, closing_end = _parse_closing(lines, body_start, header)
    blocks = _blocks(lines[body_start:body_end], header)
    _nest(blocks)
    main_role = _default_role(header.doc_type_line)
    preamble = _assign_roles(blocks, main_role)
    for number, (start, end, role) in enumerate(_attachments(lines, closing_end), start=1):
        part = _blocks(lines[start:end], Header(), first_index=len(blocks), part=number)
        _nest(part)
        _assign_roles(part, role or main_role)  # a phụ lục without a type of its own reads like its document
        blocks.extend(part)
    _activity_rows(blocks)
    return Structure(text=text, header=header, blocks=blocks, preamble=preamble)


ACTIVITY_FIELD = re.compile(
    r"^(?P<label>Thời\s+gian(?:\s+dự\s+kiến|\s+thực\s+hiện)?|Địa\s+điểm(?:\s+thực\s+hiện)?"
    r"|(?:Đơn\s+vị|Cơ\s+quan)\s+(?:chủ\s+trì|phối\s+hợp|thực\s+hiện)(?:\s+thực\s+hiện)?|Chủ\s+trì|Phối\s+hợp"
    r"|Kinh\s+phí(?:\s+thực\s+hiện)?|Thành\s+phần|(?:Hình\s+thức|Quy\s+mô|Nội\s+dung|Đối\s+tượng|Phương\s+thức)[^:]{0,30})"
    r"\s*:\s*(?P<value>\S.*?)[.;]?$"
)
"""A line of an activity's particulars ("Thời gian dự kiến: ...", "Đơn vị chủ trì: ...", "Đơn vị phối hợp: ...")."""


def _activity_column(label: str) -> str | None:
    label = label.lower()
    if "chủ trì" in label:
        return "lead"
    if "phối hợp" in label or ("thực hiện" in label and label.startswith(("đơn vị", "cơ quan"))):
        return "support"  # the executors are partners (ANNOTATION §4)
    if label.startswith("thời gian"):
        return "time"
    return None


def _activity_rows(blocks: list[Block]) -> None:
    """An activity of an event plan ("2.1. Chương trình nghệ thuật ..." over "Thời gian: ...", "Đơn vị chủ trì:
    ...", "Đơn vị phối hợp: ...") is a task-table row printed as a list: the heading becomes a row whose cells
    are its particulars, and the particulars are no tasks of their own."""
    for block in blocks:
        if not (block.numbered and block.children and block.role == "assign"):
            continue
        fields = [(blocks[i], ACTIVITY_FIELD.match(blocks[i].text.strip())) for i in block.children]
        if not all(m for _, m in fields):
            continue
        cells: dict[str, list[tuple[str, tuple[int, int]]]] = {}
        for child, m in fields:
            if column := _activity_column(m["label"]):
                start = child.span[0] + m.start("value")
                cells.setdefault(column, []).append((m["value"], (start, start + len(m["value"]))))
        if "lead" not in cells:
            continue
        block.kind, block.cells = "row", cells
        for child, _ in fields:
            child.role = "field"


def _default_role(doc_type_line: str | None) -> str:
    """Reports, minutes and submissions assign work only in the parts that say so ("Kiến nghị")."""
    if doc_type_line and re.match(r"(BAO\s+CAO|BIEN\s+BAN|TO\s+TRINH|PHIEU\s+TRINH)", fold(doc_type_line).upper()):
        return "assessment"
    return "assign"


def _attachments(lines: list[tuple[str, int]], start: int, depth: int = 0) -> list[tuple[int, int, str]]:
    """Body line ranges of documents printed after the signature (a plan "kèm theo" a decision, a phụ lục),
    each with the role its parts default to (an internal phiếu trình assigns nothing)."""
    rest = [i for i in range(start, len(lines)) if lines[i][0]]
    if depth > 4 or len(rest) < 5:
        return []
    title = next((i for i in rest[:40] if _doc_type_title(lines[i][0]) or ATTACHMENT.match(lines[i][0])
                  or REQUEST_ANNEX.match(lines[i][0])), None)
    if title is None or REQUEST_ANNEX.match(lines[title][0]):
        # a task table printed after the signature, without a title we know or under an annex of requested work
        if tables := find_tables([line for line, _ in lines[start:]]):
            table_start, table_end = start + tables[0].start, start + tables[0].end
            return [(table_start, table_end, "assign"), *_attachments(lines, table_end, depth + 1)]
        if title is None:
            return []
    sub = lines[start:]
    header = Header()
    body_start = start + _parse_header(sub, header)
    body_end, closing_end = _parse_closing(lines, body_start, Header())
    if body_end <= body_start:
        return []
    # a further document titled inside this one's body (a table, then "PHIẾU TRÌNH") starts a part of its own
    nested = next((i for i in range(body_start + 1, body_end)
                   if (not lines[i - 1][0] or PLACE_DATE.match(lines[i - 1][0]))
                   and _doc_type_title(lines[i][0]) and len(lines[i][0].split()) <= 6), None)
    role = _default_role(header.doc_type_line) if header.doc_type_line else ""  # "": the main document's
    if nested is not None:
        nested -= bool(lines[nested - 1][0])  # its place and date line belongs to its header
        return [(body_start, nested, role), *_attachments(lines, nested, depth + 1)]
    return [(body_start, body_end, role), *_attachments(lines, closing_end, depth + 1)]


def _lines_with_offsets(text: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        start = pos + (len(line) - len(line.lstrip()))
        out.append((stripped, start))
        pos += len(line) + 1
    return out


# -- header -----------------------------------------------------------------


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _doc_type_title(line: str) -> bool:
    if not _is_upper(line) or len(line) > 60:
        return False
    upper = fold(line).upper()  # also "BIEN BAN KIEM TRA", a scan read without its marks
    return any(upper.startswith(folded) for _, folded in folded_doc_types())


def _after_doc_type(line: str) -> str | None:
    """The words a title line prints after its document type ("GIẤY PHÉP SỬ DỤNG VẬT LIỆU NỔ CÔNG NGHIỆP" ->
    "SỬ DỤNG VẬT LIỆU NỔ CÔNG NGHIỆP"), when there are at least three ("BIÊN BẢN KIỂM TRA" names a kind of minutes)."""
    words = line.split()
    folded = fold(line).upper().split()
    for _, name in folded_doc_types():
        size = len(name.split())
        if folded[:size] == name.split():
            rest = " ".join(words[size:]).strip(" :-–")
            return rest if len(rest.split()) >= 3 else None
    return None


def _parse_header(lines: list[tuple[str, int]], header: Header) -> int:
    """Fill ``header`` from the top lines; return the index of the first body line."""
    i, n = 0, len(lines)
    seen_title = in_subject = seen_motto = False
    subject: list[str] = []
    limit = min(n, 60)
    standard = False
    while i < limit:
        line = lines[i][0]
        if standard:  # a technical standard: its code lines, then its upper-case title is the subject
            if line and not STANDARD_CODE.match(line):
                if not _is_upper(line):
                    break
                subject.append(line)
            i += 1
            continue
        if not line:
            if in_subject and subject:
                in_subject = False
            i += 1
            continue
        if MOTTO.match(line) or RULE.match(line):
            in_subject = False
            seen_motto = seen_motto or bool(MOTTO.match(line))
        elif (m := NUMBER_LINE.match(line)) and header.symbol is None and header.number is None:
            header.number = m["number"].strip(".") or None
            symbol = re.sub(r"\s+", "", m["symbol"]).lstrip("/") or None
            header.symbol = symbol
        elif (m := SYMBOL_ONLY.match(line)) and header.symbol is None:
            header.symbol = m["symbol"]
        elif (m := PLACE_DATE.match(line)) and header.date is None:
            header.place = m["place"].strip()
            header.date = (m["day"], m["month"], m["year"])
            in_subject = False
        elif not seen_title and (m := STANDARD_TITLE.match(line)):
            header.doc_type_line = line
            seen_title = standard = True
            # "QUY CHUẨN KỸ THUẬT QUỐC GIA VỀ AN TOÀN ...": the subject opens after the type and its scope
            rest = STANDARD_SCOPE.sub("", m["rest"])
            subject = [rest] if rest else []
        elif not seen_title and _doc_type_title(line) and (header.issuer_lines or header.date or seen_motto):
            header.doc_type_line = line
            seen_title = in_subject = True
            if rest := _after_doc_type(line):  # "QUYẾT ĐỊNH CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ": the subject opens here
                subject = [rest]
        elif m := SUBJECT_START.match(line):
            subject = [line[m.end() :]]
            in_subject = True
        elif re.match(r"^Kính\s+gửi", line, re.I):
            return _parse_addressees(lines, i, header, subject)
        elif in_subject and len(line) < (400 if not subject else 200) and not _starts_body(line) \
                and not AUTHORITY.match(line):
            subject.append(line)
        elif not seen_title and not subject and _is_upper(line) and header.date is None:
            header.issuer_lines.append(line)
        elif seen_title or subject or _starts_body(line) or len(line) > 120:
            break
        i += 1
    header.subject = " ".join(subject).strip() or None
    return i


def _starts_body(line: str) -> bool:
    return bool(
        re.match(r"^(Căn\s+cứ|Thực\s+hiện|Ngày\s+\d|Sau\s+khi|Để\s|Theo\s|Xét\s|Trong\s|Qua\s)", line)
        or any(p.match(line) for kind, p in MARKERS if kind in NUMBERED)
    )


def _parse_addressees(lines: list[tuple[str, int]], i: int, header: Header, subject: list[str]) -> int:
    header.subject = " ".join(subject).strip() or None
    first = re.sub(r"^Kính\s+gửi\s*:?\s*", "", lines[i][0], flags=re.I)
    items = [first] if first else []
    i += 1
    while i < len(lines):
        line = lines[i][0]
        if not line:
            i += 1
            if items and not (items[-1].endswith((";", ",")) and _next_is_bullet(lines, i)):
                break
            continue
        if not re.match(r"^[-–+•]", line) and items and items[-1].endswith((".", ":")):
            break
        if not re.match(r"^[-–+•]", line) and len(items) >= 1 and len(line) > 80:
            break
        items.append(line)
        i += 1
        if line.endswith("."):
            break
    header.addressees = [_clean_item(x) for x in items if _clean_item(x)]
    return i


def _next_is_bullet(lines: list[tuple[str, int]], i: int) -> bool:
    """Does the next non-blank line open with a bullet (a list of addressees spaced by blank lines)?"""
    while i < len(lines) and not lines[i][0]:
        i += 1
    return i < len(lines) and bool(re.match(r"^[-–+•]", lines[i][0]))


def _clean_item(item: str) -> str:
    return re.sub(r"^[-–+•*]\s*|[;,.]\s*$", "", item.strip()).strip()


# -- closing ----------------------------------------------------------------


def _parse_closing(lines: list[tuple[str, int]], start: int, header: Header) -> tuple[int, int]:
    """Read "Nơi nhận" and the signature block; return where the body ends and where the closing ends."""
    end = len(lines)
    recipients_at = next(
        (i for i in range(start, len(lines)) if re.match(r"^Nơi\s+nhận", lines[i][0], re.I)), None
    )
    sign_at = _signature_start(lines, start)
    closing_end = len(lines)
    if recipients_at is not None:
        end = recipients_at
        header.recipients = _recipients(lines, recipients_at)
        closing_end = _recipients_end(lines, recipients_at)
    if sign_at is not None:
        end = min(end, sign_at)
        closing_end = max(closing_end if recipients_at is not None else 0, _signature(lines, sign_at, header))
    if header.date is None:  # a licence prints "Lào Cai, ngày ... tháng 7 năm 2026" above its signature
        for i in range(end - 1, max(start, end - 3) - 1, -1):
            if m := PLACE_DATE.match(lines[i][0]):
                header.place, header.date = m["place"].strip(), (m["day"], m["month"], m["year"])
                end = i
                break
    return end, closing_end


def _signature_start(lines: list[tuple[str, int]], start: int) -> int | None:
    """The first line of the signature block: "KT. CHỦ TỊCH" or an upper-case title."""
    for i in range(start, len(lines)):
        line = lines[i][0]
        if SIGN_PREFIX.match(line) and _is_upper(line) and len(line) < 60:
            return i
    tail = range(max(start, len(lines) - 25), len(lines))
    for i in tail:
        line = lines[i][0]
        if _is_upper(line) and 3 < len(line) < 50 and _followed_by_name(lines, i):
            return i
    return None


def _followed_by_name(lines: list[tuple[str, int]], i: int) -> bool:
    return any(NAME.match(line) for line, _ in lines[i + 1 : i + 6])


def _signature(lines: list[tuple[str, int]], at: int, header: Header) -> int:
    """Fill signer and title; return the index after the signer's name."""
    titles: list[str] = []
    end = at + 1
    for offset, (line, _) in enumerate(lines[at : at + 12]):
        if not line or re.match(r"^\(?(Đã\s+ký|ký|Ký\s+tên|đóng\s+dấu)", line, re.I):
            continue
        if re.match(r"^Nơi\s+nhận", line, re.I) or line.startswith("-"):
            continue
        if _is_upper(line):
            titles.append(line)
        elif NAME.match(PERSON_TITLE.sub("", line)):
            header.signer = line
            end = at + offset + 1
            break
    if titles:
        title = titles[-1] if len(titles) > 1 else SIGN_PREFIX.sub("", titles[-1])
        header.signer_title = title
    return end


def _recipients_end(lines: list[tuple[str, int]], at: int) -> int:
    i = at + 1
    while i < len(lines) and (not lines[i][0] or re.match(r"^[-–+•]", lines[i][0])):
        i += 1
    return i


def _recipients(lines: list[tuple[str, int]], at: int) -> list[str]:
    first = re.sub(r"^Nơi\s+nhận\s*:?\s*", "", lines[at][0], flags=re.I)
    items = [first] if first else []
    for line, _ in lines[at + 1 :]:
        if not line:
            continue
        if not re.match(r"^[-–+•]", line):
            break
        items.append(line)
    return [_clean_item(x) for x in items if _clean_item(x)]


# -- body -------------------------------------------------------------------


def _marker(printed: str) -> str:
    """A list marker without its inner spaces ("1 ." -> "1."), an article's keeping one ("Điều 5." as printed)."""
    if printed.startswith("Điều"):
        return re.sub(r"\s*\.$", ".", re.sub(r"\s+", " ", printed.strip()))
    return re.sub(r"\s+", "", printed)


def _blocks(lines: list[tuple[str, int]], header: Header, first_index: int = 0, part: int = 0) -> list[Block]:
    blocks: list[Block] = []
    texts = [line for line, _ in lines]
    at, quoting = 0, False
    while at < len(lines):
        line, start = lines[at]
        at += 1
        if not line or RULE.match(line):
            continue
        was_quoting = quoting
        quoted, quoting = _quotation(line, quoting)
        if quoting and not was_quoting and not any(CLOSE_QUOTE.search(t) for t in texts[at : at + MAX_QUOTED_LINES]):
            quoting = False  # a quotation mark that is never closed quotes its own line only
        if table := table_at(texts, at - 1):
            blocks.extend(_table_blocks(table, lines, first_index + len(blocks), part))
            at = table.end
            continue
        if re.match(r"^Căn\s+cứ\b", line) and not any(b.numbered for b in blocks):
            header.basis.append((line, (start, start + len(line))))
            continue
        kind, marker, body_at = "para", None, 0
        for name, pattern in MARKERS:
            if m := pattern.match(line):
                kind, marker, body_at = name, _marker(m["m"]), m.end()
                break
        text = line[body_at:]
        if not text.strip():
            continue
        index = first_index + len(blocks)
        blocks.append(Block(index, kind, marker, text, (start + body_at, start + len(line)), part=part,
                            quoted=quoted))
    return blocks


MAX_QUOTED_LINES = 60
OPEN_QUOTE = re.compile(r"^(?:[-–+•]\s*)?[“\"]|(?:quy\s+định|như\s+sau|nêu\s+rõ)\s*:\s*[“\"]", re.I)
CLOSE_QUOTE = re.compile(r"[”\"]\s*[.;,]?\s*(?:\(\S{1,20}\))?\s*[.;]?$")


def _quotation(line: str, quoting: bool) -> tuple[bool, bool]:
    """(is this line quoted text, does the quotation go on after it)."""
    opens = bool(OPEN_QUOTE.search(line))
    if not quoting and not opens:
        return False, False
    closes = bool(CLOSE_QUOTE.search(line)) and (quoting or line.count("“") <= line.count("”")
                                                  or line.count('"') % 2 == 0)
    return True, not closes


def _table_blocks(table: Table, lines: list[tuple[str, int]], first_index: int, part: int) -> list[Block]:
    """A task table's rows as blocks: a group row as a numbered heading, a row as a "row" block."""
    blocks: list[Block] = []
    for row in table.rows:
        cells = {column: [(lines[i][0], (lines[i][1], lines[i][1] + len(lines[i][0]))) for i in indices]
                 for column, indices in row.cells.items()}
        task = cells.pop("task", [])
        if not task:
            continue
        text = " ".join([task[0][0]] + [re.sub(r"^[-–+•]\s*", "", cell) for cell, _ in task[1:]])
        span = (task[0][1][0], task[-1][1][1])
        if row.group and (m := re.match(rf"{re.escape(row.number or '')}\.\s+", text)):  # "I. CỤM ..." on one line
            text, span = text[m.end() :], (span[0] + m.end(), span[1])
        kind, marker = ("roman", f"{row.number}.") if row.group else ("row", row.number)
        blocks.append(Block(first_index + len(blocks), kind, marker, text, span, part=part, cells=cells))
    return blocks


def _nest(blocks: list[Block]) -> None:
    """Set parents: numbered levels by rank, bullet kinds by first appearance."""
    stack: list[Block] = []
    for block in blocks:
        if block.kind == "para":
            while stack and (not stack[-1].numbered or stack[-1].is_sentence):
                stack.pop()
        elif block.numbered:
            while stack and (not stack[-1].numbered or RANK[stack[-1].kind] >= RANK[block.kind]):
                stack.pop()
        else:
            kinds = [b.kind for b in stack]
            if block.kind in kinds:
                while stack[-1].kind != block.kind:
                    stack.pop()
                stack.pop()
        if stack:
            block.parent = stack[-1].index
            stack[-1].children.append(block.index)
        if block.kind != "para":
            stack.append(block)


def _assign_roles(blocks: list[Block], default: str = "assign") -> list[Block]:
    """Mark each block's role; return the preamble blocks (before the first heading or intro)."""
    first = _first_work_block(blocks)
    preamble = blocks[:first]
    by_index = {b.index: b for b in blocks}
    for block in preamble:
        block.role = "preamble"
    for block in blocks[first:]:
        own, overrides = _section_cue(block.text) if block.numbered else (None, False)
        parent_role = by_index[block.parent].role if block.parent is not None else default
        # inside an assessment or a statement of purpose, a heading ("1. Đối với Công ty X") stays so,
        # unless it says it recommends ("3. Nhận xét, kiến nghị của Phòng ...")
        inherits = parent_role in ("assessment", "purpose") and block.parent is not None and not overrides
        block.role = parent_role if inherits else own or parent_role
        if CLOSING.match(block.text):
            block.role = "closing"
        if block.quoted and not _under_assigning_heading(block, by_index):
            block.role = "quotation"  # cited law, unless a heading asks for it ("Yêu cầu đối với các tổ chức: ...")
    return preamble


def _under_assigning_heading(block: Block, by_index: dict[int, Block]) -> bool:
    node = by_index.get(block.parent) if block.parent is not None else None
    while node is not None:
        if node.numbered and not node.is_sentence and section_role(node.text) == "assign":
            return True
        node = by_index.get(node.parent) if node.parent is not None else None
    return False


def _first_work_block(blocks: list[Block]) -> int:
    """Position (in ``blocks``) of the first block after the preamble."""
    for position, block in enumerate(blocks):
        if block.numbered:
            return position
        if INTRO_END.search(block.text):
            return position + 1
    # no heading, no intro: paragraphs that only give context come first
    for position, block in enumerate(blocks):
        if not re.match(r"^(Thực\s+hiện|Căn\s+cứ|Ngày\s+\d|Theo|Sau\s+khi|Xét|Vừa\s+qua|Qua)\b", block.text):
            return position
    return len(blocks)


@lru_cache(maxsize=4096)
def section_role(heading: str) -> str | None:
    """The role a heading gives the part under it (data/section_roles.tsv)."""
    return _section_cue(heading)[0]


def _section_cue(heading: str) -> tuple[str | None, bool]:
    """The heading's role and whether it overrides the role of the part it stands in."""
    text = heading.lower().strip(" :.")
    text = re.sub(r"^(về|công tác)\s+", "", text)
    for role, cue, *flags in data_rows("section_roles.tsv"):
        if text == cue[:-1] if cue.endswith("$") else text.startswith(cue):
            return role, "overrides" in flags
    return None, False
