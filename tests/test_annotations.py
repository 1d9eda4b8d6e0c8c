"""Stand-off gold: loading, hash check, Label Studio round trip, split, agreement."""

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.annotations import (
    SourceChanged,
    agreement,
    anchor,
    cohen_kappa,
    double_annotations,
    from_label_studio,
    load_gold,
    load_standoff,
    materialise,
    to_label_studio,
    to_standoff,
)
from pipeline.cli import main
from tests.conftest import ROOT

ANNOTATIONS = ROOT / "data" / "annotations"


def test_every_annotation_materialises_with_matching_hash(corpus):
    docs = load_gold(ANNOTATIONS, corpus)
    assert len(docs) >= 40
    assert sum(len(d["tasks"]) for d in docs.values()) >= 600
    for doc in docs.values():
        source = unicodedata.normalize("NFC", (corpus.parent / doc["source"]).read_text(encoding="utf-8"))
        flat = " ".join(source.replace("*", "").split())  # spans are into the NFC text (some sources are not NFC)
        for task in doc["tasks"]:
            assert task["text"] and task["lead_units"], (doc["doc_id"], task["task_id"])
            assert task["text"][:40] in flat or task["text"][-30:] in flat, (doc["doc_id"], task["task_id"])


def test_shared_gold_round_trips_through_standoff(shared, corpus, gold_docs):
    for doc_id, gold in gold_docs.items():
        record = json.loads((ANNOTATIONS / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert all("text" not in task for task in record["tasks"]), "no task text is stored"
        back = materialise(record, corpus)
        assert [t["text"] for t in back["tasks"]] == [" ".join(t["text"].replace("*", "").split())
                                                      for t in gold["tasks"]]
        assert back["document"] == {k: gold["document"].get(k) for k in back["document"]}


def test_a_changed_source_fails_loudly(corpus, tmp_path):
    rel = "seed/dongthap-skhcn-tb-2020-06.txt"
    fake = tmp_path / "corpus"
    (fake / "seed").mkdir(parents=True)
    shutil.copy(corpus / rel, fake / rel)
    record = json.loads((ANNOTATIONS / "dongthap-skhcn-tb-2020-06.json").read_text(encoding="utf-8"))
    materialise(record, fake)
    with (fake / rel).open("a", encoding="utf-8") as handle:
        handle.write("\nmột dòng thêm")
    with pytest.raises(SourceChanged):
        materialise(record, fake)


def test_anchor_skips_page_numbers_and_keeps_offsets():
    source = "1. Sở Tài chính\n- Chủ trì rà soát các\n\f2\nnhiệm vụ chậm giải ngân.\n- Việc khác."
    spans = anchor("Chủ trì rà soát các nhiệm vụ chậm giải ngân.", source)
    assert [source[a:b] for a, b in spans] == ["Chủ trì rà soát các", "nhiệm vụ chậm giải ngân."]


def test_label_studio_round_trip(corpus):
    for record in list(load_standoff(ANNOTATIONS).values())[:8]:
        item = to_label_studio(record, corpus)
        exported = json.loads(json.dumps(item, ensure_ascii=False))  # as a file would carry it
        assert from_label_studio(exported) == {**record, "prefilled": False}


def test_label_studio_cli_round_trip(corpus, tmp_path):
    runner = CliRunner()
    ls_file = tmp_path / "ls.json"
    result = runner.invoke(main, ["annotations", "export-labelstudio", str(ls_file), "--corpus", str(corpus),
                                  "--annotations", str(ANNOTATIONS)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["annotations", "import-labelstudio", str(ls_file), "--out", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    original, back = load_standoff(ANNOTATIONS), load_standoff(tmp_path / "back")
    assert original.keys() == back.keys()
    assert all(original[k]["tasks"] == back[k]["tasks"] for k in original)


def test_import_of_gold_shaped_json(corpus, gold_docs, tmp_path):
    doc = gold_docs["dongthap-skhcn-tb-2020-06"]
    src = tmp_path / "draft.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["annotations", "import", str(src), "--annotator", "me", "--corpus",
                                       str(corpus), "--out", str(tmp_path / "ann")])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "ann" / "dongthap-skhcn-tb-2020-06.json").read_text(encoding="utf-8"))
    assert record == to_standoff(doc, corpus, "me")
    assert len(record["tasks"]) == 24 and record["sha256"]


def test_split_is_fixed_disjoint_and_covers_every_annotation():
    split = json.loads((ROOT / "data" / "split.json").read_text(encoding="utf-8"))
    parts = [set(split[k]) for k in ("train", "dev", "test")]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert len(parts[2]) >= 10
    assert set().union(*parts) == {p.stem for p in ANNOTATIONS.glob("*.json")}


def test_cohen_kappa_known_values():
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([(True, False), (False, True)]) == -1.0
    # 20 items: observed 0.7, expected 0.5 -> 0.4
    pairs = [(1, 1)] * 7 + [(0, 0)] * 7 + [(1, 0)] * 3 + [(0, 1)] * 3
    assert cohen_kappa(pairs) == 0.4


def test_double_annotations_agreement_is_reproducible(corpus):
    first, second = double_annotations(corpus)
    result = agreement(first, second)
    assert result["documents"] >= 6
    assert 0.5 < result["task_f1"] <= 1.0 and result["main_action_kappa"] is not None


def test_materialise_cli_writes_the_test_split(corpus, tmp_path):
    result = CliRunner().invoke(main, ["annotations", "materialise", str(tmp_path), "--split", "test",
                                       "--corpus", str(corpus), "--annotations", str(ANNOTATIONS)])
    assert result.exit_code == 0, result.output
    split = json.loads((ROOT / "data" / "split.json").read_text(encoding="utf-8"))
    assert {p.stem for p in Path(tmp_path).glob("*.json")} == set(split["test"])


def test_data_card_headline_matches_the_annotations(corpus):
    from benchmarks.data_card_stats import headline

    card = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert f"**{headline(load_gold(ANNOTATIONS, corpus))}**" in card, "rerun benchmarks/data_card_stats.py"
