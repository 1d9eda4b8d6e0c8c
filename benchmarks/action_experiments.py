"""Action types (issue #5): the cue rules, the shipped settings and variants, on dev and in cross-validation.

Run: ``.venv/bin/python benchmarks/action_experiments.py [--only NAME ...] [--no-silver]``, or ``--curve`` for
the learning curve (the shipped settings trained on 50 %, 75 % and all of each fold's training documents).

For each row: dev figures (fit on train, score on the 61 dev tasks) and 5-fold
cross-validation by document over train + dev (34 documents, folds balanced by
task count, fixed seed; predictions of the five held-out folds pooled, then
scored). Scores are ``pipeline.train.action_scores``: micro-F1, macro-F1 over
labels, main-action accuracy. The test split is never read.

Weak ("silver") labels: the cue lexicon's labels of the tasks the pipeline finds
in corpus documents that are not gold (so neither dev, test nor any CV fold),
normative texts left out, added to every training part with a lower weight.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # small problems: BLAS threads only fight over shared CPUs
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import random
import sys
import time
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import classify  # noqa: E402
from pipeline.actions import action_types as rule_action_types  # noqa: E402
from pipeline.annotations import load_gold, load_split  # noqa: E402
from pipeline.classify import ActionTypeClassifier, ordered_actions  # noqa: E402
from pipeline.train import ACTION_SETTINGS, action_scores, working_documents  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FRESH = (  # the 12 working documents added to train in session 2 after the cue lexicon was written (data/split.json)
    "hl-vlncn-sct-vn__QD-uy-quyen-VLNCN_du-thao-trinh-TTr-2205_ban-hanh-QD-1883-UBND-6.11.2025",
    "hnh-sct-vn__cuc-hoa-chat__CV-bo-sung-ho-so-xuyen-bien-gioi-LogisticVietTrung",
    "kho-vlncn-sct-vn__2826_SCT-CN_VB01__kho_VLNCN_moMongSon_BaoAi_19.5.2026",
    "kho-vlncn-sct-vn__SCT-CN_Thong_bao_KQKTCTNT_Kho_VLNCN_Mong_Sen_1_theo_BB29.5.2026",
    "qlks-sct-vn__CV-6791-SNNMT-17-7-2026-y-kien-tham-dinh-CCN-Bao-Dap",
    "qlks-sct-vn__CV-6987-SNNMT-KS-23-7-2026-nghia-vu-sau-cap-phep-mo-dat-hiem-Ben-Den-KhanhAn",
    "sd-vlncn-sct-vn__CV-giai-quyet-de-nghi-GTYB-Yen-Thanh",
    "sd-vlncn-sct-vn__QD-PANM-mo-da-Xuan-Hoa",
    "tkm-sct-vn__CV-tu-choi-TKCS-da-hoa-MongSonV-nhomII",
    "vbhc-vn__sct__bao-cao-ket-qua-thang-atvsld",
    "vbhc-vn__sct__cong-van-moi-hop-sct",
    "vbhc-vn__ubnd__giay-moi-hop-ubnd",
)
"""Documents the lexicon was not written on: fit on the other train + dev documents, score on these (no tuning)."""
SEED = 20261125
FOLDS = 5

BASE = {"analyzer": "syllables", "ngram_range": (1, 1), "C": 16.0, "threshold": 0.4, "cue_features": True,
        "random_state": 13}  # the settings shipped before issue #5
RECOMMENDED = BASE | {"ngram_range": (1, 2), "cue_weight": 0.3, "position_weight": 0.5, "main_C": 4.0}
VARIANTS: list[tuple[str, dict, float]] = [  # name, settings, weight of the silver tasks (0: none)
    ("shipped before #5 (current)", BASE, 0),
    # the main action
    ("main=cue (first stated, model if none)", BASE | {"main": "cue"}, 0),
    ("main=rerank (predicted label stated first)", BASE | {"main": "rerank"}, 0),
    ("position_weight 0.5, main_C 4", BASE | {"position_weight": 0.5, "main_C": 4.0}, 0),
    # the labels
    ("C=4", BASE | {"C": 4.0}, 0),
    ("C=64", BASE | {"C": 64.0}, 0),
    ("threshold 0.3", BASE | {"threshold": 0.3}, 0),
    ("threshold 0.5", BASE | {"threshold": 0.5}, 0),
    ("per-label thresholds (inner CV)", BASE | {"tune_thresholds": True}, 0),
    ("syllable 1-2 grams", BASE | {"ngram_range": (1, 2)}, 0),
    ("syllable 1-2 grams, C=4", BASE | {"ngram_range": (1, 2), "C": 4.0}, 0),
    ("underthesea words", BASE | {"analyzer": "words"}, 0),
    ("no cue features", BASE | {"cue_features": False}, 0),
    ("cue_weight 0.3 (cue block)", BASE | {"cue_weight": 0.3}, 0),
    ("cue_weight 0.3, position 0.5, main_C 4", BASE | {"cue_weight": 0.3, "position_weight": 0.5, "main_C": 4.0}, 0),
    ("RECOMMENDED (the above + 1-2 grams)", RECOMMENDED, 0),
    ("  R, threshold 0.5", RECOMMENDED | {"threshold": 0.5}, 0),
    ("  R, per-label thresholds (inner CV)", RECOMMENDED | {"tune_thresholds": True}, 0),
    ("  R, C=8", RECOMMENDED | {"C": 8.0}, 0),
    ("  R, C=32", RECOMMENDED | {"C": 32.0}, 0),
    ("  R, cue_weight 0.5", RECOMMENDED | {"cue_weight": 0.5}, 0),
    ("  R, no cue tokens in the TF-IDF", RECOMMENDED | {"cue_features": False}, 0),
    ("  R, underthesea words 1-2", RECOMMENDED | {"analyzer": "words"}, 0),
    ("  R, main_C 8", RECOMMENDED | {"main_C": 8.0}, 0),
    ("  R, no position block", RECOMMENDED | {"position_weight": 0.0}, 0),
    ("  R, main=cue", RECOMMENDED | {"main": "cue"}, 0),
    ("  R, main=rerank", RECOMMENDED | {"main": "rerank"}, 0),
    ("  R, main_C 8, head_syllables 10 (session 7)", RECOMMENDED | {"main_C": 8.0, "head_syllables": 10}, 0),
    ("  R, main_C 8, head 10, main=rank (session 8)",
     RECOMMENDED | {"main_C": 8.0, "head_syllables": 10, "main": "rank"}, 0),
    # weak labels
    ("silver weight 0.1", BASE, 0.1),
    ("silver weight 0.3", BASE, 0.3),
    ("silver weight 1.0", BASE, 1.0),
    ("  R + silver weight 0.1", RECOMMENDED, 0.1),
    ("  R + silver weight 0.3", RECOMMENDED, 0.3),
    ("  R + silver weight 1.0", RECOMMENDED, 1.0),
]


def doc_folds(doc_ids: list[str], sizes: dict[str, int], k: int = FOLDS, seed: int = SEED) -> list[list[str]]:
    """``k`` groups of documents with about equal task counts (seeded shuffle, then largest first)."""
    order = sorted(doc_ids)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda d: -sizes[d])  # stable: ties keep the shuffled order
    folds: list[list[str]] = [[] for _ in range(k)]
    for doc in order:
        min(folds, key=lambda f: (sum(sizes[d] for d in f), len(f))).append(doc)
    return folds


def silver(gold_ids: set[str]) -> tuple[list[str], list[list[str]]]:
    """The pipeline's tasks in non-gold, non-normative corpus documents, labelled by the cue lexicon."""
    texts, labels = [], []
    for doc in working_documents(CORPUS, gold_ids, errors=(ValueError,)):
        for task in doc.tasks:
            found = ordered_actions(task.text)  # the lexicon's labels, in the §5 order
            if found:
                texts.append(task.text)
                labels.append(found)
    return texts, labels


class Bench:
    """The data of the comparison: train, dev, the CV folds over train + dev and (when asked) the silver tasks."""

    def __init__(self, with_silver: bool = False) -> None:
        gold = load_gold(ROOT / "data" / "annotations", CORPUS)
        split = load_split(ROOT / "data" / "split.json")
        self.docs = {d: gold[d]["tasks"] for d in split["train"] + split["dev"]}  # never split["test"]
        self.train = [t for d in split["train"] for t in self.docs[d]]
        self.dev = [t for d in split["dev"] for t in self.docs[d]]
        self.folds = doc_folds(list(self.docs), {d: len(ts) for d, ts in self.docs.items()})
        self.cv_tasks = [t for fold in self.folds for d in fold for t in self.docs[d]]
        self.fresh = [t for d in FRESH if d in self.docs for t in self.docs[d]]
        self.before = [t for d, ts in self.docs.items() if d not in FRESH for t in ts]
        self.silver_texts: list[str] = []
        self.silver_labels: list[list[str]] = []
        if with_silver:
            started = time.perf_counter()
            self.silver_texts, self.silver_labels = silver(set(gold))
            print(f"silver: {len(self.silver_texts)} tasks labelled by the cue lexicon "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    def fitted(self, settings: dict, tasks: list[dict], weight: float = 0) -> ActionTypeClassifier:
        extra = len(self.silver_texts) if weight else 0
        texts = [t["text"] for t in tasks] + self.silver_texts[:extra]
        labels = [t["action_types"] for t in tasks] + self.silver_labels[:extra]
        weights = [1.0] * len(tasks) + [weight] * extra
        return ActionTypeClassifier(**settings).fit(texts, labels, sample_weight=weights if extra else None)

    def rules(self, predict) -> tuple[dict, dict, dict]:
        return tuple(action_scores(tasks, [predict(t["text"]) for t in tasks])
                     for tasks in (self.dev, self.cv_tasks, self.fresh))

    def model(self, settings: dict, weight: float = 0, fresh: bool = True) -> tuple[dict, ...]:
        """Dev (fit on train), pooled CV and (``fresh``) FRESH scores of ``settings``."""
        dev = action_scores(self.dev, self.fitted(settings, self.train, weight).predict([t["text"] for t in self.dev]))
        predicted = []
        for i, fold in enumerate(self.folds):
            rest = [t for j, other in enumerate(self.folds) if j != i for d in other for t in self.docs[d]]
            predicted += self.fitted(settings, rest, weight).predict([t["text"] for d in fold for t in self.docs[d]])
        scores = (dev, action_scores(self.cv_tasks, predicted))
        if fresh:
            model = self.fitted(settings, self.before, weight)
            scores += (action_scores(self.fresh, model.predict([t["text"] for t in self.fresh])),)
        return scores


def learning_curve(bench: Bench, fractions: tuple[float, ...] = (0.5, 0.75), repeats: int = 3) -> list[tuple]:
    """Pooled 5-fold CV of the shipped settings when each fold trains on only a fraction of its training documents
    (a seeded draw per repeat and fold): does more annotation still pay?"""
    rows = []
    for fraction in (*fractions, 1.0):
        for repeat in range(repeats if fraction < 1 else 1):
            predicted = []
            for i, fold in enumerate(bench.folds):
                rest = [d for j, other in enumerate(bench.folds) if j != i for d in other]
                random.Random(repeat * 100 + i).shuffle(rest)
                kept = [t for d in rest[:max(1, round(fraction * len(rest)))] for t in bench.docs[d]]
                predicted += bench.fitted(dict(ACTION_SETTINGS), kept).predict(
                    [t["text"] for d in fold for t in bench.docs[d]])
            rows.append((f"{fraction:.0%} of the training documents, draw {repeat}",
                         action_scores(bench.cv_tasks, predicted)))
    return rows


def line(name: str, *scores: dict) -> str:
    return f"{name:44}" + " |".join(f" {s['micro_f1']:.3f} {s['macro_f1']:.3f} {s['main_action_accuracy']:.3f}"
                                    for s in scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="rows whose name contains one of these")
    parser.add_argument("--no-silver", action="store_true", help="skip the weak-label rows")
    parser.add_argument("--curve", action="store_true", help="only the learning curve of the shipped settings (CV)")
    args = parser.parse_args()
    if args.curve:
        classify.words = lru_cache(maxsize=None)(classify.words)
        for name, scores in learning_curve(Bench()):
            print(line(name, scores), flush=True)
        return

    rows = [(n, s, w) for n, s, w in VARIANTS if not args.only or any(o in n for o in args.only)]
    if args.no_silver:
        rows = [r for r in rows if not r[2]]
    classify.words = lru_cache(maxsize=None)(classify.words)  # underthesea once per text, not once per fit
    bench = Bench(with_silver=any(w for _, _, w in rows))
    table = [("rules (cue lexicon)", *bench.rules(rule_action_types)),
             ("rules, §5 order (ordered_actions)", *bench.rules(lambda text: ordered_actions(text) or ["other"]))]
    if ACTION_SETTINGS not in (BASE, RECOMMENDED) and not args.only:
        rows.insert(0, ("pipeline/train.py ACTION_SETTINGS", dict(ACTION_SETTINGS), 0))
    for name, settings, weight in rows:
        started = time.perf_counter()
        table.append((name, *bench.model(settings, weight)))
        print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)

    print(f"dev: {len(bench.dev)} tasks (fit on train); CV: {FOLDS} folds by document over train + dev, "
          f"{len(bench.cv_tasks)} tasks (fold sizes {[sum(len(bench.docs[d]) for d in f) for f in bench.folds]}); "
          f"fresh: {len(bench.fresh)} tasks of {len(FRESH)} documents newer than the lexicon (fit on the others)")
    print(f"{'micro-F1 / macro-F1 / main accuracy':44} {'dev':^17} | {'5-fold CV':^17} | {'fresh':^17}")
    for row in table:
        print(line(*row))


if __name__ == "__main__":
    main()
