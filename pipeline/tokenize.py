"""Vietnamese word segmentation with character offsets and protected spans.

Reads a text; returns :class:`Token` s with their spans. underthesea's
``word_tokenize`` (offline, ``use_token_normalize=False``) segments each line;
spans that must stay whole are found first and never split: cited documents
("01/CT-UBND", "ISO/IEC 17025:2017"), deadline and date phrases
("trước ngày 30/6/2026") and unit names ("Sở Kế hoạch và Đầu tư").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.deadlines import find_deadline
from pipeline.references import find_references
from pipeline.units import find_units

DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?|\d{1,2}/\d{4}")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    kind: str = "word"  # word, reference, time, unit


@lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], list[str]]:
    from underthesea import word_tokenize

    return lambda text: word_tokenize(text, use_token_normalize=False)


def protected_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans that segmentation must keep whole, left to right, not overlapping."""
    spans: list[tuple[int, int, str]] = [(*r.span, "reference") for r in find_references(text) if r.span]
    deadline = find_deadline(text, None)
    if deadline:
        spans.append((deadline.start, deadline.end, "time"))
    spans += [(m.start(), m.end(), "time") for m in DATE.finditer(text)]
    spans += [(u.start, u.end, "unit") for u in find_units(text)]
    # citations and time phrases win over unit names that would run into them
    priority = {"reference": 0, "time": 1, "unit": 2}
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (priority[s[2]], s[0], -(s[1] - s[0]))):
        if all(end <= a or start >= b for a, b, _ in chosen):
            chosen.append((start, end, kind))
    return sorted(chosen)


def tokenize(text: str, protect: bool = True) -> list[Token]:
    """Words of ``text`` with their offsets; each line is segmented on its own."""
    tokens: list[Token] = []
    offset = 0
    for line in text.split("\n"):
        tokens.extend(_tokenize_line(line, offset, protect))
        offset += len(line) + 1
    return tokens


def _tokenize_line(line: str, offset: int, protect: bool) -> Iterable[Token]:
    pos = 0
    for start, end, kind in protected_spans(line) if protect else []:
        yield from _segment(line[pos:start], offset + pos)
        yield Token(line[start:end], offset + start, offset + end, kind)
        pos = end
    yield from _segment(line[pos:], offset + pos)


def _segment(chunk: str, offset: int) -> Iterable[Token]:
    if not chunk.strip():
        return
    cursor = 0
    for word in _segmenter()(chunk):
        # underthesea joins syllables with one space; the text may have more, or a line break
        pattern = r"\s+".join(re.escape(part) for part in word.split())
        match = re.compile(pattern).search(chunk, cursor)
        if match is None:
            continue
        cursor = match.end()
        yield Token(match.group(), offset + match.start(), offset + match.end())
