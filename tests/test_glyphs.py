"""PDF text layers that give glyph numbers instead of characters (pipeline.glyphs)."""

from pipeline import extract, extract_text
from pipeline.glyphs import _tables, fix_glyphs, read_word
from pipeline.legacy import fix_text
from pipeline.read import read_file
from tests.conftest import SAMPLE

GLYPH_LETTER = "laocai/kho-vlncn-sct-vn__3036_SCT_CN_KHKTNT_Kho_VLCN_tam_Thuydien_MongSen1_3.6.2026.txt"


def _as_glyph_numbers(text: str) -> str:
    """``text`` as a font without a ToUnicode map hands it out: every character the tables know, as its glyph."""
    mapping, latin, _ = _tables()
    glyph = {letter: chr(code) for code, letter in reversed(mapping.items())}
    glyph |= {letter: chr(code) for code, letter in latin.items() if ord(letter) > 0x7F}
    return "".join(c if c in " \n" else glyph.get(c, c) for c in text)


def test_words_read_back_one_by_one():
    assert read_word("7ӌ1+") == "TỈNH"
    assert read_word("QăP") == "năm"  # no glyph character: read back because "năm" is Vietnamese and "QăP" is not
    assert read_word("ĈRjQ") == "Đoàn"  # "j" is "à" in the Macintosh order
    assert read_word("tӍnh") == "tỉnh"  # the good font's "t", "n", "h" stay
    assert read_word("\x14\x13\x18\x12\x15\x13\x15\x18\x121Ĉ\x10&3") == "105/2025/NĐ-CP"
    assert read_word("Lào") == "Lào" and read_word("3036") == "3036" and read_word("UBND") == "UBND"


def test_a_real_glyph_numbered_letter_reads_as_vietnamese(corpus):
    """A Sở Công Thương letter whose PDF text layer reads "6Ӣ CÔNG 7+ѬѪ1*" for "SỞ CÔNG THƯƠNG"."""
    raw = (corpus / GLYPH_LETTER).read_text(encoding="utf-8")
    assert "6Ӣ CÔNG 7+ѬѪ1*" in raw
    text = read_file(corpus / GLYPH_LETTER)
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nghị định số 105/2025/NĐ-CP ngày 15/05/2025" in text
    assert "Sở Công Thương thông báo kế hoạch kiểm tra công tác nghiệm thu" in text
    doc = extract(corpus / GLYPH_LETTER)
    assert (doc.document.number, doc.document.symbol, doc.document.issuer) == ("3036", "SCT-CN", "Sở Công Thương")
    assert any(t.lead_units == ["Công ty Cổ phần Năng lượng Bảo Long"] for t in doc.tasks)


def test_the_seed_notice_in_glyph_numbers_gives_the_same_tasks():
    text = SAMPLE.read_text(encoding="utf-8")
    glyphs = _as_glyph_numbers(text)
    read_back = fix_text(glyphs)[0]
    words = text.split()
    same = sum(a == b for a, b in zip(words, read_back.split(), strict=True))
    assert same / len(words) > 0.97  # the misses: abbreviations in plain ASCII ("ISO"), which no reading can tell
    before, after = extract_text(text), extract_text(read_back)
    assert [t.lead_units for t in after.tasks] == [t.lead_units for t in before.tasks]
    assert after.document.issuer == before.document.issuer


def test_other_texts_are_left_alone(corpus):
    russian = "Методика определения расчетных величин пожарного риска. Сở Công Thương QăP"
    assert fix_glyphs(russian) == (russian, False)
    assert fix_glyphs(SAMPLE.read_text(encoding="utf-8"))[1] is False
    pccc = corpus / "laocai/pccc-sct-vn__Tai-lieu-giai-phap-nang-cao-PCCC-kem-QD-1074.txt"  # Russian references
    assert fix_glyphs(pccc.read_text(encoding="utf-8"))[1] is False
    # Kazakh writes with the very code points the broken font uses for Vietnamese letters: nothing comes back
    # Vietnamese, so nothing is changed
    kazakh = ("Қазақстан Республикасының Үкіметі қаулы етеді: Өнеркәсіп және құрылыс министрлігі ұсынған жобаны "
              "бекітсін. Қаржы министрлігі қаражат бөлсін. Үкімет отырысы өтті. Әкімдіктер орындасын.")
    assert fix_glyphs(kazakh) == (kazakh, False)
