"""Looking at a dataset: analyses, plots, a self-contained HTML report and a Hugging Face export.

Reads a dataset folder written by ``nhiemvu extract`` (``tasks``, ``documents``
and ``references`` Parquet tables, ``errors.jsonl``, ``manifest.jsonl``; a CSV
folder is read through ``documents.jsonl``) and gives

* analysis functions returning small pandas tables: tasks per lead unit, the
  action-type mix per document type, the deadline horizon, the deadline status
  of tasks, the most-cited documents and the lead–support co-assignment pairs;
* one matplotlib figure per analysis (``plot_*``);
* ``render_html``/``write_report``: all of it as one HTML page with the figures
  embedded as base64 PNG, the provenance of the dataset and its counts; nothing
  in the page points outside it;
* ``export_hf``: the tables as a folder that Hugging Face ``datasets`` loads
  (``load_dataset(DIR)`` gives the tasks, ``load_dataset(DIR, "documents")``
  the documents, ``"references"`` the citations);
* ``run_notebook``: executes ``notebooks/explore_tasks.ipynb`` with nbclient in
  a kernel started from this Python (nothing registered globally).

``report_command`` and ``export_command`` are the ``nhiemvu report`` and
``nhiemvu export`` commands. pandas and matplotlib are imported on first
use (importing this module stays cheap for the CLI); nbclient, nbformat and
ipykernel only by ``run_notebook``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib
import io
import json
import math
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline.dataset import COLUMNS, LIST_COLUMNS, TABLES, table_rows
from pipeline.evaluate import norm
from pipeline.models import ACTION_TYPES


class _LazyModule:
    """A module imported on first use, so that the other `nhiemvu` commands do not pay for pandas and matplotlib."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


if TYPE_CHECKING:
    import matplotlib
    import pandas as pd
    from matplotlib import colors as mcolors
    from matplotlib import ticker
    from matplotlib.figure import Figure
else:
    matplotlib = _LazyModule("matplotlib")
    pd = _LazyModule("pandas")
    mcolors = _LazyModule("matplotlib.colors")
    ticker = _LazyModule("matplotlib.ticker")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = ROOT / "out" / "shared-corpus"
UNKNOWN = "(unknown)"
OTHER_TYPES = "(other types)"
ALL_TASKS = "All tasks"
DEADLINE_CLASSES = ("dated deadline", "time limit, no date", "urgent only", "no deadline")
DEADLINE_COLOURS = ("#2e7d32", "#9ccc65", "#ef6c00", "#bdbdbd")
ACTION_COLOURS = {"implement": "#1f77b4", "draft": "#ff7f0e", "review": "#2ca02c", "report": "#d62728",
                  "advise": "#9467bd", "coordinate": "#8c564b", "organize": "#e377c2", "inspect": "#17becf",
                  "monitor": "#bcbd22", "communicate": "#393b79", "fund": "#f4a582", "other": "#c7c7c7"}
HORIZON_BINS: tuple[tuple[float, float, str], ...] = (
    (-math.inf, -1, "before issue"),
    (0, 7, "≤ 1 week"),
    (8, 31, "≤ 1 month"),
    (32, 92, "≤ 3 months"),
    (93, 183, "≤ 6 months"),
    (184, 366, "≤ 1 year"),
    (367, 731, "≤ 2 years"),
    (732, math.inf, "> 2 years"),
)
STYLE = {"font.family": "DejaVu Sans", "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}


# -- loading --------------------------------------------------------------------------------------


@dataclass
class TaskDataset:
    """The tables of one dataset folder; list columns hold Python lists."""

    path: Path
    tasks: pd.DataFrame
    documents: pd.DataFrame
    references: pd.DataFrame
    errors: list[dict] = field(default_factory=list)
    manifest: list[dict] = field(default_factory=list)
    table_source: str = "parquet"
    doc_types: tuple[str, ...] | None = None  # set by subset()


def load(path: str | Path) -> TaskDataset:
    """Read a dataset folder written by ``nhiemvu extract``.

    The Parquet tables are read when present; otherwise (``--format csv``) the
    tables are rebuilt from ``documents.jsonl`` exactly as ``extract`` builds them.
    """
    path = Path(path)
    has_parquet = all((path / f"{name}.parquet").exists() for name in TABLES)
    if not has_parquet and not (path / "documents.jsonl").exists():
        raise FileNotFoundError(f"{path} is not a dataset folder: no tables and no documents.jsonl")
    if has_parquet:
        frames = {name: pd.read_parquet(path / f"{name}.parquet") for name in TABLES}
    else:
        rows = table_rows(_read_jsonl(path / "documents.jsonl"))
        frames = {name: pd.DataFrame(rows[name]) for name in TABLES}
    for name, frame in frames.items():
        frames[name] = _tidy(frame, COLUMNS[name])
    return TaskDataset(path=path, tasks=frames["tasks"], documents=frames["documents"],
                       references=frames["references"], errors=_read_jsonl(path / "errors.jsonl"),
                       manifest=_read_jsonl(path / "manifest.jsonl"),
                       table_source="parquet" if has_parquet else "documents.jsonl")


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut by a crash
    return rows


def _tidy(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame.reindex(columns=columns).astype(object)
    for column in columns:
        clean = _as_list if column in LIST_COLUMNS else _value
        # object columns holding None (not NaN) for missing values, whatever pandas would infer
        frame[column] = pd.Series([clean(v) for v in frame[column]], index=frame.index, dtype=object)
    return frame


def _as_list(value: Any) -> list:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [v for v in list(value) if _value(v) is not None]


def _value(value: Any) -> Any:
    """None for missing values and empty strings, the value otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def subset(ds: TaskDataset, doc_types: Iterable[str]) -> TaskDataset:
    """Only the documents of the given types (as written in ``doc_type``; ``"(unknown)"`` for none), with
    their tasks and citations. Errors and manifest are kept: they describe the whole build."""
    wanted = tuple(dict.fromkeys(doc_types))
    kinds = ds.documents["doc_type"].map(lambda v: v or UNKNOWN)
    keep = set(ds.documents.loc[kinds.isin(wanted), "doc_id"])

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["doc_id"].isin(keep)].reset_index(drop=True)

    return replace(ds, tasks=rows(ds.tasks), documents=rows(ds.documents), references=rows(ds.references),
                   doc_types=wanted)


def resolve_dataset(value: str | Path | None = None, shared: str | Path | None = None) -> Path:
    """The dataset folder to look at: ``value`` when given, else ``out/shared-corpus``.

    The default folder is built from the whole ``../shared/corpus`` (or
    ``$NHIEMVU_SHARED/corpus``) on first use; later calls reuse it.
    """
    if value:
        path = Path(value)
        if not ((path / "documents.jsonl").exists() or (path / "tasks.parquet").exists()):
            raise FileNotFoundError(f"{path} is not a dataset folder (run `nhiemvu extract ... --out {path}`)")
        return path
    if (DEFAULT_DATASET / "documents.jsonl").exists():
        return DEFAULT_DATASET
    corpus = Path(shared or os.environ.get("NHIEMVU_SHARED", ROOT.parent / "shared")) / "corpus"
    if not corpus.is_dir():
        raise FileNotFoundError(f"no dataset given and no corpus at {corpus}: set NHIEMVU_DATASET to a folder "
                                "written by `nhiemvu extract`")
    from pipeline.dataset import run_batch

    run_batch([corpus], DEFAULT_DATASET, workers=os.cpu_count() or 1)
    return DEFAULT_DATASET


# -- provenance and counts ------------------------------------------------------------------------


def provenance(ds: TaskDataset) -> dict[str, Any]:
    """Where the dataset comes from: folder, source folders, files, fingerprint, build date, version."""
    from pipeline import __version__

    latest = {entry["path"]: entry for entry in ds.manifest if "path" in entry}
    folders = Counter(str(Path(p).parent) for p in latest)
    fingerprint = hashlib.sha256("".join(f"{p}\t{latest[p].get('sha256')}\n" for p in sorted(latest))
                                 .encode("utf-8")).hexdigest()
    files = [ds.path / name for name in ("documents.jsonl", "manifest.jsonl", *(f"{t}.parquet" for t in TABLES))]
    mtimes = [f.stat().st_mtime for f in files if f.exists()]
    built = datetime.fromtimestamp(max(mtimes), tz=timezone.utc) if mtimes else None
    return {
        "dataset": str(ds.path.resolve()),
        "built": built.strftime("%Y-%m-%d %H:%M UTC") if built else None,
        "source_folders": dict(folders.most_common()),
        "files_processed": len(latest),
        "outcomes": dict(Counter(e.get("status") or "?" for e in latest.values()).most_common()),
        "fingerprint": fingerprint[:16],
        "tables_read_from": ds.table_source,
        "document_types": ", ".join(ds.doc_types) if ds.doc_types is not None else "all",
        "nhiemvu_version": __version__,
    }


def counts(ds: TaskDataset) -> dict[str, int]:
    """How many documents, tasks, citations and errors; how many tasks have a lead, partners, a deadline."""
    tasks, refs = ds.tasks, ds.references
    classes = deadline_class(tasks).value_counts()
    return {
        "documents": len(ds.documents),
        "tasks": len(tasks),
        "documents_with_tasks": int(tasks["doc_id"].nunique()),
        "tasks_with_lead": int((tasks["lead_units"].map(len) > 0).sum()),
        "tasks_with_support": int((tasks["support_units"].map(len) > 0).sum()),
        **{f"tasks_{k.replace(' ', '_').replace(',', '')}": int(classes.get(k, 0)) for k in DEADLINE_CLASSES},
        "urgent_tasks": int(tasks["urgent"].fillna(False).astype(bool).sum()),
        "citations_in_tasks": int(refs["task_id"].notna().sum()),
        "citations_in_basis": int(refs["task_id"].isna().sum()),
        "errors": len(ds.errors),
        **{f"errors_{kind}": n for kind, n in Counter(e.get("kind") for e in ds.errors).most_common()},
    }


def document_types(ds: TaskDataset) -> pd.DataFrame:
    """Documents and tasks per document type, most tasks first: doc_type, documents, tasks."""
    kinds = ds.documents["doc_type"].map(lambda v: v or UNKNOWN)
    documents = kinds.value_counts()
    tasks = ds.tasks["doc_type"].map(lambda v: v or UNKNOWN).value_counts()
    table = pd.DataFrame({"documents": documents, "tasks": tasks}).fillna(0).astype(int)
    table = table.sort_values(["tasks", "documents"], ascending=False).rename_axis("doc_type").reset_index()
    return table


# -- analyses -------------------------------------------------------------------------------------


def _units(tasks: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per (task, unit): doc_id, task_id, unit (as written), key (comparison form)."""
    rows = [(doc_id, task_id, unit, norm(unit))
            for doc_id, task_id, units in zip(tasks["doc_id"], tasks["task_id"], tasks[column], strict=True)
            for unit in dict.fromkeys(units)]
    return pd.DataFrame(rows, columns=["doc_id", "task_id", "unit", "key"])


def _label_by_key(frame: pd.DataFrame, column: str = "unit") -> dict[str, str]:
    """The most frequent spelling of each comparison key (ties: the first seen)."""
    return {key: group[column].value_counts().index[0] for key, group in frame.groupby("key", sort=False)}


def tasks_per_lead_unit(ds: TaskDataset, top: int = 15) -> pd.DataFrame:
    """Lead units by number of tasks they lead: unit, kind, tasks, documents.

    Spellings that compare equal (ANNOTATION §4: case, UBND, tone placement,
    hyphens) count as one unit, shown in its most frequent spelling. ``kind``
    tells a unit from an office by its title ("Bộ trưởng") and a person by name
    (``pipeline.unit_names.assignee_kind``).
    """
    from pipeline.unit_names import assignee_kind

    units = _units(ds.tasks, "lead_units")
    if units.empty:
        return pd.DataFrame(columns=["unit", "kind", "tasks", "documents"])
    labels = _label_by_key(units)
    grouped = units.groupby("key").agg(tasks=("task_id", "size"), documents=("doc_id", "nunique"))
    grouped = grouped.sort_values(["tasks", "documents"], ascending=False).head(top)
    names = [labels[k] for k in grouped.index]
    return pd.DataFrame({"unit": names, "kind": [assignee_kind(n) for n in names],
                         "tasks": grouped["tasks"].to_numpy(), "documents": grouped["documents"].to_numpy()})


def lead_kinds(ds: TaskDataset) -> dict[str, int]:
    """How many (task, lead) pairs name a unit, an office by its title and a person by name."""
    from pipeline.unit_names import ASSIGNEE_KINDS, assignee_kind

    counts = Counter(assignee_kind(unit) for unit in _units(ds.tasks, "lead_units")["unit"])
    return {kind: counts.get(kind, 0) for kind in ASSIGNEE_KINDS}


def _doc_type(tasks: pd.DataFrame, top_types: int) -> pd.Series:
    """The task's document type; types beyond the ``top_types`` largest are pooled."""
    kinds = tasks["doc_type"].map(lambda v: v or UNKNOWN)
    keep = set(kinds.value_counts().head(top_types).index)
    return kinds.where(kinds.isin(keep), OTHER_TYPES)


def action_mix(ds: TaskDataset, top_types: int = 10) -> pd.DataFrame:
    """Tasks per document type (rows, largest first) and main action (columns, ANNOTATION §5 order)."""
    tasks = ds.tasks
    if tasks.empty:
        return pd.DataFrame(columns=list(ACTION_TYPES))
    main = tasks["main_action"].map(lambda v: v or "other")
    table = pd.crosstab(_doc_type(tasks, top_types), main)
    table = table.reindex(columns=[a for a in ACTION_TYPES if a in table.columns] +
                          [a for a in table.columns if a not in ACTION_TYPES], fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table = pd.concat([table.drop(index=[OTHER_TYPES], errors="ignore"),
                       table.loc[[t for t in table.index if t == OTHER_TYPES]]])
    table.index.name, table.columns.name = "doc_type", "main_action"
    return table


def deadline_class(tasks: pd.DataFrame) -> pd.Series:
    """Each task's deadline status (DEADLINE_CLASSES): a dated deadline; a time limit without a date
    (a relative limit with no start date, or a recurrence); urgent only; none."""
    def classify(row) -> str:
        if row.deadline:
            return DEADLINE_CLASSES[0]
        if row.deadline_text or row.recurrence:
            return DEADLINE_CLASSES[1]
        if row.urgent:
            return DEADLINE_CLASSES[2]
        return DEADLINE_CLASSES[3]

    if tasks.empty:
        return pd.Series([], dtype=object)
    return pd.Series([classify(r) for r in tasks[["deadline", "deadline_text", "recurrence", "urgent"]]
                      .itertuples(index=False)], index=tasks.index, dtype=object)


def deadline_status(ds: TaskDataset, top_types: int = 10) -> pd.DataFrame:
    """Tasks per deadline status (columns) for all tasks (first row) and per document type."""
    tasks = ds.tasks
    classes = deadline_class(tasks)
    if tasks.empty:
        return pd.DataFrame(0, index=[ALL_TASKS], columns=list(DEADLINE_CLASSES))
    table = pd.crosstab(_doc_type(tasks, top_types), classes).reindex(columns=list(DEADLINE_CLASSES),
                                                                       fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table = pd.concat([table.drop(index=[OTHER_TYPES], errors="ignore"),
                       table.loc[[t for t in table.index if t == OTHER_TYPES]]])
    overall = pd.DataFrame([table.sum(axis=0)], index=[ALL_TASKS])
    result = pd.concat([overall, table])
    result.index.name, result.columns.name = "doc_type", "deadline"
    return result


def _day(value: Any) -> pd.Timestamp | None:
    if isinstance(value, str) and len(value) == 10:
        stamp = pd.to_datetime(value, format="%Y-%m-%d", errors="coerce")
        return None if pd.isna(stamp) else stamp
    return None


def deadline_horizon(ds: TaskDataset) -> pd.DataFrame:
    """Tasks with a dated deadline: doc_id, task_id, doc_type, issued_date, deadline and ``days``
    from issue to deadline (missing when the issue date is not known to the day)."""
    tasks = ds.tasks[ds.tasks["deadline"].notna()]
    rows = []
    for t in tasks.itertuples(index=False):
        issued, due = _day(t.issued_date), _day(t.deadline)
        days = (due - issued).days if issued is not None and due is not None else None
        rows.append((t.doc_id, t.task_id, t.doc_type or UNKNOWN, t.issued_date, t.deadline, days))
    frame = pd.DataFrame(rows, columns=["doc_id", "task_id", "doc_type", "issued_date", "deadline", "days"])
    frame["days"] = frame["days"].astype("Int64")
    return frame


def horizon_bins(horizon: pd.DataFrame) -> pd.Series:
    """Tasks per horizon band (HORIZON_BINS), bands in order, empty bands kept."""
    days = horizon["days"].dropna().astype(int)
    return pd.Series({label: int(((days >= lo) & (days <= hi)).sum()) for lo, hi, label in HORIZON_BINS},
                     name="tasks")


def _reference_key(row) -> str:
    return norm(row.symbol or row.text)


def _reference_label(symbol: str | None, text: str | None, kind: str | None) -> str:
    label = symbol or text or "?"
    if kind and not norm(label).startswith(norm(kind)):
        label = f"{kind} {label}"
    return label


def most_cited(ds: TaskDataset, top: int = 15) -> pd.DataFrame:
    """Cited documents by number of citing documents, then of citing tasks.

    Columns: reference (type and symbol, or the citation text), documents (that
    cite it anywhere), tasks (that cite it), basis (documents citing it in their
    "Căn cứ" lines), citations (all mentions). A document's own symbol is not
    told apart: a law citing itself by name counts.
    """
    refs = ds.references
    if refs.empty:
        return pd.DataFrame(columns=["reference", "documents", "tasks", "basis", "citations"])
    refs = refs.assign(key=[_reference_key(r) for r in refs.itertuples(index=False)])
    refs = refs[refs["key"] != ""]
    rows = []
    for key, group in refs.groupby("key", sort=False):
        symbol = group["symbol"].dropna().value_counts()
        kind = group["type"].dropna().value_counts()
        text = group["text"].dropna().value_counts()
        in_tasks = group[group["task_id"].notna()]
        rows.append({
            "key": key,
            "reference": _reference_label(symbol.index[0] if len(symbol) else None,
                                          text.index[0] if len(text) else None,
                                          kind.index[0] if len(kind) else None),
            "documents": group["doc_id"].nunique(),
            "tasks": len(in_tasks[["doc_id", "task_id"]].drop_duplicates()),
            "basis": group[group["task_id"].isna()]["doc_id"].nunique(),
            "citations": len(group),
        })
    table = pd.DataFrame(rows).sort_values(["documents", "tasks", "citations"], ascending=False).head(top)
    return table.drop(columns="key").reset_index(drop=True)


def co_assignment(ds: TaskDataset, top: int = 30) -> pd.DataFrame:
    """Lead–support pairs by the number of tasks that assign both: lead, support, tasks, documents."""
    leads, supports = _units(ds.tasks, "lead_units"), _units(ds.tasks, "support_units")
    if leads.empty or supports.empty:
        return pd.DataFrame(columns=["lead", "support", "tasks", "documents"])
    pairs = leads.merge(supports, on=["doc_id", "task_id"], suffixes=("_lead", "_support"))
    pairs = pairs[pairs["key_lead"] != pairs["key_support"]]
    if pairs.empty:
        return pd.DataFrame(columns=["lead", "support", "tasks", "documents"])
    labels = {**_label_by_key(leads), **_label_by_key(supports)}
    grouped = (pairs.groupby(["key_lead", "key_support"])
               .agg(tasks=("task_id", "size"), documents=("doc_id", "nunique"))
               .sort_values(["tasks", "documents"], ascending=False).head(top).reset_index())
    return pd.DataFrame({"lead": grouped["key_lead"].map(labels), "support": grouped["key_support"].map(labels),
                         "tasks": grouped["tasks"].to_numpy(), "documents": grouped["documents"].to_numpy()})


# -- figures --------------------------------------------------------------------------------------


def _short(text: Any, width: int = 46) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.subplots()
    return fig, ax


def _empty(ax, title: str, message: str) -> None:
    ax.set_title(title, loc="left", fontweight="bold")
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_axis_off()


def _styled(plot: Callable[..., Figure]) -> Callable[..., Figure]:
    def wrapper(*args, **kwargs) -> Figure:
        with matplotlib.rc_context(STYLE):
            return plot(*args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = plot.__name__, plot.__doc__
    return wrapper


KIND_COLOURS = {"unit": "#1565c0", "office": "#ef6c00", "person": "#757575"}
KIND_LABELS = {"unit": "unit", "office": "office (by title)", "person": "person (by name)"}


@_styled
def plot_tasks_per_lead_unit(table: pd.DataFrame) -> Figure:
    """Horizontal bars: tasks led by each unit, the largest on top."""
    fig, ax = _figure(10, 1.2 + 0.32 * max(len(table), 3))
    title = "Tasks per lead unit"
    if table.empty:
        _empty(ax, title, "no task has a lead unit")
        return fig
    labels = [_short(u) for u in table["unit"]][::-1]
    kinds = list(table["kind"])[::-1] if "kind" in table else ["unit"] * len(table)
    bars = ax.barh(labels, table["tasks"].to_numpy()[::-1], color=[KIND_COLOURS.get(k, "#1565c0") for k in kinds])
    if set(kinds) - {"unit"}:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=KIND_COLOURS[k], label=KIND_LABELS[k]) for k in KIND_COLOURS if k in kinds],
                  loc="lower right", fontsize=8, frameon=False)
    ax.bar_label(bars, labels=[f"{t}  ({d} doc.)" for t, d in zip(table["tasks"][::-1], table["documents"][::-1],
                                                                   strict=True)],
                 padding=3, fontsize=8)
    ax.set_xlabel("tasks led")
    ax.set_title(title, loc="left", fontweight="bold")
    ax.margins(x=0.18)
    return fig


def _stacked_shares(ax, table: pd.DataFrame, colours, legend_title: str) -> None:
    shares = table.div(table.sum(axis=1).replace(0, 1), axis=0)
    labels = [f"{_short(t, 30)}  (n={n})" for t, n in zip(table.index, table.sum(axis=1), strict=True)][::-1]
    left = [0.0] * len(table)
    for colour, column in zip(colours, table.columns, strict=False):
        values = shares[column].to_numpy()[::-1]
        bars = ax.barh(labels, values, left=left, color=colour, label=column, edgecolor="white", linewidth=0.5)
        ax.bar_label(bars, labels=[f"{v:.0%}" if v >= 0.07 else "" for v in values], label_type="center",
                     fontsize=7, color="white" if sum(mcolors.to_rgb(colour)) < 1.6 else "black")
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.legend(title=legend_title, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)


@_styled
def plot_action_mix(table: pd.DataFrame) -> Figure:
    """100 % stacked bars: the share of each main action among a document type's tasks."""
    fig, ax = _figure(10, 1.4 + 0.38 * max(len(table), 3))
    title = "Main action per document type (share of tasks)"
    if table.empty or table.to_numpy().sum() == 0:
        _empty(ax, title, "no tasks")
        return fig
    spare = iter(["#8dd3c7", "#fb8072", "#80b1d3"])
    colours = [ACTION_COLOURS.get(action) or next(spare, "#dddddd") for action in table.columns]
    _stacked_shares(ax, table, colours, "main action")
    ax.set_title(title, loc="left", fontweight="bold")
    return fig


@_styled
def plot_deadline_status(table: pd.DataFrame) -> Figure:
    """Stacked bars of the tasks that have some time constraint (dated deadline, time limit without a
    date, urgent only) as a share of all tasks; the share with none is written at the end of each bar."""
    fig, ax = _figure(10, 1.4 + 0.38 * max(len(table), 3))
    title = "Tasks with a deadline, a time limit or urgency (share of all tasks)"
    if table.to_numpy().sum() == 0:
        _empty(ax, title, "no tasks")
        return fig
    totals = table.sum(axis=1).replace(0, 1)
    shares = table.div(totals, axis=0)
    labels = [f"{_short(t, 30)}  (n={n})" for t, n in zip(table.index, table.sum(axis=1), strict=True)][::-1]
    left = [0.0] * len(table)
    for colour, column in zip(DEADLINE_COLOURS[:3], DEADLINE_CLASSES[:3], strict=True):
        values = shares[column].to_numpy()[::-1]
        ax.barh(labels, values, left=left, color=colour, label=column, edgecolor="white", linewidth=0.5)
        left = [a + b for a, b in zip(left, values, strict=True)]
    widest = max(left) or 0.01
    for y, (end, none) in enumerate(zip(left, shares[DEADLINE_CLASSES[3]].to_numpy()[::-1], strict=True)):
        ax.text(end + widest * 0.01, y, f"{end:.1%} with · {none:.1%} none", va="center", fontsize=8,
                color="#424242")
    ax.set_xlim(0, widest * 1.35)
    ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of the tasks of the row")
    ax.legend(title="deadline", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    ticks = ax.get_yticklabels()
    if ticks:
        ticks[-1].set_fontweight("bold")  # the "All tasks" row, drawn on top
    ax.set_title(title, loc="left", fontweight="bold")
    return fig


@_styled
def plot_deadline_horizon(horizon: pd.DataFrame) -> Figure:
    """Bars: tasks per band of days from the document's issue date to the task's deadline."""
    fig, ax = _figure(10, 3.6)
    title = "Deadline horizon: days from issue date to deadline"
    days = horizon["days"].dropna().astype(int)
    if days.empty:
        _empty(ax, title, f"no task has both a dated deadline and an issue date known to the day "
                          f"({len(horizon)} dated deadlines)")
        return fig
    bins = horizon_bins(horizon)
    colours = ["#c62828" if label == "before issue" else "#1565c0" for label in bins.index]
    bars = ax.bar(bins.index, bins.to_numpy(), color=colours)
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_ylabel("tasks")
    ax.margins(y=0.15)
    ax.set_title(title, loc="left", fontweight="bold")
    positive = days[days >= 0]
    note = (f"{len(days)} of {len(horizon)} tasks with a dated deadline have an issue date known to the day; "
            f"median {int(positive.median()) if len(positive) else '–'} days")
    ax.text(0, -0.2, note, transform=ax.transAxes, fontsize=8, color="#555555", va="top")
    return fig


@_styled
def plot_most_cited(table: pd.DataFrame) -> Figure:
    """Horizontal bars: documents citing each cited document, with its citing tasks."""
    fig, ax = _figure(10, 1.2 + 0.32 * max(len(table), 3))
    title = "Most-cited documents"
    if table.empty:
        _empty(ax, title, "no citations")
        return fig
    labels = [_short(r, 52) for r in table["reference"]][::-1]
    bars = ax.barh(labels, table["documents"].to_numpy()[::-1], color="#6a1b9a")
    ax.bar_label(bars, labels=[f"{d}  ({t} tasks)" for d, t in zip(table["documents"][::-1], table["tasks"][::-1],
                                                                    strict=True)],
                 padding=3, fontsize=8)
    ax.set_xlabel("documents citing it")
    ax.margins(x=0.18)
    ax.set_title(title, loc="left", fontweight="bold")
    return fig


@_styled
def plot_co_assignment(pairs: pd.DataFrame) -> Figure:
    """Bipartite network: lead units (left) joined to their support units (right), line width = tasks."""
    leads = list(dict.fromkeys(pairs["lead"])) if not pairs.empty else []
    supports = list(dict.fromkeys(pairs["support"])) if not pairs.empty else []
    fig, ax = _figure(10, 1.5 + 0.3 * max(len(leads), len(supports), 4))
    title = "Lead–support co-assignment (tasks assigning both)"
    if pairs.empty:
        _empty(ax, title, "no task has both a lead and a support unit")
        return fig
    lead_weight = pairs.groupby("lead")["tasks"].sum()
    support_weight = pairs.groupby("support")["tasks"].sum()
    leads.sort(key=lambda u: -lead_weight[u])
    supports.sort(key=lambda u: -support_weight[u])

    def positions(names: list[str]) -> dict[str, float]:
        n = len(names)
        return {name: 1 - (i + 0.5) / n for i, name in enumerate(names)}

    left, right = positions(leads), positions(supports)
    top = pairs["tasks"].max()
    for row in pairs.itertuples(index=False):
        share = row.tasks / top
        ax.plot([0, 1], [left[row.lead], right[row.support]], color="#00897b", alpha=0.25 + 0.6 * share,
                linewidth=0.6 + 5 * share, solid_capstyle="round", zorder=1)
    biggest = max(lead_weight.max(), support_weight.max())
    ax.scatter([0] * len(leads), [left[u] for u in leads], s=[30 + 250 * lead_weight[u] / biggest for u in leads],
               color="#1565c0", zorder=2)
    ax.scatter([1] * len(supports), [right[u] for u in supports],
               s=[30 + 250 * support_weight[u] / biggest for u in supports], color="#ef6c00", zorder=2)
    for unit in leads:
        ax.text(-0.07, left[unit], f"{_short(unit, 40)} ({lead_weight[unit]})", ha="right", va="center",
                fontsize=8.5)
    for unit in supports:
        ax.text(1.07, right[unit], f"({support_weight[unit]}) {_short(unit, 40)}", ha="left", va="center",
                fontsize=8.5)
    ax.text(-0.07, 1.0, "lead (chủ trì) — tasks", ha="right", va="bottom", fontweight="bold", color="#1565c0")
    ax.text(1.07, 1.0, "tasks — support (phối hợp)", ha="left", va="bottom", fontweight="bold", color="#ef6c00")
    ax.set_xlim(-0.9, 1.9)
    ax.set_ylim(0, 1.05)
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontweight="bold")
    return fig


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


# -- the HTML report ------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    text: str
    table: pd.DataFrame
    figure: Figure
    index: bool = False


def sections(ds: TaskDataset, top: int = 15) -> list[Section]:
    """The analyses of the report, each with its table and figure, in reading order."""
    lead = tasks_per_lead_unit(ds, top)
    mix = action_mix(ds)
    horizon = deadline_horizon(ds)
    status = deadline_status(ds)
    cited = most_cited(ds, top)
    pairs = co_assignment(ds, 2 * top)
    n_tasks = len(ds.tasks)
    no_lead = n_tasks - int((ds.tasks["lead_units"].map(len) > 0).sum())
    kinds = lead_kinds(ds)
    bands = horizon_bins(horizon).rename_axis("days from issue to deadline").reset_index()
    return [
        Section("lead", "Who gets the work: tasks per lead unit",
                f"The {len(lead)} units that lead the most tasks. Spellings that differ only in case, "
                f"abbreviation (UBND) or tone placement count as one unit. {no_lead} of {n_tasks} tasks "
                f"have no lead unit. Of the {sum(kinds.values())} leads, {kinds['office']} name an office by its "
                f"title (\"Bộ trưởng\", \"Giám đốc Sở ...\") and {kinds['person']} a person by name.",
                lead, plot_tasks_per_lead_unit(lead)),
        Section("actions", "What kind of work: main action per document type",
                "Share of each main action (the first action type of a task) among the tasks of each "
                "document type; n is the number of tasks.", mix, plot_action_mix(mix), index=True),
        Section("deadlines", "How much has a real deadline",
                "Each task falls in one class: a dated deadline (a resolved day); a time limit without a date "
                "(a relative limit with no start date, \"trong thời hạn 05 ngày làm việc\", or a recurrence "
                "only); urgent only (khẩn trương, ngay … with no time limit); or none. The bars show the first "
                "three as shares of all tasks of the row; the rest have no deadline.", status,
                plot_deadline_status(status), index=True),
        Section("horizon", "Deadline horizon",
                "Days from the document's issue date to the task's deadline, for tasks with a dated deadline "
                "whose document's issue date is known to the day. Negative values (red) are deadlines before "
                "the issue date.", bands, plot_deadline_horizon(horizon)),
        Section("cited", "Which documents drive the work: most-cited documents",
                "Documents cited by the most documents (in the \"Căn cứ\" lines or in tasks); tasks is the "
                "number of tasks citing it.", cited, plot_most_cited(cited)),
        Section("network", "Lead–support co-assignment network",
                f"The {len(pairs)} most frequent pairs of a lead unit and a support unit named in the same task; "
                "line width and node size follow the number of tasks.", pairs, plot_co_assignment(pairs)),
    ]


CSS = """
body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;margin:0 auto;max-width:1100px;padding:24px;
color:#212121;line-height:1.45}
h1{margin-bottom:4px}h2{margin-top:36px;border-bottom:2px solid #e0e0e0;padding-bottom:4px}
.sub{color:#616161;margin-top:0}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #e0e0e0;padding:3px 10px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:24px}
img{max-width:100%;height:auto;border:1px solid #eeeeee}
details{margin:6px 0 0}summary{cursor:pointer;color:#1565c0}
code{background:#f5f5f5;padding:1px 4px}
"""


def _html_table(rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{html.escape(str(k))}</th><td class=\"n\">{html.escape(_fmt(v))}</td></tr>"
                   for k, v in rows)
    return f"<table>{body}</table>"


def _fmt(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _frame_html(frame: pd.DataFrame, index: bool) -> str:
    frame = frame.reset_index() if index else frame
    head = "".join(f"<th{_num_class(frame[c])}>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td{_num_class(frame[c])}>{html.escape(_fmt(v))}</td>"
                                    for c, v in zip(frame.columns, row, strict=True)) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><tr>{head}</tr>{body}</table>"


def _num_class(column: pd.Series) -> str:
    return ' class="n"' if pd.api.types.is_numeric_dtype(column) else ""


def render_html(ds: TaskDataset, top: int = 15, generated: datetime | None = None) -> str:
    """The whole report as one HTML page; figures are embedded ``data:image/png;base64`` images."""
    generated = generated or datetime.now(timezone.utc)
    prov, numbers = provenance(ds), counts(ds)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>nhiemvu report — {html.escape(ds.path.name)}</title><style>{CSS}</style></head><body>",
        "<h1>Tasks in Vietnamese administrative documents</h1>",
        f'<p class="sub">nhiemvu report of <code>{html.escape(prov["dataset"])}</code>, generated '
        f'{generated.strftime("%Y-%m-%d %H:%M UTC")}. Extraction is rule-based: the figures describe what the '
        "pipeline found, not a checked annotation.</p>",
        '<div class="grid"><section id="counts"><h2>Counts</h2>',
        _html_table([(k.replace("_", " "), v) for k, v in numbers.items()]),
        '</section><section id="provenance"><h2>Provenance</h2>',
        _html_table([("dataset folder", prov["dataset"]), ("built", prov["built"]),
                     ("files processed", prov["files_processed"]), ("outcomes", prov["outcomes"]),
                     ("fingerprint (manifest sha256)", prov["fingerprint"]),
                     ("tables read from", prov["tables_read_from"]),
                     ("document types shown", prov["document_types"]),
                     ("nhiemvu version", prov["nhiemvu_version"])]),
        "<p>Source folders (files):</p>",
        _html_table(list(prov["source_folders"].items())[:12]),
        "</section></div>",
        "<details><summary>documents and tasks per document type</summary>",
        _frame_html(document_types(ds), index=False), "</details>",
    ]
    for section in sections(ds, top):
        image = base64.b64encode(figure_png(section.figure)).decode("ascii")
        parts += [
            f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>',
            f"<p>{html.escape(section.text)}</p>",
            f'<img alt="{html.escape(section.title)}" src="data:image/png;base64,{image}">',
            f"<details><summary>numbers</summary>{_frame_html(section.table, section.index)}</details>",
            "</section>",
        ]
    if ds.errors:
        parts += ['<section id="errors"><h2>Files without a document</h2>',
                  _frame_html(pd.DataFrame([{k: e.get(k) for k in ("path", "kind", "message")}
                                            for e in ds.errors]), index=False), "</section>"]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(dataset: str | Path, out: str | Path, top: int = 15, doc_types: Iterable[str] = ()) -> Path:
    """Write the HTML report of a dataset folder to ``out`` (only ``doc_types`` when given)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ds = load(dataset)
    doc_types = tuple(doc_types)
    out.write_text(render_html(subset(ds, doc_types) if doc_types else ds, top), encoding="utf-8")
    return out


# -- Hugging Face export --------------------------------------------------------------------------

COLUMN_DOCS = {
    "doc_id": "document id (the source file's stem, unique within the dataset)",
    "task_id": "task id within the document, T01, T02, … in reading order (references: empty for the "
               "\"Căn cứ\" lines)",
    "section": "the heading the task stands under",
    "text": "task text / citation text as printed",
    "lead_units": "units that must act (chủ trì)",
    "support_units": "partner units (phối hợp)",
    "action_types": "action codes in the order stated (ANNOTATION §5)",
    "main_action": "the first action type",
    "deadline_text": "the phrase that sets the time limit",
    "deadline": "last day allowed, ISO date",
    "recurrence": "daily, weekly, monthly, quarterly, half-yearly or yearly",
    "urgent": "the task says khẩn trương, gấp, khẩn, hỏa tốc or ngay",
    "n_references": "number of documents the task cites",
    "span_start": "start of the task in the normalised text (characters)",
    "span_end": "end of the task in the normalised text (characters)",
    "confidence": "the task screen's probability that the row is a task (rows under 0.3 are dropped unless "
                  "NHIEMVU_TASK_SCREEN=0)",
    "doc_type": "document type (Công văn, Quyết định, …)",
    "issuer": "issuing body",
    "issued_date": "issue date, ISO (may be only a year or a month)",
    "source": "path of the source file at extraction",
    "number": "document number",
    "symbol": "document symbol (ký hiệu)",
    "parent_issuer": "the issuer's parent body",
    "place": "place of issue",
    "subject": "trích yếu",
    "meeting_date": "date of the meeting a notice concludes",
    "signer": "who signed",
    "signer_title": "the signer's title",
    "recipients": "the Nơi nhận lines",
    "n_tasks": "number of tasks in the document",
    "type": "type of the cited document",
    "date": "date of the cited document, ISO",
}
CONFIG_DOCS = {
    "tasks": "one row per task (default configuration)",
    "documents": "one row per document: its header fields",
    "references": "one row per citation, in a task or in the document's \"Căn cứ\" lines",
}


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def dataset_card(ds: TaskDataset, data_files: dict[str, str]) -> str:
    """README.md of the export: YAML header with the configurations (``data_files``: each table's file inside
    the export), then the description."""
    prov, numbers = provenance(ds), counts(ds)
    configs = _configs(ds)
    yaml = ["---", "language:", "- vi", "pretty_name: nhiemvu — tasks in Vietnamese administrative documents",
            "license: other", "size_categories:", f"- {_size_category(len(ds.tasks))}", "tags:",
            "- vietnamese", "- administrative-documents", "- information-extraction", "configs:"]
    for name in configs:
        yaml += [f"- config_name: {name}", "  data_files:", "  - split: train", f"    path: {data_files[name]}"]
        if name == configs[0]:
            yaml.append("  default: true")
    yaml.append("---")
    lines = [
        "# nhiemvu tasks",
        "",
        "Tasks (who must do what, with whom, by when, citing which documents) extracted by the rule-based "
        "`nhiemvu` pipeline from Vietnamese administrative documents, with each document's header. The labels "
        "are the pipeline's output, not a checked annotation; the annotation contract is `ANNOTATION.md` of "
        "the project.",
        "",
        "```python",
        "from datasets import load_dataset",
        *(f'{name} = load_dataset("path/to/this/folder", "{name}", split="train")' for name in configs),
        "```",
        "",
        "| configuration | rows | content |",
        "|---|---|---|",
        *(f"| `{name}` | {len(getattr(ds, name))} | {CONFIG_DOCS[name]}"
          f"{'' if name in configs else '; empty, so not declared (datasets cannot load an empty split)'} |"
          for name in TABLES),
        "",
    ]
    for name in TABLES:
        lines += [f"## `{name}` columns", "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {COLUMN_DOCS.get(c, '')} |" for c in COLUMNS[name]]
        lines.append("")
    lines += [
        "## Provenance",
        "",
        f"- built {prov['built']} by nhiemvu {prov['nhiemvu_version']} from {prov['files_processed']} files "
        f"({_fmt(prov['outcomes'])}); manifest fingerprint `{prov['fingerprint']}`",
        f"- source folders: {_fmt(dict(list(prov['source_folders'].items())[:12]))}",
        f"- {numbers['documents']} documents, {numbers['tasks']} tasks, "
        f"{numbers['citations_in_tasks'] + numbers['citations_in_basis']} citations, {numbers['errors']} files "
        "without a document",
        "- `raw/` holds the extraction's own files: `documents.jsonl` (the contract JSON, one document a line), "
        "`manifest.jsonl` (path, sha256 and outcome of every file) and `errors.jsonl`.",
        "",
        "## Licence",
        "",
        "The source texts are Vietnamese administrative and legal-normative documents, which are not protected "
        "by copyright in Viet Nam (Law on Intellectual Property, Art. 15).",
        "",
    ]
    return "\n".join(yaml) + "\n" + "\n".join(lines)


def _configs(ds: TaskDataset) -> list[str]:
    """The tables with rows, tasks first when it has any: ``datasets`` cannot load a split without rows."""
    return [name for name in TABLES if len(getattr(ds, name))]


def export_hf(dataset: str | Path, out_dir: str | Path, force: bool = False) -> dict[str, int]:
    """Write ``dataset`` as a folder that ``datasets.load_dataset(out_dir)`` loads.

    Layout: ``README.md`` (dataset card whose YAML header declares the
    ``tasks`` (default), ``documents`` and ``references`` configurations),
    ``data/<table>-<content hash>.parquet`` and ``raw/`` (documents.jsonl,
    manifest.jsonl, errors.jsonl). The hash in the names keeps ``datasets``'
    cache, keyed on the folder and its file names, from serving an earlier
    export to the same folder. A table without rows keeps its file but is not
    declared (``datasets`` cannot load an empty split); a dataset without any
    rows is refused. The folder is built beside ``out_dir`` and renamed into
    place; an existing non-empty ``out_dir`` is replaced only with ``force``.
    Returns the rows per table.
    """
    from pipeline.dataset import write_tables

    source, out = Path(dataset), Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise FileExistsError(f"{out} exists and is not empty (use --force to replace it)")
    ds = load(source)
    if not _configs(ds):
        raise ValueError(f"{source} has no documents: nothing to export")
    out.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (build / "data").mkdir()
        (build / "raw").mkdir()
        if ds.table_source == "parquet":
            for name in TABLES:
                shutil.copyfile(source / f"{name}.parquet", build / "data" / f"{name}.parquet")
        else:
            write_tables(source / "documents.jsonl", build / "data", "parquet")
        for name in ("documents.jsonl", "manifest.jsonl", "errors.jsonl"):
            if (source / name).exists():
                shutil.copyfile(source / name, build / "raw" / name)
        data_files = {}
        for name in TABLES:
            table = build / "data" / f"{name}.parquet"
            digest = hashlib.sha256(table.read_bytes()).hexdigest()[:12]
            data_files[name] = f"data/{name}-{digest}.parquet"
            table.rename(build / data_files[name])
        (build / "README.md").write_text(dataset_card(ds, data_files), encoding="utf-8")
        for path in (build, *build.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        if out.exists():
            shutil.rmtree(out)
        os.replace(build, out)
    finally:
        if build.exists():
            shutil.rmtree(build)
    return {name: len(getattr(ds, name)) for name in TABLES}


# -- the notebook ---------------------------------------------------------------------------------

NOTEBOOK = ROOT / "notebooks" / "explore_tasks.ipynb"


def run_notebook(notebook: str | Path = NOTEBOOK, dataset: str | Path | None = None,
                 output: str | Path | None = None, timeout: int = 600):
    """Execute the notebook with nbclient in a kernel run by this Python; returns the executed notebook.

    ``dataset`` is passed to the kernel as ``NHIEMVU_DATASET``. The kernel spec
    lives in a temporary folder (nothing is registered with Jupyter); the
    notebook runs in its own folder. ``output`` writes the executed notebook.
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    env = dict(os.environ)
    if dataset is not None:
        env["NHIEMVU_DATASET"] = str(Path(dataset).resolve())
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    with tempfile.TemporaryDirectory() as kernels:
        spec = Path(kernels) / "nhiemvu-python"
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "nhiemvu (this Python)", "language": "python"}), encoding="utf-8")
        manager = KernelManager(kernel_name="nhiemvu-python",
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        client = NotebookClient(nb, km=manager, timeout=timeout,
                                resources={"metadata": {"path": str(notebook.parent.resolve())}})
        try:
            client.execute(env=env)
        finally:  # nbclient leaves a kernel it was given running
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
    if output is not None:
        nbformat.write(nb, str(output))
    return nb


# -- commands -------------------------------------------------------------------------------------


@click.command("report")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.html"), show_default=True, help="The HTML file to write.")
@click.option("--top", default=15, show_default=True, help="Units, cited documents shown (pairs: twice as many).")
@click.option("--doc-type", "doc_types", multiple=True,
              help="Only documents of this type, as written (e.g. 'Công văn'); repeat for several.")
def report_command(dataset: Path, out_file: Path, top: int, doc_types: tuple[str, ...]) -> None:
    """Write an HTML report of DATASET (a folder written by `nhiemvu extract`): one self-contained page."""
    try:
        ds = load(dataset)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if doc_types:
        ds = subset(ds, doc_types)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(render_html(ds, top), encoding="utf-8")
    click.echo(f"{len(ds.documents)} documents, {len(ds.tasks)} tasks -> {out_file}", err=True)


@click.command("export")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--hf", "hf_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write for Hugging Face `datasets` (load_dataset(DIR)).")
@click.option("--force", is_flag=True, help="Replace the --hf folder when it exists and is not empty.")
def export_command(dataset: Path, hf_dir: Path, force: bool) -> None:
    """Export DATASET (a folder written by `nhiemvu extract`) as a Hugging Face dataset folder."""
    try:
        rows = export_hf(dataset, hf_dir, force=force)
    except (FileExistsError, FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(", ".join(f"{n} {name}" for name, n in rows.items()) + f" -> {hf_dir}", err=True)
