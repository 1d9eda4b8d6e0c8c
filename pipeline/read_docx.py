""".docx reader: the text of a Word document, paragraphs and tables in reading order.

The zip is opened with the checks of :mod:`pipeline.archive` (zip bomb, sizes)
and its XML is parsed with ``defusedxml`` with DTDs refused: a document that
declares entities (billion laughs) or external references is refused as
``unsafe_xml`` without expanding anything. The parse streams (``iterparse``)
so memory stays proportional to one paragraph.

Output: one line per paragraph; a table gives its cells row by row, one line
per paragraph of each cell (how Vietnamese headers, laid out as a two-column
table, read: issuer, number, then motto, place and date). Line breaks inside a
paragraph stay line breaks; tabs stay tabs. Word's automatic numbering
(``numbering.xml``, on the paragraph or its style) is printed before the
paragraph as Word shows it ("1.", "a)", "1.2.", "I.", "-", "•"), since the
structure parser reads the hierarchy from those markers. Text boxes are read once (the
``mc:Fallback`` copy is skipped); deleted revisions, field codes, headers,
footers and footnotes are not read.

Runs set in legacy Vietnamese fonts (``.VnTime``: TCVN3, ``VNI-Times``: VNI)
are converted to Unicode from the font name, looked up on the run, its
character style, its paragraph style and the document defaults; other text
goes through :func:`pipeline.legacy.fix_text` detection.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from pipeline import legacy
from pipeline.archive import MAX_MEMBER_BYTES, open_zip, read_member
from pipeline.read import ReadError

MAIN_PART = "word/document.xml"
STYLES_PART = "word/styles.xml"
NUMBERING_PART = "word/numbering.xml"


def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a font name implies: ``tcvn3``, ``tcvn3-caps``, ``vni`` or None."""
    if not font:
        return None
    name = font.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3-caps" if name.endswith("h") else "tcvn3"
    if name.startswith(("vni-", "vni ")):
        return "vni"
    return None


def read_docx(path: str | Path, max_xml_bytes: int = MAX_MEMBER_BYTES) -> str:
    """Text of a ``.docx`` file; raises :class:`ReadError` (corrupt, zip_bomb, unsafe_xml, unsupported)."""
    with open_zip(path) as archive:
        names = set(archive.namelist())
        main = _main_part(archive, names)
        if main is None:
            raise ReadError(*_not_word(names))
        # broken styles or numbering only cost the font and numbering hints: the text is still there
        styles = _optional_part(archive, names, STYLES_PART, _parse_styles, Styles, max_xml_bytes)
        numbering = _optional_part(archive, names, NUMBERING_PART, _parse_numbering, Numbering, max_xml_bytes)
        data = read_member(archive, archive.getinfo(main), max_xml_bytes)
    text = _document_text(data, styles, numbering)
    return legacy.fix_text(text)[0]


def _optional_part(archive: zipfile.ZipFile, names: set[str], part: str, parse, default, max_xml_bytes: int):
    """A part the text does not need (styles, numbering): its default when absent or corrupt."""
    if part not in names:
        return default()
    try:
        return parse(read_member(archive, archive.getinfo(part), max_xml_bytes))
    except ReadError as exc:
        if exc.kind != "corrupt":
            raise
        return default()


def _main_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if MAIN_PART in names:
        return MAIN_PART
    if "_rels/.rels" not in names:
        return None
    rels = _parse(read_member(archive, archive.getinfo("_rels/.rels"), 1 << 20), "_rels/.rels")
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
            if target in names and not target.startswith(".."):
                return target
    return None


def _not_word(names: set[str]) -> tuple[str, str]:
    if "content.xml" in names:
        return "unsupported", "an OpenDocument file (.odt), not a Word .docx"
    if "xl/workbook.xml" in names:
        return "unsupported", "an Excel workbook, not a Word document"
    if "ppt/presentation.xml" in names:
        return "unsupported", "a PowerPoint presentation, not a Word document"
    return "corrupt", "a zip without word/document.xml: not a Word .docx"


def _parse(data: bytes, part: str):
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ReadError("unsafe_xml", f"{part} declares a DTD or entities ({type(exc).__name__}); refused") from exc
    except ParseError as exc:
        raise ReadError("corrupt", f"{part} is not well-formed XML ({exc})") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


# -- styles ---------------------------------------------------------------------


@dataclass
class Styles:
    default_font: str | None = None
    default_paragraph: str | None = None
    fonts: dict[str, str | None] = field(default_factory=dict)  # styleId -> resolved font
    numbers: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId -> (numId, level)

    def font(self, style_id: str | None) -> str | None:
        if style_id and style_id in self.fonts:
            return self.fonts[style_id]
        return None


def _parse_styles(data: bytes) -> Styles:
    root = _parse(data, STYLES_PART)
    styles = Styles()
    own: dict[str, str | None] = {}
    own_numbers: dict[str, tuple[str, int]] = {}
    based_on: dict[str, str] = {}
    for element in root:
        name = _local(element.tag)
        if name == "docDefaults":
            for node in element.iter():
                if _local(node.tag) == "rFonts":
                    styles.default_font = _attr(node, "ascii") or _attr(node, "hAnsi")
        elif name == "style":
            style_id = _attr(element, "styleId")
            if not style_id:
                continue
            if _attr(element, "type") == "paragraph" and _attr(element, "default") in ("1", "true"):
                styles.default_paragraph = style_id
            own[style_id] = None
            for node in element.iter():
                local = _local(node.tag)
                if local == "basedOn":
                    based_on[style_id] = _attr(node, "val") or ""
                elif local == "rFonts" and own[style_id] is None:
                    own[style_id] = _attr(node, "ascii") or _attr(node, "hAnsi")
                elif local == "numPr":
                    num_id, level = "", 0
                    for child in node:
                        if _local(child.tag) == "numId":
                            num_id = _attr(child, "val") or ""
                        elif _local(child.tag) == "ilvl":
                            level = _int(_attr(child, "val"), 0)
                    own_numbers[style_id] = (num_id, level)
    for style_id in own:
        font, seen, current = None, set(), style_id
        while current and current not in seen and font is None:
            seen.add(current)
            font = own.get(current)
            current = based_on.get(current)
        styles.fonts[style_id] = font or styles.default_font
        current, seen = style_id, set()
        while current and current not in seen:
            seen.add(current)
            if current in own_numbers:
                styles.numbers[style_id] = own_numbers[current]
                break
            current = based_on.get(current)
    return styles


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# -- automatic numbering ----------------------------------------------------------

BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0a8": "•", "\uf0d8": "►", "\uf0e0": "►", "\uf0fc": "✓", "\uf02d": "-",
           "\uf0be": "-", "o": "○", "§": "▪", "": ""}


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False


@dataclass
class Numbering:
    """Word's automatic numbering (``numbering.xml``): the markers it prints before list paragraphs."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> level -> format
    keys: dict[str, str] = field(default_factory=dict)  # numId -> counter key (lists continue per abstractNum)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def marker(self, num_id: str, level: int) -> str | None:
        """The next marker of list ``num_id`` at ``level`` ("1.", "a)", "1.2.", "•"), counting it."""
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return None
        counts = self.counters.setdefault(self.keys[num_id], {})
        counts[level] = counts.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        spec = levels[level]
        if spec.fmt == "bullet":
            text = spec.text.strip()
            return BULLETS.get(text, "•" if text and "\ue000" <= text[0] <= "\uf8ff" else text)
        if spec.fmt == "none":
            return None

        def number(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            other = levels.get(at, _Level())
            value = counts.get(at, other.start)
            return _format(value, "decimal" if spec.legal and at != level else other.fmt)

        return re.sub(r"%([1-9])", number, spec.text).strip() or None


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out or str(value)


def _parse_level(node) -> tuple[int, _Level]:
    level = _Level()
    for child in node:
        local = _local(child.tag)
        if local == "start":
            level.start = _int(_attr(child, "val"), 1)
        elif local == "numFmt":
            level.fmt = _attr(child, "val") or "decimal"
        elif local == "lvlText":
            level.text = _attr(child, "val") or ""
        elif local == "isLgl":
            level.legal = _attr(child, "val") not in ("0", "false")
    return _int(_attr(node, "ilvl"), 0), level


def _parse_numbering(data: bytes) -> Numbering:
    root = _parse(data, NUMBERING_PART)
    abstract: dict[str, dict[int, _Level]] = {}
    numbering = Numbering()
    for element in root:
        if _local(element.tag) == "abstractNum":
            levels = dict(_parse_level(node) for node in element if _local(node.tag) == "lvl")
            abstract[_attr(element, "abstractNumId") or ""] = levels
    for element in root:
        if _local(element.tag) != "num":
            continue
        num_id = _attr(element, "numId") or ""
        abstract_id = next((_attr(c, "val") or "" for c in element if _local(c.tag) == "abstractNumId"), "")
        levels = {k: _Level(v.start, v.fmt, v.text, v.legal) for k, v in abstract.get(abstract_id, {}).items()}
        overridden = False
        for override in (c for c in element if _local(c.tag) == "lvlOverride"):
            overridden = True
            at = _int(_attr(override, "ilvl"), 0)
            for child in override:
                if _local(child.tag) == "startOverride":
                    levels.setdefault(at, _Level()).start = _int(_attr(child, "val"), 1)
                elif _local(child.tag) == "lvl":
                    levels[at] = _parse_level(child)[1]
        numbering.levels[num_id] = levels
        numbering.keys[num_id] = f"num:{num_id}" if overridden else f"abstract:{abstract_id}"
    return numbering


# -- body -------------------------------------------------------------------------


@dataclass
class _Paragraph:
    style_font: str | None
    runs: list[tuple[str, str | None]] = field(default_factory=list)  # (text, explicit run font)
    style_number: tuple[str, int] | None = None  # (numId, level) from the paragraph style
    num_id: str | None = None  # from the paragraph's own numPr
    level: int | None = None

    def number(self) -> tuple[str, int] | None:
        if self.num_id is not None:
            level = self.level if self.level is not None else (self.style_number or ("", 0))[1]
            return (self.num_id, level) if self.num_id != "0" else None
        if self.style_number and self.style_number[0] not in ("", "0"):
            return (self.style_number[0], self.level if self.level is not None else self.style_number[1])
        return None

    def text(self) -> str:
        out: list[str] = []
        group: list[str] = []
        encoding: str | None = None
        for text, font in self.runs:
            enc = font_encoding(font or self.style_font)
            if enc != encoding:
                out.append(_convert("".join(group), encoding))
                group, encoding = [], enc
            group.append(text)
        out.append(_convert("".join(group), encoding))
        return "".join(out)


def _convert(text: str, encoding: str | None) -> str:
    if not text or encoding is None:
        return text
    if encoding == "tcvn3-caps":
        return legacy.to_unicode(text, "tcvn3").upper()
    return legacy.to_unicode(text, encoding)


def _document_text(data: bytes, styles: Styles, numbering: Numbering | None = None) -> str:
    numbering = numbering or Numbering()
    lines: list[str] = []
    stack: list[str] = []
    paragraphs: list[_Paragraph] = []
    skip = 0  # inside mc:Fallback, deleted text, field codes
    run_font: str | None = None
    run_style_font: str | None = None
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                stack.append(name)
                if name in ("Fallback", "del", "moveFrom"):
                    skip += 1
                elif name == "p":
                    paragraphs.append(_Paragraph(styles.font(styles.default_paragraph) or styles.default_font,
                                                 style_number=styles.numbers.get(styles.default_paragraph or "")))
                elif name == "r":
                    run_font = run_style_font = None
                continue
            stack.pop()
            if name in ("Fallback", "del", "moveFrom"):
                skip -= 1
            elif name == "p":
                paragraph = paragraphs.pop()
                if not skip:
                    number = paragraph.number()
                    marker = numbering.marker(*number) if number else None
                    text = paragraph.text()
                    lines.append(f"{marker} {text.lstrip()}" if marker and text.strip() else text)
                element.clear()
            elif skip or not paragraphs:
                continue
            elif name == "pStyle" and stack and stack[-1] == "pPr":
                style_id = _attr(element, "val")
                paragraphs[-1].style_font = styles.font(style_id) or paragraphs[-1].style_font
                paragraphs[-1].style_number = styles.numbers.get(style_id or "")
            elif name in ("numId", "ilvl") and len(stack) > 1 and stack[-1] == "numPr" and stack[-2] == "pPr":
                if name == "numId":
                    paragraphs[-1].num_id = _attr(element, "val") or "0"
                else:
                    paragraphs[-1].level = _int(_attr(element, "val"), 0)
            elif name == "rStyle":
                run_style_font = styles.font(_attr(element, "val"))
            elif name == "rFonts" and stack and stack[-1] == "rPr" and len(stack) > 1 and stack[-2] == "r":
                run_font = _attr(element, "ascii") or _attr(element, "hAnsi")
            elif name == "t" and stack and stack[-1] == "r":
                paragraphs[-1].runs.append((element.text or "", run_font or run_style_font))
            elif stack and stack[-1] == "r" and name in ("tab", "ptab"):
                paragraphs[-1].runs.append(("\t", None))
            elif stack and stack[-1] == "r" and name in ("br", "cr"):
                paragraphs[-1].runs.append(("\n", None))
            elif stack and stack[-1] == "r" and name == "noBreakHyphen":
                paragraphs[-1].runs.append(("-", None))
    except DefusedXmlException as exc:
        raise ReadError("unsafe_xml", f"word/document.xml declares a DTD or entities ({type(exc).__name__}); "
                                      "refused without expanding them") from exc
    except ParseError as exc:
        raise ReadError("corrupt", f"word/document.xml is not well-formed XML ({exc})") from exc
    return "\n".join(lines)
