"""pipeline.bert: fine-tuning a local Hugging Face checkpoint and pretraining a small BERT, offline.

The models here are tiny and randomly initialised (no weights can be downloaded): they check
the plumbing and that training learns, not the figures of docs/BERT.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.annotations import load_gold, load_split
from pipeline.bert import score_label_lists
from pipeline.models import ACTION_TYPES

ROOT = Path(__file__).resolve().parent.parent


def test_scores_of_label_lists() -> None:
    gold = [["review", "coordinate"], ["implement"], ["report", "advise"]]
    pred = [["review"], ["report", "implement"], ["report", "advise"]]
    s = score_label_lists(gold, pred)
    assert s["micro_f1"] == pytest.approx(2 * 4 / (2 * 4 + 1 + 1))
    # per label F1: review 1, coordinate 0, implement 1, report 2/3, advise 1; the 7 unseen labels are left out
    assert s["macro_f1"] == pytest.approx((1 + 0 + 1 + 2 / 3 + 1) / 5)
    assert s["main_accuracy"] == pytest.approx(2 / 3)


@pytest.fixture(scope="module")
def hf():
    torch = pytest.importorskip("torch", reason="the bert extra (torch, transformers, tokenizers) is not installed")
    pytest.importorskip("transformers", reason="the bert extra is not installed")
    pytest.importorskip("tokenizers", reason="the bert extra is not installed")
    torch.set_num_threads(1)  # a shared 2-core machine: one thread is the fast and stable choice
    return torch


@pytest.fixture(scope="module")
def examples(corpus: Path) -> tuple[list[str], list[list[str]]]:
    """40 real gold tasks of the train split, taken in turn from each document."""
    train = load_split(ROOT / "data" / "split.json")["train"]
    gold = load_gold(ROOT / "data" / "annotations", corpus, set(train))
    queues = [[t for t in gold[d]["tasks"] if t["action_types"]] for d in sorted(gold)]
    picked: list[dict] = []
    while len(picked) < 40 and any(queues):
        for q in queues:
            if q and len(picked) < 40:
                picked.append(q.pop(0))
    return [t["text"] for t in picked], [t["action_types"] for t in picked]


@pytest.fixture(scope="module")
def tiny_checkpoint(hf, examples, tmp_path_factory) -> Path:
    """A randomly initialised 2-layer BERT (hidden 32) with a WordPiece vocabulary of the 40 texts."""
    from transformers import BertConfig, BertModel

    from pipeline.bert import train_wordpiece

    out = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = train_wordpiece(examples[0], out, vocab_size=400, min_frequency=1)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id)
    hf.manual_seed(0)
    BertModel(config).save_pretrained(out)
    return out


def test_from_pretrained_fit_save_load(tiny_checkpoint, examples, tmp_path) -> None:
    from pipeline.bert import ActionClassifier

    texts, labels = examples
    clf = ActionClassifier.from_pretrained(tiny_checkpoint, epochs=25, batch_size=8, learning_rate=3e-3,
                                           head_learning_rate=3e-3, warmup_fraction=0.05, max_length=64, seed=0)
    before = score_label_lists(labels, clf.predict(texts))
    clf.fit(texts, labels)
    pred = clf.predict(texts)
    after = score_label_lists(labels, pred)
    assert all(p and set(p) <= set(ACTION_TYPES) and len(set(p)) == len(p) for p in pred)
    assert len(clf.history) == 25
    assert after["main_accuracy"] > before["main_accuracy"] + 0.2, (before, after)
    assert after["micro_f1"] > before["micro_f1"] + 0.2, (before, after)

    clf.save(tmp_path / "clf")
    meta = json.loads((tmp_path / "clf" / "action_classifier.json").read_text(encoding="utf-8"))
    assert meta["settings"]["labels"] == list(ACTION_TYPES)
    again = ActionClassifier.load(tmp_path / "clf")
    assert again.predict(texts) == pred
    p1, m1 = clf.predict_proba(texts)
    p2, m2 = again.predict_proba(texts)
    assert abs(p1 - p2).max() < 1e-6 and abs(m1 - m2).max() < 1e-6


def test_dev_early_stopping_keeps_the_best_epoch(tiny_checkpoint, examples) -> None:
    from pipeline.bert import ActionClassifier

    texts, labels = examples
    clf = ActionClassifier.from_pretrained(tiny_checkpoint, epochs=6, batch_size=8, learning_rate=3e-3,
                                           head_learning_rate=3e-3, max_length=64, patience=2, seed=1)
    clf.fit(texts[:30], labels[:30], texts[30:], labels[30:])
    best = max(row["dev_micro_f1"] for row in clf.history)
    assert score_label_lists(labels[30:], clf.predict(texts[30:]))["micro_f1"] == pytest.approx(best, abs=1e-4)


def test_only_local_folders_are_loaded(hf, tmp_path) -> None:
    from pipeline.bert import ActionClassifier

    with pytest.raises(FileNotFoundError, match="never downloads"):
        ActionClassifier.from_pretrained("vinai/phobert-base")
    with pytest.raises(FileNotFoundError):
        ActionClassifier.from_pretrained(tmp_path / "missing")


def test_the_shipped_classifier_loads(hf) -> None:
    from pipeline.bert import ActionClassifier

    folder = ROOT / "models" / "bert-mini" / "classifier"
    if not folder.is_dir():
        pytest.skip("models/bert-mini/classifier is absent (benchmarks/train_bert.py --save-models makes it)")
    clf = ActionClassifier.load(folder)
    pred = clf.predict(["Sở Tài chính chủ trì, phối hợp với các đơn vị rà soát, báo cáo UBND tỉnh trước ngày 30/6.",
                        "Tổ chức hội nghị sơ kết 6 tháng đầu năm."])
    assert len(pred) == 2 and all(p and set(p) <= set(ACTION_TYPES) for p in pred)


def test_pretrain_mlm_on_a_corpus_slice(hf, corpus, examples, tmp_path) -> None:
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    from pipeline.bert import ActionClassifier, pretrain_mlm

    lines = (corpus / "sentences" / "data_19_9_2023.txt").read_text(encoding="utf-8").splitlines()[:400]
    held_out = "\n".join(lines[:20])  # stands for a dev document: its lines must not be trained on
    (tmp_path / "slice.txt").write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "mlm"
    stats = pretrain_mlm([tmp_path / "slice.txt"], out, exclude_texts=[held_out], vocab_size=600, hidden_size=32,
                         num_layers=1, num_heads=2, max_length=32, batch_size=8, max_steps=4, time_budget_s=None,
                         log=lambda *_: None)
    assert stats["steps"] == 4 and not stats["time_bound"]
    assert stats["corpus"]["dropped_lines"] >= 10
    assert json.loads((out / "pretrain_stats.json").read_text(encoding="utf-8"))["steps"] == 4
    model = AutoModelForMaskedLM.from_pretrained(out, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(out, local_files_only=True)
    assert model.config.vocab_size == len(tokenizer) <= 600
    enc = tokenizer("Sở Công Thương rà soát, báo cáo")
    assert tokenizer.decode(enc["input_ids"], skip_special_tokens=True) == "sở công thương rà soát, báo cáo"
    clf = ActionClassifier.from_pretrained(out, max_length=32)
    assert len(clf.predict(examples[0][:3])) == 3
