"""The shipped action model mixed with a fine-tuned BERT-mini, in 5-fold CV over train + dev (measured, not shipped).

docs/BERT.md left one question open: the BERT is weaker than the shipped TF-IDF model on its own, but are its
errors different enough that a mix of the two beats the TF-IDF model? Three steps, because the fine-tuning wants a
GPU and the GPU machine has no ``../shared``:

1. ``export`` (here): the gold tasks of train + dev and their CV folds under each fold seed
   (``action_experiments.doc_folds``, as every other CV of the action model) to a JSON file. It holds corpus
   text: keep it under ``out/`` (git-ignored), never commit it.
2. ``finetune`` (GPU): per fold seed and fold, the BERT-mini classifier fine-tuned from
   ``models/bert-mini/pretrained`` on the other folds (settings fixed beforehand: those chosen on dev in session 11,
   all 20 epochs, no early stopping as there is no dev inside a fold), its out-of-fold probabilities written to
   ``oof.json``.
3. ``combine`` (here): the shipped settings fitted on the same folds; per label, the label-set probability
   ``(1 - w) * p_model + w * p_bert`` against the model's threshold, and the main action the argmax of
   ``(1 - v) * softmax(ranker scores) + v * p_bert_main``. Prints micro-F1, macro-F1 and main-action accuracy for
   each ``w`` and ``v`` (0, 0: the shipped model). The test split is never read.

    .venv/bin/python benchmarks/bert_hybrid_cv.py export --seeds 13 0 7 --out out/hybrid/folds.json
    python3 benchmarks/bert_hybrid_cv.py finetune --folds out/hybrid/folds.json --out $OUT --device cuda
    .venv/bin/python benchmarks/bert_hybrid_cv.py combine --folds out/hybrid/folds.json --oof out/hybrid/oof.json
    .venv/bin/python benchmarks/bert_hybrid_cv.py combine --dev     # dev, models fitted on train (needs --final)

Session 17's figures and why the hybrid was not shipped: models/HISTORY.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ENCODER = ROOT / "models" / "bert-mini" / "pretrained"
FINETUNE = {"learning_rate": 1e-4, "head_learning_rate": 1e-3, "epochs": 20, "batch_size": 16, "max_length": 128}
"""Session 11's choice on dev for the pretrained encoder (docs/BERT.md); without a dev set every epoch runs."""


def export(seeds: list[int], out: Path) -> None:
    import action_experiments as experiments

    from pipeline.annotations import load_split
    from pipeline.models import ACTION_TYPES

    folds_of = experiments.doc_folds
    bench = experiments.Bench()
    order = sorted(bench.docs)
    tasks = [{"doc": d, "text": t["text"], "labels": t["action_types"]} for d in order for t in bench.docs[d]]
    index = {}
    for i, task in enumerate(tasks):
        index.setdefault(task["doc"], []).append(i)
    folds = {}
    for seed in seeds:
        docs = folds_of(list(bench.docs), {d: len(ts) for d, ts in bench.docs.items()}, seed=seed)
        folds[str(seed)] = [[i for d in fold for i in index.get(d, [])] for fold in docs]
    out.parent.mkdir(parents=True, exist_ok=True)
    dev_docs = set(load_split(ROOT / "data" / "split.json")["dev"])
    split = {"train": [d for d in order if d not in dev_docs], "dev": [d for d in order if d in dev_docs]}
    out.write_text(json.dumps({"tasks": tasks, "folds": folds, "split": split, "labels": list(ACTION_TYPES)},
                              ensure_ascii=False),
                   encoding="utf-8")
    print(f"{len(tasks)} tasks of {len(order)} documents, fold seeds {seeds} -> {out}")


def _bert_module(labels: list[str]):
    """``pipeline.bert``; where pydantic is missing (the GPU image), that file alone, with the label set given."""
    try:
        import pipeline.bert as bert
    except ModuleNotFoundError:
        import importlib.util
        import types

        package, models = types.ModuleType("pipeline"), types.ModuleType("pipeline.models")
        package.__path__ = []
        models.ACTION_TYPES = tuple(labels)
        sys.modules.update({"pipeline": package, "pipeline.models": models})
        spec = importlib.util.spec_from_file_location("pipeline.bert", ROOT / "pipeline" / "bert.py")
        bert = importlib.util.module_from_spec(spec)
        sys.modules["pipeline.bert"] = bert
        spec.loader.exec_module(bert)
    return bert


def finetune(folds_path: Path, out: Path, device: str, limit: int | None, epochs: int | None, final: bool) -> None:
    data = json.loads(folds_path.read_text(encoding="utf-8"))
    bert = _bert_module(data["labels"])
    ActionClassifier, device_name, resolve_device = bert.ActionClassifier, bert.device_name, bert.resolve_device
    tasks = data["tasks"]
    device = resolve_device(device)
    settings = FINETUNE | ({"epochs": epochs} if epochs else {})
    result: dict = {"settings": settings, "device": device_name(device), "seeds": {}}
    out.mkdir(parents=True, exist_ok=True)
    for seed, folds in data["folds"].items():
        multi, main, seconds = [None] * len(tasks), [None] * len(tasks), []
        for k, fold in enumerate(folds[:limit] if limit else folds):
            held = set(fold)
            rest = [i for i in range(len(tasks)) if i not in held]
            started = time.perf_counter()
            clf = ActionClassifier.from_pretrained(ENCODER, seed=0, **settings).to(device)
            clf.fit([tasks[i]["text"] for i in rest], [tasks[i]["labels"] for i in rest])
            p, q = clf.predict_proba([tasks[i]["text"] for i in fold])
            for i, row_p, row_q in zip(fold, p, q, strict=True):
                multi[i], main[i] = [round(float(x), 5) for x in row_p], [round(float(x), 5) for x in row_q]
            seconds.append(round(time.perf_counter() - started, 1))
            print(f"fold seed {seed} fold {k}: {len(rest)} tasks, {seconds[-1]} s", flush=True)
        result["labels"] = clf.settings.labels
        result["seeds"][seed] = {"multi": multi, "main": main, "seconds": seconds}
        (out / "oof.json").write_text(json.dumps(result), encoding="utf-8")  # after each seed: partial results too
    if final:  # fitted on train (its dev probabilities), then on train + dev (saved in float16, as shipped)
        dev = set(data["split"]["dev"])
        train = [t for t in tasks if t["doc"] not in dev]
        dev_tasks = [t for t in tasks if t["doc"] in dev]
        for name, fit_on in (("train", train), ("train+dev", tasks)):
            started = time.perf_counter()
            clf = ActionClassifier.from_pretrained(ENCODER, seed=0, **settings).to(device)
            clf.fit([t["text"] for t in fit_on], [t["labels"] for t in fit_on])
            print(f"final, fitted on {name}: {len(fit_on)} tasks, {time.perf_counter() - started:.1f} s", flush=True)
            if name == "train":
                p, q = clf.predict_proba([t["text"] for t in dev_tasks])
                result["dev"] = {"multi": p.round(5).tolist(), "main": q.round(5).tolist()}
                (out / "oof.json").write_text(json.dumps(result), encoding="utf-8")
        clf.net.half()
        clf.save(out / "final")


def combine(folds_path: Path, oof_path: Path, weights: list[float], main_weights: list[float], dev: bool) -> None:
    import numpy as np

    from pipeline.classify import ActionTypeClassifier, rank_features
    from pipeline.train import ACTION_SETTINGS, action_scores

    data = json.loads(folds_path.read_text(encoding="utf-8"))
    oof = json.loads(oof_path.read_text(encoding="utf-8"))
    tasks, bert_labels = data["tasks"], oof["labels"]
    gold = [{"action_types": t["labels"]} for t in tasks]
    print(f"{'seed':>4} {'w':>4} {'v':>4} {'micro':>6} {'macro':>6} {'main':>6}   (BERT alone: micro macro main)")
    runs, probabilities = data["folds"], oof["seeds"]
    if dev:  # one "fold": the dev split, the models fitted on train
        held = set(data["split"]["dev"])
        rows = [i for i, task in enumerate(tasks) if task["doc"] in held]
        multi, main = [None] * len(tasks), [None] * len(tasks)
        for i, p, q in zip(rows, oof["dev"]["multi"], oof["dev"]["main"], strict=True):
            multi[i], main[i] = p, q
        runs, probabilities = {"dev": [rows]}, {"dev": {"multi": multi, "main": main}}
    for seed, folds in runs.items():
        if seed not in probabilities:
            print(f"fold seed {seed}: no BERT out-of-fold probabilities", file=sys.stderr)
            continue
        rows = [i for fold in folds for i in fold]
        bert_multi, bert_main = np.zeros((len(tasks), len(bert_labels))), np.zeros((len(tasks), len(bert_labels)))
        bert_multi[rows] = [probabilities[seed]["multi"][i] for i in rows]
        bert_main[rows] = [probabilities[seed]["main"][i] for i in rows]
        parts = []  # per fold: its indices, the model's label probabilities and ranker scores over present_
        for fold in folds:
            held = set(fold)
            rest = [i for i in range(len(tasks)) if i not in held]
            model = ActionTypeClassifier(**ACTION_SETTINGS).fit([tasks[i]["text"] for i in rest],
                                                                [tasks[i]["labels"] for i in rest])
            texts = [tasks[i]["text"] for i in fold]
            features, main_features = model._design(texts)
            plain = model.multi_.predict_proba(features)
            label_p = model._label_probabilities(features, plain)
            main_p = model._main_probabilities(main_features)
            scores = np.vstack([model.ranker_.model_.decision_function(rank_features(t, model.present_, lp, mp))
                                for t, lp, mp in zip(texts, plain, main_p, strict=True)])
            columns = [bert_labels.index(label) for label in model.present_]
            parts.append((fold, model, label_p, scores, columns))
        alone = {i: [bert_labels[int(bert_main[i].argmax())]]
                 + [bert_labels[j] for j in np.argsort(-bert_multi[i])
                    if bert_multi[i, j] >= 0.5 and j != int(bert_main[i].argmax())] for i in rows}
        b = action_scores([gold[i] for i in rows], [alone[i] for i in rows])
        for w in weights:
            for v in main_weights:
                predicted = []
                for fold, model, label_p, scores, columns in parts:
                    for i, lp, sc in zip(fold, label_p, scores, strict=True):
                        mixed = (1 - w) * lp + w * bert_multi[i, columns]
                        ranked = np.exp(sc - sc.max())
                        ranked /= ranked.sum()
                        main = model.present_[int(np.argmax((1 - v) * ranked + v * bert_main[i, columns]))]
                        chosen = sorted(((p, label) for p, label in zip(mixed, model.present_, strict=True)
                                         if p >= model.threshold), reverse=True)
                        predicted.append([main] + [label for _, label in chosen if label != main])
                s = action_scores([gold[i] for fold, *_ in parts for i in fold], predicted)
                print(f"{seed:>4} {w:4.2f} {v:4.2f} {s['micro_f1']:6.3f} {s['macro_f1']:6.3f} "
                      f"{s['main_action_accuracy']:6.3f}   ({b['micro_f1']:.3f} {b['macro_f1']:.3f} "
                      f"{b['main_action_accuracy']:.3f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("export")
    p.add_argument("--seeds", type=int, nargs="+", default=[13, 0, 7])
    p.add_argument("--out", type=Path, default=ROOT / "out" / "hybrid" / "folds.json")
    p = sub.add_parser("finetune")
    p.add_argument("--folds", type=Path, default=ROOT / "out" / "hybrid" / "folds.json")
    p.add_argument("--out", type=Path, default=ROOT / "out" / "hybrid")
    p.add_argument("--device", default="auto")
    p.add_argument("--limit", type=int, help="only the first N folds of each seed (a smoke test)")
    p.add_argument("--epochs", type=int, help="override the 20 epochs (a smoke test)")
    p.add_argument("--final", action="store_true", help="also fit on train (dev probabilities) and train + dev")
    p = sub.add_parser("combine")
    p.add_argument("--folds", type=Path, default=ROOT / "out" / "hybrid" / "folds.json")
    p.add_argument("--oof", type=Path, default=ROOT / "out" / "hybrid" / "oof.json")
    p.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.2, 0.3, 0.5])
    p.add_argument("--main-weights", type=float, nargs="+", default=[0.0, 0.2, 0.3, 0.5])
    p.add_argument("--dev", action="store_true", help="the dev split (models fitted on train) instead of CV")
    args = parser.parse_args()
    if args.step == "export":
        export(args.seeds, args.out)
    elif args.step == "finetune":
        finetune(args.folds, args.out, args.device, args.limit, args.epochs, args.final)
    else:
        combine(args.folds, args.oof, args.weights, args.main_weights, args.dev)


if __name__ == "__main__":
    main()
