"""`nhiemvu sql DATASET "select ..."`: DuckDB over a dataset's Parquet tables.

Reads a dataset folder written by ``nhiemvu extract`` (``tasks.parquet``,
``documents.parquet``, ``references.parquet``), by the distributed engine
(``tasks/``, ``documents/``, ``references/`` folders of Parquet parts) or with
``--format csv`` (the tables are then built from ``documents.jsonl``); exposes
them as the views ``tasks``, ``documents`` and ``references_`` (``references``
is an SQL keyword) and runs one query. Nothing is written. The function
``assignee_kind(name)`` tells a unit from an office by its title and a person by
name (``pipeline.unit_names.assignee_kind``).
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES = {
    "tasks per lead unit per year": """
        select unit, substr(issued_date, 1, 4) as year, count(*) as tasks
        from tasks, unnest(lead_units) as t(unit)
        group by unit, year order by tasks desc limit 20""",
    "tasks past their deadline as of 2026-09-30": """
        select doc_id, task_id, deadline, lead_units, substr(text, 1, 80) as text
        from tasks where deadline is not null and length(deadline) = 10 and deadline < '2026-09-30'
        order by deadline""",
    "who leads: units, offices by title, persons by name": """
        select assignee_kind(unit) as kind, count(*) as leads, count(distinct doc_id) as documents,
               mode(unit) as commonest
        from tasks, unnest(lead_units) as t(unit)
        group by kind order by leads desc""",
    "most-cited directives": """
        select symbol, any_value(type) as type, count(distinct doc_id) as documents, count(*) as citations
        from references_ where symbol is not null
        group by symbol order by documents desc, citations desc limit 20""",
}


def _source(dataset: Path, name: str) -> str | None:
    """The Parquet file or parts of one table, or None when the dataset has none."""
    single, folder = dataset / f"{name}.parquet", dataset / name
    if single.exists():
        return str(single)
    if folder.is_dir():
        return str(folder / "**" / "*.parquet")
    return None


def connect(dataset: Path):
    """A DuckDB connection with the dataset's views."""
    import duckdb

    from pipeline.unit_names import assignee_kind

    con = duckdb.connect()
    con.create_function("assignee_kind", assignee_kind, ["VARCHAR"], "VARCHAR", side_effects=False)
    built = None
    for name, view in (("tasks", "tasks"), ("documents", "documents"), ("references", "references_")):
        if (path := _source(dataset, name)) is not None:
            path = path.replace("'", "''")
            con.execute(f"create view {view} as select * from read_parquet('{path}', union_by_name = true)")
            continue
        built = built or _tables_from_documents(dataset)
        con.register(view, built[name])
    return con


def _tables_from_documents(dataset: Path) -> dict:
    """The three tables of a dataset without Parquet (``--format csv``), built from its documents.jsonl."""
    from pipeline.dataset import arrow_tables

    documents = dataset / "documents.jsonl"
    if not documents.exists():
        raise FileNotFoundError(f"{dataset} has no tables and no documents.jsonl "
                                f"(run `nhiemvu extract ... --out {dataset}` first)")
    return arrow_tables(documents)


def run(dataset: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql`` over ``dataset``."""
    con = connect(dataset)
    try:
        result = con.execute(sql)
        return [d[0] for d in result.description], result.fetchall()
    finally:
        con.close()


def format_table(columns: list[str], rows: list[tuple], limit: int = 200) -> str:
    """A plain text table (the first ``limit`` rows)."""
    cells = [[str(c) for c in columns]] + [["" if v is None else str(v) for v in row] for row in rows[:limit]]
    widths = [min(60, max(len(r[i]) for r in cells)) for i in range(len(columns))]
    lines = ["  ".join(v[:60].ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more rows")
    return "\n".join(lines)
