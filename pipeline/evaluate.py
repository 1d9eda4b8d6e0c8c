"""Scoring of output against gold (ANNOTATION §8), figure for figure as ``shared/eval/score.py``.

Reads two sets of contract documents (folders of ``<doc_id>.json`` or
``.jsonl`` files); writes a result dictionary of the same shape as the
reference scorer's ``--json`` output.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

TONE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
        "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
        "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
DOC_FIELDS = ["doc_type", "number", "symbol", "issuer", "place", "issued_date",
              "meeting_date", "signer", "signer_title", "subject"]
SET_FIELDS = ["tasks", "lead_units", "support_units", "action_types", "references", "urgent"]
ACC_FIELDS = ["deadline", "deadline_when_set", "deadline_text_found", "recurrence", "primary_action"]


def norm(value: Any) -> str:
    """The comparison form of a name or field (ANNOTATION §4)."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFC", str(value)).lower()
    for old, new in TONE.items():
        s = s.replace(old, new)
    s = re.sub(r"\bubnd\b", "ủy ban nhân dân", s)
    s = re.sub(r"\bhđnd\b", "hội đồng nhân dân", s)
    s = re.sub(r"[\s\-–—_.,;:()\"“”']+", " ", s)
    return s.strip()


def _strip_vv(s: str) -> str:
    return re.sub(r"^(v v|về việc)\s+", "", s)


def load_documents(path: str | Path) -> dict[str, dict]:
    """Documents by doc_id from a folder of .json files or a .jsonl file."""
    path = Path(path)
    docs: dict[str, dict] = {}
    if path.is_dir():
        for f in sorted(path.glob("*.json")):
            d = json.loads(f.read_text(encoding="utf-8"))
            docs[d.get("doc_id") or f.stem] = d
    else:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                docs[d["doc_id"]] = d
    return docs


def syllables(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", unicodedata.normalize("NFC", text or "").lower()))


def pair_tasks(gold: list[dict], out: list[dict]) -> list[tuple[int, int]]:
    """Greedy pairing by syllable Jaccard >= 0.5, best overlap first."""
    candidates = []
    for i, g in enumerate(gold):
        gs = syllables(g.get("text"))
        for j, o in enumerate(out):
            os_ = syllables(o.get("text"))
            if gs and os_:
                jac = len(gs & os_) / len(gs | os_)
                if jac >= 0.5:
                    candidates.append((jac, i, j))
    candidates.sort(reverse=True)
    used_g, used_o, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_g and j not in used_o:
            used_g.add(i)
            used_o.add(j)
            pairs.append((i, j))
    return pairs


class PRF:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold, pred) -> None:
        gold, pred = set(gold), set(pred)
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def result(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


class Accuracy:
    def __init__(self) -> None:
        self.ok = self.n = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.ok += bool(ok)

    def result(self) -> dict:
        return {"acc": round(self.ok / self.n, 4) if self.n else None, "n": self.n}


def _ref_keys(task: dict) -> set[str]:
    return {norm(r.get("symbol") or r.get("text")).replace(" ", "") for r in task.get("references") or []}


def _units(task: dict, key: str) -> set[str]:
    return {norm(u) for u in task.get(key) or [] if u}


def _urgent(task: dict) -> set[int]:
    return {1} if task.get("urgent") else set()


def score(gold_docs: dict[str, dict], out_docs: dict[str, dict]) -> dict:
    """Scores of ``out_docs`` against ``gold_docs`` (both keyed by doc_id)."""
    m = {k: PRF() for k in SET_FIELDS}
    acc = {k: Accuracy() for k in ACC_FIELDS}
    docf = {k: Accuracy() for k in DOC_FIELDS}
    for doc_id, g in gold_docs.items():
        o = out_docs.get(doc_id, {"tasks": [], "document": {}})
        gt, ot = g.get("tasks") or [], o.get("tasks") or []
        pairs = pair_tasks(gt, ot)
        m["tasks"].tp += len(pairs)
        m["tasks"].fp += len(ot) - len(pairs)
        m["tasks"].fn += len(gt) - len(pairs)
        for i, j in pairs:
            a, b = gt[i], ot[j]
            m["lead_units"].add(_units(a, "lead_units"), _units(b, "lead_units"))
            m["support_units"].add(_units(a, "support_units"), _units(b, "support_units"))
            m["action_types"].add(a.get("action_types") or [], b.get("action_types") or [])
            m["references"].add(_ref_keys(a), _ref_keys(b))
            same = (a.get("deadline") or None) == (b.get("deadline") or None)
            acc["deadline"].add(same)
            if a.get("deadline"):
                acc["deadline_when_set"].add(same)
            if a.get("deadline_text"):
                acc["deadline_text_found"].add(bool(b.get("deadline_text")))
            m["urgent"].add(_urgent(a), _urgent(b))
            acc["recurrence"].add((a.get("recurrence") or None) == (b.get("recurrence") or None))
            ga, ba = a.get("action_types") or [None], b.get("action_types") or [None]
            acc["primary_action"].add(ga[0] == ba[0])
        paired_g, paired_o = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, a in enumerate(gt):
            if i not in paired_g:
                m["lead_units"].add(_units(a, "lead_units"), [])
                m["support_units"].add(_units(a, "support_units"), [])
                m["action_types"].add(a.get("action_types") or [], [])
                m["references"].add(_ref_keys(a), [])
                m["urgent"].add(_urgent(a), [])
        for j, b in enumerate(ot):
            if j not in paired_o:
                m["lead_units"].add([], _units(b, "lead_units"))
                m["support_units"].add([], _units(b, "support_units"))
                m["action_types"].add([], b.get("action_types") or [])
                m["references"].add([], _ref_keys(b))
                m["urgent"].add([], _urgent(b))
        gd, od = g.get("document") or {}, o.get("document") or {}
        for k in DOC_FIELDS:
            if k in gd:
                a_, b_ = norm(gd.get(k)), norm(od.get(k))
                if k == "subject":
                    a_, b_ = _strip_vv(a_), _strip_vv(b_)
                docf[k].add(a_ == b_)
    res: dict[str, Any] = {k: v.result() for k, v in m.items()}
    res.update({k: v.result() for k, v in acc.items()})
    res["document"] = {k: v.result() for k, v in docf.items()}
    res["documents"] = len(gold_docs)
    res["documents_missing"] = sorted(set(gold_docs) - set(out_docs))
    return res


def format_report(res: dict) -> str:
    """The reference scorer's text report, line for line."""
    lines = []
    for k in SET_FIELDS:
        r = res[k]
        lines.append(f"{k:22s} P={r['p']:.3f} R={r['r']:.3f} F1={r['f1']:.3f}  "
                     f"(tp={r['tp']} fp={r['fp']} fn={r['fn']})")
    for k in ["primary_action", "deadline", "deadline_when_set", "deadline_text_found", "recurrence"]:
        r = res[k]
        lines.append(f"{k:22s} acc={r['acc']}  (n={r['n']})")
    for k, r in res["document"].items():
        lines.append(f"document.{k:13s} acc={r['acc']}  (n={r['n']})")
    if res["documents_missing"]:
        lines.append("missing from output: " + ", ".join(res["documents_missing"]))
    return "\n".join(lines)
