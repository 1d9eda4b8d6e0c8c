"""The shipped models: they load offline, behave sensibly on real task texts, and retrain reproducibly."""

import json

import pytest

from pipeline.classify import ActionTypeClassifier, default_model_path, predict_actions
from pipeline.models import ACTION_TYPES
from pipeline.suggester import AssigneeSuggester, suggest
from tests.conftest import DRAFT_NOTICE, ROOT


def test_shipped_action_model_predicts_ordered_labels():
    assert default_model_path() is not None, "models/actions-*.joblib is shipped"
    labels = predict_actions(["Khẩn trương tổng hợp, báo cáo Ủy ban nhân dân tỉnh kết quả kiểm tra."])[0]
    assert labels and set(labels) <= set(ACTION_TYPES)
    assert labels[0] == "report"
    assert "inspect" not in predict_actions(["Phối hợp với Sở Tài chính bố trí kinh phí thực hiện."])[0][:1]


def test_metrics_file_records_dev_and_test_beside_the_rules():
    metrics = json.loads((ROOT / "models" / "metrics.json").read_text(encoding="utf-8"))
    for split in ("dev", "test"):
        assert metrics[f"actions_{split}_model"]["micro_f1"] > metrics[f"actions_{split}_rules"]["micro_f1"]
    assert metrics["suggest_test"]["candidates_top3"] >= 0.8


def test_suggestions_restricted_to_candidates_with_evidence():
    ranked = suggest("Tham mưu cân đối, bố trí ngân sách hằng năm để đầu tư hạ tầng cụm công nghiệp",
                     candidates=["Sở Tài chính", "Sở Nội vụ", "Công an tỉnh", "Phòng Quản trị Mới Lập"])
    assert ranked[0].unit == "Sở Tài chính" and ranked[0].evidence
    assert {s.unit for s in ranked} <= {"Sở Tài chính", "Sở Nội vụ", "Công an tỉnh", "Phòng Quản trị Mới Lập"}
    unseen = next(s for s in ranked if s.unit == "Phòng Quản trị Mới Lập")
    assert not unseen.seen_in_training
    names = [s.unit for s in suggest("Kiểm tra, xử lý vi phạm khai thác khoáng sản trái phép", k=3)]
    assert len(names) == 3 and "Công an tỉnh" in names


def test_pipeline_suggest_is_the_function_the_readme_shows():
    """`pipeline.suggest(text, k=5, candidates=None)` (issue #5, README): a function, also after the module behind it
    is imported; the evidence of a suggestion shows each past text once."""
    import pipeline
    import pipeline.suggester  # importing the module must not hide the function

    ranked = pipeline.suggest("Rà soát quy hoạch cụm công nghiệp", k=5, candidates=None)
    assert len(ranked) == 5 and all(s.score > 0 and s.evidence for s in ranked)
    for suggestion in ranked:
        texts = [e.text for e in suggestion.evidence]
        assert len(texts) == len(set(texts))
    assert pipeline.suggest("Rà soát quy hoạch", candidates=["Sở Công Thương"])[0].unit == "Sở Công Thương"


def test_suggestions_say_their_kind_and_kinds_filters_them():
    """A drafter can leave out the persons some past tasks named: ``kinds`` keeps the ranking's order and fills k."""
    model = AssigneeSuggester().fit(
        ["Tổ chức kiểm tra kho vật liệu nổ", "Kiểm tra kho vật liệu nổ công nghiệp", "Kiểm tra an toàn kho mìn",
         "Lập biên bản kiểm tra kho"],
        [["Nguyễn Thị Loan"], ["Sở Công Thương"], ["Giám đốc Sở Công Thương"], ["Công an tỉnh"]])
    ranked = model.suggest("Tổ chức kiểm tra kho vật liệu nổ", k=4)
    assert (ranked[0].unit, ranked[0].kind) == ("Nguyễn Thị Loan", "person")
    assert {s.kind for s in ranked} == {"person", "unit", "office"}
    units = model.suggest("Tổ chức kiểm tra kho vật liệu nổ", k=3, kinds=("unit", "office"))
    assert [s.unit for s in units] == [s.unit for s in ranked if s.kind != "person"]
    restricted = model.suggest("Tổ chức kiểm tra kho", candidates=["Nguyễn Thị Loan", "Sở Công Thương"],
                               kinds=["unit"])
    assert [s.unit for s in restricted] == ["Sở Công Thương"]
    with pytest.raises(ValueError, match="unknown kind"):
        model.suggest("Kiểm tra", kinds=["people"])


def test_suggestions_prefer_the_units_the_document_names_elsewhere():
    """``prefer`` (``document_units`` of the draft, the task itself left out) ranks those units first, kinds applied,
    and fills k from all units without repeating one; ``pipeline.suggest`` passes ``kinds`` and ``prefer`` on."""
    import pipeline
    from pipeline import extract_text
    from pipeline.suggester import document_units

    model = AssigneeSuggester().fit(
        ["Tổ chức kiểm tra kho vật liệu nổ", "Kiểm tra kho vật liệu nổ công nghiệp", "Kiểm tra an toàn kho mìn",
         "Lập biên bản kiểm tra kho"],
        [["Nguyễn Thị Loan"], ["Sở Công Thương"], ["Giám đốc Sở Công Thương"], ["Công an tỉnh"]])
    ranked = model.suggest("Kiểm tra kho vật liệu nổ", k=3, prefer=["Công an tỉnh", "Nguyễn Thị Loan"],
                           kinds=("unit", "office"))
    assert [(s.unit, s.in_document) for s in ranked] == [
        ("Công an tỉnh", True), ("Sở Công Thương", False), ("Giám đốc Sở Công Thương", False)]
    doc = extract_text(DRAFT_NOTICE, doc_id="draft")
    assert document_units(doc, besides=doc.tasks[1]) == ["Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"]
    assert document_units(doc, besides=doc.tasks[0]) == ["Sở Nông nghiệp và Môi trường"]  # not the issuer
    twice = doc.tasks[2].model_copy(update={"support_units": ["SỞ XÂY DỰNG", "Sở Tài chính."]})
    again = doc.model_copy(update={"tasks": [doc.tasks[0], doc.tasks[1], twice]})
    assert document_units(again, besides=again.tasks[1]) == [  # one name per unit, as the scorer compares them
        "Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"]
    first = pipeline.suggest(doc.tasks[1].text, k=4, kinds=["unit"], prefer=document_units(doc, doc.tasks[1]))
    assert [s.in_document for s in first] == [True, True, True, False] and all(s.kind == "unit" for s in first)


def test_shipped_suggester_without_persons():
    """The shipped model learnt some named persons as leads (inspection teams); asked for units and offices, it
    gives k of them."""
    text = "Tổ chức kiểm tra việc chấp hành quy định về vật liệu nổ công nghiệp"
    everyone = suggest(text, k=10)
    assert any(s.kind == "person" for s in everyone)
    kept = suggest(text, k=5, kinds=("unit", "office"))
    assert len(kept) == 5 and all(s.kind != "person" for s in kept)
    assert [s.unit for s in kept] == [s.unit for s in everyone if s.kind != "person"][:5]


def test_candidates_are_matched_after_normalisation():
    model = AssigneeSuggester().fit(["Bố trí ngân sách cho dự án", "Kiểm tra an toàn hóa chất"],
                                    [["Sở Tài chính"], ["Sở Công Thương"]])
    ranked = model.suggest("bố trí ngân sách năm 2026", candidates=["SỞ TÀI CHÍNH", "sở công thương"])
    assert ranked[0].unit == "SỞ TÀI CHÍNH" and ranked[0].seen_in_training


def test_action_classifier_is_reproducible(corpus):
    from pipeline.annotations import load_gold

    gold = load_gold(ROOT / "data" / "annotations", corpus)
    tasks = [t for d in sorted(gold) for t in gold[d]["tasks"]][:200]
    texts, labels = [t["text"] for t in tasks], [t["action_types"] for t in tasks]
    first = ActionTypeClassifier(C=4.0).fit(texts, labels).predict(texts[:50])
    second = ActionTypeClassifier(C=4.0).fit(texts, labels).predict(texts[:50])
    assert first == second
    agree = sum(p[0] == t[0] for p, t in zip(first, labels[:50], strict=True)) / 50
    assert agree > 0.6, "it learns its training data"


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_gets_a_label(text):
    assert predict_actions([text])[0]


def test_no_texts_get_no_labels():
    """A batch with no task (a document whose rules found none) is an empty answer, not an error."""
    model = ActionTypeClassifier.load(default_model_path())
    assert model.predict([]) == []
    assert predict_actions([]) == []


def test_opening_words_are_features_of_their_own():
    model = ActionTypeClassifier(head_syllables=3)
    features = model._features("Rà soát, báo cáo kết quả rà soát")
    assert "h:rà soát" in features and "h:kết quả" not in features  # only the first three syllables
    assert not any(f.startswith("h:") for f in ActionTypeClassifier()._features("Rà soát, báo cáo"))
    shipped = ActionTypeClassifier.shipped("actions-*.joblib")
    assert shipped.head_syllables == 10  # the shipped setting (pipeline.train.ACTION_SETTINGS)


def test_main_action_ranker_learns_where_the_action_is_stated():
    """main="rank": a ranker over the two models' out-of-fold probabilities and where each label is stated."""
    from pipeline.classify import rank_features

    rows = rank_features("Rà soát, báo cáo kết quả", ["report", "review"], [0.9, 0.8], [0.3, 0.7])
    assert rows.shape == (2, 14)
    assert rows[1, 2 + 4] == 1 and rows[0, 2 + 5] == 1  # review is stated first, report second
    assert rows[1, 2 + 2] == 1 and rows[0, 2 + 2] == 0  # the main model picks review
    texts = ["Rà soát hồ sơ, báo cáo kết quả", "Báo cáo kết quả rà soát hồ sơ", "Kiểm tra hồ sơ dự án"] * 8
    labels = [["review", "report"], ["report", "review"], ["inspect"]] * 8
    model = ActionTypeClassifier(main="rank", rank_folds=3).fit(texts, labels)
    assert model.ranker_ is not None
    assert [p[0] for p in model.predict(texts[:3])] == ["review", "report", "inspect"]
    shipped = ActionTypeClassifier.shipped("actions-*.joblib")
    assert shipped.main == "rank" and shipped.ranker_ is not None  # pipeline.train.ACTION_SETTINGS


def test_stacked_label_weights_are_rebuilt_not_saved():
    """The label models' weights are stacked once for prediction; a saved model leaves that copy out."""
    import pickle

    texts = ["Rà soát hồ sơ, báo cáo kết quả", "Báo cáo kết quả rà soát hồ sơ", "Kiểm tra hồ sơ dự án"] * 4
    labels = [["review", "report"], ["report", "review"], ["inspect"]] * 4
    model = ActionTypeClassifier().fit(texts, labels)
    before = len(pickle.dumps(model))
    predicted = model.predict(texts)
    assert model.multi_._stacked is not None
    assert len(pickle.dumps(model)) == before
    assert pickle.loads(pickle.dumps(model)).predict(texts) == predicted


def test_log_count_ratio_twins_fold_their_scaling_into_the_weights():
    """NB-LR (nb_weight): each twin is a logistic regression on features scaled by their log-count ratio, whose
    weights take the scaling in, so that it scores the raw features; the label set mixes both models."""
    import numpy as np
    from sklearn.base import clone

    texts = ["Rà soát hồ sơ, báo cáo kết quả", "Báo cáo kết quả rà soát hồ sơ", "Kiểm tra hồ sơ dự án",
             "Bố trí kinh phí thực hiện", "Kiểm tra, xử lý vi phạm"] * 4
    labels = [["review", "report"], ["report", "review"], ["inspect"], ["fund"], ["inspect"]] * 4
    plain = ActionTypeClassifier().fit(texts, labels)
    mixed = ActionTypeClassifier(nb_weight=0.5).fit(texts, labels)
    features, _ = mixed._design(texts)
    column = mixed.present_.index("fund")
    funded = np.array(["fund" in label for label in labels])
    present = (features > 0).toarray()
    p, q = 1 + present[funded].sum(axis=0), 1 + present[~funded].sum(axis=0)
    ratio = np.log((p / p.sum()) / (q / q.sum()))
    by_hand = clone(mixed.multi_.estimator).fit(features.multiply(ratio).tocsr(), funded)
    twin = mixed.nb_multi_
    assert np.allclose(twin.predict_proba(features)[:, column],
                       by_hand.predict_proba(features.multiply(ratio).tocsr())[:, 1])
    assert np.allclose(mixed.multi_.predict_proba(features), plain.multi_.predict_proba(features))
    expected = 0.5 * plain.multi_.predict_proba(features) + 0.5 * twin.predict_proba(features)
    assert np.allclose(mixed._label_probabilities(features), expected)
    assert [p[0] for p in mixed.predict(texts[:5])] == ["review", "report", "inspect", "fund", "inspect"]
    assert ActionTypeClassifier.shipped("actions-*.joblib").nb_weight == 0.5  # pipeline.train.ACTION_SETTINGS


def test_suggest_command_says_why_it_has_nothing():
    """`nhiemvu suggest ""` tells the drafter why nothing came back instead of printing nothing."""
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["suggest", "  "])
    assert result.exit_code == 0
    assert "no suggestion: the text is empty" in result.output
    result = CliRunner().invoke(main, ["suggest", "Kiểm tra an toàn kho vật liệu nổ công nghiệp", "-k", "2"])
    assert result.output.startswith("1. ")
    text = "Tổ chức kiểm tra việc chấp hành quy định về vật liệu nổ công nghiệp"
    everyone = CliRunner().invoke(main, ["suggest", text, "-k", "10"]).output
    assert "[person]" in everyone
    units = CliRunner().invoke(main, ["suggest", text, "-k", "10", "--kind", "unit", "--kind", "office"]).output
    assert "[person]" not in units and "\n10. " in units


def test_silver_tasks_come_from_working_documents_only(corpus, tmp_path):
    """The suggester's silver tasks come from working documents: a technical standard, whose header names no document
    type (its 'Cơ sở có hóa chất ...' requirements read as leads), and a decree are left out; a letter stays."""
    from pipeline.train import working_documents

    folder = tmp_path / "laocai"
    folder.mkdir()
    names = ["hc-sct-vn__04-qcvn-tcvn__TCVN-5507-2002", "kccn-sct-vn__ND-32-2024-quan-ly-phat-trien-CCN",
             "vbhc-vn__sct__cong-van-de-nghi-bo-sung-ho-so"]
    for name in names:
        (folder / f"{name}.txt").symlink_to(corpus / "laocai" / f"{name}.txt")
    kept = [doc.document.doc_type for doc in working_documents(tmp_path, exclude=set())]
    assert kept == ["Công văn"]


def test_cli_suggests_leads_for_the_open_tasks_of_a_draft(tmp_path):
    """`nhiemvu suggest --draft FILE`: the tasks that name no lead, each with the draft's own units first."""
    from click.testing import CliRunner

    from pipeline.cli import main

    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT_NOTICE, encoding="utf-8")
    result = CliRunner().invoke(main, ["suggest", "--draft", str(draft), "-k", "4", "--json"])
    assert result.exit_code == 0, result.output
    (task,) = json.loads(result.output)
    assert task["task_id"] == "T02" and task["text"].startswith("Tổng hợp, báo cáo tình hình giải ngân")
    assert [s["in_document"] for s in task["suggestions"]] == [True, True, True, False]
    plain = CliRunner().invoke(main, ["suggest", "--draft", str(draft), "-k", "3"])
    assert plain.exit_code == 0 and plain.output.count("(named in the draft)") == 3
    both = CliRunner().invoke(main, ["suggest", "Rà soát", "--draft", str(draft)])
    assert both.exit_code == 2 and "either a task TEXT or --draft FILE" in both.output
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    failed = CliRunner().invoke(main, ["suggest", "--draft", str(binary)])
    assert failed.exit_code == 1 and "scan.txt" in failed.output
