"""Tasks found by the pipeline vs tasks a careful reader counts (the gold annotations), per document.

For every annotated document: gold tasks, pipeline tasks, paired tasks (ANNOTATION §8 pairing),
and how many of the paired tasks have exactly the gold lead units. Prints a Markdown table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline import NotADocument, extract
from pipeline.annotations import load_gold
from pipeline.evaluate import norm, pair_tasks

ROOT = Path(__file__).resolve().parent.parent


def main(corpus: Path) -> None:
    split = json.loads((ROOT / "data" / "split.json").read_text(encoding="utf-8"))
    part = {doc_id: name for name in ("train", "dev", "test") for doc_id in split[name]}
    gold = load_gold(ROOT / "data" / "annotations", corpus)
    print("| document | type | split | gold tasks | found | paired | lead units exactly right (of paired) |")
    print("|---|---|---|---|---|---|---|")
    totals = [0, 0, 0, 0]
    for doc_id, g in sorted(gold.items(), key=lambda kv: (part[kv[0]], kv[0])):
        try:
            out = json.loads(extract(corpus.parent / g["source"], doc_id=doc_id).to_json())
        except NotADocument:  # a headerless fragment: a batch reports it as an error row, no tasks
            out = {"tasks": []}
        pairs = pair_tasks(g["tasks"], out["tasks"])
        leads = sum({norm(u) for u in g["tasks"][i]["lead_units"]} == {norm(u) for u in out["tasks"][j]["lead_units"]}
                    for i, j in pairs)
        row = [len(g["tasks"]), len(out["tasks"]), len(pairs), leads]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        cells = " | ".join(map(str, row))
        print(f"| {doc_id[:60]} | {g['document'].get('doc_type')} | {part[doc_id]} | {cells} |")
    print(f"| **all {len(gold)}** | | | " + " | ".join(f"**{x}**" for x in totals) + " |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
