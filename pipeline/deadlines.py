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
    recurrence: str | None = None


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


def _words_of(kind: str) -> list[str]:
    return [w for row in _words().get(kind, []) for w in row[-1].split("|")]


@lru_cache(maxsize=1)
def _time() -> str:
    """One time expression (a day, month, quarter, half-year, year or span), named groups inside."""
    halves = _alt(_words_of("half"))
    weekdays = "|".join(w.split(":")[0] for w in _words_of("weekday"))
    tod = r"(?:\d{1,2}\s*(?:h|giờ)\s*(?:\d{2})?\s*(?:’|'|phút)?\s+)?"
    day = (
        rf"{tod}(?:ngày\s*)?(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<m>\d{{1,2}})(?:\s*[/.-]\s*(?P<y>{YEAR}))?(?![\d/])"
        rf"|{tod}(?:ngày\s*)?(?P<d2>\d{{1,2}})\s*tháng\s*(?P<m2>\d{{1,2}})(?:\s*năm\s*(?P<y2>{YEAR}))?"
        rf"|{tod}ngày\s+(?P<dm>\d{{1,2}})(?=\s+(?:hằng|hàng)\s+tháng)"
        rf"|{tod}ngày\s+(?P<wd>{weekdays})"
    )
    month = rf"tháng\s+(?P<mm>\d{{1,2}})(?:\s*(?:/|năm)\s*(?P<my>{YEAR}))?"
    quarter = (rf"[Qq]uý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*(?:và|,|-)\s*[Qq]uý\s+(?P<q2>IV|III|II|I|[1-4]))*"
               rf"(?:\s*(?:/|năm)\s*(?P<qy>{YEAR}))?")
    half = rf"(?P<half>{halves})\s*(?P<hy>{YEAR})?"
    year = rf"(?:năm\s+)?(?P<yy>{YEAR})(?!\s*[-–]\s*{YEAR})(?![/\d])"
    span = (
        r"(?P<n>\d{1,3})\s+(?:\([^\W\d_]+(?:\s+[^\W\d_]+){0,2}\)\s+)?(?P<unit>ngày\s+làm\s+việc|ngày|tuần|tháng)(?!\s*\d)"
        rf"(?P<from>\s+kể\s+từ\s+(?:ngày\s+)?(?:(?P<fromwhat>ký|ban\s+hành)"
        rf"(?:\s+(?:văn\s+bản|quyết\s+định|công\s+văn|kế\s+hoạch|thông\s+báo)\s+này)?"
        rf"|(?P<fromdate>\d{{1,2}}/\d{{1,2}}/{YEAR})))?"
    )
    tails = _alt(_words_of("yearly_tail"))
    return (rf"(?:{day}|{month}|{quarter}|{half}|{year}|{span})"
            rf"(?P<tail>\s+(?:{tails})|\s+(?:hằng|hàng)\s+(?:tháng|năm|quý))?")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    cues = _alt([row[0] for row in _words()["limit_cue"]] + ["đến"])
    contexts = _alt(_words_of("yearly_context"))
    licences = _alt(_words_of("licence"))
    labels = "|".join(_words_of("label"))
    return {
        "cue": re.compile(rf"(?<!\w)(?P<cue>{cues})\s+(?P<time>{_time()})(?=(?P<context>\s+(?:{contexts}))?)", re.I),
        "licence": re.compile(rf"(?<!\w)(?P<cue>{licences})\s+(?:vào\s+)?(?P<time>{_time()})", re.I),
        "label": re.compile(rf"(?i:{labels})[^\n:;]{{0,40}}:\s*(?P<time>{_time()})"),
    }


def find_deadline(text: str, reference: str | None) -> Deadline | None:
    """The first limit phrase in ``text`` with its ISO value (None when it cannot be resolved)."""
    candidates = []
    for kind, pattern in _patterns().items():
        for match in pattern.finditer(text):
            if _is_limit(kind, match, text, reference):
                group = "cue" if kind == "cue" else "time"
                candidates.append((match.start(group), match, group))
                break
    if not candidates:
        return None
    start, match, group = min(candidates, key=lambda c: c[0])
    end = match.end()
    phrase = text[start:end].strip()
    yearly = bool(match["tail"] and re.search(r"năm|kỳ", match["tail"])) or bool(match.groupdict().get("context"))
    return Deadline(phrase, _resolve(match, reference, text[end:]), start, start + len(phrase),
                    "yearly" if yearly else None)


def _is_limit(kind: str, match: re.Match[str], text: str, reference: str | None) -> bool:
    entry = match.start("cue") if kind != "label" else match.start()
    before = text[max(0, entry - 50) : entry]
    clause = re.split(r"[;.]\s", before)[-1]
    if re.search(rf"(?<!\w)(?:{'|'.join(_words_of('negation'))})(?!\w)", clause, re.I):
        return False
    cue = re.sub(r"\s+", " ", (match.groupdict().get("cue") or "").lower())
    after_from = re.search(r"(?<!\w)(?:từ|giai\s+đoạn|thời\s+hạn)\s+\S+", clause[-45:], re.I)
    if cue == "đến" and (not after_from or match["d"] or match["d2"]):
        return False  # "từ tháng 9/2026 đến tháng 3/2029" is a schedule; a day range is an event or a validity
    if cue == "đến hết" and after_from:
        return False
    if cue == "trước" and match["yy"] and reference and int(match["yy"]) < int(reference[:4]):
        return False  # "trước năm 2020" in a 2026 document is history
    return not (kind == "licence" and match["n"])


EVENT_START = re.compile(r"\s*,?\s*(?:kể\s+từ|sau\s+khi|từ\s+khi|khi)(?!\w)", re.I)
"""What follows a span counted from an event, not from a printed date ("trong thời hạn 03 ngày sau khi tiếp nhận")."""


def _resolve(match: re.Match[str], reference: str | None, after: str) -> str | None:
    ref_year = int(reference[:4]) if reference else None
    exclusive = (match.groupdict().get("cue") or "").lower() == "trước"
    tail = (match["tail"] or "").strip().lower()
    if match["d"] or match["d2"]:
        day, month = int(match["d"] or match["d2"]), int(match["m"] or match["m2"])
        year = match["y"] or match["y2"]
        if not year and (tail or match.groupdict().get("context")) and reference:
            return _next_yearly(day, month, reference)
        return _iso(int(year) if year else ref_year, month, day)
    if match["dm"]:
        return _next_monthly(int(match["dm"]), reference) if reference else None
    if match["wd"]:
        return _next_weekday(match["wd"], reference) if reference else None
    if match["mm"]:
        year = int(match["my"]) if match["my"] else ref_year
        month = int(match["mm"])
        if exclusive and year is not None:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return _month_end(year, month)
    if match["q"]:
        last = match["q2"] or match["q"]
        q = ROMAN.get(last.upper()) or int(last)
        year = int(match["qy"]) if match["qy"] else ref_year
        return _month_end(year, q * 3)
    if match["half"]:
        year = int(match["hy"]) if match["hy"] else ref_year
        return _month_end(year, 6 if match["half"].lower() in _words_of("half")[:2] else 12)
    if match["yy"]:
        return f"{int(match['yy']) - 1}-12-31" if exclusive else f"{match['yy']}-12-31"
    if match["n"]:
        if EVENT_START.match(after) or "làm" in match["unit"]:
            return None  # counted from an event ("kể từ khi", "sau khi nhận"), or in working days (holidays unknown)
        return _after_span(int(match["n"]), match["unit"], match["fromdate"], reference)
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
    if start:
        d, m, y = (int(x) for x in start.split("/"))
        origin = date(y, m, d)
    if origin is None:
        return None
    unit = re.sub(r"\s+", " ", unit.lower())
    if unit == "tuần":
        return (origin + timedelta(weeks=n)).isoformat()
    if unit == "tháng":
        month = origin.month - 1 + n
        year, month = origin.year + month // 12, month % 12 + 1
        return date(year, month, min(origin.day, calendar.monthrange(year, month)[1])).isoformat()
    return (origin + timedelta(days=n)).isoformat()


def _origin(reference: str) -> date:
    """The reference date; a month alone counts from its first day."""
    return _full_date(reference) or date(int(reference[:4]), int(reference[5:7] or 1), 1)


def _next_yearly(day: int, month: int, reference: str) -> str | None:
    origin = _origin(reference)
    for year in (origin.year, origin.year + 1):
        candidate = _iso(year, month, day)
        if candidate and candidate > origin.isoformat():
            return candidate
    return None


def _next_monthly(day: int, reference: str) -> str | None:
    origin = _origin(reference)
    for k in range(13):
        month = origin.month - 1 + k
        candidate = _iso(origin.year + month // 12, month % 12 + 1, day)
        if candidate and candidate >= origin.isoformat():
            return candidate
    return None


def _next_weekday(name: str, reference: str) -> str | None:
    table = {w.split(":")[0].lower(): int(w.split(":")[1]) for w in _words_of("weekday")}
    origin = _origin(reference)
    return (origin + timedelta(days=(table[name.lower()] - origin.weekday()) % 7)).isoformat()


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


YEAR_SPAN = re.compile(
    rf"^(?:(?:giai\s+đoạn|từ\s+năm|từ|năm)\s+)?(?:{YEAR})\s*(?:[-–—]|đến(?:\s+năm)?)\s*(?P<last>{YEAR})\b", re.I
)


def column_deadline(text: str, reference: str | None) -> Deadline | None:
    """The limit a task table's time column sets (ANNOTATION §6): a period printed alone is its last day.

    "Xong trong Quý II/2026" -> 2026-06-30, "Quý III/2026" -> 2026-09-30, "2026 - 2030" -> 2030-12-31;
    "Thường xuyên", "Hàng năm" -> None.
    """
    text = text.strip()
    if found := find_deadline(text, reference):
        return found
    if m := YEAR_SPAN.match(text):
        return Deadline(m.group(0), f"{m['last']}-12-31", 0, m.end())
    prefix = "trong "
    if (found := find_deadline(prefix + text, reference)) and found.start == 0:
        phrase = found.text[len(prefix) :]
        return Deadline(phrase, found.value, 0, len(phrase), found.recurrence)
    return None


@lru_cache(maxsize=1)
def _event_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_words_of('event_cue'))})(?!\s+\d)(?:\s+[^\s,.;:()]+){{1,12}}", re.I)


def find_event_deadline(text: str) -> Deadline | None:
    """A limit set by an event or a season ("trước khi tổ chức thi công", "trước mùa mưa bão"): its phrase up to the
    clause's end, with no date (value None). For a task that states no dated limit of its own or in its context."""
    if m := _event_pattern().search(text):
        return Deadline(m.group(), None, m.start(), m.end())
    return None


def extract_time(text: str, reference: str | None) -> TimeInfo:
    deadline = find_deadline(text, reference)
    recurrence = find_recurrence(text) or (deadline.recurrence if deadline else None)
    return TimeInfo(deadline, recurrence, is_urgent(text))
