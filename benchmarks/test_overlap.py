"""How much of the test split repeats training text, and the action model's test figures without it.

Documents are split, not tasks, but offices reuse templates: a test task whose text has a
train or dev task at syllable Jaccard >= 0.5 (the ANNOTATION §8 pairing threshold) is counted
as "seen". Prints the counts and the shipped action model's scores on all, seen and unseen
test tasks. Run: ``.venv/bin/python benchmarks/test_overlap.py [CORPUS]``
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.annotations import load_gold, load_split
from pipeline.classify import ActionTypeClassifier
from pipeline.evaluate import syllables
from pipeline.train import action_scores

ROOT = Path(__file__).resolve().parent.parent


def main(corpus: Path) -> None:
    split = load_split(ROOT / "data" / "split.json")
    gold = load_gold(ROOT / "data" / "annotations", corpus)
    known = [syllables(t["text"]) for d in split["train"] + split["dev"] for t in gold[d]["tasks"]]
    seen, unseen = [], []
    for doc_id in split["test"]:
        for task in gold[doc_id]["tasks"]:
            words = syllables(task["text"])
            best = max((len(words & k) / len(words | k) for k in known if words | k), default=0.0)
            (seen if best >= 0.5 else unseen).append(task)
    model = ActionTypeClassifier.shipped("actions-tfidf-*.joblib")
    print(f"test tasks: {len(seen) + len(unseen)}; with a train/dev task at Jaccard >= 0.5: {len(seen)}")
    print(f"{'test tasks':12} {'n':>4} {'micro-F1':>9} {'macro-F1':>9} {'main acc':>9}")
    for name, tasks in (("all", seen + unseen), ("seen", seen), ("unseen", unseen)):
        scores = action_scores(tasks, model.predict([t["text"] for t in tasks]))
        print(f"{name:12} {len(tasks):4d} {scores['micro_f1']:9.3f} {scores['macro_f1']:9.3f} "
              f"{scores['main_action_accuracy']:9.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
