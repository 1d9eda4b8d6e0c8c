"""Trained action-type classifier: TF-IDF features and linear models (scikit-learn).

``ActionTypeClassifier`` is an estimator with ``fit(texts, label_lists,
sample_weight=None)`` and ``predict(texts)``: one logistic regression per label
decides the label set, and the main (first) action is put first. The features
are TF-IDF over syllable n-grams, or over underthesea words
(``analyzer="words"``), plus the cue lexicon's findings: as tokens inside the
TF-IDF (``cue_features``) and/or as a separate block of binary columns of
weight ``cue_weight`` (each label the lexicon finds, the first one stated),
which the TF-IDF normalisation cannot dilute.

"The first action stated" is :func:`ordered_actions`: the cue order with
ANNOTATION §5's rules ("Chủ trì, phối hợp với X rà soát" → review before
coordinate; a light verb directly before another cue, "thực hiện rà soát" →
review first). The main action comes from ``main``:

* ``"model"``: a multinomial logistic regression over the label models'
  features, plus (``position_weight`` > 0) a one-hot column block of the first
  action stated;
* ``"cue"``: the first action stated; the model only when no cue is found;
* ``"rerank"``: among the labels predicted (and the model's main), the one
  stated first; the model's main when none of them has a cue;
* ``"rank"``: a second logistic regression (:class:`MainRanker`) scores every label as the main action from
  the two models' probabilities and where the text states the label (:func:`rank_features`); it learns from
  out-of-fold probabilities (``rank_folds`` contiguous folds inside ``fit``).

``head_syllables`` adds the 1-2-grams of the first syllables of the text as features of their own, so
that a verb at the opening (where the main action is stated) weighs apart from the same verb later on.
``nb_weight`` > 0 averages, at that weight, each label model's probability with a twin's trained on
features scaled by their log-count ratio for the label (NB-LR, Wang & Manning 2012), which sharpens words
typical of one label; the main-action ranker keeps the plain models' probabilities.
``tune_thresholds`` picks one threshold per label from out-of-fold
probabilities inside ``fit`` (contiguous folds, so a document's tasks mostly
stay together). ``sample_weight`` lets weak labels count less. No hidden state
beyond the fitted attributes (and a cache of the lexicon's findings per text);
``random_state`` makes it reproducible. Models saved before these options
still load and predict as before. Saved with joblib, named with a version and
a date (``models/actions-tfidf-v1-YYYYMMDD.joblib``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from pipeline.models import ACTION_TYPES

MODELS = Path(__file__).resolve().parent.parent / "models"

LIGHT_VERBS = {"thực hiện", "tổ chức thực hiện", "triển khai", "tổ chức triển khai"}
"""Implement cues that only carry the next verb when it follows at once ("thực hiện rà soát" → review)."""
LEAD_ROLE = re.compile(r"chủ\s+trì\W*(?:và\s+)?$", re.I)
"""The text before a "phối hợp" cue that makes it the lead's role, not the first action (ANNOTATION §5)."""
LEAD_ROLE_REACH = 60
"""How far before the cue ``LEAD_ROLE`` is looked for (it spans some fifteen characters)."""
THRESHOLD_GRID = tuple(round(0.15 + 0.05 * i, 2) for i in range(13))


def syllables(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def words(text: str) -> list[str]:
    from pipeline.tokenize import tokenize

    return [t.text.lower().replace(" ", "_") for t in tokenize(text) if re.search(r"\w", t.text)]


@lru_cache(maxsize=4096)
def _cues(text: str) -> tuple:
    from pipeline.actions import find_cues

    return tuple(find_cues(text))


def ordered_actions(text: str) -> list[str]:
    """Action labels in the order the text states the actions (ANNOTATION §5), [] without a cue.

    The cue order, except that "phối hợp" right after "chủ trì" and a light verb
    ("thực hiện", "triển khai") directly followed by another cue each go after
    the next cue.
    """
    cues = _cues(text)
    keyed = []
    for i, cue in enumerate(cues):
        key = float(i)
        following = cues[i + 1] if i + 1 < len(cues) else None
        if following is not None and following.action != cue.action:
            lead_role = cue.action == "coordinate" and LEAD_ROLE.search(
                text, max(0, cue.start - LEAD_ROLE_REACH), cue.start)
            light = (re.sub(r"\s+", " ", cue.cue.lower()) in LIGHT_VERBS
                     and len(syllables(text[cue.end : following.start])) <= 1)
            if lead_role or light:
                key += 1.5  # after the next cue
        keyed.append((key, cue.action))
    return list(dict.fromkeys(action for _, action in sorted(keyed)))


def _indicators(texts: list[str], weight: float, main: bool):
    """Binary cue columns times ``weight``: each label the lexicon finds and the first one stated
    (:func:`ordered_actions`); for the main model the first stated only, with a column for "no cue"."""
    import numpy as np
    from scipy.sparse import csr_matrix

    index = {label: i for i, label in enumerate(ACTION_TYPES)}
    n = len(index)
    block = np.zeros((len(texts), n + 1 if main else 2 * n))
    for row, text in enumerate(texts):
        ordered = ordered_actions(text)
        if main:
            block[row, index[ordered[0]] if ordered else n] = weight
            continue
        for label in ordered:
            block[row, index[label]] = weight
        if ordered:
            block[row, n + index[ordered[0]]] = weight
    return csr_matrix(block)


class Persisted:
    """Saved and loaded whole with joblib (fitted attributes included)."""

    def save(self, path: Path) -> Path:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path)
        return path

    @classmethod
    def load(cls, path: Path):
        import joblib

        model = joblib.load(path)
        if not isinstance(model, cls):
            raise TypeError(f"{path} holds a {type(model).__name__}, not a {cls.__name__}")
        return model

    @classmethod
    def shipped(cls, pattern: str):
        """The newest model in models/ whose file name matches ``pattern``, loaded once; None without one."""
        found = sorted(MODELS.glob(pattern))
        if not found:
            return None
        if found[-1] not in _SHIPPED:
            _SHIPPED[found[-1]] = cls.load(found[-1])
        return _SHIPPED[found[-1]]


_SHIPPED: dict[Path, Persisted] = {}


class ModelChoice:
    """The model of one kind the pipeline uses: the one chosen for a block of code (``with choice.using(m):``, None
    for no model), else a default (the shipped model, or None when it is switched off)."""

    def __init__(self) -> None:
        self._stack: list = []

    @contextmanager
    def using(self, model) -> Iterator[None]:
        self._stack.append(model)
        try:
            yield
        finally:
            self._stack.pop()

    def chosen(self, default: Callable[[], object]):
        """The model of the innermost ``using`` block, else ``default()``."""
        return self._stack[-1] if self._stack else default()


class _PerLabel:
    """One binary logistic regression per column (one-vs-rest), with sample weights."""

    def __init__(self, estimator) -> None:
        self.estimator = estimator

    def fit(self, features, targets, sample_weight=None) -> _PerLabel:
        from sklearn.base import clone

        self.estimators_ = [clone(self.estimator).fit(features, targets[:, j], sample_weight=sample_weight)
                            for j in range(targets.shape[1])]
        self._stacked = None
        return self

    def predict_proba(self, features):
        """P(label) per column: the binary models' sigmoid, computed as one product for all labels."""
        import numpy as np
        from scipy.special import expit

        if getattr(self, "_stacked", None) is None:  # the binary models' weights as one matrix, built once
            self._stacked = (np.ascontiguousarray(np.vstack([e.coef_[0] for e in self.estimators_]).T),
                             np.array([e.intercept_[0] for e in self.estimators_]))
        weights, bias = self._stacked
        return expit(np.asarray(features @ weights) + bias)

    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "_stacked"}  # not saved: rebuilt


class _LogCountRatioPerLabel(_PerLabel):
    """NB-LR: per label, a logistic regression over features scaled by their log-count ratio (Wang & Manning 2012).

    The ratio ``r = log((p / |p|) / (q / |q|))`` compares how often each feature is present (smoothed by
    ``alpha``) in the label's tasks (p) and in the others (q); it is folded into the fitted weights, so that
    prediction is the plain models' product.
    """

    def __init__(self, estimator, alpha: float = 1.0) -> None:
        super().__init__(estimator)
        self.alpha = alpha

    def fit(self, features, targets, sample_weight=None) -> _LogCountRatioPerLabel:
        import numpy as np
        from sklearn.base import clone

        features = features.tocsr()
        present = (features > 0).astype(float)
        self.estimators_ = []
        for j in range(targets.shape[1]):
            positive = targets[:, j] > 0
            p = self.alpha + np.asarray(present[positive].sum(axis=0)).ravel()
            q = self.alpha + np.asarray(present[~positive].sum(axis=0)).ravel()
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            estimator = clone(self.estimator).fit(features.multiply(ratio).tocsr(), targets[:, j],
                                                  sample_weight=sample_weight)
            estimator.coef_ = estimator.coef_ * ratio
            self.estimators_.append(estimator)
        self._stacked = None
        return self


@dataclass
class ActionTypeClassifier(Persisted):
    """Multi-label action types, ordered with the predicted main action first."""

    analyzer: str = "syllables"  # or "words"
    ngram_range: tuple[int, int] = (1, 2)
    cue_features: bool = True  # the cue lexicon's findings as extra tokens ("cue:report", "first:review")
    C: float = 4.0
    threshold: float = 0.4
    random_state: int = 13
    main: str = "model"  # "model", "cue", "rerank" or "rank" (see the module's docstring)
    cue_weight: float = 0.0  # > 0: beside the TF-IDF, binary cue columns (labels found, first stated) of this weight
    position_weight: float = 0.0  # > 0: the main model also sees the first action stated, a column of this weight
    main_C: float | None = None  # the main model's C (None: C)
    tune_thresholds: bool = False  # one threshold per label, from out-of-fold probabilities
    head_syllables: int = 0  # > 0: the 1-2-grams of the text's first N syllables also as marked features ("h:...")
    rank_C: float = 1.0  # main="rank": the ranker's C
    rank_folds: int = 5  # main="rank": folds of the out-of-fold probabilities it learns from
    nb_weight: float = 0.0  # > 0: label probabilities average the plain models' with NB-LR twins' at this weight
    labels_: list[str] = field(default_factory=list)

    def _vectorizer(self, analyzer):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)

    def _features(self, text: str) -> list[str]:
        tokens = syllables(text) if self.analyzer == "syllables" else words(text)
        features = _ngrams(tokens, self.ngram_range)
        if head := getattr(self, "head_syllables", 0):  # the opening words, where the main action is stated
            features += ["h:" + gram for gram in _ngrams(syllables(text)[:head], (1, 2))]
        if self.cue_features:
            cues = _cues(text)
            features += [f"cue:{c.action}" for c in cues] + [f"first:{c.action}" for c in cues[:1]]
        return features

    def _design(self, texts: list[str], fit: bool = False):
        """The label models' features and the main model's."""
        from scipy.sparse import hstack

        features = self.vectorizer_.fit_transform(texts) if fit else self.vectorizer_.transform(texts)
        if getattr(self, "cue_weight", 0):
            features = hstack([features, _indicators(texts, self.cue_weight, main=False)]).tocsr()
        main = features
        if getattr(self, "position_weight", 0):
            main = hstack([features, _indicators(texts, self.position_weight, main=True)]).tocsr()
        return features, main

    def _logistic(self, balanced: bool, C: float | None = None):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=C or self.C, max_iter=2000, class_weight="balanced" if balanced else None,
                                  random_state=self.random_state)

    def fit(self, texts: list[str], label_lists: list[list[str]], sample_weight=None) -> ActionTypeClassifier:
        from sklearn.preprocessing import MultiLabelBinarizer

        texts = list(texts)
        self.vectorizer_ = self._vectorizer(self._features)
        features, main_features = self._design(texts, fit=True)
        self.binarizer_ = MultiLabelBinarizer(classes=list(ACTION_TYPES))
        targets = self.binarizer_.fit_transform(label_lists)
        self.labels_ = list(self.binarizer_.classes_)
        present = targets.sum(axis=0) > 0
        self.present_ = [label for label, keep in zip(self.labels_, present, strict=True) if keep]
        self.multi_ = _PerLabel(self._logistic(True)).fit(features, targets[:, present], sample_weight)
        self.nb_multi_ = (_LogCountRatioPerLabel(self._logistic(True)).fit(features, targets[:, present], sample_weight)
                          if self.nb_weight else None)
        self.thresholds_ = self._tuned(features, targets[:, present], sample_weight) if self.tune_thresholds else None
        self.main_ = self._logistic(False, self.main_C).fit(
            main_features, [labels[0] if labels else "other" for labels in label_lists], sample_weight=sample_weight)
        self.ranker_ = self._fit_ranker(texts, label_lists, sample_weight) if self.main == "rank" else None
        return self

    def _label_probabilities(self, features, plain=None):
        """P(label) over ``present_`` that decides the label set: the plain models' (``plain`` when already computed),
        mixed with the NB-LR twins'."""
        probabilities = self.multi_.predict_proba(features) if plain is None else plain
        if (twins := getattr(self, "nb_multi_", None)) is not None:
            probabilities = (1 - self.nb_weight) * probabilities + self.nb_weight * twins.predict_proba(features)
        return probabilities

    def _probabilities(self, texts: list[str]):
        """P(label) of the label models and P(main = label) of the main model, both over ``present_``."""
        features, main_features = self._design(texts)
        return self.multi_.predict_proba(features), self._main_probabilities(main_features)

    def _main_probabilities(self, main_features):
        """P(main = label) of the main model over ``present_`` (0 for a label it never saw as a main action)."""
        import numpy as np

        raw = self.main_.predict_proba(main_features)
        classes = list(self.main_.classes_)
        main = np.zeros((raw.shape[0], len(self.present_)))
        for column, label in enumerate(self.present_):
            if label in classes:
                main[:, column] = raw[:, classes.index(label)]
        return main

    def _fit_ranker(self, texts: list[str], label_lists: list[list[str]], sample_weight) -> MainRanker:
        """The main-action ranker, fitted on out-of-fold probabilities of models with these settings."""
        import numpy as np
        from sklearn.model_selection import KFold

        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        label_p = np.zeros((len(texts), len(self.present_)))
        main_p = np.zeros_like(label_p)
        for inside, outside in KFold(self.rank_folds).split(texts):
            inner = replace(self, main="model", nb_weight=0.0).fit(  # the ranker learns from the plain models
                [texts[i] for i in inside], [label_lists[i] for i in inside], weights[inside])
            labels, main = inner._probabilities([texts[i] for i in outside])
            for column, label in enumerate(self.present_):
                if label in inner.present_:
                    label_p[outside, column] = labels[:, inner.present_.index(label)]
                    main_p[outside, column] = main[:, inner.present_.index(label)]
        mains = [labels[0] if labels else "other" for labels in label_lists]
        return MainRanker(self.present_, self.rank_C, self.random_state).fit(texts, label_p, main_p, mains, weights)

    def _tuned(self, features, targets, sample_weight, folds: int = 3) -> list[float]:
        """Per label, the threshold with the best F1 on out-of-fold probabilities (ties: nearest ``threshold``)."""
        import numpy as np
        from sklearn.model_selection import KFold

        weights = np.ones(targets.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        out_of_fold = np.zeros(targets.shape, dtype=float)
        for inside, outside in KFold(folds).split(targets):
            fit = targets[inside]
            model = _PerLabel(self._logistic(True))
            # a label absent from a fold's training part: never predicted there
            usable = [j for j in range(targets.shape[1]) if 0 < fit[:, j].sum() < len(inside)]
            if not usable:
                continue
            model.fit(features[inside], fit[:, usable], weights[inside])
            out_of_fold[np.ix_(outside, usable)] = model.predict_proba(features[outside])
        gold = weights >= 1  # weak labels (weight below 1) do not tune thresholds
        chosen = []
        for j in range(targets.shape[1]):
            truth, scores = targets[gold, j] > 0, out_of_fold[gold, j]

            def f1(t, truth=truth, scores=scores):
                predicted = scores >= t
                tp = (predicted & truth).sum()
                return 2 * tp / max(1, predicted.sum() + truth.sum())

            chosen.append(max(THRESHOLD_GRID, key=lambda t: (round(f1(t), 6), -abs(t - self.threshold))))
        return chosen

    def predict(self, texts: list[str]) -> list[list[str]]:
        texts = list(texts)
        if not texts:
            return []
        features, main_features = self._design(texts)
        plain = self.multi_.predict_proba(features)  # what the ranker learnt from
        probabilities = self._label_probabilities(features, plain)
        if getattr(self, "ranker_", None) is not None:
            mains = self.ranker_.predict(texts, plain, self._main_probabilities(main_features))
        else:
            mains = self.main_.predict(main_features)
        thresholds = getattr(self, "thresholds_", None) or [self.threshold] * len(self.present_)
        out = []
        for text, row, main in zip(texts, probabilities, mains, strict=True):
            scored = sorted(((p, label) for p, label, t in zip(row, self.present_, thresholds, strict=True)
                             if p >= t), reverse=True)
            chosen = self._main(text, str(main), [str(label) for _, label in scored])
            out.append([chosen] + [str(label) for _, label in scored if label != chosen])
        return out

    def _main(self, text: str, model_main: str, predicted: list[str]) -> str:
        mode = getattr(self, "main", "model")
        if mode in ("model", "rank"):
            return model_main
        ordered = ordered_actions(text)
        if mode == "cue":
            return ordered[0] if ordered else model_main
        if mode == "rerank":
            candidates = set(predicted) | {model_main}
            return next((label for label in ordered if label in candidates), model_main)
        raise ValueError(f"unknown main mode {mode!r}")


OPENING_SYLLABLES = 10
"""How far the opening of a task reaches for :func:`rank_features` (where the main action is stated)."""


def rank_features(text: str, labels: list[str], label_p, main_p):
    """One row per label in ``labels`` for the main-action ranker: the label (one-hot), its probability from the label
    models and from the main model (and their logs), whether the main model picks it, its rank among the actions the
    text states (first, second, third, later or not stated), where its first cue stands (share of the text) and
    whether that cue is in the opening syllables."""
    import numpy as np

    stated = ordered_actions(text)
    first_cue: dict[str, int] = {}
    for cue in _cues(text):
        first_cue.setdefault(cue.action, cue.start)
    opening = re.match(rf"(?:\W*\w+){{1,{OPENING_SYLLABLES}}}", text)
    opening_end = opening.end() if opening else 0
    n = len(labels)
    rows = np.zeros((n, n + 12))
    rows[np.arange(n), np.arange(n)] = 1
    rows[:, n] = label_p
    rows[:, n + 1] = main_p
    rows[int(np.argmax(main_p)), n + 2] = 1
    for j, label in enumerate(labels):
        rank = stated.index(label) if label in stated else -1
        rows[j, n + 3 if rank < 0 else n + 4 + min(rank, 3)] = 1
        if label in first_cue:
            rows[j, n + 8] = first_cue[label] / max(1, len(text))
            rows[j, n + 9] = first_cue[label] < opening_end
    rows[:, n + 10] = np.log(np.maximum(label_p, 1e-4))
    rows[:, n + 11] = np.log(np.maximum(main_p, 1e-4))
    return rows


class MainRanker:
    """Which label is the main action: a logistic regression over :func:`rank_features` rows (positive: the gold
    main action), the label with the highest score wins."""

    def __init__(self, labels: list[str], C: float = 1.0, random_state: int = 13) -> None:
        self.labels = list(labels)
        self.C = C
        self.random_state = random_state

    def fit(self, texts: list[str], label_p, main_p, mains: list[str], sample_weight) -> MainRanker:
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        rows = np.vstack([rank_features(t, self.labels, lp, mp) for t, lp, mp in zip(texts, label_p, main_p,
                                                                                     strict=True)])
        targets = [label == main for main in mains for label in self.labels]
        weights = np.repeat(np.asarray(sample_weight, dtype=float), len(self.labels))
        self.model_ = LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state).fit(
            rows, targets, sample_weight=weights)
        return self

    def predict(self, texts: list[str], label_p, main_p) -> list[str]:
        import numpy as np

        if not texts:
            return []
        rows = np.vstack([rank_features(t, self.labels, lp, mp) for t, lp, mp in zip(texts, label_p, main_p,
                                                                                     strict=True)])
        scores = self.model_.decision_function(rows).reshape(len(texts), len(self.labels))  # one call for all texts
        return [self.labels[int(j)] for j in scores.argmax(axis=1)]


def _ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    out = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def default_model_path() -> Path | None:
    """The newest shipped action-type model, if any."""
    found = sorted(MODELS.glob("actions-*.joblib"))
    return found[-1] if found else None


def predict_actions(texts: list[str]) -> list[list[str]] | None:
    """Action types of ``texts`` from the shipped model (one call per document), or None without a model."""
    model = ActionTypeClassifier.shipped("actions-*.joblib")
    return model.predict(list(texts)) if model is not None else None
