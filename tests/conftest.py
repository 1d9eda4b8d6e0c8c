"""Shared fixtures: the read-only corpus and gold in ../shared (skipped with a reason when absent)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NHIEMVU_SHARED", ROOT.parent / "shared"))
SAMPLE = ROOT / "data" / "samples" / "dongthap-skhcn-tb-2020-06.txt"
SAMPLE_GOLD = ROOT / "data" / "gold" / "dongthap-skhcn-tb-2020-06.json"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): real-corpus tests need it")
    return SHARED


@pytest.fixture(scope="session")
def corpus(shared: Path) -> Path:
    return shared / "corpus"


@pytest.fixture(scope="session")
def reference_scorer(shared: Path):
    """The reference scorer shared/eval/score.py as a module."""
    sys.path.insert(0, str(shared / "eval"))
    try:
        import score  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return score


@pytest.fixture(scope="session")
def gold_docs(shared: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((shared / "gold").glob("*.json"))}
