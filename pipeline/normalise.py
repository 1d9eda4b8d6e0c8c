"""Stage 2, normalise: raw text -> clean text with one logical line per paragraph.

Reads the decoded text of one document; writes text in which

* Unicode is NFC, line ends are ``\\n``, form feeds and page-number lines are gone;
* soft hyphens, zero-width spaces and direction marks are gone;
* "ƣ" / "Ƣ" (the letter oi, which some PDF fonts put in place of "ư" / "Ư"; no
  Vietnamese word has it) read as "ư" / "Ư";
* markdown emphasis (``*...*``, ``**...**``) is dropped;
* a header or signature laid out in two columns with runs of spaces
  (PDF text layers) is read column by column;
* text that lost its line breaks (a long line with several list markers, a header or a signature run into it)
  is broken again before its list markers after a sentence or a heading, and before the header's and closing's
  set phrases (motto, "Số:", place and date, document type, "Kính gửi", "Căn cứ", "Nơi nhận", "TM."/"KT.");
* lines wrapped by the page width or broken by a page break are joined,
  so that every paragraph, heading and bullet is one line; the lines of a
  task table printed one cell per line (:mod:`pipeline.tables`) stay apart.

Blank lines are kept (collapsed to one) because the header uses them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from itertools import pairwise

from pipeline.lexicon import alternation, data_words, doc_type_names
from pipeline.tables import find_tables

ORDINAL_ITEM = r"(?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)\s+là\s*[,:]"
"""An item opened by an ordinal: "Hai là, giao Sở ..."."""
LIST_MARKER = re.compile(
    r"""^\s*(?:
        [-–—+•*○●▪■►✓]\s*\S            # bullets
      | [a-zđ]\s?[).]\s                 # a) b. đ)
      | \(?\d{1,2}\)\s                  # 1) (2)
      | \d{1,2}(?:\.\d{1,2}){0,3}\.\s   # 1. 1.2. 1.2.3.
      | \d{1,2}(?:\.\d{1,2}){1,3}\s     # 1.2 1.2.3
      | [IVXLC]{1,6}\s?[.)]\s           # I. II)
      | (?:Điều|Phần|Mục|Chương)\s+[\dIVXLC]+\b
      | (?:Nơi\s+nhận|Kính\s+gửi|Căn\s+cứ)\b
      | """ + ORDINAL_ITEM + r"""
    )""",
    re.VERBOSE,
)
PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–])?\s*$")
COLUMN_GAP = re.compile(r"\S(\s{4,})\S")
BLANK_FILL = re.compile(r"(Số\s*:?|ngày|tháng)\s*$|^\s*(/|tháng|năm)", re.I)
TERMINAL = (".", ";", ":", "!", "?", "./.")
HEADER_LINES = 16
LOOKALIKES = str.maketrans({"ƣ": "ư", "Ƣ": "Ư"})
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))
"""Soft hyphens, zero-width spaces and joiners, direction marks and byte-order marks: hints for a renderer that
split names and words (ND 24/2026 has a zero-width space after each hyphen of "Ethyl-3-(3,5-..."); dropped."""


def normalise(text: str) -> str:
    """Return the normalised form of one document's text."""
    text = unicodedata.normalize("NFC", text.translate(LOOKALIKES).translate(INVISIBLE))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\t\v]", "    ", text)
    lines = _drop_page_numbers(_drop_footnotes(_restore_breaks(text.split("\n"))))
    closing = next((i for i, line in enumerate(lines) if CLOSING_ROW.match(line)), len(lines))
    closing_end = next((i for i in range(closing + 1, len(lines)) if not lines[i].strip().startswith("|")),
                       len(lines))  # the closing's table of recipients and signature, if it is one
    lines = [_drop_emphasis(_table_row(line, keep_column=closing <= i < closing_end)).rstrip()
             for i, line in enumerate(lines)]
    lines = _read_columns(lines)
    return "\n".join(_unwrap(lines)).strip("\n") + "\n"


FOOTNOTE_START = re.compile(r"^\s*(\d{1,2})\s+(?!tháng|năm|ngày)(?:[^\W\d_]|[“\"(])")
FOOTNOTE_LINES = 30  # a page's footnotes take at most this many lines


RUN_TOGETHER_CHARS = 2000
"""A line this long may be text that lost its line breaks (the longest of ../shared/corpus has 3,385 characters);
so may a line of over :data:`RUN_TOGETHER_HEADER` characters that holds a header's motto."""
RUN_TOGETHER_HEADER = 300
JOIN_BLANKS = 3
"""A line continues the one before it (:func:`_continues`: a page break) across at most this many blank lines."""
PIECE_GAP = JOIN_BLANKS + 1
"""Blank lines after a signer's name broken off run-together text, so that what follows ("Phạm Năng Chung" / "4 Ưu
tiên ...") is not taken back into it as the rest of a page-broken line would be."""
RUN_TOGETHER_MARKERS = 4
"""...if at least this many breaks are found in it,"""
RUN_TOGETHER_SPACING = 1000
"""...and at least one every this many characters, unless the line holds a header's motto. The one paragraph of
../shared/corpus with several markers run into it has 3 breaks in 2,285 characters; the train and dev documents of
data/annotations pasted as one line have a break every 190 characters (median; 95 % of them under 530)."""
ENUMERATOR = re.compile(r"(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3})[.)]\s+")
SEPARATOR = re.compile(r"\s*([-_=]{3,})\s*")
SIGNATURE_START = re.compile(r"\**(?:TM|KT|TL|TUQ)\.\s*")  # after markdown emphasis too
CLOSING_LIST = re.compile(r"Nơi\s+nhận\s*:")
CLOSING_REACH = 2000
"""How far back a "Nơi nhận:" is looked for before a signer's title run into its list (a long list fits)."""
LOOK_BACK = 120
"""How far back from a possible break its tests read (the last word, a short heading)."""
TITLE_CHARS = 60
"""A title line longer than this is not read as one (``structure``): a document type followed by a long upper-case
subject gets a line of its own."""
NUMBERED_HEADING = re.compile(ENUMERATOR.pattern + r"[^\W\d_][^.,;:!?]{0,80}")
"""A numbered heading run into its first item: short, no punctuation."""
BREAK_BEFORE = r"""(?P<item>ENUMERATOR(?=[^\W\d_])                          # I.  1.  1.2.  2)
          | [a-zđ]\)\s+(?=\S)                                               # a)
          | ORDINAL                                                          # Hai là, ...
          | [-–•+]\s*(?=[^\W\d_]))                                           # - bullet
      | (?P<phrase>(?:Kính\s+gửi|Nơi\s+nhận|Căn\s+cứ|Thực\s+hiện|Trên\s+đây\s+là|V/v
          |(?:Sáng\s+|Chiều\s+|Tối\s+)?[Nn]gày\s+\d{1,2}/\d{1,2}/\d{4},|(?:TM|KT|TL|TUQ)\.\s*[A-ZĐ])
          | MOTTO|Độc\s+lập\s*[-–]\s*Tự\s+do|Số\s*:)
      | (?P<opener>Phụ\s+lục\b|Điều\s+\d+\.)    # an appendix or an article, not "tại Phụ lục 2", "theo Điều 8."
      | (?P<place>(?:[A-ZĐ][^\W\d_]*\s+){0,3}[A-ZĐ][^\W\d_]*,\s+ngày\b)        # Lào Cai, ngày ...
      | (?P<title>(?:TITLES)(?=\s+[A-ZĐ]))                                      # BÁO CÁO Kết quả ...
      | (?<=VIỆT\sNAM\s)(?P<upper>[A-ZĐ]\S*)                                    # the issuer's second line
      | (?P<name>(?:SURNAMES)(?:\s+(?!Phụ\s+lục)[A-ZĐ][^\W\d_]*){1,3}(?=\s|$))  # the signer's name
      | (?P<signtitle>(?:SIGNER_ROLES)(?=\s))                                 # GIÁM ĐỐC (and a name)
    """
"""Where text that lost its line breaks is broken again: before a list marker that follows a sentence's end or an
upper-case heading, and before the set phrases of a header and a closing. A template (verbose regex) that
:func:`_break_pattern` completes: ENUMERATOR, ORDINAL (:data:`ORDINAL_ITEM`), MOTTO (:data:`MOTTO_IN_LINE`),
TITLES (the document types in upper case), SURNAMES (``data/person_surnames.txt``), SIGNER_ROLES
(``data/signer_titles.txt``)."""


def _restore_breaks(lines: list[str]) -> list[str]:
    """Break the run-together lines of ``lines`` again (see :data:`BREAK_BEFORE`); other lines are kept as they are."""
    out: list[str] = []
    for line in lines:
        with_header = len(line) > RUN_TOGETHER_HEADER and bool(MOTTO_IN_LINE.search(line))
        if len(line) < RUN_TOGETHER_CHARS and not with_header:
            out.append(line)
            continue
        cuts, breaks, name_ends = [0], 0, set()
        for match in _break_pattern().finditer(line):
            start = match.start()
            while start and line[start - 1] == "*":  # before markdown emphasis ("**TL. GIÁM ĐỐC**")
                start -= 1
            since = line[cuts[-1]:start] if start - cuts[-1] <= LOOK_BACK else ""
            if _breaks_before(line, match, start, since):
                cuts.append(start)
                breaks += 1
                if match.lastgroup == "name" and (end := _name_end(match)) < len(line.rstrip()):
                    cuts.append(end)  # what follows a signer's name is no part of it (an appendix, a page)
                    name_ends.add(end)
        spacing = 0 if with_header else len(line) / RUN_TOGETHER_SPACING  # a header run in: text run together
        if breaks < max(RUN_TOGETHER_MARKERS, spacing):
            out.append(line)
            continue
        carried = ""  # a bare bullet ("-") cut off its item: it opens the next piece
        for index, (start, end) in enumerate(pairwise([*cuts, len(line)])):
            piece = (carried + " " + line[start:end].strip()).strip()
            carried = "" if any(c.isalpha() for c in piece) else piece
            if not piece or carried:
                continue
            for part in SEPARATOR.split(piece):  # a header's rule ("-------") is a line of its own
                if not part.strip():
                    continue
                if SIGNATURE_START.match(part):
                    out.extend(_signature_lines(part))
                elif index == 0 and part.isupper() and not MOTTO_IN_LINE.match(part):
                    out.extend(_issuer_lines(part))
                else:
                    out.extend(_after_title(part))
                out.append("")  # a paragraph of its own: never joined to the next as a wrapped line
            if end in name_ends:  # nor the text after a signer's name to the name, as a page break's would be
                out.extend([""] * PIECE_GAP)
        if carried:
            out.append(carried)
    return out


def _breaks_before(line: str, match: re.Match[str], start: int, since: str) -> bool:
    """Does a line break belong before ``match`` (``since``: the text since the last break): after a space, and for
    a list marker after a sentence's end, an upper-case heading ("I. KẾT QUẢ KIỂM TRA 1. Đối với ...") or a short
    numbered heading ("1. Các phòng và đơn vị - Các phòng, đơn vị rà soát ...")?"""
    before = line[max(0, start - LOOK_BACK):start]  # bounded: a line may be a whole document
    if not before.strip() or not (before[-1].isspace() or before[-1] == "|"):  # "|": a table cell's edge
        return False
    if match.lastgroup == "upper":  # the issuer's second line, after the motto
        return match.group().isupper()
    if match.lastgroup == "name":  # a signer after the title of the signature (upper case)
        return before.rstrip().split()[-1].isupper()
    if match.lastgroup == "signtitle":  # a closing without TM./KT.: "... Lưu: VT. GIÁM ĐỐC Hoàng Chí Hiền"
        previous = before.rstrip()
        if previous[-1] not in ".;:)" or SIGNATURE_START.fullmatch(previous.split()[-1]):
            return False
        after = _after_upper(line, match.end())
        return _opens_with_name(after) or (  # or "Nơi nhận: ...; PHÓ GIÁM ĐỐC - Các Sở ..."
            after[:1] in "-+" and CLOSING_LIST.search(line, max(0, start - CLOSING_REACH), start) is not None)
    previous = before.rstrip()
    if match.lastgroup == "opener":  # a sentence or a part opens here, not a word inside one ("chi tiết tại Phụ lục 2")
        return previous[-1] in ".;:!?…)" or not previous.split()[-1][0].islower()
    if match.lastgroup != "item":
        return True
    if previous[-1] in ".;:!?…)" or previous[-2:] in {'."', ".”", ':"', ":”"}:
        return True
    word = previous.split()[-1]
    if len(word) > 1 and word.isupper():
        return True
    heading = since.strip()
    return bool(NUMBERED_HEADING.fullmatch(heading))


def _name_end(match: re.Match[str]) -> int:
    """Where a signer's name matched by ``name`` ends: without the upper-case words of what follows it
    ("Hoàng Văn Thuân PHÂN CÔNG ..." ends at "Thuân")."""
    words = list(re.finditer(r"\S+", match.group()))
    while len(words) > 2 and words[-1].group().isupper():
        words.pop()
    return match.start() + words[-1].end()


def _after_upper(line: str, at: int) -> str:
    """The words after the upper-case title that ends at ``at`` (its other upper-case words skipped)."""
    rest = line[at:at + LOOK_BACK].split()
    while rest and len(rest[0]) > 1 and rest[0].isupper():
        rest.pop(0)
    return " ".join(rest[:4])


def _opens_with_name(words: str) -> bool:
    """Do ``words`` open with a signer's name ("Hoàng Chí Hiền ...")?"""
    name = _break_pattern().match(words)
    return bool(name) and name.lastgroup == "name"


def _after_title(piece: str) -> list[str]:
    """A title or a numbered heading in upper case and the text after it, on two lines ("BÁO CÁO" / "Kết quả kiểm
    tra ...", "BIÊN BẢN KIỂM TRA THỰC TẾ" / "Phục vụ cấp Giấy phép ...", "I. HIỆN TRẠNG CHUNG" / "Trên địa bàn ...")."""
    title = _break_pattern().match(piece)
    marker = ENUMERATOR.match(piece)
    if title and title.lastgroup == "title":
        end = len(title.group().split())
    elif marker and piece[marker.end():].split(" ", 1)[0].isupper():  # "I. HIỆN TRẠNG CHUNG Trên địa bàn ..."
        end = len(marker.group().split())
    else:
        return [piece]
    words = piece.split(" ")
    opening = end
    while end < len(words) and (not words[end] or words[end].isupper()):
        end += 1
    head, rest = " ".join(words[:end]).strip(), " ".join(words[end:]).strip()
    if title and title.lastgroup == "title" and len(head) > TITLE_CHARS:  # "THÔNG TƯ" / "BAN HÀNH QUY CHUẨN ..."
        return [line for line in (" ".join(words[:opening]), " ".join(words[opening:end]).strip(), rest) if line]
    return [head, rest] if rest else [head]


def _issuer_lines(piece: str) -> list[str]:
    """The issuer's lines of a header run together ("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG"), one per unit: a new line
    at each unit head in capitals (``data/unit_heads.txt``) that follows two words or more ("ĐOÀN THANH TRA" is one)."""
    starts = [0]
    mottos = [m.span() for m in MOTTO_IN_LINE.finditer(piece)]
    for match in _unit_head().finditer(piece):
        if any(a < match.start() < b for a, b in mottos):  # the "HỘI" of "CỘNG HÒA XÃ HỘI ..." opens no unit
            continue
        if len(piece[starts[-1]:match.start()].split()) >= 2:
            starts.append(match.start())
    return [piece[a:b].strip() for a, b in pairwise([*starts, len(piece)])]


@cache
def _unit_head() -> re.Pattern[str]:
    heads = sorted({h.upper() for h in data_words("unit_heads.txt")}, key=len, reverse=True)
    return re.compile(rf"(?:^|(?<=\s))(?:{alternation(tuple(heads))})(?=\s|$)")


def _signature_lines(piece: str) -> list[str]:
    """A closing's titles run together ("KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC") with the signer's own title on a line of its own
    ("KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"): it opens at the last of ``data/signer_titles.txt`` after the first title."""
    if not piece.isupper():
        return [piece]
    first = SIGNATURE_START.match(piece)
    openers = [m.span() for m in _signer_title().finditer(piece, first.end()) if m.start() > first.end()]
    if not openers:
        return [piece]
    start = openers[-1][0]
    for begin, end in reversed(openers[:-1]):  # "PHÓ GIÁM ĐỐC": the title opens at "PHÓ"
        if begin > first.end() and piece[end:start].isspace():
            start = begin
    return [piece[:start].strip(), piece[start:]]


@cache
def _signer_title() -> re.Pattern[str]:
    return re.compile(rf"(?<=\s)(?:{alternation(data_words('signer_titles.txt'))})(?=\s|$)")


@cache
def _break_pattern() -> re.Pattern[str]:
    parts = {"ENUMERATOR": ENUMERATOR.pattern, "ORDINAL": ORDINAL_ITEM, "MOTTO": MOTTO_IN_LINE.pattern,
             "TITLES": alternation(tuple(name.upper() for name in doc_type_names())),
             "SURNAMES": alternation(data_words("person_surnames.txt")),
             "SIGNER_ROLES": alternation(data_words("signer_titles.txt"))}
    return re.compile(re.sub("|".join(parts), lambda m: parts[m.group()], BREAK_BEFORE), re.VERBOSE)


def _drop_footnotes(lines: list[str]) -> list[str]:
    """Cut the footnote bodies at the foot of each page (the lines before a form feed).

    A footnote zone opens after a blank line with "<n> <text>", where the page
    body printed marker n glued to a word ("khoáng sản1.", "điểm đ2"), and runs to the
    page break; further footnotes in it number on from n.
    """
    drop: set[int] = set()
    page_start = 0
    for brk, line in enumerate(lines):
        if "\f" not in line:
            continue
        body = "\n".join(lines[page_start:brk])
        zone = _footnote_zone(lines, max(page_start, brk - FOOTNOTE_LINES), brk, body)
        if zone is not None:
            drop.update(range(zone, brk))
        page_start = brk
    return [line for i, line in enumerate(lines) if i not in drop]


def _footnote_zone(lines: list[str], start: int, end: int, page: str) -> int | None:
    """First line of the footnote zone in lines[start:end], or None."""
    for k in range(start + 1, end):
        opening = FOOTNOTE_START.match(lines[k])
        if not opening or lines[k - 1].strip():
            continue
        number = int(opening.group(1))
        if not re.search(rf"[a-zà-ỹđ](?<!\bm)(?<!km){number}(?!\d)", page):  # not m2, km2
            continue
        numbers = [number] + [int(m.group(1)) for m in map(FOOTNOTE_START.match, lines[k + 1 : end]) if m]
        if all(0 < b - a <= 2 for a, b in pairwise(numbers)):  # numbering on (a start may be missed)
            return k
    return None


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop form feeds and the page-number lines next to them or between blank lines."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if PAGE_NUMBER.match(line):
            near_ff = "\f" in "".join(lines[max(0, i - 1) : i + 2])
            prev_blank = i == 0 or not lines[i - 1].strip()
            next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
            if near_ff or (prev_blank and next_blank):
                continue
        out.extend(line.split("\f"))
    return out


CLOSING_ROW = re.compile(r"^\s*\|?\s*Nơi\s+nhận")
"""The first line of the closing ("Nơi nhận", or a table row that opens with it)."""


def _table_row(line: str, keep_column: bool = False) -> str:
    """A markdown table row "|a   |b |" becomes its cells apart by a column gap; rule rows vanish. With
    ``keep_column`` (the closing's table of recipients and signature) a row whose first cell is empty stays in
    the right column ("|   |Hoàng Văn Thuân|": the signer's name, not a recipient)."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return line
    cells = [cell.strip() for cell in stripped[1:-1].split("|")]
    if all(re.fullmatch(r"[-:\s]*", cell) for cell in cells):
        return ""
    row = "     ".join(cell if not re.fullmatch(r"-{3,}", cell) else "" for cell in cells).strip()
    return " " * 20 + row if keep_column and not cells[0] else row


def _drop_emphasis(line: str) -> str:
    line = line.replace("**", "")
    # a single '*' glued to a word on either side is emphasis; '* ' at the start is a bullet
    return re.sub(r"(?<=\S)\*|\*(?=\S)", "", line)


MOTTO_IN_LINE = re.compile(r"C[ỘO]NG\s+H[OÒÕ]À?A?\s+XÃ\s+H[ỘO]I", re.I)  # "HÕA": a legacy glyph of "HÒA"
MOTTO_AFTER_TEXT = re.compile(
    rf"(?<=\S)(?<!NƯỚC)[\s_|]+(?=(?:{MOTTO_IN_LINE.pattern}\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do.*)\s*$)",
    re.I,
)  # not "CHÍNH PHỦ NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM VÀ ..." in a treaty's title
DATE_AFTER_NUMBER = re.compile(r"^(Số\b.{3,60}?)\s(?=[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*){0,3},\s*ngày\b)")


def _open_right_column(line: str) -> str:
    """A header line read without its column gap (OCR) gets one where the right column starts: before the motto, or
    before the place and date that follow the number ("Số: 11/2026/QĐ-UBND Lào Cai, ngày 29 ...")."""
    if _column_gap(line):
        return line
    line = MOTTO_AFTER_TEXT.sub("     ", line, count=1)
    return DATE_AFTER_NUMBER.sub(r"\1     ", line, count=1)


def _read_columns(lines: list[str]) -> list[str]:
    """Read two-column zones (header, signature; the header of a document attached after it) left column first."""
    zones = [(0, min(len(lines), _header_end(lines)))]
    closing = next(
        (i for i, line in enumerate(lines) if CLOSING_ROW.match(line)), None
    )
    if closing is not None:
        # the signature block ends where an attached document begins (its motto or its title)
        end = next((i for i in range(closing + 1, len(lines))
                    if MOTTO_IN_LINE.search(lines[i]) or _is_title(lines[i])), len(lines))
        zones.append((closing, end))
        if end < len(lines):
            zones.append((end, min(len(lines), end + _header_end(lines[end:]))))
    header_end = zones[0][1]
    lines = [_open_right_column(line) for line in lines[:header_end]] + lines[header_end:]
    out = list(lines)
    for start, end in reversed(zones):
        out[start:end] = _split_zone(lines[start:end])
    return out


def _header_end(lines: list[str]) -> int:
    """Index of the line after which the header's two-column layout stops."""
    seen = 0
    for i, line in enumerate(lines):
        if line.strip():
            seen += 1
        if seen > HEADER_LINES or re.match(r"\s*(Kính\s+gửi|Căn\s+cứ|Thực\s+hiện)", line) \
                or _is_title(line):
            return i
    return len(lines)


def _is_title(line: str) -> bool:
    """The document type alone on its line ("KẾ HOẠCH", "THÔNG BÁO"), which ends the two-column header."""
    stripped = line.strip()
    return stripped.isupper() and stripped.title() in {n.title() for n in doc_type_names()}


def _split_zone(lines: list[str]) -> list[str]:
    if not any(_column_gap(line) for line in lines):
        return lines
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        match = _column_gap(line)
        if match:
            left.append(line[: match.start(1)].strip())
            right.append(line[match.end(1) :].strip())
        elif len(line) - len(line.lstrip()) >= 20:
            right.append(line.strip())
        else:
            left.append(line.strip())
    return [*left, "", *right]


LOCAL_BODY = re.compile(r"(?:[ỦU][YỶ]\s+BAN|HỘI\s+ĐỒNG)\s+NHÂN\s+DÂN|UBND|HĐND")
LOCAL_PLACE = re.compile(r"(?:TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG)\s+[^\W\d]")
"""A council or committee whose place is printed after a wide gap ("ỦY BAN NHÂN DÂN      TỈNH LÀO CAI"): one name."""


def _column_gap(line: str) -> re.Match[str] | None:
    """The run of spaces between two columns, not a blank left for a number or a day."""
    for match in COLUMN_GAP.finditer(line):
        before, after = line[: match.start(1)], line[match.end(1) :]
        if not BLANK_FILL.search(before) and not BLANK_FILL.match(after) and not (
                LOCAL_BODY.fullmatch(before.strip()) and LOCAL_PLACE.match(after)):
            return match
    return None


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines that continue the previous one, except in task tables; collapse blank runs."""
    width = _wrap_width(lines)
    cells = {i for table in find_tables(lines) for i in range(table.start, table.end)}
    out: list[str] = []
    blanks = 0
    last, last_index = "", -1  # the last physical line, whose length tells whether it was wrapped
    for i, line in enumerate(lines):
        if not line.strip():
            blanks += 1
            continue
        if out and i not in cells and last_index not in cells and _continues(last, line, blanks, width):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            if blanks and out:
                out.append("")
            out.append(line.rstrip() if _indent(line) < 2 else line.strip())
        blanks = 0
        last, last_index = line, i
    return out


def _wrap_width(lines: list[str]) -> float:
    lengths = sorted(len(line.rstrip()) for line in lines if len(line.strip()) > 20)
    if len(lengths) < 5:
        return float("inf")
    width = lengths[int(len(lengths) * 0.9) - 1]
    # text with one paragraph per line (docx) has no wrap width
    return float("inf") if width > 160 else width * 0.75


def _continues(prev: str, line: str, blanks: int, width: float) -> bool:
    """Is ``line`` the continuation of ``prev`` (a wrapped line or a page break)?"""
    if LIST_MARKER.match(line) or blanks > JOIN_BLANKS:
        return False
    prev, first = prev.rstrip(), line.lstrip()[:1]
    ends_sentence = prev.endswith(TERMINAL)
    if first.islower() or first in "(“\"":
        return not ends_sentence or not prev.endswith((".", ":", "!", "?"))
    if first.isdigit():
        return not ends_sentence
    if prev.endswith(",") and blanks <= 1 and first.isupper():
        return True  # "Bộ Y tế, Bộ Tài chính," | blank line (a PDF's) | "Viện kiểm sát ...": a list goes on
    if blanks or ends_sentence or _indent(line) >= 3:
        return False
    return len(prev.rstrip()) >= width


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
