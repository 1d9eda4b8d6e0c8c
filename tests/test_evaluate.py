"""`nhiemvu evaluate` reports the same figures as the reference scorer shared/eval/score.py."""

import copy
import json
import subprocess
import sys

from click.testing import CliRunner

from pipeline import extract
from pipeline.cli import main
from pipeline.evaluate import load_documents, score


def _damage(doc: dict) -> dict:
    """Drop a task, mangle a lead, a deadline, a support unit, an action and two header fields."""
    d = copy.deepcopy(doc)
    del d["tasks"][3]
    d["tasks"][0]["lead_units"] = ["Sở Tài chính"]
    d["tasks"][5]["deadline"] = "2020-06-30"
    d["tasks"][7]["support_units"].append("Công an tỉnh")
    d["tasks"][8]["action_types"] = ["fund", "advise"]
    d["tasks"][9]["text"] = "một câu hoàn toàn khác"
    d["tasks"][10]["urgent"] = True
    d["tasks"][18]["references"] = []
    d["document"]["signer"] = "Nguyễn Văn A"
    d["document"]["issued_date"] = "2020-06-30"
    return d


def _reference_json(shared, gold_dir, out_dir):
    run = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(gold_dir), str(out_dir), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_same_figures_as_reference_scorer_on_gold_and_damaged_copy(shared, tmp_path):
    gold_dir = shared / "gold"
    gold = load_documents(gold_dir)
    for name, docs in {
        "identical": gold,
        "damaged": {k: _damage(v) if len(v["tasks"]) > 18 else v for k, v in gold.items()},
        "pipeline": {k: json.loads(extract(shared / v["source"], doc_id=k).to_json()) for k, v in gold.items()},
    }.items():
        out_dir = tmp_path / name
        out_dir.mkdir()
        for doc_id, doc in docs.items():
            (out_dir / f"{doc_id}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        ours = score(load_documents(gold_dir), load_documents(out_dir))
        assert ours == _reference_json(shared, gold_dir, out_dir), name
        if name == "identical":
            assert ours["tasks"]["f1"] == 1.0
        if name == "damaged":
            assert ours["tasks"]["fn"] >= 2 and ours["document"]["signer"]["acc"] < 1.0


def test_cli_text_report_matches_reference_text(shared, tmp_path):
    gold_dir = shared / "gold"
    out = tmp_path / "out.jsonl"
    out.write_text("\n".join(json.dumps(_damage(d), ensure_ascii=False) if len(d["tasks"]) > 18
                             else json.dumps(d, ensure_ascii=False)
                             for d in load_documents(gold_dir).values()) + "\n", encoding="utf-8")
    ref = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(gold_dir), str(out)],
                         capture_output=True, text=True, check=True).stdout
    result = CliRunner().invoke(main, ["evaluate", str(gold_dir), str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == ref
