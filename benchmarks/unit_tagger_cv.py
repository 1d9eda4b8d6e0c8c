"""Cross-validated comparison of the unit tagger and the rules, inside the whole pipeline.

Folds are by document over the train + dev splits of data/annotations (the
test split is never read). For each fold the CRF tagger is fitted on the
other documents' gold tasks; the held-out documents are then extracted by the
pipeline three ways and scored with the reference metric (ANNOTATION §8):

* ``rules``: the rules alone;
* ``tagger supports``: the tagger's support units (what the pipeline ships);
* ``tagger supports + leads``: also the tagger's lead mentions, where it finds any,
  in place of the rules' lead (measured, not shipped);
* ``rules + tagged roles``: the rules' supports plus the tagger's on mentions the rules found;
* ``rules, tagger where none`` and ``rules ∪ tagger``: the rules' supports, with the tagger's
  where the rules find none, or always added.

    .venv/bin/python benchmarks/unit_tagger_cv.py [--folds 5] [--seed 7] [--c1 0.1 --c2 0.1]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from pipeline.annotations import load_gold, load_split
from pipeline.evaluate import norm, score
from pipeline.train import extract_annotated
from pipeline.unit_tagger import UnitTagger

ROOT = Path(__file__).resolve().parent.parent


def with_tagged_leads(docs: dict[str, dict], tagger: UnitTagger) -> dict[str, dict]:
    """The documents with each task's lead replaced by the tagger's lead mentions, where it finds any."""
    for doc in docs.values():
        tagged = tagger.predict([t["text"] for t in doc["tasks"]])
        for task, mentions in zip(doc["tasks"], tagged, strict=True):
            leads = [m.name for m in mentions if m.role == "lead"]
            if leads:
                task["lead_units"] = leads
                task["support_units"] = [u for u in task["support_units"] if norm(u) not in {norm(x) for x in leads}]
    return docs


def with_rule_supports_and_tagged_roles(rules: dict[str, dict], tagger: UnitTagger) -> dict[str, dict]:
    """The rules' support units plus the tagger's supports whose span is a mention the rules found (in place)."""
    from pipeline.units import find_units

    for doc in rules.values():
        tagged = tagger.predict([t["text"] for t in doc["tasks"]])
        for task, mentions in zip(doc["tasks"], tagged, strict=True):
            spans = {(m.start, m.end) for m in find_units(task["text"])}
            keys = {norm(u) for u in task["support_units"] + task["lead_units"]}
            for m in mentions:
                if m.role == "support" and (m.start, m.end) in spans and norm(m.name) not in keys:
                    task["support_units"].append(m.name)
                    keys.add(norm(m.name))
    return rules


def combined(rules: dict[str, dict], tagged: dict[str, dict], how: str) -> dict[str, dict]:
    """Per task, the rules' supports and the tagger's: their union, or the tagger's only where the rules find none."""
    out = docs_copy(rules)
    for doc_id, doc in out.items():
        for task, other in zip(doc["tasks"], tagged[doc_id]["tasks"], strict=True):
            if how == "fallback" and task["support_units"]:
                continue
            keys = {norm(u) for u in task["support_units"] + task["lead_units"]}
            task["support_units"] += [u for u in other["support_units"] if norm(u) not in keys]
    return out


def docs_copy(docs: dict[str, dict]) -> dict[str, dict]:
    return json.loads(json.dumps(docs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--c1", type=float, default=0.1)
    parser.add_argument("--c2", type=float, default=0.1)
    args = parser.parse_args()

    split = load_split(ROOT / "data" / "split.json")
    ids = split["train"] + split["dev"]
    gold = load_gold(ROOT / "data" / "annotations", args.corpus, doc_ids=set(ids))
    order = sorted(ids)
    random.Random(args.seed).shuffle(order)
    folds = [order[i :: args.folds] for i in range(args.folds)]
    variants: dict[str, dict[str, dict]] = {"rules": {}, "tagger supports": {}, "tagger supports + leads": {},
                                            "rules + tagged roles": {}, "rules, tagger where none": {},
                                            "rules ∪ tagger": {}}
    started = time.perf_counter()
    for fold in folds:
        tasks = [t for d in ids if d not in fold for t in gold[d]["tasks"]]
        tagger = UnitTagger(c1=args.c1, c2=args.c2).fit([t["text"] for t in tasks], [t["lead_units"] for t in tasks],
                                                        [t["support_units"] for t in tasks])
        rules = extract_annotated(fold, args.corpus, None)
        variants["rules"].update(docs_copy(rules))
        variants["rules + tagged roles"].update(with_rule_supports_and_tagged_roles(docs_copy(rules), tagger))
        tagged = extract_annotated(fold, args.corpus, tagger)
        variants["tagger supports"].update(docs_copy(tagged))
        variants["rules, tagger where none"].update(combined(rules, tagged, "fallback"))
        variants["rules ∪ tagger"].update(combined(rules, tagged, "union"))
        variants["tagger supports + leads"].update(with_tagged_leads(docs_copy(tagged), tagger))
    print(f"{args.folds}-fold CV by document over train + dev ({len(ids)} documents, "
          f"{sum(len(gold[d]['tasks']) for d in ids)} gold tasks), c1={args.c1} c2={args.c2}, "
          f"{time.perf_counter() - started:.0f} s")
    print(f"{'variant':26} {'lead P':>7} {'lead R':>7} {'lead F1':>8} {'supp P':>7} {'supp R':>7} {'supp F1':>8}")
    for name, outs in variants.items():
        res = score(gold, outs)
        lead, support = res["lead_units"], res["support_units"]
        print(f"{name:26} {lead['p']:7.3f} {lead['r']:7.3f} {lead['f1']:8.3f} "
              f"{support['p']:7.3f} {support['r']:7.3f} {support['f1']:8.3f}")


if __name__ == "__main__":
    main()
