"""The ``nhiemvu`` command: extract, show, evaluate, schema."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click

from pipeline import extract
from pipeline.dataset import run_batch
from pipeline.evaluate import format_report, load_documents, score
from pipeline.models import Document, DocumentInfo, Reference, Task


@click.group()
@click.version_option(package_name="nhiemvu")
def main() -> None:
    """Turn Vietnamese administrative documents into a dataset of tasks."""


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Output folder (created; a rerun resumes and skips unchanged files).")
@click.option("--format", "table_format", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="Format of the tasks/documents/references tables.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def extract_command(paths: tuple[Path, ...], out_dir: Path, table_format: str, quiet: bool) -> None:
    """Extract every file under PATHS (files or folders, recursively) into OUT."""
    from tqdm import tqdm

    def progress(files):
        return tqdm(files, desc="extract", unit="file", file=sys.stderr, disable=quiet)

    started = time.perf_counter()
    result = run_batch(paths, out_dir, lambda f, doc_id: extract(f, doc_id=doc_id),
                       table_format=table_format, progress=progress)
    seconds = time.perf_counter() - started
    click.echo(
        f"{result.documents} documents, {result.errors} errors, {result.skipped} unchanged files skipped "
        f"in {seconds:.1f} s -> {result.out_dir}",
        err=True,
    )


@main.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the contract JSON instead of a table.")
def show_command(path: Path, as_json: bool) -> None:
    """Print one document's header and tasks as a readable table."""
    document = extract(path)
    if as_json:
        click.echo(json.dumps(document.model_dump(), ensure_ascii=False, indent=1))
        return
    click.echo(render(document))


def render(document: Document) -> str:
    """A plain-text view of a document: header lines, then one block per task."""
    info = document.document
    number = f"{info.number or '…'}/{info.symbol}" if info.symbol else "—"
    lines = [
        f"{info.doc_type or 'Văn bản'} {number} — {info.issuer or '?'}"
        + (f" ({info.parent_issuer})" if info.parent_issuer else ""),
        f"Ngày: {info.issued_date or '—'}   Nơi ban hành: {info.place or '—'}   "
        f"Ký: {info.signer_title or ''} {info.signer or '—'}".rstrip(),
        f"Trích yếu: {info.subject or '—'}",
        f"{len(document.tasks)} nhiệm vụ",
        "",
    ]
    for task in document.tasks:
        text = task.text if len(task.text) <= 110 else task.text[:107] + "..."
        lines.append(f"{task.task_id}  {text}")
        lines.append(f"     chủ trì: {', '.join(task.lead_units) or '—'}")
        if task.support_units:
            lines.append(f"     phối hợp: {', '.join(task.support_units)}")
        extra = [", ".join(task.action_types)]
        if task.deadline_text:
            extra.append(f"hạn: {task.deadline_text} → {task.deadline or '?'}")
        if task.recurrence:
            extra.append(f"định kỳ: {task.recurrence}")
        if task.urgent:
            extra.append("KHẨN")
        lines.append("     " + "  |  ".join(extra))
        if task.references:
            lines.append("     căn cứ: " + "; ".join(r.symbol or r.text for r in task.references))
    return "\n".join(lines)


@main.command("evaluate")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.argument("output", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate_command(gold: Path, output: Path, as_json: bool) -> None:
    """Score OUTPUT against GOLD (folders of <doc_id>.json or .jsonl files), as shared/eval/score.py."""
    result = score(load_documents(gold), _load_output(output))
    click.echo(json.dumps(result, ensure_ascii=False, indent=1) if as_json else format_report(result))


def _load_output(path: Path) -> dict[str, dict]:
    """An extraction folder holds documents.jsonl; a folder of .json files is read as is."""
    if path.is_dir() and (path / "documents.jsonl").exists():
        return load_documents(path / "documents.jsonl")
    return load_documents(path)


@main.command("stats")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def stats_command(out_dir: Path) -> None:
    """Tasks per document type of an extraction folder."""
    docs = load_documents(out_dir / "documents.jsonl")
    by_type: Counter[str] = Counter()
    n_docs: Counter[str] = Counter()
    for d in docs.values():
        kind = (d.get("document") or {}).get("doc_type") or "?"
        n_docs[kind] += 1
        by_type[kind] += len(d.get("tasks") or [])
    click.echo(f"{'doc_type':20s} {'documents':>9s} {'tasks':>7s}")
    for kind, count in n_docs.most_common():
        click.echo(f"{kind:20s} {count:9d} {by_type[kind]:7d}")


@main.command("schema")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def schema_command(out_dir: Path) -> None:
    """Write the JSON Schema of the contract records into OUT_DIR."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for model in (Document, DocumentInfo, Task, Reference):
        path = out_dir / f"{model.__name__.lower()}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        click.echo(path)


if __name__ == "__main__":
    main()
