"""PDF text layers that give glyph numbers instead of characters.

A PDF whose embedded font carries no ToUnicode map hands out the font's glyph
numbers: "7ӌ1+ LÀO CAI" for "TỈNH LÀO CAI", "QăP" for "năm". Only the words set in
that font are touched, so one line mixes right and shifted words. The mapping is
data (``pipeline/data/pdf_glyphs.tsv``): ASCII moved by 29, the Vietnamese letters
of Latin Extended Additional moved into the Cyrillic block, a few single letters.

A text is treated when it holds shifted Vietnamese letters (code points no
Russian text uses); then each word is read back when it holds a glyph character,
or when its reading is a Vietnamese syllable and the word as printed is not.
Digits and punctuation set in that font arrive as control characters ("\\x14\\x13\\x18"
is "105"); the five that are white space (tab to carriage return) cannot be told
from it and stay.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from itertools import islice

from pipeline.legacy import TONES, is_syllable

MIN_GLYPHS = 10
"""Shifted Vietnamese letters a text must hold before any word is read back."""
MIN_VALID = 0.6
"""Share of the words read back that must become Vietnamese syllables, or the text is kept as it is."""
SHIFTED_LETTER = re.compile("[\u04a4-\u04fd]")
TRAILING = re.compile(r"[.,;:)]+$")
EDGES = re.compile(r"(?P<head>[(\"“]*)(?P<body>.*?)(?P<tail>[.,;:)]*)", re.S)
WORD = re.compile(r"[^ \t\n\v\f\r]+")  # not \S: Python counts \x1c-\x1f (shifted digits) as white space


@cache
def _tables() -> tuple[dict[int, str], dict[int, str], frozenset[str]]:
    """(the mapping of the glyph characters, that of the Latin letters after "~", the characters only a shifted word
    holds)."""
    mapping: dict[int, str] = {}
    latin: dict[int, str] = {}
    marks: set[str] = set()
    for line in files("pipeline.data").joinpath("pdf_glyphs.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("#")[0].split()
        if not fields:
            continue
        if fields[0] == "range":
            first, last, offset = (int(f, 16) for f in fields[1:4])
            mapping.update((code, chr(code + offset)) for code in range(first, last + 1))
            marks.update(chr(c) for c in range(first, last + 1) if not 0x20 <= c <= 0x7E)
        elif fields[0] == "latin":
            latin[int(fields[1], 16)] = chr(int(fields[2], 16))
        else:
            glyph, letter = (int(f, 16) for f in fields[1:3])
            mapping[glyph] = chr(letter)
            marks.add(chr(glyph))
    return mapping, latin, frozenset(marks)


@cache
def _reading_tables() -> tuple[dict[int, str], ...]:
    """The translation tables of :func:`_readings`, likeliest first: every printable character a glyph number (with the
    Latin letters after "~"), only those up to "]", only the glyph characters."""
    mapping, latin, marks = _tables()
    return mapping | latin, mapping, {ord(c): mapping[ord(c)] for c in marks if ord(c) in mapping}


def has_glyph_text(text: str) -> bool:
    """Does ``text`` hold enough shifted Vietnamese letters to be a glyph-numbered text layer?"""
    return next(islice(SHIFTED_LETTER.finditer(text), MIN_GLYPHS - 1, None), None) is not None


def read_word(word: str) -> str:
    """One word (no white space) read back, or as it is when it is no shifted word.

    A word that holds a glyph character takes its likeliest reading; any other word only when it is not Vietnamese
    as printed and a reading of it is.
    """
    mapping, _, marks = _tables()
    marked = any(c in marks for c in word)
    if not marked and (not any(c.isalpha() for c in word) or _vietnamese(_core(word))):
        return word
    readings = list(_readings(word))
    known = _known_syllables()
    best = next((r for r in readings if _core(r).lower() in known), None) or next(
        (r for r in readings if _vietnamese(_core(r))), None)
    return best or (word.translate(mapping) if marked else word)


@cache
def _known_syllables() -> frozenset[str]:
    """Syllables of the package's own language data (cues, unit names, time words): where two readings of a word are
    Vietnamese ("Sӣ": "Sở" or "pở"), the known one wins."""
    words: set[str] = set()
    for entry in files("pipeline.data").iterdir():
        if entry.name.endswith((".tsv", ".txt")) and not entry.name.startswith(("legacy_", "pdf_")):
            words.update(w.lower() for w in re.findall(r"\w+", entry.read_text(encoding="utf-8")))
    return frozenset(w for w in words if is_syllable(w))


def _readings(word: str) -> Iterator[str]:
    """The readings of a shifted word, likeliest first.

    Its printable ASCII characters may be glyph numbers (up to "]", and after it in the Macintosh order) or the good
    font's own letters ("tӍnh", "Thӵc"); punctuation around it may be the good font's too ("(J͵L" is "(gửi").
    """
    m = EDGES.fullmatch(word)
    head, body, tail = m["head"], m["body"], m["tail"]
    for table in _reading_tables():
        yield word.translate(table)
        if head or tail:
            yield head + body.translate(table) + tail


def _vietnamese(word: str) -> bool:
    """A syllable, and one closed by c, ch, p or t carries its tone ("tháp", not "thip")."""
    toned = any(c in TONES for c in unicodedata.normalize("NFD", word))
    return is_syllable(word) and (toned or not word.lower().endswith(("c", "ch", "p", "t")))


def _core(word: str) -> str:
    return TRAILING.sub("", word).strip("(\"“")


def fix_glyphs(text: str) -> tuple[str, bool]:
    """``text`` with its glyph-numbered words read back, and whether any was."""
    if not has_glyph_text(text):
        return text, False
    changed = valid = 0

    def read(match: re.Match[str]) -> str:
        nonlocal changed, valid
        word = match.group()
        if (new := read_word(word)) != word:
            changed += 1
            valid += _vietnamese(_core(new))
        return new

    fixed = WORD.sub(read, text)
    if valid < MIN_VALID * changed:  # Kazakh or Mongolian text uses these letters too: it is left alone
        return text, False
    return fixed, fixed != text
