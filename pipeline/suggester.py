"""Assignee suggestion: rank lead units for a draft task from past tasks.

``AssigneeSuggester.fit(texts, leads)`` learns from past tasks (their text and
lead units); ``suggest(text, k, candidates)`` ranks units by the TF-IDF cosine
similarity of the draft to the past tasks each unit led (the best few
neighbours per unit, summed), each suggestion with the similar past tasks
behind it. ``candidates`` (the draft's addressees, or the organisation's
units) restricts and normalises the ranking to those names; a candidate never
seen in training is scored by how well its own name and the past tasks of
units with a similar name match the draft. Each suggestion says what it names
(``kind``: a unit, an office by its title or a person by name, as the past tasks
wrote their leads); ``kinds`` keeps only those kinds. ``prefer`` (the units a
draft names elsewhere, :func:`document_units`) ranks those first, as
``candidates`` would, and fills the rest of ``k`` from all units.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pipeline.classify import Persisted, syllables
from pipeline.evaluate import norm
from pipeline.unit_names import ASSIGNEE_KINDS, assignee_kind

if TYPE_CHECKING:
    from pipeline.models import Document, Task


@dataclass(frozen=True)
class Evidence:
    text: str
    unit: str
    similarity: float


@dataclass(frozen=True)
class Suggestion:
    unit: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    seen_in_training: bool = True
    kind: str = "unit"
    """One of ``ASSIGNEE_KINDS``: "unit", "office" ("Giám đốc Sở Công Thương") or "person" ("Nguyễn Thị Loan")."""
    in_document: bool = False
    """Named elsewhere in the draft (one of ``prefer``), hence ranked before the units that are not."""


def unit_key(name: str) -> str:
    """Names that differ only in case, tone placement, "UBND" or punctuation are one unit."""
    return norm(re.sub(r"^(các\s+)", "", name.strip(), flags=re.I))


@dataclass
class AssigneeSuggester(Persisted):
    neighbours: int = 4
    """Past tasks per unit that its score averages; 4 since session 14 (was 5): in 5-fold CV over train + dev under
    three fold seeds every top-1 / top-3 figure, with and without candidates, is as good or better (candidates
    top-1 +0.002 to +0.007, top-3 +0.003 to +0.004), dev top-3 among all units 0.745 -> 0.784."""
    ngram_range: tuple[int, int] = (1, 2)
    names_: dict[str, str] = field(default_factory=dict)

    def fit(self, texts: list[str], leads: list[list[str]]) -> AssigneeSuggester:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer_ = TfidfVectorizer(analyzer=self._analyze, sublinear_tf=True)
        self.matrix_ = self.vectorizer_.fit_transform(texts)
        self.texts_ = list(texts)
        self.keys_: list[list[str]] = []
        counts: dict[str, dict[str, int]] = {}
        for units in leads:
            keys = []
            for unit in units:
                key = unit_key(unit)
                counts.setdefault(key, {}).setdefault(unit, 0)
                counts[key][unit] += 1
                keys.append(key)
            self.keys_.append(keys)
        # display each unit under the form it is most often written in
        self.names_ = {key: max(forms, key=lambda f: (forms[f], -len(f))) for key, forms in counts.items()}
        return self

    def _analyze(self, text: str) -> list[str]:
        tokens = syllables(text)
        out = []
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return out

    def suggest(self, text: str, k: int = 5, candidates: list[str] | None = None,
                kinds: Collection[str] | None = None, prefer: list[str] | None = None) -> list[Suggestion]:
        """The ``k`` best leads for ``text``, among ``candidates`` if given, of the ``kinds`` asked (None: all);
        without ``candidates``, the best of ``prefer`` first (``in_document``), then the best of all units."""
        if kinds is not None and (unknown := set(kinds) - set(ASSIGNEE_KINDS)):
            raise ValueError(f"unknown kind(s) {sorted(unknown)}: choose from {', '.join(ASSIGNEE_KINDS)}")
        draft = self._vector(text)
        similarity = self._similarity(draft)
        per_unit: dict[str, list[tuple[float, int]]] = {}
        for index in similarity.argsort()[::-1][:400]:
            if similarity[index] <= 0:
                break
            for key in self.keys_[index]:
                per_unit.setdefault(key, []).append((float(similarity[index]), int(index)))
        scored = {key: self._score(hits) for key, hits in per_unit.items()}
        if candidates is not None:
            return self._rank_candidates(draft, self._of_kinds(candidates, kinds), scored, per_unit, k)
        out = [replace(s, in_document=True)
               for s in self._rank_candidates(draft, self._of_kinds(prefer or [], kinds), scored, per_unit, k)]
        taken = {unit_key(s.unit) for s in out}
        for key, score in sorted(scored.items(), key=lambda item: -item[1]):
            if len(out) >= k:
                break
            name = self.names_[key]
            kind = assignee_kind(name)
            if key not in taken and (kinds is None or kind in kinds):
                out.append(Suggestion(name, round(score, 4), self._evidence(per_unit[key], key), kind=kind))
        return out

    @staticmethod
    def _of_kinds(names: list[str], kinds: Collection[str] | None) -> list[str]:
        return names if kinds is None else [name for name in names if assignee_kind(name) in kinds]

    def _vector(self, text: str) -> dict[int, float]:
        """The TF-IDF vector of ``text`` over the fitted vocabulary, as {column: weight}: the vectorizer's own
        sublinear-tf, L2-normalised weighting, without scikit-learn's per-call input checks (which cost more than
        the rest on the request path)."""
        import numpy as np

        vocabulary, idf = self.vectorizer_.vocabulary_, self.vectorizer_.idf_
        counts: dict[int, int] = {}
        for gram in self._analyze(text):
            if (column := vocabulary.get(gram)) is not None:
                counts[column] = counts.get(column, 0) + 1
        weights = {c: (1.0 + np.log(n)) * idf[c] for c, n in counts.items()}
        norm = float(np.sqrt(sum(w * w for w in weights.values())))
        return {c: float(w / norm) for c, w in weights.items()} if norm else {}

    def _similarity(self, draft: dict[int, float]):
        """Cosine similarity of a draft's vector (:meth:`_vector`) to every past task (rows are L2-normalised)."""
        import numpy as np

        if getattr(self, "columns_", None) is None:
            self.columns_ = self.matrix_.T.tocsr()  # transposed once, not per request
        similarity = np.zeros(self.columns_.shape[1])
        indptr, indices, data = self.columns_.indptr, self.columns_.indices, self.columns_.data
        for column, weight in draft.items():
            start, end = indptr[column], indptr[column + 1]
            similarity[indices[start:end]] += weight * data[start:end]
        return similarity

    def _distinct(self, hits: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """A unit's hits, best first, one per distinct past text: the evidence shows a text copied into two documents
        once (the score still counts both, as chosen on dev)."""
        seen: set[str] = set()
        out = []
        for similarity, index in sorted(hits, reverse=True):
            if self.texts_[index] not in seen:
                seen.add(self.texts_[index])
                out.append((similarity, index))
        return out

    def _score(self, hits: list[tuple[float, int]]) -> float:
        top = sorted(hits, reverse=True)[: self.neighbours]
        return sum(s for s, _ in top) / self.neighbours

    def _evidence(self, hits: list[tuple[float, int]], key: str) -> tuple[Evidence, ...]:
        return tuple(Evidence(self.texts_[i], self.names_[key], round(s, 4)) for s, i in self._distinct(hits)[:3])

    def _rank_candidates(self, draft: dict[int, float], candidates: list[str], scored: dict[str, float],
                         per_unit: dict[str, list[tuple[float, int]]], k: int) -> list[Suggestion]:
        best_by_word: dict[str, float] = {}  # a known unit's score under each word of its name
        ranked: list[tuple[float, str, str | None]] = []  # score, name, key when seen
        for name in dict.fromkeys(candidates):
            key = unit_key(name)
            if key in scored:
                ranked.append((scored[key], name, key))
                continue
            # unseen: the best-scoring known unit sharing its name's words, discounted, plus name overlap
            if not best_by_word:
                for other, score in scored.items():
                    for word in other.split():
                        best_by_word[word] = max(score, best_by_word.get(word, 0.0))
            words = set(key.split()) - {"sở", "ban", "phòng", "ủy", "nhân", "dân", "tỉnh", "các"}
            related = max((best_by_word.get(word, 0.0) for word in words), default=0.0)
            name_match = sum(weight * draft.get(column, 0.0) for column, weight in self._vector(name).items())
            ranked.append((0.5 * related + 0.2 * name_match, name, None))
        ranked.sort(key=lambda item: -round(item[0], 4))
        return [Suggestion(name, round(score, 4), self._evidence(per_unit[key], key), kind=assignee_kind(name))
                if key else Suggestion(name, round(score, 4), seen_in_training=False, kind=assignee_kind(name))
                for score, name, key in ranked[:k]]


def document_units(document: Document, besides: Task | None = None) -> list[str]:
    """The lead and support units of ``document``'s tasks other than ``besides``, in reading order, each unit once
    (by :func:`unit_key`) and not its issuer (who assigns the work): the units a draft names, to ``prefer`` when
    suggesting a lead for ``besides`` (``benchmarks/suggest_in_document.py`` measures it)."""
    seen = {unit_key(name) for name in (document.document.issuer, document.document.parent_issuer) if name}
    units = []
    for task in document.tasks:
        for unit in (task.lead_units + task.support_units) if task is not besides else []:
            if unit and (key := unit_key(unit)) not in seen:  # "UBND tỉnh" once with "Ủy ban nhân dân tỉnh"
                seen.add(key)
                units.append(unit)
    return units


def default_suggester() -> AssigneeSuggester:
    model = AssigneeSuggester.shipped("suggest-*.joblib")
    if model is None:
        raise FileNotFoundError("no suggestion model in models/: run `nhiemvu train`")
    return model


def suggest(text: str, k: int = 5, candidates: list[str] | None = None,
            kinds: Collection[str] | None = None, prefer: list[str] | None = None) -> list[Suggestion]:
    """Rank lead units for a draft task text with the shipped model (see AssigneeSuggester); ``kinds=("unit",
    "office")`` leaves out persons named in past tasks; ``prefer`` ranks the units the draft names first."""
    return default_suggester().suggest(text, k=k, candidates=candidates, kinds=kinds, prefer=prefer)
