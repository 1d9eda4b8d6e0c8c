"""`nhiemvu extract` over folders: tables, errors per file, atomic outputs, resumable reruns."""

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import SAMPLE


def _archive(tmp_path):
    src = tmp_path / "archive"
    (src / "nested").mkdir(parents=True)
    shutil.copy(SAMPLE, src / "seed.txt")
    shutil.copy(SAMPLE, src / "nested" / "seed.txt")  # same stem: ids made unique
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (src / "latin.txt").write_bytes("Thông báo".encode() + b"\xff\xfe\xfd bad")
    (src / "prose.txt").write_text("Hôm nay trời đẹp. Chúng tôi đi chơi công viên.\n", encoding="utf-8")
    (src / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    return src


def _extract(*args):
    result = CliRunner().invoke(main, ["extract", *map(str, args), "--quiet"])
    assert result.exit_code == 0, result.output
    return result


def test_batch_writes_tables_and_reports_each_bad_file(tmp_path):
    out = tmp_path / "out"
    _extract(_archive(tmp_path), "--out", out)
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(d["doc_id"] for d in docs) == ["seed", "seed-2"]
    errors = {json.loads(line)["doc_id"]: json.loads(line) for line in
              (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {k: v["kind"] for k, v in errors.items()} == {
        "empty": "empty", "image": "binary", "latin": "encoding", "prose": "not_a_document", "photo": "unsupported"}
    tasks = pq.read_table(out / "tasks.parquet").to_pylist()
    assert len(tasks) == 48 and {t["doc_id"] for t in tasks} == {"seed", "seed-2"}
    first = next(t for t in tasks if t["doc_id"] == "seed" and t["task_id"] == "T01")
    assert first["lead_units"] == ["Các phòng, đơn vị"] and first["main_action"] == "review"
    refs = pq.read_table(out / "references.parquet").to_pylist()
    assert {"doc_id": "seed", "task_id": "T01", "symbol": "01/CT-UBND"}.items() <= refs[0].items()
    assert pq.read_table(out / "documents.parquet").num_rows == 2
    assert not list(out.glob("*.partial")) and not list(out.glob(".*"))


def test_rerun_skips_unchanged_files_and_picks_up_changes(tmp_path):
    src, out = _archive(tmp_path), tmp_path / "out"
    _extract(src, "--out", out)
    result = _extract(src, "--out", out)
    assert "7 unchanged files skipped" in result.output
    (src / "empty.txt").write_text((src / "seed.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = _extract(src, "--out", out)
    assert "6 unchanged files skipped" in result.output
    ids = [json.loads(x)["doc_id"] for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == ["empty", "seed", "seed-2"]
    errors = (out / "errors.jsonl").read_text(encoding="utf-8")
    assert '"empty"' not in errors and '"image"' in errors


def test_a_rerun_with_another_screen_setting_redoes_the_files(tmp_path, monkeypatch):
    """Output made with the task screen is not reused when the screen is switched off (the manifest's
    fingerprint covers the switches that change the output)."""
    src, out = _archive(tmp_path), tmp_path / "out"
    _extract(src, "--out", out)
    monkeypatch.setenv("NHIEMVU_TASK_SCREEN", "0")
    result = _extract(src, "--out", out)
    assert "0 unchanged files skipped" in result.output
    assert "7 unchanged files skipped" in _extract(src, "--out", out).output


def test_a_crashed_run_resumes_without_duplicates(tmp_path):
    src, out = _archive(tmp_path), tmp_path / "out"
    _extract(src, "--out", out)
    # a crash after two files: their rows sit in the partial files, the final files are stale
    (out / "documents.jsonl").rename(out / "documents.jsonl.partial")
    manifest = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    (out / "manifest.jsonl").write_text("\n".join(manifest[:3]) + '\n{"path": "cut', encoding="utf-8")
    _extract(src, "--out", out)
    ids = [json.loads(x)["doc_id"] for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == ["seed", "seed-2"]


def test_csv_format(tmp_path):
    out = tmp_path / "out"
    _extract(SAMPLE, "--out", out, "--format", "csv")
    header = (out / "tasks.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("doc_id,task_id,section,text,lead_units")
    assert (out / "references.csv").exists() and (out / "documents.csv").exists()


def test_two_workers_give_the_same_dataset_as_one(tmp_path):
    src = _archive(tmp_path)
    _extract(src, "--out", tmp_path / "one", "--workers", "1")
    _extract(src, "--out", tmp_path / "two", "--workers", "2")

    def rows(out):
        return sorted((out / "documents.jsonl").read_text(encoding="utf-8").splitlines())

    assert rows(tmp_path / "one") == rows(tmp_path / "two")
    assert pq.read_table(tmp_path / "one" / "tasks.parquet").sort_by("task_id").equals(
        pq.read_table(tmp_path / "two" / "tasks.parquet").sort_by("task_id"))


def test_killed_midway_then_rerun_loses_and_duplicates_nothing(corpus, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    src = tmp_path / "src"
    src.mkdir()
    small = [p for p in sorted((corpus / "laocai").glob("*.txt")) if p.stat().st_size < 30_000]
    for path in small[:40]:
        shutil.copy(path, src / path.name)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(src), "--out", str(out), "--workers", "1",
               "--quiet"]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        manifest = out / "manifest.jsonl"
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= 8:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines())
    assert 8 <= done_before < 40, "killed midway"
    assert not (out / "documents.jsonl").exists(), "no final file from a killed run"
    _extract(src, "--out", out, "--workers", "1")
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    sources = [d["source"] for d in docs] + [e["path"] for e in errors]
    assert len(sources) == len(set(sources)) == 40, "every file once, as a document or an error"
    assert len({d["doc_id"] for d in docs}) == len(docs)


def test_zip_archives_are_expanded_and_unsafe_members_refused(tmp_path):
    import zipfile

    archive = tmp_path / "in" / "notices.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(SAMPLE, "2020/seed.txt")
        z.writestr("../../escape.txt", "Số: 1/TB-X\nthông báo")
        z.writestr("empty.txt", "")
    out = tmp_path / "out"
    _extract(archive.parent, "--out", out, "--workers", "1")
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["doc_id"] for d in docs] == ["seed"] and len(docs[0]["tasks"]) == 24
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = sorted((e["path"].split("!")[-1] if "!" in e["path"] else Path(e["path"]).name, e["kind"])
                   for e in errors)
    assert kinds == [("../../escape.txt", "unsafe_path"), ("empty.txt", "empty")]
    assert not (tmp_path / "escape.txt").exists() and not (out.parent / "escape.txt").exists()
