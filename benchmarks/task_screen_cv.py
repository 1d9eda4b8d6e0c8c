"""Task screen (issue #5): its settings chosen by cross-validation on the train split.

Run: ``.venv/bin/python benchmarks/task_screen_cv.py``

The pipeline's task candidates in the train documents (no screening, the rules'
units) are labelled by whether they pair with a gold task. For each fold seed,
5-fold CV by document: a ``TaskScreen`` fitted on four folds screens the fifth;
the screened candidates of all folds are scored against the gold (the reference
scorer's figures). Rows: C and threshold; columns: tasks F1, lead- and
support-unit F1, task recall, each the mean over the fold seeds. Threshold 0
keeps every candidate (the pipeline without a screen). Dev and test are not read.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.annotations import load_gold, load_split  # noqa: E402
from pipeline.evaluate import score  # noqa: E402
from pipeline.screen import TaskScreen  # noqa: E402
from pipeline.train import screen_examples  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = (5, 6, 7)
FOLDS = 5
GRID_C = (1.0, 3.0, 10.0)
THRESHOLDS = (0.0, 0.25, 0.3, 0.35, 0.4, 0.45)


def main() -> None:
    split = load_split(ROOT / "data" / "split.json")
    gold = load_gold(ROOT / "data" / "annotations", CORPUS, doc_ids=set(split["train"]))
    ids, documents, labels = screen_examples(split["train"], CORPUS, gold)
    candidates = sum(map(len, labels))
    print(f"{len(ids)} train documents, {candidates} candidates, {sum(map(sum, labels))} pair with a gold task")
    print(f"{'C':>5} {'threshold':>9} {'tasks':>7} {'lead':>7} {'support':>7} {'recall':>7}")
    for c in GRID_C:
        sums = {t: [0.0] * 4 for t in THRESHOLDS}
        for seed in SEEDS:
            order = list(range(len(ids)))
            random.Random(seed).shuffle(order)
            probabilities: dict[int, list[float]] = {}
            for fold in range(FOLDS):
                held = set(order[fold::FOLDS])
                fit = [i for i in range(len(ids)) if i not in held]
                screen = TaskScreen(C=c).fit([documents[i] for i in fit], [labels[i] for i in fit])
                for i in held:
                    probabilities[i] = screen.predict_proba(*documents[i])
            for threshold in THRESHOLDS:
                out = {ids[i]: {"tasks": [t.model_dump(mode="json") for t, p in zip(documents[i][0], probabilities[i],
                                                                                    strict=True) if p >= threshold]}
                       for i in range(len(ids))}
                result = score(gold, out)
                for k, value in enumerate((result["tasks"]["f1"], result["lead_units"]["f1"],
                                           result["support_units"]["f1"], result["tasks"]["r"])):
                    sums[threshold][k] += value / len(SEEDS)
        for threshold, (tasks, lead, support, recall) in sums.items():
            print(f"{c:5} {threshold:9} {tasks:7.3f} {lead:7.3f} {support:7.3f} {recall:7.3f}", flush=True)


if __name__ == "__main__":
    main()
