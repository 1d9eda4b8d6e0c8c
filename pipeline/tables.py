"""Task tables printed one cell per line: header, rows and the cells of each row (ANNOTATION §3).

A phụ lục "Danh mục nhiệm vụ" read out of a Word table (or any text export of
one) gives one line per cell paragraph::

    TT
    Tên nhiệm vụ
    Sở, ngành chủ trì
    Đơn vị phối hợp
    Thời gian thực hiện
    Ghi chú
    1
    Rà soát, điều chỉnh ...
    Sở Nông nghiệp và Môi trường
    Các Sở, ban, ngành
    Xong trong tháng 5/2026

The header is recognised from its column words (``data/table_columns.tsv``);
it must have a task column and a lead column. Rows start at their number
("1", "2", ...) or, in tables whose TT column is empty, after a blank line.
A row's lines are given to its columns by what they look like: the first is
the task, a line that reads as a time belongs to the time column, the lines
between are the units (first the lead cell, then the partners). Both
:mod:`pipeline.normalise` (which must not join these lines) and
:mod:`pipeline.structure` (which turns rows into blocks) read tables here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from pipeline.lexicon import UPPER, data_rows

MAX_HEADER_CELL = 80
MAX_UNKNOWN_COLUMNS = 4
LIST_ITEM = re.compile(r"^(?:[-–—+•*]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ][.)]|[IVX]{1,5}[.)])\s")
ROW_NUMBER = re.compile(r"^(?:Bước\s+)?(?P<n>\d{1,3})\s?\.?$")
"""A row's number: "1", "2." or, in a procedure, "Bước 3"."""
GROUP = re.compile(
    rf"^(?P<n>[IVX]{{1,5}}|[A-Z])\s?\.?$|^(?P<m>[IVX]{{1,5}})\.\s+(?P<title>[{UPPER}][{UPPER}\s,]{{5,}}.*)$"
)
"""A row that only names a group of rows: "I" alone, or "I. CỤM CÔNG NGHIỆP ĐANG TRIỂN KHAI (07 cụm)"."""
LEAD_CELL = re.compile(r"^(?:Đơn\s+vị\s+|Cơ\s+quan\s+)?[Cc]hủ\s+trì\s*:")
"""A cell that names its units by role ("Chủ trì: X. Phối hợp: Y"), an anchor for the other columns."""
COLUMN_NUMBER = re.compile(r"^\(\d{1,2}\)$|^\([a-zđ]\)$")
TIME_CELL = re.compile(
    r"^(?:xong|hoàn\s+thành|trước|trong|thường\s+xuyên|hàng|hằng|định\s+kỳ|quý|tháng|năm|giai\s+đoạn|từ|đến"
    r"|chậm\s+nhất|liên\s+tục|kịp\s+thời|đột\s+xuất|ngày|tuần|\d)",
    re.I,
)
"""A cell that reads as a time ("Xong trong Quý II/2026", "Thường xuyên", "2026 - 2030")."""
TABLE_END = re.compile(r"^(?:Nơi\s+nhận|PHỤ\s+LỤC|Phụ\s+lục\b|DANH\s+MỤC|Kính\s+gửi|TM\.|KT\.|TL\.)")
UNIT_COLUMNS = ("lead", "support", "product", "other")


@dataclass
class Row:
    """One row of a task table: its number and the indices of each column's lines."""

    number: str | None
    cells: dict[str, list[int]] = field(default_factory=dict)
    group: bool = False
    """A row that only names a group of rows ("I" + "NHIỆM VỤ CHUNG")."""


@dataclass
class Table:
    """A task table: its columns, the line range it covers (header included) and its rows."""

    columns: list[str]
    start: int
    end: int
    rows: list[Row]


@cache
def _column_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((column, re.compile(words, re.I)) for column, words in data_rows("table_columns.tsv"))


def column_of(cell: str) -> str | None:
    """The column a header cell names ("Sở, ngành chủ trì" -> "lead"), None for a cell that is no header."""
    cell = cell.strip()
    if not _header_like(cell):
        return None
    for column, pattern in _column_patterns():
        if pattern.search(cell):
            return column
    return None


def _header_like(cell: str) -> bool:
    """Short, starts with a capital or "(", no list marker, no sentence end: "Sở, ngành chủ trì", "Ghi chú"."""
    return bool(cell) and len(cell) <= MAX_HEADER_CELL and len(cell.split()) <= 16 \
        and (cell[:1].isupper() or cell[:1] == "(") and not cell.endswith((".", ";", ",", ":")) \
        and not LIST_ITEM.match(cell)


def find_tables(lines: Sequence[str]) -> list[Table]:
    """Every task table in ``lines`` (stripped or not), in order."""
    stripped = [line.strip() for line in lines]
    tables: list[Table] = []
    i = 0
    while i < len(stripped):
        table = table_at(stripped, i)
        if table is None:
            i += 1
            continue
        tables.append(table)
        i = table.end
    return tables


def table_at(lines: Sequence[str], i: int) -> Table | None:
    """The task table whose header starts at line ``i``, if one does."""
    columns, j = _header(lines, i)
    if columns is None:
        return None
    j = _skip_column_numbers(lines, j)
    rows, end = _rows(lines, j, columns)
    if not rows:
        return None
    return Table(columns, i, end, rows)


def _skip_column_numbers(lines: Sequence[str], j: int) -> int:
    """Skip the row that numbers the columns: "(1)", "(2)", ... or "1", "2", "3", ... line after line."""
    while j < len(lines) and (not lines[j] or COLUMN_NUMBER.match(lines[j])):
        j += 1
    k, expected = j, 1
    while k < len(lines) and lines[k] == str(expected):
        k, expected = k + 1, expected + 1
    return k if expected > 3 else j


def _header(lines: Sequence[str], i: int) -> tuple[list[str] | None, int]:
    columns: list[str] = []
    j = i
    while j < len(lines) and lines[j] and not ROW_NUMBER.match(lines[j]):
        column = column_of(lines[j])
        if column is None:
            if not columns or not _header_like(lines[j]):
                break
            column = "other"  # a header cell whose words we do not know ("Căn cứ pháp lý")
        columns.append(column)
        j += 1
    if columns[:1] not in (["number"], ["task"]) or "task" not in columns or "lead" not in columns \
            or len(columns) < 3 or columns.count("other") > MAX_UNKNOWN_COLUMNS:
        return None, i
    return columns, j


def _rows(lines: Sequence[str], j: int, columns: list[str]) -> tuple[list[Row], int]:
    first = next((k for k in range(j, len(lines)) if lines[k]), None)
    if first is None:
        return [], j
    if not (ROW_NUMBER.match(lines[first]) or GROUP.match(lines[first])):
        # a total row or a note between the header and the first numbered row ("Tổng thời gian ... 5 ngày")
        first = next((k for k in range(first, min(len(lines), first + 4)) if ROW_NUMBER.match(lines[k])), first)
    numbered = bool(ROW_NUMBER.match(lines[first]) or GROUP.match(lines[first]))
    chunks = _numbered_chunks(lines, first, columns) if numbered else _blank_chunks(lines, first, columns)
    rows = [_row(lines, number, body, columns, group) for number, body, group in chunks]
    end = max((k for _, body, _ in chunks for k in body), default=first) + 1
    return [r for r in rows if r.cells or r.group], end


def _numbered_chunks(lines: Sequence[str], k: int, columns: list[str]
                     ) -> list[tuple[str | None, list[int], bool]]:
    """Rows that start at their number; a roman numeral (or letter) alone starts a group."""
    width = len(columns) - ("number" in columns)
    chunks: list[tuple[str | None, list[int], bool]] = []
    expected = None
    while k < len(lines):
        line = lines[k]
        number = ROW_NUMBER.match(line)
        group = GROUP.match(line) if not number else None
        if number and (expected is None or int(number["n"]) in (expected, 1)):
            expected = int(number["n"]) + 1
            chunks.append((number["n"], [], False))
        elif group and (not chunks or chunks[-1][1]):
            expected = None
            chunks.append((group["n"] or group["m"], [k] if group["title"] else [], True))
        elif not chunks or TABLE_END.match(line):
            break
        elif line:
            chunks[-1][1].append(k)
        k += 1
    if chunks and not chunks[-1][2]:  # the last row takes at most one line per column
        number, body, group = chunks[-1]
        chunks[-1] = (number, body[:width], group)
    return chunks


def _blank_chunks(lines: Sequence[str], k: int, columns: list[str]) -> list[tuple[str | None, list[int], bool]]:
    """Rows apart by blank lines (a table whose TT column is left empty)."""
    width = len(columns) - ("number" in columns)
    chunks: list[tuple[str | None, list[int], bool]] = []
    body: list[int] = []
    for index in range(k, len(lines) + 1):
        line = lines[index] if index < len(lines) else ""
        if line:
            body.append(index)
            continue
        if not body:
            continue
        head = lines[body[0]]
        if TABLE_END.match(head) or head.isupper() or re.match(r"^(?:\d{1,2}|[IVX]{1,4}|[a-zđ])\s?[.)]\s", head) \
                or len(body) > width + 8 or head.endswith(":"):
            break
        chunks.append((None, body, False))
        body = []
    return chunks


def _anchored(lines: Sequence[str], body: list[int], content: list[str]) -> dict[str, list[int]]:
    """Cells of a row whose task column comes after other columns, placed around its "Chủ trì: ..." cell.

    Earlier columns may hold several lines each ("CCN Thống Nhất 1" + "Vị trí: ..."), so counting
    from the left fails; the lead cell is recognisable, the task cell is the line before it when the
    two columns are adjacent, and the columns after it follow in order.
    """
    lead_at = next((n for n, index in enumerate(body) if LEAD_CELL.match(lines[index])), None)
    task_at, lead_column = content.index("task"), content.index("lead")
    if lead_at is None or lead_column != task_at + 1 or lead_at == 0:
        return {}
    cells = {"task": [body[lead_at - 1]], "lead": [body[lead_at]]}
    for column, index in zip(content[lead_column + 1 :], body[lead_at + 1 :], strict=False):
        cells.setdefault(column, []).append(index)
    return cells


def _continues_task(previous: str, line: str) -> bool:
    """Does ``line`` go on with the task cell (a lower-case continuation, a line after or ending in ":", the
    bullets of a list the cell opened)? A unit never ends in ":"."""
    return (line[:1].islower() or line.endswith(":") or previous.endswith(":")
            or bool(LIST_ITEM.match(line) and LIST_ITEM.match(previous)))


def _joined_notes(lines: Sequence[str], indices: list[int]) -> list[int]:
    """The cell lines with a parenthesis alone on its line ("(P.QLCN)") dropped: it belongs to the line above."""
    return [k for n, k in enumerate(indices) if not (n and lines[k].startswith("(") and lines[k].endswith(")"))]


def _row(lines: Sequence[str], number: str | None, body: list[int], columns: list[str], group: bool) -> Row:
    row = Row(number, group=group)
    if group:
        row.cells["task"] = body
        return row
    if not body:
        return row
    content = [c for c in columns if c != "number"]
    task_at = content.index("task")
    if task_at > 0 and (anchored := _anchored(lines, body, content)):
        row.cells.update(anchored)
        return row
    cursor = 0
    for column in content[:task_at]:  # rare: a unit column printed before the task
        if cursor < len(body) - 1:
            row.cells[column] = [body[cursor]]
            cursor += 1
    task = [body[cursor]]
    cursor += 1
    while cursor < len(body) and _continues_task(lines[task[-1]], lines[body[cursor]]):
        task.append(body[cursor])  # a task cell of several lines ("Tiếp nhận hồ sơ ...:" + its bullets)
        cursor += 1
    row.cells["task"] = task
    rest = _joined_notes(lines, body[cursor:])
    after = content[task_at + 1 :]
    time_line = None
    if "time" in after:
        time_line = next((n for n in range(len(rest) - 1, -1, -1)
                          if TIME_CELL.match(lines[rest[n]]) and len(lines[rest[n]]) <= 120), None)
    units = rest if time_line is None else rest[:time_line]
    tail = [] if time_line is None else rest[time_line + 1 :]
    unit_columns = [c for c in after if c in UNIT_COLUMNS][: max(1, len(units))]
    if time_line is not None:
        row.cells["time"] = [rest[time_line]]
    if units and unit_columns:
        if len(unit_columns) == 1:
            row.cells[unit_columns[0]] = units
        else:
            row.cells[unit_columns[0]] = units[:1]
            row.cells[unit_columns[1]] = units[1:]
    if tail:
        row.cells["note"] = tail
    return row
