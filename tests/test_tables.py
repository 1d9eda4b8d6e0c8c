"""Task tables printed one cell per line (ANNOTATION §3: each row is a task labelled from its own columns)."""

from pathlib import Path

import pytest

from pipeline import extract
from pipeline.deadlines import column_deadline
from pipeline.normalise import normalise
from pipeline.tables import column_of, find_tables

CHI_THI_11 = "laocai/qlks-sct-vn__KH-UBND-trien-khai-Chi-thi-11-CT-TU-QLNN-khoang-san.txt"
TEAM_PLAN = "laocai/hl-vlncn-sct-vn__KH-3957_3.7.2026_Kiem-tra-cap-GCN-19-don-vi.txt"


@pytest.mark.parametrize(("cell", "column"), [
    ("TT", "number"), ("STT", "number"), ("Tên nhiệm vụ", "task"), ("Nội dung công việc", "task"),
    ("Sở, ngành chủ trì tham mưu", "lead"), ("Cơ quan chủ trì", "lead"), ("Người thực hiện", "lead"),
    ("Đơn vị phối hợp thực hiện", "support"), ("Thời gian thực hiện", "time"), ("Thời hạn hoàn thành", "time"),
    ("Ghi chú", "note"), ("Sản phẩm", "product"),
    ("- Chủ trì, phối hợp với các cơ quan liên quan", None),  # a bullet of prose, not a header cell
    ("các hành vi vi phạm pháp luật khác; trường hợp có", None),
])
def test_header_cells_name_their_column(cell, column):
    assert column_of(cell) == column


def _table_tasks(corpus, rel):
    """The tasks of a document that come from its task table (after the table's header)."""
    text = normalise((corpus / rel).read_text(encoding="utf-8"))
    lines = text.split("\n")
    header_at = len("\n".join(lines[: find_tables(lines)[0].start]))
    return [t for t in extract(corpus / rel).tasks if t.span[0] > header_at]


def test_plan_table_rows_are_tasks_labelled_from_their_columns(corpus):
    tasks = _table_tasks(corpus, CHI_THI_11)
    assert len(tasks) == 14
    assert all(t.section is None for t in tasks)  # the rows stand under no numbered heading
    review = next(t for t in tasks if t.text.startswith("Rà soát, điều chỉnh, cập nhật bổ sung phương án"))
    assert review.lead_units == ["Sở Nông nghiệp và Môi trường"]
    assert review.support_units == ["Các Sở, ban, ngành"]
    assert (review.deadline_text, review.deadline) == ("Xong trong tháng 5/2026", "2026-05-31")
    # row 8 has a blank line inside its task cell: its lead is still its own
    staff = next(t for t in tasks if t.text.startswith("Rà soát, phân loại đội ngũ cán bộ"))
    assert staff.lead_units == ["Sở Nội vụ"] and staff.recurrence == "yearly" and staff.deadline is None
    tax = next(t for t in tasks if t.text.startswith("Kiểm tra, đối chiếu khối lượng khoáng sản"))
    assert tax.lead_units == ["Thuế tỉnh"]
    both = next(t for t in tasks if t.text.startswith("Tổ chức quán triệt sâu rộng Chỉ thị"))
    # the plan prints "Ủy ban nhân dân các xã, phường" in full elsewhere: the lead takes that form
    assert both.lead_units == ["Các Sở, ban, ngành", "Ủy ban nhân dân các xã, phường"] and both.deadline == "2026-06-30"
    assert both.support_units == []  # the partners' cell repeats the leads


def test_rows_of_a_table_with_empty_number_column_take_their_people(corpus):
    doc = extract(corpus / TEAM_PLAN)
    leads = {t.text: t.lead_units for t in doc.tasks}
    assert leads["Xây dựng bài kiểm tra, đáp án"] == ["Đỗ Mạnh Cường", "Vũ Việt Linh"]
    assert leads["Trình ký chứng chỉ"] == ["Đỗ Mạnh Cường"]
    assert leads["In ấn chứng chỉ"] == ["Vũ Việt Linh"]  # a task with no action cue, taken because it is a row
    assert len([t for t in leads if t in {"Tổ chức kiểm tra", "Tổ chức chấm bài", "Rà soát vào điểm"}]) == 3


def test_table_rows_score_against_gold(corpus, reference_scorer):
    """Lead units of the table rows of two annotated plans (train and dev), scored by the reference scorer."""
    import json

    from pipeline.annotations import load_gold

    root = Path(__file__).resolve().parent.parent
    stems = {"hl-vlncn-sct-vn__KH-3957_3.7.2026_Kiem-tra-cap-GCN-19-don-vi",
             "hl-vlncn-sct-vn__KH-2242_23.4.2026_Kiem-tra-cap-GCN-28-don-vi"}
    golds = load_gold(root / "data" / "annotations", corpus, stems)
    assert set(golds) == stems
    for stem, gold in golds.items():
        out = json.loads(extract(corpus / f"laocai/{stem}.txt", doc_id=stem).to_json())
        pairs = reference_scorer.pair_tasks(gold["tasks"], out["tasks"])
        assert len(pairs) == len(gold["tasks"]), stem
        for i, j in pairs:
            g, o = gold["tasks"][i], out["tasks"][j]
            assert {reference_scorer.norm(u) for u in g["lead_units"]} == \
                {reference_scorer.norm(u) for u in o["lead_units"]}, g["text"]


def test_normalise_keeps_cells_apart_and_prose_is_no_table(corpus):
    text = normalise((corpus / CHI_THI_11).read_text(encoding="utf-8"))
    assert "\nSở Nội vụ\n" in text and "\nThuế tỉnh\n" in text
    tables = find_tables(text.split("\n"))
    assert [t.columns for t in tables] == [["number", "task", "lead", "support", "time", "note"]]
    assert len(tables[0].rows) == 14
    for prose in ("laocai/qlks-sct-vn__CV-5973-UBND-KT-11-6-2026-tang-cuong-thanh-kiem-tra-KS.txt",
                  "laocai/sd-vlncn-sct-vn__CV-UBND-tinh-chi-dao-quan-ly-giam-sat-VLNCN.txt",
                  "laocai/sd-vlncn-sct-vn__KH-1105-DKT-ke-hoach-kiem-tra.txt"):
        lines = (corpus / prose).read_text(encoding="utf-8").split("\n")
        assert find_tables(lines) == [], prose


def test_docx_table_gives_the_same_rows_as_text(tmp_path, corpus):
    docx = pytest.importorskip("docx")
    lines = (corpus / CHI_THI_11).read_text(encoding="utf-8").split("\n")
    table = find_tables(lines)[0]
    document = docx.Document()
    for line in lines[: table.start]:  # the plan and the phụ lục's title as paragraphs, the table as a table
        document.add_paragraph(line)
    grid = document.add_table(rows=1 + len(table.rows), cols=6)
    for k, cell in enumerate(lines[table.start : table.start + 6]):
        grid.rows[0].cells[k].text = cell
    columns = ["number", "task", "lead", "support", "time", "note"]
    for r, row in enumerate(table.rows, start=1):
        grid.rows[r].cells[0].text = row.number or ""
        for k, column in enumerate(columns[1:], start=1):
            grid.rows[r].cells[k].text = "\n".join(lines[i] for i in row.cells.get(column, []))
    path = tmp_path / "plan.docx"
    document.save(path)
    from_docx = {t.text: (t.lead_units, t.support_units, t.deadline) for t in extract(path).tasks}
    from_text = {t.text: (t.lead_units, t.support_units, t.deadline) for t in extract(corpus / CHI_THI_11).tasks}
    rows = [lines[row.cells["task"][0]] for row in table.rows]
    assert len(rows) == 14
    for text in rows:
        assert from_docx[text] == from_text[text], text


@pytest.mark.parametrize(("cell", "value"), [
    ("Xong trong Quý II/2026", "2026-06-30"), ("Quý III/2026", "2026-09-30"), ("2026 - 2030", "2030-12-31"),
    ("Giai đoạn 2026-2030", "2030-12-31"), ("Năm 2026", "2026-12-31"), ("Tháng 7/2026", "2026-07-31"),
    ("Thường xuyên", None), ("Hàng năm", None),
])
def test_time_column_period_is_the_limit(cell, value):
    found = column_deadline(cell, "2026-03-01")
    assert (found.value if found else None) == value


def test_report_annex_with_solutions_and_a_role_cell(corpus):
    """A báo cáo's phụ lục: TT / ... / Giải pháp, kiến nghị / Cơ quan phụ trách ("Chủ trì: X. Phối hợp: Y")."""
    doc = extract(corpus / "laocai/vbhc-vn__ubnd__bao-cao-vp-ubnd.txt")
    rows = [t for t in doc.tasks if (t.section or "").startswith("I. CỤM CÔNG NGHIỆP ĐÃ CÓ CHỦ ĐẦU TƯ")]
    assert len(rows) == 7
    first = rows[0]
    assert first.text.startswith("Đề nghị Ban QLDA ĐTXD công trình giao thông tỉnh hoàn thành tuyến IC18")
    assert first.lead_units == ["Công ty LCIDI"]
    assert first.support_units[:2] == ["Ủy ban nhân dân xã Gia Phú", "Ban QLDA ĐTXD công trình giao thông tỉnh"]
    van_ban = next(t for t in doc.tasks if t.text.startswith("Ưu tiên ngân sách cho xã Văn Bàn"))
    assert van_ban.lead_units == ["Ủy ban nhân dân xã Văn Bàn"]  # "Chủ trì: UBND xã Văn Bàn; Sở Công Thương ..."
    assert "Sở Công Thương" in van_ban.support_units


def test_procedure_steps_are_rows(corpus):
    """A standing procedure: "Bước N" rows, a task cell that opens a list ("...:" + bullets), a unit cell
    continued by "(P.QLCN)", a time cell "1 giờ"."""
    lines = (corpus / "laocai/hnh-sct-vn__04-uy-quyen-quy-trinh__Quy-trinh-noi-bo-TTHC-HHNH.txt").read_text(
        encoding="utf-8").split("\n")
    table = find_tables(lines)[0]
    assert len([r for r in table.rows if not r.group]) >= 30
    first, second, third = table.rows[:3]
    assert len(first.cells["task"]) == 4 and lines[first.cells["lead"][0]] == "Công chức Sở trực tại TTPVHCC"
    assert [lines[i] for i in second.cells["lead"]] == ["Lãnh đạo phòng chuyên môn"]
    assert lines[third.cells["task"][-1]] == "Tiến hành thẩm định." and lines[third.cells["time"][0]] == "2 ngày"
