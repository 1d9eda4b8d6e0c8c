"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI Windows and VIQR -> Unicode.

Texts typed before Unicode use 8-bit font encodings. Their bytes decode
without error as Windows-1252, so a decoder cannot see that they are wrong;
they show as ``Th«ng b¸o`` (TCVN3) or ``Thoâng baùo`` (VNI). VIQR writes the
marks in ASCII after the letter (``Tho^ng ba'o``).

The character tables are data (``pipeline/data/legacy_*.tsv``). Detection
decodes a text every way and counts how many of its words become Vietnamese
syllables (:func:`is_syllable`): the reading with the most wins, and a text
is converted only when its reading is clearly Vietnamese.

The functions work on ``str``: a legacy text is the string its bytes give in
Windows-1252 (which is what a ``.docx`` run in a ``.VnTime`` font, an HTML page
or a PDF text layer already hands over). :func:`decode_bytes` handles raw bytes,
Windows-1258 included.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

ENCODINGS = ("tcvn3", "vni", "viqr")
TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}

# -- tables -------------------------------------------------------------------

_CP1252 = bytes(range(256)).decode("cp1252", errors="replace")
# bytes undefined in cp1252 (0x81, 0x8d, 0x8f, 0x90, 0x9d) keep their Latin-1 code point
CP1252_CHARS = "".join(c if c != "\ufffd" else chr(i) for i, c in enumerate(_CP1252))

_LATIN1_TO_CP1252 = {i: CP1252_CHARS[i] for i in range(0x80, 0xA0)}


def bytes_to_str(data: bytes) -> str:
    """Bytes as the Windows-1252 characters a legacy font shows (never fails)."""
    return data.decode("latin-1").translate(_LATIN1_TO_CP1252)


def _rows(name: str) -> list[tuple[str, str]]:
    text = files("pipeline.data").joinpath(f"legacy_{name}.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, uni = line.split("\t")[:2]
        if name == "viqr":
            rows.append((code, uni))
        else:
            rows.append((bytes_to_str(bytes.fromhex(code)), uni))
    return rows


@dataclass(frozen=True)
class Table:
    name: str
    to_uni: dict[str, str]
    from_uni: dict[str, str]
    pattern: re.Pattern[str]


@cache
def table(name: str) -> Table:
    """The conversion table of one legacy encoding."""
    if name not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {name!r}")
    rows = _rows(name)
    to_uni = dict(rows)
    from_uni: dict[str, str] = {}
    for code, uni in rows:
        from_uni.setdefault(uni, code)  # the first spelling in the table is the canonical one
    if name == "tcvn3":
        # capital toned letters have no code: the capital fonts draw the small ones
        for code, uni in rows:
            if uni.upper() not in from_uni:
                from_uni[uni.upper()] = code
    keys = sorted(to_uni, key=len, reverse=True)
    if name == "viqr":
        # a backslash keeps a mark literal (RFC 1456)
        pattern = re.compile(r"(?<!\\)(?:" + "|".join(map(re.escape, keys)) + ")")
    else:
        pattern = re.compile("|".join(map(re.escape, keys)))
    return Table(name, to_uni, from_uni, pattern)


# -- conversion ---------------------------------------------------------------

_WORD = re.compile(r"\S+")


def to_unicode(text: str, encoding: str) -> str:
    """Convert a legacy text (as Windows-1252 characters, or ASCII for VIQR) to NFC Unicode."""
    t = table(encoding)
    if encoding == "vni":
        return unicodedata.normalize("NFC", t.pattern.sub(lambda m: t.to_uni[m.group()], text))
    if encoding == "viqr":
        out = t.pattern.sub(lambda m: _viqr_letter(t, m), text)
        return unicodedata.normalize("NFC", re.sub(r"\\(?=[(^+'`?~.\\d])", "", out))
    # TCVN3: a word written in a capital font comes out with small toned letters; restore the capitals
    marked: list[bool] = []
    chars: list[str] = []
    for ch in text:
        uni = t.to_uni.get(ch)
        chars.append(uni if uni is not None else ch)
        marked.append(uni is not None and uni.islower())
    out = "".join(chars)
    if any(marked):
        out = _restore_capitals(out, marked)
    return unicodedata.normalize("NFC", out)


_VIQR_TONED = re.compile(r"[aeiouyAEIOUY][(^+]?['`~?.]")


def _viqr_letter(t: Table, m: re.Match[str]) -> str:
    """One VIQR letter; a final "?" or "." is punctuation when the word already has its tone."""
    key, text = m.group(), m.string
    if key[-1] in "?." and (m.end() == len(text) or not text[m.end()].isalnum()):
        word_start = m.start()
        while word_start > 0 and not text[word_start - 1].isspace() and m.start() - word_start < 40:
            word_start -= 1
        if _VIQR_TONED.search(text, word_start, m.start()):
            return t.to_uni.get(key[:-1], key[:-1]) + key[-1]
    return t.to_uni[key]


def _restore_capitals(text: str, marked: list[bool]) -> str:
    """Capitalise the small toned letters of words written in a capital font (``B¸O`` -> ``BÁO``).

    A word whose other letters are all capitals (two at least) was written in a
    capital font; so was every word of a line that holds such a word.
    """
    chars = list(text)
    for line in re.finditer(r"[^\n]+", text):
        words = []
        for word in re.finditer(r"[^\W\d_]+", line.group()):
            start, end = line.start() + word.start(), line.start() + word.end()
            plain = [chars[i] for i in range(start, end) if not marked[i]]
            has_marked = len(plain) < end - start
            words.append((start, end, plain, has_marked))
        capital_font = any(has and len(plain) >= 2 and all(c.isupper() for c in plain)
                           for _, _, plain, has in words)
        for start, end, plain, has_marked in words:
            if has_marked and capital_font and all(c.isupper() for c in plain):
                for i in range(start, end):
                    if marked[i]:
                        chars[i] = chars[i].upper()
    return "".join(chars)


def from_unicode(text: str, encoding: str) -> str:
    """The legacy form of a Unicode text (as Windows-1252 characters, or ASCII for VIQR).

    TCVN3 has no capital toned letters: they become the small ones, as a capital font would store them.
    """
    t = table(encoding)
    text = unicodedata.normalize("NFC", text)
    if encoding == "viqr":
        text = re.sub(r"(?<=[\w])([(^+'`?~.])", r"\\\1", text)  # literal marks after a letter
        text = re.sub(r"(?<=[dD])(?=[dD])", r"\\", text)  # a literal "dd" is written "d\d"
    return "".join(t.from_uni.get(ch, ch) for ch in text)


def encode(text: str, encoding: str) -> bytes:
    """Bytes of a Unicode text in a legacy encoding (``tcvn3``, ``vni``: cp1252 bytes; ``viqr``: ASCII marks).

    Characters the encoding lacks become ``?``, except in VIQR, whose mnemonics are
    ASCII and whose other characters (quotes, dashes) are kept as UTF-8.
    """
    legacy = from_unicode(text, encoding)
    return legacy.encode("utf-8") if encoding == "viqr" else legacy.encode("cp1252", errors="replace")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of a Unicode text: base letters precomposed, tones as combining marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        tone = "".join(c for c in decomposed if c in TONES)
        out += (base + tone).encode("cp1258", errors="replace")
    return bytes(out)


# -- Vietnamese syllables -----------------------------------------------------

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_CODA = r"(?:ch|c|m|ng|nh|n|p|t)"
_RHYME = (
    r"(?:(?:oai|oay|oeo|uây|uôi|ươi|ươu|uya|uyu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|uơ)"
    rf"|(?:uyê|iê|yê|uô|ươ|oă|uâ|ă|â|oo){_CODA}"
    rf"|(?:oa|oe|uê|uy|a|e|ê|i|o|ô|ơ|u|ư|y){_CODA}?)"
)
_SYLLABLE = re.compile(rf"{_ONSET}{_RHYME}")
_EDGE = "\"'“”‘’«»()[]{}<>.,;:!?…–—-/\\|*_#%&=+0123456789"


def is_syllable(word: str) -> bool:
    """Is ``word`` one well-formed Vietnamese syllable (onset, rhyme, at most one tone that fits its coda)?"""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    if not _SYLLABLE.fullmatch(base):
        return False
    # a syllable closed by c, ch, p or t takes only the sắc or nặng tone
    return not (base.endswith(("c", "ch", "p", "t")) and tones and tones[0] not in ("\u0301", "\u0323"))


def _tokens(text: str) -> list[str]:
    return [w.strip(_EDGE) for w in _WORD.findall(text)]


def _word(token: str) -> bool:
    """Long enough to count as evidence: a lone symbol (``÷``) is a letter in TCVN3."""
    return len(token) >= 2


def syllable_score(text: str) -> tuple[int, int]:
    """(Vietnamese syllables, words) among the words of ``text`` that hold a non-ASCII character."""
    valid = total = 0
    for token in _tokens(text):
        if token and not token.isascii():
            total += 1
            valid += is_syllable(token)
    return valid, total


# -- detection ------------------------------------------------------------------

_VIET_UNICODE = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
                           "\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")
_VIQR_MARK = re.compile(r"[aeiouyAEIOUY](?:[(^+][`'?~.]?|[`'~])|[aeiouyAEIOUY][?.](?=[a-zA-Z])|\bdd")
MIN_RATIO = 0.8
"""Share of words that must be Vietnamese syllables for a reading of bytes to be taken."""


def _changed_tokens(before: str, after: str) -> tuple[int, int, int]:
    """(words changed, syllables before, syllables after) between two aligned readings of a line."""
    changed = old_valid = new_valid = 0
    for old, new in zip(_tokens(before), _tokens(after), strict=False):
        if old != new and _word(new):
            changed += 1
            old_valid += is_syllable(old)
            new_valid += is_syllable(new)
    return changed, old_valid, new_valid


def _suspect_lines(text: str) -> list[str]:
    """Lines that may be legacy text: no Vietnamese Unicode letter in them."""
    return [line for line in text.split("\n") if line.strip() and not _VIET_UNICODE.search(line)]


def detect(text: str, sample: int = 200_000) -> str | None:
    """The legacy encoding a text is written in (``tcvn3``, ``vni``, ``viqr``), or None for Unicode text.

    Every reading is scored by the words it turns into Vietnamese syllables; the
    best one is taken when most of the words it changes become syllables.
    """
    lines = _suspect_lines(text[:sample])
    if not lines:
        return None
    candidates = []
    if any(not line.isascii() for line in lines):
        candidates += ["tcvn3", "vni"]
    if sum(len(_VIQR_MARK.findall(line)) for line in lines[:5000]) >= 3:
        candidates.append("viqr")
    best, best_gain = None, 0
    for encoding in candidates:
        changed = before = after = 0
        for line in lines:
            c, b, a = _changed_tokens(line, to_unicode(line, encoding))
            changed, before, after = changed + c, before + b, after + a
        gain = after - before
        if changed and after >= 0.6 * changed and gain >= min(3, changed) and gain > best_gain:
            best, best_gain = encoding, gain
    return best


def fix_text(text: str, encoding: str | None = None) -> tuple[str, str | None]:
    """Convert the lines of ``text`` written in a legacy encoding; return the text and the encoding.

    Words of a PDF text layer that gives glyph numbers (:mod:`pipeline.glyphs`) are
    read back first ("pdf-glyphs"). ``encoding`` is detected when not given. Lines that hold Vietnamese Unicode
    letters, and lines whose conversion would lose syllables, are kept as they
    are: a document can mix Unicode and legacy fonts.
    """
    from pipeline.glyphs import fix_glyphs  # here: that module reads syllables with this one

    text, read_back = fix_glyphs(text)
    encoding = encoding or detect(text)
    if encoding is None:
        return text, "pdf-glyphs" if read_back else None
    out = []
    for line in text.split("\n"):
        if line.strip() and not _VIET_UNICODE.search(line):
            converted = to_unicode(line, encoding)
            if converted != line:
                _, before, after = _changed_tokens(line, converted)
                if after >= before:
                    line = converted
        out.append(line)
    return "\n".join(out), encoding


def decode_bytes(data: bytes) -> tuple[str, str] | None:
    """Decode bytes that are not UTF-8: Windows-1258, TCVN3 or VNI, whichever reads as Vietnamese.

    Returns (text, encoding) or None when no reading is clearly Vietnamese.
    """
    readings: list[tuple[str, str]] = []
    with contextlib.suppress(UnicodeDecodeError):
        readings.append((unicodedata.normalize("NFC", data.decode("cp1258")), "windows-1258"))
    as_cp1252 = bytes_to_str(data)
    readings.append((to_unicode(as_cp1252, "tcvn3"), "tcvn3"))
    readings.append((to_unicode(as_cp1252, "vni"), "vni"))
    best: tuple[float, int, str, str] | None = None
    for text, encoding in readings:
        valid, total = syllable_score(text[:200_000])
        if not total:
            continue
        ratio = valid / total
        needed = 1.0 if total < 5 else MIN_RATIO
        if ratio >= needed and (best is None or (ratio, valid) > best[:2]):
            best = (ratio, valid, text, encoding)
    return (best[2], best[3]) if best else None
