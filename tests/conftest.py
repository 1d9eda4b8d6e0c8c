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

# a short draft notice typed into the drafting API and page (tests/test_api.py, tests/test_browser.py)
DRAFT_NOTICE = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI

Số: 123/TB-UBND

Lào Cai, ngày 10 tháng 3 năm 2026

THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về giải ngân vốn đầu tư công

1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn đầu tư công năm 2026, báo cáo UBND \
tỉnh trước ngày 31/3/2026.

2. Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công theo Nghị định số 99/2021/NĐ-CP ngày 11/11/2021 của \
Chính phủ.

3. Sở Nông nghiệp và Môi trường khẩn trương kiểm tra công tác phòng chống cháy rừng trong tháng 4/2026.
"""


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
