"""Trained action-type classifier: TF-IDF features and linear models (scikit-learn).

``ActionTypeClassifier`` is an estimator with ``fit(texts, label_lists)`` and
``predict(texts)``: one logistic regression per label decides the label set,
a multinomial one decides the main (first) action, which is put first. The
features are TF-IDF over syllable n-grams, or over underthesea words
(``analyzer="words"``). No hidden state beyond the fitted attributes;
``random_state`` makes it reproducible. Saved with joblib, named with a
version and a date (``models/actions-tfidf-v1-YYYYMMDD.joblib``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.models import ACTION_TYPES

MODELS = Path(__file__).resolve().parent.parent / "models"


def syllables(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def words(text: str) -> list[str]:
    from pipeline.tokenize import tokenize

    return [t.text.lower().replace(" ", "_") for t in tokenize(text) if re.search(r"\w", t.text)]


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


@dataclass
class ActionTypeClassifier(Persisted):
    """Multi-label action types, ordered with the predicted main action first."""

    analyzer: str = "syllables"  # or "words"
    ngram_range: tuple[int, int] = (1, 2)
    cue_features: bool = True  # the cue lexicon's findings as extra tokens ("cue:report", "first:review")
    C: float = 4.0
    threshold: float = 0.4
    random_state: int = 13
    labels_: list[str] = field(default_factory=list)

    def _vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer=self._features, sublinear_tf=True, min_df=1)

    def _features(self, text: str) -> list[str]:
        tokens = syllables(text) if self.analyzer == "syllables" else words(text)
        features = _ngrams(tokens, self.ngram_range)
        if self.cue_features:
            from pipeline.actions import find_cues

            cues = find_cues(text)
            features += [f"cue:{c.action}" for c in cues] + [f"first:{c.action}" for c in cues[:1]]
        return features

    def fit(self, texts: list[str], label_lists: list[list[str]]) -> ActionTypeClassifier:
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        self.vectorizer_ = self._vectorizer()
        features = self.vectorizer_.fit_transform(texts)
        self.binarizer_ = MultiLabelBinarizer(classes=list(ACTION_TYPES))
        targets = self.binarizer_.fit_transform(label_lists)
        self.labels_ = list(self.binarizer_.classes_)
        present = targets.sum(axis=0) > 0
        self.multi_ = OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced",
                                                             random_state=self.random_state))
        self.multi_.fit(features[:, :], targets[:, present])
        self.present_ = [label for label, keep in zip(self.labels_, present, strict=True) if keep]
        self.main_ = LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state)
        self.main_.fit(features, [labels[0] if labels else "other" for labels in label_lists])
        return self

    def predict(self, texts: list[str]) -> list[list[str]]:
        features = self.vectorizer_.transform(texts)
        probabilities = self.multi_.predict_proba(features)
        mains = self.main_.predict(features)
        out = []
        for row, main in zip(probabilities, mains, strict=True):
            scored = sorted(((p, label) for p, label in zip(row, self.present_, strict=True) if p >= self.threshold),
                            reverse=True)
            labels = [str(main)] + [str(label) for _, label in scored if label != main]
            out.append(labels)
        return out



def _ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    out = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def default_model_path() -> Path | None:
    """The newest shipped action-type model, if any."""
    found = sorted(MODELS.glob("actions-*.joblib"))
    return found[-1] if found else None


_LOADED: dict[Path, ActionTypeClassifier] = {}


def predict_actions(texts: list[str]) -> list[list[str]] | None:
    """Action types of ``texts`` from the shipped model (one call per document), or None without a model."""
    path = default_model_path()
    if path is None:
        return None
    if path not in _LOADED:
        _LOADED[path] = ActionTypeClassifier.load(path)
    return _LOADED[path].predict(list(texts))
