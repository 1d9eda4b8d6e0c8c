"""The bundled sample against its gold: the figures issue #2 asks for."""

import json

from click.testing import CliRunner

from pipeline import extract
from pipeline.cli import main
from pipeline.evaluate import score
from tests.conftest import SAMPLE, SAMPLE_GOLD


def test_seed_notice_scores_perfectly_on_tasks_units_fields_deadlines_references():
    gold = json.loads(SAMPLE_GOLD.read_text(encoding="utf-8"))
    out = json.loads(extract(SAMPLE, doc_id=gold["doc_id"]).to_json())
    res = score({gold["doc_id"]: gold}, {out["doc_id"]: out})
    assert res["tasks"]["f1"] == 1.0, res["tasks"]
    assert res["lead_units"]["f1"] == 1.0, res["lead_units"]
    assert res["deadline"]["acc"] == 1.0
    assert res["references"]["f1"] == 1.0, res["references"]
    wrong = {k: v for k, v in res["document"].items() if v["acc"] != 1.0}
    assert not wrong, wrong


def test_seed_traps_subject_periods_are_not_deadlines():
    doc = extract(SAMPLE)
    def task(start):
        return next(t for t in doc.tasks if t.text.startswith(start))

    assert task("Dự thảo kế hoạch tổ chức hội nghị sơ kết").deadline is None  # "6 tháng đầu năm 2020"
    assert task("Hoàn chỉnh kế hoạch hoạt động").deadline is None  # "năm 2021", "giai đoạn 2021-2025"
    across_page = next(t for t in doc.tasks if "công nghệ mới có thể chuyển giao" in t.text)
    assert across_page.deadline == "2020-12-31" and across_page.deadline_text == "trong năm 2020"


def test_show_prints_the_task_table():
    result = CliRunner().invoke(main, ["show", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "24 nhiệm vụ" in result.output
    assert "chủ trì: Phó Giám đốc Huỳnh Văn Quán" in result.output
