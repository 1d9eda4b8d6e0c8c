"""Dense text vectors beside the action model's features, in 5-fold CV over train + dev (measured, not shipped).

The shipped settings (``pipeline.train.ACTION_SETTINGS``), with one more block of
columns, unit-scaled and multiplied by ``--weight``, given to the main-action model
only (``--all-models``: to the label models too):

* ``lsa``: TF-IDF over syllable 1–2-grams and a truncated SVD, both fitted on the
  lines (over 40 characters) of the corpus texts outside the test split;
* ``bert``: the mean of the last layer of the BERT-mini encoder in
  ``models/bert-mini/pretrained`` over a task's tokens (needs the ``bert`` extra);
* ``bert-static``: the mean of that encoder's input token vectors.

Prints micro-F1, macro-F1 and main-action accuracy for weight 0 (the shipped model)
and each weight, per fold seed. The test split is never read.

    .venv/bin/python benchmarks/action_vectors_cv.py lsa --seeds 13 0 7 --weights 0.5
    .venv/bin/python benchmarks/action_vectors_cv.py lsa --dim 100 --max-features 20000
    .venv/bin/python benchmarks/action_vectors_cv.py bert --weights 0.5 1
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import action_experiments as experiments

from pipeline.annotations import load_split
from pipeline.classify import ActionTypeClassifier, syllables
from pipeline.train import ACTION_SETTINGS, action_scores

ROOT = Path(__file__).resolve().parent.parent
ENCODER = ROOT / "models" / "bert-mini" / "pretrained"


def lsa_vectors(dim: int, max_features: int):
    """A function from texts to LSA vectors fitted on the non-test corpus lines."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    test = set(load_split(ROOT / "data" / "split.json")["test"])
    lines = [line.strip() for path in sorted(experiments.CORPUS.glob("*/*.txt")) if path.stem not in test
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if len(line) > 40]

    def grams(text: str) -> list[str]:
        words = syllables(text)
        return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]

    vectorizer = TfidfVectorizer(analyzer=grams, sublinear_tf=True, min_df=3, max_features=max_features)
    started = time.perf_counter()
    svd = TruncatedSVD(dim, random_state=13).fit(vectorizer.fit_transform(lines))
    print(f"LSA: {len(lines)} lines, {dim} dimensions over {max_features} n-grams, "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    def vectorise(texts: list[str]) -> np.ndarray:
        rows = svd.transform(vectorizer.transform(texts))
        return rows / (np.linalg.norm(rows, axis=1, keepdims=True) + 1e-9)  # unit rows

    return vectorise


def bert_vectors(texts: list[str], static: bool) -> dict[str, np.ndarray]:
    """Each text's mean token vector from the BERT-mini encoder (its last layer, or its input embeddings),
    standardised per dimension over ``texts`` and divided by the square root of the dimension."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer, encoder = AutoTokenizer.from_pretrained(ENCODER), AutoModel.from_pretrained(ENCODER).eval()
    vectors = {}
    with torch.no_grad():
        for start in range(0, len(texts), 64):
            batch = texts[start:start + 64]
            tokens = tokenizer([t.lower() for t in batch], padding=True, truncation=True, max_length=128,
                               return_tensors="pt")
            hidden = (encoder.embeddings.word_embeddings(tokens["input_ids"]) if static
                      else encoder(**tokens).last_hidden_state)
            mask = tokens["attention_mask"].unsqueeze(-1).float()
            for text, row in zip(batch, ((hidden * mask).sum(1) / mask.sum(1)).numpy(), strict=True):
                vectors[text] = row
    matrix = np.stack(list(vectors.values()))
    mean, scale = matrix.mean(0), (matrix.std(0) + 1e-6) * np.sqrt(matrix.shape[1])
    return {text: (row - mean) / scale for text, row in vectors.items()}


@dataclass
class WithVectors(ActionTypeClassifier):
    """The action classifier with ``vectorise(texts)`` columns, times ``weight``, beside its features."""

    weight: float = 0.0
    all_models: bool = False
    vectorise: object = None

    def _design(self, texts, fit=False):
        from scipy.sparse import csr_matrix, hstack

        features, main = super()._design(texts, fit)
        if not self.weight:
            return features, main
        block = csr_matrix(np.asarray(self.vectorise(texts), dtype=float) * self.weight)
        return (hstack([features, block]).tocsr() if self.all_models else features), hstack([main, block]).tocsr()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["lsa", "bert", "bert-static"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[13])
    parser.add_argument("--weights", type=float, nargs="+", default=[0.5])
    parser.add_argument("--dim", type=int, default=200)
    parser.add_argument("--max-features", type=int, default=100_000)
    parser.add_argument("--all-models", action="store_true", help="the label models see the vectors too")
    args = parser.parse_args()

    folds_of = experiments.doc_folds
    if args.kind == "lsa":
        vectorise = lsa_vectors(args.dim, args.max_features)
    else:
        bench = experiments.Bench()
        table = bert_vectors(sorted({t["text"] for tasks in bench.docs.values() for t in tasks}),
                             static=args.kind == "bert-static")
        vectorise = lambda texts: np.stack([table[t] for t in texts])  # noqa: E731
    print(f"{'seed':>4} {'weight':>6} {'micro':>6} {'macro':>6} {'main':>6}")
    for seed in args.seeds:
        experiments.doc_folds = lambda ids, sizes, k=experiments.FOLDS, seed=seed: folds_of(ids, sizes, k=k, seed=seed)
        bench = experiments.Bench()
        for weight in [0.0, *args.weights]:
            predicted = []
            for i, fold in enumerate(bench.folds):
                rest = [t for j, other in enumerate(bench.folds) if j != i for d in other for t in bench.docs[d]]
                model = WithVectors(**ACTION_SETTINGS, weight=weight, all_models=args.all_models, vectorise=vectorise)
                model.fit([t["text"] for t in rest], [t["action_types"] for t in rest])
                predicted += model.predict([t["text"] for d in fold for t in bench.docs[d]])
            s = action_scores(bench.cv_tasks, predicted)
            print(f"{seed:>4} {weight:>6} {s['micro_f1']:6.3f} {s['macro_f1']:6.3f} {s['main_action_accuracy']:6.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
