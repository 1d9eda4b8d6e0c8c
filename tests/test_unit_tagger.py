"""The learned unit tagger: silver spans from gold names, a real fit on annotated tasks, persistence."""

from pathlib import Path

import pytest

from pipeline import extract
from pipeline.annotations import load_gold, load_split
from pipeline.unit_tagger import UnitTagger, silver_labels, tag_units, tokens, using_tagger

ROOT = Path(__file__).resolve().parent.parent


def test_silver_labels_locate_gold_units_spelt_differently():
    text = "Chủ trì, phối hợp với UBND các xã, phường và Sở Tài chính rà soát hồ sơ."
    labels = silver_labels(text, [], ["Ủy ban nhân dân các xã, phường", "Sở Tài chính"])
    spans = [(tok, lab) for (tok, _, _), lab in zip(tokens(text), labels, strict=True) if lab != "O"]
    assert spans[0] == ("UBND", "B-SUP")  # "UBND" is "Ủy ban nhân dân" for the scorer
    assert [t for t, lab in spans].count("Sở") == 1 and ("Sở", "B-SUP") in spans
    assert all(lab.endswith("SUP") for _, lab in spans)


def test_silver_labels_fall_back_to_the_rules_mention_sharing_most_syllables():
    text = "Phối hợp với Công an Thành phố đảm bảo an ninh trật tự."
    labels = silver_labels(text, [], ["Công an thành phố Hà Nội"])  # the annotator wrote the full name
    assert "B-SUP" in labels


@pytest.fixture(scope="module")
def fitted(corpus):
    split = load_split(ROOT / "data" / "split.json")
    gold = load_gold(ROOT / "data" / "annotations", corpus, doc_ids=set(split["train"]))
    tasks = [t for d in split["train"] for t in gold[d]["tasks"]]
    return UnitTagger().fit([t["text"] for t in tasks], [t["lead_units"] for t in tasks],
                            [t["support_units"] for t in tasks])


def test_tagger_learns_support_units_from_the_annotations(fitted):
    text = "Sở Xây dựng chủ trì, phối hợp với Sở Tài chính, Công an tỉnh tổ chức kiểm tra các công trình."
    tagged = fitted.predict([text])
    supports = [m.name for m in tagged[0] if m.role == "support"]
    assert "Sở Tài chính" in supports and "Công an tỉnh" in supports
    assert "Sở Xây dựng" not in supports


def test_tagger_round_trips_and_replaces_the_shipped_one(fitted, tmp_path, corpus):
    path = fitted.save(tmp_path / "units-crf-test.joblib")
    again = UnitTagger.load(path)
    text = ["Giao Sở Công Thương chủ trì, phối hợp với Sở Xây dựng kiểm tra."]
    assert again.predict(text) == fitted.predict(text)
    with using_tagger(again):
        assert tag_units(text) == fitted.predict(text)
    with using_tagger(None):
        assert tag_units(text) is None  # the rules alone
    doc_path = corpus / "laocai/pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt"
    with using_tagger(None):
        rules = extract(doc_path)
    with using_tagger(again):
        learned = extract(doc_path)
    assert [t.lead_units for t in rules.tasks] == [t.lead_units for t in learned.tasks]  # leads stay with the rules


def test_the_shipped_tagger_is_used_only_when_switched_on(monkeypatch):
    """Support units come from the rules unless NHIEMVU_UNIT_TAGGER=1 (the rules lead in cross-validation)."""
    from pipeline.unit_tagger import TAGGER_SWITCH

    text = ["Sở Công Thương chủ trì, phối hợp với Sở Tài chính rà soát kế hoạch vốn."]
    monkeypatch.delenv(TAGGER_SWITCH, raising=False)
    assert tag_units(text) is None
    monkeypatch.setenv(TAGGER_SWITCH, "1")
    shipped = UnitTagger.shipped("units-crf-*.joblib")
    assert shipped is not None, "models/ ships a unit tagger"
    assert tag_units(text) == shipped.predict(text)


def test_a_tagged_support_without_a_letter_is_dropped(monkeypatch):
    """Damaged text can make the tagger tag a stray bracket; like the rules' names, a name without a letter is none."""
    import pipeline.tasks as tasks_module
    from pipeline import extract_text
    from pipeline.unit_tagger import TaggedUnit

    text = ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 12/TB-UBND\nLào Cai, ngày 3 tháng 3 năm 2026\nTHÔNG BÁO\n"
            "Kết luận\n1. Sở Công Thương chủ trì, phối hợp với Sở Tài chính ( rà soát kế hoạch vốn.\n")

    def tagged(texts):
        return [[TaggedUnit("support", "Sở Tài chính", 0, 0), TaggedUnit("support", "(", 0, 0)] for _ in texts]

    monkeypatch.setattr(tasks_module, "tag_units", tagged)
    doc = extract_text(text, doc_id="x")
    assert doc.tasks and all(doc.tasks[0].support_units) and "(" not in doc.tasks[0].support_units
    assert "Sở Tài chính" in doc.tasks[0].support_units
