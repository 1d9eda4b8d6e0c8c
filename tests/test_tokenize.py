"""Word segmentation keeps citations, time phrases and unit names whole, with exact offsets."""

import itertools
import unicodedata

import pytest

from pipeline.tokenize import tokenize
from tests.conftest import SAMPLE

pytest.importorskip("underthesea")


def test_protected_spans_survive_segmentation():
    text = ("Giao Sở Kế hoạch và Đầu tư chủ trì thực hiện Quyết định số 1074/QĐ-BXD theo ISO/IEC 17025:2017 "
            "trước ngày 30/6/2026.")
    tokens = {t.text: t.kind for t in tokenize(text)}
    assert tokens["Quyết định số 1074/QĐ-BXD"] == "reference"
    assert tokens["ISO/IEC 17025:2017"] == "reference"
    assert tokens["trước ngày 30/6/2026"] == "time"
    assert tokens["Sở Kế hoạch và Đầu tư"] == "unit"
    assert "chủ trì" in tokens, "underthesea still joins ordinary words"


def test_offsets_point_back_into_the_text_on_a_real_notice():
    text = unicodedata.normalize("NFC", SAMPLE.read_text(encoding="utf-8"))
    tokens = tokenize(text)
    assert len(tokens) > 600
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert all(a.end <= b.start for a, b in itertools.pairwise(tokens)), "no overlap, in order"
    assert "Chỉ thị số 01/CT-UBND ngày 03/6/2020" in {t.text for t in tokens if t.kind == "reference"}


def test_unprotected_segmentation_splits_a_symbol():
    pieces = [t.text for t in tokenize("theo Chỉ thị số 01/CT-UBND", protect=False)]
    assert "01/CT-UBND" not in pieces
