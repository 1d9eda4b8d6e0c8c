"""Action types: a spaCy ``textcat_multilabel`` beside the cue-lexicon rules, on the gold tasks.

Reads the stand-off gold (``data/annotations`` materialised from ``../shared/corpus``)
and the fixed split (``data/split.json``). Trains ``textcat_multilabel`` on the
train split's gold task texts, tokenised by the underthesea tokenizer of
:mod:`pipeline.spacy_vi`, on the CPU; chooses the architecture, the casing, the
epoch (early stopping) and the threshold on dev; prints dev micro-F1, macro-F1
and main-action accuracy for the textcat and for ``pipeline.actions.action_types``
on the same dev tasks. ``--test`` adds the test figures of the configuration
chosen on dev: run it once, at the end, and never choose anything from them.

    .venv/bin/python -m benchmarks.train_spacy_textcat                  # dev only
    .venv/bin/python -m benchmarks.train_spacy_textcat --test --json out/textcat.json

Metrics, per task, labels as sets (ANNOTATION §5): micro-F1 pools true/false
positives over all tasks and labels; macro-F1 averages the per-label F1 over the
labels that occur in the split's gold or predictions; main-action accuracy compares the first
gold label with the first predicted one (the rules' first cue; the textcat's
highest-scoring label). The textcat predicts every label whose score reaches the
threshold, and its best label when none does (every gold task has one). These
are the definitions of ``pipeline.train.action_scores``, so the figures stand
beside those of the shipped TF-IDF classifier in ``models/metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from pipeline.actions import action_types
from pipeline.annotations import load_gold, load_split
from pipeline.models import ACTION_TYPES
from pipeline.spacy_vi import blank, words_and_spaces

ROOT = Path(__file__).resolve().parent.parent

ARCHITECTURES: dict[str, dict | None] = {
    "bow": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 1,
            "no_output_layer": False},
    "bow2": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
             "no_output_layer": False},
    "ensemble": None,  # spaCy's default textcat_multilabel model: TextCatEnsemble.v2 (tok2vec + BOW)
}
THRESHOLDS = (0.3, 0.4, 0.5)

Item = tuple[str, list[str]]  # task text, gold action types


# -- data -----------------------------------------------------------------------------


def load_items(annotations: Path, corpus: Path, split: Path) -> dict[str, list[Item]]:
    """Gold (task text, action types) by split name."""
    gold = load_gold(annotations, corpus)
    parts = load_split(split)
    return {name: [(task["text"], list(task["action_types"])) for doc_id in parts[name] if doc_id in gold
                   for task in gold[doc_id]["tasks"] if task.get("action_types")]
            for name in ("train", "dev", "test")}


class Tokens:
    """Underthesea words of each text, computed once and turned into Docs of any vocab."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[list[str], list[bool]]] = {}

    def doc(self, nlp: Language, text: str, lower: bool = False) -> Doc:
        if text not in self.cache:
            self.cache[text] = words_and_spaces(text)
        words, spaces = self.cache[text]
        return Doc(nlp.vocab, words=[w.lower() for w in words] if lower else words, spaces=spaces)


# -- model ----------------------------------------------------------------------------


def make_nlp(architecture: str = "bow") -> Language:
    """``spacy.blank("vi")`` with the underthesea tokenizer and a textcat_multilabel over ACTION_TYPES."""
    nlp = blank()
    model = ARCHITECTURES[architecture]
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": model} if model else {})
    for label in ACTION_TYPES:
        textcat.add_label(label)
    return nlp


def examples(nlp: Language, items: list[Item], tokens: Tokens, lower: bool) -> list[Example]:
    return [Example.from_dict(tokens.doc(nlp, text, lower), {"cats": {a: float(a in labels) for a in ACTION_TYPES}})
            for text, labels in items]


def scores(nlp: Language, items: list[Item], tokens: Tokens, lower: bool) -> list[dict[str, float]]:
    textcat = nlp.get_pipe("textcat_multilabel")
    return [doc.cats for doc in textcat.pipe(tokens.doc(nlp, text, lower) for text, _ in items)]


def decide(cats: dict[str, float], threshold: float) -> list[str]:
    """Labels at or above the threshold, best first; the best label alone when none reaches it."""
    ranked = sorted(cats, key=cats.get, reverse=True)  # type: ignore[arg-type]
    return [label for label in ranked if cats[label] >= threshold] or ranked[:1]


def train(nlp: Language, train_items: list[Item], dev_items: list[Item] | None, tokens: Tokens, *,
          lower: bool = False, epochs: int = 30, patience: int = 5, seed: int = 0,
          log=None) -> dict:
    """Train; with ``dev_items``, keep the weights of the best dev epoch and threshold (micro-F1, then macro-F1)."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    train_ex = examples(nlp, train_items, tokens, lower)
    optimizer = nlp.initialize(lambda: train_ex)
    textcat = nlp.get_pipe("textcat_multilabel")
    best: dict = {"key": (-1.0, -1.0), "epoch": 0, "threshold": 0.5}
    for epoch in range(1, epochs + 1):
        rng.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch(train_ex, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        if dev_items is None:
            best.update(epoch=epoch)
            continue
        cats = scores(nlp, dev_items, tokens, lower)
        for threshold in THRESHOLDS:
            res = evaluate([g for _, g in dev_items], [decide(c, threshold) for c in cats])
            key = (res["micro_f1"], res["macro_f1"])
            if key > best["key"]:
                best = {"key": key, "epoch": epoch, "threshold": threshold, "dev": res,
                        "weights": textcat.model.to_bytes()}
        if log:
            log(f"  epoch {epoch:2d} loss {losses.get('textcat_multilabel', 0):.3f} best dev micro-F1 "
                f"{best['key'][0]:.4f} (epoch {best['epoch']}, threshold {best['threshold']})")
        if epoch - best["epoch"] >= patience:
            break
    if "weights" in best:
        textcat.model.from_bytes(best.pop("weights"))
    best.pop("key", None)
    return best


# -- metrics --------------------------------------------------------------------------


def evaluate(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Micro-F1, macro-F1 and main-action accuracy of label lists (as ``pipeline.train.action_scores``)."""
    tp = fp = fn = 0
    per: dict[str, list[int]] = {a: [0, 0, 0] for a in ACTION_TYPES}
    for g, p in zip(gold, pred, strict=True):
        for label in ACTION_TYPES:
            hit, said = label in g, label in p
            tp += hit and said
            fp += said and not hit
            fn += hit and not said
            per[label][0] += hit and said
            per[label][1] += said and not hit
            per[label][2] += hit and not said
    present = [label for label in ACTION_TYPES if any(per[label])]
    macro = sum(_f1(*per[label]) for label in present) / max(1, len(present))
    main = sum(bool(p) and p[0] == g[0] for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    return {"tasks": len(gold), "micro_f1": round(_f1(tp, fp, fn), 4), "macro_f1": round(macro, 4),
            "main_acc": round(main, 4),
            "per_label_f1": {label: round(_f1(*per[label]), 4) for label in present}}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def rules(items: list[Item]) -> dict:
    return evaluate([g for _, g in items], [action_types(text) for text, _ in items])


# -- main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--annotations", type=Path, default=ROOT / "data" / "annotations")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--split", type=Path, default=ROOT / "data" / "split.json")
    ap.add_argument("--architectures", default=",".join(ARCHITECTURES), help="comma separated, of " +
                    ", ".join(ARCHITECTURES))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test", action="store_true", help="also score the chosen configuration on test (once)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--save", type=Path, help="save the chosen pipeline (load it after `import pipeline.spacy_vi`)")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.time()
    items = load_items(args.annotations, args.corpus, args.split)
    log("tasks: " + ", ".join(f"{k} {len(v)}" for k, v in items.items()))
    tokens = Tokens()
    runs = []
    for architecture in args.architectures.split(","):
        for lower in (False, True):
            log(f"{architecture} lower={lower}")
            nlp = make_nlp(architecture)
            t0 = time.time()
            best = train(nlp, items["train"], items["dev"], tokens, lower=lower, epochs=args.epochs,
                         patience=args.patience, seed=args.seed, log=log)
            runs.append({"architecture": architecture, "lower": lower, "epoch": best["epoch"],
                         "threshold": best["threshold"], "dev": best["dev"], "seconds": round(time.time() - t0, 1),
                         "nlp": nlp})
    chosen = max(runs, key=lambda r: (r["dev"]["micro_f1"], r["dev"]["macro_f1"]))
    report = {
        "spacy": spacy.__version__,
        "tasks": {k: len(v) for k, v in items.items()},
        "candidates": [{k: v for k, v in r.items() if k != "nlp"} for r in runs],
        "chosen": {k: chosen[k] for k in ("architecture", "lower", "epoch", "threshold")},
        "dev": {"textcat": chosen["dev"], "rules": rules(items["dev"])},
    }
    if args.test:
        cats = scores(chosen["nlp"], items["test"], tokens, chosen["lower"])
        report["test"] = {
            "textcat": evaluate([g for _, g in items["test"]], [decide(c, chosen["threshold"]) for c in cats]),
            "rules": rules(items["test"]),
        }
    if args.save:
        chosen["nlp"].to_disk(args.save)
    report["seconds"] = round(time.time() - started, 1)
    print(_table(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


def _table(report: dict) -> str:
    lines = [f"spaCy {report['spacy']}; tasks {report['tasks']}",
             "candidates (dev): " + "; ".join(
                 f"{r['architecture']}{' lower' if r['lower'] else ''} e{r['epoch']} t{r['threshold']} "
                 f"micro {r['dev']['micro_f1']:.4f} macro {r['dev']['macro_f1']:.4f}" for r in report["candidates"]),
             f"chosen on dev: {report['chosen']}",
             "",
             "| split | system | tasks | micro-F1 | macro-F1 | main-action acc |",
             "|---|---|---|---|---|---|"]
    for split in ("dev", "test"):
        for system, res in report.get(split, {}).items():
            lines.append(f"| {split} | {system} | {res['tasks']} | {res['micro_f1']:.4f} | {res['macro_f1']:.4f} "
                         f"| {res['main_acc']:.4f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
