"""Unit names: abbreviations written in full, lists expanded, the comparison key and a gazetteer.

Reads ``data/unit_abbreviations.tsv`` (abbreviation, expansion, note) and
``data/unit_gazetteer.tsv`` (name, kind, count, where seen). The gazetteer is
built by :func:`build_gazetteer` from the addressees ("Kính gửi", "Nơi nhận")
and the unit headings of a corpus::

    .venv/bin/nhiemvu gazetteer ../shared/corpus   # or: python -m pipeline.unit_names build ../shared/corpus

:func:`unit_key` is the comparison form of ANNOTATION §4/§8 (the scorer's ``norm``).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pipeline import units
from pipeline.evaluate import norm
from pipeline.lexicon import alternation, data_rows, data_words

GAZETTEER_FILE = "unit_gazetteer.tsv"
PACKAGED_GAZETTEER = Path(__file__).parent / "data" / GAZETTEER_FILE
TOKEN = re.compile(r"[^\s\-–—_.,;:()\"“”']+")
"""A run of characters that :func:`unit_key` keeps (it folds the others to one space)."""
TERRITORY = r"tỉnh|thành\s+phố|huyện|quận|thị\s+xã|thị\s+trấn|xã|phường|cấp|trung\s+ương|Trung\s+ương"
GROUP_WORDS = r"ban|ngành|đơn\s+vị|đoàn\s+thể|cơ\s+quan|địa\s+phương"
PARENTHESIS = re.compile(r"\s*\([^()]*\)|\s*\([^()]*$")
ENUMERATOR = re.compile(r"^(?:[-–+•*]\s*|\(?[a-zđ]{1,3}\)\s*|\d{1,2}[.)]\s+)")
ADDRESSED = re.compile(
    r"^(?:(?:Yêu\s+cầu|Nhiệm\s+vụ|Trách\s+nhiệm)(?:\s+(?:đối\s+với|của))?|Đối\s+với|Về\s+phía|Giao)\s+", re.I
)
NOT_UNIT = re.compile(r"^(?:Lưu\b|Như\s|TM\.|KT\.|Website\b)", re.I)
"""Recipient lines that name no unit: "Lưu: VT", "Như trên", "Như Điều 3", a signature leak."""
TITLE = re.compile(
    r"^(?:các\s+)?(?:phó\s+)?"
    r"(?:đồng\s+chí|ông|bà|chủ\s+tịch|giám\s+đốc|tổng\s+giám\s+đốc|bộ\s+trưởng|thứ\s+trưởng|thủ\s+tướng|"
    r"cục\s+trưởng|chánh|trưởng|lãnh\s+đạo|thành\s+viên|chuyên\s+viên|trợ\s+lý|đại\s+biểu|bí\s+thư|thủ\s+trưởng|"
    r"đ/c|pct|ct|ctubnd|gđ|pgđ|gd|pgd|ttg|pttg\w*|cvp|pcvp\w*|pcpv|tgđ|btcn|pcn)(?!\w)",
    re.I,
)
"""A person by title ("PCT UBND tỉnh", "Giám đốc Sở"): ANNOTATION keeps them, the gazetteer does not."""
PERSON_NAME_SYLLABLES = (3, 4)
"""How many syllables a personal name has with its family name ("Nguyễn Thị Loan", "Lò Văn Pó"); two-syllable ones
are too often places ("Hà Giang", "Cao Bằng") to tell."""
HONORIFIC = re.compile(r"^(?i:Ông|Bà|Đồng\s+chí|Đ/c)\.?\s+(?=[^\W\d_])")
"""A person addressed by name ("Ông Tuấn", "Đ/c Hùng"), whatever the name's syllables."""
ASSIGNEE_KINDS = ("unit", "office", "person")
"""What a lead names: a unit, an office by its title ("Giám đốc Sở Công Thương", "Lãnh đạo Sở") or a person by name
("Phó Giám đốc Huỳnh Văn Quán", "Nguyễn Thị Loan"). ANNOTATION §4 keeps all three as written."""
HEADING_VERB = re.compile(r"(?<!\w)(?:có|là|được|phải|chịu|sau\s+đây|như\s+sau|bao\s+gồm|thực\s+hiện)(?!\w)")
"""A heading with a verb is a sentence ("Bộ Tài chính có trách nhiệm"), not a unit name."""
DEPARTMENT_HEADS = frozenset({"Sở", "Bộ", "Phòng", "Vụ"})
"""Heads whose name is a field of work, so that "Sở Tài chính và Xây dựng" is two Sở when both fields are known."""
PURPOSE = re.compile(r"\s+\(?để\s.*$")
"""Why a recipient gets the copy ("Phòng QLNL để phối hợp"): no part of its name."""
LOOSE_END = re.compile(r"\s(?:tại|của|về|và|các|với|cho|theo)$")
"""A name cut short ("Bộ phận Tiếp nhận và Trả kết quả của Sở Công Thương tại")."""


@lru_cache(maxsize=1 << 16)
def unit_key(name: str) -> str:
    """The comparison form of a unit name: NFC, lower case, UBND/HĐND written out, tones and punctuation folded."""
    return norm(name)


# -- abbreviations ---------------------------------------------------------------


@cache
def _abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for abbreviation, expansion, *_ in data_rows("unit_abbreviations.tsv"):
        table.setdefault(_spaced(abbreviation), expansion)
    words = tuple(sorted(table, key=len, reverse=True))
    # not inside a document symbol ("123/BC-SCT"): no "/" or "word-" before
    return re.compile(rf"(?<![\w&/])(?<!\w-)(?:{alternation(words)})(?:(?<=\.)|(?![\w&]))"), table


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _expand(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with its abbreviations written out, and each output character's start and end in ``text``."""
    pattern, table = _abbreviations()
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        full = table[_spaced(m.group())]
        if m.start() == 0:
            full = full[:1].upper() + full[1:]
        pieces += [text[pos : m.start()], full]
        starts += [*range(pos, m.start()), *[m.start()] * len(full)]
        ends += [*range(pos + 1, m.start() + 1), *[m.end()] * len(full)]
        pos = m.end()
    pieces.append(text[pos:])
    starts += range(pos, len(text))
    ends += range(pos + 1, len(text) + 1)
    return "".join(pieces), starts, ends


def expand_abbreviations(name: str) -> str:
    """"Sở TN&MT" -> "Sở Tài nguyên và Môi trường", "VP UBND tỉnh" -> "Văn phòng Ủy ban nhân dân tỉnh"."""
    return _spaced(_expand(name)[0])


@cache
def _expansion_fields() -> tuple[str, ...]:
    """The expansions of the abbreviation table without their head ("Kế hoạch và Đầu tư", "Công Thương")."""
    return tuple(_without_head(expansion) for _, expansion, *_ in data_rows("unit_abbreviations.tsv"))


# -- heads ------------------------------------------------------------------------


@cache
def _heads() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """The opening nouns of unit names: as printed, in any case, and their canonical spelling by key."""
    heads = tuple(h for h in data_words("unit_heads.txt") if h.upper() != h)
    canonical: dict[str, str] = {}
    for head in heads:
        canonical.setdefault(unit_key(head), head)
    words = alternation(heads)
    return re.compile(rf"(?:{words})(?!\w)"), re.compile(rf"(?:{words})(?!\w)", re.I), canonical


def _head(name: str) -> str | None:
    """The canonical head a name opens with ("Sở", "Ủy ban nhân dân"), or None."""
    printed, _, canonical = _heads()
    m = printed.match(name)
    return canonical[unit_key(m.group())] if m else None


def _without_head(name: str) -> str:
    m = _heads()[0].match(name)
    return name[m.end() :].strip() if m else name


def _looks_like_unit(name: str) -> bool:
    """A head followed by a proper name, a number or a territory ("Sở Xây dựng", "Công an tỉnh", "UBND các xã")."""
    name = re.sub(r"^[Cc]ác\s+", "", name)
    m = _heads()[0].match(name)
    if not m or m.end() == len(name):
        return False
    rest = name[m.end() :].strip()
    return rest[:1].isupper() or rest[:1].isdigit() or bool(re.match(rf"(?:các\s+)?(?:{TERRITORY})(?!\w)", rest))


# -- the gazetteer ------------------------------------------------------------------


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    kind: str  # the head ("Sở", "Ủy ban nhân dân" ...), "group" ("Các Sở, ban, ngành") or "other"
    count: int
    seen: str  # headings | recipients | both


_END = ""


class Gazetteer:
    """Known unit names, looked up by :func:`unit_key` and found in running text."""

    def __init__(self, entries: Iterable[GazetteerEntry] = ()) -> None:
        self.entries = tuple(entries)
        self._names: dict[str, str] = {}
        self._fields: set[str] = set()  # keys of names without their head: "tài chính", "văn hóa thể thao và du lịch"
        self._comma_fields: set[str] = set()  # those written with a comma
        self._trie: dict = {}
        for field in _expansion_fields():
            self._add_field(field)
        for entry in self.entries:
            key = unit_key(entry.name)
            if key in self._names:
                continue
            self._names[key] = entry.name
            if _head(entry.name):
                self._add_field(_without_head(entry.name))
            node = self._trie
            for word in key.split():
                node = node.setdefault(word, {})
            node[_END] = entry.name

    def _add_field(self, field: str) -> None:
        self._fields.add(unit_key(field))
        if "," in field:
            self._comma_fields.add(unit_key(field))

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """The gazetteer of a file; the packaged ``data/unit_gazetteer.tsv`` (read once) by default."""
        if path is None:
            return _packaged()
        return cls(_entries(line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                            if line.strip() and not line.startswith("#")))

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.lookup(name) is not None

    def lookup(self, name: str) -> str | None:
        """The gazetteer's spelling of ``name``, also when written with abbreviations or other tones/case."""
        return self._names.get(unit_key(name)) or self._names.get(unit_key(expand_abbreviations(name)))

    def knows(self, head: str, member: str) -> bool:
        """Is "``head`` ``member``" a known name, or ``member`` a known department name ("Tài chính")?"""
        return unit_key(f"{head} {member}") in self._names or self.is_field(member)

    def is_field(self, text: str) -> bool:
        """Is ``text`` what follows the head of a known name ("Tài chính", "Văn hóa, Thể thao và Du lịch")?"""
        return unit_key(expand_abbreviations(text)) in self._fields

    def spans_comma(self, left: str, right: str) -> bool:
        """Does a known name with a comma run over the comma between ``left`` and ``right``?"""
        left, right = f" {unit_key(left)} ", f" {unit_key(right)} "
        whole = f"{left.rstrip()}{right}"
        return any(f" {f} " in whole and f" {f} " not in left and f" {f} " not in right for f in self._comma_fields)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Longest non-overlapping mentions of known names in ``text``: (start, end, gazetteer name).

        Matched on the :func:`unit_key` form of the text with its abbreviations written out;
        the spans are in ``text``.
        """
        expanded, starts, ends = _expand(text)
        words: list[tuple[str, int, int, bool, bool]] = []  # word, start, end, first/last of its token
        for m in TOKEN.finditer(expanded):
            folded = unit_key(m.group()).split()
            for i, word in enumerate(folded):
                words.append((word, starts[m.start()], ends[m.end() - 1], i == 0, i == len(folded) - 1))
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            best = self._longest(words, i) if words[i][3] else None
            if best is None:
                i += 1
                continue
            last, name = best
            found.append((words[i][1], words[last][2], name))
            i = last + 1
        return found

    def _longest(self, words: list[tuple[str, int, int, bool, bool]], i: int) -> tuple[int, str] | None:
        node, best = self._trie, None
        for j in range(i, len(words)):
            node = node.get(words[j][0])
            if node is None:
                break
            if _END in node and words[j][4]:
                best = (j, node[_END])
        return best


@cache
def _packaged() -> Gazetteer:
    return Gazetteer(_entries(data_rows(GAZETTEER_FILE)))


def _entries(rows: Iterable[Iterable[str]]) -> list[GazetteerEntry]:
    out = []
    for row in rows:
        name, kind, count, seen = (cell.strip() for cell in row)
        out.append(GazetteerEntry(name, kind, int(count), seen))
    return out


# -- lists ---------------------------------------------------------------------------


def expand_list(phrase: str, gazetteer: Gazetteer | None = None) -> list[str]:
    """Unit names of a list, abbreviations written out (ANNOTATION §4).

    "Các Sở: Công Thương, Tài chính" -> ["Sở Công Thương", "Sở Tài chính"]; "các Sở Xây dựng, Nông nghiệp và
    Môi trường" -> two Sở (the gazetteer tells a "và" inside a name from one between names); "UBND các huyện,
    thành phố" stays one group; "HĐND, UBND các tỉnh" -> two groups. A "Các Sở:" list runs on over ";".
    "VPCP: BTCN, các PCN" is its unit ("Văn phòng Chính phủ"); a label ("Đơn vị chủ trì: Sở Y tế") is dropped,
    and so are notes in parentheses.
    """
    gazetteer = Gazetteer.load() if gazetteer is None else gazetteer
    text = PARENTHESIS.sub("", expand_abbreviations(phrase))
    names: list[str] = []
    head: str | None = None  # the head of an open "Các Sở: ..." list
    for part in re.split(r"\s*;\s*", text):
        part = ENUMERATOR.sub("", part.strip()).strip(" .,:;")
        if not part:
            continue
        if listed := _list_head(part):
            head, members, colon = listed
            names += [_member_name(head, member, gazetteer) for member in _members(members, head, gazetteer)]
            head = head if colon else None
        elif ":" in part:
            head = None
            before, after = (x.strip() for x in part.split(":", 1))
            names += [before] if _looks_like_unit(before) or _head(before) == before else _plain(after, gazetteer)
        elif head and part[:1].isupper() and not _head(part) and not gazetteer.lookup(part):
            names += [_member_name(head, member, gazetteer) for member in _members(part, head, gazetteer)]
        else:
            head = None
            names += _plain(part, gazetteer)
    out: list[str] = []
    for name in (expand_abbreviations(n) for n in names):
        if name and name not in out:
            out.append(name)
    return out


def _list_head(part: str) -> tuple[str, str, bool] | None:
    """"Các Sở, ngành: A, B" / "UBND các xã: A, B" / "các Sở A, B" -> (head, "A, B", colon?)."""
    _, any_case, canonical = _heads()
    m = re.match(rf"(?:[Cc]ác\s+)?(?P<head>{any_case.pattern})", part, re.I)
    if not m:
        return None
    head = canonical.get(unit_key(m["head"]), m["head"][:1].upper() + m["head"][1:])
    rest = part[m.end() :]
    colon = re.match(
        rf"(?:\s*,\s*(?:{GROUP_WORDS}))*(?:\s+các\s+(?P<level>{TERRITORY})(?:\s*,\s*(?P<more>{TERRITORY}))*)?\s*:\s*",
        rest,
    )
    if colon:
        level = colon["level"] if colon["level"] and not colon["more"] else None
        return (f"{head} {_spaced(level)}" if level else head), rest[colon.end() :], True
    plural = part[:3].lower() == "các" and rest[:1] == " "
    members = [x for x in re.split(r"\s*,\s*|\s+và\s+", rest.strip()) if not x.startswith("các ")]
    if plural and len(members) > 1 and all(x[:1].isupper() or x[:1].isdigit() for x in members):
        return head, rest.strip(), False
    return None


def _members(text: str, head: str, gazetteer: Gazetteer) -> list[str]:
    """The members of a list after its head: split on commas unless they are one known name."""
    pieces = [p for p in re.split(r"\s*[,;]\s*", text) if p]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        j = next((j for j in range(len(pieces), i + 1, -1)
                  if gazetteer.knows(head, ", ".join(pieces[i:j]))), i + 1)
        piece = ", ".join(pieces[i:j])
        if out and j == i + 1 and re.match(rf"(?:{TERRITORY}|{GROUP_WORDS})(?!\w)", piece):
            out[-1] += f", {piece}"  # "các xã, phường" goes on
        else:
            out += _split_and(piece, lambda x: gazetteer.knows(head, x) or bool(_head(x)))
        i = j
    return out


def _split_and(piece: str, known: Callable[[str], bool]) -> list[str]:
    """Split at "và" only where every part is known ("Tài chính và Xây dựng", not "Nông nghiệp và Môi trường")."""
    parts = re.split(r"\s+và\s+", piece)
    if len(parts) == 1 or known(piece):
        return [piece]
    out: list[str] = []
    i = 0
    while i < len(parts):
        j = next((j for j in range(len(parts), i, -1)
                  if known(" và ".join(parts[i:j])) or (j == i + 1 and parts[i].startswith("các "))), None)
        if j is None:
            return [piece]
        out.append(" và ".join(parts[i:j]))
        i = j
    return out


def _member_name(head: str, member: str, gazetteer: Gazetteer) -> str:
    if member.startswith("các "):
        return member  # "các đơn vị liên quan"
    if (_head(member) or gazetteer.lookup(member)) and not gazetteer.knows(head, member):
        return member
    return f"{head} {member[:1].upper()}{member[1:]}"


SCOPE_TAIL = re.compile(r"\s(?:các|cấp)\s.*$")
"""The scope a list's last name ends with ("... các tỉnh, thành phố trực thuộc Trung ương"), which the bare heads
before it share; their own field is not shared ("UBND, Sở Công Thương các tỉnh" is no "UBND Công Thương")."""


def _plain(part: str, gazetteer: Gazetteer) -> list[str]:
    """Names in a part with no list head: a new name at each comma that opens one."""
    names: list[str] = []
    for piece in (p for p in re.split(r"\s*,\s*", part) if p):
        previous = names[-1] if names else None
        if previous and (gazetteer.lookup(f"{previous}, {piece}") or _continues(previous, piece, gazetteer)):
            names[-1] = f"{previous}, {piece}"
        elif previous and (head := _head(previous)) and not _head(piece) and gazetteer.knows(head, piece) \
                and not gazetteer.lookup(piece):
            names.append(f"{head} {piece}")  # "Sở Công Thương, Tài chính"
        else:
            names.append(piece)
    for i in reversed(range(len(names) - 1)):  # from the end, so that a scope reaches back over several heads
        if _head(names[i]) == names[i] and (scope := SCOPE_TAIL.search(names[i + 1])):
            names[i] += scope.group()  # "HĐND, UBND, Sở Công Thương các tỉnh" -> "HĐND các tỉnh", "UBND các tỉnh"
    out: list[str] = []
    for name in names:
        out += _split_units(name, gazetteer)
    return out


def _continues(previous: str, piece: str, gazetteer: Gazetteer) -> bool:
    """Does ``piece`` go on the name before the comma ("xã, phường"; "Sở Văn hóa, Thể thao và Du lịch")?"""
    if gazetteer.spans_comma(previous, piece):
        return True
    if piece[:1].islower():
        return not (piece.startswith("các ") and _looks_like_unit(piece))
    if _head(piece) or gazetteer.lookup(piece):
        return False
    # "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"; "... thành phố Hà Nội, Thành phố Hồ Chí Minh"
    return bool(_head(previous)) and (" và " in piece or bool(re.match(r"(?:Thành\s+phố|Tỉnh)\s+[A-ZĐ]", piece)))


def _split_units(name: str, gazetteer: Gazetteer) -> list[str]:
    """"Công an tỉnh và UBND các xã" -> two names; "Trung tâm Thông tin và Hội nghị tỉnh" stays one."""
    parts = re.split(r"(\s+và\s+|\s*/\s*)", name)
    if len(parts) == 1 or gazetteer.lookup(name):
        return [name]
    head = _head(name)
    if head in DEPARTMENT_HEADS and " và " in name and "/" not in name:  # "Sở Tài chính và Xây dựng"
        fields = _split_and(_without_head(name), lambda x: gazetteer.knows(head, x))
        if len(fields) > 1:
            return [_member_name(head, f, gazetteer) for f in fields]
    out = [parts[0]]
    for glue, part in zip(parts[1::2], parts[2::2], strict=True):
        if _looks_like_unit(part) or (gazetteer.lookup(part) and gazetteer.lookup(out[-1])):
            out.append(part)
        else:
            out[-1] += f"{glue}{part}"
    return out


# -- building the gazetteer ------------------------------------------------------------


def build_gazetteer(corpus: Path) -> list[GazetteerEntry]:
    """Unit names of the addressee lists and unit headings of every readable document under ``corpus``.

    Two passes: the second splits lists with the names the first found. Names are merged by
    :func:`unit_key`, each written as most often spelt; most frequent first.
    """
    sources = list(_sources(corpus))
    first = _collect(sources, Gazetteer())
    return _collect(sources, Gazetteer(first))


def _sources(corpus: Path) -> Iterator[tuple[list[str], list[str]]]:
    """(addressee and recipient lines, headings of parts) of each document."""
    from pipeline.normalise import normalise
    from pipeline.read import FORMATS, ReadError, read_file
    from pipeline.structure import parse

    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if FORMATS.get(path.suffix.lower()) in (None, "zip"):
            continue
        try:
            structure = parse(normalise(read_file(path)))
        except ReadError:
            continue
        header = structure.header
        headings = [b.text for b in structure.blocks if b.numbered and b.children and not b.is_sentence]
        yield [*header.addressees, *header.recipients], headings


def _collect(sources: list[tuple[list[str], list[str]]], gazetteer: Gazetteer) -> list[GazetteerEntry]:
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, set[str]] = defaultdict(set)
    for recipients, headings in sources:
        for where, names in (("recipients", _recipient_names(recipients, gazetteer)),
                             ("headings", _heading_names(headings, gazetteer))):
            for name in names:
                spellings[unit_key(name)][name] += 1
                seen[unit_key(name)].add(where)
    entries = []
    for key, counter in spellings.items():
        name = min(counter, key=lambda s: (-counter[s], s))
        where = "both" if len(seen[key]) == 2 else next(iter(seen[key]))
        entry = GazetteerEntry(name, _kind(name), sum(counter.values()), where)
        if entry.kind != "other" or entry.count > 1 or re.search(r"\s[A-ZĐ]", name):  # not "Khu vực"
            entries.append(entry)
    return sorted(entries, key=lambda e: (-e.count, unit_key(e.name), e.name))


def _recipient_names(lines: list[str], gazetteer: Gazetteer) -> list[str]:
    names = []
    for line in _join_wrapped(lines, gazetteer):
        if not NOT_UNIT.match(line):
            names += [n for n in expand_list(PURPOSE.sub("", line), gazetteer) if _is_name(n)]
    return names


def _join_wrapped(lines: list[str], gazetteer: Gazetteer) -> list[str]:
    """Join an item the page width broke ("Các Sở: Công Thương, Xây dựng," / "Nông nghiệp và Môi trường")."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        last = re.split(r"\s*[,:;]\s*", previous)[-1]
        listed = _list_head(previous)
        if previous and _head(last) == last:
            out[-1] = f"{previous} {line}"  # "..., Ban Chỉ huy" / "Bộ đội Biên phòng tỉnh"
        elif listed and listed[2] and not _head(line) and gazetteer.knows(listed[0], line):
            out[-1] = f"{previous}, {line}"
        else:
            out.append(line)
    return out


def _heading_names(headings: list[str], gazetteer: Gazetteer) -> list[str]:
    """Names of headings that are nothing but unit names ("2. Sở Tài chính:", "Đối với UBND các xã, phường")."""
    names = []
    for heading in headings:
        text = ADDRESSED.sub("", PARENTHESIS.sub("", heading).strip(" :.;"))
        if len(text.split()) > 20:
            continue
        found = expand_list(text, gazetteer)
        if found and all(_is_name(n) and _looks_like_unit(n) and not HEADING_VERB.search(n)
                         and _whole_name(n, gazetteer) for n in found):
            names += found
    return names


def _whole_name(name: str, gazetteer: Gazetteer) -> bool:
    """Does the unit extractor read all of ``name`` as one name (so that it is no sentence)?"""
    mentions = units.find_units(name)
    whole = bool(mentions) and mentions[0].start == 0 and mentions[0].end == len(name)
    return whole or gazetteer.is_field(_without_head(name))


@cache
def _surnames() -> frozenset[str]:
    return frozenset(data_words("person_surnames.txt"))


def _names_a_person(words: list[str]) -> bool:
    """Do ``words`` hold a personal name (a family name and 2-3 more capitalised syllables), alone or after a title
    that is not a territory's ("Chủ tịch Ủy ban nhân dân tỉnh Hà Giang" names no person)?"""
    low, high = PERSON_NAME_SYLLABLES
    surnames = _surnames()
    for start, word in enumerate(words):
        if word not in surnames:
            continue
        before = " ".join(words[:start])
        if start and (not TITLE.match(before) or re.search(rf"(?:{TERRITORY})$", before, re.I)):
            continue
        size = 1
        while start + size < len(words) and words[start + size][:1].isupper() and words[start + size].isalpha():
            size += 1
        inner = words[start + size] if start + size < len(words) else ""
        if size >= 2 and start + size + 2 == len(words) and inner.isalpha() and inner.islower() \
                and words[-1][:1].isupper() and words[-1].isalpha():
            size += 2  # one syllable printed in lower case inside a name that ends it: "Nguyễn Thị thúy Nhung"
        if low <= size <= high:
            return True
    return False


@lru_cache(maxsize=1 << 14)
def assignee_kind(name: str) -> str:
    """One of :data:`ASSIGNEE_KINDS` for a lead's name: "person" for a personal name (after a title or not),
    "office" for a title without one, else "unit"."""
    head = re.split(r"\s*[,(–]\s*|\s+-\s+", name.strip(), maxsplit=1)[0]  # "Nguyễn Văn A, Phó Giám đốc Sở ..."
    honorific = HONORIFIC.match(head)
    if _names_a_person(head.split()) or (honorific and head[honorific.end()].isupper()):
        return "person"
    return "office" if TITLE.match(name.strip()) else "unit"


def _is_name(name: str) -> bool:
    """Is ``name`` the name of a unit: no person, no note, no sentence, no bare head, no unknown code?"""
    if not 2 <= len(name) <= 120 or len(name.split()) > 16 or not name[:1].isupper() or name.upper() == name:
        return False
    if TITLE.match(name) or NOT_UNIT.match(name) or LOOSE_END.search(name) or units.is_generic(name):
        return False
    if not re.fullmatch(r"[\w\s&,.\-–/]+", name):
        return False
    if any(len(w) == 1 and not (w.isupper() or w.isdigit() or w in "-–&") for w in name.split()):
        return False  # text broken by a PDF font ("Ti h ˆ")
    bare = re.sub(r"^[Cc]ác\s+", "", name)
    tail = _without_head(bare)
    return not _head(bare) or not re.fullmatch(r"[A-ZĐ0-9&\-\s]*", tail)  # not "Sở", "Phòng TH"


def _kind(name: str) -> str:
    if re.match(r"[Cc]ác\s", name):
        return "group"
    head = _head(name)
    if head and (" " in head or _looks_like_unit(name)):  # "Bộ phận", "Hội đồng" are not "Bộ", "Hội"
        return head
    return "other"


def write_gazetteer(entries: list[GazetteerEntry], path: Path) -> None:
    lines = ["# Unit names of the addressee lists and unit headings of ../shared/corpus (pipeline.unit_names).",
             "# Rebuild: .venv/bin/nhiemvu gazetteer ../shared/corpus",
             "# name\tkind\tcount\tseen"]
    lines += [f"{e.name}\t{e.kind}\t{e.count}\t{e.seen}" for e in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.unit_names", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the gazetteer from a corpus folder")
    build.add_argument("corpus", type=Path)
    build.add_argument("-o", "--out", type=Path, default=PACKAGED_GAZETTEER)
    args = parser.parse_args(argv)
    print(f"{rebuild_gazetteer(args.corpus, args.out)} names -> {args.out}")


def rebuild_gazetteer(corpus: Path, out: Path = PACKAGED_GAZETTEER) -> int:
    """Build the gazetteer from ``corpus`` and write it to ``out``; the count of names."""
    entries = build_gazetteer(corpus)
    write_gazetteer(entries, out)
    return len(entries)


if __name__ == "__main__":
    main()
