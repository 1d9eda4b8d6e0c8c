"""Readers: the seed notice as .txt, .docx, .pdf, .doc and .html gives the same tasks; encodings and legacy fonts.

The .docx, .pdf and .html versions are built here from the bundled seed notice
(header and signature laid out as two-column tables, as Vietnamese documents
are); the .doc is the same .docx converted by LibreOffice, stored below.
"""

from __future__ import annotations

import base64
import codecs
import io
import re
import shutil
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest

from pipeline import extract, legacy
from pipeline.archive import iter_zip_members
from pipeline.read import ReadError, decode, read_file
from tests.conftest import SAMPLE

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
SEED = SAMPLE.read_text(encoding="utf-8")


# -- building the seed notice in other formats ------------------------------------------


def seed_parts(text: str = SEED) -> dict[str, list[str]]:
    """The seed notice cut as a layout would set it: header columns, body paragraphs, closing columns."""
    lines = [line.replace("**", "").strip() for line in text.split("\n")]
    title = lines.index("THÔNG BÁO")
    closing = next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận"))
    head = [line for line in lines[:title] if line]
    tail = [line for line in lines[closing:] if line]
    sign = next(i for i, line in enumerate(tail) if line.startswith("TL."))
    return {
        "head_left": [line for line in head if line.startswith("Số")],
        "head_right": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
        + [line for line in head if not line.startswith("Số")],
        "body": [line for line in lines[title:closing] if line],
        "recipients": tail[:sign],
        "signature": tail[sign:],
    }


_BUILT: dict[tuple, bytes] = {}


def _cached(build):
    """Build each (format, text) once per test session; later calls copy the bytes (fpdf2 takes a second)."""

    def wrapper(path: Path, text: str = SEED, **options) -> Path:
        key = (build.__name__, text, *sorted(options.items()))
        if key not in _BUILT:
            build(path, text, **options)
            _BUILT[key] = path.read_bytes()
        else:
            path.write_bytes(_BUILT[key])
        return path

    wrapper.__name__ = build.__name__
    return wrapper


@_cached
def build_docx(path: Path, text: str = SEED, numbering: bool = False) -> Path:
    """The notice as Word lays it out; with ``numbering`` its "1." and "-" are Word's automatic list numbering."""
    docx = pytest.importorskip("docx")
    parts = seed_parts(text)
    document = docx.Document()

    def two_columns(left: list[str], right: list[str]) -> None:
        table = document.add_table(rows=1, cols=2)
        for cell, cell_lines in zip(table.rows[0].cells, (left, right), strict=True):
            cell.paragraphs[0].text = cell_lines[0]
            for line in cell_lines[1:]:
                cell.add_paragraph(line)

    two_columns(parts["head_left"], parts["head_right"])
    for paragraph in parts["body"]:
        numbered, bullet = re.match(r"^\d+\.\s+(.*)", paragraph), re.match(r"^-\s+(.*)", paragraph)
        if numbering and numbered:
            document.add_paragraph(numbered.group(1), style="List Number")
        elif numbering and bullet:
            document.add_paragraph(bullet.group(1), style="List Bullet")
        else:
            document.add_paragraph(paragraph)
    two_columns(parts["recipients"], parts["signature"])
    document.save(path)
    return path


@_cached
def build_pdf(path: Path, text: str = SEED) -> Path:
    """A PDF with a text layer: two-column header and signature, justified body, page numbers."""
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip(f"no Unicode TrueType font at {FONT} (Debian: apt install fonts-dejavu-core)")
    parts = seed_parts(text)

    class Pdf(fpdf.FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("dv", size=9)
            self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Pdf(format="A4")
    pdf.set_margins(20, 15, 15)
    pdf.add_font("dv", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("dv", size=11)

    def two_columns(left: list[str], right: list[str], widths=(70, 100), right_x=95) -> None:
        y = pdf.get_y()
        pdf.set_xy(20, y)
        pdf.multi_cell(widths[0], 6, "\n".join(left), align="L" if len(left) > 2 else "C")
        pdf.set_xy(right_x, y)
        pdf.multi_cell(widths[1], 6, "\n".join(right), align="C")

    two_columns(parts["head_left"], parts["head_right"])
    pdf.ln(6)
    for paragraph in parts["body"]:
        pdf.multi_cell(0, 6, paragraph, align="C" if paragraph.isupper() else "J")
        pdf.ln(2)
    if pdf.get_y() > 230:
        pdf.add_page()
    pdf.ln(4)
    signature = parts["signature"]
    two_columns(parts["recipients"], [*signature[:-1], "", "", signature[-1]], widths=(75, 80), right_x=110)
    pdf.output(str(path))
    return path


def build_html(path: Path, text: str = SEED, charset: str = "utf-8") -> Path:
    parts = seed_parts(text)

    def cell(lines: list[str]) -> str:
        return "<td>" + "".join(f"<p>{line}</p>" for line in lines) + "</td>"

    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in parts["body"])
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>Thông báo</title>'
            "<style>p { margin: 0 }</style><script>var x = '<p>not text</p>';</script></head><body>"
            f"<table><tr>{cell(parts['head_left'])}{cell(parts['head_right'])}</tr></table>\n{body}\n"
            f"<table><tr>{cell(parts['recipients'])}{cell(parts['signature'])}</tr></table></body></html>")
    data = legacy.encode_cp1258(page) if charset == "windows-1258" else page.encode(charset)
    path.write_bytes(data)
    return path


def summary(document) -> list[tuple]:
    return [(t.task_id, t.lead_units, t.support_units, t.text, t.deadline) for t in document.tasks]


@pytest.fixture(scope="module")
def seed_txt_doc():
    return extract(SAMPLE)


# -- the same notice in every format ---------------------------------------------------


@pytest.mark.parametrize("build", [build_docx, build_pdf, build_html], ids=["docx", "pdf", "html"])
def test_the_seed_notice_gives_the_same_tasks_in_every_format(tmp_path, seed_txt_doc, build):
    suffix = {"build_docx": ".docx", "build_pdf": ".pdf", "build_html": ".html"}[build.__name__]
    path = build(tmp_path / f"seed{suffix}")
    document = extract(path)
    assert len(document.tasks) == len(seed_txt_doc.tasks) == 24
    assert summary(document) == summary(seed_txt_doc)
    assert document.document == seed_txt_doc.document  # header: type, symbol, place, date, signer, recipients


def test_the_seed_notice_as_a_word_97_doc_gives_the_same_tasks(tmp_path, seed_txt_doc):
    from pipeline.read_doc import doc_tools

    if not doc_tools():
        pytest.skip("neither antiword nor catdoc is installed (Debian: apt install antiword)")
    path = tmp_path / "seed.doc"
    path.write_bytes(zlib.decompress(base64.b64decode(SEED_DOC)))
    document = extract(path)
    assert [(t.text, t.lead_units) for t in document.tasks] == [(t.text, t.lead_units) for t in seed_txt_doc.tasks]
    if "antiword" in doc_tools():
        assert document.document == seed_txt_doc.document


def test_docx_automatic_numbering_is_printed_and_gives_the_same_tasks(tmp_path, seed_txt_doc):
    path = build_docx(tmp_path / "numbered.docx", numbering=True)
    lines = read_file(path).split("\n")
    assert "1. Các phòng và đơn vị" in lines and "7. Trung tâm Kiểm định và Kiểm nghiệm" in lines
    assert any(line.startswith("• Các phòng, đơn vị rà soát") for line in lines)
    document = extract(path)
    assert [(t.text, t.lead_units) for t in document.tasks] == [(t.text, t.lead_units) for t in seed_txt_doc.tasks]


def test_docx_keeps_reading_order_of_paragraphs_and_tables(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Mở đầu")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Ô 1", (0, 1): "Ô 2", (1, 0): "Ô 3", (1, 1): "Ô 4"}.items():
        table.cell(row, col).text = text
    document.add_paragraph("Kết thúc\tcó tab")
    path = tmp_path / "order.docx"
    document.save(path)
    assert read_file(path).split("\n") == ["Mở đầu", "Ô 1", "Ô 2", "Ô 3", "Ô 4", "Kết thúc\tcó tab"]


def _raw_docx(path: Path, body: str, styles: str | None = None, numbering: str | None = None) -> Path:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{w}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
           f"<w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
        if styles:
            archive.writestr("word/styles.xml", f'<w:styles xmlns:w="{w}">{styles}</w:styles>')
        if numbering:
            archive.writestr("word/numbering.xml", f'<w:numbering xmlns:w="{w}">{numbering}</w:numbering>')
    return path


def test_docx_numbering_formats_levels_and_restarts(tmp_path):
    def level(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/></w:lvl>')

    numbering = ('<w:abstractNum w:abstractNumId="0">' + level(0, "upperRoman", "%1.") + level(1, "decimal", "%2.")
                 + level(2, "decimal", "%2.%3.") + level(3, "lowerLetter", "%4)") + level(4, "bullet", "-")
                 + "</w:abstractNum>"
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="0"/>'
                 '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')

    def item(text: str, num_id: int, ilvl: int) -> str:
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
                f"<w:r><w:t>{text}</w:t></w:r></w:p>")

    items = [("Đánh giá", 1, 0), ("Kết quả", 1, 1), ("Nhiệm vụ", 1, 0), ("Sở Tài chính", 1, 1),
             ("Chi tiết", 1, 2), ("Rà soát", 1, 3), ("Rà soát thêm", 1, 3), ("Ý kiến", 1, 4),
             ("Sở Xây dựng", 1, 1), ("Danh sách mới", 2, 0)]
    body = "".join(item(*x) for x in items) + "<w:p><w:r><w:t>Không số</w:t></w:r></w:p>"
    assert read_file(_raw_docx(tmp_path / "numbers.docx", body, numbering=numbering)).split("\n") == [
        "I. Đánh giá", "1. Kết quả", "II. Nhiệm vụ", "1. Sở Tài chính", "1.1. Chi tiết", "a) Rà soát",
        "b) Rà soát thêm", "- Ý kiến", "2. Sở Xây dựng", "I. Danh sách mới", "Không số"]


def test_docx_reads_text_boxes_once_and_skips_deleted_text_and_field_codes(tmp_path):
    body = ("<w:p><w:r><w:t>Trước</w:t></w:r><w:del><w:r><w:delText>bỏ</w:delText></w:r></w:del>"
            "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t xml:space=\"preserve\"> sau</w:t></w:r>"
            "<w:r><w:br/><w:t>dòng hai</w:t></w:r></w:p>"
            "<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>Hộp chữ</w:t></w:r></w:p>"
            "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>Hộp chữ</w:t></w:r></w:p>"
            "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Neo</w:t></w:r></w:p>")
    assert read_file(_raw_docx(tmp_path / "boxes.docx", body)).split("\n") == [
        "Trước sau", "dòng hai", "Hộp chữ", "Neo"]


def test_docx_runs_in_legacy_fonts_are_converted_by_font_name(tmp_path):
    line = "Giao Sở Tài chính chủ trì thực hiện"
    tcvn3, vni = legacy.from_unicode(line, "tcvn3"), legacy.from_unicode(line, "vni")
    caps = legacy.from_unicode("THÔNG BÁO KẾT LUẬN", "tcvn3")

    def run(text: str, font: str | None = None) -> str:
        fonts = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
        return f'<w:r>{fonts}<w:t xml:space="preserve">{text}</w:t></w:r>'

    body = (f"<w:p>{run(caps, '.VnTimeH')}</w:p>"
            f"<w:p>{run('Unicode: ')}{run(tcvn3, '.VnTime')}</w:p>"
            f"<w:p>{run(vni, 'VNI-Times')}</w:p>"
            f'<w:p><w:pPr><w:pStyle w:val="Old"/></w:pPr>{run(tcvn3)}</w:p>')
    styles = ('<w:style w:type="paragraph" w:styleId="Old"><w:rPr><w:rFonts w:ascii=".VnArial"/></w:rPr></w:style>')
    assert read_file(_raw_docx(tmp_path / "fonts.docx", body, styles)).split("\n") == [
        "THÔNG BÁO KẾT LUẬN", f"Unicode: {line}", line, line]


# -- plain text in every encoding -------------------------------------------------------


def _utf16_no_bom(text: str) -> bytes:
    return text.encode("utf-16-le")


ENCODED = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: t.encode("utf-16"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16-le-no-bom": _utf16_no_bom,
    "windows-1258": legacy.encode_cp1258,
    "vni": lambda t: legacy.encode(t, "vni"),
    "tcvn3": lambda t: legacy.encode(t, "tcvn3"),
    "viqr": lambda t: legacy.encode(t, "viqr"),
}


def tcvn3_visible(text: str) -> str:
    """What TCVN3 can carry of a text: capital toned letters outside capital words come back small."""
    return legacy.to_unicode(legacy.from_unicode(text, "tcvn3"), "tcvn3")


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_txt_in_every_encoding_reads_back_to_the_original_and_gives_the_same_tasks(tmp_path, encoding, seed_txt_doc):
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(ENCODED[encoding](SEED))
    text = read_file(path)
    assert unicodedata.is_normalized("NFC", text)
    if encoding == "tcvn3":
        # TCVN3 has no capital toned letters: only "Ủy ban" comes back as "ủy ban"
        assert text == tcvn3_visible(SEED) != SEED
        assert text.lower() == SEED.lower()
    else:
        assert text == SEED
    document = extract(path)
    assert [t.text.lower() for t in document.tasks] == [t.text.lower() for t in seed_txt_doc.tasks]
    assert [t.lead_units for t in document.tasks] == [t.lead_units for t in seed_txt_doc.tasks]


def test_windows_1258_combining_tones_come_out_precomposed():
    data = legacy.encode_cp1258("Đồng Tháp, ngày 22 tháng 6 năm 2020: Sở Khoa học và Công nghệ")
    assert b"\xec" in data or b"\xd2" in data  # tones as combining marks in cp1258
    text = decode(data)
    assert text == "Đồng Tháp, ngày 22 tháng 6 năm 2020: Sở Khoa học và Công nghệ"
    assert not any(unicodedata.combining(c) for c in text)


def _real_texts(corpus: Path | None) -> list[tuple[str, str]]:
    texts = [("seed", SEED)]
    if corpus is not None:
        for name in ("laocai/vbhc-vn__ubnd__thong-bao-ket-luan-ubnd.txt",
                     "hanoi/real_hanoi_kh_173_festival__fulltext_pdftotext.txt",
                     "hanoi/real_hanoi_tb_453_flag__fulltext_pdftotext.txt"):
            path = corpus / name
            if path.exists():
                texts.append((path.stem, unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))))
    return texts


@pytest.fixture(scope="module")
def real_texts(request) -> list[tuple[str, str]]:
    from tests.conftest import SHARED

    corpus = SHARED / "corpus"
    return _real_texts(corpus if corpus.is_dir() else None)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_legacy_round_trip_and_detection_on_real_documents(real_texts, encoding):
    for name, text in real_texts:
        converted = legacy.from_unicode(text, encoding)
        assert converted != text
        assert legacy.detect(converted) == encoding, name
        back = legacy.to_unicode(converted, encoding)
        if encoding == "tcvn3":
            assert back.lower() == text.lower(), name
            lost = [(a, b) for a, b in zip(back, text, strict=True) if a != b]
            assert all(a == b.lower() and b not in legacy.table("tcvn3").from_uni.values() for a, b in lost)
        else:
            assert back == text, name
        assert legacy.fix_text(converted) == (back, encoding)
        if encoding != "viqr":
            decoded = legacy.decode_bytes(legacy.encode(text, encoding))
            assert decoded is not None and decoded[1] == encoding and decoded[0] == back, name


def test_unicode_corpus_texts_are_never_taken_for_legacy(corpus):
    paths = sorted(corpus.glob("*/*.txt"))
    assert paths
    found = {p.name: legacy.detect(p.read_text(encoding="utf-8")) for p in paths}
    # one OCR'd file of garbage is the only one allowed to read as anything; none should
    assert {name: enc for name, enc in found.items() if enc} == {}


def test_a_document_mixing_unicode_and_tcvn3_lines_is_converted_line_by_line():
    lines = SEED.split("\n")
    mixed = "\n".join(legacy.from_unicode(line, "tcvn3") if i % 3 == 0 else line for i, line in enumerate(lines))
    text, encoding = legacy.fix_text(mixed)
    assert encoding == "tcvn3"
    assert text.lower() == SEED.lower()


def test_syllables():
    words = ["nghiêng", "khuỷu", "quốc", "giữa", "thuở", "Ủy", "người", "trường", "đặc"]
    assert all(legacy.is_syllable(w) for w in words)
    assert not any(legacy.is_syllable(w) for w in ["Th«ng", "baùo", "tàc", "ổk", "xyz", "chủá"])


# -- html, pdf, sniffing -----------------------------------------------------------------


def test_html_in_windows_1258_with_scripts_and_entities(tmp_path, seed_txt_doc):
    path = build_html(tmp_path / "seed.htm", charset="windows-1258")
    text = read_file(path)
    assert "not text" not in text and "p { margin" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert summary(extract(path)) == summary(seed_txt_doc)
    page = tmp_path / "entities.html"
    page.write_text("<p>Sở&nbsp;Tài chính &amp; Sở Xây dựng<br>dòng&#32;hai</p><ul><li>một<li>hai</ul>",
                    encoding="utf-8")
    assert read_file(page).split("\n") == ["Sở Tài chính & Sở Xây dựng", "dòng hai", "một", "hai"]


def test_pdf_two_column_header_is_read_column_by_column(tmp_path):
    from pipeline.normalise import normalise

    text = normalise(read_file(build_pdf(tmp_path / "seed.pdf")))
    lines = [line for line in text.split("\n") if line]
    assert lines[:5] == ["Số: /TB-SKHCN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Đồng Tháp, ngày tháng 6 năm 2020", "THÔNG BÁO"]


def scanned_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF whose one page is a picture of ``lines`` (no text layer), as a scanner makes it."""
    fpdf = pytest.importorskip("fpdf")
    image_module = pytest.importorskip("PIL.Image")
    draw_module = pytest.importorskip("PIL.ImageDraw")
    font_module = pytest.importorskip("PIL.ImageFont")
    image = image_module.new("L", (1654, 600), 255)
    draw = draw_module.Draw(image)
    font = font_module.truetype(str(FONT), 40) if FONT.exists() else font_module.load_default()
    for i, line in enumerate(lines):
        draw.text((80, 60 + 70 * i), line, font=font, fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_page()
    pdf.image(png, x=0, y=0, w=210)
    pdf.output(str(path))
    return path


def test_scanned_pdf_is_reported_and_read_with_ocr_when_installed(tmp_path):
    from pipeline.read_pdf import ocr_missing

    lines = ["THÔNG BÁO", "Giao Sở Tài chính chủ trì thực hiện", "trước ngày 30 tháng 6 năm 2020."]
    path = scanned_pdf(tmp_path / "scan.pdf", lines)
    with pytest.raises(ReadError) as err:
        read_file(path, ocr=False)
    assert err.value.kind == "scanned_pdf" and "OCR" in err.value.message
    if not FONT.exists():
        pytest.skip(f"no TrueType font at {FONT} to draw Vietnamese on the page")
    if ocr_missing():
        pytest.skip(f"OCR not available: {ocr_missing()}")
    text = read_file(path, ocr=True)
    assert "THÔNG BÁO" in text and "Sở Tài chính" in text and "30 tháng 6" in text


def test_a_suffix_that_lies_is_read_by_content(tmp_path):
    real_docx = build_docx(tmp_path / "seed.docx")
    (tmp_path / "seed.doc").write_bytes(real_docx.read_bytes())  # a .docx saved as .doc
    assert "THÔNG BÁO" in read_file(tmp_path / "seed.doc")
    (tmp_path / "page.doc").write_text("<html><body><p>Kính gửi: Sở Tài chính</p></body></html>", encoding="utf-8")
    assert read_file(tmp_path / "page.doc") == "Kính gửi: Sở Tài chính"
    (tmp_path / "notice.pdf").write_text(SEED, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        read_file(tmp_path / "notice.pdf")
    assert err.value.kind == "corrupt"
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(ReadError) as err:
        read_file(tmp_path / "image.png")
    assert err.value.kind == "unsupported"


# -- zip members ------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_iter_zip_members_yields_the_files_in_order(tmp_path):
    path = _zip(tmp_path / "ok.zip", {"a/seed.txt": SEED.encode(), "b.txt": b"hai", "a/": b""})
    assert [(name, len(data)) for name, data in iter_zip_members(path)] == [
        ("a/seed.txt", len(SEED.encode())), ("b.txt", 3)]


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "a\\..\\evil"])
def test_iter_zip_members_refuses_paths_that_leave_the_archive(tmp_path, name):
    path = _zip(tmp_path / "bad.zip", {"good.txt": b"ok", name: b"evil"})
    with pytest.raises(ReadError) as err:
        list(iter_zip_members(path))
    assert err.value.kind == "unsafe_path" and "evil" in err.value.message
    refused = []
    kept = list(iter_zip_members(path, on_unsafe=lambda member, error: refused.append((member, error.kind))))
    assert kept == [("good.txt", b"ok")] and refused == [(name, "unsafe_path")]


def test_iter_zip_members_refuses_links_bombs_and_lies(tmp_path):
    link = zipfile.ZipInfo("link.txt")
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ReadError, match="symbolic link"):
        list(iter_zip_members(tmp_path / "link.zip"))
    bomb = _zip(tmp_path / "bomb.zip", {"zeros.txt": b"\x00" * (8 * 1024 * 1024)})
    with pytest.raises(ReadError) as err:
        list(iter_zip_members(bomb))
    assert err.value.kind == "zip_bomb" and "times" in err.value.message
    with pytest.raises(ReadError) as err:
        list(iter_zip_members(bomb, max_member_bytes=1024))
    assert err.value.kind == "zip_bomb"
    with pytest.raises(ReadError) as err:
        list(iter_zip_members(_zip(tmp_path / "many.zip", {f"{i}.txt": b"x" * 600 for i in range(3)}),
                              max_total_bytes=1000))
    assert err.value.kind == "zip_bomb"
    # a header that claims 10 bytes for a member that inflates to far more: inflating stops at the claim
    liar = bytearray(_zip(tmp_path / "liar.zip", {"a.txt": b"a" * 100_000}).read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = liar.index(signature) + offset
        liar[at : at + 4] = (10).to_bytes(4, "little")
    (tmp_path / "liar.zip").write_bytes(bytes(liar))
    with pytest.raises(ReadError) as err:
        list(iter_zip_members(tmp_path / "liar.zip"))
    assert err.value.kind == "corrupt"


def test_read_file_on_a_zip_reports_it_and_its_dangers(tmp_path):
    with pytest.raises(ReadError) as err:
        read_file(_zip(tmp_path / "ok.zip", {"seed.txt": SEED.encode()}))
    assert err.value.kind == "unsupported" and "expanded by the batch" in err.value.message
    with pytest.raises(ReadError) as err:
        read_file(_zip(tmp_path / "evil.zip", {"../../x.txt": b"x"}))
    assert err.value.kind == "unsafe_path"


def test_doc_without_tools_is_unsupported_with_the_package_to_install(tmp_path, monkeypatch):
    from pipeline import read_doc

    monkeypatch.setattr(read_doc, "doc_tools", dict)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError) as err:
        read_file(path)
    assert err.value.kind == "unsupported" and "antiword" in err.value.message
    if shutil.which("antiword") or shutil.which("catdoc"):
        monkeypatch.undo()
        with pytest.raises(ReadError) as err:
            read_file(path)
        assert err.value.kind in {"corrupt", "empty"}


# The seed notice as a Word 97-2003 .doc: build_docx() above, converted by LibreOffice 7.4
# (soffice --headless --convert-to doc), zlib-compressed and base64-encoded.
SEED_DOC = (
    "eNrtPQtsVFd2582M7XHAMOYfQoYBHPMb/z8YkxBjEzAGjAGXoDS/8dhgB9szscdZ2EoV2aZSFLUS2a7aqop2Qz7aVNs0JK2USu0q"
    "ELokqygKNAsbmqbB0CRLGpSQZFUlVXDPOffe9+77jceEZje7ftb1vPvePeeee86555x73p03J98oPnf4+fmj4DjWQBCujBVCvnbN"
    "wNKgKhGAgLx2ZWxsTF0emzy+VcdX8pNkuArll4eFZF6AJYylEMt1WKZgmYqlCMs0LNOFCkAxlhlYZmKZhWU2ljlY5mKZJ3VjPn7e"
    "gGUBlhuxRLEsxBLDsgjLYixLsJRguQlLKZalWJZhWY5lBZaVWOJYyrCUY6nAUomlCks1lhostVjqsNTLfqmslueTh/exA1L4l0FZ"
    "3AaD+DkEB2AixxzUGB1fLjBXcmyX6zHZ/9X3b2hzJeSY/3RNzf/JOfS7eRgo2eB1QofyCwOsE0eFamwg+721LzmUGk7tycRuTw11"
    "l61P7RsZ6BnMsE5s3UnX1qeS7AnovBwrfL+8AT5f/cL94+uiIcKIqz6ujBGOgBdeOPenP/r0i229kZ88GoaVS//hLPmLc9Kn0f0O"
    "LKTzu6XO90u9PyTbPCV1/4j0f/8ifeCr0g/+AgTxF78SPo3upQ9kelODZd2p5H6+dj2WvT2DPUOJTE93rOtATG8AFlx7amgg0V/e"
    "ncoM8LWA9G1N2phc50PbX6+FNwz9fKL8mwE7cIwG/CF7dHEMoWu/PBagT+RLO/qHIRiABPOH/PaM7lmGAcESSJRAVYkxE/k066lX"
    "YV0JrCgx0BM3r4BtbSHYjqWlbQ4MtBaGhrFsbkWWt+XBIJ5nsNzdlg8JvH9PqxGCe8GIkBzvZd63Qg/21w196JP2om+q4gjDgLwS"
    "o6kUZj51zpiFneZjb0uxt8J0b/09j2KfBdhnAfa5AOrCRkdbGEQXC+DOsIGYA1l6qOYeAqIHHNKr4Ohh24M/1XqYb+9hPvewG4Lc"
    "w27PHmq4h6DoIaD3sNDdg4adMN8NIcZ8tyfmWsYcEpiDOuab3Jjrw4aG/K6wQfh3QB7j3+GJv47x5wn8IR3/9QJ/ya33mvgVZuRC"
    "fhZu1DPOfIEzz4MbOs56G8GIsSAL5lWMuUBgzndiNtK9TU1NfpjvgDBjvsMTcwNjDgvMBTrmRV46MgssBcHQ+F4ozKJ/qxl3ocAd"
    "duqfg2rCXa/r3yym3jpK4crCGcZljqSnmH314DyOQQv0Ym1Ia2cYot0GGQu6292M7T4dKzZu5ohvPbbYg/dG0CJQ5NjB7RI4Dvqf"
    "RrgY46J4ko5O7mWR0clrB/fc1vvKfT4LrFU+WKu9sOYwh7cw1nXGFk+sNTas48/bdsa23WhnT9KJeDLIsx4bluUCy9z6uzTaaqHp"
    "4TzY3BrQdAin+S7GlzB2sQfaiRLoQoxeWFd6jXgeYp1u15x5rDlxxnu/EedRN6PsunEdEEOKe2A/y1jXhkpu/aBRyWtAr9bVDogG"
    "hnjUaPCFsHM2jMRGkLoIrGXIw8ZaXnNuxftJbJHyoS2Cgy3EwRbyFKF5Ucvwzxu1LIHtyDGh4TrUdDHDiFDkzV1sDwnqmLHDUwtq"
    "bdC52tgNjPOUscETZ50NZza7KjR01EdD6700NIstFdgu+2Bb5cKW3X4KfTcC7Z7YGmzYcrGZYo4XB7zn+GrXHM/NTi4W9iiwmOOb"
    "nbzqTTFOqtexuEphdwStS6CUtfE2jH/S3NMw9j7M7YSqtAl7EWjjWGoT27we/D/MOuatb7OtkQtNkRoidH17QOi6mt1iZrspIK2d"
    "nu49ePCg0lqhYYnABp4JTlrcGPzoaBLWINDEeOx07GDbTx6CMCfxP1HSGDaaV+Sne492bIW1K5RWPRjYwhkiJyVeOK634SDjh3iE"
    "KNCasPUIVPMcbmYvtY8tgLJ8ZA0RnsAkTCl7rMMB4dm28Igz+JnAsfQgjIgpQbZ7Pku7aq3dsSztarR2p7K0q9XajWZpV6e1u5yl"
    "Xb3Wzgj6t1ultSvO0q5Ba7coS7vVYpGI7QxoDm7gtZN9hpJUajBa/wRjmf0cy8zDqYlWGAs59Y62KTgvp7BHL4fmCOEp5+jIsu3K"
    "V5Dka0EsNfZzrq8C2+8I1vIaTtFHelQHdz/Ua9z1EEZcD/31FbU4GSgxOI5ZjFBdwZuZ2haOVsh/0uwnauuxh/3cw1RsP41dJk4N"
    "6SYX81iHgos5T0Ja3c10Um0VQ1Dukdp8L1jPmm+PvBIMEbPFWbTSI443wkKk7PvBRrYtOhzlTlfjmusTXP8UnQhDoHXGoRIjIAbG"
    "MmiEGMI+IWHt2G/Au9lgv4v0Xh57Ifhd5nA7e9adyBXys0qKC2GNxOFY88HXW/P9ENZyRPxD5qA+m29HSYkeRUdxA+VX0k0Et58I"
    "qyj3Jr6wzbpQ2h02CkMdJ8Jk0sLYw1Jusd1qMaFoqwPamL4O9gHOaIskd8sE46xW1o7zwVb2Z0prvSJo0uS1qMknA0KTAeya3MCY"
    "Pg028Pz0jsHIet+KfDxnGNrMaWTIQKjRF7KGdaHJhLGisQaoR47MCDWwpln0VzO96zR6nTOvAVYh5GIXZI2IdhCyIeQ3Z4ne6tDN"
    "NktEloHWHySJDD97aIHrSmHKBsPOqCZhn0JNPL+9oQX9s3BdwxgCXhh2jIOhhjHcJjAE7RjECLpcI2hHDANsT4cYeoOADnn1P+Tq"
    "X4dWI9goMOR5YfjeOBjECFoFhnw7BmHlvx/a4MDQIld5ZClGpB/fpNlfMHVIyLKN8TwRauOowR+P0qg2jxlgx/VCDriEjm3WdMyJ"
    "6xG2gi+HHmFLNGCuMgAt7xZnvqvoxFwoaAocDB3Nh8KmKQeLjqrUmSsT5lyNoJXMZhnZKpaL+clPufK0CJLszVaPtUqTbN/EPi3p"
    "8GlhlLKwpHMtS9XSNoPipAR+UKz0mMTwGEvXP4YFuAO2IRefCd6FRXCR8hTzcjLNIcs0h7xMs180Wg6LIlXBQF65SZ3wujFXtCEs"
    "dQOUR4qlV42Y2tDD/4c9oIjHTaWFkorPZ3JOuFE9V6GHoO9XiGeZdP5fKOsPbxLXflUh8rv6880CzixTGZvu/BNZ3YDPvSCI4nUv"
    "JDPVXvfy5FMbr3v5MrPtda9AZru97hnyCa7zCEeAZzdZ6dkn8sDoNfK3tU1FHZ+KMC9+Ypi5d8fBcA0hE64hlB8Akm12iMfzTIjH"
    "8xAiMC5EuMCECBcgRHBciHTYhEiHESI0LsRbhSbEW4UIkTcuRNMUE6JpCkLkjwvxzFQT4pmpCFEwLkRkmgkRmYYQYQnhL8eTARPi"
    "ZGBSjt9aOdrlMSnH3245+kPY7WqAd7pMSvDbJEG7RZ2U4LdPgk55TErwt1OC2kangB1CrO8YgoPfydbfbOsCD2k69+cEHfWQo57n"
    "qOc76gVZdsC5jwLGcDv+iYxHla1WbavV2Gp1tlq9rbZKWzHyGCPahQ6xe5a3CW2ccyinbTmUAB3Axekwp2Z64Dv8qCTF6Qhaytch"
    "nlz2Su2EA5zWSfGGnZrS3HpfB0PYv9jk04c9GcXjw1DSRaSPEmbKgdLHPYxrTw5jWkU95UAdpeppTIJGHFV+bnBlYzVjMZi250Zc"
    "6S/PEWZiVPUzD4guhJsQVf9Y+WLl8crnKgG2UX/hXPpLoepRXyJlaK8rDqMGoMyNyNXLL8HJH7tO3Jrj2GhzyH0Iswsp03HVha5G"
    "e5vRNBjhP58HcBKBe5mAN366YCkVy23sQ/txdCaZmWo2Jn9yqNp1tVriXxrkfedumzN5TGzjYOW1x+nQj1iOYBOm5OCk+NTx0dOG"
    "sTVWiJPhkxkv6ewMi/zmNGhJpPoTgw0eTC4MzYFbGq268oT++9Sncx7VkOfXq6zm2HRX24f5/9TZYPvMdlCbWRMYeWy22Hkbny2+"
    "eaKOe5YANAW/PmfXLrk6uB+VAnRpM6FtifhWzeRxdUcHMu8Efu5YLHZ2/6aP80jHnQ49mfoboCMAZyeVY/KYPH6vj51wKtqIkVYF"
    "LtWaoQzrm6EVFxbtvD/qrWg7bORnpv+Gi4EY7IbjXHsruomftLfC+1FadmzEs2UGtdgFm+BEtJMXI+tgKy6AI8bZaBLr/fBsNI2f"
    "ZbzX5DLCdfNuozLGeDg6yPvGae/Ll5BkuDejYp9nJ14bxTtxPKcr53i/SoavWrteByFoDPDOgUouBfjXiZh/AWIMzXAMtiHezfBS"
    "NMP0jCBFtOBJwgfRBH5uxMXOKBCOYuMU07wT3kU6N2NPKaAWvfA6X38AaaDxfy77p/+98Eq0CKk6HO1jnCMgxk0wNO4uxJ1y0V1h"
    "0luEdKqxVeNfhe1unCEF7lbE3Mf1IThivCO5NFFa41lGXGxc4DH0ImdEPx9NYExuWayRbRLcVzdL340tCZ/x/1FI8p6oXq770bgM"
    "+TACn0m92YU9DsrdCuex/zhr4F6sHYCfsZRJi86BaN2JZ32wnFttgQvyarFxOJrSKCBd/FSOSnARW3AvD8BrUTEiNQaiqZz35Cd4"
    "4bsP7/WZ3O7RKNSxEgYll/sRLqHxNOnB2zoP3sa5N6HThONJSdllyds+lPUgw4nzAab/PSnX16OKkvOSxy9xaz8tjWv8GZR62I29"
    "ipakMT+P6pwUM+v96AEeWQIUJef5rFt+diIUXSU9+YrH0wcv2ebm+FohJJTRpPwAtvlQ9kMaJ/Qsfk1mesymfVt5N4nQrBF4minf"
    "57IzApeTRwR3xIjBMGtOI+pQFZRzn7loYRHbT3fbuEtbhxh2GMc3ilyKszxOR+nKiDk2pzxVf6/JcRKlb0uNKTaOI/R+lOAByWFx"
    "ncYdYz4ejiYlFJ1nGOZs1K3Jy6R2VeFYxFkdzk0hyx5IeVKmbGGL5Ca1fY1Hcwr/VyKuCrzXiRj/AC1/O6y3+Y5KqHHYVxrrMc/x"
    "bHaNJ81zIyMtcB8cl/JWOpBhCJLLfrjA4xfUjz9mkspeuMStOzS5u2koM62Y0KhLZt+nJd29cAG1nWxSGSdddenrc9hpFZIs5YSU"
    "24s8C+jas9xmL7Z+Mqosm7K0lm0fQNgRT6sqZpgFn5Ze3dtaCc1z2sLx7EhG2hE1auLhKe5NcCM7V8s8OeqcJbrNFrsMdU21Wy+6"
    "/rfRAdscUhZNWRwvyUaMH0dHGJ4sA9moPubJ2/xZyd9AEjZtlPsv1tqrsXd6cDWD3BDSt0Yg9EBIUOkQJYTjciTHmX5xTc0SaneB"
    "exa4R/jsHCjNIy2L89kvpZ+5ENV71WOQDOMQtrIL57AuOyFVC04/64WLOLq4zc6rq3Qmos1B1tyMj9weYOqTPjpIGvpjPhvAUQvt"
    "Piv5d4llWGxYnL0Upftvy8hM6YNuMbvhJ9FBaZmfZHxdOBdSXP9S0653GMdeTr0Pap6NojAlocu2uXQ/xzkvmeMUUdt7cjzKH1pa"
    "rXi8mfVz0IwlyV/s9eGGv8UQnsAaixibnzfJmLODvEFM+/aVO7YhOqvZG3pFTzSDxDjWMz+IakGD2wdleBZb+qFsstBE4TkOG5bX"
    "Fnru5bn2+cQISY8Yod4RSal56hynXbp+tnMfWxdl/ZRc/W1dMoeogMZyzpw7P48qm2e3u+7YodgYlTTu5VgqN71za37S9N80h0e4"
    "xTGOVhKSK2pmH+YY6V2W4nMsE6H/A9qI+5lDSc2m5ToTOlkrhTd6L5r09GlevmuQbZSwSAnJM7dtpdn5Iah5RrVjck49KVeLo6Bi"
    "JS+uea0TvCxcn/THXdKPCS3OtZd+SWMnc9/f2zmtnu7Ryvk7X+UOT7ud1yWDpoScc8gexXrFJE/zWGnsIl4X1lGtVIuNI8YFvi60"
    "Zz9H4RkzNvHzwc1oBeITpFVZMKeuCHvfDb/Gu94xkZdVdc4Hp3VUNtNpvcSKWVmxYjNXIiKGB3gNEucxiL6/sq3tlMR74WO2R904"
    "Dsu69XnSusZjnLoHTbvsD8noY9vqTbc9auZtMb23sJkqyiHZTGxFpuywuy+VW+g3+xKzaNCcI0JvMnLe7OTvC/hROCA9dKct/xIx"
    "DsvRCzqbzdlmjaEf8Q/YuOaM7ex0bDFjKn0eDpgrDeF5RWwmfO/pqKV9p6KKQ708G3QLkDF1yS1pf5vopl/Rrbjey9btlahaF9hX"
    "I7p09HlqzUiaowmpTVY8osb5EQw4YiqvGMjfI3ay9bVnPDabMa5lH4QmWXeEjimb5JyN2ey7n0WbSBQhbJyTBuI0jbR2XGubzDJX"
    "ejXaxfqYaPXjn6Wl+tzymlXudbR3pNE94cjNypJa1u80f6roe9iMtyhLkAJ9RZTbKnW/9HT21VyuWSxlU+zZAeq7z8cLuFeB9P2k"
    "n0lrLfz8RcnHtMyADcss6imOvQVv9iM8jbbOpRO5ZhCKZD7eS1a5ZXaEZlnZkDTjnpjG2+PjKg2rkwI9pyJiAqERKX6iEPPIsuQW"
    "axPVH8rVC9mzjKevdq/VLA95QMazSaCYX+ngLtYMN3f0XHLSZvt0arP5WEG3mqG6zyIt022ven7glsg++MLMaz8r10HnXJCNMoMq"
    "fI5/RtYvPz9qapb+dME7Z+1cQw7y3I9/jfzY+FFZOb8JoFxmFwUG4f86zVWKsJxi7RwxUjLSUrFAi+lx6eoFvqrL3/KfYhVhxV+t"
    "2Md2lF4LFl2bOvHKLrR9MdiEkt7G71+o5DwnZYxXZl3LO32w82nBPtP6Dsvs4LWkbw2Mbwnd89qdebJai/yqygDbfZEzC0GzOuMR"
    "V1urTJFBEhl6a12kx1vDvOrImE+orJyX4qCwWlbMFQcvStSIlHfQdemSxjk9I6LWxyKvnetKTkVTGfO5itCR3S6vrGY2SbzbN2fl"
    "lxES0cNxyVcVezp1Ro3Lbku8cvp+cZTKxjj57q+nok/v7HecPWUPW4H9cBHEPFXadEpm8NS8dWYx3ZFNxtMq6BkLt+ewVmD2McXl"
    "2Ec1qb4Z1XKeIOKZVWyfrkU865//8Jqz2aSXyzPHBbEVHlpYbHwQFVSN8GhJHpfl+uh4VGSb9BjIWkX0oWaMSHvxiu2JofNZrbUu"
    "Jivcx+9t2Ajr0I8o/rjpUs+/rOyCM+uleyFLlroezIx5yyTt8PJWRiDlsFtu3bLyIMIWCm2vwM/b0A7Tu41WyWinkeMeqq+AG2N2"
    "29LiG2fk8qzYf5WVvqZrkfg4GN1RjNJulTm8iDKJa6tXlYUdADXX7SsMpV1d2NNpM76zMvtKyk4/6tevGnORNuYBc938mcR6POq0"
    "qHtljBXXcjf2SCyurYLul5FV3HM1rp6QxkHsu0mYkt5rixA/k9K3Ilc9C6tW511ydZAx1wbLUL9yX+9UckReye8JtLic7UnAClhu"
    "alyLtt/gaVtk65Wt9FqdJllnVMzc7tBJxQ2hlx2eT3sHtX5En365HCvHoe9NULuhvCx42lxZkp9IytXJ0zKz0alJQ9irfnNtlMt+"
    "g2u32ymWZbfTeDuC4jnsiFFPIZy6P96+nC75PDHuE91XMB/b0T/3mfnzQY6jy5gvtFeglCUvzokvayD3nRakJ5fN3JrgzBozl0ir"
    "jkYefafkQgfSQ3vVtrBP34hW/Bhs5XXFyWgLwtE+u2NIbyu3DhjtTBvtyaOdbUUe+5xGQWRQhT0vcH1fTn+FgHiXyeTxe3kYJP8F"
    "WLqw/A2W/8Dyn1g+xdJRCPBnWDqmAPygCODlIvH+m890DP+tVy7olV/qlT/SK7afmPiOXhnRK8N6xfYu+ZReGfAdm2+5E2BOiTG3"
    "xNi0h66Ez1RC4AdjmcjORbkyrvAMf39sxplZ8sux4guy8iw9ocu1Z/LBMILyJBDsFychdSWMV/bUAr3rcAoTLqiuKjFfOEUTXL/u"
    "qvvBTSV5/nsE4EwxwF/OAPhyJsATSOXLWE7MBgjNBeicB/Awlj+eDxC7AWDeAoC3sLx8I55HAX6F5cxCZEYMoB85OG8JfmI5sUS8"
    "K+krnXH/q1e+0Cv/o1d+rVdsCndZr3ysVy756uVFvfKBXnnPV31tP4n0rl55R6+8rVfO+ur/ab3ypl45pVfeyF2Hr0mZR/I5Xwrw"
    "T0tR1ssA1q4AGFwJcCQO8EIZ6kM5wDT0D3Es/VgewfIUln+tEH7jm5LtB77SsLH5Nb1yXK/8s1557puyr9d6vo4H56yPJ//p6j1m"
    "T076wq9xfGv9ibEGbq6Epg6A5o4ALDxysiJ25Nwti46ECxZjWXLo8bwSLNV4v+pQr1GZplc+1GBtWTVMq5yU+7f/8Pv9HH5T4enX"
    "Tz9WfkPkL/4qDCvjX/z9eryW57hG32ScpxmUCFi/iUNvY1RfpI2B9fuBdL9J1gPCSMK6dHpXz9BwX2rQ/ps69FaEqtrySjwmhfX/"
    "cFzL338jeTp/Q8oLhnTiaEAFOC38OpA0bMN1+30Tpn8GBFhfxPfIc/9dtfvMAGubfJvz1R3XYe/Ub3AC/RO96pvqVbhep3eqXy0N"
    "02T/E/n9N+KVsVyc5/F7rQf4hSwke3q/6h7zF5+s98j6HcvoN5NAvmU0x/6JVxH5LpHbua9uWI+fSaakx/zdmFyO+VcxfnrvgHpv"
    "QZ6r54nxo+Eq+ieb9nfXcA5/nd//+z9v1nGU"
)
