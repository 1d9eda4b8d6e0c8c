"""Learned unit tagger: unit mentions in a task's text with their role (lead or support).

A linear-chain CRF (CRFsuite) over the task's syllables and punctuation,
labelled ``B-LEAD``/``I-LEAD``/``B-SUP``/``I-SUP``/``O``. Its features are the
words around each token, their shape, the rule recogniser's mentions
(:func:`pipeline.units.find_units`) and the cue words before them ("phối hợp
với", "giao", "gửi ... tổng hợp"), so that it learns when the rules' mention
boundaries and roles are right. Trained on the gold tasks: a gold unit is
located in its task's text by its normalised syllables (ANNOTATION §8); units
that the text does not spell out (inherited from a heading) give no span.

The tagger only sees a task's own text; units inherited from headings, the
"Kính gửi" addressees or a plan's executor stay with :mod:`pipeline.tasks`.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.classify import ModelChoice, Persisted
from pipeline.evaluate import norm
from pipeline.units import capitalise, find_units, name_stop

TOKEN = re.compile(r"\w+|[^\w\s]")
ROLES = ("LEAD", "SUP")
CUE_BEFORE = re.compile(
    r"(?P<cue>phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?|gửi(?:\s+về)?|\(qua|qua|liên\s+hệ(?:\s+với)?|mời|làm\s+việc\s+với"
    r"|chỉ\s+đạo|giao|đề\s+nghị|yêu\s+cầu|cho|của|thuộc|với|và|hướng\s+dẫn|đôn\s+đốc|báo\s+cáo|trình|tham\s+mưu)"
    r"\s*[,:]?\s*$",
    re.I,
)
ABBREVIATED = {"ubnd": ("ủy", "ban", "nhân", "dân"), "hđnd": ("hội", "đồng", "nhân", "dân")}


@dataclass(frozen=True)
class TaggedUnit:
    """A unit mention the tagger found: its role, its name as printed, its span in the task's text."""

    role: str  # "lead" or "support"
    name: str
    start: int
    end: int


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Syllables and punctuation marks of ``text`` with their character spans."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _fold(token: str) -> tuple[str, ...]:
    """A token as the scorer compares it (lower case, tone placement, "UBND" spelt out)."""
    key = norm(token)
    return ABBREVIATED.get(key, (key,)) if key else ()


def _shape(token: str) -> str:
    if not token[0].isalnum():
        return "punct"
    if token.isdigit():
        return "digit"
    if token.isupper() and len(token) > 1:
        return "UPPER"
    return "Title" if token[0].isupper() else "lower"


def _position(i: int) -> str:
    return "0" if i == 0 else "1-2" if i < 3 else "3-6" if i < 7 else "7-15" if i < 16 else "16+"


def _inside(toks: list[tuple[str, int, int]], starts: list[int], start: int, end: int) -> list[int]:
    """Indices of the tokens that lie within ``[start, end)``."""
    i = bisect_left(starts, start)
    out = []
    while i < len(toks) and toks[i][2] <= end:
        out.append(i)
        i += 1
    return out


def token_features(text: str) -> list[dict[str, str | float]]:
    """CRF features of each token of a task's text."""
    toks = tokens(text)
    starts = [start for _, start, _ in toks]
    rule = ["O"] * len(toks)
    cue = [""] * len(toks)
    for mention in find_units(text):
        inside = _inside(toks, starts, mention.start, mention.end)
        if not inside:
            continue
        kind = "G" if mention.generic else "M"
        for n, i in enumerate(inside):
            rule[i] = ("B-" if n == 0 else "I-") + kind
        found = CUE_BEFORE.search(text[max(0, mention.start - 40) : mention.start])
        label = re.sub(r"\s+", "_", found["cue"].lower()) if found else "none"
        for i in inside:
            cue[i] = label
    from pipeline.tasks import rule_roles  # imported here: tasks.py imports this module
    from pipeline.unit_names import Gazetteer

    known = ["O"] * len(toks)
    for start, end, _ in Gazetteer.load().find(text):
        for n, i in enumerate(_inside(toks, starts, start, end)):
            known[i] = "B" if n == 0 else "I"
    role = ["-"] * len(toks)
    for mark, mentions in zip(("RL", "RS"), rule_roles(text), strict=True):
        for mention in mentions:
            for i in _inside(toks, starts, mention.start, mention.end):
                role[i] = mark
    lowers = [unicodedata.normalize("NFC", t).lower() for t, _, _ in toks]
    clause = 0
    out = []
    for i, (token, _, _) in enumerate(toks):
        feats: dict[str, str | float] = {
            "bias": 1.0,
            "w": lowers[i],
            "shape": _shape(token),
            "pos": _position(i),
            "clause": str(min(clause, 2)),
            "rule": rule[i],
            "rule_cue": cue[i] or "-",
            "rule_role": role[i],
            "gazetteer": known[i],
        }
        for offset in (-2, -1, 1, 2):
            j = i + offset
            feats[f"w{offset:+d}"] = lowers[j] if 0 <= j < len(toks) else "<pad>"
            if offset in (-1, 1):
                feats[f"shape{offset:+d}"] = _shape(toks[j][0]) if 0 <= j < len(toks) else "pad"
                feats[f"rule{offset:+d}"] = rule[j] if 0 <= j < len(toks) else "pad"
        feats["w-1|w"] = f"{feats['w-1']}|{lowers[i]}"
        feats["w|w+1"] = f"{lowers[i]}|{feats['w+1']}"
        if rule[i] != "O":
            feats["rule|cue"] = f"{rule[i]}|{cue[i]}"
            feats["rule|role"] = f"{rule[i]}|{role[i]}"
        out.append(feats)
        if token in ";.":
            clause += 1
    return out


def silver_labels(text: str, leads: list[str], supports: list[str]) -> list[str]:
    """BIO labels of a task's tokens from its gold units, located by their normalised syllables."""
    toks = tokens(text)
    labels = ["O"] * len(toks)
    # word tokens, with "UBND" spelt out: (folded syllable, token index)
    words = [(piece, i) for i, (t, _, _) in enumerate(toks) for piece in _fold(t)]
    keys = [w for w, _ in words]
    unplaced: list[tuple[str, str]] = []
    for role, names in (("LEAD", leads), ("SUP", supports)):
        for name in names:
            target = norm(name).split()
            placed = False
            for at in range(len(keys) - len(target) + 1) if target else ():
                if keys[at : at + len(target)] != target:
                    continue
                first, last = words[at][1], words[at + len(target) - 1][1]
                if any(label != "O" for label in labels[first : last + 1]):
                    continue
                _label(labels, first, last, role)
                placed = True
            if not placed and target:
                unplaced.append((role, name))
    # a unit the annotator wrote in full ("Ủy ban nhân dân các xã, phường" for "UBND các địa phương"):
    # the rules' mention that shares most of its syllables, when they share at least half
    for role, name in unplaced:
        target = set(norm(name).split())
        best, best_overlap = None, 0.5
        for mention in find_units(text):
            inside = [i for i, (_, s, e) in enumerate(toks) if s >= mention.start and e <= mention.end]
            if not inside or any(labels[i] != "O" for i in inside):
                continue
            syllables = set(norm(mention.name).split())
            overlap = len(target & syllables) / len(target | syllables)
            if overlap >= best_overlap:
                best, best_overlap = inside, overlap
        if best:
            _label(labels, best[0], best[-1], role)
    return labels


def _label(labels: list[str], first: int, last: int, role: str) -> None:
    labels[first] = f"B-{role}"
    for i in range(first + 1, last + 1):
        labels[i] = f"I-{role}"


@dataclass
class UnitTagger(Persisted):
    """CRF unit tagger with ``fit(texts, leads, supports)`` and ``predict(texts)``."""

    c1: float = 0.1
    c2: float = 0.1
    max_iterations: int = 200
    model_bytes_: bytes = field(default=b"", repr=False)

    def fit(self, texts: list[str], leads: list[list[str]], supports: list[list[str]]) -> UnitTagger:
        import pycrfsuite

        trainer = pycrfsuite.Trainer(verbose=False)
        for text, lead, support in zip(texts, leads, supports, strict=True):
            trainer.append(token_features(text), silver_labels(text, lead, support))
        trainer.set_params({"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                            "feature.possible_transitions": True})
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "units.crfsuite"
            trainer.train(str(path))
            self.model_bytes_ = path.read_bytes()
        _tagger.cache_clear()
        return self

    def predict(self, texts: list[str]) -> list[list[TaggedUnit]]:
        """The unit mentions of each text, left to right."""
        tagger = _tagger(self.model_bytes_)
        return [_trimmed(text, _mentions(text, tagger.tag(token_features(text)))) for text in texts]


@lru_cache(maxsize=4)
def _tagger(model_bytes: bytes):
    """A CRFsuite tagger opened on the model's bytes (CRFsuite reads models from files)."""
    import pycrfsuite

    if not model_bytes:
        raise ValueError("the unit tagger is not fitted")
    with tempfile.NamedTemporaryFile(suffix=".crfsuite", delete=False) as handle:
        handle.write(model_bytes)
    tagger = pycrfsuite.Tagger()
    tagger.open(handle.name)
    Path(handle.name).unlink()  # the tagger keeps its own copy in memory
    return tagger


def _mentions(text: str, labels: list[str]) -> list[TaggedUnit]:
    out: list[TaggedUnit] = []
    toks = tokens(text)
    current: list[int] = []
    role = ""

    def close() -> None:
        if current:
            start, end = toks[current[0]][1], toks[current[-1]][2]
            name = text[start:end].strip(" ,;:-–(")
            if name and any(c.isalpha() for c in name):
                out.append(TaggedUnit("lead" if role == "LEAD" else "support", capitalise(name), start,
                                      start + len(name)))

    for i, label in enumerate(labels):
        if label.startswith("B-") or (label.startswith("I-") and (not current or label[2:] != role)):
            close()
            current, role = [i], label[2:]
        elif label.startswith("I-"):
            current.append(i)
        else:
            close()
            current, role = [], ""
    close()
    return out


def _trimmed(text: str, mentions: list[TaggedUnit]) -> list[TaggedUnit]:
    """Mentions cut back to the rules' name where the tagger ran on into the action ("Công an tỉnh kiểm tra ...")."""
    rule_ends = {m.start: m.end for m in find_units(text)}
    out = []
    for mention in mentions:
        end = rule_ends.get(mention.start)
        if end is not None and end < mention.end and name_stop().match(text[end:].lstrip()):
            name = text[mention.start : end].strip(" ,;:-–(")
            mention = TaggedUnit(mention.role, capitalise(name), mention.start, mention.start + len(name))
        out.append(mention)
    return out


_TAGGER = ModelChoice()


def using_tagger(tagger: UnitTagger | None):
    """Within the block, the pipeline uses ``tagger`` (None: the rules alone) instead of the shipped one."""
    return _TAGGER.using(tagger)


TAGGER_SWITCH = "NHIEMVU_UNIT_TAGGER"
"""Set to 1 to take support units from the shipped tagger instead of the rules (off by default: with the
annotations of session 3 the rules are ahead in cross-validation, ``benchmarks/unit_tagger_cv.py``)."""


def _switched_on_tagger() -> UnitTagger | None:
    if os.environ.get(TAGGER_SWITCH, "") not in ("1", "true", "yes"):
        return None
    return UnitTagger.shipped("units-crf-*.joblib")


def tag_units(texts: list[str]) -> list[list[TaggedUnit]] | None:
    """Unit mentions of ``texts`` from the chosen tagger (one call per document); None: the rules decide.

    The shipped tagger is used when ``NHIEMVU_UNIT_TAGGER=1``; :func:`using_tagger` overrides both.
    """
    tagger = _TAGGER.chosen(_switched_on_tagger)
    return tagger.predict(list(texts)) if tagger is not None else None
