""".html reader: the visible text of a page, one line per block, table cells one per line.

Uses the standard library's tokenizer (no tree is built, so memory is linear
and nothing recurses). Elements nested deeper than ``MAX_DEPTH`` raise
``ReadError('too_deep')``: no document needs that and a parser that builds a
tree would blow its stack. Scripts, styles and the ``<head>`` are dropped.

The charset comes from a BOM, then ``<meta charset>`` / ``http-equiv``, then
UTF-8, then the legacy detection of :func:`pipeline.read.decode` (Word's
"Save as Web Page" writes windows-1258). Text in legacy fonts (``.VnTime``,
``VNI-Times``) is converted by :func:`pipeline.legacy.fix_text`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser

from pipeline import legacy
from pipeline.read import ReadError, decode

MAX_DEPTH = 256

BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul"
})
HIDDEN = frozenset({
    "script", "style", "head", "noscript", "template", "svg", "math", "object", "iframe", "select"
})
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr"
})
HEAD_CONTENT = frozenset({"title", "meta", "link", "style", "script", "base", "noscript", "template", "head"})
# an open element that a new start tag closes implicitly (HTML's optional end tags)
IMPLIED_END = {
    "p": {"p"}, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr", "td", "th"},
    "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"}, "body": {"head"},
}
CLOSES_P = frozenset({
    "address", "article", "aside", "blockquote", "div", "dl", "fieldset", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "pre", "section", "table", "ul"
})
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.pre = 0

    def _break(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = re.sub(r"[ \t\r\n\f\u00a0]+", " ", text).strip()
        self.lines.extend(text.split("\n") if self.pre else [text])
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in VOID:
            if tag in ("br", "hr") and not self.hidden:
                self._break()
            return
        if tag not in HEAD_CONTENT and "head" in self.stack:  # body content closes an unclosed <head>
            self._close_from(self.stack.index("head"))
        closes = IMPLIED_END.get(tag, set()) | ({"p"} if tag in CLOSES_P else set())
        if closes:
            barrier = {"table", "ul", "ol", "dl"} if tag in ("li", "dt", "dd", "tr", "td", "th") else set()
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i] in barrier:
                    break
                if self.stack[i] in closes:
                    self._close_from(i)
                    break
        self.stack.append(tag)
        if len(self.stack) > MAX_DEPTH:
            raise ReadError("too_deep", f"HTML elements nested over {MAX_DEPTH} deep; refused")
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "pre":
            self.pre += 1
        if tag in BLOCK and not self.hidden:
            self._break()

    def _close_from(self, index: int) -> None:
        while len(self.stack) > index:
            self._end(self.stack.pop())

    def _end(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in BLOCK and not self.hidden:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] == tag:
                self._close_from(i)
                return

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)

    def text(self) -> str:
        self._break()
        return "\n".join(line.rstrip() for line in self.lines if line.strip())


def decode_html(data: bytes) -> str:
    """Decode an HTML page's bytes by its BOM, its declared charset, UTF-8 or the legacy detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    match = META_CHARSET.search(data[:8192])
    if match:
        try:
            name = codecs.lookup(match.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            name = None
        if name and name not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            try:
                return unicodedata.normalize("NFC", data.decode(name))
            except UnicodeDecodeError:
                pass
    return decode(data)


def read_html(data: bytes) -> str:
    """Visible text of an HTML page; raises :class:`ReadError` (too_deep, empty, encoding)."""
    markup = decode_html(data)
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = unicodedata.normalize("NFC", parser.text())
    if not text.strip():
        raise ReadError("empty", "the HTML page has no visible text")
    return legacy.fix_text(text)[0]
