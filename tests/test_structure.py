"""Header, closing and section structure of each genre, on real corpus files."""

from collections import Counter

import pytest

from pipeline import extract
from pipeline.header import _doc_type
from pipeline.normalise import normalise
from pipeline.structure import parse


def _structure(corpus, rel):
    return parse(normalise((corpus / rel).read_text(encoding="utf-8")))


def test_thong_bao_ket_luan_units_as_headings(corpus):
    doc = extract(corpus / "laocai/vbhc-vn__ubnd__thong-bao-ket-luan-ubnd.txt")
    info = doc.document
    assert (info.doc_type, info.number, info.symbol) == ("Thông báo", None, "TB-VP")
    assert (info.issuer, info.parent_issuer) == ("Văn phòng", "UBND TỈNH LÀO CAI")
    assert (info.place, info.issued_date, info.meeting_date) == ("Lào Cai", "2026-06", "2026-06-19")
    assert info.signer == "Lê Trí Hà" and info.recipients[-1] == "Lưu: VT, TH"
    sections = {t.section for t in doc.tasks}
    assert "1. Sở Công Thương" in sections and "9. Văn phòng Ủy ban nhân dân tỉnh" in sections
    assert not any("ĐÁNH GIÁ" in (t.section or "") for t in doc.tasks), "assessment is not work"
    assert not any(t.text.startswith("Phát triển các cụm công nghiệp là nhiệm vụ") for t in doc.tasks)
    split = [t for t in doc.tasks if t.section == "8. Các Ban Quản lý dự án đầu tư xây dựng"]
    assert [t.lead_units for t in split] == [
        ["Ban Quản lý dự án đầu tư xây dựng số 1"],
        ["Ban Quản lý dự án đầu tư xây dựng công trình giao thông tỉnh"],
    ]


def test_cong_van_chi_dao_header_addressees_and_paragraph_tasks(corpus):
    s = _structure(corpus, "laocai/pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt")
    h = s.header
    assert (h.number, h.symbol, h.place, h.date) == ("7432", "UBND-XD", "Lào Cai", ("21", "7", "2026"))
    assert h.issuer_lines == ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"]
    assert h.addressees == ["Các Sở, ban, ngành thuộc tỉnh", "Công an tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert h.subject.startswith("triển khai thực hiện Quyết định số 1074/QĐ-BXD")
    assert (h.signer, h.signer_title) == ("Phan Trung Bá", "PHÓ CHỦ TỊCH")
    doc = extract(corpus / "laocai/pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt")
    assert doc.document.issuer == "Ủy ban nhân dân tỉnh Lào Cai"
    assert doc.tasks[0].lead_units == ["Công an tỉnh", "Các sở, ban, ngành, đoàn thể tỉnh",
                                       "Ủy ban nhân dân các xã, phường"]
    assert [t.section for t in doc.tasks[:2]] == [doc.tasks[0].section] * 2, "two paragraphs, two tasks"
    giao = [t for t in doc.tasks if t.section == "2. Giao Sở Xây dựng"]
    assert giao and all(t.lead_units == ["Sở Xây dựng"] for t in giao)


def test_ke_hoach_two_column_pdf_header_and_parts(corpus):
    s = _structure(corpus, "hanoi/real_hanoi_kh_173_festival__fulltext_pdftotext.txt")
    h = s.header
    assert (h.number, h.symbol, h.date, h.doc_type_line) == ("173", "KH-UBND", ("28", "4", "2026"), "KẾ HOẠCH")
    roles = {b.text: b.role for b in s.blocks if b.kind == "roman"}
    assert roles["MỤC ĐÍCH, YÊU CẦU"] == "purpose"
    assert any(role == "assign" for text, role in roles.items() if "TỔ CHỨC THỰC HIỆN" in text)
    doc = extract(corpus / "hanoi/real_hanoi_kh_173_festival__fulltext_pdftotext.txt")
    assert doc.tasks, "a plan assigns work"
    assert not any(t.section and "Mục đích" in t.section for t in doc.tasks)


def test_responsibility_stated_after_the_bullets():
    text = (
        "TỈNH ỦY LÀO CAI\nSố 104-CTr/TU\nLào Cai, ngày 5 tháng 3 năm 2026\n\nCHƯƠNG TRÌNH\nhành động\n\n"
        "II. NHIỆM VỤ, GIẢI PHÁP\n1. Về phát triển công nghiệp\n"
        "- Rà soát, bổ sung quy hoạch các cụm công nghiệp trên địa bàn.\n"
        "- Xây dựng kế hoạch thu hút đầu tư vào các khu công nghiệp.\n"
        "Trách nhiệm chỉ đạo thực hiện: Ban cán sự đảng UBND tỉnh; phối hợp: Sở Công Thương.\n"
    )
    from pipeline import extract_text

    doc = extract_text(text)
    assert len(doc.tasks) == 2
    assert all(t.lead_units == ["Ban cán sự đảng Ủy ban nhân dân tỉnh"] for t in doc.tasks)  # UBND written out
    assert all(t.support_units == ["Sở Công Thương"] for t in doc.tasks)


@pytest.mark.parametrize(
    ("rel", "doc_type", "number", "symbol"),
    [
        ("laocai/qlks-sct-vn__CV-5973-UBND-KT-11-6-2026-tang-cuong-thanh-kiem-tra-KS.txt",
         "Công văn", "5973", "UBND-KT"),
        ("laocai/kccn-sct-vn__CT-07-2012-TTg-chan-chinh-KKT-KCN-CCN.txt", "Chỉ thị", "07", "CT-TTg"),
        ("laocai/sd-vlncn-sct-vn__KH-1105-DKT-ke-hoach-kiem-tra.txt", "Kế hoạch", "1105", "KH-ĐKT"),
        ("laws/bo-luat-lao-dong-2019.txt", "Bộ luật", "45", "2019/QH14"),
        # spaces around the symbol's hyphen: "Số: 4280 /SCT - CN", "Số:   /GP - SCT" (no number yet)
        ("laocai/sd-vlncn-sct-vn__CV-4280-tra-ho-so-Thanh-Huong-2026.txt", "Công văn", "4280", "SCT-CN"),
        ("laocai/hnh-sct-vn__giay-phep-da-cap__GP-ThaiThinh-xangdau-loai3-072026.txt", "Giấy phép", None, "GP-SCT"),
    ],
)
def test_header_of_each_genre(corpus, rel, doc_type, number, symbol):
    info = extract(corpus / rel).document
    assert (info.doc_type, info.number, info.symbol) == (doc_type, number, symbol)


def test_an_issuer_name_wrapped_over_lines_is_read_whole(corpus):
    """"CỤC ĐỔI MỚI SÁNG TẠO, / CHUYỂN ĐỔI XANH VÀ / KHUYẾN CÔNG": a line ending in a comma or "VÀ" goes on; the
    motto printed with a legacy glyph ("CỘNG HÕA") is no part of the parent issuer."""
    info = extract(corpus / "laocai/kccn-sct-vn__1178-DCK-CTT-huong-dan-CCN-dia-gioi-moi.txt").document
    assert info.issuer == "Cục Đổi mới sáng tạo, chuyển đổi xanh và Khuyến công"
    assert info.parent_issuer == "BỘ CÔNG THƯƠNG"  # the PDF font printed "Ƣ" for "Ư"


def test_the_title_under_an_issuer_is_no_part_of_it(corpus):
    """"BỘ XÂY DỰNG" over the upper-case title of the guide it issues ("CÁC GIẢI PHÁP KỸ THUẬT ... CÓ HIỆU LỰC THI
    HÀNH"): the issuer is the ministry, not the title's last line (which became the lead of every task)."""
    doc = extract(corpus / "laocai/pccc-sct-vn__Tai-lieu-giai-phap-nang-cao-PCCC-kem-QD-1074.txt")
    assert (doc.document.issuer, doc.document.parent_issuer) == ("Bộ Xây dựng", None)
    assert not any("hiệu lực thi hành" in u for t in doc.tasks for u in t.lead_units)


def test_a_title_read_as_issuer_leads_nothing(corpus):
    """A standard's header has no unit ("TIÊU CHUẨN VIỆT NAM / TCVN 5507: 2002 / ... VẬN CHUYỂN"): the type line is
    its title, its upper-case name its subject, and it has no issuer. Like a law, its provisions are tasks only where
    they name the party that must act ("Cơ sở có hóa chất độc phải ..."); the hundred others ("Kho phải thông thoáng")
    ask nobody."""
    doc = extract(corpus / "laocai/hc-sct-vn__04-qcvn-tcvn__TCVN-5507-2002.txt")
    info = doc.document
    assert (info.doc_type, info.issuer, info.parent_issuer) == ("Tiêu chuẩn", None, None)
    assert info.subject.startswith("HOÁ CHẤT NGUY HIỂM – QUI PHẠM AN TOÀN")
    assert 5 <= len(doc.tasks) <= 20 and all(t.lead_units for t in doc.tasks)
    assert "Cơ sở có hóa chất dễ cháy, nổ" in {u for t in doc.tasks for u in t.lead_units}  # "... nổ ngoài việc phải"
    assert not any(u.startswith("Trong sản xuất") for t in doc.tasks for u in t.lead_units)


@pytest.mark.parametrize(("rel", "doc_type", "subject"), [
    ("laocai/hc-sct-vn__04-qcvn-tcvn__QCVN-05A-2020-BCT-SD1-2024.txt", "Quy chuẩn kỹ thuật",
     "VỀ AN TOÀN TRONG SẢN XUẤT, KINH DOANH, SỬ DỤNG, BẢO QUẢN VÀ VẬN CHUYỂN HÓA CHẤT NGUY HIỂM"),
    ("laocai/hnh-sct-vn__07-tham-khao__DLVN-05-2017-kiem-dinh-xi-tec.txt", "Văn bản kỹ thuật",
     "XI TÉC Ô TÔ - QUY TRÌNH KIỂM ĐỊNH"),
])
def test_technical_regulations_are_typed_and_assign_nothing_unnamed(corpus, rel, doc_type, subject):
    """A QCVN amendment ("SỬA ĐỔI 1:2024 QCVN 05A:2020/BCT" above its type line) and a metrology procedure ("ĐLVN")
    have their code line as neither issuer nor subject, and their technical requirements are no tasks."""
    doc = extract(corpus / rel)
    assert (doc.document.doc_type, doc.document.issuer, doc.document.subject) == (doc_type, None, subject)
    assert doc.tasks == []


@pytest.mark.parametrize(
    ("rel", "issuer", "place", "issued_date"),
    [
        # OCR without column gaps: "ỦY BAN NHÂN DÂN _ CỘNG HÒA XÃ HỘI ..." / "Số: II /2026/QĐ-UBND Lào Cai, ngày 29 ..."
        ("laocai/xd-sct-vn__QD-11-2026-QD-UBND-Lao-Cai-OCR.txt", "Ủy ban nhân dân tỉnh Lào Cai", "Lào Cai",
         "2026-01-29"),
        ("laocai/xd-sct-vn__ND-217-2026-quan-ly-hoat-dong-xay-dung-OCR.txt", "Chính phủ", "Hà Nội", "2026-06-19"),
        # "ỦY BAN NHÂN DÂN                TỈNH LÀO CAI" on one line is one name, not two columns
        ("laocai/qlks-sct-vn__KH-UBND-trien-khai-Chi-thi-11-CT-TU-QLNN-khoang-san.txt", "Ủy ban nhân dân tỉnh Lào Cai",
         "Lào Cai", "2026"),
    ],
)
def test_header_columns_read_without_or_across_a_gap(corpus, rel, issuer, place, issued_date):
    info = extract(corpus / rel).document
    assert (info.issuer, info.place, info.issued_date) == (issuer, place, issued_date)


def test_a_memo_title_is_its_type_not_its_issuer(corpus):
    """A memo headed only "NHẬN XÉT, PHẢN BIỆN PHÁP LÝ" (no unit, number or date) has that type and no issuer."""
    info = extract(corpus / "laocai/kho-vlncn-sct-vn__Nhan_xet_phan_bien_ho_so_kho_VLNCN_NgoiNhu1A.txt").document
    assert (info.doc_type, info.issuer) == ("Nhận xét, phản biện pháp lý", None)


def test_an_annex_issued_alone_has_the_type_of_its_title_without_its_number(corpus):
    """Phụ lục VIII of Nghị quyết 66.19/2026/NQ-CP, headed "PHỤ LỤC VIII": its type is "Phụ lục", not "Phụ lục VIII"."""
    info = extract(corpus / "laocai/qlks-sct-vn__NQ-66.19-2026-Phu-luc-VIII-phan-quyen-TTHC-DCKS.txt").document
    assert info.doc_type == "Phụ lục"


def test_a_title_ocr_garbled_by_one_letter_still_gives_its_type(corpus):
    """A scanned record whose OCR text is headed "BITN BAN KIEM TRA" ("BIÊN BẢN KIỂM TRA", one letter wrong in a
    word that is no syllable) is a "Biên bản"; "HỘI ĐỒNG" one letter from "HỢP ĐỒNG" is a real word and no type."""
    info = extract(corpus / "laocai/kho-vlncn-sct-vn__31.3.2026_BB_kiemtra_Kho-VLNCN_TD_NamCang1A_D.txt").document
    assert info.doc_type == "Biên bản"
    assert _doc_type("HỘI ĐỒNG NHÂN DÂN", None, None) is None


def test_a_plan_headed_by_its_type_has_no_issuer(corpus):
    """A blasting plan opens with "PHƯƠNG ÁN NỔ MÌN / Số: 01/PANM" and no issuer block: the line is its type, not an
    issuer (it used to become the lead unit of all its tasks through the issuer fallback)."""
    doc = extract(corpus / "laocai/sd-vlncn-sct-vn__PANM-Thanh-Huong-chinh-sua-2026.txt")
    assert (doc.document.doc_type, doc.document.issuer, doc.document.number) == ("Phương án", None, "01")
    assert not any("Phương án nổ mìn" in u for t in doc.tasks for u in t.lead_units)


def test_a_licence_dated_above_its_signature(corpus):
    """A licence prints "Lào Cai, ngày       tháng 7 năm 2026" after its articles, above the signature: the place and
    the month are still the document's (ANNOTATION §1: "YYYY-MM" when the day is blank)."""
    info = extract(corpus / "laocai/hnh-sct-vn__giay-phep-da-cap__GP-ThaiThinh-xangdau-loai3-072026.txt").document
    assert (info.place, info.issued_date) == ("Lào Cai", "2026-07")


def test_minutes_without_issuer_keep_their_type_and_only_agreed_points_are_work(corpus):
    """A biên bản with no issuer lines: its type still read after the motto; opinions are not work; "Hai là," is
    a list marker; "các Sở: A, B, C có ý kiến" leads with each Sở."""
    doc = extract(corpus / "laocai/vbhc-vn__sct__bien-ban-lam-viec-lien-nganh-ccn.txt")
    assert doc.document.doc_type == "Biên bản"
    assert {t.section for t in doc.tasks} == {"III. Các ý kiến thống nhất"}
    leads = {t.text[:30]: t.lead_units for t in doc.tasks}
    assert leads["giao Sở Công Thương chủ trì, p"] == ["Sở Công Thương"]
    assert leads["các Sở: Tài chính, Xây dựng, N"] == ["Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"]
    assert not any(t.text.startswith(("Biên bản kết thúc", "thống nhất chủ trương")) for t in doc.tasks)


def test_quoted_law_is_no_work_and_an_internal_cover_slip_assigns_nothing(corpus):
    letter = extract(corpus / "laocai/hc-sct-vn__06-danh-muc-cong-van__CV-597-HC-QLHC-CucHoaChat.txt")
    assert not any(t.text.startswith(("Áp dụng biện pháp quản lý ngoại thương", "Không áp dụng biện pháp"))
                   for t in letter.tasks), "articles quoted from a law are cited text"
    returned = extract(corpus / "laocai/hnh-sct-vn__rut-tra-ho-so__CV-dung-xu-ly-tra-ho-so.txt")
    assert not any(t.text.startswith(("Kính trình Lãnh đạo Cục", "Vấn đề trình")) for t in returned.tasks)
    # obligations quoted under a heading that asks for them stay tasks (qlks CV-5141, "1. Yêu cầu đối với ...")
    asked = extract(corpus / "laocai/qlks-sct-vn__CV-5141-SNNMT-KS-29-12-2025-thong-ke-ke-khai-bao-cao-san-luong.txt")
    assert any(t.text.startswith("Lưu giữ, bảo quản đầy đủ hồ sơ sổ sách") for t in asked.tasks)


def test_findings_and_a_scanned_minutes_assign_nothing(corpus):
    """Inspection findings ("Qua kiểm tra thực tế ...", "Công ty chưa ...") are no tasks; a biên bản scanned
    without its diacritics ("BIEN BAN KIEM TRA") is still read as minutes."""
    refusal = extract(corpus / "laocai/hc-sct-vn__gcn-tu-choi__CV-tu-choi-cap-GCN-KD-HNO3.txt")
    assert not any(t.text.startswith(("Theo kết quả kiểm tra thực tế", "Công ty chưa tiến hành"))
                   for t in refusal.tasks)
    assert any("Đề nghị Công ty rà soát" in t.text for t in refusal.tasks)
    scanned = extract(corpus / "laocai/kho-vlncn-sct-vn__BB-ktra-kho-Mong-Son.txt")
    assert scanned.document.doc_type == "Biên bản" and len(scanned.tasks) <= 2


def test_an_appraisal_notice_assigns_only_in_its_conclusion(corpus):
    """"I. THÔNG TIN CHUNG", "II. HỒ SƠ TRÌNH THẨM ĐỊNH", "III. NỘI DUNG HỒ SƠ ..." describe; the work is in
    "2. Yêu cầu đối với Công ty ..." of the conclusion."""
    doc = extract(corpus / "laocai/tkm-sct-vn__TB-tham-dinh-TKKT-dieu-chinh-thuy-dien-YenHa.txt")
    sections = {t.section for t in doc.tasks}
    assert not any(s and s.startswith(("I. THÔNG TIN CHUNG", "II. HỒ SƠ TRÌNH")) for s in sections)
    assert sum(t.section == "2. Yêu cầu đối với Công ty Cổ phần Năng lượng Yên Hà" for t in doc.tasks) == 15


def test_requests_among_the_findings_of_appraisal_minutes_are_tasks(corpus):
    """Appraisal minutes assess in "II. NỘI DUNG VÀ KẾT QUẢ THẨM ĐỊNH", but a request among the findings
    ("..., đề nghị đơn vị chủ động đăng kiểm lại ...") is a task for the company the minutes name ("Tên đơn vị:
    ..."), and "3. Nhận xét, kiến nghị của Phòng ..." recommends even inside that part; statements before the
    request ("Đối tượng và loại hàng ... thuộc thẩm quyền ...") and the closing line are cut off."""
    doc = extract(corpus / "laocai/hnh-sct-vn__giay-phep-da-cap__Bien-ban-tham-dinh-SCT-ThaiThinh-xangdau-loai3.txt")
    def starting(words: str):
        return next(t for t in doc.tasks if t.text.startswith(words))

    assert starting("đề nghị đơn vị chủ động đăng kiểm lại").lead_units == ["Công ty trách nhiệm hữu hạn Thái Thịnh"]
    assert starting("Đề nghị đơn vị duy trì việc cử người lái xe").section == "c) Về nhân sự"  # no colon, as gold
    assert starting("Đề nghị Lãnh đạo Phòng báo cáo").section.startswith("3. Nhận xét, kiến nghị")
    assert not any(t.text.startswith(("Đối tượng và loại hàng", "Việc thẩm định hồ sơ")) for t in doc.tasks)
    # in working-meeting minutes, a request inside a participant's opinion ("2.2. Ý kiến của Sở Xây dựng") is not
    minutes = extract(corpus / "laocai/vbhc-vn__sct__bien-ban-lam-viec-lien-nganh-ccn.txt")
    assert not any(t.section and "Ý kiến của" in t.section for t in minutes.tasks)


def test_a_certificate_obliges_its_holder_not_its_issuer(corpus):
    """An investment certificate's conditions ("Thực hiện nghiêm túc ...") name no unit: the investor the
    certificate names ("Tên doanh nghiệp: ...") must act, not the Ban Quản lý that issued it."""
    doc = extract(corpus / "laocai/kccn-sct-vn__GCN-DKDT-KCN-Ban-Qua-30-6-2026.txt")
    duty = next(t for t in doc.tasks if t.text.startswith("Tập trung mọi nguồn lực triển khai thực hiện dự án"))
    assert duty.lead_units == ["Công ty Cổ phần đầu tư phát triển công nghiệp Lào Cai"]


def test_a_bracketed_number_is_a_list_marker(corpus):
    """"(3). Các đơn vị duy trì thoát nước xây dựng ..." is an item whose marker is cut from its text (ANNOTATION §3:
    leading bullet marks removed); its subject, a group the plan defines by listing companies, is expanded."""
    doc = extract(corpus / "hanoi/real_hanoi_qd_2280_water__fulltext_pdftotext.txt")
    assert not any(t.text.startswith(("(1)", "(3)")) for t in doc.tasks)
    item = [t for t in doc.tasks if t.text.startswith("Các đơn vị duy trì thoát nước xây dựng kế hoạch ứng trực")]
    assert item and len(item[0].lead_units) == 7 and item[0].lead_units[0] == "Công ty TNHH MTV Thoát nước Hà Nội"


def test_definitions_of_terms_are_no_tasks_and_contractors_are_parties(corpus):
    """A decree's "Điều 2. Giải thích từ ngữ" defines terms ("Bảo trì công trình xây dựng là tập hợp ..."): no tasks
    (pipeline/data/section_roles.tsv). "Nhà thầu thi công xây dựng có trách nhiệm ..." names its own lead, as "Chủ
    đầu tư ..." does, instead of falling back on the decree's closing "Các Bộ trưởng ... chịu trách nhiệm thi hành"."""
    doc = extract(corpus / "laocai/xd-sct-vn__ND-207-2026-QLCL-thi-cong-bao-tri.txt")
    assert not any((t.section or "").startswith("Điều 2. Giải thích từ ngữ") for t in doc.tasks)
    assert not any(t.text.startswith("Bảo trì công trình xây dựng là tập hợp") for t in doc.tasks)
    contractor = [t for t in doc.tasks if t.text.startswith("Nhà thầu thi công xây dựng có trách nhiệm")]
    assert contractor and all(t.lead_units == ["Nhà thầu thi công xây dựng"] for t in contractor)


def test_a_laws_closing_executors_do_not_lead_its_unassigned_provisions(corpus):
    """A decree's "Tổ chức thực hiện" chapter ("Bộ trưởng Bộ Công Thương ... chịu trách nhiệm ...") is for the
    decree as a whole: a provision that names nobody ("Bao bì, thiết bị chứa hóa chất phải có nhãn ...") is no task
    of the minister's (169 of 247 were), while the ministries' own duty articles keep their leads."""
    doc = extract(corpus / "laocai/hc-sct-vn__02-nghi-dinh__ND-25-2026-phat-trien-antoan-anninh.txt")
    assert not any(t.text.startswith("Bao bì, thiết bị chứa hóa chất phải có nhãn") for t in doc.tasks)
    leads = Counter(u for t in doc.tasks for u in t.lead_units)
    assert leads["Bộ trưởng Bộ Công Thương"] < 20
    assert {"Bộ Công Thương", "Bộ Y tế", "Bộ Công an", "Bộ Quốc phòng"} <= set(leads)


def test_keeping_records_is_a_task_of_its_own(corpus):
    """"a) Lưu trữ hồ sơ công trình theo quy định." under "Yêu cầu đối với chủ đầu tư" is short and has no action
    word but "lưu trữ" (labelled "other", as annotated)."""
    doc = extract(corpus / "laocai/kho-vlncn-sct-vn__TB-SCT_KhoVLNCL_ThuydienNamCang1A.txt")
    kept = [t for t in doc.tasks if t.text == "Lưu trữ hồ sơ công trình theo quy định."]
    assert kept and kept[0].lead_units == ["Công ty cổ phần Đầu tư xây dựng hạ tầng cơ sở"]
    assert "other" in kept[0].action_types


def test_particulars_of_a_project_are_no_tasks(corpus):
    """"Quy mô của dự án: Đầu tư xây dựng ...", "Vốn vay: ..." describe the certified project even though an action
    word follows the colon (pipeline/data/field_labels.txt); the investor's conditions stay tasks."""
    doc = extract(corpus / "laocai/kccn-sct-vn__GCN-DKDT-KCN-Ban-Qua-30-6-2026.txt")
    assert not any(t.text.startswith(("Tên dự án đầu tư:", "Quy mô của dự án:", "Vốn vay:", "Tiến độ thực hiện dự án:"))
                   for t in doc.tasks)
    assert any(t.text.startswith("Tập trung mọi nguồn lực triển khai thực hiện dự án") for t in doc.tasks)


def test_deficiencies_of_a_dossier_and_form_titles_are_no_tasks(corpus):
    """A letter returning a dossier lists what is missing ("Thiếu Giấy chứng nhận ...", "Chứng chỉ ... đã hết
    hạn"): findings, not work; its request ("đề nghị Công ty ... rà soát, giải trình và bổ sung") stays a task.
    An attached form's all-capitals title and its "(Ký, ghi rõ họ tên)" line are no tasks either."""
    letter = extract(corpus / "laocai/vbhc-vn__sct__cong-van-de-nghi-bo-sung-ho-so.txt")
    assert not any(t.text.startswith(("Thiếu Giấy chứng nhận đủ điều kiện", "Chứng chỉ thợ nổ mìn"))
                   for t in letter.tasks)
    assert any("rà soát, giải trình và bổ sung" in t.text for t in letter.tasks)
    form = extract(corpus / "laocai/hc-sct-vn__bao-cao-tham-muu__CV-de-nghi-DN-cung-cap-thong-tin.txt")
    assert not any(t.text.startswith(("BÁO CÁO THỰC TRẠNG", "Người lập báo cáo")) for t in form.tasks)


def test_a_numbered_request_is_not_a_statement_of_requirements(corpus):
    """"II. YÊU CẦU" states requirements (purpose), but "2. Yêu cầu Công ty ... thực hiện giám sát ..." under
    "Điều 3. Tổ chức, thực hiện" asks a company for work."""
    doc = extract(corpus / "laocai/sd-vlncn-sct-vn__QD-PANM-khu-vuc-cong-trinh-bao-ve.txt")
    request = next(t for t in doc.tasks if t.text.startswith("Yêu cầu Công ty Cổ phần xây dựng giao thông Yên Bái"))
    assert request.lead_units == ["Công ty Cổ phần xây dựng giao thông Yên Bái"]


def test_a_request_after_statements_is_cut_and_a_summing_up_paragraph_closes(corpus):
    """"- Trong suốt thời hạn ..., phương tiện phải ... . Đề nghị Công ty căn cứ ..." : the rule stated first is
    cut off the request; an unnumbered "Đề nghị ... các nội dung nêu trên ..." after the list closes it (§3)."""
    doc = extract(corpus / "laocai/sd-vlncn-sct-vn__CV-4378-tra-ho-so-Mong-Son-2026.txt")
    assert not any("nội dung nêu trên" in t.text or "các nội dung trên" in t.text for t in doc.tasks
                   if t.section is None)
    letter = extract(corpus / "laocai/hnh-sct-vn__tu-van-ky-thuat-nh3-072026__CV-hoan-thien-ho-so-TuVanKyThuat-"
                              "NH3-BAN-CHUAN-vanphong-24072026.txt")
    assert any(t.text.startswith("Đề nghị Công ty căn cứ các thời hạn nêu trên") for t in letter.tasks)


def test_sentences_with_their_own_subjects_are_split_and_the_enacting_formula_is_no_task(corpus):
    """"Đề nghị Ủy ban Kiểm tra Tỉnh ủy ... phối hợp kiểm tra ... . Thanh tra tỉnh, Công an tỉnh ... tham mưu ...":
    two tasks, one per subject (§3); "... có trách nhiệm thi hành Quyết định này" and "Quyết định này được lập
    thành 03 bản chính" are the closing formula."""
    doc = extract(corpus / "laocai/kccn-sct-vn__QD-2170-2026-CTDT-KCN-Ban-Qua.txt")
    second = next(t for t in doc.tasks if t.text.startswith("Thanh tra tỉnh, Công an tỉnh"))
    assert second.lead_units == ["Thanh tra tỉnh", "Công an tỉnh"]
    assert not any("thi hành Quyết định này" in t.text or "được lập thành 03" in t.text for t in doc.tasks)


def test_an_event_plans_activities_are_rows_of_particulars(corpus):
    """"2.3. Chương trình “Giao lưu nghệ thuật”" over "Thời gian dự kiến: ...", "Đơn vị chủ trì: ...", "Đơn vị phối
    hợp: ...": the activity is the task, led by its "chủ trì" line; the particulars are no tasks."""
    doc = extract(corpus / "hanoi/real_hanoi_kh_173_festival__fulltext_pdftotext.txt")
    show = next(t for t in doc.tasks if t.text == "Chương trình “Giao lưu nghệ thuật”")
    assert show.lead_units == ["Sở Văn hoá và Thể thao"] and show.deadline == "2026-09-13"
    assert not any(t.text.startswith(("Đơn vị phối hợp:", "Thời gian dự kiến:", "Kinh phí:")) for t in doc.tasks)


def test_a_closing_paragraph_that_hands_the_letter_on_is_no_task(corpus):
    """"Căn cứ văn bản này, các cơ quan, đơn vị, địa phương liên quan triển khai thực hiện./." after the numbered
    work closes the letter (§3)."""
    doc = extract(corpus / "laocai/qlks-sct-vn__CV-UBND-bao-ve-khoang-san-chua-khai-thac.txt")
    assert not any(t.text.startswith("Căn cứ văn bản này") for t in doc.tasks)
    assert len(doc.tasks) >= 30


def test_an_annex_of_requested_content_after_the_signature_assigns_its_bullets(corpus):
    doc = extract(corpus / "laocai/vbhc-vn__sct__cong-van-moi-hop-sct.txt")  # "Phụ lục: NỘI DUNG YÊU CẦU BÁO CÁO ..."
    company = [t for t in doc.tasks if t.lead_units == ["Công ty cổ phần Luyện kim hoá chất Tây Bắc"]]
    assert len(company) == 4 and company[0].text.startswith("Báo cáo chi tiết về các hạng mục")
    # an annex that lists the dossier ("Phụ lục 1: Danh mục hồ sơ thiết kế ...") assigns nothing
    appraisal = extract(corpus / "laocai/tkm-sct-vn__TB-tham-dinh-TKKT-dieu-chinh-thuy-dien-YenHa.txt")
    assert not any(t.text == "Báo cáo tóm tắt." for t in appraisal.tasks)


def test_an_article_numbered_with_a_colon_opens_its_own_part(corpus):
    # "Điều 3: Tổ chức, thực hiện"
    doc = extract(corpus / "laocai/sd-vlncn-sct-vn__Du-thao-QD-PANM-cong-trinh-bao-ve.txt")
    duties = [t for t in doc.tasks if t.lead_units == ["Công ty TNHH MTV Duy Hiếu"]]
    assert len(duties) >= 2 and all(t.section.startswith("Điều 3") for t in duties)


def test_the_closing_line_under_the_last_heading_is_no_task(corpus):
    letter = extract(corpus / "laocai/qlks-sct-vn__CV-5973-UBND-KT-11-6-2026-tang-cuong-thanh-kiem-tra-KS.txt")
    assert not any(t.text.startswith("Căn cứ ý kiến chỉ đạo trên") for t in letter.tasks)
    assert len(letter.tasks) == 38  # the gold count (../shared/gold)
    # a "Tổ chức thực hiện" item that ends the letter stays a task (ANNOTATION §3)
    plan = extract(corpus / "laocai/pccc-sct-vn__CV-7432-UBND-XD-21-7-2026-trien-khai-QD-1074.txt")
    assert plan.tasks[-1].section == "3. Tổ chức thực hiện" and plan.tasks[-1].text.endswith("./.")


def test_a_title_line_that_goes_on_after_the_type_opens_the_subject(corpus):
    decision = extract(corpus / "laocai/kccn-sct-vn__QD-2463-2026-CTDT-KCN-Vo-Lao.txt")
    assert decision.document.doc_type == "Quyết định"
    assert decision.document.subject.startswith("CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ ĐỒNG THỜI CHẤP THUẬN NHÀ ĐẦU TƯ")
    licence = extract(corpus / "laocai/sd-vlncn-sct-vn__GP-2507-mo-da-Toong-Gia-Mien-Bac-ban-ky.txt")
    assert licence.document.subject == "SỬ DỤNG VẬT LIỆU NỔ CÔNG NGHIỆP"


def test_minutes_without_a_date_line_are_dated_by_their_opening_sentence(corpus):
    minutes = extract(corpus / "laocai/vbhc-vn__sct__bien-ban-lam-viec-lien-nganh-ccn.txt")  # "Hôm nay, ngày 26/5/2026"
    assert minutes.document.doc_type == "Biên bản" and minutes.document.issued_date == "2026-05-26"


def test_an_ocr_section_sign_is_read_as_a_numbered_marker(corpus):
    """OCR reads a "5." or "8." as "§.": the marker is dropped from the task, so that its fronted clause is seen and
    the subject after it leads ("Trong quá trình thực hiện nếu có vướng mắc ..., các tổ chức, cá nhân ...")."""
    doc = extract(corpus / "laocai/xd-sct-vn__QD-11-2026-QD-UBND-Lao-Cai-OCR.txt")
    assert not any(t.text.startswith("§") for t in doc.tasks)
    feedback = next(t for t in doc.tasks if t.text.startswith("Trong quá trình thực hiện nếu có vướng mắc"))
    assert feedback.lead_units == ["Các tổ chức, cá nhân"]
