import unicodedata

import pytest

from pipeline.normalise import normalise


def test_nfc_and_line_ends():
    nfd = unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh\r\nSở Tài chính\r\n")
    assert normalise(nfd) == "Ủy ban nhân dân tỉnh\nSở Tài chính\n"


def test_the_letter_oi_a_pdf_font_prints_for_u_horn_reads_as_u_horn():
    """"BỘ CÔNG THƢƠNG", "địa phƣơng": "ƣ" (U+01A3) is no Vietnamese letter; a tone mark after it composes."""
    assert normalise("BỘ CÔNG THƢƠNG\n") == "BỘ CÔNG THƯƠNG\n"
    assert normalise("địa phƣơng, thƣờng xuyên, tƣ\u0300 nay\n") == "địa phương, thường xuyên, từ nay\n"


def test_page_break_inside_a_word_pair_is_joined():
    text = "- làm đầu mối tổ chức các buổi giới thiệu kết quả nghiên cứu, công\n\nnghệ mới có thể chuyển giao.\n"
    assert "nghiên cứu, công nghệ mới có thể chuyển giao." in normalise(text)


def test_form_feed_and_page_number_lines_are_dropped():
    text = "áp dụng đầy đủ các giải pháp kỹ thuật phù hợp với từng loại\n\f2\ncông trình theo Quyết định.\n"
    out = normalise(text)
    assert "từng loại công trình theo Quyết định." in out
    assert "\f" not in out and "\n2\n" not in out


def test_emphasis_is_dropped_but_a_star_bullet_stays():
    out = normalise("**TL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG**\nnhiệm vụ “*Xây dựng đủ nguồn lực*”\n* Mục một\n")
    assert "TL. GIÁM ĐỐC" in out and "**" not in out
    assert "“Xây dựng đủ nguồn lực”" in out
    assert "* Mục một" in out


def test_two_column_header_is_read_column_by_column():
    text = (
        "   ỦY BAN NHÂN DÂN                             CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "     TỈNH LÀO CAI                                         Độc lập - Tự do - Hạnh phúc\n"
        "     Số: 5973 /UBND-KT                                Lào Cai, ngày 11 tháng 6 năm 2026\n"
        "Kính gửi: Công an tỉnh.\n"
    )
    lines = normalise(text).splitlines()
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "Số: 5973 /UBND-KT"]
    assert "Lào Cai, ngày 11 tháng 6 năm 2026" in lines


def test_blank_number_and_day_are_not_taken_for_columns():
    lines = normalise("VĂN PHÒNG\nSố:           /TB-VP\nLào Cai, ngày        tháng 6 năm 2026\n").splitlines()
    assert "Số:           /TB-VP" in lines
    assert "Lào Cai, ngày        tháng 6 năm 2026" in lines


def test_wrapped_pdf_lines_are_joined_but_headings_and_bullets_are_not():
    body = (
        "Theo chức năng, nhiệm vụ, phạm vi quản lý tổ chức tuyên truyền, phổ biến\n"
        "và triển khai thực hiện đầy đủ các nội dung của Quyết định số 1074/QĐ-BXD; tổ\n"
        "chức kiểm tra, rà soát các cơ sở theo đúng quy định.\n"
        "2. Giao Sở Xây dựng\n"
        "Chủ trì, phối hợp với Công an tỉnh và các sở, ngành, địa phương có liên\n"
        "quan tổ chức hướng dẫn triển khai thực hiện Quyết định số 1074/QĐ-BXD.\n"
        "- Công an tỉnh;\n"
    )
    lines = normalise(body).splitlines()
    assert len(lines) == 4
    assert lines[1] == "2. Giao Sở Xây dựng"
    assert lines[2].endswith("Quyết định số 1074/QĐ-BXD.")


def test_a_document_attached_after_the_signature_is_not_read_as_its_columns(corpus):
    """The signature zone ends where an attached document's motto begins: the Quy chế printed after a
    Quyết định's "Nơi nhận" keeps its articles (it was scrambled into left/right columns before)."""
    from pipeline import extract

    doc = extract(corpus / "laocai/kccn-sct-vn__QD-16-2026-Quy-che-CCN-Lao-Cai-OCR.txt")
    assert len(doc.tasks) > 100
    assert any(t.section and t.section.startswith("Điều") for t in doc.tasks)


def test_footnote_bodies_at_the_foot_of_a_page_are_cut_and_their_markers_stay():
    page = (
        "- Kiểm tra các khu vực khai thác khoáng sản1, đặc biệt là: (i) Khai thác khoáng sản\n"
        "\n"
        "   1 Các quy định của Luật Địa chất và Khoáng sản năm 2024; Nghị quyết số 10-\n"
        "\n"
        "NQ/TW ngày 10/02/2022 của Bộ Chính trị\n"
        "\f       2\n"
        "\n"
        "trái phép; (ii) Khai thác không đúng nội dung giấy phép.\n"
    )
    lines = normalise(page).splitlines()
    assert lines == ["- Kiểm tra các khu vực khai thác khoáng sản1, đặc biệt là: (i) Khai thác khoáng sản "
                     "trái phép; (ii) Khai thác không đúng nội dung giấy phép."]
    # without a marker in the page body the numbered line is text, not a footnote
    assert "1 Các quy định" in normalise(page.replace("sản1,", "sản,"))


def test_a_real_footnote_no_longer_becomes_a_task(corpus):
    """CV-5973 prints the documents behind "địa chất, khoáng sản1." as footnote 1 at the foot of page 1;
    its body used to be glued into one task and made another of its own (ANNOTATION §3)."""
    from pipeline import extract

    doc = extract(corpus / "laocai/qlks-sct-vn__CV-5973-UBND-KT-11-6-2026-tang-cuong-thanh-kiem-tra-KS.txt")
    texts = [t.text for t in doc.tasks]
    assert not any("Các quy định của Luật Địa chất" in t or t.startswith("NQ/TW") for t in texts)
    assert any("(i) Khai thác khoáng sản trái phép; (ii)" in t for t in texts)


def test_a_closing_laid_out_as_a_table_keeps_the_signer_in_the_right_column(corpus):
    from pipeline import extract

    letter = extract(corpus / "laocai/tkm-sct-vn__2019-CV-tham-gia-y-kien-TKCS-mo-da-VLXD-SauChua.txt")
    assert letter.document.signer == "Phan Văn Cương"  # "|   |   |Phan Văn Cương   |" in the table of the closing
    assert letter.document.recipients == ["Như trên", "Lưu VT, KT"]
    row = "|                |          |Phan Văn Cương      |"
    assert normalise(f"|Nơi nhận:  |   |KT. GIÁM ĐỐC  |\n{row}\n").splitlines()[-1] == "Phan Văn Cương"


def test_a_list_cut_by_a_blank_line_after_its_comma_goes_on():
    """A PDF's blank line inside a list of bodies (Hướng dẫn liên ngành 24/N2O): the line that ends with a comma goes
    on; a sentence that ends before a blank line does not."""
    text = ("Bộ Công an, Bộ Quốc phòng, Bộ Y tế, Bộ Công Thương, Bộ Tài chính,\n\n"
            "Viện kiểm sát nhân dân tối cao, Tòa án nhân dân tối cao có trách nhiệm chỉ đạo thực hiện.\n\n"
            "Bộ Công an hướng dẫn thi hành.\n")
    lines = [line for line in normalise(text).splitlines() if line.strip()]
    joined = ("Bộ Công an, Bộ Quốc phòng, Bộ Y tế, Bộ Công Thương, Bộ Tài chính, Viện kiểm sát nhân dân tối cao, "
              "Tòa án nhân dân tối cao có trách nhiệm chỉ đạo thực hiện.")
    assert lines == [joined, "Bộ Công an hướng dẫn thi hành."]


def test_soft_hyphens_and_zero_width_spaces_of_a_real_decree_are_dropped(corpus):
    # ND 24/2026 prints zero-width spaces inside chemical names and a soft hyphen inside a formula
    text = normalise((corpus / "laocai" / "hc-sct-vn__02-nghi-dinh__ND-24-2026-danh-muc-hoa-chat.txt")
                     .read_text(encoding="utf-8"))
    assert not {"\u00ad", "\u200b"} & set(text)
    assert "Ethyl-3-(3,5-dichlorphenyl)-5-methyl-2,4-dioxo-5-" in text
    assert "Ba(BrO3)2" in text


def _run_together(text: str) -> str:
    """The text with every line break lost (a PDF or web page pasted as one paragraph)."""
    import re

    return re.sub(r"\s*\n\s*", " ", text)


def test_a_notice_that_lost_its_line_breaks_gets_them_back():
    """The bundled notice pasted as one line reads as before: the same header, and all but one task with the same
    text and lead units (the last item takes in the closing sentence "Trên đây là ..." no more: it is a break)."""
    from pathlib import Path

    from pipeline import extract_text

    text = (Path(__file__).resolve().parent.parent / "data" / "samples" / "dongthap-skhcn-tb-2020-06.txt").read_text(
        encoding="utf-8")
    intact, pasted = extract_text(text, doc_id="a"), extract_text(_run_together(text), doc_id="b")
    for field in ("doc_type", "symbol", "issuer", "place", "issued_date", "signer", "signer_title", "subject"):
        assert getattr(pasted.document, field) == getattr(intact.document, field), field
    leads = {t.text: t.lead_units for t in intact.tasks}
    same = [t for t in pasted.tasks if leads.get(t.text) == t.lead_units]
    assert len(pasted.tasks) == len(intact.tasks) == 24 and len(same) >= 23


def test_long_lines_with_few_markers_are_paragraphs():
    """A long paragraph with a short list run into it, and a short line with a list, stay as they are."""
    from pipeline.normalise import _restore_breaks

    paragraph = "Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành. " * 30
    lines = [paragraph + "Cụ thể như sau: a) rà soát quy hoạch; b) kiểm tra. - Báo cáo kết quả."]
    assert _restore_breaks(lines) == lines
    short = ["Giao các sở: a) Sở Tài chính bố trí kinh phí; b) Sở Xây dựng kiểm tra; c) Sở Công Thương báo cáo."]
    assert _restore_breaks(short) == short


def test_ordinal_items_break_and_cross_references_do_not():
    """Run-together text breaks before "Một là, / Hai là, ..." items and before an appendix that opens a part, but
    not inside a sentence that points to an appendix or an article ("chi tiết tại Phụ lục 2", "theo Điều 5.")."""
    from pipeline.normalise import _restore_breaks

    body = "Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành trong lĩnh vực công nghiệp. " * 4
    line = ("I. KẾT QUẢ " + body + "Chi tiết tại Phụ lục 2 kèm theo. " + body
            + "II. NHIỆM VỤ Các cơ quan thống nhất như sau: Một là, giao Sở Công Thương chủ trì rà soát. " + body
            + "Hai là, đề nghị Sở Tài chính bố trí kinh phí theo Điều 5. " + body + "Ba là, Sở Xây dựng kiểm tra. "
            + body + "Bốn là, báo cáo kết quả. " + body + "Phụ lục I DANH MỤC CỤM CÔNG NGHIỆP")
    starts = [piece.split(",")[0].split(" ")[0:2] for piece in _restore_breaks([line]) if piece]
    assert [s for s in starts if s[1] == "là"] == [["Một", "là"], ["Hai", "là"], ["Ba", "là"], ["Bốn", "là"]]
    assert ["Phụ", "lục"] in starts and ["Ủy", "ban"] in starts
    assert sum(s == ["Phụ", "lục"] for s in starts) == 1 and not any(s[0] == "Điều" for s in starts)


def test_a_header_table_run_together_keeps_its_issuer(corpus):
    """A Thông tư whose header is a table of cells ("|BỘ CÔNG THƯƠNG |CỘNG HÒA XÃ HỘI ...") pasted as one line: the
    motto breaks off at the cell's edge, so the issuer is the ministry, not "Hội chủ nghĩa Việt Nam"; and its title,
    "THÔNG TƯ" run into a long upper-case subject, gets a line of its own, so it is read as a Thông tư."""
    from pipeline import extract_text

    text = (corpus / "laocai" / "kho-vlncn-sct-vn__TT-32-2019-BCT_QCVN-01-2019.txt").read_text(encoding="utf-8")
    assert text.lstrip().startswith("|BỘ CÔNG THƯƠNG")
    intact, pasted = (extract_text(t, doc_id="x").document for t in (text, _run_together(text)))
    fields = ("doc_type", "issuer", "symbol", "issued_date", "subject")
    assert [getattr(pasted, f) for f in fields] == [getattr(intact, f) for f in fields]
    assert (intact.doc_type, intact.issuer) == ("Thông tư", "Bộ Công Thương")


def test_a_closing_without_prefix_and_an_appendix_after_the_name_are_broken_off():
    """"... Lưu: VT. GIÁM ĐỐC Hoàng Chí Hiền" (no TM./KT.) gives the title and the name lines of their own, and a
    name run into the upper-case title of an appendix ("Hoàng Văn Thuân PHÂN CÔNG NHIỆM VỤ ...") ends at the name."""
    from pipeline.normalise import _restore_breaks

    body = "Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành trong lĩnh vực công nghiệp. " * 5
    line = ("I. KẾT QUẢ " + body + "II. NHIỆM VỤ " + body + "1. Sở Công Thương rà soát. " + body
            + "2. Sở Tài chính bố trí kinh phí. " + body
            + "Nơi nhận: - Như trên; - Lưu: VT, CN. GIÁM ĐỐC Hoàng Chí Hiền")
    assert [p for p in _restore_breaks([line]) if p][-3:] == ["- Lưu: VT, CN.", "GIÁM ĐỐC", "Hoàng Chí Hiền"]
    line = line.replace("GIÁM ĐỐC Hoàng Chí Hiền", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Hoàng Văn Thuân PHÂN CÔNG NHIỆM VỤ")
    pieces = [p for p in _restore_breaks([line]) if p]
    assert pieces[-4:] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Văn Thuân", "PHÂN CÔNG NHIỆM VỤ"]


def test_a_two_column_closing_run_together_keeps_its_signer():
    """A closing whose title column ran into the recipients ("- Như trên; PHÓ GIÁM ĐỐC - Lưu: VT ...") gets the
    title on a line of its own, so the signer's title and name are read as in the intact closing; a name run into a
    footnote ("Phạm Năng Chung 4 Ưu tiên ...") stays apart from it."""
    from pipeline import extract_text
    from pipeline.normalise import normalise

    body = "Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành trong lĩnh vực công nghiệp. " * 5
    text = ("SỞ CÔNG THƯƠNG Số: 12/SCT-CN V/v kiểm tra kho vật liệu nổ Lào Cai, ngày 3 tháng 6 năm 2026 "
            "Kính gửi: Công ty cổ phần Năng lượng Bảo Long " + body + "1. Công ty rà soát hồ sơ. " + body
            + "2. Công ty báo cáo kết quả. " + body + "3. Công ty lưu trữ hồ sơ. " + body
            + "Nơi nhận: KT. GIÁM ĐỐC - Như trên; PHÓ GIÁM ĐỐC - Lưu: VT, CN. Phạm Năng Chung")
    doc = extract_text(text, doc_id="x").document
    assert (doc.signer, doc.signer_title) == ("Phạm Năng Chung", "Phó giám đốc")
    lines = normalise(text + " 4 Ưu tiên sử dụng công nghệ thân thiện với môi trường.").split("\n")
    assert "PHÓ GIÁM ĐỐC" in lines and "Phạm Năng Chung" in lines


def test_no_line_of_the_real_corpus_is_broken_again(corpus):
    """Restoring line breaks is for text that lost them: no line of ../shared/corpus is touched."""
    from pipeline.normalise import _restore_breaks

    files = sorted(corpus.glob("*/*.txt"))
    assert len(files) > 200
    for path in files:
        lines = path.read_text(encoding="utf-8", errors="replace").replace("\r", "").split("\n")
        assert _restore_breaks(lines) == lines, path.name


def test_real_working_documents_that_lost_their_line_breaks(corpus):
    """Twelve Lào Cai working documents (letters, reports, minutes, a permit) pasted as one line each: 11 of their
    types and 28 of their 44 tasks come back (without the restoring, none did; before "Một là, / Hai là, ..." broke
    too, 24). A numbered heading run into its first sentence ("III. Các ý kiến thống nhất Sau khi nghe ...") stays
    one line."""
    from pipeline import NotADocument, extract_text

    names = sorted(p for p in (corpus / "laocai").glob("vbhc-vn__*.txt"))[:12]
    assert len(names) == 12
    same_type = found = total = 0
    for path in names:
        text = path.read_text(encoding="utf-8")
        intact = extract_text(text, doc_id="a")
        try:
            pasted = extract_text(_run_together(text), doc_id="b")
        except NotADocument:
            continue
        same_type += pasted.document.doc_type == intact.document.doc_type
        texts = {t.text for t in pasted.tasks}
        found += sum(t.text in texts for t in intact.tasks)
        total += len(intact.tasks)
    assert same_type >= 10 and total >= 40 and found / total >= 0.6, (same_type, found, total)


def test_a_report_of_long_paragraphs_run_together_is_read_by_its_header(corpus):
    """A report whose paragraphs are long has fewer breaks per 1,000 characters than a notice; its header run into the
    text (the motto) is enough to read it as run together. Its upper-case headings are broken off their text."""
    from pipeline import extract_text
    from pipeline.normalise import normalise

    text = _run_together((corpus / "laocai" / "vbhc-vn__ubnd__bao-cao-vp-ubnd.txt").read_text(encoding="utf-8"))
    lines = [line for line in normalise(text).split("\n") if line]
    assert "BÁO CÁO" in lines and "I. HIỆN TRẠNG CHUNG" in lines
    doc = extract_text(text, doc_id="x")
    assert doc.document.doc_type == "Báo cáo" and doc.document.symbol == "BC-VP" and len(doc.tasks) >= 10


@pytest.mark.parametrize(("closing", "lines"), [
    ("KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ("TL. GIÁM ĐỐC CHÁNH VĂN PHÒNG", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    ("TM. ĐOÀN KIỂM TRA TRƯỞNG ĐOÀN", ["TM. ĐOÀN KIỂM TRA", "TRƯỞNG ĐOÀN"]),
    ("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("KT. GIÁM ĐỐC", ["KT. GIÁM ĐỐC"]),
])
def test_a_closing_run_together_gives_the_signer_title_a_line(closing: str, lines: list[str]) -> None:
    from pipeline.normalise import _signature_lines

    assert _signature_lines(closing) == lines


@pytest.mark.parametrize(("header", "lines"), [
    ("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG", ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG"]),
    ("BỘ CÔNG THƯƠNG CỤC HÓA CHẤT", ["BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT"]),
    ("SỞ CÔNG THƯƠNG LÀO CAI ĐOÀN KIỂM TRA", ["SỞ CÔNG THƯƠNG LÀO CAI", "ĐOÀN KIỂM TRA"]),
    ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI"]),
    ("ĐOÀN THANH TRA LIÊN NGÀNH", ["ĐOÀN THANH TRA LIÊN NGÀNH"]),  # one unit: a head after one word opens none
    ("BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # the motto's "HỘI" is no "Hội ..." unit
     ["BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
])
def test_an_issuer_run_together_gets_a_line_per_unit(header: str, lines: list[str]) -> None:
    from pipeline.normalise import _issuer_lines

    assert _issuer_lines(header) == lines
