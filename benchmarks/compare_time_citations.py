"""Compare nhiemvu's time and citation grammars with generic tools on the same hand-checked phrases.

Deadlines: dateparser's ``search_dates`` (languages=["vi"], day-first, last day of a month, relative
base = the document's date) vs ``pipeline.deadlines``. References: a plain regex ``\\d+/[A-ZĐ-]+`` and a
slightly better one allowing a year, vs ``pipeline.references``. All run in one process on
tests/data/*.tsv; the table is printed as Markdown (docs/COMPARISON.md keeps the last run).
"""

from __future__ import annotations

import csv
import re
import time
from datetime import datetime
from pathlib import Path

from pipeline.deadlines import extract_time
from pipeline.references import find_references

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def base_date(reference: str) -> datetime:
    parts = [int(p) for p in reference.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2])


def dateparser_deadline(context: str, reference: str) -> str:
    from dateparser.search import search_dates

    settings = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "last", "RELATIVE_BASE": base_date(reference),
                "REQUIRE_PARTS": []}
    found = search_dates(context, languages=["vi"], settings=settings)
    return found[0][1].date().isoformat() if found else ""


def nhiemvu_deadline(context: str, reference: str) -> str:
    deadline = extract_time(context, reference or None).deadline
    return (deadline.value or "") if deadline else ""


def score_deadlines(predict) -> tuple[float, float, float, float]:
    table = rows("deadlines.tsv")
    started = time.perf_counter()
    predictions = [predict(r["context"], r["reference_date"]) for r in table]
    seconds = time.perf_counter() - started
    exact = sum(p == r["deadline"] for p, r in zip(predictions, table, strict=True)) / len(table)
    negatives = [p for p, r in zip(predictions, table, strict=True) if not r["deadline_text"]]
    false_alarms = sum(bool(p) for p in negatives) / len(negatives)
    positives = [(p, r) for p, r in zip(predictions, table, strict=True) if r["deadline"]]
    recall = sum(p == r["deadline"] for p, r in positives) / len(positives)
    return exact, recall, false_alarms, seconds


PLAIN = re.compile(r"\d+/[A-ZĐ-]+")
PLAIN_YEAR = re.compile(r"\d+(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9-]*")


def score_references(predict) -> tuple[float, float]:
    table = rows("references.tsv")
    started = time.perf_counter()
    ok = sum(predict(r["text"]) == [r["symbol"]] for r in table)
    return ok / len(table), time.perf_counter() - started


def main() -> None:
    lines = ["| task | method | exact accuracy | recall on real deadlines | false alarms on non-deadlines | time (s) |",
             "|---|---|---|---|---|---|"]
    for name, predict in [("dateparser.search_dates (vi, DMY, last day, relative base)", dateparser_deadline),
                          ("nhiemvu.deadlines", nhiemvu_deadline)]:
        exact, recall, false_alarms, seconds = score_deadlines(predict)
        lines.append(f"| deadlines ({len(rows('deadlines.tsv'))} clauses) | {name} | {exact:.3f} | {recall:.3f} | "
                     f"{false_alarms:.3f} | {seconds:.2f} |")
    for name, predict in [(r"plain regex `\d+/[A-ZĐ-]+`", lambda t: PLAIN.findall(t)),
                          (r"regex with year `\d+(/\d{4})?/[A-ZĐ][A-ZĐ0-9-]*`", lambda t: PLAIN_YEAR.findall(t)),
                          ("nhiemvu.references", lambda t: [r.symbol for r in find_references(t)])]:
        accuracy, seconds = score_references(predict)
        lines.append(f"| references ({len(rows('references.tsv'))} strings): symbol exactly right | {name} | "
                     f"{accuracy:.3f} | | | {seconds:.2f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
