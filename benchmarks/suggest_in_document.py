"""Assignee suggestion (issue #5) when the draft's other tasks name units: prefer them, or rank all units?

Run: ``.venv/bin/python benchmarks/suggest_in_document.py [--test]`` (about 1 min; ``--test`` also reads the test
split once, with the shipped model).

The tasks are the gold tasks whose text does not name their lead, as in ``pipeline.train.suggestion_scores``. For
each, three rankings of the top 3:

- all units: ``suggest(text)``, what the drafting page gave without a candidate list;
- the document's gold units as candidates: the card's "with candidates" figure (the units of the document's gold
  tasks, the task's own lead included: an upper bound, not something a draft gives);
- preferring the units the draft names: ``suggest(text, prefer=document_units(doc, besides=task))``, where ``doc``
  is the pipeline's reading of the document and ``task`` its task paired with the gold one (the scorer's pairing:
  syllable Jaccard >= 0.5, one to one);
  what the drafting page now does.

Dev and 5-fold CV by document over train + dev (the suggester fitted on the other part and the silver tasks of the
non-gold corpus documents, as ``make train`` fits it); ``--test``: the shipped model on the test split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from action_experiments import doc_folds  # noqa: E402

from pipeline.annotations import load_gold, load_split  # noqa: E402
from pipeline.evaluate import norm, pair_tasks  # noqa: E402
from pipeline.suggester import AssigneeSuggester, default_suggester, document_units, unit_key  # noqa: E402
from pipeline.train import annotated_documents, silver_tasks  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
MODES = ("all units", "the document's gold units as candidates", "preferring the units the draft names")


def scores(model: AssigneeSuggester, gold: dict, read: dict, doc_ids: list[str]) -> dict[str, list[int]]:
    """Top-1 and top-3 hits per mode over the documents ``doc_ids``, and the number of tasks (key "tasks")."""
    hits = {mode: [0, 0] for mode in MODES} | {"tasks": [0, 0]}
    for doc_id in doc_ids:
        doc, tasks = read.get(doc_id), gold[doc_id]["tasks"]
        named = list(dict.fromkeys(u for t in tasks for u in t["lead_units"] + t["support_units"]))
        paired = dict(pair_tasks(tasks, [{"text": t.text} for t in doc.tasks])) if doc else {}
        for index, task in enumerate(tasks):
            lead = {unit_key(u) for u in task["lead_units"]}
            if not lead or any(norm(u) in norm(task["text"]) for u in task["lead_units"]):
                continue
            hits["tasks"][0] += 1
            besides = doc.tasks[paired[index]] if index in paired else None
            prefer = document_units(doc, besides=besides) if doc else None
            for mode, ranked in zip(MODES, (model.suggest(task["text"], k=3),
                                            model.suggest(task["text"], k=3, candidates=named),
                                            model.suggest(task["text"], k=3, prefer=prefer)), strict=True):
                keys = [unit_key(s.unit) for s in ranked]
                hits[mode][0] += bool(keys) and keys[0] in lead
                hits[mode][1] += bool(lead & set(keys))
    return hits


def report(name: str, hits: dict[str, list[int]]) -> None:
    n = hits["tasks"][0]
    print(f"\n{name}: {n} tasks whose text does not name their lead")
    for mode in MODES:
        print(f"  {mode:42} top-1 {hits[mode][0] / n:.3f}  top-3 {hits[mode][1] / n:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also score the shipped model on the test split")
    args = parser.parse_args()
    gold = load_gold(ROOT / "data" / "annotations", CORPUS)
    split = load_split(ROOT / "data" / "split.json")
    docs = split["train"] + split["dev"]
    read = dict(annotated_documents(docs + (split["test"] if args.test else []), CORPUS))
    silver_texts, silver_leads = silver_tasks(CORPUS, set(split["dev"]) | set(split["test"]) | set(gold))

    def fitted(doc_ids: list[str]) -> AssigneeSuggester:
        tasks = [t for d in doc_ids for t in gold[d]["tasks"]]
        return AssigneeSuggester().fit([t["text"] for t in tasks] + silver_texts,
                                       [t["lead_units"] for t in tasks] + silver_leads)

    report("dev (fitted on train)", scores(fitted(split["train"]), gold, read, split["dev"]))
    folds = doc_folds(docs, {d: len(gold[d]["tasks"]) for d in docs})
    pooled: dict[str, list[int]] = {}
    for i, fold in enumerate(folds):
        part = scores(fitted([d for j, other in enumerate(folds) if j != i for d in other]), gold, read, fold)
        pooled = {k: [a + b for a, b in zip(pooled.get(k, [0, 0]), v, strict=True)] for k, v in part.items()}
    report("5-fold CV by document over train + dev", pooled)
    if args.test:
        report("test (the shipped model)", scores(default_suggester(), gold, read, split["test"]))


if __name__ == "__main__":
    main()
