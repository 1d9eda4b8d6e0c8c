"""Property-based tests (hypothesis) of normalise -> structure -> tasks on generated notices and random text.

Properties (on generated notices, random text, and real documents damaged as archives damage them):
no exception (a text that is not a document raises ``NotADocument``
and nothing else); every span lies inside the normalised text and cuts out
exactly the text it belongs to: blocks, "Căn cứ" lines, tasks, and the
references inside each task. The runs are derandomised under CI so that a
failure there can be replayed; locally each run explores new examples.
"""

from __future__ import annotations

import os
import random
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import Document, NotADocument, extract_text
from pipeline.normalise import normalise
from pipeline.structure import parse

EXAMPLES = int(os.environ.get("NHIEMVU_HYPOTHESIS_EXAMPLES", "0"))
"""Examples per property; 0: the defaults below (a notice runs the whole pipeline, about 0.1 s each)."""


def profile(default_examples: int):
    return settings(
        max_examples=EXAMPLES or default_examples,
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )

# -- generated notices ----------------------------------------------------------------

ISSUERS = [("UBND TỈNH LÀO CAI", "VĂN PHÒNG"), ("ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG THÁP"),
           ("BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT"), ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "")]
TYPES = [("THÔNG BÁO", "TB"), ("KẾ HOẠCH", "KH"), ("CÔNG VĂN", "UBND-KT"), ("CHỈ THỊ", "CT"),
         ("QUYẾT ĐỊNH", "QĐ"), ("BÁO CÁO", "BC")]
PLACES = ["Lào Cai", "Đồng Tháp", "Hà Nội", "Thành phố Hồ Chí Minh"]
UNITS = ["Sở Tài chính", "Sở Công Thương", "Sở Xây dựng", "Văn phòng Ủy ban nhân dân tỉnh", "Công an tỉnh",
         "Ủy ban nhân dân các huyện, thị xã, thành phố", "Phòng Kế hoạch - Tài chính", "Các phòng, đơn vị",
         "Sở Nông nghiệp và Môi trường", "Ban Quản lý các khu công nghiệp"]
VERBS = ["Chủ trì, phối hợp với", "Rà soát, tổng hợp", "Tham mưu", "Khẩn trương hoàn thành", "Báo cáo",
         "Xây dựng kế hoạch", "Hướng dẫn", "Kiểm tra, đôn đốc", "Giao", "Tiếp tục theo dõi"]
OBJECTS = ["việc triển khai các cụm công nghiệp", "hồ sơ thủ tục hành chính", "dự thảo quy chế phối hợp",
           "kết quả thực hiện Nghị quyết số 34-NQ/TU ngày 27/12/2025", "tình hình giải ngân vốn đầu tư công",
           "theo Quyết định số 1382/QĐ-UBND ngày 23/4/2026 của Ủy ban nhân dân tỉnh", "công tác phòng cháy"]
DEADLINES = ["", " trước ngày 30/6/2026", "; hoàn thành trong tháng 9/2026", " định kỳ hằng quý",
             "; thời gian thực hiện: Quý III/2026", " trước ngày 15 tháng 12 năm 2026", " ngay trong tuần"]
INTROS = ["Ủy ban nhân dân tỉnh yêu cầu các đơn vị thực hiện các nội dung sau:",
          "Sau khi nghe báo cáo, Chủ tịch kết luận như sau:", "Ngày 22/6/2026, tại cuộc họp"]
BULLETS = ["- ", "+ ", "• ", "a) ", "b) ", "– ", "* ", ""]


@st.composite
def sentences(draw) -> str:
    unit = draw(st.sampled_from(UNITS))
    lead = draw(st.sampled_from(["", f"{unit} ", f"Giao {unit} chủ trì, "]))
    return (lead + draw(st.sampled_from(VERBS)) + " " + draw(st.sampled_from(OBJECTS))
            + draw(st.sampled_from(DEADLINES)) + draw(st.sampled_from([".", ";", "", "./."])))


@st.composite
def notices(draw) -> str:
    """A notice laid out the way real ones are: header (one or two columns), body sections, closing."""
    issuer, office = draw(st.sampled_from(ISSUERS))
    title, symbol = draw(st.sampled_from(TYPES))
    number = draw(st.sampled_from(["", "  ", "123", "07"]))
    place = draw(st.sampled_from(PLACES))
    day, month = draw(st.integers(1, 28)), draw(st.integers(1, 12))
    date = f"{place}, ngày {draw(st.sampled_from([str(day), '   ']))} tháng {month} năm 2026"
    blank = draw(st.sampled_from(["\n", "\n\n"]))
    if draw(st.booleans()):  # two columns with runs of spaces, as a PDF text layer
        width = 40
        head = [f"{issuer:<{width}}    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                f"{office:<{width}}    Độc lập - Tự do - Hạnh phúc",
                f"{'Số: ' + number + '/' + symbol:<{width}}    {date}"]
    else:
        head = [issuer, office, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                f"Số: {number}/{symbol}", date]
    lines = [*head, "", title, draw(st.sampled_from(["Kết luận của Chủ tịch tại cuộc họp", "V/v triển khai nhiệm vụ",
                                                       "Thực hiện Chỉ thị số 11/CT-TU"])), "_____________", ""]
    if draw(st.booleans()):
        lines += [f"Kính gửi: {draw(st.sampled_from(UNITS))};", f"- {draw(st.sampled_from(UNITS))}.", ""]
    for _ in range(draw(st.integers(0, 2))):
        lines.append("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")
    lines.append(draw(st.sampled_from(INTROS)))
    for s_index in range(draw(st.integers(1, 4))):
        numbering = draw(st.sampled_from([f"{s_index + 1}. ", f"{'IVX'[s_index % 3]}. ", f"Điều {s_index + 1}. ", ""]))
        lines.append(numbering + draw(st.sampled_from(UNITS)))
        bullet = draw(st.sampled_from(BULLETS))
        for _ in range(draw(st.integers(0, 4))):
            lines.append(bullet + draw(sentences()))
    if draw(st.booleans()):
        lines.append("Trên đây là kết luận của Chủ tịch, đề nghị các đơn vị thực hiện./.")
    lines += ["", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", draw(st.sampled_from(["KT. CHỦ TỊCH", "TL. GIÁM ĐỐC",
                                                                                       "CHỦ TỊCH"])),
              draw(st.sampled_from(["PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG", ""])), "", "Nguyễn Văn An"]
    text = blank.join(lines) if blank == "\n\n" else "\n".join(lines)
    if draw(st.booleans()):  # a page break with its page number somewhere in the body
        cut = draw(st.integers(len(text) // 3, len(text) - 1))
        text = text[:cut] + "\n\n2\n\f" + text[cut:]
    return text


# -- random text ----------------------------------------------------------------------

ALPHABET = st.one_of(
    st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                         "AĂÂĐÊÔƠƯỦÝĐ0123456789 ")),
    st.sampled_from(list(" \n\n\t\f\r\u00a0\ufeff.,;:!?()[]/-–—+•*_=\"“”'…|%")),
    st.sampled_from(["\u0301", "\u0323", "\u0300"]),  # stray combining marks
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
)
FRAGMENTS = st.sampled_from([
    "Số: ", "/TB-UBND", "ngày ", " tháng ", " năm 2026", "THÔNG BÁO", "KẾ HOẠCH", "Kính gửi:", "Căn cứ ",
    "Nơi nhận:", "KT. CHỦ TỊCH", "Nguyễn Văn An", "I. ", "1. ", "1.1. ", "a) ", "- ", "+ ", "Điều 1. ", "PHẦN I",
    "V/v ", "như sau:", "Giao Sở Tài chính chủ trì", " trước ngày 30/6/2026", "Quyết định số 12/QĐ-UBND",
    "Trên đây là", "./.", "\n", "\n\n", "\f", "    ", "Sở Xây dựng", "phối hợp với", "Lào Cai, ngày 5 tháng 6 năm 2026",
])
RANDOM_TEXT = st.one_of(
    st.text(ALPHABET, max_size=600),
    st.lists(st.one_of(FRAGMENTS, st.text(ALPHABET, max_size=20)), max_size=80).map("".join),
)


# -- properties -------------------------------------------------------------------------


def check_spans(text: str) -> Document | None:
    """Structure and tasks of ``text``: no exception, and every span inside the text it points into; returns the
    document (None for a text that is not one)."""
    clean = normalise(text)
    structure = parse(clean)
    n = len(clean)
    for block in structure.blocks:
        start, end = block.span
        assert 0 <= start <= end <= n, (block, n)
        assert clean[start:end] == block.text, block
    for line, (start, end) in structure.header.basis:
        assert 0 <= start <= end <= n and clean[start:end] == line
    try:
        document = extract_text(text)
    except NotADocument:
        return None
    for task in document.tasks:
        assert task.span is not None
        start, end = task.span
        assert 0 <= start <= end <= n, (task.task_id, task.span, n)
        assert clean[start:end] == task.text, task.task_id
        for reference in task.references:
            if reference.span is not None:
                r_start, r_end = reference.span  # in the normalised text, inside the task
                assert start <= r_start <= r_end <= end
                assert clean[r_start:r_end] == reference.text
    for reference in document.document.references:
        if reference.span is not None:
            assert 0 <= reference.span[0] <= reference.span[1] <= n
    return document


@profile(50)
@given(notices())
def test_generated_notices_parse_with_spans_inside_the_text(text):
    check_spans(text)
    document = extract_text(text)  # a notice with a header is a document
    assert document.document.doc_type is not None


@profile(200)
@given(RANDOM_TEXT)
def test_random_text_never_breaks_the_parser(text):
    check_spans(text)


def test_the_seed_notice_spans():
    from tests.conftest import SAMPLE

    check_spans(SAMPLE.read_text(encoding="utf-8"))


# -- damaged real documents --------------------------------------------------------------

DAMAGED_SOURCES = ["laocai/pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt",
                   "laocai/vbhc-vn__ubnd__thong-bao-ket-luan-ubnd.txt"]
"""Real working documents (in ../shared/corpus) damaged below; the bundled seed notice is damaged too."""


DAMAGES = ["punctuation", "junk", "line breaks", "marks"]
INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def damaged(text: str, seed: int, damage: str) -> str:
    """``text`` with one damage archives show: stray punctuation from OCR (3 % of the characters), junk symbols
    (runs of random code points at 0.5 %), its line breaks lost (a PDF text layer read as one paragraph), its marks
    lost, or invisible characters (soft hyphens, zero-width spaces, direction marks at 2 %)."""
    rng = random.Random(seed)
    if damage == "punctuation":
        return "".join(c + (rng.choice(",;:.()-/") if rng.random() < 0.03 else "") for c in text)
    if damage == "junk":
        return "".join(c + ("".join(chr(rng.randrange(0x21, 0x2FFF)) for _ in range(rng.randrange(1, 8)))
                            if rng.random() < 0.005 else "") for c in text)
    if damage == "invisible":
        return "".join(c + (rng.choice(INVISIBLE) if rng.random() < 0.02 else "") for c in text)
    if damage == "line breaks":
        return " ".join(text.split("\n"))
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def check_damaged(text: str) -> None:
    if (document := check_spans(text)) is None:
        return
    for task in document.tasks:
        for name in task.lead_units + task.support_units:
            assert any(c.isalpha() for c in name), (name, task.text[:80])


@profile(6)
@given(seed=st.integers(0, 10_000), damage=st.sampled_from(DAMAGES))
@example(seed=158, damage="punctuation")  # stray brackets once made a unit named "(" and crashed the task screen
def test_damaged_real_documents_never_break_the_pipeline(corpus, seed, damage):
    for source in DAMAGED_SOURCES:
        check_damaged(damaged((corpus / source).read_text(encoding="utf-8"), seed, damage))


@profile(6)
@given(seed=st.integers(0, 10_000), damage=st.sampled_from(DAMAGES))
def test_the_damaged_seed_notice_never_breaks_the_pipeline(seed, damage):
    from tests.conftest import SAMPLE

    check_damaged(damaged(SAMPLE.read_text(encoding="utf-8"), seed, damage))


@profile(4)
@given(seed=st.integers(0, 10_000))
def test_invisible_characters_change_nothing_in_a_real_document(corpus, seed):
    text = (corpus / DAMAGED_SOURCES[1]).read_text(encoding="utf-8")
    plain, hinted = extract_text(text), extract_text(damaged(text, seed, "invisible"))
    assert hinted.document == plain.document
    assert [(t.text, t.lead_units, t.support_units, t.action_types, t.deadline) for t in hinted.tasks] == \
        [(t.text, t.lead_units, t.support_units, t.action_types, t.deadline) for t in plain.tasks]
