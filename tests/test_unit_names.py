"""Unit names: abbreviations, lists, the comparison key and the gazetteer (pipeline.unit_names)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.lexicon import data_rows
from pipeline.unit_names import Gazetteer, assignee_kind, expand_abbreviations, expand_list, main, unit_key

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "pipeline" / "data" / "unit_gazetteer.tsv"


@pytest.mark.parametrize(("name", "expected"), [
    ("UBND tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai"),
    ("HĐND, UBND các tỉnh", "Hội đồng nhân dân, Ủy ban nhân dân các tỉnh"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Bộ NN&MT", "Bộ Nông nghiệp và Môi trường"),
    ("Phòng KH-TC", "Phòng Kế hoạch - Tài chính"),
    ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("BQL dự án ĐTXD tỉnh", "Ban Quản lý dự án đầu tư xây dựng tỉnh"),
    ("Ban QLDA ĐTXD số 1", "Ban Quản lý dự án đầu tư xây dựng số 1"),
    ("Cổng TTĐT Bộ GTVT", "Cổng thông tin điện tử Bộ Giao thông vận tải"),
    ("Cục Kiểm soát TTHC", "Cục Kiểm soát thủ tục hành chính"),
    ("Viện KSNDTC", "Viện kiểm sát nhân dân tối cao"),
    ("Công ty CP XD Giao thông Yên Bái", "Công ty cổ phần xây dựng Giao thông Yên Bái"),
    ("Cty TNHH MTV Thoát nước HN", "Công ty TNHH MTV Thoát nước Hà Nội"),  # TNHH, MTV stay
    ("UBND TP. Hồ Chí Minh", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
    ("Sở CT", "Sở Công Thương"),  # "CT" alone is ambiguous: only after its head
    ("CT", "CT"),
    ("vp", "vp"),  # case-sensitive
    ("Văn bản 123/BC-SCT", "Văn bản 123/BC-SCT"),  # a document symbol is no unit name
])
def test_expand_abbreviations(name: str, expected: str) -> None:
    assert expand_abbreviations(name) == expected


@pytest.mark.parametrize(("phrase", "expected"), [
    ("Các Sở: Công Thương, Tài chính", ["Sở Công Thương", "Sở Tài chính"]),
    ("các Sở Công Thương, Xây dựng, Nông nghiệp và Môi trường",
     ["Sở Công Thương", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"]),
    ("Các Sở: Nông nghiệp và Môi trường, Khoa học và Công nghệ, Văn hóa, Thể thao và Du lịch",
     ["Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch"]),
    ("Các Sở: NNMT, CT, XD", ["Sở Nông nghiệp và Môi trường", "Sở Công Thương", "Sở Xây dựng"]),
    ("Các Bộ: Công an, Tư pháp, Nông nghiệp và Môi trường",
     ["Bộ Công an", "Bộ Tư pháp", "Bộ Nông nghiệp và Môi trường"]),
    ("Các Sở: Tài chính, Xây dựng, Văn phòng UBND tỉnh",
     ["Sở Tài chính", "Sở Xây dựng", "Văn phòng Ủy ban nhân dân tỉnh"]),
    ("Các phòng: Quản lý đất đai; Khoáng sản", ["Phòng Quản lý đất đai", "Phòng Khoáng sản"]),
    ("UBND các phường: Yên Bái, Văn Phú, Âu Lâu",
     ["Ủy ban nhân dân phường Yên Bái", "Ủy ban nhân dân phường Văn Phú", "Ủy ban nhân dân phường Âu Lâu"]),
    ("UBND các huyện, thành phố", ["Ủy ban nhân dân các huyện, thành phố"]),
    ("Các Sở, ban, ngành", ["Các Sở, ban, ngành"]),
    ("HĐND, UBND các tỉnh, thành phố trực thuộc TW",
     ["Hội đồng nhân dân các tỉnh, thành phố trực thuộc Trung ương",
      "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]),
    ("HĐND, UBND, Sở Công Thương các tỉnh, thành phố trực thuộc TW",  # TT 14/2024, Nơi nhận: the scope is shared
     ["Hội đồng nhân dân các tỉnh, thành phố trực thuộc Trung ương",
      "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
      "Sở Công Thương các tỉnh, thành phố trực thuộc Trung ương"]),
    ("UBND, Sở Tài chính", ["Ủy ban nhân dân", "Sở Tài chính"]),
    ("Sở Tài chính và Sở Xây dựng", ["Sở Tài chính", "Sở Xây dựng"]),
    ("Sở Tài chính và Xây dựng", ["Sở Tài chính", "Sở Xây dựng"]),
    ("Công an tỉnh và UBND các xã, phường", ["Công an tỉnh", "Ủy ban nhân dân các xã, phường"]),
    ("Sở Khoa học và Công nghệ", ["Sở Khoa học và Công nghệ"]),
    ("Trung tâm TT và HN tỉnh", ["Trung tâm Thông tin và Hội nghị tỉnh"]),
    ("Báo và PTTH tỉnh", ["Báo và Phát thanh, Truyền hình tỉnh"]),
    ("VPCP: BTCN, các PCN, Trợ lý TTg", ["Văn phòng Chính phủ"]),
    ("UBND tỉnh (để b/c)", ["Ủy ban nhân dân tỉnh"]),
])
def test_expand_list(phrase: str, expected: list[str]) -> None:
    assert expand_list(phrase) == expected


def test_expand_list_knows_the_departments_without_a_gazetteer() -> None:
    """The abbreviation table alone tells "Nông nghiệp và Môi trường" (one Sở) from "Tài chính và Xây dựng" (two)."""
    empty = Gazetteer()
    assert expand_list("các Sở Xây dựng, Nông nghiệp và Môi trường", empty) == [
        "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"]
    assert expand_list("Các Sở: Tài chính và Xây dựng", empty) == ["Sở Tài chính", "Sở Xây dựng"]


@pytest.mark.parametrize("name", [
    "UBND tỉnh", "Uỷ ban nhân dân tỉnh", "Sở Văn hoá và Thể thao", "Phòng Kế hoạch - Tài chính",
    unicodedata.normalize("NFD", "Sở Nông nghiệp và Môi trường"), "HĐND  tỉnh (Thường trực)", "", "Hóa chất; “Cục”",
])
def test_unit_key_is_the_scorer_norm(name: str, reference_scorer) -> None:
    assert unit_key(name) == reference_scorer.norm(name)


def test_unit_key_agrees_with_the_scorer_on_every_gold_unit(reference_scorer, gold_docs: dict[str, dict]) -> None:
    records = [*gold_docs.values(), *(json.loads(p.read_text(encoding="utf-8"))
                                      for p in sorted((ROOT / "data" / "annotations").glob("*.json")))]
    names = {u for doc in records for task in doc["tasks"]
             for role in ("lead_units", "support_units") for u in task.get(role) or []}
    assert len(names) > 100
    assert [n for n in sorted(names) if unit_key(n) != reference_scorer.norm(n)] == []


def test_abbreviation_table_is_well_formed() -> None:
    rows = data_rows("unit_abbreviations.tsv")
    assert all(len(row) == 3 and all(row) for row in rows), [r for r in rows if len(r) != 3]
    abbreviations = [row[0] for row in rows]
    assert len(abbreviations) == len(set(abbreviations))


def test_packaged_gazetteer() -> None:
    gazetteer = Gazetteer.load()
    assert len(gazetteer) > 200
    assert "Sở Công Thương" in gazetteer
    assert gazetteer.lookup("sở công thương") == "Sở Công Thương"
    assert gazetteer.lookup("Sở NN&MT") == "Sở Nông nghiệp và Môi trường"
    assert gazetteer.lookup("UBND tỉnh") == "Ủy ban nhân dân tỉnh"
    assert gazetteer.lookup("Sở Không Có") is None
    kinds = {e.name: e.kind for e in gazetteer.entries}
    assert kinds["Sở Công Thương"] == "Sở"
    assert kinds["Ủy ban nhân dân các xã, phường"] == "Ủy ban nhân dân"
    assert all(e.seen in {"headings", "recipients", "both"} and e.count > 0 for e in gazetteer.entries)
    assert not [e.name for e in gazetteer.entries if e.name.startswith(("Lưu", "Như", "Chủ tịch", "Giám đốc"))]


def test_find_gives_spans_in_the_original_text() -> None:
    text = ("Giao Sở NN&MT chủ trì, phối hợp với Sở Công thương, UBND các xã, phường và "
            "Công an tỉnh kiểm tra; báo cáo Uỷ ban nhân dân tỉnh.")
    found = Gazetteer.load().find(text)
    assert [(text[a:b], name) for a, b, name in found] == [
        ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
        ("Sở Công thương", "Sở Công Thương"),
        ("UBND các xã, phường", "Ủy ban nhân dân các xã, phường"),
        ("Công an tỉnh", "Công an tỉnh"),
        ("Uỷ ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh"),
    ]


def test_gazetteer_is_rebuilt_from_the_corpus(corpus: Path, tmp_path: Path) -> None:
    """The committed gazetteer is what ``nhiemvu gazetteer`` (or ``python -m pipeline.unit_names build``) makes of
    the corpus."""
    from click.testing import CliRunner

    from pipeline.cli import main as cli

    out, again = tmp_path / "unit_gazetteer.tsv", tmp_path / "again.tsv"
    result = CliRunner().invoke(cli, ["gazetteer", str(corpus), "-o", str(out)])
    assert result.exit_code == 0 and result.output.endswith(f"names -> {out}\n"), result.output
    assert out.read_text(encoding="utf-8") == PACKAGED.read_text(encoding="utf-8"), (
        "rebuild: .venv/bin/nhiemvu gazetteer ../shared/corpus")
    main(["build", str(corpus), "-o", str(again)])
    assert again.read_text(encoding="utf-8") == PACKAGED.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "kind"), [
    ("Phó Giám đốc Huỳnh Văn Quán", "person"),  # ANNOTATION §4's example
    ("Nguyễn Thị Loan", "person"),
    ("Nguyễn Thị thúy Nhung", "person"),  # a syllable printed in lower case inside the name
    ("Ủy ban nhân dân xã Nguyễn Úy", "unit"),
    ("Đỗ Mạnh Cường - Phó Trưởng đoàn", "person"),
    ("Đồng chí Nguyễn Văn An, Phó Chủ tịch UBND tỉnh", "person"),
    ("Bà Lò Thị Mai", "person"),
    ("Ông Tuấn", "person"),  # addressed by name: a person whatever the name
    ("ông trưởng thôn", "office"),
    ("Giám đốc Sở Công Thương", "office"),
    ("Các Phó Chủ tịch Ủy ban nhân dân tỉnh", "office"),
    ("Chủ tịch Ủy ban nhân dân tỉnh Hà Giang", "office"),  # a place after a territory word is no person
    ("Lãnh đạo Sở", "office"),
    ("Sở Công Thương", "unit"),
    ("Ủy ban nhân dân Thành phố Hồ Chí Minh", "unit"),
    ("Công ty TNHH Trần Anh Tuấn", "unit"),  # a company named after a person is a unit
    ("Sở Văn Hóa Thể Thao", "unit"),  # "Văn" is a family name too, but the name opens with a unit head
    ("Hà Nội", "unit"),  # two syllables: too often a place to be read as a person
])
def test_assignee_kind(name: str, kind: str) -> None:
    assert assignee_kind(name) == kind


def test_every_gazetteer_name_is_a_unit() -> None:
    """The gazetteer lists units only (its builder drops titles), and no unit name reads as a person."""
    names = [row[0] for row in data_rows("unit_gazetteer.tsv")]
    assert len(names) > 200
    assert [n for n in names if assignee_kind(n) != "unit"] == []
