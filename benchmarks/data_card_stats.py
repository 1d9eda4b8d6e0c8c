"""Counts for data/README.md (the data card): documents, tasks, labels, split, agreement.

Prints Markdown. tests/test_annotations.py checks that the card's headline line matches this output.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from pipeline.annotations import agreement, double_annotations, load_gold, load_standoff

ROOT = Path(__file__).resolve().parent.parent


def headline(docs: dict[str, dict]) -> str:
    tasks = sum(len(d["tasks"]) for d in docs.values())
    return f"{len(docs)} documents, {tasks} tasks"


def main(corpus: Path) -> None:
    docs = load_gold(ROOT / "data" / "annotations", corpus)
    records = load_standoff(ROOT / "data" / "annotations")
    split = json.loads((ROOT / "data" / "split.json").read_text(encoding="utf-8"))
    tasks = [t for d in docs.values() for t in d["tasks"]]
    print(f"Headline: {headline(docs)}\n")
    print("| document type | documents | tasks |\n|---|---|---|")
    types = Counter(d["document"]["doc_type"] for d in docs.values())
    for kind, n in types.most_common():
        print(f"| {kind} | {n} | {sum(len(d['tasks']) for d in docs.values() if d['document']['doc_type'] == kind)} |")
    print("\n| split | documents | tasks |\n|---|---|---|")
    for name in ("train", "dev", "test"):
        print(f"| {name} | {len(split[name])} | {sum(len(docs[d]['tasks']) for d in split[name])} |")
    print("\n| action type | tasks with it | as main action |\n|---|---|---|")
    every = Counter(a for t in tasks for a in t["action_types"])
    main_action = Counter(t["action_types"][0] for t in tasks if t["action_types"])
    for action, n in every.most_common():
        print(f"| {action} | {n} | {main_action[action]} |")
    print("\n| label | count |\n|---|---|")
    print(f"| lead units | {sum(len(t['lead_units']) for t in tasks)} |")
    print(f"| support units | {sum(len(t['support_units']) for t in tasks)} |")
    print(f"| tasks with a deadline_text | {sum(bool(t['deadline_text']) for t in tasks)} |")
    print(f"| tasks with a resolved deadline | {sum(bool(t['deadline']) for t in tasks)} |")
    for rec, n in Counter(t["recurrence"] for t in tasks if t["recurrence"]).most_common():
        print(f"| recurrence {rec} | {n} |")
    print(f"| urgent tasks | {sum(bool(t['urgent']) for t in tasks)} |")
    print(f"| references | {sum(len(t['references']) for t in tasks)} |")
    print("\n| annotator | documents |\n|---|---|")
    for who, n in sorted(Counter(r["annotator"] for r in records.values()).items()):
        print(f"| {who} | {n} |")
    first, second = double_annotations(corpus)
    identical = sorted(d for d in first if first[d]["tasks"] == second[d]["tasks"])
    distinct = [d for d in first if d not in identical]
    print(f"\nAgreement on {len(first)} documents annotated twice, independently "
          f"(byte-identical pairs, kept in the first column: {', '.join(identical) or 'none'}):\n")
    print("| field | measure | all pairs | without identical pairs |\n|---|---|---|---|")
    result = agreement(first, second)
    strict = agreement({d: first[d] for d in distinct}, {d: second[d] for d in distinct})
    rows = [("tasks", "F1 of task pairing", "task_f1"), ("lead units", "F1", "lead_units_f1"),
            ("support units", "F1", "support_units_f1"), ("references", "F1 (symbols)", "references_f1"),
            ("action types", "Cohen's kappa, main action", "main_action_kappa"),
            ("action types", "Cohen's kappa, pooled per label", "action_types_kappa"),
            ("action types", "set F1", "action_types_f1"), ("deadline", "exact match", "deadline_exact"),
            ("urgent", "F1", "urgent_f1"), ("recurrence", "exact match", "recurrence_exact"),
            ("document fields", "exact match", "document_fields_exact")]
    for field, measure, key in rows:
        print(f"| {field} | {measure} | {result[key]} | {strict[key]} |")
    print(f"\n({result['tasks_first']} and {result['tasks_second']} tasks)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
