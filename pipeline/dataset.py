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

from pipeline.models import Document, ExtractionError
from pipeline.read import ReadError

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


def pipeline_fingerprint() -> str:
    """A hash of the pipeline's code and data tables: output made by other code is redone."""
    digest = hashlib.sha256()
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


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    extract_file: Callable[[Path, str], Document],
    table_format: str = "parquet",
    progress: Callable[[Iterable], Iterable] | None = None,
) -> BatchResult:
    """Extract every file into ``out_dir``; reruns skip files already done with the same content."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done = _load_manifest(out)
    files = list(iter_files(paths))
    used_ids = {entry["doc_id"] for entry in done.values() if entry.get("doc_id")}
    skipped = 0
    version = pipeline_fingerprint()
    for name in ("documents.jsonl.partial", "errors.jsonl.partial", "manifest.jsonl"):
        _end_cut_line(out / name)
    with (out / "documents.jsonl.partial").open("a", encoding="utf-8") as docs_out, \
            (out / "errors.jsonl.partial").open("a", encoding="utf-8") as errors_out, \
            (out / "manifest.jsonl").open("a", encoding="utf-8") as manifest_out:
        for file in (progress(files) if progress else files):
            digest = sha256_file(file)
            previous = done.get(str(file))
            if previous and previous["sha256"] == digest and previous.get("pipeline") == version:
                skipped += 1
                continue
            doc_id = previous["doc_id"] if previous else _unique_id(file.stem, used_ids)
            entry = {"path": str(file), "sha256": digest, "doc_id": doc_id, "pipeline": version}
            try:
                document = extract_file(file, doc_id)
                docs_out.write(document.to_json() + "\n")
                entry["status"] = "ok"
            except ReadError as exc:
                _write_error(errors_out, ExtractionError(path=str(file), doc_id=doc_id, kind=exc.kind,
                                                         message=exc.message))
                entry["status"] = exc.kind
            except Exception as exc:
                _write_error(errors_out, ExtractionError(path=str(file), doc_id=doc_id, kind="internal",
                                                         message=f"{type(exc).__name__}: {exc}"))
                entry["status"] = "internal"
            docs_out.flush()
            errors_out.flush()
            manifest_out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            manifest_out.flush()
    documents = _finalise_jsonl(out, "documents", key="doc_id")
    errors = _finalise_jsonl(out, "errors", key="path")
    write_tables(documents, out, table_format)
    return BatchResult(len(documents), len(errors), skipped, out)


def _end_cut_line(path: Path) -> None:
    """A crash can leave a last line without its newline; end it so that appends start clean."""
    if path.exists() and path.stat().st_size:
        with path.open("rb+") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")


def _write_error(handle, error: ExtractionError) -> None:
    handle.write(error.model_dump_json() + "\n")


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


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows


def _finalise_jsonl(out: Path, name: str, key: str) -> list[dict]:
    """Merge earlier output with this run's partial file and write it atomically.

    A file's newest row wins; a document is kept only while its file's latest
    outcome is "ok", an error only while it is not.
    """
    final, partial = out / f"{name}.jsonl", out / f"{name}.jsonl.partial"
    status = {path: entry.get("status") for path, entry in _load_manifest(out).items()}
    rows: dict[str, dict] = {}
    for row in _read_jsonl(final) + _read_jsonl(partial):
        path = row.get("source") if name == "documents" else row.get("path")
        if (status.get(path) == "ok") == (name == "documents"):
            rows[path] = row
    ordered = sorted(rows.values(), key=lambda r: r[key])
    atomic_write_text(final, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ordered))
    partial.unlink(missing_ok=True)
    return ordered


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
                "span_start", "span_end", "doc_type", "issuer", "issued_date"]
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


def _reference_row(doc_id: str, task_id: str | None, ref: dict) -> dict:
    return {"doc_id": doc_id, "task_id": task_id, **{k: ref.get(k) for k in REFERENCE_COLUMNS[2:]}}


COLUMNS = {"tasks": TASK_COLUMNS, "documents": DOCUMENT_COLUMNS, "references": REFERENCE_COLUMNS}


def write_tables(documents: list[dict], out: Path, table_format: str = "parquet") -> None:
    rows = table_rows(documents)
    for name in TABLES:
        if table_format == "csv":
            _write_csv(out / f"{name}.csv", COLUMNS[name], rows[name])
        else:
            _write_parquet(out / f"{name}.parquet", COLUMNS[name], rows[name])


def _write_parquet(path: Path, columns: list[str], rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = []
    for column in columns:
        if column in LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif column in {"urgent"}:
            kind = pa.bool_()
        elif column in {"n_references", "n_tasks", "span_start", "span_end"}:
            kind = pa.int64()
        else:
            kind = pa.string()
        fields.append(pa.field(column, kind))
    schema = pa.schema(fields)
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)
    _atomic(path, lambda tmp: pq.write_table(table, tmp))


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: json.dumps(row.get(c), ensure_ascii=False) if c in LIST_COLUMNS
                                 else row.get(c) for c in columns})

    _atomic(path, write)
