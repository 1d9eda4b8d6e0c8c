"""Cross-validated check of a learned lead-unit selector over the pipeline's candidates (measured, not shipped).

For every task the pipeline outputs on train + dev, the candidates are the units its
rules made lead or support, the units named in its text or its section heading, the
document's addressees and its issuer. A logistic regression scores each candidate
as a lead from where it comes from (rule lead and its rank, text mention, its place
and the cue word before it, heading, addressee, issuer), its head word, the
document type and the task's first action cue; it is fitted on the tasks that
pair with a gold task (ANNOTATION §8), label "a gold lead". Folds are by
document. Each held-out task's leads become

* ``replace``: the candidates at or over the threshold (the rules' leads when none is);
* ``drop``: the rules' leads at or over the threshold (all of them when none is).

The documents are extracted once by the shipped pipeline (the task screen included,
which was fitted on these documents: the comparison with the rules is what counts).
The test split is never read.

    .venv/bin/python benchmarks/lead_rerank_cv.py [--folds 5] [--seed 13] [--C 1]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from pipeline.annotations import load_gold, load_split
from pipeline.classify import ordered_actions, syllables
from pipeline.evaluate import norm, pair_tasks, score
from pipeline.screen import TaskScreen
from pipeline.train import extract_annotated
from pipeline.units import find_units, is_generic

ROOT = Path(__file__).resolve().parent.parent
CUES_BEFORE = ("giao", "đề nghị", "yêu cầu", "phối hợp", "chủ trì", "với", "của", "cho", "theo", "và", "gửi",
               "báo cáo", "tham mưu", "ủy quyền")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6)


def candidates(task: dict, document: dict) -> dict[str, tuple[str, dict]]:
    """Per normalised name: a display name and its features."""
    found: dict[str, tuple[str, dict]] = {}

    def add(name: str, **features) -> None:
        if key := norm(name):
            found.setdefault(key, (name, {}))[1].update(features)

    text, low = task["text"], task["text"].lower()
    for rank, unit in enumerate(task["lead_units"]):
        add(unit, rule=1, **{f"rule_rank_{min(rank, 3)}": 1})
    for unit in task["support_units"]:
        add(unit, support=1)
    for rank, mention in enumerate(find_units(text)):
        before = low[max(0, mention.start - 25):mention.start]
        features = {"text": 1, f"text_rank_{min(rank, 3)}": 1, "opens": mention.start < 3,
                    f"place_{min(mention.start * 5 // max(1, len(text)), 4)}": 1,
                    f"after_{(syllables(low[mention.end:mention.end + 20]) or ['none'])[0]}": 1}
        features |= {f"before_{cue}": 1 for cue in CUES_BEFORE if re.search(rf"\b{cue}\s*(?:các\s+)?$", before)}
        add(mention.name, **features)
    for mention in find_units(task.get("section") or ""):
        add(mention.name, section=1)
    info = document.get("document") or {}
    for unit in info.get("recipients") or []:
        add(unit, recipient=1)
    if info.get("issuer"):
        add(info["issuer"], issuer=1)
    actions = ordered_actions(text)
    for key, (name, features) in found.items():
        words = syllables(key)
        features |= {f"head_{(words or ['_'])[0]}": 1, f"head2_{'_'.join(words[:2])}": 1, "generic": is_generic(name),
                     f"type_{info.get('doc_type')}": 1, f"leads_{min(len(task['lead_units']), 3)}": 1,
                     f"first_cue_{actions[0] if actions else 'none'}": 1, "in_text": key in norm(text)}
        if features.get("rule"):
            features |= {f"rule_type_{info.get('doc_type')}": 1, f"rule_head_{(words or ['_'])[0]}": 1,
                         "rule_in_text": bool(features.get("text")), "rule_recipient": bool(features.get("recipient"))}
    return found


def reranked(docs: dict[str, dict], probabilities: dict, threshold: float, mode: str) -> dict[str, dict]:
    """Copies of ``docs`` with each task's leads chosen by ``mode`` at ``threshold``."""
    out = {}
    for doc_id, doc in docs.items():
        tasks = []
        for index, task in enumerate(doc["tasks"]):
            scored = probabilities[doc_id, index]
            rules = [u for u in task["lead_units"] if norm(u) in scored]
            if mode == "replace":
                chosen = [name for name, p in sorted(scored.values(), key=lambda v: -v[1]) if p >= threshold]
            else:
                chosen = [u for u in rules if scored[norm(u)][1] >= threshold]
            tasks.append(task | {"lead_units": chosen or task["lead_units"]})
        out[doc_id] = doc | {"tasks": tasks}
    return out


def main() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()

    split = load_split(ROOT / "data" / "split.json")
    ids = split["train"] + split["dev"]
    gold = load_gold(ROOT / "data" / "annotations", args.corpus, doc_ids=set(ids))
    started = time.perf_counter()
    docs = extract_annotated(ids, args.corpus, None, screen=TaskScreen.shipped("tasks-screen-v1-*.joblib"))
    rows = []  # (document, task index, name key, display name, features, is a gold lead, task is paired)
    for doc_id, doc in docs.items():
        pairs = {j: i for i, j in pair_tasks(gold[doc_id]["tasks"], doc["tasks"])}
        for index, task in enumerate(doc["tasks"]):
            leads = {norm(u) for u in gold[doc_id]["tasks"][pairs[index]]["lead_units"]} if index in pairs else set()
            for key, (name, features) in candidates(task, doc).items():
                rows.append((doc_id, index, key, name, features, key in leads, index in pairs))
    order = sorted(ids)
    random.Random(args.seed).shuffle(order)
    fold_of = {doc_id: n % args.folds for n, doc_id in enumerate(order)}
    probabilities: dict[tuple[str, int], dict[str, tuple[str, float]]] = {
        (doc_id, index): {} for doc_id, doc in docs.items() for index in range(len(doc["tasks"]))}
    for fold in range(args.folds):
        fit = [r for r in rows if fold_of[r[0]] != fold and r[6]]
        held = [r for r in rows if fold_of[r[0]] == fold]
        vectorizer = DictVectorizer()
        model = LogisticRegression(C=args.C, max_iter=3000).fit(vectorizer.fit_transform([r[4] for r in fit]),
                                                                [r[5] for r in fit])
        for r, p in zip(held, model.predict_proba(vectorizer.transform([r[4] for r in held]))[:, 1], strict=True):
            probabilities[r[0], r[1]][r[2]] = (r[3], float(p))
    print(f"{args.folds}-fold CV by document over train + dev ({len(ids)} documents, {len(rows)} candidates), "
          f"C={args.C}, {time.perf_counter() - started:.0f} s")
    print(f"{'leads':20} {'P':>6} {'R':>6} {'F1':>6}")
    variants = {"rules (shipped)": docs} | {f"{mode} {threshold}": reranked(docs, probabilities, threshold, mode)
                                            for mode in ("replace", "drop") for threshold in THRESHOLDS}
    for name, outs in variants.items():
        lead = score(gold, outs)["lead_units"]
        print(f"{name:20} {lead['p']:6.3f} {lead['r']:6.3f} {lead['f1']:6.3f}")


if __name__ == "__main__":
    main()
