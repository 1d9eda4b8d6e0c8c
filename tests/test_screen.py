"""The task screen: trained on some documents' candidates, it drops non-tasks in others; it can be switched off."""

import pytest

from pipeline import extract
from pipeline.annotations import load_gold, load_split
from pipeline.evaluate import score
from pipeline.screen import SCREEN_SWITCH, TaskScreen, using_screen
from pipeline.train import screen_examples
from tests.conftest import ROOT

PLAN = "laocai/hl-vlncn-sct-vn__KH-2242_23.4.2026_Kiem-tra-cap-GCN-28-don-vi.txt"


def _screened(ids, documents, probabilities, threshold):
    return {doc_id: {"tasks": [t.model_dump(mode="json") for t, p in zip(tasks, probs, strict=True) if p >= threshold]}
            for doc_id, (tasks, _), probs in zip(ids, documents, probabilities, strict=True)}


def test_screen_fitted_on_half_the_train_documents_helps_on_the_other_half(corpus):
    split = load_split(ROOT / "data" / "split.json")
    gold = load_gold(ROOT / "data" / "annotations", corpus, doc_ids=set(split["train"]))
    ids, documents, labels = screen_examples(split["train"], corpus, gold)
    fit, held = range(0, len(ids), 2), range(1, len(ids), 2)
    screen = TaskScreen().fit([documents[i] for i in fit], [labels[i] for i in fit])
    held_ids, held_docs = [ids[i] for i in held], [documents[i] for i in held]
    probabilities = [screen.predict_proba(*doc) for doc in held_docs]
    held_gold = {d: gold[d] for d in held_ids}
    before = score(held_gold, _screened(held_ids, held_docs, probabilities, 0.0))
    after = score(held_gold, _screened(held_ids, held_docs, probabilities, screen.threshold))
    dropped = [label for i, probs in zip(held, probabilities, strict=True)
               for label, p in zip(labels[i], probs, strict=True) if p < screen.threshold]
    assert dropped, "it drops some candidates"
    assert dropped.count(False) > 2 * dropped.count(True), "most of what it drops pairs with no gold task"
    assert after["tasks"]["f1"] > before["tasks"]["f1"]
    assert after["lead_units"]["f1"] > before["lead_units"]["f1"]


def test_screen_is_reproducible(corpus):
    split = load_split(ROOT / "data" / "split.json")
    gold = load_gold(ROOT / "data" / "annotations", corpus, doc_ids=set(split["dev"]))
    _, documents, labels = screen_examples(split["dev"], corpus, gold)
    first, second = TaskScreen().fit(documents, labels), TaskScreen().fit(documents, labels)
    assert [first.predict_proba(*d) for d in documents] == [second.predict_proba(*d) for d in documents]


def test_shipped_screen_drops_scores_and_renumbers_and_can_be_switched_off(corpus, monkeypatch):
    screened = extract(corpus / PLAN)
    with using_screen(None):
        everything = extract(corpus / PLAN)
    assert len(screened.tasks) < len(everything.tasks)
    assert {t.text for t in screened.tasks} < {t.text for t in everything.tasks}
    assert [t.task_id for t in screened.tasks] == [f"T{i:02d}" for i in range(1, len(screened.tasks) + 1)]
    assert all(t.confidence is not None and t.confidence >= 0.3 for t in screened.tasks)
    assert all(t.confidence is None for t in everything.tasks), "no screen, no score"
    monkeypatch.setenv(SCREEN_SWITCH, "0")
    kept_all = extract(corpus / PLAN).tasks
    assert [t.text for t in kept_all] == [t.text for t in everything.tasks]
    assert all(t.confidence is not None for t in kept_all) and min(t.confidence for t in kept_all) < 0.3


def test_screen_needs_one_label_per_candidate(corpus):
    split = load_split(ROOT / "data" / "split.json")
    gold = load_gold(ROOT / "data" / "annotations", corpus, doc_ids=set(split["dev"]))
    _, documents, labels = screen_examples(split["dev"], corpus, gold)
    with pytest.raises(ValueError, match="labels"):
        TaskScreen().fit(documents, labels[:-1])
