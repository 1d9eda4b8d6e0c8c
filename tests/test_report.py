"""The researchers' views of a dataset: the notebook, the HTML report and the Hugging Face export.

A small dataset is built by the real extraction from the bundled sample, four
Lào Cai documents of ../shared/corpus and an empty file (one error line); the
notebook is executed with nbclient against it, the report is rendered and
read, and the export is loaded back with ``datasets.load_dataset``.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"

from pipeline import report
from pipeline.dataset import run_batch
from pipeline.evaluate import norm
from tests.conftest import ROOT, SAMPLE

LAOCAI = [
    "vbhc-vn__ubnd__thong-bao-ket-luan-ubnd.txt",
    "pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt",
    "kccn-sct-vn__CT-07-2012-TTg-chan-chinh-KKT-KCN-CCN.txt",
    "vbhc-vn__sct__cong-van-don-doc-tien-do-ha-tang-ccn-bao-cao-hang-tuan.txt",
]
NOTICE = """SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 12/TB-SKHCN
Đồng Tháp, ngày 22 tháng 6 năm 2020

THÔNG BÁO
Kết luận của Giám đốc tại cuộc họp giao ban tháng 6 năm 2020

1. Phòng Kế hoạch - Tài chính chủ trì, phối hợp với Văn phòng Sở rà soát kế hoạch năm, báo cáo trước ngày 30/6/2020.
2. Văn phòng Sở khẩn trương tổ chức hội nghị sơ kết 6 tháng đầu năm.

Nơi nhận:
- Như trên;
- Lưu: VT.
GIÁM ĐỐC
Nguyễn Văn An
"""
ANALYSES = ["tasks_per_lead_unit", "action_mix", "deadline_status", "deadline_horizon", "most_cited",
            "co_assignment"]


def _extract(paths, out: Path, table_format: str = "parquet") -> Path:
    run_batch(paths, out, table_format=table_format, workers=1)
    return out


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory, corpus: Path) -> Path:
    base = tmp_path_factory.mktemp("report")
    empty = base / "inputs" / "empty.txt"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    return _extract([SAMPLE, *(corpus / "laocai" / name for name in LAOCAI), empty], base / "dataset")


@pytest.fixture(scope="module")
def contract(small_dataset: Path) -> list[dict]:
    """The documents as contract JSON, read independently of pipeline.report."""
    lines = (small_dataset / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _all_tasks(contract: list[dict]) -> list[tuple[dict, dict]]:
    return [(d, t) for d in contract for t in d["tasks"]]


# -- analyses ---------------------------------------------------------------------------------------


def test_analyses_agree_with_the_contract_json(small_dataset: Path, contract: list[dict]) -> None:
    ds = report.load(small_dataset)
    pairs = _all_tasks(contract)
    assert len(ds.documents) == len(contract) == 5
    assert len(ds.tasks) == len(pairs) > 50
    assert [e["kind"] for e in ds.errors] == ["empty"]

    leads = Counter(norm(u) for _, t in pairs for u in dict.fromkeys(t["lead_units"]))
    lead = report.tasks_per_lead_unit(ds, top=5)
    assert norm(lead["unit"].iloc[0]) == leads.most_common(1)[0][0]
    assert lead["tasks"].tolist() == [n for _, n in leads.most_common(5)]
    from pipeline.unit_names import assignee_kind

    assert lead["kind"].tolist() == [assignee_kind(u) for u in lead["unit"]]
    kinds = Counter(assignee_kind(u) for _, t in pairs for u in dict.fromkeys(t["lead_units"]))
    assert report.lead_kinds(ds) == {k: kinds.get(k, 0) for k in ("unit", "office", "person")}
    assert sum(report.lead_kinds(ds).values()) == sum(leads.values())

    mix = report.action_mix(ds)
    assert int(mix.to_numpy().sum()) == len(pairs)
    notice = [t for d, t in pairs if d["document"]["doc_type"] == "Thông báo"]
    assert int(mix.loc["Thông báo"].sum()) == len(notice)
    assert int(mix.loc["Thông báo", "coordinate"]) == sum(t["action_types"][:1] == ["coordinate"] for t in notice)

    status = report.deadline_status(ds)
    overall = status.loc[report.ALL_TASKS]
    assert int(overall.sum()) == len(pairs)
    assert int(overall["dated deadline"]) == sum(t["deadline"] is not None for _, t in pairs) > 5
    assert int(overall["urgent only"]) == sum(
        t["urgent"] and not (t["deadline"] or t["deadline_text"] or t["recurrence"]) for _, t in pairs)

    horizon = report.deadline_horizon(ds)
    chi_thi = horizon[horizon["doc_id"] == "kccn-sct-vn__CT-07-2012-TTg-chan-chinh-KKT-KCN-CCN"]
    assert len(chi_thi) > 5
    from datetime import date

    row = chi_thi.iloc[0]
    assert row["days"] == (date.fromisoformat(row["deadline"]) - date.fromisoformat(row["issued_date"])).days
    assert int(report.horizon_bins(horizon).sum()) == int(horizon["days"].notna().sum())

    cited = report.most_cited(ds, top=3)
    citing: dict[str, set[str]] = {}
    for d in contract:
        refs = (d["document"].get("references") or []) + [r for t in d["tasks"] for r in t.get("references") or []]
        for ref in refs:
            citing.setdefault(norm(ref.get("symbol") or ref["text"]), set()).add(d["doc_id"])
    assert cited["documents"].iloc[0] == max(len(v) for v in citing.values())

    network = report.co_assignment(ds, top=1000)
    expected = sum(1 for _, t in pairs for lead_unit in dict.fromkeys(t["lead_units"])
                   for support in dict.fromkeys(t["support_units"]) if norm(lead_unit) != norm(support))
    assert int(network["tasks"].sum()) == expected > 0


def test_subset_keeps_the_documents_of_the_types_named(small_dataset: Path, contract: list[dict],
                                                       tmp_path: Path) -> None:
    ds = report.load(small_dataset)
    types = report.document_types(ds)
    assert int(types["tasks"].sum()) == len(ds.tasks) and int(types["documents"].sum()) == len(ds.documents)
    notices = report.subset(ds, ["Thông báo"])
    want = [d for d in contract if d["document"]["doc_type"] == "Thông báo"]
    assert len(want) >= 2 and sorted(notices.documents["doc_id"]) == sorted(d["doc_id"] for d in want)
    assert len(notices.tasks) == sum(len(d["tasks"]) for d in want)
    assert set(notices.references["doc_id"]) <= {d["doc_id"] for d in want}
    out = tmp_path / "notices.html"
    result = CliRunner().invoke(report.report_command, [str(small_dataset), "-o", str(out), "--doc-type", "Thông báo"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<th>document types shown</th><td class="n">Thông báo</td>' in page
    assert f'<th>tasks</th><td class="n">{len(notices.tasks):,}</td>' in page


def test_csv_dataset_reads_like_parquet(tmp_path: Path) -> None:
    parquet = report.load(_extract([SAMPLE], tmp_path / "parquet"))
    csv = report.load(_extract([SAMPLE], tmp_path / "csv", table_format="csv"))
    assert csv.table_source == "documents.jsonl"
    assert csv.tasks.to_dict("records") == parquet.tasks.to_dict("records")
    assert csv.references.to_dict("records") == parquet.references.to_dict("records")


def test_report_and_export_of_a_dataset_without_documents(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    dataset = _extract([tmp_path / "empty.txt"], tmp_path / "ds")
    page = report.render_html(report.load(dataset))
    assert page.count('src="data:image/png;base64,') == 6
    assert "empty.txt" in page
    result = CliRunner().invoke(report.export_command, [str(dataset), "--hf", str(tmp_path / "hf")])
    assert result.exit_code != 0 and "nothing to export" in result.output
    assert not (tmp_path / "hf").exists()


def test_export_leaves_out_an_empty_table(tmp_path: Path) -> None:
    """A dataset whose documents cite nothing: no references configuration, the others load."""
    from datasets import load_dataset

    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    dataset = report.load(_extract([tmp_path / "notice.txt"], tmp_path / "ds"))
    assert len(dataset.references) == 0 and len(dataset.tasks) > 0
    assert report.export_hf(tmp_path / "ds", tmp_path / "hf")["references"] == 0
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    assert "config_name: references" not in card and "empty, so not declared" in card
    tasks = load_dataset(str(tmp_path / "hf"), split="train", cache_dir=str(tmp_path / "cache"))
    assert tasks.num_rows == len(dataset.tasks)


# -- notebook ---------------------------------------------------------------------------------------


def test_notebook_runs_on_the_dataset(small_dataset: Path, tmp_path: Path) -> None:
    source = json.loads(report.NOTEBOOK.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code")
    assert "from pipeline import report" in code and "NHIEMVU_DATASET" in code
    assert all(f"report.{name}(" in code for name in ANALYSES)  # it calls the module, not a copy of it

    nb = report.run_notebook(dataset=small_dataset, output=tmp_path / "executed.ipynb", timeout=120)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 6
    text = "\n".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in outputs)
    assert str(small_dataset.resolve()) in text  # the provenance names the dataset it ran on
    assert re.search(rf"tasks\s+{len(report.load(small_dataset).tasks)}\b", text)
    assert (tmp_path / "executed.ipynb").exists()


# -- HTML report ------------------------------------------------------------------------------------


def test_report_is_one_offline_page_with_plots_counts_and_provenance(small_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(report.report_command, [str(small_dataset), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    ds = report.load(small_dataset)

    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 6
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") and len(i) > 10_000 for i in images)
    # nothing to fetch: no external source, link, stylesheet or script
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//|file:)""", page, re.I)
    assert not re.search(r"url\(|@import|<script|<link|<iframe", page, re.I)

    assert f"<th>tasks</th><td class=\"n\">{len(ds.tasks):,}</td>" in page
    assert f"<th>documents</th><td class=\"n\">{len(ds.documents):,}</td>" in page
    assert "<th>errors empty</th>" in page
    prov = report.provenance(ds)
    assert prov["files_processed"] == 6 and prov["outcomes"] == {"ok": 5, "empty": 1}
    for value in (str(small_dataset.resolve()), prov["fingerprint"], prov["built"], "laocai", "empty.txt"):
        assert value in page
    assert "Ủy ban nhân dân" in page or "UBND" in page  # Vietnamese kept as text, not escaped away


# -- Hugging Face export ----------------------------------------------------------------------------


def test_export_loads_back_with_datasets(small_dataset: Path, tmp_path: Path) -> None:
    from datasets import load_dataset

    out = tmp_path / "hf"
    runner = CliRunner()
    result = runner.invoke(report.export_command, [str(small_dataset), "--hf", str(out)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(report.export_command, [str(small_dataset), "--hf", str(out)]).exit_code != 0
    assert runner.invoke(report.export_command, [str(small_dataset), "--hf", str(out), "--force"]).exit_code == 0

    ds = report.load(small_dataset)
    cache = str(tmp_path / "cache")
    tasks = load_dataset(str(out), split="train", cache_dir=cache)
    documents = load_dataset(str(out), "documents", split="train", cache_dir=cache)
    references = load_dataset(str(out), "references", split="train", cache_dir=cache)
    assert (tasks.num_rows, documents.num_rows, references.num_rows) == (
        len(ds.tasks), len(ds.documents), len(ds.references))
    for i in (0, len(ds.tasks) // 2, len(ds.tasks) - 1):
        row, want = tasks[i], ds.tasks.iloc[i]
        for column in ("doc_id", "task_id", "text", "lead_units", "support_units", "deadline", "urgent"):
            assert row[column] == want[column], (i, column)
    assert sorted(documents["doc_id"]) == sorted(ds.documents["doc_id"])
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "config_name: tasks" in card and "default: true" in card and f"| `tasks` | {len(ds.tasks)} |" in card
    assert {p.name for p in (out / "raw").iterdir()} == {"documents.jsonl", "manifest.jsonl", "errors.jsonl"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]  # no build folder left behind


def test_a_forced_export_of_other_rows_is_not_served_from_the_datasets_cache(small_dataset: Path, corpus: Path,
                                                                             tmp_path: Path) -> None:
    """datasets caches a local folder by its path and file names; the export's content-named files change with
    the rows, so loading after ``--force`` gives the new rows, not the earlier export's."""
    from datasets import load_dataset

    other = _extract([corpus / "laocai" / LAOCAI[2]], tmp_path / "other")
    out, cache = tmp_path / "hf", str(tmp_path / "cache")
    report.export_hf(small_dataset, out)
    first_card = (out / "README.md").read_text(encoding="utf-8")
    first = load_dataset(str(out), split="train", cache_dir=cache).num_rows
    report.export_hf(other, out, force=True)
    # the same configurations are declared, so only the files tell the two exports apart
    assert re.findall(r"config_name: (\w+)", first_card) == re.findall(
        r"config_name: (\w+)", (out / "README.md").read_text(encoding="utf-8")) == ["tasks", "documents", "references"]
    second = load_dataset(str(out), split="train", cache_dir=cache).num_rows
    assert (first, second) == (len(report.load(small_dataset).tasks), len(report.load(other).tasks))
    assert first != second


def test_notebook_file_is_clean() -> None:
    """The committed notebook carries no outputs (they would go stale and bloat diffs)."""
    nb = json.loads((ROOT / "notebooks" / "explore_tasks.ipynb").read_text(encoding="utf-8"))
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code")
