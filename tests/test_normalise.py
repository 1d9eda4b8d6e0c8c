import unicodedata

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
