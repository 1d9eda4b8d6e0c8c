"""Stand-off gold annotations: anchor, store, load and materialise them as contract JSON.

A stand-off file (``data/annotations/<doc_id>.json``) holds no corpus text: the
source's corpus-relative path, the sha256 of its bytes, and for every task its
character spans in the NFC form of the source text plus every label of
ANNOTATION.md. :func:`materialise` reads the source from the corpus at load
time, checks the hash (a changed source fails loudly) and rebuilds the
contract JSON, task texts included. Label Studio JSON goes both ways.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

TASK_LABELS = ["section", "lead_units", "support_units", "action_types", "deadline_text", "deadline",
               "recurrence", "urgent", "references"]
DOCUMENT_FIELDS = ["doc_type", "number", "symbol", "issuer", "parent_issuer", "place", "issued_date", "subject",
                   "meeting_date", "signer", "signer_title", "recipients"]
BULLET = re.compile(r"^\s*(?:[-–—+•*○●▪]\s*|[a-zđ]\)\s*|\(?\d{1,2}\)\s*)")
JUNK_BETWEEN = re.compile(r"(?:\s|\*|[-–—+•]\s)*")
SPACE = re.compile(r"[\s*]*")


class SourceChanged(Exception):
    """The corpus file no longer has the sha256 recorded in its annotation."""


class AnchorError(Exception):
    """A task text that cannot be found in its source."""


def source_text(corpus: Path, rel_path: str, sha256: str | None = None) -> str:
    """The NFC text of a corpus file, checked against its recorded sha256."""
    path = corpus / rel_path
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256:
        raise SourceChanged(f"{rel_path}: sha256 is {digest}, the annotation was made on {sha256}")
    return unicodedata.normalize("NFC", data.decode("utf-8"))


def flatten(text: str) -> str:
    """Task text as the contract writes it: white space folded, emphasis and leading bullet dropped."""
    text = unicodedata.normalize("NFC", text).replace("*", "")
    text = re.sub(r"\s+", " ", text).strip()
    return BULLET.sub("", text, count=1).strip()


def anchor(task_text: str, source: str, start: int = 0) -> list[tuple[int, int]]:
    """Spans of ``source`` (NFC) whose joined text is ``task_text``; gaps (page numbers, footnotes) are skipped."""
    tokens = flatten(task_text).split(" ")
    errors = []
    for size in (6, 3, 1):
        head = r"(?:\s|\*|[-–—+•]\s)*".join(r"\*?".join(re.escape(c) for c in t) for t in tokens[:size])
        for match in re.finditer(head, source[start:]):
            try:
                return _align(tokens, source, start + match.start())
            except AnchorError as exc:
                errors.append(str(exc))
    raise AnchorError(errors[0] if errors else f"not found: {task_text[:60]!r}")


def _align(tokens: list[str], source: str, first: int) -> list[tuple[int, int]]:
    end = _token_end(source, tokens[0], first)
    if end is None:
        raise AnchorError(f"token {tokens[0]!r} not at offset {first}")
    spans = [[first, end]]
    for token in tokens[1:]:
        pos = spans[-1][1]
        near = [m.end() for m in (SPACE.match(source, pos), JUNK_BETWEEN.match(source, pos))]
        ends = [(a, _token_end(source, token, a)) for a in near]
        hit = next(((a, e) for a, e in ends if e is not None), None)
        if hit is not None:
            spans[-1][1] = hit[1]
        else:
            found = _find_token(source, token, near[-1], min(len(source), near[-1] + 3000))
            if found is None:
                raise AnchorError(f"token {token!r} not found after offset {near[-1]}")
            spans.append([found, _token_end(source, token, found) or found + len(token)])
    return [(a, b) for a, b in spans]


def _token_end(source: str, token: str, at: int) -> int | None:
    """Where ``token`` ends if it starts at ``at``, emphasis marks (*) inside it allowed."""
    match = re.compile(r"\*?".join(re.escape(c) for c in token)).match(source, at)
    return match.end() if match else None


def _find_token(source: str, token: str, start: int, end: int) -> int | None:
    body = r"\*?".join(re.escape(c) for c in token)
    pattern = re.compile(r"(?<![\w])" + body if token[:1].isalnum() else body)
    match = pattern.search(source, start, end)
    return match.start() if match else None


def text_of(source: str, spans: list[tuple[int, int]]) -> str:
    return flatten(" ".join(source[a:b] for a, b in spans))


def to_standoff(doc: dict, corpus: Path, annotator: str, prefilled: bool = False) -> dict:
    """A contract document (gold shape) -> its stand-off record."""
    rel = re.sub(r"^corpus/", "", doc["source"])
    raw = (corpus / rel).read_bytes()
    source = unicodedata.normalize("NFC", raw.decode("utf-8"))
    tasks, cursor = [], 0
    for task in doc.get("tasks", []):
        try:
            spans = anchor(task["text"], source, cursor)
        except AnchorError:
            spans = anchor(task["text"], source, 0)  # a table row or a task out of reading order
        cursor = spans[0][0]
        tasks.append({"task_id": task["task_id"], "spans": [list(s) for s in spans],
                      **{k: task.get(k) for k in TASK_LABELS}})
    return {
        "doc_id": doc["doc_id"],
        "source": rel,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "annotator": annotator,
        "prefilled": prefilled,
        "document": {k: doc.get("document", {}).get(k) for k in DOCUMENT_FIELDS},
        "tasks": tasks,
    }


def materialise(record: dict, corpus: Path) -> dict:
    """A stand-off record -> the contract JSON, task texts taken from the corpus."""
    source = source_text(corpus, record["source"], record["sha256"])
    tasks = []
    for task in record["tasks"]:
        spans = [tuple(s) for s in task["spans"]]
        tasks.append({"task_id": task["task_id"], "section": task.get("section"), "text": text_of(source, spans),
                      **{k: task.get(k) for k in TASK_LABELS if k != "section"}, "span": list(spans[0])})
    return {"doc_id": record["doc_id"], "source": f"corpus/{record['source']}",
            "document": record["document"], "tasks": tasks}


def load_standoff(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def load_gold(folder: Path, corpus: Path, doc_ids: set[str] | None = None) -> dict[str, dict]:
    """Materialised gold documents by doc_id (optionally only ``doc_ids``)."""
    return {doc_id: materialise(rec, corpus) for doc_id, rec in load_standoff(folder).items()
            if doc_ids is None or doc_id in doc_ids}


def load_split(path: Path) -> dict[str, list[str]]:
    """The fixed train/dev/test split by document."""
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# -- Label Studio -----------------------------------------------------------------

LS_CHOICE_FIELDS = ["action_types", "recurrence", "urgent"]


def to_label_studio(record: dict, corpus: Path) -> dict:
    """One Label Studio task: the source text, a "task" region per span, labels as per-region meta."""
    source = source_text(corpus, record["source"], record["sha256"])
    results = []
    for task in record["tasks"]:
        for n, (start, end) in enumerate(task["spans"]):
            region = {
                "id": f"{task['task_id']}-{n}",
                "from_name": "task", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": source[start:end], "labels": ["Task"]},
                "meta": {"text": [json.dumps({"task_id": task["task_id"],
                                              **{k: task.get(k) for k in TASK_LABELS}}, ensure_ascii=False)]},
            }
            results.append(region)
    return {
        "data": {"text": source, "doc_id": record["doc_id"], "source": record["source"], "sha256": record["sha256"],
                 "document": json.dumps(record["document"], ensure_ascii=False)},
        "annotations": [{"result": results, "completed_by": record.get("annotator")}],
    }


def from_label_studio(item: dict) -> dict:
    """A Label Studio task (as exported) -> a stand-off record."""
    data = item["data"]
    annotation = (item.get("annotations") or item.get("completions") or [{}])[0]
    tasks: dict[str, dict] = {}
    for region in annotation.get("result", []):
        if region.get("type") != "labels":
            continue
        meta = json.loads((region.get("meta") or {}).get("text", ["{}"])[0])
        task_id = meta.get("task_id") or region["id"].split("-")[0]
        entry = tasks.setdefault(task_id, {"task_id": task_id, "spans": [],
                                           **{k: meta.get(k) for k in TASK_LABELS}})
        entry["spans"].append([region["value"]["start"], region["value"]["end"]])
    ordered = sorted(tasks.values(), key=lambda t: (t["spans"][0][0], t["task_id"]))
    return {"doc_id": data["doc_id"], "source": data["source"], "sha256": data["sha256"],
            "annotator": annotation.get("completed_by"), "prefilled": False,
            "document": json.loads(data["document"]), "tasks": ordered}


# -- agreement ----------------------------------------------------------------------


def cohen_kappa(pairs: list[tuple[object, object]]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    labels = {x for pair in pairs for x in pair}
    expected = sum((sum(a == k for a, _ in pairs) / n) * (sum(b == k for _, b in pairs) / n) for k in labels)
    return 1.0 if expected == 1 else round((observed - expected) / (1 - expected), 4)


def double_annotations(corpus: Path, folder: Path | None = None) -> tuple[dict[str, dict], dict[str, dict]]:
    """The documents annotated independently by two annotators (``double/<annotator>/<doc_id>.json``),
    as (first, second) materialised documents keyed by doc_id, annotators in name order."""
    folder = folder or Path(__file__).resolve().parent.parent / "data" / "annotations" / "double"
    by_doc: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*/*.json")):
        by_doc.setdefault(path.stem, []).append(path)
    first, second = {}, {}
    for doc_id, paths in by_doc.items():
        if len(paths) >= 2:
            first[doc_id] = materialise(json.loads(paths[0].read_text(encoding="utf-8")), corpus)
            second[doc_id] = materialise(json.loads(paths[1].read_text(encoding="utf-8")), corpus)
    return first, second


def agreement(first: dict[str, dict], second: dict[str, dict]) -> dict:
    """Inter-annotator agreement of two sets of contract documents on the same doc_ids.

    Task, unit and reference agreement are F1 (``second`` scored against ``first``,
    symmetric for F1); deadlines exact match on paired tasks; action types Cohen's
    kappa, on the main action and pooled over the label set (present/absent per task).
    """
    from pipeline.evaluate import pair_tasks, score
    from pipeline.models import ACTION_TYPES

    res = score(first, second)
    main, pooled = [], []
    for doc_id, a_doc in first.items():
        a_tasks, b_tasks = a_doc["tasks"], second[doc_id]["tasks"]
        for i, j in pair_tasks(a_tasks, b_tasks):
            a, b = a_tasks[i].get("action_types") or [None], b_tasks[j].get("action_types") or [None]
            main.append((a[0], b[0]))
            pooled.extend((label in a, label in b) for label in ACTION_TYPES)
    return {
        "documents": len(first),
        "tasks_first": sum(len(d["tasks"]) for d in first.values()),
        "tasks_second": sum(len(d["tasks"]) for d in second.values()),
        "task_f1": res["tasks"]["f1"],
        "lead_units_f1": res["lead_units"]["f1"],
        "support_units_f1": res["support_units"]["f1"],
        "references_f1": res["references"]["f1"],
        "action_types_f1": res["action_types"]["f1"],
        "main_action_kappa": cohen_kappa(main),
        "action_types_kappa": cohen_kappa(pooled),
        "deadline_exact": res["deadline"]["acc"],
        "urgent_f1": res["urgent"]["f1"],
        "recurrence_exact": res["recurrence"]["acc"],
        "document_fields_exact": round(
            sum(v["acc"] * v["n"] for v in res["document"].values() if v["acc"] is not None)
            / max(1, sum(v["n"] for v in res["document"].values())), 4),
    }
