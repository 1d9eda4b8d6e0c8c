"""Task screening: a learned filter that drops the task candidates unlikely to be tasks.

The rules of :mod:`pipeline.tasks` find most instructions but also many blocks
that are not (findings, particulars, quoted rules): on the train split a quarter
of the candidates pair with no gold task. ``TaskScreen`` is an estimator with
``fit(documents, labels)`` and ``predict_proba(document)``: a logistic
regression over sparse features of each candidate as the contract JSON shows
it (its opening words, its section heading, the document type, how many units
it names and where they come from, the cue lexicon's first action, its place
in the document). Trained on the pipeline's candidates in the annotated
documents, labelled by whether they pair with a gold task (the scorer's
pairing); ``keep`` drops the candidates whose probability is under
``threshold`` and renumbers the rest.

The shipped model (``models/tasks-screen-v1-<date>.joblib``) is used by
:func:`screen_tasks`, which records each kept task's probability as its
``confidence`` (ANNOTATION §1 allows such fields); ``NHIEMVU_TASK_SCREEN=0``
keeps every candidate, scored, so that a user can choose a threshold.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import pairwise

from pipeline.classify import ModelChoice, Persisted, ordered_actions, syllables
from pipeline.models import DocumentInfo, Task

SCREEN_SWITCH = "NHIEMVU_TASK_SCREEN"
"""Set to 0 to keep every task candidate (each still with its ``confidence``)."""
OPENING_WORDS = 40
"""Syllables of a candidate's text that its word features look at."""


def candidate_features(tasks: list[Task], index: int, info: DocumentInfo) -> str:
    """The features of candidate ``index`` among a document's ``tasks``, as space-separated tokens."""
    task, count = tasks[index], len(tasks)
    words = syllables(task.text)[:OPENING_WORDS]
    actions = ordered_actions(task.text)
    leads = {u.lower() for u in task.lead_units}
    first_lead = syllables(task.lead_units[0])[:1] if task.lead_units else ["none"]
    features = [f"w:{w}" for w in words] + [f"ww:{a}_{b}" for a, b in pairwise(words)]
    features += [f"open1:{'_'.join(words[:1])}", f"open2:{'_'.join(words[:2])}", f"open3:{'_'.join(words[:3])}"]
    features += [f"sec:{w}" for w in syllables(task.section or "")[:12]]
    features += [f"lead:{w}" for unit in task.lead_units[:2] for w in syllables(unit)[:2]]
    features += [
        f"type:{info.doc_type}",
        f"leads:{min(len(task.lead_units), 3)}",
        f"supports:{min(len(task.support_units), 3)}",
        f"length:{min(len(task.text) // 80, 8)}",
        f"deadline:{task.deadline is not None}",
        f"references:{min(len(task.references), 2)}",
        f"cues:{min(len(actions), 4)}",
        f"first_cue:{actions[0] if actions else 'none'}",
        f"place:{5 * index // max(1, count)}",
        f"candidates:{min(count // 10, 6)}",
        f"capital:{task.text[:1].isupper()}",
        f"colon:{task.text.rstrip().endswith(':')}",
        f"no_section:{not task.section}",
        f"lead_is_issuer:{bool(info.issuer) and info.issuer.lower() in leads}",
        f"lead_is_recipient:{bool(leads & {r.lower() for r in info.recipients})}",
        f"lead_{first_lead[0]}_named:{any(u.lower() in task.text.lower() for u in task.lead_units)}",
    ]
    return " ".join(f.replace(" ", "_") for f in features)


@dataclass
class TaskScreen(Persisted):
    """Probability that a task candidate is a task; candidates under ``threshold`` are dropped."""

    C: float = 3.0
    threshold: float = 0.3
    random_state: int = 13

    def fit(self, documents: list[tuple[list[Task], DocumentInfo]], labels: list[list[bool]]) -> TaskScreen:
        """``documents``: each document's candidates and header; ``labels``: per candidate, is it a task."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        rows = [candidate_features(tasks, i, info) for tasks, info in documents for i in range(len(tasks))]
        targets = [bool(y) for document_labels in labels for y in document_labels]
        if len(rows) != len(targets):
            raise ValueError(f"{len(rows)} candidates but {len(targets)} labels")
        self.vectorizer_ = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        self.model_ = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced",
                                         random_state=self.random_state)
        self.model_.fit(self.vectorizer_.fit_transform(rows), targets)
        return self

    def predict_proba(self, tasks: list[Task], info: DocumentInfo) -> list[float]:
        """P(task) of each candidate of one document."""
        if not tasks:
            return []
        rows = [candidate_features(tasks, i, info) for i in range(len(tasks))]
        positive = list(self.model_.classes_).index(True)
        return [float(p) for p in self.model_.predict_proba(self.vectorizer_.transform(rows))[:, positive]]

    def keep(self, tasks: list[Task], info: DocumentInfo, threshold: float | None = None) -> list[Task]:
        """The candidates at or over ``threshold`` (default: the model's), each with its probability as
        ``confidence``, renumbered T01, T02, ..."""
        threshold = self.threshold if threshold is None else threshold
        for task, probability in zip(tasks, self.predict_proba(tasks, info), strict=True):
            task.confidence = round(probability, 3)
        kept = [t for t in tasks if t.confidence is not None and t.confidence >= threshold]
        for number, task in enumerate(kept, 1):
            task.task_id = f"T{number:02d}"
        return kept


_SCREEN = ModelChoice()


def using_screen(screen: TaskScreen | None):
    """Within the block, the pipeline screens with ``screen`` (None: keeps every candidate), not the shipped one."""
    return _SCREEN.using(screen)


def screen_tasks(tasks: list[Task], info: DocumentInfo) -> list[Task]:
    """``tasks`` scored by the chosen (or shipped) screen, without the candidates it rejects; with
    ``NHIEMVU_TASK_SCREEN=0`` every candidate stays, still scored; without a screen, ``tasks`` unchanged."""
    screen = _SCREEN.chosen(lambda: TaskScreen.shipped("tasks-screen-v1-*.joblib"))
    if screen is None or not tasks:
        return tasks
    keep_all = os.environ.get(SCREEN_SWITCH, "") in ("0", "false", "no")
    return screen.keep(tasks, info, threshold=0.0 if keep_all else None)
