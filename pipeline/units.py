"""Stage 4a, extract units: unit mentions and their roles in a task's text.

Reads a task's text (and the heading above it); returns :class:`UnitMention` s
with spans. Names are found by their opening noun (``data/unit_heads.txt``:
"Sở", "Ủy ban nhân dân", "Phòng" ...) or as a group ("các sở, ban, ngành",
"các huyện"), and run until an action cue, a stop word
(``data/unit_stopwords.txt``) or punctuation. Roles follow ANNOTATION §4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.actions import cue_words
from pipeline.evaluate import norm
from pipeline.lexicon import LOWER, UPPER, alternation, data_rows, data_words

GENERIC = re.compile(
    r"liên\s+quan|(được\s+kiểm\s+tra|trên\s+địa\s+bàn)$|^(các\s+)?(đơn\s+vị|cơ\s+quan|lực\s+lượng)$",
    re.I,
)
LOWER_TAIL = re.compile(
    rf"và\s+(?!các|những|đơn\s+vị|cơ\s+quan|địa\s+phương)[{LOWER}]+(?:\s+[{LOWER}]+){{0,2}}(?=\s*(?:[,;:.)]|$))"
)
ENTERPRISE = re.compile(r"(?:Tổng\s+)?[Cc]ông\s+ty|Doanh\s+nghiệp\s+tư\s+nhân|Hợp\s+tác\s+xã|Chi\s+nhánh")
"""Heads of enterprise names, which may hold "và" ("Công ty Cổ phần Xây dựng và thương mại 68")."""
INSPECTING_HEADS = frozenset({"đoàn", "tổ", "ban", "phòng", "cục", "đội", "lực", "lượng", "đồng", "tâm", "thanh"})
"""Last words of the heads after which "kiểm tra" belongs to the name (Đoàn, Tổ, Phòng, Hội đồng, Trung tâm ...)."""
SCOPE = re.compile(
    rf"trên\s+địa\s+bàn\s+(?:(?:tỉnh|[Tt]hành\s+phố|xã|phường|huyện|quận|thị\s+xã)(?:\s+[{UPPER}][\w-]*){{0,3}}"
    rf"|(?:[{UPPER}][\w-]*)(?:\s+[{UPPER}][\w-]*){{0,3}})"
)
"""The area a group of units is scoped to, kept in its name (as the annotations do, 19 of 20 times in train)."""
ENTERPRISE_AND = re.compile(
    rf"và\s+(?!các\b|những\b|đơn\s+vị|cơ\s+quan|địa\s+phương|tổ\s+chức|cá\s+nhân|nhà\s+thầu|chủ\s+đầu\s+tư)[{LOWER}]"
)
RELATED = re.compile(r"\s*(?:có\s+)?liên\s+quan", re.I)
LEVELS = "phường|xã|huyện|quận|tỉnh|thành\\s+phố|thị\\s+xã|thị\\s+trấn"
PEOPLES_BODY_AT_LEVEL = re.compile(
    rf"(?:(?:Ủy|Uỷ|ỦY|UỶ)\s+(?i:ban\s+nhân\s+dân)|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND)\s+(?:các\s+)?(?:cấp\s+)?"
    rf"(?:{LEVELS})(?:\s*,\s*(?:{LEVELS}))*"
)
"""A people's committee or council named by its level only ("Ủy ban nhân dân cấp tỉnh", "UBND các xã, phường"): its
name is complete unless a proper name or a qualifier follows."""
LEVEL_QUALIFIER = re.compile(r"(?:có|diễn\s+ra|còn\s+lại|thuộc|trực\s+thuộc|trên|liên\s+quan|đã|đang)(?!\w)")
"""Lower-case words that go on qualifying a people's body at its level ("UBND các xã có cụm công nghiệp", "UBND các
phường diễn ra sự kiện", "... còn lại"; a "nơi ..." clause is :data:`WHERE_CLAUSE`); any other ends its name ("Ủy
ban nhân dân cấp tỉnh ra quyết định", "Ủy ban nhân dân tỉnh xây dựng, ban hành")."""


PLACE = rf"[{UPPER}][\w-]*(?:\s+[{UPPER}][\w-]*){{0,2}}"
"""A place's name: one to three capitalised syllables ("Lào Cai", "Văn Phú", "Hà Nội")."""
PLACE_AT_END = re.compile(rf"(?<!\w)(?:{LEVELS})\s+{PLACE}$")
"""A name that ends with its place ("Ủy ban nhân dân phường Văn Phú", "Thuế tỉnh Lào Cai"): a lower-case word after
it is the predicate ("... tìm kiếm nhà đầu tư"), unless it qualifies the body (:data:`LEVEL_QUALIFIER`)."""


NAME_GOES_ON = re.compile(
    rf"(?:và|hoặc|cấp\s+(?:{LEVELS}|trung\s+ương|bộ|cơ\s+sở|trên|dưới)|các|của|tại|do|được|chưa|về|theo|phụ\s+trách"
    rf"|{LEVELS})(?!\w)"
)
"""Lower-case words that may go on a known name: its place or level ("Sở Xây dựng tỉnh Lào Cai"), a list ("và"),
a clause that qualifies it ("... có cụm công nghiệp do cấp xã quản lý"). "cấp" goes on only before a level: "Bộ Công
Thương cấp giấy chứng nhận" ends at the verb. See :func:`_known_name_ends`."""


@lru_cache(maxsize=1)
def _known_names() -> tuple[frozenset[str], frozenset[str]]:
    """The comparison keys of the gazetteer's names (``data/unit_gazetteer.tsv``), and every word prefix of them."""
    names = {norm(row[0]) for row in data_rows("unit_gazetteer.tsv")}
    prefixes = {" ".join(key.split()[:n]) for key in names for n in range(1, len(key.split()) + 1)}
    return frozenset(names), frozenset(prefixes)


def _known_name_ends(name: str, rest: str) -> bool:
    """Does a known unit name end here, before the lower-case word that opens ``rest``?

    True when ``name`` is a name of the gazetteer and no gazetteer name goes on with that word: the word is the
    predicate ("Công an tỉnh quản lý chặt chẽ ...", "Sở Văn hóa và Thể thao xây dựng Hướng dẫn ..."). Levels,
    places and qualifiers (:data:`NAME_GOES_ON`, :data:`LEVEL_QUALIFIER`) never end it.
    """
    if NAME_GOES_ON.match(rest) or LEVEL_QUALIFIER.match(rest):
        return False
    names, prefixes = _known_names()
    key = norm(name)
    word = re.match(r"\w+", rest)
    return key in names and word is not None and f"{key} {norm(word.group())}" not in prefixes


@dataclass(frozen=True)
class UnitMention:
    name: str
    start: int
    end: int
    generic: bool = False


@lru_cache(maxsize=1)
def _unit_pattern() -> re.Pattern[str]:
    heads = alternation(data_words("unit_heads.txt"))
    groups = alternation(data_words("unit_groups.txt"))
    lower_heads = alternation(tuple(h.lower() for h in data_words("unit_heads.txt") if not h.isupper()))
    named_heads = alternation(data_words("unit_heads_named.txt"))
    return re.compile(
        rf"(?<![\w])(?:(?:{heads})(?=[\s,]|$)|(?:{lower_heads}|{named_heads})(?=\s+[{UPPER}])"
        rf"|[Cc]ác\s+(?i:{groups})\b(?!\s+[{UPPER}]))",
    )


@lru_cache(maxsize=1)
def _stop_pattern() -> re.Pattern[str]:
    verbs = set(cue_words()) - set(data_words("unit_name_words.txt"))
    words = tuple(sorted(set(data_words("unit_stopwords.txt")) | verbs, key=len, reverse=True))
    return re.compile(rf"^(?:{alternation(words)})(?!\w)")


@lru_cache(maxsize=1)
def _false_heads() -> re.Pattern[str]:
    return re.compile(rf"(?:{alternation(data_words('unit_false_heads.txt'))})(?!\w)", re.I)


def name_stop() -> re.Pattern[str]:
    """The pattern of a word that ends a unit name (a stop word or an action cue outside name compounds)."""
    return _stop_pattern()


def unit_heads() -> re.Pattern[str]:
    """The pattern of a unit's opening noun (or a group's "các ...")."""
    return _unit_pattern()


def find_units(text: str) -> list[UnitMention]:
    """All unit mentions in ``text``, left to right, not overlapping."""
    return list(_find_units(text))


@lru_cache(maxsize=4096)
def _find_units(text: str) -> tuple[UnitMention, ...]:
    """:func:`find_units`, kept for the texts seen last (a task's text is read by several stages)."""
    out: list[UnitMention] = []
    pos = 0
    for match in _unit_pattern().finditer(text):
        in_title = IN_TITLE.search(text, max(0, match.start() - 20), match.start())  # only the words just before
        if match.start() < pos or _false_heads().match(text, match.start()) or in_title:
            continue
        end = _name_end(text, match.end(), match.start())
        name = text[match.start() : end].strip(" ,;:-–")
        if name:
            generic = is_generic(name) or bool(RELATED.match(text[match.start() + len(name) :]))
            out.append(UnitMention(name, match.start(), match.start() + len(name), generic))
            pos = end
    return tuple(out)


IN_TITLE = re.compile(r"(?:Luật|Pháp\s+lệnh)\s+$")
"""A head inside a law's title ("Luật Điện lực", "Luật Thanh tra") names no unit."""
LIST_CONTINUATION = re.compile(
    r",\s*(ban|ngành|đoàn\s+thể|đơn\s+vị|địa\s+phương|phường|xã|huyện|quận|thị\s+xã|thành\s+phố|thị\s+trấn|cá\s+nhân)(?!\w)"
)
GROUP_TAILS = re.compile(r"đoàn\s+thể|đơn\s+vị|địa\s+phương|cá\s+nhân")
"""List continuations that only extend a group ("các sở, ngành, đơn vị"), not one named unit ("Ủy ban nhân dân cấp
huyện, đơn vị liên quan" is two mentions)."""
BUILD_VERB = re.compile(
    r"xây\s+dựng(?:,\s*|\s+và\s+)?\s*(?:kế\s+hoạch|phương\s+án|đề\s+án|chương\s+trình|dự\s+thảo|báo\s+cáo"
    r"|cơ\s+sở\s+dữ\s+liệu|lộ\s+trình|ban\s+hành)(?!\w)"
)
""""xây dựng" as the verb, before what is built ("UBND xã Mậu A xây dựng phương án", "Trưởng đoàn kiểm tra chuyên
ngành xây dựng báo cáo"); elsewhere it may be part of a name ("Ban Quản lý dự án đầu tư xây dựng")."""
WHERE_CLAUSE = re.compile(
    r"nơi\s[^,;:.()\n]{3,120}?(?=\s+(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|chủ\s+trì|phối\s+hợp|phải|xem\s+xét"
    r"|thực\s+hiện|tổ\s+chức\s+thực\s+hiện|cấp\s+giấy|gửi|báo\s+cáo|kiểm\s+tra|quyết\s+định|lấy\s+ý\s+kiến|xác\s+nhận"
    r"|thông\s+báo|có\s+thẩm\s+quyền|tiếp\s+nhận|hướng\s+dẫn|chỉ\s+đạo|ban\s+hành"
    r"|trong\s+(?:thời|vòng|phạm))(?!\w)|\s*[,;:.()\n]|\s*$"
    rf"|\s+(?:và|hoặc)\s+(?:các\s|những\s|[{UPPER}]))"
)
"""A relative clause "nơi ..." that qualifies a name, up to the predicate of the sentence ("Ủy ban nhân dân cấp xã
nơi có đất thu hồi để xây dựng cụm công nghiệp | chủ trì ..."); without one in reach the name ends before "nơi"."""
_CODE = r"\([A-ZĐ]{1,3}\d{2,3}\)"
UNIT_CODE = re.compile(rf"{_CODE}|về\s[^,;:.()\n]{{2,80}}?\s{_CODE}(?=\s*[-–]\s*[{UPPER}])")
"""A unit's code in brackets that a name keeps, with the "về ..." field before it when a parent unit follows
("Phòng Cảnh sát QLHC về TTXH (PC06) - Công an tỉnh Lào Cai"); "về" ends a name elsewhere ("báo cáo Sở Xây dựng
về kết quả")."""
QUANTITY = re.compile(r"\d+\s+(?:bản|bộ|ngày|tháng|năm)\b")
"""A count after a name ("gửi Ủy ban nhân dân cấp huyện 01 bản"): not part of it."""


def _name_end(text: str, pos: int, begin: int) -> int:
    """Where the unit name that runs up to ``pos`` (and began at ``begin``) ends.

    The name of an enterprise goes on after "và" + lower-case words ("Công ty TNHH Thương mại và tiếp vận X").
    """
    start = begin if ENTERPRISE.match(text, begin) else None  # where an enterprise's head begins
    stop = _stop_pattern()
    heads = _unit_pattern()
    if start is not None and BARE_ENTERPRISE.fullmatch(text[start:pos]) and (
            m := re.match(rf"\s+(?=[{LOWER}])", text[pos:])) and not _enterprise_words().match(text, pos + m.end()):
        return pos  # "Đề nghị Công ty nộp lại hồ sơ": a bare head, then a verb
    while pos < len(text):
        rest = text[pos:]
        if (m := LIST_CONTINUATION.match(rest)) and (
                not GROUP_TAILS.fullmatch(m[1]) or re.search(r"\b[Cc]ác\b|,", text[begin:pos])):
            pos += m.end()
            continue
        if (end := _comma_compound_end(text, pos)) is not None:
            pos = end  # "phòng cháy, chữa cháy": the comma is inside the name
            continue
        gap = re.match(r"\s*(?:[-–&]\s*)?", rest).group()
        if not gap or "\n" in gap:
            return pos
        word_at = pos + len(gap)
        rest = text[word_at:]
        if m := re.match(r"của\s+(?:tỉnh|[Tt]hành\s+phố|[Tt]rung\s+ương)(?=\s*(?:[,;.:]|và\b|$))", rest):
            pos = word_at + m.end()  # "Thủ trưởng các Sở, ban, ngành của tỉnh, ...": the scope is part of the name
            continue
        if m := SCOPE.match(rest):  # "Các đơn vị hoạt động hóa chất trên địa bàn tỉnh Lào Cai": the scope is kept
            pos = word_at + m.end()
            continue
        if m := re.match(rf"thuộc(?=\s+[{UPPER}])", rest):  # "Ban Quản lý dự án ... thuộc Thành phố": one name
            pos = word_at + m.end()
            continue
        if m := UNIT_CODE.match(rest):
            pos = word_at + m.end()
            continue
        if re.match(r"nơi(?!\w)", rest):  # "Ủy ban nhân dân cấp tỉnh nơi tổ chức đặt trụ sở chính có trách nhiệm"
            clause = WHERE_CLAUSE.match(rest)
            return word_at + clause.end() if clause else pos
        lower = re.match(rf"[{LOWER}]", rest) is not None  # a lower-case word: maybe the predicate
        if lower and PEOPLES_BODY_AT_LEVEL.fullmatch(text, begin, pos) and not LEVEL_QUALIFIER.match(rest):
            return pos  # "Ủy ban nhân dân cấp tỉnh ra Quyết định": the name ends at its level
        if (lower and PLACE_AT_END.search(text, begin, pos)
                and not re.match(r"(?:và|hoặc)(?!\w)", rest) and not LEVEL_QUALIFIER.match(rest)):
            return pos  # "UBND phường Văn Phú tìm kiếm nhà đầu tư": the name ends with its place
        if lower and _known_name_ends(text[begin:pos], rest):
            return pos  # "Công an tỉnh quản lý chặt chẽ ...": a known name, then its predicate
        word = re.match(r"\w[\w/.]*", rest)
        if not word or QUANTITY.match(rest) or BUILD_VERB.match(rest) or (
                stop.match(rest) and not _inside_compound(text, pos, word_at)):
            return pos
        if re.match(r"kiểm\s+tra\b", rest) and text[begin:pos].split()[-1].lower() not in INSPECTING_HEADS:
            return pos  # "Sở Xây dựng kiểm tra ...": the verb; "Đoàn kiểm tra", "Phòng Kiểm tra ...": a name
        if start is not None and len(text[start:pos].split()) >= 3 and ENTERPRISE_AND.match(rest):
            pos = word_at + 2
            continue
        if rest.startswith("và ") and not re.match(rf"và\s+[{UPPER}]", rest):
            if tail := LOWER_TAIL.match(rest):
                pos = word_at + tail.end()
                while (end := _comma_compound_end(text, pos)) is not None:
                    pos = end  # "Phòng Kiểm tra Xây dựng và phòng cháy, chữa cháy"
            return pos
        if rest.startswith("và ") and heads.match(rest[3:].lstrip()):
            return pos
        pos = word_at + len(word.group().rstrip("."))
    return pos


@lru_cache(maxsize=1)
def _comma_compounds() -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
    """(the words before the comma, the comma and the words after) of ``data/unit_name_commas.txt``, as patterns."""
    pairs = []
    for phrase in data_words("unit_name_commas.txt"):
        left, right = (r"\s+".join(map(re.escape, part.split())) for part in phrase.split(",", 1))
        pairs.append((re.compile(rf"(?<!\w){left}$", re.I), re.compile(rf",\s*{right}(?!\w)", re.I)))
    return tuple(pairs)


def _comma_compound_end(text: str, pos: int) -> int | None:
    """Where a fixed phrase with a comma that the name runs into at ``pos`` ends ("phòng cháy|, chữa cháy")."""
    if not text.startswith(",", pos):
        return None
    before = text[max(0, pos - 30) : pos]
    for left, right in _comma_compounds():
        if left.search(before) and (m := right.match(text, pos)):
            return m.end()
    return None


BARE_ENTERPRISE = re.compile(r"(?:Tổng\s+)?[Cc]ông\s+ty|Chi\s+nhánh|Hợp\s+tác\s+xã|Doanh\s+nghiệp")


@lru_cache(maxsize=1)
def _enterprise_words() -> re.Pattern[str]:
    return re.compile(rf"(?:{alternation(data_words('enterprise_words.txt'))})(?!\w)")


def _inside_compound(text: str, prev_end: int, word_at: int) -> bool:
    """Is the word at ``word_at`` part of a compound of the name ("công trình", "giao thông")?"""
    words = re.findall(r"\w+", text[word_at : word_at + 30])
    previous = re.search(r"(\w+)\s*$", text[max(0, prev_end - 40) : prev_end])  # the last word only: a bounded look
    compounds = data_words("unit_name_words.txt")
    pairs = []
    if previous and words:
        pairs.append(f"{previous.group(1)} {words[0]}".lower())
    if len(words) > 1:
        pairs.append(f"{words[0]} {words[1]}".lower())
    return any(pair in compounds for pair in pairs)


def is_generic(name: str) -> bool:
    """Generic phrases ("các đơn vị liên quan") are not annotated as units."""
    return bool(GENERIC.search(name.strip()))


LISTED_UNDER_HEAD = re.compile(
    rf"^(?P<head>.+?)\s+các\s+(?P<plural>{LEVELS}|nước|đơn\s+vị)\s*:\s*(?P<items>.+)$"
)
"""A head shared by a list of names ("UBND các phường: Ba Đình, Hoàn Kiếm", "Đại sứ quán các nước: ...")."""


def expand_listed(phrase: str) -> list[str]:
    """Names of a list that shares its head, written in full (ANNOTATION §4); [] for any other phrase.

    "UBND các phường: Ba Đình, Cửa Nam và UBND xã Bát Tràng" -> "UBND phường Ba Đình", "UBND phường Cửa Nam",
    "UBND xã Bát Tràng"; "các Sở: Tài chính, Nông nghiệp và Môi trường" -> "Sở Tài chính", "Sở Nông nghiệp và Môi
    trường"; "Đại sứ quán các nước: Trung Quốc, Ấn Độ" -> "Đại sứ quán Trung Quốc", "Đại sứ quán Ấn Độ".
    """
    phrase = phrase.strip(" ;.,")
    if m := LISTED_UNDER_HEAD.match(phrase):
        keep = m["plural"] if re.fullmatch(LEVELS, m["plural"]) else ""
        names = []
        for item in re.split(r",\s*|\s+và\s+", m["items"]):
            item = item.strip(" .;")
            if not item:
                continue
            names.append(item if _unit_pattern().match(item) else " ".join(p for p in (m["head"], keep, item) if p))
        return names if len(names) >= 2 else []
    if re.match(r"^[Cc]ác\s+\w+\s*:", phrase):
        from pipeline.unit_names import expand_list  # the gazetteer tells "và" inside a name from "và" between

        names = expand_list(phrase)
        return names if len(names) >= 2 else []
    return []


def split_units(phrase: str) -> list[str]:
    """Split a list of units ("Công an tỉnh, các sở, ban, ngành và UBND các xã") into names."""
    phrase = re.sub(r"^(Giao|Đề nghị|Yêu cầu|Mời)\s+", "", phrase.strip(" :;.,"))
    if listed := expand_listed(phrase):
        return [capitalise(n) for n in listed]
    names = []
    for part in re.split(r";\s*", phrase):
        mentions = find_units(part)
        if not mentions:
            if part.strip():
                names.append(part.strip())
            continue
        names.extend(m.name for m in mentions if not m.generic)
    return [capitalise(n) for n in names if not is_generic(n)]


def capitalise(name: str) -> str:
    return name[:1].upper() + name[1:] if name else name
