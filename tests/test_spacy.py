"""spaCy integration: the underthesea tokenizer, the ``nhiemvu`` component and a textcat smoke test."""

from __future__ import annotations

import unicodedata

import pytest

pytest.importorskip("spacy")
pytest.importorskip("underthesea")

import spacy
from spacy.tokens import DocBin

import pipeline.spacy_vi as spacy_vi
from pipeline.models import ACTION_TYPES, Document
from tests.conftest import ROOT, SAMPLE

TEXT = SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "nhiemvu.underthesea_tokenizer.v1"}}})
    nlp.add_pipe("nhiemvu")
    return nlp


@pytest.fixture(scope="module")
def seed(nlp):
    return nlp(TEXT)


def test_tokenizer_round_trips_the_seed_notice(seed):
    assert seed.text == TEXT
    words = [t.text for t in seed if not t.is_space]
    assert any("\n" in t.text for t in seed if t.is_space), "line breaks are tokens of their own"
    assert "Chỉ thị số 01/CT-UBND ngày 03/6/2020" in words
    assert sum(" " in w for w in words) > 100, "multi-syllable words are single tokens"


def test_tokenizer_keeps_odd_white_space():
    nlp = spacy_vi.blank()
    text = "  Sở Tài chính\r\n\n chủ trì,\tphối hợp  với\u00a0các đơn vị \n"
    assert nlp(text).text == text
    assert nlp("").text == ""


def test_citation_and_unit_name_stay_one_token():
    nlp = spacy_vi.blank()
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == spacy_vi.TOKENIZER
    words = [t.text for t in nlp("Giao Sở Kế hoạch và Đầu tư chủ trì triển khai Quyết định số 1074/QĐ-BXD.")]
    assert "Quyết định số 1074/QĐ-BXD" in words
    assert "Sở Kế hoạch và Đầu tư" in words
    assert "chủ trì" in words


def test_component_sets_the_tasks_of_the_seed_notice(seed):
    tasks = seed.spans["tasks"]
    document = seed._.nhiemvu_document
    assert isinstance(document, Document)
    assert len(tasks) == len(document.tasks) == 24
    assert tasks[0]._.lead_units == ["Các phòng, đơn vị"]
    assert tasks[0]._.task_id == "T01"
    assert tasks[0].label_ == "TASK"
    for span, task in zip(tasks, document.tasks, strict=True):
        assert span.text.startswith(task.text[:40])
        assert span._.task_id == task.task_id
        assert span._.action_types == task.action_types
        assert span._.deadline == task.deadline
    for span in seed.spans["references"]:
        assert span._.reference["text"] in span.text.replace("*", "")
        assert span._.task_id in {t.task_id for t in document.tasks}
    cited = {s.text: s for s in seed.spans["references"]}
    assert cited["Chỉ thị số 01/CT-UBND ngày 03/6/2020"]._.task_id == "T01"
    assert cited["Chỉ thị số 01/CT-UBND ngày 03/6/2020"]._.reference["symbol"] == "01/CT-UBND"


def test_component_maps_offsets_of_text_that_is_not_normalised():
    """Leading blank lines, CRLF, NFD, indented bullets, a wrapped line, a page number: the tasks are
    found in doc.text all the same (the seed itself has emphasis marks, so is not normalised either)."""
    nlp = spacy.blank("xx")  # the component works after any tokenizer
    nlp.add_pipe("nhiemvu")
    plain = nlp(TEXT)
    raw = (TEXT.replace("\n- ", "\n   - ")
           .replace("bổ sung nội dung và định hướng", "bổ sung nội dung\nvà định hướng")
           .replace("\n2. Văn phòng Sở", "\n\n2\n\n2. Văn phòng Sở"))
    raw = unicodedata.normalize("NFD", "\n\n" + raw.replace("\n", "\r\n"))
    doc = nlp(raw)
    assert doc.text == raw

    def words(span):
        return " ".join(unicodedata.normalize("NFC", span.text).replace("*", "").split())

    assert len(doc.spans["tasks"]) == len(plain.spans["tasks"]) == 24
    assert [words(s) for s in doc.spans["tasks"]] == [words(s) for s in plain.spans["tasks"]]
    assert [words(s) for s in doc.spans["references"]] == [words(s) for s in plain.spans["references"]]


def test_component_leaves_other_text_alone(nlp):
    doc = nlp("Hôm nay trời đẹp.")
    assert doc._.nhiemvu_document is None
    assert len(doc.spans["tasks"]) == 0


def test_results_survive_docbin(nlp, seed):
    bin_ = DocBin(store_user_data=True)
    bin_.add(seed)
    doc = next(DocBin().from_bytes(bin_.to_bytes()).get_docs(nlp.vocab))
    assert len(doc.spans["tasks"]) == 24
    assert list(doc.spans["tasks"][0]._.lead_units) == ["Các phòng, đơn vị"]
    assert doc._.nhiemvu_document.tasks[0].task_id == "T01"


def test_textcat_trains_on_real_gold_tasks(shared):
    from benchmarks.train_spacy_textcat import Tokens, decide, make_nlp, scores, train
    from pipeline.annotations import load_gold, load_split

    train_ids = load_split(ROOT / "data" / "split.json")["train"]
    gold = load_gold(ROOT / "data" / "annotations", shared / "corpus", set(train_ids))
    items = [(t["text"], t["action_types"]) for d in train_ids for t in gold[d]["tasks"]][:30]
    assert len(items) == 30
    tokens = Tokens()
    nlp = make_nlp("bow")
    train(nlp, items, None, tokens, epochs=3)
    cats = scores(nlp, items[:5], tokens, lower=False)
    assert all(set(c) == set(ACTION_TYPES) for c in cats)
    predicted = [decide(c, 0.5) for c in cats]
    assert all(p and set(p) <= set(ACTION_TYPES) for p in predicted)
