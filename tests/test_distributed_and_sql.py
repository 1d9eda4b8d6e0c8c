"""The Dask engine gives the single-machine dataset; DuckDB queries run over both layouts."""

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import SAMPLE


def _extract(*args):
    result = CliRunner().invoke(main, ["extract", *map(str, args), "--quiet"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def sources(corpus, tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    shutil.copy(SAMPLE, src / SAMPLE.name)
    for name in ["vbhc-vn__ubnd__thong-bao-ket-luan-ubnd.txt",
                 "pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt",
                 "qlks-sct-vn__CV-5973-UBND-KT-11-6-2026-tang-cuong-thanh-kiem-tra-KS.txt",
                 "hl-vlncn-sct-vn__KH-3898_30.6.2026_Huan-luyen-nguoi-quan-ly.txt"]:
        shutil.copy(corpus / "laocai" / name, src / name)
    (src / "empty.txt").write_bytes(b"")
    return src


def test_local_dask_cluster_gives_the_single_machine_output(sources, tmp_path):
    pytest.importorskip("distributed")
    _extract(sources, "--out", tmp_path / "single", "--workers", "1")
    _extract(sources, "--out", tmp_path / "dask", "--scheduler", "local", "--partitioned")

    def lines(path):
        return sorted(path.read_text(encoding="utf-8").splitlines())

    assert lines(tmp_path / "single" / "documents.jsonl") == lines(tmp_path / "dask" / "documents.jsonl")
    assert lines(tmp_path / "single" / "errors.jsonl") == lines(tmp_path / "dask" / "errors.jsonl")
    assert list((tmp_path / "dask" / "tasks").glob("part-*.parquet")), "a partitioned dataset"
    query = "select count(*) as n, count(distinct doc_id) as docs from tasks"
    single = CliRunner().invoke(main, ["sql", str(tmp_path / "single"), query, "--csv"]).output
    dask = CliRunner().invoke(main, ["sql", str(tmp_path / "dask"), query, "--csv"]).output
    assert single == dask and single.splitlines()[1].split(",")[1] == "5"


def test_sql_examples_run_and_answer(sources, tmp_path):
    pytest.importorskip("duckdb")
    from pipeline.query import EXAMPLES, run

    out = tmp_path / "ds"
    _extract(sources, "--out", out, "--workers", "1")
    for title, query in EXAMPLES.items():
        columns, rows = run(out, query)
        assert columns and rows, title
    documents = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    cited: dict[str, set] = {}
    count: dict[str, int] = {}
    for d in documents:
        refs = d["document"]["references"] + [r for t in d["tasks"] for r in t["references"]]
        for r in refs:
            cited.setdefault(r["symbol"], set()).add(d["doc_id"])
            count[r["symbol"]] = count.get(r["symbol"], 0) + 1
    columns, rows = run(out, EXAMPLES["most-cited directives"])
    table = {row[0]: (row[2], row[3]) for row in rows}
    assert table["1074/QĐ-BXD"] == (len(cited["1074/QĐ-BXD"]), count["1074/QĐ-BXD"])
    assert rows[0][2:] == max((len(v), count[k]) for k, v in cited.items())
    columns, rows = run(out, "select unit, count(*) from tasks, unnest(lead_units) t(unit) "
                             "where doc_id like 'dongthap%' group by unit order by 2 desc")
    assert rows[0] == ("Các phòng, đơn vị", 6)
    total = sum(len(d["tasks"]) for d in documents)
    assert run(out, "select count(*) from tasks")[1][0][0] == total
    from pipeline.unit_names import assignee_kind

    kinds: dict[str, int] = {}
    for d in documents:
        for t in d["tasks"]:
            for unit in t["lead_units"]:
                kinds[assignee_kind(unit)] = kinds.get(assignee_kind(unit), 0) + 1
    columns, rows = run(out, EXAMPLES["who leads: units, offices by title, persons by name"])
    assert {row[0]: row[1] for row in rows} == kinds and "unit" in kinds
    assert run(out, "select assignee_kind('Giám đốc Sở Công Thương'), assignee_kind(null)")[1] == [("office", None)]


def test_sql_errors_are_clear(sources, tmp_path):
    out = tmp_path / "ds"
    _extract(sources, "--out", out, "--workers", "1")
    result = CliRunner().invoke(main, ["sql", str(out), "select nonsense from tasks"])
    assert result.exit_code != 0 and "nonsense" in result.output
    result = CliRunner().invoke(main, ["sql", str(out), "--examples"])
    assert "most-cited directives" in result.output


def test_every_dataset_layout_answers_sql_and_exports(sources, tmp_path):
    """A dataset written with --format csv or --partitioned answers the same SQL as the Parquet one and exports to
    the same Hugging Face tables (both failed before: sql wanted tasks.parquet, export passed rows as a path)."""
    pytest.importorskip("duckdb")
    pytest.importorskip("distributed")
    layouts = {"parquet": [], "csv": ["--format", "csv"], "partitioned": ["--scheduler", "local", "--partitioned"]}
    answers, exported = {}, {}
    for name, options in layouts.items():
        _extract(sources, "--out", tmp_path / name, "--workers", "1", *options)
        query = "select unit, count(*) as n from tasks, unnest(lead_units) t(unit) group by unit order by n desc, unit"
        answers[name] = CliRunner().invoke(main, ["sql", str(tmp_path / name), query, "--csv"]).output
        result = CliRunner().invoke(main, ["export", str(tmp_path / name), "--hf", str(tmp_path / f"hf-{name}")])
        assert result.exit_code == 0, result.output
        exported[name] = sorted(p.name for p in (tmp_path / f"hf-{name}" / "data").iterdir())
    assert answers["csv"] == answers["parquet"] == answers["partitioned"] and "Sở Công Thương" in answers["csv"]
    assert exported["csv"] == exported["parquet"] == exported["partitioned"]  # the same bytes: the same content names
    assert [re.sub(r"-[0-9a-f]{12}\.", ".", f) for f in exported["csv"]] == [
        "documents.parquet", "references.parquet", "tasks.parquet"]


def test_show_reports_a_bad_file_in_one_line(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("Ghi chú cá nhân, không phải văn bản hành chính.\n", encoding="utf-8")
    for name, kind in (("empty.txt", "empty"), ("notes.txt", "not_a_document")):
        result = CliRunner().invoke(main, ["show", str(tmp_path / name)])
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and f": {kind}: " in result.output
        assert "Traceback" not in result.output and len(result.output.splitlines()) == 1
