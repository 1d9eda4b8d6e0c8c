"""Stage 6, dataset: documents -> ``documents.jsonl`` and flat tables (Parquet or CSV).

Reads files and folders; writes into an output folder

* ``documents.jsonl``: one contract object a line;
* ``tasks``, ``documents``, ``references`` tables (``.parquet``, or ``.csv``);
* ``errors.jsonl``: one line per file that gave no document, with the reason;
* ``manifest.jsonl``: path, sha256, pipeline fingerprint and outcome of every
  file done, so that a rerun skips files unchanged since the same pipeline
  read them, and a crashed run resumes where it stopped.

Every final file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.read import ReadError
from pipeline.screen import SCREEN_SWITCH
from pipeline.unit_tagger import TAGGER_SWITCH

TABLES = ("tasks", "documents", "references")
SKIP_NAMES = {"manifest.tsv"}


@dataclass
class BatchResult:
    documents: int
    errors: int
    skipped: int
    out_dir: Path


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths`` (recursively), sorted, hidden files and metadata left out."""
    for path in map(Path, paths):
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or file.name in SKIP_NAMES:
                    continue
                if file.name.endswith(".meta.json"):
                    continue
                yield file
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(path)


def expand_archives(files: Iterable[Path], target: Path) -> tuple[list[Path], list[dict]]:
    """Files to extract, with the members of each .zip unpacked under ``target``; and the refused ones.

    Members are checked before anything is inflated (pipeline.archive): an unsafe
    member (absolute or ".." name, link, encrypted, over the size limits) is
    refused on its own; a zip bomb or a corrupt archive is refused whole.
    """
    from pipeline.archive import iter_zip_members

    out: list[Path] = []
    refused: list[dict] = []
    for file in files:
        if file.suffix.lower() != ".zip":
            out.append(file)
            continue
        folder = target / f"{file.stem}-{sha256_file(file)[:8]}"
        problems: list[tuple[str, ReadError]] = []
        try:
            for name, data in iter_zip_members(file, on_unsafe=lambda n, e, found=problems: found.append((n, e))):
                member = folder / name
                member.parent.mkdir(parents=True, exist_ok=True)
                if not member.exists() or member.stat().st_size != len(data):
                    member.write_bytes(data)
                out.append(member)
        except ReadError as exc:
            refused.append({"path": str(file), "doc_id": None, "kind": exc.kind, "message": exc.message})
        refused += [{"path": f"{file}!{name}", "doc_id": None, "kind": exc.kind, "message": exc.message}
                    for name, exc in problems]
    return out, refused


OUTPUT_SWITCHES = (SCREEN_SWITCH, TAGGER_SWITCH)
"""Environment variables that change the output."""


def pipeline_fingerprint() -> str:
    """A hash of the pipeline's code, data tables, models and output switches: output made otherwise is redone."""
    digest = hashlib.sha256()
    for name in OUTPUT_SWITCHES:
        digest.update(f"{name}={os.environ.get(name, '')}".encode())
    package = Path(__file__).resolve().parent
    files = [p for p in package.rglob("*") if p.suffix in {".py", ".tsv", ".txt", ".json"}]
    files += list((package.parent / "models").glob("*.joblib"))  # the shipped models change output too
    for path in sorted(files):
        if "__pycache__" not in path.parts:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_one(path: str, doc_id: str) -> tuple[str | None, dict | None]:
    """Extract one file in a worker: (document JSON, None) or (None, error record). Never raises."""
    from pipeline import extract

    try:
        return extract(Path(path), doc_id=doc_id).to_json(), None
    except ReadError as exc:
        return None, {"kind": exc.kind, "message": exc.message}
    except Exception as exc:  # one bad file must not stop the batch
        return None, {"kind": "internal", "message": f"{type(exc).__name__}: {exc}"}


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    table_format: str = "parquet",
    progress: Callable[[Iterable], Iterable] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    partitioned: bool = False,
) -> BatchResult:
    """Extract every file into ``out_dir`` with ``workers`` processes, or on a Dask ``scheduler``.

    Reruns skip files already done. ``partitioned`` writes each table as a folder of Parquet parts.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done = _load_manifest(out)
    files, refused = expand_archives(iter_files(paths), out / "_archives")
    used_ids = {entry["doc_id"] for entry in done.values() if entry.get("doc_id")}
    version = pipeline_fingerprint()
    jobs, skipped = [], 0
    for file in files:
        previous = done.get(str(file))
        digest = sha256_file(file)
        if previous and previous["sha256"] == digest and previous.get("pipeline") == version:
            skipped += 1
            continue
        doc_id = previous["doc_id"] if previous else _unique_id(file.stem, used_ids)
        jobs.append({"path": str(file), "sha256": digest, "doc_id": doc_id, "pipeline": version})
    for name in ("documents.jsonl.partial", "errors.jsonl.partial", "manifest.jsonl"):
        _end_cut_line(out / name)
    with (out / "documents.jsonl.partial").open("a", encoding="utf-8") as docs_out, \
            (out / "errors.jsonl.partial").open("a", encoding="utf-8") as errors_out, \
            (out / "manifest.jsonl").open("a", encoding="utf-8") as manifest_out:
        for error in refused:  # archives or members refused before extraction (zip bombs, unsafe names)
            errors_out.write(json.dumps(error, ensure_ascii=False) + "\n")
            entry = {"path": error["path"], "status": error["kind"]}
            manifest_out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if scheduler:
            from pipeline.distributed import dask_results

            results = dask_results(jobs, scheduler)
        else:
            results = _results(jobs, workers)
        for entry, (document, error) in (progress(results, total=len(jobs)) if progress else results):
            if document is not None:
                docs_out.write(document + "\n")
                entry["status"] = "ok"
            else:
                errors_out.write(json.dumps({"path": entry["path"], "doc_id": entry["doc_id"], **error},
                                            ensure_ascii=False) + "\n")
                entry["status"] = error["kind"]
            docs_out.flush()
            errors_out.flush()
            manifest_out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            manifest_out.flush()
    documents = _finalise_jsonl(out, "documents")
    errors = _finalise_jsonl(out, "errors")
    write_tables(out / "documents.jsonl", out, table_format, partitioned=partitioned)
    return BatchResult(documents, errors, skipped, out)


def _results(jobs: list[dict], workers: int) -> Iterator[tuple[dict, tuple[str | None, dict | None]]]:
    """(job, result) pairs in input order; at most 16 files per worker in flight, so memory stays flat
    while one long document does not leave the other workers idle."""
    if workers <= 1:
        for job in jobs:
            yield job, extract_one(job["path"], job["doc_id"])
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    _warm_up()  # load the models and compile the patterns once; forked workers inherit them
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for job in jobs:
            pending.append((job, pool.submit(extract_one, job["path"], job["doc_id"])))
            if len(pending) >= 16 * workers:
                job_done, future = pending.popleft()
                yield job_done, future.result()
        while pending:
            job_done, future = pending.popleft()
            yield job_done, future.result()


def _warm_up() -> None:
    from contextlib import suppress

    from pipeline import extract_text

    with suppress(ReadError):
        extract_text("UBND TỈNH LÀO CAI\nSố: 1/TB-VP\nTHÔNG BÁO\nV/v thử\n1. Sở Tài chính\n- Rà soát, báo cáo.\n")


def _end_cut_line(path: Path) -> None:
    """A crash can leave a last line without its newline; end it so that appends start clean."""
    if path.exists() and path.stat().st_size:
        with path.open("rb+") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")


def _unique_id(stem: str, used: set[str]) -> str:
    doc_id, n = stem, 2
    while doc_id in used:
        doc_id, n = f"{stem}-{n}", n + 1
    used.add(doc_id)
    return doc_id


def _load_manifest(out: Path) -> dict[str, dict]:
    """Files done by earlier runs, the last entry per path winning."""
    entries: dict[str, dict] = {}
    manifest = out / "manifest.jsonl"
    if manifest.exists():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            entries[entry["path"]] = entry
    return entries


def _finalise_jsonl(out: Path, name: str) -> int:
    """Merge earlier output with this run's partial file into ``<name>.jsonl``, atomically, streaming.

    A file's newest row wins; a document is kept only while its file's latest
    outcome is "ok", an error only while it is not. Returns the number of rows.
    """
    final, partial = out / f"{name}.jsonl", out / f"{name}.jsonl.partial"
    status = {path: entry.get("status") for path, entry in _load_manifest(out).items()}
    newest: dict[str, int] = {}  # path -> line number of its newest row in the partial file
    for number, row in enumerate(_iter_jsonl(partial)):
        newest[_row_path(row, name)] = number
    rows = 0

    def keep(row: dict) -> bool:
        return (status.get(_row_path(row, name)) == "ok") == (name == "documents")

    def write(tmp: str) -> None:
        nonlocal rows
        with open(tmp, "w", encoding="utf-8") as handle:
            for row in _iter_jsonl(final):
                if _row_path(row, name) not in newest and keep(row):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    rows += 1
            for number, row in enumerate(_iter_jsonl(partial)):
                if newest[_row_path(row, name)] == number and keep(row):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    rows += 1

    _atomic(final, write)
    partial.unlink(missing_ok=True)
    return rows


def _row_path(row: dict, name: str) -> str:
    return row.get("source") if name == "documents" else row.get("path")


def _iter_jsonl(path: Path) -> Iterator[dict]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash


def atomic_write_text(path: Path, text: str) -> None:
    _atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _atomic(path: Path, write: Callable[[str], object]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# -- flat tables ----------------------------------------------------------------

TASK_COLUMNS = ["doc_id", "task_id", "section", "text", "lead_units", "support_units", "action_types",
                "main_action", "deadline_text", "deadline", "recurrence", "urgent", "n_references",
                "span_start", "span_end", "confidence", "doc_type", "issuer", "issued_date"]
DOCUMENT_COLUMNS = ["doc_id", "source", "doc_type", "number", "symbol", "issuer", "parent_issuer", "place",
                    "issued_date", "subject", "meeting_date", "signer", "signer_title", "recipients",
                    "n_tasks"]
REFERENCE_COLUMNS = ["doc_id", "task_id", "text", "type", "number", "symbol", "date", "issuer"]
LIST_COLUMNS = {"lead_units", "support_units", "action_types", "recipients"}


def table_rows(documents: list[dict]) -> dict[str, list[dict]]:
    """The three flat tables of a list of contract documents."""
    tasks, docs, refs = [], [], []
    for d in documents:
        info = d.get("document") or {}
        docs.append({**{k: info.get(k) for k in DOCUMENT_COLUMNS if k in info},
                     "doc_id": d["doc_id"], "source": d.get("source"), "n_tasks": len(d.get("tasks", []))})
        for ref in info.get("references") or []:
            refs.append(_reference_row(d["doc_id"], None, ref))
        for t in d.get("tasks", []):
            span = t.get("span") or (None, None)
            tasks.append({
                **{k: t.get(k) for k in TASK_COLUMNS if k in t},
                "doc_id": d["doc_id"],
                "main_action": (t.get("action_types") or [None])[0],
                "n_references": len(t.get("references") or []),
                "span_start": span[0], "span_end": span[1],
                "doc_type": info.get("doc_type"), "issuer": info.get("issuer"),
                "issued_date": info.get("issued_date"),
            })
            for ref in t.get("references") or []:
                refs.append(_reference_row(d["doc_id"], t["task_id"], ref))
    return {"tasks": tasks, "documents": docs, "references": refs}


def arrow_tables(documents_jsonl: Path) -> dict:
    """The three tables of a documents.jsonl as pyarrow tables in memory, with the Parquet files' schema."""
    import pyarrow as pa

    rows = table_rows(list(_iter_jsonl(documents_jsonl)))
    return {name: pa.Table.from_pylist([{c: r.get(c) for c in COLUMNS[name]} for r in rows[name]],
                                       schema=_arrow_schema(COLUMNS[name])) for name in TABLES}


def _reference_row(doc_id: str, task_id: str | None, ref: dict) -> dict:
    return {"doc_id": doc_id, "task_id": task_id, **{k: ref.get(k) for k in REFERENCE_COLUMNS[2:]}}


COLUMNS = {"tasks": TASK_COLUMNS, "documents": DOCUMENT_COLUMNS, "references": REFERENCE_COLUMNS}


def write_tables(documents_jsonl: Path, out: Path, table_format: str = "parquet", batch: int = 200,
                 partitioned: bool = False) -> None:
    """The three flat tables of a documents.jsonl, written in batches of documents (memory stays flat).

    ``partitioned``: each table is a folder (``tasks/part-00000.parquet`` ...) of one part per batch.
    """
    if partitioned:
        _write_partitioned(documents_jsonl, out, batch)
        return
    writers = {name: (_CsvTable if table_format == "csv" else _ParquetTable)(out / f"{name}.{table_format}",
                                                                             COLUMNS[name])
               for name in TABLES}
    chunk: list[dict] = []
    try:
        for document in _iter_jsonl(documents_jsonl):
            chunk.append(document)
            if len(chunk) >= batch:
                _write_chunk(writers, chunk)
                chunk = []
        _write_chunk(writers, chunk)
    finally:
        for writer in writers.values():
            writer.close()


def _write_partitioned(documents_jsonl: Path, out: Path, batch: int) -> None:
    import shutil

    staging = Path(tempfile.mkdtemp(prefix=".tables.", dir=out))
    try:
        chunk: list[dict] = []
        part = 0

        def flush() -> None:
            nonlocal part
            for name, rows in table_rows(chunk).items():
                (staging / name).mkdir(exist_ok=True)
                writer = _ParquetTable(staging / name / f"part-{part:05d}.parquet", COLUMNS[name])
                writer.write(rows)
                writer.close()
            part += 1

        for document in _iter_jsonl(documents_jsonl):
            chunk.append(document)
            if len(chunk) >= batch:
                flush()
                chunk = []
        if chunk or part == 0:
            flush()
        for name in TABLES:
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging / name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_chunk(writers: dict, documents: list[dict]) -> None:
    for name, rows in table_rows(documents).items():
        writers[name].write(rows)


class _ParquetTable:
    """A Parquet file written batch by batch to a temporary name, renamed into place on close."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        import pyarrow.parquet as pq

        self.path, self.columns, self.schema = path, columns, _arrow_schema(columns)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        self.writer = pq.ParquetWriter(self.tmp, self.schema)

    def write(self, rows: list[dict]) -> None:
        import pyarrow as pa

        if rows:
            self.writer.write_table(pa.Table.from_pylist([{c: r.get(c) for c in self.columns} for r in rows],
                                                         schema=self.schema))

    def close(self) -> None:
        self.writer.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)


class _CsvTable:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.columns = path, columns
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.handle, fieldnames=columns)
        self.writer.writeheader()

    def write(self, rows: list[dict]) -> None:
        for row in rows:
            self.writer.writerow({c: json.dumps(row.get(c), ensure_ascii=False) if c in LIST_COLUMNS
                                  else row.get(c) for c in self.columns})

    def close(self) -> None:
        self.handle.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)


def _arrow_schema(columns: list[str]):
    import pyarrow as pa

    fields = []
    for column in columns:
        if column in LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif column == "urgent":
            kind = pa.bool_()
        elif column in {"n_references", "n_tasks", "span_start", "span_end"}:
            kind = pa.int64()
        elif column == "confidence":
            kind = pa.float64()
        else:
            kind = pa.string()
        fields.append(pa.field(column, kind))
    return pa.schema(fields)
