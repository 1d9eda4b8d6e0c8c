"""The drafting assistant's API (pipeline.serve) through FastAPI's TestClient: every route, the
limits and error answers, the OpenAPI schema, the page's assets, spans mapped back to the text as
sent, and a real notice end to end."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

pytest.importorskip("fastapi", reason="fastapi is not installed")
from click.testing import CliRunner
from fastapi.testclient import TestClient

from pipeline import extract_text
from pipeline.serve import (
    MAX_AUTO_WORKERS,
    MAX_K,
    Aligner,
    FastJSON,
    Settings,
    _Workers,
    auto_workers,
    create_app,
    serve_command,
)
from tests.conftest import DRAFT_NOTICE, SAMPLE

NOTICE = DRAFT_NOTICE
BODY_ONLY = "1. Giao Sở Tài chính chủ trì rà soát kế hoạch vốn năm 2026.\n\n2. Tổng hợp, báo cáo tình hình giải ngân.\n"
CONTRACT_TASK_FIELDS = ["task_id", "section", "text", "lead_units", "support_units", "action_types", "deadline_text",
                        "deadline", "recurrence", "urgent", "references", "span"]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as client:
        yield client


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_]", "", unicodedata.normalize("NFC", text))).strip()


def _extract(client, text: str, **body) -> dict:
    response = client.post("/extract", json={"text": text, **body})
    assert response.status_code == 200, response.text
    return response.json()


# -- routes ------------------------------------------------------------------------------------


def test_health(client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["version"]
    assert body["models"]["suggest"].startswith("suggest-") and body["models"]["actions"].startswith("actions-")
    assert body["models"]["screen"].startswith("tasks-screen-")
    assert body["max_body_bytes"] == 200_000 and body["workers"] == 0


def test_openapi_documents_every_route_and_limit(client) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/extract", "/suggest", "/health"}
    assert set(schema["paths"]["/extract"]) == {"post"} and set(schema["paths"]["/health"]) == {"get"}
    extract_body = schema["components"]["schemas"]["ExtractRequest"]["properties"]
    assert extract_body["k"]["maximum"] == MAX_K and extract_body["candidates"]["anyOf"][0]["maxItems"] == 200
    assert "413" in schema["paths"]["/extract"]["post"]["responses"]
    assert "input_span" in schema["components"]["schemas"]["ExtractedTask"]["properties"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    assert not re.search(r"(src|href)=['\"]https?://", docs.text), "the docs page must not use a CDN"
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200


def test_no_route_takes_a_path_parameter(client) -> None:
    assert all("{" not in route.path for route in client.app.routes)


def test_page_and_assets_are_local(client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<html lang="vi">' in page.text and "Trợ lý soạn thảo" in page.text
    for path, kind in (("/static/app.js", "text/javascript"), ("/static/style.css", "text/css")):
        asset = client.get(path)
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
        assert not re.search(r"https?://", asset.text), f"{path} must not load anything from the network"
    assert not re.search(r"(src|href)=\"https?://", page.text)


def test_suggest_ranks_units_with_evidence(client) -> None:
    body = client.post("/suggest", json={"text": "Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công",
                                         "k": 3}).json()
    ranked = body["suggestions"]
    assert len(ranked) == 3 and body["model"].startswith("suggest-")
    assert [s["score"] for s in ranked] == sorted((s["score"] for s in ranked), reverse=True)
    assert all(s["evidence"] and s["seen_in_training"] for s in ranked)
    restricted = client.post("/suggest", json={"text": "Rà soát quy hoạch cụm công nghiệp", "k": 5,
                                               "candidates": ["Sở Công Thương", "Sở Tài chính", "Ban Không Có"]})
    units = {s["unit"]: s for s in restricted.json()["suggestions"]}
    assert set(units) == {"Sở Công Thương", "Sở Tài chính", "Ban Không Có"}
    assert units["Ban Không Có"]["seen_in_training"] is False
    assert units["Sở Công Thương"]["kind"] == "unit"
    text = "Tổ chức kiểm tra việc chấp hành quy định về vật liệu nổ công nghiệp"
    everyone = client.post("/suggest", json={"text": text, "k": 10}).json()["suggestions"]
    kept = client.post("/suggest", json={"text": text, "k": 10, "kinds": ["unit", "office"]}).json()["suggestions"]
    assert "person" in {s["kind"] for s in everyone} and "person" not in {s["kind"] for s in kept}
    assert len(kept) == 10
    assert client.post("/suggest", json={"text": text, "kinds": ["people"]}).status_code == 422


# -- /extract ------------------------------------------------------------------------------------


def test_extract_marks_and_suggestions_on_a_draft(client) -> None:
    doc = _extract(client, NOTICE, candidates=["Sở Tài chính", "Sở Xây dựng"], k=2)
    assert doc["document"]["symbol"] == "TB-UBND" and doc["elapsed_ms"] > 0
    t1, t2, t3 = doc["tasks"]
    for task in doc["tasks"]:
        start, end = task["input_span"]
        assert NOTICE[start:end] == task["text"]
        for mark in task["marks"]:
            assert NOTICE[mark["span"][0] : mark["span"][1]] == mark["text"]
            assert start <= mark["span"][0] < mark["span"][1] <= end
    assert [(m["kind"], m["text"]) for m in t1["marks"]] == [
        ("lead", "Sở Tài chính"), ("support", "Sở Xây dựng"), ("deadline", "trước ngày 31/3/2026")]
    assert t1["deadline"] == "2026-03-31" and t1["lead_named"] and t1["suggestions"] == []
    assert [m["kind"] for m in t2["marks"]] == ["reference"]
    assert not t2["lead_named"] and t2["lead_units"] == ["Ủy ban nhân dân tỉnh Lào Cai"]
    assert [s["unit"] for s in t2["suggestions"]] in (["Sở Xây dựng", "Sở Tài chính"], ["Sở Tài chính", "Sở Xây dựng"])
    assert t3["lead_named"] and t3["urgent"] and t3["deadline"] == "2026-04-30"


def test_suggestions_prefer_the_units_the_draft_names(client) -> None:
    """Without a candidate list, a task without a named lead gets the units the draft's other tasks name first
    (``in_document``), then the best of all units; with one, only the candidates."""
    t1, t2, t3 = _extract(client, NOTICE, k=5)["tasks"]
    named = {u for t in (t1, t3) for u in t["lead_units"] + t["support_units"]}
    assert named == {"Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"}
    flags = [s["in_document"] for s in t2["suggestions"]]
    assert len(flags) == 5 and flags == [True, True, True, False, False]
    assert {s["unit"] for s in t2["suggestions"][:3]} == named
    assert not {s["unit"] for s in t2["suggestions"][3:]} & named
    restricted = _extract(client, NOTICE, k=5, candidates=["Sở Công Thương"])["tasks"][1]["suggestions"]
    assert [(s["unit"], s["in_document"]) for s in restricted] == [("Sở Công Thương", False)]
    text = "Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công"
    preferred = client.post("/suggest", json={"text": text, "k": 3, "prefer": ["Ban Không Có"]}).json()["suggestions"]
    assert [s["in_document"] for s in preferred] == [True, False, False] and preferred[0]["unit"] == "Ban Không Có"
    plain = client.post("/suggest", json={"text": text, "k": 2}).json()["suggestions"]
    assert [s["unit"] for s in preferred[1:]] == [s["unit"] for s in plain]


def test_inserting_a_suggested_unit_names_the_lead(client) -> None:
    """What the page's one-click insertion does: "Giao <unit> chủ trì " before the task's text."""
    task = _extract(client, NOTICE)["tasks"][1]
    unit = task["suggestions"][0]["unit"]
    at = task["input_span"][0]
    edited = NOTICE[:at] + f"Giao {unit} chủ trì " + NOTICE[at].lower() + NOTICE[at + 1 :]
    again = _extract(client, edited)["tasks"][1]
    assert again["lead_units"] == [unit] and again["lead_named"] and again["suggestions"] == []
    assert ("lead", unit) in [(m["kind"], m["text"]) for m in again["marks"]]


def test_extract_equals_the_pipeline_on_the_sample_notice(client) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    doc = _extract(client, text, doc_id="sample")
    expected = extract_text(text, doc_id="sample").model_dump()
    assert doc["document"] == expected["document"]
    assert [{f: t[f] for f in CONTRACT_TASK_FIELDS} for t in doc["tasks"]] == [
        {f: (list(t[f]) if isinstance(t[f], tuple) else t[f]) for f in CONTRACT_TASK_FIELDS}
        for t in json.loads(json.dumps(expected["tasks"]))]
    for task in doc["tasks"]:
        start, end = task["input_span"]
        assert _fold(text[start:end]).startswith(_fold(task["text"])[:-1])
    # the task whose text crosses a line break and markdown emphasis in the file
    crossing = next(t for t in doc["tasks"] if "công nghệ mới có thể chuyển giao" in t["text"])
    assert "\n" in text[crossing["input_span"][0] : crossing["input_span"][1]]
    assert ("reference", "Chỉ thị số 01/CT-UBND ngày 03/6/2020") in [(m["kind"], m["text"])
                                                                      for m in doc["tasks"][0]["marks"]]


def test_extract_a_real_corpus_notice_end_to_end(client, corpus) -> None:
    path = corpus / "laocai" / "vbhc-vn__ubnd__thong-bao-ket-luan-ubnd.txt"
    if not path.exists():
        pytest.skip(f"{path.name} is not in this corpus")
    text = path.read_text(encoding="utf-8")
    doc = _extract(client, text)
    assert doc["document"] == extract_text(text).model_dump()["document"]
    assert len(doc["tasks"]) == len(extract_text(text).tasks) > 0
    for task in doc["tasks"]:
        start, end = task["input_span"]
        assert _fold(text[start:end])[:30] == _fold(task["text"])[:30]
        assert all(text[m["span"][0] : m["span"][1]] == m["text"] for m in task["marks"])


def test_spans_are_in_the_text_as_sent(client) -> None:
    """CRLF line ends, decomposed (NFD) accents, a wrapped line and an emoji before the task."""
    nfd = unicodedata.normalize("NFD", NOTICE)
    text = "🙂 " + nfd.replace("Sở Xây dựng rà soát kế hoạch", "Sở Xây dựng rà soát\nkế hoạch").replace("\n", "\r\n")
    doc = _extract(client, text)
    first = doc["tasks"][0]
    start, end = first["input_span"]  # code points, as Python indexes strings
    assert _fold(text[start:end]) == first["text"]
    lead = next(m for m in first["marks"] if m["kind"] == "lead")
    assert unicodedata.normalize("NFC", text[lead["span"][0] : lead["span"][1]]) == "Sở Tài chính"


def test_draft_without_a_header(client) -> None:
    refused = client.post("/extract", json={"text": BODY_ONLY})
    assert refused.status_code == 422 and refused.json()["error"] == "not_a_document"
    assert '"draft": true' in refused.json()["message"]
    doc = _extract(client, BODY_ONLY, draft=True)
    assert [t["lead_units"] for t in doc["tasks"]] == [["Sở Tài chính"], []]
    assert doc["tasks"][1]["lead_named"] is False and len(doc["tasks"][1]["suggestions"]) == 3


@pytest.mark.parametrize(("raw", "clean", "expected"), [
    ("a  b\nc d", "b c", "b\nc"),                                   # a wrapped line joined
    ("*Gấp* rà soát", "Gấp rà soát", "Gấp* rà soát"),              # emphasis dropped by normalise
    ("x\n\n- 12 -\n\ny z", "x y", "x\n\n- 12 -\n\ny"),           # a page number dropped
    ("Tổng hợp (*trong năm 2020*).", "(trong năm 2020).", "(*trong năm 2020*)."),  # punctuation at both ends
    ("Tổng hợp \u201cgì\u201d", "\u201cgì\u201d", "\u201cgì\u201d"),
])
def test_aligner(raw: str, clean: str, expected: str) -> None:
    from pipeline.normalise import normalise

    normalised = normalise(raw)
    at = normalised.index(clean)
    start, end = Aligner(raw, normalised).span(at, at + len(clean))
    assert raw[start:end] == expected


# -- limits and errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "body", "fragment"), [
    ("/extract", {"text": ""}, "text: must not be empty"),
    ("/extract", {"text": " \n\t "}, "text: must not be empty"),
    ("/extract", {}, "text: Field required"),
    ("/extract", {"text": NOTICE, "k": 0}, "k: Input should be greater than or equal to 1"),
    ("/extract", {"text": NOTICE, "candidates": ["x"] * 201}, "candidates: List should have at most 200 items"),
    ("/extract", {"text": NOTICE, "candidates": ["x" * 201]}, "candidates.0: String should have at most 200"),
    ("/extract", {"text": NOTICE, "path": "/etc/passwd"}, "path: Extra inputs are not permitted"),
    ("/extract", {"text": NOTICE, "doc_id": "../../x"}, "doc_id: String should match pattern"),
    ("/extract", {"text": 12}, "text: Input should be a valid string"),
    ("/suggest", {"text": "Rà soát", "k": MAX_K + 1}, f"k: Input should be less than or equal to {MAX_K}"),
    ("/suggest", {"text": "x" * 5001}, "text: String should have at most 5000 characters"),
    ("/suggest", {"text": ""}, "text: must not be empty"),
])
def test_invalid_requests_get_a_clear_422(client, route: str, body: dict, fragment: str) -> None:
    response = client.post(route, json=body)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["error"] == "invalid_request" and fragment in answer["message"], answer["message"]
    assert all("input" not in error for error in answer["detail"]), "the request's text is not echoed back"


def test_bodies_that_are_not_json_objects(client) -> None:
    broken = client.post("/extract", content=b'{"text": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["message"]
    form = client.post("/extract", data={"text": NOTICE})
    assert form.status_code == 422 and "JSON object" in form.json()["message"]


def test_body_size_limit(client) -> None:
    big = {"text": "Giao Sở Tài chính chủ trì rà soát. " * 6000}  # ~ 230 kB
    declared = client.post("/extract", json=big)
    assert declared.status_code == 413
    assert declared.json() == {"error": "too_large", "message": declared.json()["message"]}
    assert "200 kB" in declared.json()["message"]

    def chunks():  # no Content-Length: the limit counts what arrives
        payload = json.dumps(big).encode()
        for i in range(0, len(payload), 16_384):
            yield payload[i : i + 16_384]

    streamed = client.post("/extract", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["error"] == "too_large"


def test_body_limit_is_a_setting() -> None:
    with TestClient(create_app(Settings(max_body_bytes=2_000, warm=False))) as small:
        assert small.post("/suggest", json={"text": "Rà soát " * 400}).status_code == 413
        assert small.post("/suggest", json={"text": "Rà soát kế hoạch"}).status_code == 200


def test_unknown_routes_and_methods(client) -> None:
    missing = client.get("/etc/passwd")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.get("/extract")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    assert wrong.headers["allow"] == "POST"


def test_pipeline_failure_is_a_json_500(monkeypatch) -> None:
    import pipeline.serve

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(pipeline.serve, "analyse", broken)
    with TestClient(create_app(Settings(warm=False)), raise_server_exceptions=False) as quiet:
        response = quiet.post("/extract", json={"text": NOTICE})
    assert response.status_code == 500
    assert response.json() == {"error": "internal", "message": "the pipeline failed on this text"}


def test_cors_is_off_by_default(client) -> None:
    preflight = {"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/extract", headers=preflight).headers
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": "http://x.example"}).headers
    with TestClient(create_app(Settings(cors_origins=("http://intranet.example",), warm=False))) as open_client:
        allowed = open_client.options("/extract", headers={**preflight, "Origin": "http://intranet.example"})
        assert allowed.headers["access-control-allow-origin"] == "http://intranet.example"


def test_extraction_in_a_process_pool(client) -> None:
    """The same answers as in the server's threads; a process that dies is replaced (503 once)."""
    with TestClient(create_app(Settings(workers=1))) as pooled:
        assert pooled.get("/health").json()["workers"] == 1
        got = _extract(pooled, NOTICE)
        ranked = pooled.post("/suggest", json={"text": "Rà soát quy hoạch cụm công nghiệp", "k": 2}).json()
        assert ranked == client.post("/suggest", json={"text": "Rà soát quy hoạch cụm công nghiệp", "k": 2}).json()
        for process in list(pooled.app.state.pipeline_pool._processes.values()):
            process.kill()
            process.join()
        lost = pooled.post("/extract", json={"text": NOTICE})
        assert lost.status_code == 503 and lost.json()["error"] == "worker_lost"
        assert pooled.post("/extract", json={"text": NOTICE}).status_code == 200
    expected = _extract(client, NOTICE)
    got.pop("elapsed_ms"), expected.pop("elapsed_ms")
    assert got == expected


def test_answers_are_the_bytes_starlette_would_write(client) -> None:
    """orjson (FastJSON) encodes the answers exactly as Starlette's JSONResponse (json.dumps) does."""
    from starlette.responses import JSONResponse

    for route, body in (("/extract", {"text": NOTICE, "k": 2, "draft": True}),
                        ("/suggest", {"text": "Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công"})):
        response = client.post(route, json=body)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        assert response.content == JSONResponse(response.json()).body == FastJSON(response.json()).body


@pytest.mark.parametrize(("cpus", "expected"), [(1, 0), (2, 2), (3, 3), (64, MAX_AUTO_WORKERS)])
def test_workers_auto(monkeypatch, cpus: int, expected: int) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    assert auto_workers() == expected
    assert _Workers().convert("auto", None, None) == expected


def test_serve_command_options() -> None:
    result = CliRunner().invoke(serve_command, ["--help"])
    assert result.exit_code == 0, result.output
    for option in ("--host", "--port", "--workers", "--max-body", "--cors-origin", "127.0.0.1", "8000", "auto"):
        assert option in result.output
    assert _Workers().convert("3", None, None) == 3 and _Workers().convert(0, None, None) == 0
    for bad in ("-1", "65", "many"):
        bad_run = CliRunner().invoke(serve_command, ["--workers", bad, "--port", "0"])
        assert bad_run.exit_code == 2 and "--workers" in bad_run.output
