"""The cue lexicon of ANNOTATION §5 (pipeline/data/action_cues.tsv) read by pipeline.actions."""

import pytest

from pipeline.actions import action_types


@pytest.mark.parametrize(("text", "expected"), [
    ("Chủ trì, phối hợp với Sở Tài chính rà soát hồ sơ", ["coordinate", "review"]),  # "chủ trì" is no action
    ("Tổ chức hội nghị sơ kết công tác", ["organize"]),  # the longest cue at a place wins
    ("Lưu trữ hồ sơ công trình theo quy định.", ["other"]),
    ("Trường hợp phát hiện vi phạm thì Đoàn kiểm tra lập biên bản vi phạm hành chính", ["draft"]),
    ("Tổ chức, cá nhân khai thác khoáng sản phải lập Báo cáo định kỳ", ["draft"]),
    ("Lập sổ theo dõi hóa chất cấm", ["draft", "monitor"]),
    ("Ưu tiên ngân sách cho xã Bảo Yên hoàn thiện hạ tầng", ["fund", "draft"]),
    ("UBND tỉnh phân bổ ngân sách hằng năm cho phường Âu Lâu", ["fund"]),
    ("Nghiên cứu, nắm bắt tình hình", ["review", "monitor"]),
    ("Tổ chức quán triệt sâu rộng Chỉ thị 11 của Ban Thường vụ Tỉnh ủy", ["communicate"]),
    ("Thực hiện truyền hình trực tiếp, ghi hình và phát sóng các hoạt động", ["implement", "communicate"]),
    ("Sở Xây dựng có ý kiến về hồ sơ thiết kế", ["advise"]),
    ("Các cơ quan liên quan có văn bản tham gia ý kiến gửi Sở Công Thương", ["advise"]),
    ("Đọc kỹ tài liệu", ["other"]),
])
def test_cues_give_the_actions_in_the_order_stated(text, expected):
    assert action_types(text) == expected
