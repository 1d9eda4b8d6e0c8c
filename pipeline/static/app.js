/* nhiemvu drafting page: calls POST /extract as the drafter types and draws the result
   over the text. No framework, no network beyond this server; user text only ever reaches
   the DOM through textContent (never innerHTML). */
"use strict";

(function () {
  const DEBOUNCE_MS = 350;
  const ACTIONS = {
    implement: "Triển khai", draft: "Xây dựng, soạn thảo", review: "Rà soát", report: "Báo cáo",
    advise: "Tham mưu", coordinate: "Phối hợp", organize: "Tổ chức", inspect: "Kiểm tra",
    monitor: "Theo dõi, đôn đốc", communicate: "Tuyên truyền", fund: "Kinh phí", other: "Khác",
  };
  const RECURRENCE = {
    daily: "hằng ngày", weekly: "hằng tuần", monthly: "hằng tháng", quarterly: "hằng quý",
    "half-yearly": "6 tháng một lần", yearly: "hằng năm",
  };
  const MARK_TITLES = {
    lead: "Đơn vị chủ trì", support: "Đơn vị phối hợp", deadline: "Thời hạn", reference: "Văn bản dẫn chiếu",
  };
  const SAMPLE = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH LÀO CAI",
    "",
    "Số: 123/TB-UBND",
    "",
    "Lào Cai, ngày 10 tháng 3 năm 2026",
    "",
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về giải ngân vốn đầu tư công",
    "",
    "1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn đầu tư công năm 2026, " +
      "báo cáo UBND tỉnh trước ngày 31/3/2026.",
    "",
    "2. Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công theo Nghị định số 99/2021/NĐ-CP " +
      "ngày 11/11/2021 của Chính phủ.",
    "",
    "3. Sở Nông nghiệp và Môi trường khẩn trương kiểm tra công tác phòng chống cháy rừng trong tháng 4/2026.",
    "",
  ].join("\n");

  const $ = (id) => document.getElementById(id);
  const draft = $("draft");
  const backdrop = $("highlights");
  const candidatesBox = $("candidates");
  const statusLine = $("status");
  const tasksList = $("tasks");

  let maxBody = 200000;  // the server's limit, read from /health at start
  let timer = null;
  let busy = false;     // a request is in flight
  let pending = false;  // the text changed while it was
  let result = null;      // the last /extract answer for `resultText`
  let resultText = null;
  let activeTask = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setState(state, message) {
    document.body.dataset.state = state;
    statusLine.textContent = message;
  }

  // Spans from the server count Unicode code points; JavaScript strings count UTF-16 units.
  function codeUnitIndex(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const map = [];
    let unit = 0;
    for (const ch of text) { map.push(unit); unit += ch.length; }
    map.push(unit);
    return (i) => map[Math.min(i, map.length - 1)];
  }

  function isoToVi(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.split("-");
    return [d, m, y].filter(Boolean).join("/");
  }

  function candidates() {
    const names = candidatesBox.value.split("\n").map((s) => s.trim().slice(0, 200)).filter(Boolean);
    return names.length ? names.slice(0, 200) : null;
  }

  function tooLong() {
    return `Văn bản quá dài để phân tích (tối đa ${Math.floor(maxBody / 1000)} kB).`;
  }

  // -- calling the API ------------------------------------------------------------------------

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(analyse, delay === undefined ? DEBOUNCE_MS : delay);
  }

  // One request at a time: the pipeline is CPU-bound, so a newer text waits for the answer in flight
  // (which stays useful: its spans are carried over the edits) instead of piling up on the server.
  async function analyse() {
    if (busy) { pending = true; return; }
    const text = draft.value;
    if (!text.trim()) {
      result = null; resultText = null;
      render();
      setState("empty", "Chưa có nội dung.");
      return;
    }
    busy = true;
    setState("busy", "Đang phân tích…");
    try {
      await request(text);
    } finally {
      busy = false;
      if (pending) { pending = false; schedule(0); }
    }
  }

  async function request(text) {
    // units and offices ("Giám đốc Sở ..."), not the persons some past tasks named
    const payload = JSON.stringify({ text, draft: true, k: 3, candidates: candidates(), kinds: ["unit", "office"] });
    if (new TextEncoder().encode(payload).length > maxBody) {
      setState("error", tooLong());
      return;
    }
    let response;
    try {
      response = await fetch("/extract", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: payload,
      });
    } catch (error) {
      setState("error", "Không kết nối được máy chủ phân tích.");
      return;
    }
    let body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    if (!response.ok) {
      const messages = {
        413: tooLong(),
        422: "Không phân tích được: " + (body && body.message ? body.message : "dữ liệu không hợp lệ"),
      };
      setState("error", messages[response.status] || "Máy chủ báo lỗi " + response.status + ".");
      return;
    }
    result = body;
    resultText = text;
    render();
    const n = body.tasks.length;
    const open = body.tasks.filter((t) => !t.lead_named).length;
    const stale = text !== draft.value;
    setState(stale ? "busy" : "ready", n ? `Tìm thấy ${n} nhiệm vụ` + (open ? `, ${open} chưa có đơn vị chủ trì` : "") +
      ` (${Math.round(body.elapsed_ms)} ms).` : "Chưa tìm thấy nhiệm vụ nào.");
  }

  // -- drawing --------------------------------------------------------------------------------

  // While the drafter types, the last answer's spans are carried over the edit (common prefix and
  // suffix of the old and new text), so the highlights follow the text until the next answer.
  function carry(oldText, newText) {
    if (oldText === newText) return (i) => i;
    const max = Math.min(oldText.length, newText.length);
    let p = 0;
    while (p < max && oldText[p] === newText[p]) p++;
    let s = 0;
    while (s < max - p && oldText[oldText.length - 1 - s] === newText[newText.length - 1 - s]) s++;
    const delta = newText.length - oldText.length;
    return (i) => (i <= p ? i : i >= oldText.length - s ? i + delta : Math.min(p, newText.length));
  }

  function render() {
    const stale = !result || resultText !== draft.value;
    let position = null;
    if (result) {
      const cu = codeUnitIndex(resultText);
      const shift = carry(resultText, draft.value);
      position = (cp) => shift(cu(cp));
    }
    renderBackdrop(result, position);
    renderTasks(result, stale);
    renderSummary(result);
    $("export-csv").disabled = $("export-json").disabled = !(result && result.tasks.length);
  }

  function renderBackdrop(current, position) {
    const text = draft.value;
    backdrop.replaceChildren();
    let pos = 0;
    if (current) {
      const tasks = current.tasks.filter((t) => t.input_span).slice()
        .sort((a, b) => a.input_span[0] - b.input_span[0]);
      tasks.forEach((task, index) => {
        const start = position(task.input_span[0]);
        const end = position(task.input_span[1]);
        if (start < pos || end <= start) return;  // never overlap
        backdrop.append(document.createTextNode(text.slice(pos, start)));
        const mark = el("mark", "task" + (index % 2 ? " alt" : "") + (task.lead_named ? "" : " unassigned"));
        mark.dataset.taskId = task.task_id;
        if (task.task_id === activeTask) mark.classList.add("active");
        let inner = start;
        for (const m of task.marks) {
          const a = position(m.span[0]);
          const b = position(m.span[1]);
          if (a < inner || b > end || b <= a) continue;
          mark.append(document.createTextNode(text.slice(inner, a)));
          const sub = el("mark", m.kind, text.slice(a, b));
          sub.title = MARK_TITLES[m.kind] || m.kind;
          if (m.value) sub.dataset.value = m.value;
          mark.append(sub);
          inner = b;
        }
        mark.append(document.createTextNode(text.slice(inner, end)));
        backdrop.append(mark);
        pos = end;
      });
    }
    // a trailing space keeps a final empty line as tall as in the textarea
    backdrop.append(document.createTextNode(text.slice(pos) + " "));
  }

  function renderSummary(current) {
    const box = $("doc-summary");
    box.replaceChildren();
    if (!current) return;
    const d = current.document;
    if (!d.doc_type && !d.issuer && !d.symbol && !d.issued_date) {
      box.append(el("span", null, "Chưa nhận ra phần đầu văn bản (cơ quan ban hành, số, ngày, loại văn bản)."));
      return;
    }
    const number = d.symbol ? `số ${d.number || "…"}/${d.symbol}` : "";
    box.append(el("strong", null, [d.doc_type || "Văn bản", number].filter(Boolean).join(" ")));
    const parts = [d.issuer, d.place, d.issued_date ? "ngày " + isoToVi(d.issued_date) : null].filter(Boolean);
    if (parts.length) box.append(document.createTextNode(" · " + parts.join(" · ")));
    if (d.subject) box.append(el("div", "subject", d.subject));
  }

  function chips(units, className) {
    const span = el("span", "chips");
    units.forEach((u, i) => {
      if (i) span.append(document.createTextNode(", "));
      span.append(el("span", "chip " + className, u));
    });
    return span;
  }

  function row(label, content) {
    const div = el("div", "row");
    div.append(el("span", "label", label));
    div.append(content);
    return div;
  }

  function renderTasks(current, stale) {
    tasksList.replaceChildren();
    tasksList.classList.toggle("stale", stale);
    $("task-count").textContent = current ? String(current.tasks.length) : "0";
    $("empty-hint").hidden = Boolean(current && current.tasks.length);
    if (!current) return;
    for (const task of current.tasks) tasksList.append(taskCard(task, stale));
  }

  function taskCard(task, stale) {
    const li = el("li", "task-card " + (task.lead_named ? "named" : "unassigned"));
    li.dataset.taskId = task.task_id;
    if (task.task_id === activeTask) li.classList.add("active");
    const head = el("div", "head");
    head.append(el("span", "task-id", task.task_id));
    task.action_types.forEach((a) => head.append(el("span", "badge action", ACTIONS[a] || a)));
    if (task.urgent) head.append(el("span", "badge urgent", "Khẩn"));
    if (task.recurrence) head.append(el("span", "badge", "Định kỳ " + (RECURRENCE[task.recurrence] || task.recurrence)));
    li.append(head);
    const text = task.text.length > 220 ? task.text.slice(0, 217) + "…" : task.text;
    li.append(el("div", "task-text", text));
    if (task.section) li.append(row("Mục:", el("span", null, task.section)));
    if (task.lead_units.length) {
      li.append(row(task.lead_named ? "Chủ trì:" : "Chủ trì (suy ra):",
        chips(task.lead_units, task.lead_named ? "lead" : "inferred")));
    }
    if (task.support_units.length) li.append(row("Phối hợp:", chips(task.support_units, "support")));
    if (task.deadline_text || task.deadline) {
      const span = el("span", "deadline");
      span.append(el("span", "deadline-value", task.deadline_text || ""));
      if (task.deadline) {
        const iso = el("span", "iso", ` → ${isoToVi(task.deadline)} (${task.deadline})`);
        iso.dataset.iso = task.deadline;
        span.append(iso);
      }
      li.append(row("Thời hạn:", span));
    }
    if (task.references.length) {
      const span = el("span", "references");
      task.references.forEach((r, i) => {
        if (i) span.append(document.createTextNode("; "));
        const item = el("span", "reference-item", r.text);
        item.title = [r.type, r.symbol, r.date && "ngày " + isoToVi(r.date), r.issuer].filter(Boolean).join(" · ");
        span.append(item);
      });
      li.append(row("Dẫn chiếu:", span));
    }
    if (!task.lead_named) li.append(suggestionBox(task, stale));
    li.addEventListener("click", (event) => {
      if (event.target.closest("button")) return;
      selectTask(task);
    });
    li.addEventListener("mouseenter", () => highlightTask(task.task_id, true));
    li.addEventListener("mouseleave", () => highlightTask(task.task_id, false));
    return li;
  }

  function suggestionBox(task, stale) {
    const box = el("div", "suggest");
    box.append(el("div", "why", "Chưa nêu đơn vị chủ trì. Gợi ý (bấm để chèn vào văn bản):"));
    if (!task.suggestions.length || !task.input_span) {
      box.append(el("div", "none", "Không có gợi ý."));
      return box;
    }
    for (const s of task.suggestions) {
      const button = el("button", "suggestion");
      button.type = "button";
      button.dataset.unit = s.unit;
      button.disabled = stale;
      button.append(document.createTextNode(s.unit + " "));
      if (s.kind === "office") button.append(el("small", null, "chức danh "));  // a title, not a unit
      if (s.in_document) button.append(el("small", "in-document", "trong văn bản "));  // named by another task
      button.append(el("small", null, s.score.toFixed(2).replace(".", ",")));
      const evidence = s.evidence.map((e) => "• " + e.text.slice(0, 140)).join("\n");
      button.title = (s.in_document ? "Đơn vị đã nêu ở nhiệm vụ khác của văn bản.\n" : "")
        + (s.seen_in_training ? "Nhiệm vụ tương tự đã giao cho đơn vị này:\n" + evidence
          : "Đơn vị chưa có trong dữ liệu đã học; điểm ước lượng theo tên.");
      button.addEventListener("click", () => insertUnit(task, s.unit));
      box.append(button);
    }
    return box;
  }

  function highlightTask(taskId, on) {
    const mark = backdrop.querySelector(`mark.task[data-task-id="${taskId}"]`);
    if (mark) mark.classList.toggle("active", on || taskId === activeTask);
  }

  function selectTask(task) {
    activeTask = task.task_id;
    document.querySelectorAll(".task-card.active, mark.task.active").forEach((n) => n.classList.remove("active"));
    document.querySelectorAll(`[data-task-id="${task.task_id}"]`).forEach((n) => n.classList.add("active"));
    if (!task.input_span || resultText !== draft.value) return;
    const cu = codeUnitIndex(draft.value);
    draft.focus({ preventScroll: true });
    draft.setSelectionRange(cu(task.input_span[0]), cu(task.input_span[1]));
    const mark = backdrop.querySelector(`mark.task[data-task-id="${task.task_id}"]`);
    if (mark) mark.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  // -- one-click insertion: "Giao <unit> chủ trì " before the task's text -------------------------

  function insertUnit(task, unit) {
    const text = draft.value;
    if (!result || resultText !== text || !task.input_span) return;
    const at = codeUnitIndex(text)(task.input_span[0]);
    let rest = text.slice(at);
    // "Tổng hợp, báo cáo ..." -> "Giao X chủ trì tổng hợp, báo cáo ..." (a capitalised word, not an acronym)
    if (/^\p{Lu}\p{Ll}/u.test(rest)) rest = rest[0].toLocaleLowerCase("vi") + rest.slice(1);
    const phrase = `Giao ${unit} chủ trì `;
    draft.value = text.slice(0, at) + phrase + rest;
    draft.setSelectionRange(at + phrase.length, at + phrase.length);
    activeTask = task.task_id;
    render();
    schedule(0);
  }

  // -- export ------------------------------------------------------------------------------------

  const CSV_COLUMNS = ["task_id", "section", "text", "lead_units", "support_units", "action_types", "main_action",
    "deadline_text", "deadline", "recurrence", "urgent", "references"];

  function contractTasks() {
    return result.tasks.map((t) => ({
      task_id: t.task_id, section: t.section, text: t.text, lead_units: t.lead_units,
      support_units: t.support_units, action_types: t.action_types, deadline_text: t.deadline_text,
      deadline: t.deadline, recurrence: t.recurrence, urgent: t.urgent, references: t.references, span: t.span,
    }));
  }

  function csvCell(value) {
    let s = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not read a cell as a formula
    return '"' + s.replace(/"/g, '""') + '"';
  }

  function toCsv() {
    const lines = [CSV_COLUMNS.join(",")];
    for (const t of contractTasks()) {
      const values = {
        ...t,
        lead_units: t.lead_units.join("; "), support_units: t.support_units.join("; "),
        action_types: t.action_types.join("; "), main_action: t.action_types[0] || "",
        urgent: t.urgent ? "true" : "false", references: t.references.map((r) => r.text).join("; "),
      };
      lines.push(CSV_COLUMNS.map((c) => csvCell(values[c])).join(","));
    }
    return "\uFEFF" + lines.join("\r\n") + "\r\n";  // BOM: spreadsheets then read UTF-8 Vietnamese
  }

  function download(name, type, content) {
    const url = URL.createObjectURL(new Blob([content], { type }));
    const a = el("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  $("export-csv").addEventListener("click", () => {
    if (result) download("nhiem-vu.csv", "text/csv;charset=utf-8", toCsv());
  });
  $("export-json").addEventListener("click", () => {
    if (!result) return;
    const doc = { doc_id: result.doc_id, source: result.source, document: result.document, tasks: contractTasks() };
    download("nhiem-vu.json", "application/json", JSON.stringify(doc, null, 1) + "\n");
  });

  // -- wiring -----------------------------------------------------------------------------------

  draft.addEventListener("input", () => { render(); schedule(); });
  candidatesBox.addEventListener("input", () => schedule());
  $("sample").addEventListener("click", () => { draft.value = SAMPLE; render(); schedule(0); });
  $("clear").addEventListener("click", () => { draft.value = ""; activeTask = null; render(); schedule(0); draft.focus(); });

  window.nhiemvu = { analyse, get result() { return result; }, get resultText() { return resultText; } };
  fetch("/health").then((r) => r.json()).then((h) => { maxBody = h.max_body_bytes || maxBody; }).catch(() => {});
  render();
  if (draft.value.trim()) schedule(0);
})();
