"""Stage 4c, extract time: deadlines, recurrence and urgency (ANNOTATION §6).

Reads a task's text and the document's reference date (issued date, else
meeting date), passed in explicitly; returns a :class:`TimeInfo` whose
deadline keeps its span. Cue words and period words are data
(``data/time_words.tsv``); one longest-match grammar reads them. A period
without a limit cue in front ("hội nghị sơ kết 6 tháng đầu năm 2020",
"kế hoạch năm 2021") describes the subject and is no deadline.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from pipeline.lexicon import data_rows

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
YEAR = r"(?:19|20)\d{2}"


@dataclass(frozen=True)
class Deadline:
    text: str
    value: str | None
    start: int
    end: int


@dataclass(frozen=True)
class TimeInfo:
    deadline: Deadline | None
    recurrence: str | None
    urgent: bool


@lru_cache(maxsize=1)
def _words() -> dict[str, list[tuple[str, ...]]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for row in data_rows("time_words.tsv"):
        table.setdefault(row[0], []).append(row[1:])
    return table


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _limit_pattern() -> re.Pattern[str]:
    cues = _alt([row[0] for row in _words()["limit_cue"]])
    halves = _alt([w for row in _words()["half"] for w in row[1].split("|")])
    day = (
        rf"(?:ngày\s*)?(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<m>\d{{1,2}})(?:\s*[/.-]\s*(?P<y>{YEAR}))?(?!\s*[/.-]?\d)"
        rf"|(?:ngày\s+)?(?P<d2>\d{{1,2}})\s+tháng\s+(?P<m2>\d{{1,2}})(?:\s+năm\s+(?P<y2>{YEAR}))?"
    )
    month = rf"tháng\s+(?P<mm>\d{{1,2}})(?:\s*(?:/|năm)\s*(?P<my>{YEAR}))?"
    quarter = rf"quý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*(?:/|năm)\s*(?P<qy>{YEAR}))?"
    half = rf"(?P<half>{halves})\s*(?P<hy>{YEAR})?"
    year = rf"(?:năm\s+)?(?P<yy>{YEAR})(?!\s*[-–]\s*{YEAR})"
    span = (
        r"(?P<n>\d{1,3})\s+(?P<unit>ngày\s+làm\s+việc|ngày|tuần|tháng)(?!\s*\d)"
        r"(?P<from>\s+kể\s+từ\s+(?:ngày\s+)?(?P<fromwhat>ký|ban\s+hành|nhận|\d{1,2}/\d{1,2}/\d{4})?)?"
    )
    return re.compile(
        rf"(?<!\w)(?P<cue>{cues})\s+(?:(?:ngày\s+)?(?:{day})|{month}|{quarter}|{half}|{year}|{span})"
        r"(?P<every>\s+(?:hằng|hàng)\s+(?:tháng|năm|quý))?",
        re.I,
    )


def find_deadline(text: str, reference: str | None) -> Deadline | None:
    """The first limit phrase in ``text`` with its ISO value (None when it cannot be resolved)."""
    for match in _limit_pattern().finditer(text):
        cue = match["cue"].lower()
        if cue == "trước" and not _trusted_bare_before(match):
            continue
        phrase = match.group().strip()
        return Deadline(phrase, _resolve(match, reference), match.start(), match.end())
    return None


def _trusted_bare_before(match: re.Match[str]) -> bool:
    # "trước" alone is a limit before a day or a month, not before a bare year ("trước năm 2020" is history)
    return bool(match["d"] or match["d2"] or match["mm"] or match["q"])


def _resolve(match: re.Match[str], reference: str | None) -> str | None:
    ref_year = int(reference[:4]) if reference else None
    if match["d"] or match["d2"]:
        day, month = int(match["d"] or match["d2"]), int(match["m"] or match["m2"])
        year = match["y"] or match["y2"]
        if match["every"] and reference:
            return _next_occurrence(day, month, match["every"], reference)
        return _iso(int(year) if year else ref_year, month, day)
    if match["mm"]:
        year = int(match["my"]) if match["my"] else ref_year
        return _month_end(year, int(match["mm"]))
    if match["q"]:
        q = ROMAN.get(match["q"].upper()) or int(match["q"])
        year = int(match["qy"]) if match["qy"] else ref_year
        return _month_end(year, q * 3)
    if match["half"]:
        year = int(match["hy"]) if match["hy"] else ref_year
        first = any(match["half"].lower() == w for row in _words()["half"] if row[0] == "first"
                    for w in row[1].split("|"))
        return _month_end(year, 6 if first else 12)
    if match["yy"]:
        return f"{match['yy']}-12-31"
    if match["n"]:
        return _after_span(int(match["n"]), match["unit"], match["fromwhat"], reference)
    return None


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_end(year: int | None, month: int) -> str | None:
    if year is None or not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def _full_date(reference: str | None) -> date | None:
    if reference and re.fullmatch(r"\d{4}-\d{2}-\d{2}", reference):
        return date.fromisoformat(reference)
    return None


def _after_span(n: int, unit: str, start: str | None, reference: str | None) -> str | None:
    origin = _full_date(reference)
    if start and re.match(r"\d", start):
        d, m, y = (int(x) for x in start.split("/"))
        origin = date(y, m, d)
    if origin is None:
        return None
    unit = re.sub(r"\s+", " ", unit.lower())
    if unit == "ngày làm việc":
        day = origin
        while n:
            day += timedelta(days=1)
            n -= day.weekday() < 5
        return day.isoformat()
    if unit == "tuần":
        return (origin + timedelta(weeks=n)).isoformat()
    if unit == "tháng":
        month = origin.month - 1 + n
        year, month = origin.year + month // 12, month % 12 + 1
        return date(year, month, min(origin.day, calendar.monthrange(year, month)[1])).isoformat()
    return (origin + timedelta(days=n)).isoformat()


def _next_occurrence(day: int, month: int, every: str, reference: str) -> str | None:
    origin = _full_date(reference) or date(int(reference[:4]), int(reference[5:7] or 1), 1)
    if "năm" in every:
        for year in (origin.year, origin.year + 1):
            candidate = _iso(year, month, day)
            if candidate and candidate > origin.isoformat():
                return candidate
    return None


def find_recurrence(text: str) -> str | None:
    """The period a task repeats with, or None ("định kỳ" alone gives None)."""
    best: tuple[int, str] | None = None
    for row in _words()["recurrence"]:
        code, words = row[0], row[1]
        match = re.search(rf"(?<!\w)(?:{words})(?!\w)", text, re.I)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), code)
    return best[1] if best else None


def is_urgent(text: str) -> bool:
    """khẩn trương, gấp, khẩn, hỏa tốc, or "ngay" meaning immediately (ANNOTATION §6)."""
    urgent = _words()["urgent"][0][0]
    not_urgent = _words()["not_urgent"][0][0]
    for match in re.finditer(rf"(?<!\w)(?:{urgent})(?!\w)", text, re.I):
        if not re.match(rf"(?:{not_urgent})(?!\w)", text[match.start() :], re.I):
            return True
    return False


def extract_time(text: str, reference: str | None) -> TimeInfo:
    return TimeInfo(find_deadline(text, reference), find_recurrence(text), is_urgent(text))
