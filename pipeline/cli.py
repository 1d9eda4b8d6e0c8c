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
from pipeline.unit_names import ASSIGNEE_KINDS


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
@click.option("--workers", type=int, default=None,
              help="Worker processes (default: all cores).")
@click.option("--scheduler", default=None,
              help="Run on a Dask cluster: tcp://host:8786, or 'local' for a LocalCluster on this machine.")
@click.option("--partitioned", is_flag=True, help="Write each table as a folder of Parquet parts.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def extract_command(paths: tuple[Path, ...], out_dir: Path, table_format: str, workers: int | None,
                    scheduler: str | None, partitioned: bool, quiet: bool) -> None:
    """Extract every file under PATHS (files or folders, recursively) into OUT."""
    import os

    from tqdm import tqdm

    def progress(results, total):
        return tqdm(results, total=total, desc="extract", unit="file", file=sys.stderr, disable=quiet)

    started = time.perf_counter()
    result = run_batch(paths, out_dir, table_format=table_format, progress=progress,
                       workers=workers or os.cpu_count() or 1, scheduler=scheduler, partitioned=partitioned)
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
    from pipeline.read import ReadError

    try:
        document = extract(path)
    except ReadError as error:  # NotADocument included: one line, as in a batch's errors table
        raise click.ClickException(f"{path}: {error.kind}: {error.message}") from error
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
    width = max([len("doc_type"), *map(len, n_docs)])
    click.echo(f"{'doc_type':{width}s} {'documents':>9s} {'tasks':>7s}")
    for kind, count in n_docs.most_common():
        click.echo(f"{kind:{width}s} {count:9d} {by_type[kind]:7d}")


@main.group("annotations")
def annotations_group() -> None:
    """Stand-off gold annotations in data/annotations (texts come from ../shared/corpus)."""


DEFAULT_ANNOTATIONS = Path("data/annotations")
DEFAULT_CORPUS = Path("../shared/corpus")


def _corpus_option(f):
    return click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=DEFAULT_CORPUS, show_default=True, help="The corpus the sources live in.")(f)


@annotations_group.command("materialise")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--annotations", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ANNOTATIONS, show_default=True)
@click.option("--split", "split_name", type=click.Choice(["train", "dev", "test", "all"]), default="all",
              show_default=True, help="Only the documents of this split (data/split.json).")
@_corpus_option
def materialise_command(out_dir: Path, annotations: Path, split_name: str, corpus: Path) -> None:
    """Write contract JSON files (<doc_id>.json) of the annotations into OUT_DIR."""
    from pipeline.annotations import load_gold, load_split, write_json

    ids = None if split_name == "all" else set(load_split(annotations.parent / "split.json")[split_name])
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = load_gold(annotations, corpus, ids)
    for doc_id, doc in docs.items():
        write_json(out_dir / f"{doc_id}.json", doc)
    click.echo(f"{len(docs)} documents, {sum(len(d['tasks']) for d in docs.values())} tasks -> {out_dir}")


@annotations_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--annotator", required=True, help="Who annotated them.")
@click.option("--prefilled", is_flag=True, help="Suggestions were pre-filled by the pipeline, then checked.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_ANNOTATIONS,
              show_default=True)
@_corpus_option
def import_command(files: tuple[Path, ...], annotator: str, prefilled: bool, out_dir: Path, corpus: Path) -> None:
    """Turn contract JSON files (gold shape, task texts verbatim) into stand-off records."""
    from pipeline.annotations import to_standoff, write_json

    out_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        record = to_standoff(json.loads(file.read_text(encoding="utf-8")), corpus, annotator, prefilled)
        write_json(out_dir / f"{record['doc_id']}.json", record)
        click.echo(f"{record['doc_id']}: {len(record['tasks'])} tasks")


@annotations_group.command("agreement")
@click.argument("first", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("second", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_corpus_option
def agreement_command(first: Path, second: Path, corpus: Path) -> None:
    """Agreement between two annotators' stand-off folders, on the documents both annotated."""
    from pipeline.annotations import agreement, load_gold

    a, b = load_gold(first, corpus), load_gold(second, corpus)
    common = sorted(set(a) & set(b))
    result = agreement({k: a[k] for k in common}, {k: b[k] for k in common})
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


@annotations_group.command("export-labelstudio")
@click.argument("out_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--annotations", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ANNOTATIONS, show_default=True)
@_corpus_option
def export_labelstudio_command(out_file: Path, annotations: Path, corpus: Path) -> None:
    """Write the annotations as a Label Studio import file (JSON list of tasks)."""
    from pipeline.annotations import load_standoff, to_label_studio

    items = [to_label_studio(rec, corpus) for rec in load_standoff(annotations).values()]
    out_file.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"{len(items)} documents -> {out_file} (labelling config: data/labelstudio_config.xml)")


@annotations_group.command("import-labelstudio")
@click.argument("in_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_ANNOTATIONS,
              show_default=True)
def import_labelstudio_command(in_file: Path, out_dir: Path) -> None:
    """Read a Label Studio JSON export back into stand-off records."""
    from pipeline.annotations import from_label_studio, write_json

    out_dir.mkdir(parents=True, exist_ok=True)
    for item in json.loads(in_file.read_text(encoding="utf-8")):
        record = from_label_studio(item)
        write_json(out_dir / f"{record['doc_id']}.json", record)
        click.echo(f"{record['doc_id']}: {len(record['tasks'])} tasks")


@main.command("train")
@_corpus_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("models"),
              show_default=True)
@click.option("--date", "stamp", default=None, help="Date stamp of the model files (default: today).")
def train_command(corpus: Path, out_dir: Path, stamp: str | None) -> None:
    """Train the four models (action types, task screen, unit tagger, assignee suggester); write models/ and
    models/metrics.json."""
    from pipeline.train import train

    metrics = train(corpus, out_dir, stamp, log=lambda m: click.echo(m, err=True))
    click.echo(json.dumps(metrics, ensure_ascii=False, indent=1))


@main.command("suggest")
@click.argument("text", required=False)
@click.option("--draft", "draft", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A draft notice: suggest leads for each of its tasks that names none, the units its other "
                   "tasks name first (as the drafting page does).")
@click.option("-k", "k", default=5, show_default=True, help="How many units.")
@click.option("--candidate", "candidates", multiple=True, help="Restrict to these units (repeatable).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(ASSIGNEE_KINDS),
              help="Only leads of this kind: unit, office (a title: \"Giám đốc Sở ...\") or person (repeatable; "
                   "default: all).")
@click.option("--prefer", "prefer", multiple=True,
              help="Units the rest of the draft names: ranked first, the rest from all units (repeatable).")
@click.option("--json", "as_json", is_flag=True)
def suggest_command(text: str | None, draft: Path | None, k: int, candidates: tuple[str, ...], kinds: tuple[str, ...],
                    prefer: tuple[str, ...], as_json: bool) -> None:
    """Rank lead units for a draft task TEXT (or for the tasks of a --draft file that name no lead), with the past
    tasks behind each suggestion."""
    from dataclasses import asdict

    from pipeline.suggester import suggest

    if (text is None) == (draft is None):
        raise click.UsageError("give either a task TEXT or --draft FILE")
    if draft is not None:
        _suggest_for_draft(draft, k, list(candidates) or None, list(kinds) or None, as_json)
        return
    ranked = suggest(text, k=k, candidates=list(candidates) or None, kinds=kinds or None, prefer=list(prefer) or None)
    if as_json:
        click.echo(json.dumps([asdict(s) for s in ranked], ensure_ascii=False, indent=1))
        return
    if not ranked:
        reason = "the text is empty" if not text.strip() else "no past task is like it"
        click.echo(f"no suggestion: {reason}", err=True)
    for rank, s in enumerate(ranked, 1):
        click.echo(f"{rank}. {s.unit}  {s.score:.3f}{_suggestion_notes(asdict(s))}")
        for e in s.evidence[:2]:
            click.echo(f"     ~ {e.similarity:.2f}  {e.text[:100]}")


def _suggestion_notes(suggestion: dict) -> str:
    """What a printed suggestion adds after its score: unseen in training, its kind, named in the draft."""
    notes = "" if suggestion["seen_in_training"] else "  (not seen in training)"
    notes += "" if suggestion["kind"] == "unit" else f"  [{suggestion['kind']}]"
    return notes + ("  (named in the draft)" if suggestion["in_document"] else "")


def _suggest_for_draft(path: Path, k: int, candidates: list[str] | None, kinds: list[str] | None,
                       as_json: bool) -> None:
    """The drafting page's suggestions for a draft file: its tasks without a named lead, each with k units."""
    from pipeline.read import ReadError, read_file
    from pipeline.serve import analyse

    try:
        result = analyse(read_file(path), candidates, k, draft=True, doc_id=path.stem, kinds=kinds)
    except ReadError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    open_tasks = [t for t in result["tasks"] if not t["lead_named"]]
    if as_json:
        click.echo(json.dumps([{"task_id": t["task_id"], "text": t["text"], "lead_units": t["lead_units"],
                                "suggestions": t["suggestions"]} for t in open_tasks], ensure_ascii=False, indent=1))
        return
    if not open_tasks:
        click.echo(f"every task of {path.name} ({len(result['tasks'])}) names its lead", err=True)
    for task in open_tasks:
        click.echo(f"{task['task_id']}  {task['text'][:100]}")
        for rank, s in enumerate(task["suggestions"], 1):
            click.echo(f"  {rank}. {s['unit']}  {s['score']:.3f}{_suggestion_notes(s)}")


@main.command("sql")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("query", required=False)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.option("--examples", is_flag=True, help="Print the example queries and run none.")
def sql_command(dataset: Path, query: str | None, as_csv: bool, examples: bool) -> None:
    """Run a DuckDB QUERY over DATASET's tables: tasks, documents, references_ (see --examples)."""
    from pipeline.query import EXAMPLES, format_table, run

    if examples or not query:
        for title, text in EXAMPLES.items():
            click.echo(f"-- {title}\n{' '.join(text.split())}\n")
        return
    try:
        columns, rows = run(dataset, query)
    except Exception as exc:  # duckdb's errors: a clear message and exit code 2, no traceback
        raise click.ClickException(str(exc).splitlines()[0]) from exc
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        click.echo(format_table(columns, rows))


@main.command("gazetteer")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write it (default: the packaged pipeline/data/unit_gazetteer.tsv).")
def gazetteer_command(corpus: Path, out: Path | None) -> None:
    """Rebuild the unit-name gazetteer from the addressee lists and headings of the documents in CORPUS."""
    from pipeline.unit_names import PACKAGED_GAZETTEER, rebuild_gazetteer

    out = out or PACKAGED_GAZETTEER
    click.echo(f"{rebuild_gazetteer(corpus, out)} names -> {out}")


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


def _register_optional_commands() -> None:
    from pipeline.report import export_command, report_command
    from pipeline.serve import serve_command

    main.add_command(report_command)
    main.add_command(export_command)
    main.add_command(serve_command)


_register_optional_commands()

if __name__ == "__main__":
    main()
