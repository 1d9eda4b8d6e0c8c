"""Stage 5, assemble tasks: body blocks + extractors -> :class:`Task` s (ANNOTATION §3-7).

Reads a :class:`~pipeline.structure.Structure` and the document's
:class:`DocumentInfo`; writes the list of tasks. Which blocks are tasks
(§3), who leads and supports them (§4) are decided here; the action,
time and citation extractors are called on each task's own text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.actions import action_types, find_cues
from pipeline.classify import predict_actions
from pipeline.deadlines import column_deadline, extract_time, find_deadline, find_event_deadline
from pipeline.evaluate import norm
from pipeline.lexicon import LOWER, UPPER, alternation, data_rows, data_words
from pipeline.models import DocumentInfo, Task
from pipeline.references import find_references
from pipeline.structure import Block, Structure
from pipeline.unit_names import expand_abbreviations
from pipeline.unit_tagger import TaggedUnit, tag_units
from pipeline.units import (
    ENTERPRISE,
    PLACE,
    UnitMention,
    capitalise,
    expand_listed,
    find_units,
    is_generic,
    name_stop,
    split_units,
    unit_heads,
)

EXHORTATION = re.compile(
    r"nêu\s+cao\s+tinh\s+thần|là\s+nhiệm\s+vụ\s+(quan\s+trọng|trọng\s+tâm)|không\s+đùn\s+đẩy", re.I
)
NO_TASK = re.compile(
    r"^(Biên\s+bản\s+(?:được\s+lập|này)|Trên\s+đây|Đồng\s+ý|Nhất\s+trí|Thống\s+nhất\s+(chủ\s+trương|nội\s+dung)|Quyết\s+định\s+này\s+có\s+hiệu\s+lực)"
    r"|(?:chịu|có)\s+trách\s+nhiệm\s+thi\s+hành|có\s+hiệu\s+lực\s+(thi\s+hành\s+)?kể\s+từ"
    r"|^(?:Quyết\s+định|Giấy\s+chứng\s+nhận|Giấy\s+phép)(?:\s+\S+){0,8}?\s+được\s+lập\s+thành\s+\d"
    r"|\bBiên\s+bản\s+(?:được\s+lập\s+thành|kết\s+thúc)|:\s*Không\s+có\s*[./]*$|\(\s*Ký,?\s+ghi\s+rõ\s+họ\s+tên"
    r"|\b(?:được\s+)?biết(?:,?\s+(?:và\s+)?(?:tổ\s+chức\s+)?(?:thực\s+hiện|phối\s+hợp))?\s*[./]*$"
    r"|\bkính\s+(?:mời|trình|đề\s+nghị)\b.{0,120}(?:xem\s+xét|nêu\s+trên|dự\s+họp|quyết\s+định)\b[^.]*[./]*$"
    r"|\btrân\s+trọng\s+báo\s+cáo\b.*\./\.$",
    re.I,
)
"""Not tasks: approvals; closing formulas ("... để Công ty X biết, thực hiện./.", "kính trình ... xem xét./.",
"... trân trọng báo cáo Bộ X xem xét./.")."""
FINDING = re.compile(
    r"^(?:Theo\s+(?:kết\s+quả|quy\s+định|Điều|hồ\s+sơ)|Như\s+vậy|Do\s+(?:đó|vậy)|Từ\s+(?:các\s+)?nội\s+dung|Qua\s+(?:kết\s+quả\s+)?(?:kiểm\s+tra|rà\s+soát|xem\s+xét)|Kết\s+quả\s+kiểm\s+tra"
    r"|Đối\s+chiếu(?:\s+với)?\s+(?:các\s+)?quy\s+định|Hồ\s+sơ\s+(?:chưa|không|còn)"
    r"|(?:Công\s+ty|Doanh\s+nghiệp|Đơn\s+vị|Cơ\s+sở)(?:\s+\S+){0,6}?\s+chưa\s)"
)
"""A finding of an inspection or a dossier review ("Qua kiểm tra thực tế, ...", "Công ty chưa lắp đặt ..."): no task."""
DEFICIENCY = re.compile(
    r"^(?:Thiếu|Chưa\s+có)\b|\b(?:chưa\s+(?:ghi|nêu)\s+rõ|đã\s+hết\s+(?:hạn|hiệu\s+lực)|không\s+thuộc\s+danh\s+sách)\b"
)
"""A deficiency found in a dossier ("Thiếu Giấy chứng nhận ...", "Chứng chỉ ... đã hết hạn"): a finding, unless the
line itself asks for something."""
REQUEST = re.compile(r"(?<=[.;,:]\s)(?:[Đđ]ề\s+nghị|[Yy]êu\s+cầu)\b")
REQUEST_IN_FINDINGS = re.compile(r"(?:^|(?<=[.;,:]\s))(?:[Đđ]ề\s+nghị|[Yy]êu\s+cầu)\s+(?!cấp\b|của\b|số\b|tại\b)")
"""A request among the findings of minutes or a report ("..., đề nghị đơn vị chủ động đăng kiểm lại ...")."""
ASKING = re.compile(r"\b(?:đề\s+nghị|yêu\s+cầu|giao|chủ\s+trì|chỉ\s+đạo)\b", re.I)
REFERS_BACK = re.compile(
    r"\b(?:các\s+)?(?:nội\s+dung|yêu\s+cầu|vấn\s+đề)\s+(?:nêu\s+)?trên(?:\s+đây)?\b"
    r"|\b(?:nghiêm\s+túc|khẩn\s+trương)\s+(?:triển\s+khai\s+|tổ\s+chức\s+)?thực\s+hiện\s*(?:[.;]|$)"
    r"|^Căn\s+cứ\s+(?:văn\s+bản|[Kk]ế\s+hoạch|[Qq]uyết\s+định|[Tt]hông\s+báo)\s+này\b"
    r"|\bxem\s+xét,\s+tổng\s+hợp\s*\./?\.?$",
    re.I,
)
"""An unnumbered paragraph after the list that sums it up ("... thực hiện các nội dung nêu trên", "... nghiêm túc
triển khai thực hiện.", "Căn cứ văn bản này, ...", "... đề nghị X xem xét, tổng hợp./."): a closing."""
OPINION = re.compile(r"^(?:Các\s+)?[Ýý]\s+kiến\b(?!\s+(?:kết\s+luận|thống\s+nhất))")
SENTENCE_REQUEST = re.compile(r"(?<=[.]\s)(?:Đề\s+nghị|Yêu\s+cầu)\s")
IMPERATIVE = re.compile(
    r"\b(?:đề\s+nghị|yêu\s+cầu|giao|chủ\s+trì|phối\s+hợp|có\s+trách\s+nhiệm|phải|cần|chỉ\s+đạo|tiếp\s+tục"
    r"|khẩn\s+trương|chủ\s+động|tổ\s+chức\s+thực\s+hiện)\b", re.I)


def _request_at(text: str) -> int:
    """Where a request starts after a finding ("Qua kiểm tra ..., đề nghị Công ty ..."); 0 when none does."""
    m = REQUEST.search(text)
    return m.start() if m else 0


def _request_after_statements(text: str) -> int:
    """Where "Đề nghị ..." starts after sentences that only state facts ("X thuộc thẩm quyền ... . Đề nghị Y ..."); 0
    when it does not."""
    m = SENTENCE_REQUEST.search(text)
    return m.start() if m and not ASKING.search(text[: m.start()]) else 0


DECISION = re.compile(r"^(Phê\s+duyệt|Ban\s+hành|Thành\s+lập|Công\s+nhận|Bãi\s+bỏ|Chấp\s+thuận|Cho\s+phép)\b")
"""An article of a decision that decides rather than assigns work."""


def _decides(block: Block) -> bool:
    """Is ``block`` an article that decides ("Điều 1. Phê duyệt Kế hoạch ...")? In a text attached after the
    signature only its first article can be (a decision's template); the others are a regulation's topics ("Điều 6.
    Thành lập, mở rộng cụm công nghiệp; ...", whose clauses assign the work)."""
    return block.kind == "article" and bool(DECISION.match(block.text)) and (
        block.part == 0 or re.match(r"Điều\s+1\b", block.marker or "") is not None)


EXPLICIT_LEAD = re.compile(
    r"^(?:(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND|Chủ\s+tịch)[^,;:]{0,40}?\s+)?"
    r"(?:[Gg]iao|[Đđ]ề\s+nghị|[Yy]êu\s+cầu)\s+"
    r"|(?:^|[:;.]\s+)[Gg]iao\s+(?=[^,;:]{3,80}?\s+chủ\s+trì)"
    r"|^[^;:]{0,80}?,\s+(?:giao|đề\s+nghị|yêu\s+cầu)\s+"
    r"|^[^;:]{0,240}?\s(?:do\s+vậy|vì\s+vậy|do\s+đó|vì\s+thế)\s+(?:đề\s+nghị|yêu\s+cầu)\s+"  # "..., do vậy đề nghị X"
    r"|^(?:Về|Đối\s+với)\s[^;:]{2,120}?(?::\s+(?:[Gg]iao|[Đđ]ề\s+nghị|[Yy]êu\s+cầu)|\s+(?:Giao|Đề\s+nghị|Yêu\s+cầu))\s+"
    r"|^(?:Về|Đối\s+với)\s[^;]{2,160}?,\s+(?:giao|đề\s+nghị|yêu\s+cầu)\s+"
    rf"|^[{UPPER}][^,;:.()]{{1,80}}?\s+(?:trân\s+trọng\s+|kính\s+)?(?:đề\s+nghị|yêu\s+cầu)\s+(?=[{UPPER}]|các\s)"
    rf"|^[{UPPER}][^,;:.()]{{1,80}}?\s+thông\s+báo\s+(?:để|cho|tới|đến)\s+(?=[{UPPER}]|các\s)"
)
RESPONSIBLE = re.compile(
    r"^(?:Trách\s+nhiệm|Đơn\s+vị)\s+(?:chỉ\s+đạo\s+)?(?:thực\s+hiện|chủ\s+trì)\s*:\s*(?P<lead>[^;]+)"
    r"(?:;\s*(?:Đơn\s+vị\s+)?phối\s+hợp\s*:\s*(?P<support>.+))?",
    re.I,
)
SUPPORT_BEFORE = re.compile(
    r"(?:phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?|gửi(?:\s+(?:về|đến|tới|cho))?|\(qua|qua|liên\s+hệ(?:\s+với)?|mời"
    r"|làm\s+việc\s+với|trao\s+đổi(?:\s+ngay)?\s+với|(?<!vận\s)chuyển(?:\s+về)?"
    r"|(?:gửi|(?<!vận\s)chuyển|nộp|phản\s+ánh)(?:\s+(?!cho|về|đến|tới)[^,;:.()]{1,40}?)?\s+(?:về|đến|tới|cho)"
    r"|chỉ\s+đạo|giao|cung\s+cấp[^,;]{0,60}?\s+cho|theo\s+đề\s+nghị\s+của|báo\s+cáo(?=\s+\S+[^,;]*?\s+để\s+tổng\s+hợp))"
    r"\s+$",
    re.I,
)
ADDRESSED = re.compile(
    r"^(?:(?:Quyền(?:\s+hạn)?(?:,|\s+và)\s+)?(?:Yêu\s+cầu|Nhiệm\s+vụ|Trách\s+nhiệm|Nghĩa\s+vụ)"
    r"(?:(?:,|\s+và)\s+(?:quyền\s+hạn|trách\s+nhiệm|nghĩa\s+vụ|nhiệm\s+vụ))*(?:\s+(?:đối\s+với|của))?"
    r"|Đối\s+với|Về\s+phía)\s+(?:(?:cơ\s+quan|lực\s+lượng)\s+(?-i:(?=[A-ZĐ])))?", re.I
)
"""A heading that names who its part is for ("Yêu cầu đối với các tổ chức, cá nhân ...", a law's "Quyền hạn, trách
nhiệm của Bộ Công Thương", "Nghĩa vụ của chủ đầu tư ...", "Trách nhiệm của cơ quan Công an tỉnh": Công an tỉnh);
rights alone ("Quyền của ...") name nobody who must act."""
HANDED_TO = re.compile(r"^(?:Giao|Đề\s+nghị|Mời|Kiến\s+nghị(?:\s+với)?|Đề\s+xuất\s+với)\s+")
"""The verb of a heading that hands its part to the unit after it ("Giao Sở Tài chính", "Kiến nghị Bộ Xây dựng")."""
EXECUTION = re.compile(r"^(?:Tổ\s+chức\s+thực\s+hiện|TỔ\s+CHỨC\s+THỰC\s+HIỆN)")
IN_CHARGE = re.compile(r"^(?P<unit>[^,;:]{3,80}?)\s+(?:là\s+(?:cơ\s+quan|đơn\s+vị)\s+)?chủ\s+trì\b")
FRONTED = re.compile(
    r"^\s*,?\s*(?:theo|căn\s+cứ|trong\s+phạm\s+vi|trên\s+cơ\s+sở|định\s+kỳ|h[ằà]ng\s+năm)\b", re.I
)
"""An adverbial between a subject and its verb ("Các Sở theo chức năng, nhiệm vụ được giao chủ động ...", "Các Sở,
ngành định kỳ hàng năm ... báo cáo")."""
GROUP_DEFINITION = re.compile(
    r"^(?P<group>(?:[Cc]ác\s+)?(?:[Đđ]ơn\s+vị|[Cc]hủ\s+đầu\s+tư|[Cc]ơ\s+quan|[Tt]hành\s+viên|[Dd]oanh\s+nghiệp"
    r"|[Tt]ổ\s+chức|[Ss]ở|[Nn]hà\s+thầu|[Đđ]ịa\s+phương)[^:;()]{0,70}?)"
    r"\s*(?::|\(?\s*(?:bao\s+)?gồm\s*:?)\s*(?P<members>.+)$",
    re.S,
)
"""A group named once with its members ("Đơn vị duy trì thoát nước: Công ty A; Công ty B ...", ANNOTATION §4)."""
ROLE_DEFINITION = re.compile(
    r"^(?P<group>[Cc]hủ\s+đầu\s+tư|[Nn]hà\s+thầu(?:\s+thi\s+công)?|[Đđ]ơn\s+vị\s+(?:thi\s+công|tư\s+vấn[\w\s]{0,20}?"
    r"|thực\s+hiện|quản\s+lý\s+vận\s+hành|khai\s+thác))\s*:\s*(?P<members>[^;:]+?)[.;]?$"
)
"""A role filled by one unit ("Chủ đầu tư: Ban Quản lý dự án đầu tư xây dựng xã Trấn Yên.")."""
MEMBERS_END = re.compile(
    r"\s*[):]?\s*(?:\b(?:theo|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|thực\s+hiện)\b.*)?[:.;)]*$", re.S
)
DESCRIPTION = re.compile(
    rf"^[^:;,.]{{2,40}}:\s|^\(|\d{{3,4}}[.\s]\d{{3}}[.\s]?\d{{2,3}}|^[^{LOWER}]+$|^Ông\b|^Bà\b"
)
"""Without an action cue these lines describe, they do not assign: "Địa điểm thực hiện: ...", phone numbers."""
FALLBACK: list[UnitMention] = []
"""The (shared, empty) mention list of a lead that no text names: the addressees or the issuer."""
NORMATIVE = frozenset({"Luật", "Bộ luật", "Nghị định", "Thông tư", "Pháp lệnh",
                       "Tiêu chuẩn", "Quy chuẩn kỹ thuật", "Văn bản kỹ thuật"})
"""Legal texts and technical standards: their provisions are tasks only where a unit is named as responsible."""
LIST_GLUE = re.compile(r"^\s*(?:,|và|hoặc|;)\s*$")
SUPPORT_AFTER = re.compile(r"^\s+tham\s+mưu\s+(?:thực\s+hiện|triển\s+khai)", re.I)


@dataclass
class _Context:
    structure: Structure
    info: DocumentInfo
    reference_date: str | None
    addressees: list[str]
    heading_units: dict[int, list[str]]
    executors: dict[int, list[str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    short_forms: dict[str, str] = field(default_factory=dict)
    subject_entity: list[str] = field(default_factory=list)
    """The one organisation a dossier's minutes or licence is about ("Tên đơn vị: Công ty X")."""


def assemble(structure: Structure, info: DocumentInfo) -> list[Task]:
    """All tasks of one document, in reading order, ids T01, T02, ..."""
    ctx = _Context(
        structure,
        info,
        info.issued_date or info.meeting_date,
        [u for a in structure.header.addressees for u in split_units(a)],
        {},
    )
    ctx.groups = _group_definitions(structure.blocks)
    for role, units in _inline_roles(structure.text).items():
        ctx.groups.setdefault(role, units)
    ctx.abbreviations = defined_abbreviations(structure.text)
    ctx.short_forms = defined_short_forms(structure.text)
    ctx.subject_entity = _subject_entity(structure.blocks)
    if ctx.subject_entity:
        ctx.groups.setdefault(_loose_key("đơn vị"), ctx.subject_entity)  # "Đề nghị đơn vị duy trì ..."
    responsible, responsible_lines = _responsible_lines(structure.blocks)
    tasks: list[Task] = []
    stated_supports: list[list[str]] = []
    for block in structure.blocks:
        if block.index in responsible_lines or not _is_task(block, structure.blocks):
            continue
        for text, start in _split_subjects(block.text) if block.kind != "row" else [(block.text, 0)]:
            opens_with_request = block.role == "assessment" and REQUEST_IN_FINDINGS.match(text)
            if (FINDING.match(text) or block.role == "assessment") and not opens_with_request \
                    and (cut := _request_at(text)):
                text, start = text[cut:], start + cut  # the finding before a request is cut off
            elif cut := _request_after_statements(text):
                text, start = text[cut:], start + cut
            span = (block.span[0] + start, block.span[0] + start + len(text))
            task = _task(ctx, block, text, span, responsible)
            if task is None:
                continue
            task.task_id = f"T{len(tasks) + 1:02d}"
            tasks.append(task)
            stated_supports.append(responsible[block.index][1] if block.index in responsible
                                   else _cell_roles(block)[1])
    predicted = predict_actions([t.text for t in tasks]) if tasks else None
    for task, labels in zip(tasks, predicted or [], strict=False):
        task.action_types = labels  # type: ignore[assignment]
    tagged = tag_units([t.text for t in tasks]) if tasks else None
    for task, mentions, stated in zip(tasks, tagged or [], stated_supports, strict=False):
        task.support_units = _tagged_supports(task, mentions, stated, ctx.abbreviations, ctx.short_forms)
    return tasks


def _tagged_supports(task: Task, mentions: list[TaggedUnit], stated: list[str], abbreviations: dict[str, str],
                     short_forms: dict[str, str]) -> list[str]:
    """Support units from the learned tagger (it beats the rules on held-out documents), then a stated line's."""
    leads = {norm(u) for u in task.lead_units}
    names = [m.name for m in mentions
             if m.role == "support" and not is_generic(m.name) and _has_letter(m.name)]
    out: list[str] = []
    for name in _spelled_out(names, abbreviations, short_forms) + list(stated):
        if norm(name) not in leads and name not in out:
            out.append(name)
    return out


def _is_task(block: Block, blocks: list[Block]) -> bool:
    if block.kind == "row":  # a task table's row is a task (ANNOTATION §3), in a report's annex too
        return block.role not in ("quotation", "closing", "preamble") and not NO_TASK.search(block.text)
    if block.role == "assessment" and not block.children and block.kind in ("para", "dash", "plus", "bullet"):
        # a request among findings is a task (GUIDELINE_NOTES 29); one in a participant's opinion is not
        return bool(REQUEST_IN_FINDINGS.search(block.text)) and not any(
            OPINION.match(b.text) for b in _ancestors(block, blocks) if b.numbered)
    if block.role != "assign" or (block.children and not block.is_sentence):
        return False
    if block.kind == "article" and block.children:
        return False  # an article's title ("Điều 6. Thành lập, mở rộng cụm công nghiệp; ..."): its clauses assign
    if any(_decides(b) for b in [block, *_ancestors(block, blocks)]):
        return False  # an article that approves a plan: its items are the plan's content, not assigned work
    text = block.text.strip()
    if NO_TASK.search(text) or (FINDING.match(text) and not _request_at(text)) or text.endswith(":") \
            or _field_line().match(text) or not re.search(rf"[{LOWER}]", text):
        return False  # an all-capitals line is a title
    if DEFICIENCY.search(text) and not IMPERATIVE.search(text) and not _opens_with_action(text):
        return False
    # the document's closing line, even when it falls under the last heading (not under "3. Tổ chức thực hiện")
    parent = blocks[block.parent].text if block.parent is not None else ""
    last_sentence = text.endswith("./.") and not EXECUTION.match(parent)
    if block.kind == "para" and (block.parent is None or last_sentence) and REFERS_BACK.search(text) and any(
            b.numbered and b.part == block.part for b in blocks[: block.index]):
        return False  # "Đề nghị Công ty rà soát, hoàn thiện các nội dung nêu trên ...": closes the list (§3)
    if block.numbered and len(text) < 60 and not find_cues(text):
        return False
    siblings = blocks[block.parent].children if block.parent is not None else []
    if block.kind == "para" and siblings and siblings[0] != block.index and EXHORTATION.search(text):
        return False
    return bool(find_cues(text)) or (len(text) > 40 and not DESCRIPTION.search(text))


@lru_cache(maxsize=1)
def _field_line() -> re.Pattern[str]:
    """A "Label: value" line of a project's or a dossier's particulars (pipeline/data/field_labels.txt): no task."""
    return re.compile(rf"^(?:{alternation(data_words('field_labels.txt'))})(?![{LOWER}\w])[^:;.]{{0,40}}:\s")


def _opens_with_action(text: str) -> bool:
    """Does the text open with an action ("Rà soát các đơn vị chưa ...")?"""
    cues = find_cues(text)
    return bool(cues) and cues[0].start < 3


SUBJECT_REACH = 1000
"""How far into a clause its subject is looked for: fronted clauses, the subject's names and the first verb fit in it
many times over, and a paragraph with hundreds of clauses (a text whose line breaks were lost) is not read whole at
each one."""


def _split_subjects(text: str) -> list[tuple[str, int]]:
    """Split "A làm X; B làm Y" (or "A làm X. B làm Y") into one piece per subject unit (ANNOTATION §3)."""
    pieces, start = [], 0
    for match in re.finditer(rf";\s+|\.\s+(?=[{UPPER}])", text):
        if not (following := _subject(text[match.end() : match.end() + SUBJECT_REACH])):
            continue
        piece = text[start : match.start()]
        current = _subject(piece[:SUBJECT_REACH])
        if (current or EXPLICIT_LEAD.match(piece)) \
                and {norm(u.name) for u in following} != {norm(u.name) for u in current} \
                and _verbs_outside_units(piece):  # same subject: one task
            pieces.append((text[start : match.start() + 1], start))
            start = match.end()
    pieces.append((text[start:], start))
    return pieces


def _verbs_outside_units(text: str) -> bool:
    inside = [(m.start, m.end) for m in find_units(text)]
    return any(not any(a <= c.start < b for a, b in inside) for c in find_cues(text))


ADVERBIAL = re.compile(
    r"^(?:Để|Khi|Trong\s+quá\s+trình|Sau\s+khi|Trước\s+khi|Trường\s+hợp|Ngoài\s+ra|Nếu|Quá"
    r"|Trong\s+thời\s+(?:hạn|gian)|Trong\s+vòng|Trong\s+giai\s+đoạn|Trong\s+trường\s+hợp|Chậm\s+nhất|Trước\s+ngày|Trên\s+cơ\s+sở"
    r"|Căn\s+cứ|Đối\s+với|Định\s+kỳ|H[ằà]ng\s+(?:năm|quý|tháng))\b[^,;:]{3,200},\s+"
)
"""A clause before the subject ("Để đảm bảo an toàn giao thông, Công ty X phải ...", "Trong thời hạn 03 ngày làm
việc, Ủy ban nhân dân cấp xã có trách nhiệm ...")."""
FRONTED_MORE = re.compile(
    r"^(?:(?:kể\s+từ|trong\s+thời\s+(?:hạn|gian)|trong\s+vòng|chậm\s+nhất|sau\s+khi|khi|nếu|năm)\b[^,;:]{3,200}"
    r"|vướng\s+mắc(?:\s+phát\s+sinh)?),\s+",
    re.I,
)
"""A further fronted clause after the first ("Trường hợp chưa đủ hồ sơ, trong vòng 03 ngày ..., kể từ ngày ...,",
"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, ...")."""


TIME_LIMIT = re.compile(r"^(?:Trong\s+thời\s+(?:hạn|gian)|Trong\s+vòng|Chậm\s+nhất)\b", re.I)
CLAUSE_GOES_ON = re.compile(
    rf"^(?!(?:đề\s+nghị|yêu\s+cầu|giao|đôn\s+đốc|chỉ\s+đạo)\b)[{LOWER}][^,;:.]{{0,120}},\s+"
)
"""A lower-case stretch after a comma inside a time limit's clause ("kể từ ngày nhận được hồ sơ đầy đủ, | hợp lệ,",
"văn bản của doanh nghiệp, | hợp tác xã, | tổ chức đề nghị ..."), unless it opens a request."""


def _subject_after_clause(text: str, end: int) -> tuple[list[UnitMention], int]:
    """The subject after up to three more comma-separated stretches of a time limit's clause, and where it starts:
    the first that opens with a capital ("..., tổ chức đề nghị làm chủ đầu tư, | Ủy ban nhân dân cấp huyện có trách
    nhiệm"), else the first regulated party ("..., | tổ chức, cá nhân phải gửi")."""
    candidates = []
    for _ in range(3):
        if not (more := CLAUSE_GOES_ON.match(text[end:])):
            break
        end += more.end()
        if found := _subject_at_start(text[end:]):
            if text[end].isupper():
                return found, end
            candidates.append((found, end))
    return candidates[0] if candidates else ([], end)


def _subject(text: str) -> list[UnitMention]:
    """Units that are the grammatical subject at the start of ``text`` (after fronted clauses, if any)."""
    if fronted := ADVERBIAL.match(text):
        end = fronted.end()
        while more := FRONTED_MORE.match(text[end:]):
            end += more.end()
        found = _subject_at_start(text[end:])
        if not found and TIME_LIMIT.match(text):  # "Trong thời hạn 10 ngày ... hồ sơ đầy đủ, hợp lệ, Ủy ban ..."
            found, end = _subject_after_clause(text, end)
        if found:
            return [UnitMention(u.name, u.start + end, u.end + end, u.generic) for u in found]
    return _subject_at_start(text)


FIELD_TAIL = re.compile(r"\s+(?:thực\s+hiện\s+nhiệm\s+vụ\s+)?trong\s+(?:quản\s+lý\s+nhà\s+nước|lĩnh\s+vực)\b.*$")
"""The field a named body acts in, after its name in a duty heading; a regulated party keeps its own."""
REGULATED_PARTY = (
    r"(?:Các\s+|Mọi\s+)?(?:cơ\s+quan,\s+)?(?:tổ\s+chức|đơn\s+vị|doanh\s+nghiệp|cơ\s+sở|chủ\s+đầu\s+tư|nhà\s+đầu\s+tư"
    r"|nhà\s+thầu|chủ\s+sở\s+hữu)\b"
)
"""The opening words of a party a provision regulates ("Tổ chức, cá nhân ...", "Chủ đầu tư ...", "Nhà thầu thi công
xây dựng ...", "Chủ sở hữu công trình ...")."""
REGULATED_SUBJECT = re.compile(
    rf"^(?P<name>{REGULATED_PARTY}[^.;:()]{{0,140}}?)(?:,?\s+ngoài\s+việc[^.;:()]{{0,80}}?)?(?:\s+(?:đều|cũng|còn))?"
    rf"\s+(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|có\s+nghĩa\s+vụ|phải"
    rf"|(?:kịp\s+thời\s+)?phản\s+ánh)\s",
    re.I,
)
"""The regulated party a provision opens with, qualifier included ("Các tổ chức, cá nhân được cấp giấy phép thăm
dò, khai thác khoáng sản có trách nhiệm ..."); "ngoài việc ...", "đều", "cũng", "còn" before the predicate are not
part of it ("Cơ sở có hóa chất dễ cháy, nổ ngoài việc ... phải ...")."""


def _subject_at_start(text: str) -> list[UnitMention]:
    if (m := REGULATED_SUBJECT.match(text)) and not is_generic(m["name"]) and len(m["name"].split()) >= 4 \
            and not re.search(r"\s(?:và|hoặc)$", m["name"]):  # "Chủ sở hữu nhà ở tổ chức ..., giám sát ... và |"
        return [UnitMention(m["name"], 0, m.end("name"))]
    mentions = find_units(text)
    if not mentions or mentions[0].start != 0:
        return []
    inside = [(m.start, m.end) for m in mentions]
    cues = [c for c in find_cues(text) if not any(a <= c.start < b for a, b in inside)]
    first_verb = min((c.start for c in cues), default=len(text))
    # a predicate the cue lexicon does not know, right after a name ("Ủy ban nhân dân cấp xã thực hiện nhiệm vụ ...")
    first_verb = min((m.end for m in mentions if m.end < first_verb and PREDICATE_START.match(text, m.end)),
                     default=first_verb)
    head = text[:first_verb]
    responsible = re.search(r"\b(?:chịu|có)\s+trách\s+nhiệm\b|\bchủ\s+trì\b|\bphải\b", head)
    if responsible:
        head = head[: responsible.start()]
    subject = [m for m in mentions if m.end <= len(head.rstrip()) + 1]
    for i in range(1, len(subject)):  # "X phản ánh về Bộ Công Thương": a name after a preposition is not the subject
        if PREPOSITION.search(text, subject[i - 1].end, subject[i].start):
            subject = subject[:i]
            break
    if not subject:
        return []
    gap = head[subject[-1].end :]
    if len(gap) > 25 and not FRONTED.match(gap):
        return []
    return subject


PREPOSITIONS = "về|với|cho|của|tại|đến|tới|qua|từ"
PREPOSITION = re.compile(rf"(?<!\w)(?:{PREPOSITIONS})(?!\w)")
"""A preposition between two names: the second is no part of the subject ("X phản ánh về Bộ Công Thương")."""
PREDICATE_START = re.compile(
    rf"\s+(?!(?:{PREPOSITIONS}|trong|để|và|hoặc|hay|thuộc|trên|ở|nơi|khi|nếu|do|theo|đối|cùng|gồm"
    rf"|bao\s+gồm|(?:có\s+)?liên\s+quan)(?!\w))[{LOWER}]"
)
"""A predicate that the cue lexicon does not know, right after the subject ("Ủy ban nhân dân cấp xã thực hiện nhiệm
vụ ...", "Sở Xây dựng có ý kiến về ..."): a lower-case word that does not go on the noun phrase (a preposition)."""


def _task(ctx: _Context, block: Block, text: str, span: tuple[int, int], responsible: dict) -> Task | None:
    """The task of a block; None for a legal provision whose lead no text names."""
    leads, lead_mentions = _leads(ctx, block, text, responsible)
    if lead_mentions is FALLBACK and ctx.info.doc_type in NORMATIVE:
        return None
    leads = _spelled_out(_expand_groups(leads, ctx.groups), ctx.abbreviations, ctx.short_forms)
    leads = _completed(_document_forms(leads, ctx.structure.text), ctx.structure.text)
    context = _context_block(block, ctx.structure.blocks)
    time = extract_time(text, ctx.reference_date)
    deadline, recurrence = time.deadline, time.recurrence
    if time_cell := " ".join(cell for cell, _ in block.cells.get("time", [])):
        deadline = deadline or column_deadline(time_cell, ctx.reference_date)
        recurrence = recurrence or extract_time(time_cell, ctx.reference_date).recurrence
    if deadline is None and context is not None:
        deadline = find_deadline(context.text, ctx.reference_date)
    deadline = deadline or find_event_deadline(text)  # "trước khi triển khai thi công": a limit with no date
    actions = action_types(text)  # the cue lexicon; the trained model, when shipped, relabels in assemble()
    if actions == ["other"] and context is not None:
        actions = action_types(context.text)
    supports = _supports(text, lead_mentions, leads)
    supports += [u for u in _cell_roles(block)[1]
                 if u not in supports and norm(u) not in {norm(lead) for lead in leads}]
    if block.index in responsible and responsible[block.index][1]:
        supports += [u for u in responsible[block.index][1] if u not in supports]
    supports = _completed(_document_forms(_spelled_out(supports, ctx.abbreviations, ctx.short_forms),
                                          ctx.structure.text), ctx.structure.text)
    return Task(
        task_id="",
        section=_section(block, ctx.structure.blocks),
        text=text.strip(),
        lead_units=leads,
        support_units=supports,
        action_types=actions,  # type: ignore[arg-type]
        deadline_text=deadline.text if deadline else None,
        deadline=deadline.value if deadline else None,
        recurrence=recurrence,  # type: ignore[arg-type]
        urgent=time.urgent,
        references=[_shifted(r, span[0]) for r in find_references(text)],
        span=span,
    )


def _shifted(reference, offset: int):
    """A reference found in a task's text, its span moved to the normalised document text."""
    if reference.span:
        reference.span = (reference.span[0] + offset, reference.span[1] + offset)
    return reference


def _context_block(block: Block, blocks: list[Block]) -> Block | None:
    parent = blocks[block.parent] if block.parent is not None else None
    if parent is not None and not parent.numbered and parent.text.rstrip().endswith(":"):
        return parent
    return None


def _section(block: Block, blocks: list[Block]) -> str | None:
    node = blocks[block.parent] if block.parent is not None else None
    while node is not None and (not node.numbered or node.is_sentence):
        node = blocks[node.parent] if node.parent is not None else None
    return node.heading.rstrip(" :") if node is not None else None  # as printed, without its colon (the gold)


# -- units --------------------------------------------------------------------


PERSON_LEAD = re.compile(
    r"^(?:Ông|Bà|Đồng\s+chí|Đ/c)\.?\s+(?P<name>[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*){1,4}\s*[-–]\s*[^:;.]{2,40}?)\s*:"
)
"""A member of a team with their role ("Ông. Hoàng Văn Thuân - Trưởng đoàn: Phụ trách chung ...")."""


BARE_HEADS = ("công ty", "doanh nghiệp", "chi nhánh", "hợp tác xã")
"""Heads a letter uses alone for the one company it is addressed to ("đề nghị Công ty rà soát ...")."""


PROVINCE_LEVEL = re.compile(r"\s(?:tỉnh|thành phố)$", re.I)
"""A name that ends on its level without the province's name ("Thuế tỉnh")."""


def _addressed(names: list[str], addressees: list[str]) -> list[str]:
    """Names with a bare "Công ty" / "Doanh nghiệp" replaced by the one addressee of that kind, and a name ending on
    its level ("Thuế tỉnh") by the one addressee that adds the province's name ("Thuế tỉnh Lào Cai")."""
    out = []
    for name in names:
        key = norm(name)
        if key in BARE_HEADS:
            matching = [a for a in addressees if norm(a).startswith(key + " ")]
            name = capitalise(matching[0]) if len(matching) == 1 else name
        elif PROVINCE_LEVEL.search(name):
            words = len(name.split())  # the addressee's words after the name's, not its characters (spacing)
            matching = [a for a in addressees
                        if norm(a).startswith(key + " ") and re.fullmatch(PLACE, " ".join(a.split()[words:]))]
            name = capitalise(matching[0]) if len(matching) == 1 else name
        if name not in out:
            out.append(name)
    return out


def _leads(ctx: _Context, block: Block, text: str, responsible: dict) -> tuple[list[str], list[UnitMention]]:
    leads, mentions = _named_leads(ctx, block, text, responsible)
    return _addressed(leads, ctx.addressees), mentions


def _named_leads(ctx: _Context, block: Block, text: str, responsible: dict
                 ) -> tuple[list[str], list[UnitMention]]:
    if units := _cell_roles(block)[0]:
        return units, []
    if m := PERSON_LEAD.match(text):
        return [re.sub(r"\s*[-–]\s*", " - ", m["name"])], []
    if (m := ADDRESSED.match(text)) and ":" in text[:160]:
        named = text[m.end() : text.index(":")]
        mentions = [u for u in find_units(named) if not u.generic]
        if mentions and mentions[0].start == 0:  # "Đối với các Sở, ngành, đơn vị cấp Thành phố: Chủ động ..."
            whole = len(mentions) == 1 and len(named.split()) <= 16
            return ([capitalise(named.strip())] if whole else split_units(named)), []
        if (inner := re.search(r"\(([^()]+)\)\s*$", named)) and (units := split_units(inner.group(1))):
            return units, []  # "Đối với 01 đơn vị kinh doanh hóa chất (Công ty TNHH X): Yêu cầu ..."
    if m := EXPLICIT_LEAD.search(text):
        rest = text[m.end() :]
        if defined := _defined_group_at(rest, ctx.groups):  # "Đề nghị Chủ đầu tư ..." after "Chủ đầu tư: X"
            return defined, []
        if listed := _listed_subject(rest):  # "Giao các Bộ: Công an, Tài chính có ý kiến ..."
            return listed, []
        mentions = [u for u in find_units(rest) if not u.generic]
        if mentions and mentions[0].start == 0:
            chain = _chain(rest, mentions)
            shifted = [UnitMention(u.name, u.start + m.end(), u.end + m.end()) for u in chain]
            return [capitalise(u.name) for u in chain], shifted
    if listed := _listed_subject(text):
        return listed, []
    if defined := _defined_group_at(text, ctx.groups):  # "Cơ quan chuyên môn về xây dựng cấp tỉnh kiểm tra ..."
        return defined, []
    subject = [u for u in _subject(text) if not u.generic]
    if subject:
        return [capitalise(u.name) for u in subject], subject
    if block.index in responsible:
        return responsible[block.index][0], []
    if (intro := _introduction(block, ctx.structure.blocks)) and (asked := _asked_units(intro, ctx.groups)):
        return asked, []
    if (lead_in := _introduction(block, ctx.structure.blocks, colon=False)) and (m := IN_CHARGE_LEAD_IN.match(
            lead_in.text)) and (units := [u for u in find_units(m["unit"]) if not u.generic and u.start == 0]):
        return [capitalise(units[0].name)], []  # "X là đơn vị chủ lực ..., Y chịu trách nhiệm ..." + bullets
    for ancestor in _ancestors(block, ctx.structure.blocks):
        units = _heading_units(ctx, ancestor)
        if units:
            return units, []
    if executor := _part_executor(ctx, block.part):  # a law's "Tổ chức thực hiện" is for the whole law: a fallback
        return executor, (FALLBACK if ctx.info.doc_type in NORMATIVE else [])
    if ctx.subject_entity and ENTITY_WORD.search(text):
        return ctx.subject_entity, []  # "Đề nghị trong quá trình vận chuyển đơn vị tuân thủ ..."
    if ctx.addressees:
        return list(ctx.addressees), FALLBACK
    if ctx.subject_entity:  # a licence or certificate: its holder, not its issuer, must act
        return ctx.subject_entity, FALLBACK
    issuer = ctx.info.issuer
    return ([issuer] if issuer and _names_a_unit(issuer) else []), FALLBACK  # not a standard's title line


@lru_cache(maxsize=64)
def _names_a_unit(name: str) -> bool:
    """Does ``name`` open with a unit's name (once per issuer, not once per task that falls back on it)?"""
    found = find_units(name)
    return bool(found) and found[0].start == 0


ROLE_CELL = re.compile(
    r"^(?:Đơn\s+vị\s+|Cơ\s+quan\s+)?[Cc]hủ\s+trì\s*:\s*(?P<lead>.+?)"
    r"(?:[.;]?\s*(?:Đơn\s+vị\s+|Cơ\s+quan\s+)?[Pp]hối\s+hợp\s*:\s*(?P<support>.+?))?[.;]?$"
)
"""A table cell that gives both roles: "Chủ trì: Công ty X (CĐT). Phối hợp: UBND xã Y (GPMB); Sở Z"."""


def _cell_roles(block: Block) -> tuple[list[str], list[str]]:
    """A task-table row's lead and partner units, from its lead and partner cells."""
    lead_cell, support_cell = block.cells.get("lead", []), list(block.cells.get("support", []))
    joined = " ".join(text for text, _ in lead_cell)
    if lead_cell and (m := ROLE_CELL.match(joined)):
        span = lead_cell[0][1]
        first, *others = re.split(r";\s*", m["lead"])  # "Chủ trì: UBND xã A; Sở B hướng dẫn": A leads, B supports
        lead_cell = [(first, span)]
        support_cell[:0] = [(piece, span) for piece in [*others, m["support"] or ""] if piece]
    return _cell_units(lead_cell), _cell_units(support_cell)


CELL_NOTE = re.compile(r"\s*\([^)]*\)|^[-–+•]\s*|[;,.]+$")


def _cell_units(cell: list[tuple[str, tuple[int, int]]]) -> list[str]:
    """The units a task table's lead or partner cell names, one per line or ";"-separated piece."""
    out: list[str] = []
    for line, _ in cell:
        for piece in re.split(r";\s*", line):
            piece = CELL_NOTE.sub("", piece).strip()
            if not piece:
                continue
            mentions = find_units(piece)
            if len(mentions) > 1 or (mentions and mentions[0].start > 0):
                names = split_units(piece)
            elif mentions and name_stop().match(piece[mentions[0].end :].lstrip()):
                names = [capitalise(mentions[0].name)]  # "Sở Công Thương hướng dẫn chuyên môn"
            elif mentions and mentions[0].generic and mentions[0].end >= len(piece) - 12:
                names = []  # "Các cơ quan, đơn vị liên quan"
            else:
                names = [capitalise(piece)] if len(piece.split()) <= 12 else []
            out.extend(n for n in names if n not in out)
    return out


LISTED_SUBJECT = re.compile(r"^(?P<head>(?:[Cc]ác\s+)?[^\s:;,]+(?:\s+[^\s:;,]+){0,3})\s*:\s*(?=\S)")


def _listed_subject(text: str) -> list[str]:
    """A subject listed under its head, up to its verb: "các Sở: Tài chính, Xây dựng có ý kiến ..." -> the Sở."""
    m = LISTED_SUBJECT.match(text)
    if not m or not (head := find_units(m["head"])) or head[0].start != 0:
        return []
    stop = name_stop()
    for word in re.finditer(r"\S+", text[m.end() :]):
        at = m.end() + word.start()
        if stop.match(text[at:]):
            return [capitalise(n) for n in expand_listed(f"{m['head']}: {text[m.end() : at]}")]
    return []


def _part_executor(ctx: _Context, part: int) -> list[str]:
    """The unit a plan's "Tổ chức thực hiện" part puts in charge ("Sở Xây dựng là cơ quan chủ trì")."""
    if part in ctx.executors:
        return ctx.executors[part]
    blocks = [b for b in ctx.structure.blocks if b.part == part]
    units: list[str] = []
    for heading in (b for b in blocks if b.numbered and EXECUTION.match(b.text)):
        for child in _descendants(heading, ctx.structure.blocks):
            if child.numbered and (found := _heading_units(ctx, child)):
                units = found
            elif m := IN_CHARGE.match(child.text):
                units = split_units(m["unit"])
            if units:
                break
        if units:
            break
    ctx.executors[part] = units
    return units


def _descendants(block: Block, blocks: list[Block]) -> list[Block]:
    out = []
    for index in block.children:
        out.append(blocks[index])
        out.extend(_descendants(blocks[index], blocks))
    return out


def _chain(text: str, mentions: list[UnitMention]) -> list[UnitMention]:
    """The run of mentions joined by ",", "và" from the first one."""
    chain = [mentions[0]]
    for mention in mentions[1:]:
        if LIST_GLUE.match(text[chain[-1].end : mention.start]):
            chain.append(mention)
        else:
            break
    return chain


ASKED_IN_LEAD_IN = re.compile(
    rf"(?<=[\w,])\s+(?:trân\s+trọng\s+|kính\s+)?(?:đề\s+nghị|kiến\s+nghị|yêu\s+cầu)\s+(?:đồng\s+chí\s+)?"
    rf"(?=[{UPPER}]|các\s)"
)
"""The request of a lead-in after its purpose clause ("Để kịp thời tháo gỡ khó khăn, ..., Văn phòng Ủy ban nhân dân
tỉnh kính đề nghị đồng chí Chủ tịch Ủy ban nhân dân tỉnh chỉ đạo một số nội dung sau:", "... Trong quá trình triển
khai dự án nếu được cấp có thẩm quyền phê duyệt, đề nghị Chủ đầu tư:"); a lower-case object ("đề nghị như sau:")
asks nobody."""


def _asked_units(block: Block, groups: dict[str, list[str]] | None = None) -> list[str]:
    """The units a line that opens a list asks to act ("UBND tỉnh đề nghị Bộ Công Thương một số nội dung sau:"),
    or the members of a group the document defined ("..., đề nghị Chủ đầu tư:" after "Chủ đầu tư: X")."""
    text = block.text.rstrip()
    if not text.endswith(":"):
        return []
    asked = list(ASKED_IN_LEAD_IN.finditer(text))  # the last request is the one that opens the list
    if not (m := EXPLICIT_LEAD.search(text) or (asked[-1] if asked else None)):
        return []
    rest = text[m.end() :]
    if defined := _defined_group_at(rest, groups or {}):
        return defined
    mentions = [u for u in find_units(rest) if not u.generic]
    if not mentions or mentions[0].start != 0:
        return []
    return [capitalise(u.name) for u in _chain(rest, mentions)]


IN_CHARGE_LEAD_IN = re.compile(
    r"^(?P<unit>[^,;:]{3,80}?)\s+là\s+(?:đơn\s+vị|cơ\s+quan)\s+(?:chủ\s+lực|chủ\s+trì|đầu\s+mối)\b"
)
"""A paragraph before a run of bullets that puts one unit in charge ("Công ty X là đơn vị chủ lực ...")."""


def _introduction(block: Block, blocks: list[Block], colon: bool = True) -> Block | None:
    """The paragraph (ending in ":" when ``colon``) that opens the run of bullets ``block`` is in, when it is a
    sibling."""
    if block.kind == "para" or block.parent is None:
        return None
    siblings = blocks[block.parent].children
    for index in reversed(siblings[: siblings.index(block.index)]):
        sibling = blocks[index]
        if sibling.kind == block.kind:
            continue
        return sibling if sibling.kind == "para" and (sibling.text.rstrip().endswith(":") or not colon) else None
    return None


def _ancestors(block: Block, blocks: list[Block]) -> list[Block]:
    out = []
    node = blocks[block.parent] if block.parent is not None else None
    while node is not None:
        out.append(node)
        node = blocks[node.parent] if node.parent is not None else None
    return out


_DUTY = r"(?:trách\s+nhiệm|quyền(?:\s+hạn)?|nghĩa\s+vụ|nhiệm\s+vụ)"
DUTY_TAIL = re.compile(
    rf"\s+(?:có|chịu)\s+(?:các\s+)?{_DUTY}(?:(?:,|\s+và)\s+{_DUTY})*(?:\s+(?:sau\s+đây|như\s+sau|sau))?$"
)
"""The predicate a duty heading ends with after its unit ("Chủ tịch Ủy ban nhân dân cấp xã có quyền:")."""


def _heading_units(ctx: _Context, heading: Block) -> list[str]:
    """Units a heading hands its part to, in the form the part's own text uses for them."""
    if heading.index in ctx.heading_units:
        return ctx.heading_units[heading.index]
    text = DUTY_TAIL.sub("", heading.text.strip(" :."))  # "Ủy ban nhân dân cấp tỉnh có trách nhiệm:": the unit
    if asked := _asked_units(heading, ctx.groups):
        ctx.heading_units[heading.index] = asked
        return asked
    addressed = ADDRESSED.match(text)
    text = text[addressed.end() :] if addressed else HANDED_TO.sub("", text)
    if addressed and (defined := ctx.groups.get(_loose_key(text))):
        ctx.heading_units[heading.index] = defined  # "Yêu cầu đối với chủ đầu tư" after "Chủ đầu tư: X"
        return defined
    bare_party = bool(addressed) and bool(re.fullmatch(REGULATED_PARTY, text, re.I))  # "chủ đầu tư": its holder
    qualified_party = bool(addressed) and not bare_party
    if qualified_party:
        text = capitalise(text)  # "Nghĩa vụ của chủ đầu tư xây dựng hạ tầng ..." -> "Chủ đầu tư xây dựng hạ tầng ..."
    mentions = find_units(text)
    if mentions and mentions[0].start == 0 and not re.match(REGULATED_PARTY, text, re.I):
        text = FIELD_TAIL.sub("", text)  # "Trách nhiệm của Ủy ban nhân dân cấp xã trong lĩnh vực ...": the body
    units: list[str] = []
    if members := _definition_members(_definition_text(heading, ctx.structure.blocks)):
        units = members
    elif listed := expand_listed(text):
        units = [capitalise(n) for n in listed]
    elif mentions and mentions[0].start == 0:
        rest = text[mentions[0].end :]
        named_alone = heading.numbered and not find_cues(rest) and not re.search(r"[;:()]", rest)
        listing = len(mentions) == 2 and re.fullmatch(r"\s*(?:,|;|và)\s*", text[mentions[0].end : mentions[1].start])
        whole = (addressed or named_alone) and len(mentions) <= 2 and not listing and len(text.split()) <= 16
        units = [capitalise(text)] if whole else split_units(text[: _chain(text, mentions)[-1].end])
    elif qualified_party and re.match(REGULATED_PARTY, text, re.I) and len(text.split()) <= 16:
        units = [text]  # a law's "Nghĩa vụ của tổ chức, cá nhân đầu tư sản xuất kinh doanh trong cụm công nghiệp"
    elif bare_party:  # "Trách nhiệm của chủ đầu tư"
        enterprises = [a for a in ctx.addressees if ENTERPRISE.match(a)]
        units = ctx.subject_entity or (enterprises if len(enterprises) == 1 else [capitalise(text)])
    if units:
        joined = _loose_key(" ".join(units))
        for child in (ctx.structure.blocks[i] for i in heading.children):
            subject = _subject(child.text)
            if subject and _loose_key(" ".join(u.name for u in subject)) == joined:
                units = [capitalise(u.name) for u in subject]
                break
    ctx.heading_units[heading.index] = units
    return units


def _definition_members(text: str) -> list[str]:
    """The members of a group defined in ``text`` by listing them; [] when it defines none."""
    m = GROUP_DEFINITION.match(text.strip())
    if not m:
        return []
    members = m["members"]
    if "(" in text[m.end("group") : m.start("members")]:  # "X (gồm: A, B, C) chủ trì ...": the brackets close it
        members = members.split(")", 1)[0]
    members = MEMBERS_END.sub("", members) if ";" not in members else members
    pieces = [MEMBERS_END.sub("", p) for p in re.split(r";\s*" if ";" in members else r",\s*", members)]
    names = []
    for piece in pieces:
        piece = piece.strip(" ,.")
        found = find_units(piece)
        if not found or found[0].start != 0 or found[0].generic or len(piece.split()) > 16:
            return []
        names.append(capitalise(piece))
    return names if len(names) >= 2 else []


def _definition_text(block: Block, blocks: list[Block]) -> str:
    """A block's text, with its first child's when the block only opens a list ("Đơn vị X:" + the members)."""
    text = block.text.strip()
    if text.endswith(":") and block.children and blocks[block.children[0]].kind == "para":
        return f"{text} {blocks[block.children[0]].text.strip()}"
    return text


ROLE_HEADING = re.compile(r"^(?P<role>[Nn]hà\s+đầu\s+tư|[Cc]hủ\s+đầu\s+tư|[Nn]hà\s+thầu(?:\s+thi\s+công)?)\s*:?$")
NAMED = re.compile(
    r"^(?:Tên\s+(?:doanh\s+nghiệp|nhà\s+đầu\s+tư|chủ\s+đầu\s+tư|tổ\s+chức|đơn\s+vị)\s*:\s*)?(?P<name>.+?)[.;]?$"
)
INVESTOR_WORDS = ("nhà đầu tư", "chủ đầu tư")


def _role_headings(blocks: list[Block]) -> dict[str, list[str]]:
    """Roles a document fills under a heading: "1. Nhà đầu tư" + "Tên doanh nghiệp: Công ty X." -> X."""
    roles: dict[str, list[str]] = {}
    for block in blocks:
        if not (block.numbered and (m := ROLE_HEADING.match(block.text.strip())) and block.children):
            continue
        first = blocks[block.children[0]]
        named = NAMED.match(first.text.strip())
        found = find_units(named["name"]) if named else []
        if not found or found[0].start != 0 or found[0].generic or len(named["name"].split()) > 16:
            continue
        role = m["role"].lower()
        keys = INVESTOR_WORDS if role in INVESTOR_WORDS else (role,)
        for key in keys:
            roles.setdefault(_loose_key(key), [capitalise(named["name"].strip())])
    return roles


SUBJECT_ENTITY = re.compile(
    r"^Tên\s+(?:đơn\s+vị|doanh\s+nghiệp|(?:cơ\s+quan,\s+)?tổ\s+chức(?:,\s+cá\s+nhân)?|chi\s+nhánh)"
    r"(?:\s+đề\s+nghị[^:]{0,40})?\s*:\s*(?P<name>.+?)[.;]?$"
)
ENTITY_WORD = re.compile(
    r"\b(?:đơn\s+vị|[Cc]ông\s+ty|[Dd]oanh\s+nghiệp|[Cc]hi\s+nhánh|[Nn]hà\s+đầu\s+tư)\b(?!\s+(?:có\s+liên\s+quan|liên\s+quan))"
)


def _subject_entity(blocks: list[Block]) -> list[str]:
    """The organisation a document names in a "Tên đơn vị: X" line, when it names exactly one."""
    names = set()
    for block in blocks:
        if (m := SUBJECT_ENTITY.match(block.text.strip())) and len(m["name"].split()) <= 16:
            found = find_units(m["name"])
            # "Chi nhánh số 1 - Công ty cổ phần X": a branch named by its number, then its company
            if found and not found[0].generic and (found[0].start == 0 or ENTERPRISE.match(m["name"])):
                names.add(capitalise(m["name"].strip()))
    return sorted(names) if len(names) == 1 else []


INLINE_ROLE = re.compile(
    r"\(\s*(?:sau\s+đây\s+gọi\s+(?:tắt\s+)?là\s+)?(?P<role>chủ\s+đầu\s+tư|nhà\s+đầu\s+tư|CĐT)\s*\)", re.I
)


def _inline_roles(text: str) -> dict[str, list[str]]:
    """Roles a document fills in passing: "Công ty TNHH MTV Duy Hiếu (Chủ đầu tư)" -> {"chủ đầu tư": [...]}, when
    one unit fills the role."""
    found: dict[str, set[str]] = {}
    for m in INLINE_ROLE.finditer(text):
        before = " ".join(text[max(0, m.start() - 160) : m.start()].split())
        units = find_units(before)
        if units and units[-1].end >= len(before) - 1 and not units[-1].generic:
            role = "chủ đầu tư" if m["role"].upper() == "CĐT" else m["role"].lower()
            found.setdefault(_loose_key(" ".join(role.split())), set()).add(capitalise(units[-1].name))
    return {role: sorted(names) for role, names in found.items() if len(names) == 1}


def _group_definitions(blocks: list[Block]) -> dict[str, list[str]]:
    """Groups the document defines by listing their members, by the group's loose key."""
    groups: dict[str, list[str]] = _role_headings(blocks)
    for block in blocks:
        text = _definition_text(block, blocks)
        if members := _definition_members(text):
            group = GROUP_DEFINITION.match(text)["group"]  # type: ignore[index]
            groups.setdefault(_loose_key(_group_core(group)), members)
        elif (m := ROLE_DEFINITION.match(block.text.strip())) and len(m["members"].split()) <= 16:
            found = find_units(m["members"])
            if found and found[0].start == 0 and not found[0].generic:
                groups.setdefault(_loose_key(m["group"]), [capitalise(m["members"].strip())])
    return groups


def _defined_group_at(text: str, groups: dict[str, list[str]]) -> list[str]:
    """The members of a group the document defined, when ``text`` starts with its name ("Chủ đầu tư tổ chức ...")."""
    if not groups:
        return []
    words = text.split()
    for key, members in groups.items():
        head = _loose_key(" ".join(words[: max(8, len(key.split()) + 1)]))
        if key and (head == key or head.startswith(key + " ")):
            return members
    return []


def _group_core(group: str) -> str:
    """A group's name without its place or scope ("... trên địa bàn Thành phố", "... của tỉnh")."""
    return re.split(r"\s+(?:trên\s+địa\s+bàn|của|tại|thuộc)\s+", group, maxsplit=1)[0]


def _expand_groups(leads: list[str], groups: dict[str, list[str]]) -> list[str]:
    """Leads with each defined group replaced by its members (ANNOTATION §4)."""
    if not groups:
        return leads
    out: list[str] = []
    for lead in leads:
        key = _loose_key(_group_core(lead))
        members = groups.get(key) or next(
            (m for k, m in groups.items() if len(m) == 1 and key.startswith(k + " ")), None)
        for name in members or [lead]:
            if name not in out:
                out.append(name)
    return out


ABBREVIATION_DEFINED = re.compile(r"\((?P<abbr>[A-ZĐ][A-ZĐ0-9&]{1,9})\)")


def defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations the document defines: "vật liệu nổ công nghiệp (VLNCN)" -> {"VLNCN": "vật liệu ..."}.

    The long form is the run of words before the parenthesis whose initials spell the abbreviation.
    """
    found: dict[str, str] = {}
    for m in ABBREVIATION_DEFINED.finditer(text):
        abbr = m["abbr"]
        letters = abbr.replace("&", "")
        words = re.findall(r"\w+", text[max(0, m.start() - 200) : m.start()])[-len(letters) :]
        if len(words) == len(letters) and all(w[0].upper() == c for w, c in zip(words, letters, strict=True)):
            found.setdefault(abbr, " ".join(words))
    return found


SHORT_FORM = re.compile(
    r"\((?:sau\s+đây\s+)?(?:gọi\s+(?:tắt|chung)|viết\s+tắt)\s+là\s+(?P<short>[^()]{2,80}?)\s*\)", re.I
)
CLAUSE_BREAK = re.compile(r"[;()]|\.\s|\n\s*\n")


def defined_short_forms(text: str) -> dict[str, str]:
    """Unit names the document shortens, lower-cased short form -> long form: "Ủy ban nhân dân xã, phường (sau
    đây gọi tắt là Ủy ban nhân dân cấp xã)" -> {"ủy ban nhân dân cấp xã": "Ủy ban nhân dân xã, phường"}.

    The long form is the text from the last mention of the short form's head noun ("Ủy ban nhân dân", "các sở")
    before the parenthesis, in the same clause; a short form that names no unit (a law, a certificate) is skipped.
    """
    found: dict[str, str] = {}
    for m in SHORT_FORM.finditer(text):
        short = " ".join(m["short"].split()).strip(" ,;.")
        head = unit_heads().match(short)
        mentions = find_units(short)
        if head is None or not mentions or mentions[0].start != 0:
            continue
        clause = CLAUSE_BREAK.split(text[max(0, m.start() - 300) : m.start()])[-1]
        head_words = r"\s+".join(re.escape(w) for w in head.group().split())
        starts = [h.start() for h in re.finditer(rf"(?<!\w){head_words}(?!\w)", clause, re.I)]
        if not starts:
            continue
        long_form = " ".join(clause[starts[-1] :].split()).strip(" ,;:-–“”\"")
        if long_form.lower() != short.lower() and len(long_form) <= 100 and _same_level(short, long_form):
            found.setdefault(short.lower(), long_form)
    return found


LEVEL = re.compile(r"(?<!\w)cấp\s+(\w+)", re.I)


def _same_level(short: str, long_form: str) -> bool:
    """False when the two name different levels ("Ủy ban nhân dân cấp xã" is not "Ủy ban nhân dân cấp tỉnh")."""
    levels = {m.lower() for m in LEVEL.findall(short)}
    return not levels or not LEVEL.search(long_form) or levels <= {m.lower() for m in LEVEL.findall(long_form)}


def _spelled_out(names: list[str], abbreviations: dict[str, str], short_forms: dict[str, str]) -> list[str]:
    """Unit names with the document's own abbreviations and short forms written in full, "A/B" split in two."""
    out: list[str] = []
    for name in names:
        parts = [name]
        if "/" in name and all(find_units(p.strip()) for p in name.split("/")):
            parts = [p.strip() for p in name.split("/")]
        for part in parts:
            for abbr, long_form in abbreviations.items():
                part = re.sub(rf"(?<!\w){re.escape(abbr)}(?!\w)", long_form, part)
            part = _long_form(part, short_forms)
            if part not in out:
                out.append(part)
    return out


QUALIFIER = re.compile(r"\s+(?:nơi|có|được|đã|đang|thuộc)\s", re.I)
"""A clause after a short form that narrows it ("Ủy ban nhân dân cấp xã nơi có đất"), not a longer name."""


def _long_form(name: str, short_forms: dict[str, str]) -> str:
    """``name`` with a short form the document defined, at its start, in the long form ("Ủy ban nhân dân cấp xã nơi
    có đất" -> "Ủy ban nhân dân xã, phường nơi có đất")."""
    name = " ".join(name.split())
    for short, long_form in short_forms.items():
        if name.lower() == short or (name.lower().startswith(short) and QUALIFIER.match(name, len(short))):
            return (capitalise(long_form) if name[:1].isupper() else long_form) + name[len(short) :]
    return name


ABBREVIATED = re.compile(r"(?<!\w)[A-ZĐ]{2,}(?:&[A-ZĐ]+)?(?!\w)")
PEOPLES_BODIES = ("UBND", "HĐND")
"""Abbreviations every document shares, always written in full in a unit's name (ANNOTATION §4: "UBND tỉnh" ->
"Ủy ban nhân dân tỉnh"; the expansions are those of ``data/unit_abbreviations.tsv``)."""


@lru_cache(maxsize=1)
def _peoples_bodies() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {row[0]: row[1] for row in data_rows("unit_abbreviations.tsv") if row[0] in PEOPLES_BODIES}
    return re.compile(rf"(?<!\w)(?:{'|'.join(table)})(?!\w)"), table


def _written_out(name: str) -> str:
    """``name`` with UBND and HĐND written in full ("UBND xã Xuân Ái" -> "Ủy ban nhân dân xã Xuân Ái")."""
    bodies, expansions = _peoples_bodies()
    return bodies.sub(lambda m: expansions[m.group()], name)


def _has_letter(name: str) -> bool:
    """A unit name has a letter; a stray bracket or number of damaged text is no name."""
    return any(c.isalpha() for c in name)


def _document_forms(names: list[str], text: str) -> list[str]:
    """Names with an abbreviation ("Công ty CP X") in the full form the document itself prints ("Công ty Cổ phần X"),
    when it prints one (ANNOTATION §4 writes names in full where the document makes it obvious); each unit once.
    The rules' names of a task all pass here, so a "name" without a letter (a stray bracket or number of damaged
    text, from a list, a table cell or a heading) is dropped."""
    out: list[str] = []
    for name in names:
        if not _has_letter(name):
            continue
        full = expand_abbreviations(name) if ABBREVIATED.search(name) else name
        if full != name:
            name = _printed_form(full, text) or name
        name = _written_out(name)
        if norm(name) not in {norm(n) for n in out}:  # "Đoàn Kiểm tra" and "Đoàn kiểm tra" are one unit
            out.append(name)
    return out


@lru_cache(maxsize=64)
def _printed_form(full: str, text: str) -> str | None:
    """``full`` as ``text`` prints it, if it does; kept for the names of the document at hand, since many tasks name
    the same units and each look reads the whole text (a small cache: each entry holds on to its document's text)."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in full.split()) + r"(?!\w)"
    return " ".join(m.group().split()) if (m := re.search(pattern, text, re.I)) else None


BARE_UNIT = re.compile(
    r"(?P<title>(?:(?:Lãnh\s+đạo|Trưởng|Phó\s+Trưởng|Công\s+chức|Chuyên\s+viên)\s+)?)"
    r"(?P<head>Phòng)"
)
"""A department written by its head alone, capitalised as a name is, with or without a title ("Lãnh đạo Phòng");
"lãnh đạo phòng" in lower case is any department's head. Other heads are left alone: a bare "Công ty" is the
dossier's holder, not the company a document names most (the consultant of a design), and a law's "Hội đồng" is
defined where it is set up."""


def _completed(names: list[str], text: str) -> list[str]:
    """Names given by their head alone, written in full when one unit with that head dominates the document
    ("Lãnh đạo Phòng" -> "Lãnh đạo Phòng Quản lý Công nghiệp"; ANNOTATION §4: in full where the document makes it
    obvious)."""
    out: list[str] = []
    for name in names:
        if (m := BARE_UNIT.fullmatch(name)) and (full := _dominant_unit(norm(m["head"]), text)):
            name = m["title"] + capitalise(full)
        if norm(name) not in {norm(n) for n in out}:
            out.append(name)
    return out


@lru_cache(maxsize=16)
def _dominant_unit(head: str, text: str) -> str | None:
    """The unit with the head ``head`` (a comparison key) that the document names at least twice as often as all
    others with that head together; a longer form ("Phòng Quản lý Công nghiệp - Chủ trì") counts for its base.
    Cached: every task of a document that names "Lãnh đạo Phòng" asks it of the same text."""
    named = ((norm(u.name), u.name) for u in find_units(text) if not u.generic)
    mentions = [(key, name) for key, name in named if key.startswith(head + " ")]
    keys = Counter(key for key, _ in mentions)
    bases = [k for k in keys if not any(k.startswith(other + " ") for other in keys if other != k)]
    support = {b: sum(n for k, n in keys.items() if k == b or k.startswith(b + " ")) for b in bases}
    if not support:
        return None
    best = max(support, key=lambda b: (support[b], -len(b)))
    rest = sum(support.values()) - support[best]
    if support[best] < 2 or support[best] < 2 * rest:
        return None
    return next(name for key, name in mentions if key == best)


def _loose_key(name: str) -> str:
    return " ".join(w for w in norm(name).split() if w not in {"và", "các"})


def _supports(text: str, lead_mentions: list[UnitMention], leads: list[str]) -> list[str]:
    lead_keys = {norm(u) for u in leads}
    out: list[str] = []
    for mention in support_mentions(text, lead_mentions):
        name = capitalise(mention.name) if mention.name[:1].isupper() else mention.name
        for member in _listed_after(text, mention) or [name]:
            if not mention.generic and norm(member) not in lead_keys and member not in out:
                out.append(member)
    return out


def _listed_after(text: str, mention: UnitMention) -> list[str]:
    """The members a group mention lists after a colon, written in full: "phối hợp với Ủy ban nhân dân các xã: Gia
    Phú, Bảo Thắng khẩn trương ..." -> "Ủy ban nhân dân xã Gia Phú", "Ủy ban nhân dân xã Bảo Thắng"; [] without."""
    colon = re.match(r"\s*:\s*", text[mention.end :])
    if colon is None:
        return []
    items = re.split(r"[;.()\n]", text[mention.end + colon.end() :], maxsplit=1)[0]
    for word in re.finditer(r"(?<!\w)\w", items):
        if name_stop().match(items[word.start() :]):
            items = items[: word.start()]
            break
    return [name for name in expand_listed(f"{mention.name}: {items}") if not is_generic(name)]


def rule_roles(text: str) -> tuple[list[UnitMention], list[UnitMention]]:
    """The rules' lead mentions (explicit "Giao X" or the subject) and support mentions in a task's text."""
    leads: list[UnitMention] = []
    if m := EXPLICIT_LEAD.search(text):
        rest = text[m.end() :]
        mentions = [u for u in find_units(rest) if not u.generic]
        if mentions and mentions[0].start == 0:
            leads = [UnitMention(u.name, u.start + m.end(), u.end + m.end()) for u in _chain(rest, mentions)]
    if not leads:
        leads = [u for u in _subject(text) if not u.generic]
    return leads, support_mentions(text, leads)


def support_mentions(text: str, lead_mentions: list[UnitMention]) -> list[UnitMention]:
    """Mentions in a task's text that the rules read as support units (ANNOTATION §4)."""
    taken = {(m.start, m.end) for m in lead_mentions}
    out: list[UnitMention] = []
    previous_support: UnitMention | None = None
    for mention in find_units(text):
        if (mention.start, mention.end) in taken:
            continue
        before = text[max(0, mention.start - 80) : mention.start]
        glued = previous_support is not None and LIST_GLUE.match(text[previous_support.end : mention.start])
        after = text[mention.end : mention.end + 40]
        is_support = bool(SUPPORT_BEFORE.search(before) or glued or SUPPORT_AFTER.match(after))
        if re.search(r"(của|thuộc)\s+$", before):
            is_support = False
        if is_support:
            previous_support = mention
            out.append(mention)
        else:
            previous_support = None
    return out


def _responsible_lines(blocks: list[Block]) -> tuple[dict[int, tuple[list[str], list[str]]], set[int]]:
    """"Trách nhiệm thực hiện: X" after a run of bullets hands those bullets to X.

    Returns the bullets' (leads, supports) by block index, and the indices of those lines.
    """
    out: dict[int, tuple[list[str], list[str]]] = {}
    lines: set[int] = set()
    for block in blocks:
        m = RESPONSIBLE.match(block.text)
        if not m:
            continue
        lines.add(block.index)
        leads = split_units(m["lead"])
        supports = split_units(m["support"]) if m["support"] else []
        siblings = blocks[block.parent].children if block.parent is not None else range(block.index)
        for index in reversed([i for i in siblings if i < block.index]):
            if index in lines:
                break
            for task_block in _leaves(index, blocks):
                out.setdefault(task_block, (leads, supports))
    return out, lines


def _leaves(index: int, blocks: list[Block]) -> list[int]:
    block = blocks[index]
    if not block.children:
        return [index]
    return [leaf for child in block.children for leaf in _leaves(child, blocks)]
