"""`nhiemvu train`: train the shipped models and measure them, reproducibly.

Reads the gold annotations (data/annotations, texts from ../shared/corpus) and
the fixed split (data/split.json); writes into models/

* ``actions-tfidf-v1-<date>.joblib``: the action-type classifier (train + dev);
* ``suggest-tfidf-v1-<date>.joblib``: the assignee suggester, learned from the
  gold tasks of train + dev and the pipeline's tasks of every other corpus
  document that is not in dev or test (its "silver" tasks);
* ``units-crf-v1-<date>.joblib``: the unit tagger (CRF over the task's
  syllables, rule and gazetteer features; train + dev), whose support units
  the pipeline uses; scored inside the whole pipeline against the rules alone;
* ``tasks-screen-v1-<date>.joblib``: the task screen (logistic regression over
  the pipeline's task candidates in the train + dev documents, labelled by
  whether they pair with a gold task), which drops unlikely candidates;
* ``metrics.json``: dev and test figures, sizes, times (for the model card).

Dev figures come from models fitted on train only; the shipped models are then
refitted on train + dev with the same settings; test is measured once.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from pipeline.actions import action_types as rule_action_types
from pipeline.annotations import load_gold, load_split
from pipeline.classify import MODELS, ActionTypeClassifier
from pipeline.evaluate import PRF, norm
from pipeline.screen import TaskScreen, using_screen
from pipeline.suggester import AssigneeSuggester, unit_key
from pipeline.tasks import NORMATIVE as LEGAL_TEXTS
from pipeline.unit_tagger import UnitTagger, using_tagger

ROOT = Path(__file__).resolve().parent.parent
NORMATIVE = LEGAL_TEXTS | {"Nghị quyết"}
"""Texts whose tasks are no silver tasks for the suggester: laws and standards (``tasks.NORMATIVE``) and resolutions."""
ACTION_SETTINGS = {"analyzer": "syllables", "ngram_range": (1, 2), "C": 16.0, "threshold": 0.4, "cue_features": True,
                   "cue_weight": 0.3, "position_weight": 0.5, "main_C": 8.0, "main": "rank", "random_state": 13,
                   "head_syllables": 10, "nb_weight": 0.5}
"""Chosen by 5-fold CV by document over train + dev (benchmarks/action_experiments.py), confirmed on dev; main_C 8
(was 4) since session 3: main-action accuracy +0.003 and +0.006 in CV after two rounds of new data, +0.016 on dev.
head_syllables 10 since session 7: main-action accuracy +0.005 to +0.008 in CV under four fold seeds (micro-F1
+0.001 to +0.004), dev main action 0.820 -> 0.853 (micro-F1 0.851 -> 0.846). main "rank" since session 8 (was
"model"): a ranker over both models' out-of-fold probabilities and where the text states each label picks the main
action; main-action accuracy +0.000 to +0.018 in CV under five fold seeds (mean 0.724 -> 0.736, micro-F1 -0.001 to
+0.001), dev main action 0.853 unchanged, micro-F1 0.846 -> 0.851. nb_weight 0.5 since session 10 (was 0): the label
probabilities average NB-LR twins'; micro-F1 +0.001 to +0.007 in CV under five fold seeds (mean +0.004; weights
0.3 / 0.7 within 0.001 of 0.5), main action unchanged, dev micro-F1 0.851 -> 0.871."""


def action_scores(gold_tasks: list[dict], predicted: list[list[str]]) -> dict:
    """Micro-F1, macro-F1 (over labels) and main-action accuracy."""
    micro, per_label, main = PRF(), defaultdict(PRF), 0
    for task, labels in zip(gold_tasks, predicted, strict=True):
        micro.add(task["action_types"], labels)
        main += bool(labels) and task["action_types"][0] == labels[0]
        for label in set(task["action_types"]) | set(labels):
            per_label[label].add([label] if label in task["action_types"] else [],
                                 [label] if label in labels else [])
    macro = sum(v.result()["f1"] for v in per_label.values()) / max(1, len(per_label))
    return {"micro_f1": micro.result()["f1"], "macro_f1": round(macro, 4),
            "main_action_accuracy": round(main / max(1, len(gold_tasks)), 4), "tasks": len(gold_tasks)}


def working_documents(corpus: Path, exclude: set[str], errors: tuple[type[Exception], ...] = ()) -> Iterator:
    """The pipeline's reading of each non-normative working document of ``corpus`` outside ``exclude``
    (law texts, the sentence corpus, unreadable files and texts with no document type in their header, such as a
    technical standard, left out)."""
    from pipeline import extract
    from pipeline.read import ReadError

    for path in sorted(corpus.glob("*/*.txt")):
        if path.stem in exclude or path.parent.name in {"laws", "sentences"}:
            continue
        try:
            doc = extract(path, doc_id=path.stem)
        except (ReadError, *errors):
            continue
        if doc.document.doc_type is not None and doc.document.doc_type not in NORMATIVE:
            yield doc


def silver_tasks(corpus: Path, exclude: set[str]) -> tuple[list[str], list[list[str]]]:
    """Tasks the pipeline finds in corpus documents outside ``exclude`` (normative texts left out)."""
    texts, leads = [], []
    for doc in working_documents(corpus, exclude):
        for task in doc.tasks:
            if task.lead_units and task.lead_units != [doc.document.issuer]:
                texts.append(task.text)
                leads.append(task.lead_units)
    return texts, leads


def suggestion_scores(model: AssigneeSuggester, docs: list[dict]) -> dict:
    """Top-1/top-3 on tasks whose text does not name their lead, among all units and among the document's units."""
    hits = {"all_top1": 0, "all_top3": 0, "candidates_top1": 0, "candidates_top3": 0}
    n = 0
    for doc in docs:
        named = list(dict.fromkeys(u for t in doc["tasks"] for u in t["lead_units"] + t["support_units"]))
        for task in doc["tasks"]:
            gold = {unit_key(u) for u in task["lead_units"]}
            if not gold or any(norm(u) in norm(task["text"]) for u in task["lead_units"]):
                continue
            n += 1
            for mode, ranked in (("all", model.suggest(task["text"], k=3)),
                                 ("candidates", model.suggest(task["text"], k=3, candidates=named))):
                keys = [unit_key(s.unit) for s in ranked]
                hits[f"{mode}_top1"] += bool(keys[:1]) and keys[0] in gold
                hits[f"{mode}_top3"] += bool(gold & set(keys[:3]))
    return {k: round(v / max(1, n), 4) for k, v in hits.items()} | {"tasks": n}


UNIT_SETTINGS = {"c1": 0.1, "c2": 0.1, "max_iterations": 200}
SCREEN_SETTINGS = {"C": 3.0, "threshold": 0.3, "random_state": 13}
"""Chosen by 5-fold CV by document on train, three fold seeds (benchmarks/task_screen_cv.py): of C 1, 3, 10 and
thresholds 0.25-0.45, the best lead-unit F1 (0.636 -> 0.664; tasks 0.840 -> 0.868, task recall 0.926 -> 0.901)."""


def annotated_documents(doc_ids: list[str], corpus: Path) -> Iterator:
    """``(doc_id, Document)`` of annotated documents as the pipeline reads them (None: no document header)."""
    from pipeline import NotADocument, extract_text
    from pipeline.annotations import load_standoff, source_text

    records = load_standoff(ROOT / "data" / "annotations")
    for doc_id in doc_ids:
        text = source_text(corpus, records[doc_id]["source"], records[doc_id].get("sha256"))
        try:
            yield doc_id, extract_text(text, doc_id=doc_id)
        except NotADocument:
            yield doc_id, None


def extract_annotated(doc_ids: list[str], corpus: Path, tagger: UnitTagger | None,
                      screen: TaskScreen | None = None) -> dict[str, dict]:
    """Contract JSON of annotated documents as the pipeline reads them, with ``tagger`` (None: the rules alone)
    and ``screen`` (None: every task candidate).

    A text with no document header counts as a document without tasks, as a batch's error row would.
    """
    with using_tagger(tagger), using_screen(screen):
        return {doc_id: json.loads(doc.to_json()) if doc is not None else {"doc_id": doc_id, "document": {},
                                                                           "tasks": []}
                for doc_id, doc in annotated_documents(doc_ids, corpus)}


def screen_examples(doc_ids: list[str], corpus: Path, gold: dict[str, dict]
                    ) -> tuple[list[str], list, list[list[bool]]]:
    """The pipeline's task candidates of annotated documents (the ids of those with any, their candidates and
    headers; no screening, the rules' units), and per candidate whether it pairs with a gold task (the scorer's
    pairing)."""
    from pipeline.evaluate import pair_tasks

    ids, documents, labels = [], [], []
    with using_tagger(None), using_screen(None):
        for doc_id, doc in annotated_documents(doc_ids, corpus):
            if doc is None or not doc.tasks:
                continue
            paired = {j for _, j in pair_tasks(gold[doc_id]["tasks"], [t.model_dump() for t in doc.tasks])}
            ids.append(doc_id)
            documents.append((doc.tasks, doc.document))
            labels.append([j in paired for j in range(len(doc.tasks))])
    return ids, documents, labels


def pipeline_unit_scores(doc_ids: list[str], corpus: Path, tagger: UnitTagger | None,
                         screen: TaskScreen | None = None) -> dict:
    """Task, lead- and support-unit F1 of the whole pipeline on annotated documents, with ``tagger`` (None: the
    rules alone) and ``screen`` (None: every candidate)."""
    from pipeline.evaluate import score

    gold = load_gold(ROOT / "data" / "annotations", corpus, doc_ids=set(doc_ids))
    result = score(gold, extract_annotated(doc_ids, corpus, tagger, screen))
    return {key: result[key]["f1"] for key in ("tasks", "lead_units", "support_units")}


def train(corpus: Path, out_dir: Path = MODELS, today: str | None = None, log=print) -> dict:
    gold = load_gold(ROOT / "data" / "annotations", corpus)
    split = load_split(ROOT / "data" / "split.json")

    def tasks(part: str) -> list[dict]:
        return [t for doc_id in split[part] for t in gold[doc_id]["tasks"]]

    train_tasks, dev_tasks, test_tasks = tasks("train"), tasks("dev"), tasks("test")
    metrics: dict = {"settings": {k: list(v) if isinstance(v, tuple) else v for k, v in ACTION_SETTINGS.items()},
                     "unit_settings": dict(UNIT_SETTINGS), "screen_settings": dict(SCREEN_SETTINGS)}

    log("actions: rules and TF-IDF + logistic regression on dev ...")
    metrics["actions_dev_rules"] = action_scores(dev_tasks, [rule_action_types(t["text"]) for t in dev_tasks])
    model = ActionTypeClassifier(**ACTION_SETTINGS).fit([t["text"] for t in train_tasks],
                                                        [t["action_types"] for t in train_tasks])
    metrics["actions_dev_model"] = action_scores(dev_tasks, model.predict([t["text"] for t in dev_tasks]))
    started = time.perf_counter()
    fit_tasks = train_tasks + dev_tasks
    final = ActionTypeClassifier(**ACTION_SETTINGS).fit([t["text"] for t in fit_tasks],
                                                        [t["action_types"] for t in fit_tasks])
    metrics["actions_train_seconds"] = round(time.perf_counter() - started, 2)
    metrics["actions_test_rules"] = action_scores(test_tasks, [rule_action_types(t["text"]) for t in test_tasks])
    started = time.perf_counter()
    predicted = final.predict([t["text"] for t in test_tasks])
    metrics["actions_tasks_per_second"] = round(len(test_tasks) / (time.perf_counter() - started), 1)
    metrics["actions_test_model"] = action_scores(test_tasks, predicted)

    log("tasks: screen of the task candidates, scored inside the pipeline against no screening ...")
    _, *train_examples = screen_examples(split["train"], corpus, gold)
    _, *dev_examples = screen_examples(split["dev"], corpus, gold)
    dev_screen = TaskScreen(**SCREEN_SETTINGS).fit(*train_examples)
    metrics["units_dev_unscreened"] = pipeline_unit_scores(split["dev"], corpus, None, None)
    started = time.perf_counter()
    screen = TaskScreen(**SCREEN_SETTINGS).fit(train_examples[0] + dev_examples[0],
                                               train_examples[1] + dev_examples[1])
    metrics["screen_train_seconds"] = round(time.perf_counter() - started, 2)
    metrics["screen_training_candidates"] = sum(len(labels) for labels in train_examples[1] + dev_examples[1])
    metrics["units_test_unscreened"] = pipeline_unit_scores(split["test"], corpus, None, None)

    log("units: CRF tagger, scored inside the pipeline against the rules alone ...")
    dev_tagger = UnitTagger(**UNIT_SETTINGS).fit([t["text"] for t in train_tasks],
                                                 [t["lead_units"] for t in train_tasks],
                                                 [t["support_units"] for t in train_tasks])
    metrics["units_dev_rules"] = pipeline_unit_scores(split["dev"], corpus, None, dev_screen)
    metrics["units_dev_tagger"] = pipeline_unit_scores(split["dev"], corpus, dev_tagger, dev_screen)
    started = time.perf_counter()
    tagger = UnitTagger(**UNIT_SETTINGS).fit([t["text"] for t in fit_tasks], [t["lead_units"] for t in fit_tasks],
                                             [t["support_units"] for t in fit_tasks])
    metrics["units_train_seconds"] = round(time.perf_counter() - started, 2)
    metrics["units_test_rules"] = pipeline_unit_scores(split["test"], corpus, None, screen)
    metrics["units_test_tagger"] = pipeline_unit_scores(split["test"], corpus, tagger, screen)
    started = time.perf_counter()
    tagger.predict([t["text"] for t in test_tasks])
    metrics["units_tasks_per_second"] = round(len(test_tasks) / (time.perf_counter() - started), 1)

    log("suggestion: silver tasks from the corpus ...")
    held_out = set(split["dev"]) | set(split["test"])
    with using_screen(screen):
        silver_texts, silver_leads = silver_tasks(corpus, held_out | set(gold))
    texts = [t["text"] for t in fit_tasks] + silver_texts
    leads = [t["lead_units"] for t in fit_tasks] + silver_leads
    dev_model = AssigneeSuggester().fit([t["text"] for t in train_tasks] + silver_texts,
                                        [t["lead_units"] for t in train_tasks] + silver_leads)
    metrics["suggest_dev"] = suggestion_scores(dev_model, [gold[d] for d in split["dev"]])
    started = time.perf_counter()
    suggester = AssigneeSuggester().fit(texts, leads)
    metrics["suggest_train_seconds"] = round(time.perf_counter() - started, 2)
    metrics["suggest_training_tasks"] = {"gold": len(fit_tasks), "silver": len(silver_texts),
                                         "units": len(suggester.names_)}
    metrics["suggest_test"] = suggestion_scores(suggester, [gold[d] for d in split["test"]])

    stamp = today or date.today().strftime("%Y%m%d")
    out_dir.mkdir(parents=True, exist_ok=True)
    for pattern in ("actions-tfidf-v1-*.joblib", "suggest-tfidf-v1-*.joblib", "units-crf-v1-*.joblib",
                    "tasks-screen-v1-*.joblib"):
        for old in out_dir.glob(pattern):
            old.unlink()
    actions_path = final.save(out_dir / f"actions-tfidf-v1-{stamp}.joblib")
    suggest_path = suggester.save(out_dir / f"suggest-tfidf-v1-{stamp}.joblib")
    units_path = tagger.save(out_dir / f"units-crf-v1-{stamp}.joblib")
    screen_path = screen.save(out_dir / f"tasks-screen-v1-{stamp}.joblib")
    metrics["files"] = {p.name: round(p.stat().st_size / 1e6, 2)
                        for p in (actions_path, suggest_path, units_path, screen_path)}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return metrics
