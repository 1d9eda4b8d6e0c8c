"""The drafting assistant's HTTP service: ``nhiemvu serve`` (FastAPI + uvicorn).

Reads JSON request bodies (a draft's text, a task's text, candidate units);
writes JSON: the contract document of ``pipeline.extract_text`` with, for each
task, its span and marks in the text *as sent* (not the normalised text) and,
when the draft names no lead unit for it, the suggester's top units. Serves
the drafting page (``pipeline/static``) at ``/`` and offline API docs at
``/docs``. Requests never name a file: there are no path parameters, and the
only files read are the page's three assets and the docs' two, at start-up.

Routes: ``POST /extract``, ``POST /suggest``, ``GET /health``, ``GET /``,
``GET /docs``, ``GET /openapi.json``. Limits: ``Settings`` and the constants
below; errors are JSON ``{"error": code, "message": text}`` with a 4xx status.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from multiprocessing import get_context
from typing import Annotated, Any, Literal

import click
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline import __version__, looks_administrative  # extract_text's own test, for draft=false
from pipeline.evaluate import TONE, norm
from pipeline.header import document_info
from pipeline.models import Document, Task
from pipeline.normalise import normalise
from pipeline.structure import parse
from pipeline.suggester import document_units
from pipeline.tasks import assemble
from pipeline.unit_names import ASSIGNEE_KINDS

try:
    import orjson
except ImportError:  # a dependency; without it answers are encoded by the json module
    orjson = None

log = logging.getLogger("nhiemvu.serve")

MAX_BODY_BYTES = 200_000
"""Default request body limit (bytes): a 40-page notice; larger bodies get 413."""
MAX_K = 20
MAX_CANDIDATES = 200
MAX_UNIT_CHARS = 200
MAX_TASK_CHARS = 5_000
"""A /suggest text is one task, not a document."""
SUGGEST_CACHE = 4096
"""Rankings kept per process: a draft re-analysed as it is typed asks again for the same tasks."""
MAX_SUGGESTED_TASKS = 50
"""/extract suggests units for at most this many tasks without a named lead (about 5 ms each)."""

UnitName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_UNIT_CHARS)]
AssigneeKind = Literal[ASSIGNEE_KINDS]  # "unit", "office", "person", for the schema

WARM_TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 1/TB-UBND\nLào Cai, ngày 2 tháng 3 năm 2026\nTHÔNG BÁO\n"
    "1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn theo "
    "Nghị định số 99/2021/NĐ-CP, báo cáo trước ngày 31/3/2026.\n"
    "2. Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công.\n"
)
"""A tiny notice run once per process at start-up: loads the models and compiles the grammars."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the service (``nhiemvu serve --help`` sets them)."""

    max_body_bytes: int = MAX_BODY_BYTES
    workers: int = 0
    """0: the pipeline runs in the server's threads; N: in a pool of N processes (it holds the GIL).
    ``nhiemvu serve`` defaults to ``auto_workers()``; 0 here keeps embedded apps and tests in one process."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed to call the API from a browser; none (CORS off) by default."""
    warm: bool = True


# -- request and response bodies -----------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("text", check_fields=False)
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: send the text of the notice (or of the task) to analyse")
        return value


class ExtractRequest(_Body):
    text: str = Field(description="The notice as typed or pasted (plain text).",
                      examples=[WARM_TEXT])
    candidates: list[UnitName] | None = Field(
        default=None, max_length=MAX_CANDIDATES,
        description="Units to rank for tasks whose lead the draft does not name (the draft's addressees); "
                    "null: the units the draft's other tasks name first, then every unit the suggester knows.")
    k: int = Field(default=3, ge=1, le=MAX_K, description="Suggestions per task without a named lead.")
    kinds: list[AssigneeKind] | None = Field(
        default=None, description="Suggest only leads of these kinds (the page asks for units and offices); "
                                  "null: all.")
    draft: bool = Field(default=False, description="Extract tasks even when the text has no header yet "
                                                   "(no type, number, date or issuer); otherwise 422.")
    doc_id: str = Field(default="document", pattern=r"^[\w.-]{1,64}$")


class SuggestRequest(_Body):
    text: str = Field(max_length=MAX_TASK_CHARS, description="One task's text.",
                      examples=["Tổng hợp, báo cáo tình hình giải ngân vốn đầu tư công"])
    k: int = Field(default=5, ge=1, le=MAX_K)
    candidates: list[UnitName] | None = Field(default=None, max_length=MAX_CANDIDATES,
                                              description="Restrict the ranking to these units.")
    kinds: list[AssigneeKind] | None = Field(
        default=None, description="Only leads of these kinds: a unit, an office by its title (\"Giám đốc Sở "
                                  "Công Thương\") or a person by name; null: all.")
    prefer: list[UnitName] | None = Field(
        default=None, max_length=MAX_CANDIDATES,
        description="Units the rest of the draft names: ranked first (in_document), the rest of k from all units. "
                    "Ignored with candidates.")


class EvidenceOut(BaseModel):
    text: str = Field(description="A past task that this unit led.")
    unit: str
    similarity: float


class SuggestionOut(BaseModel):
    unit: str
    score: float
    seen_in_training: bool
    kind: AssigneeKind = Field(description="What the name is: a unit, an office by its title, or a person.")
    in_document: bool = Field(default=False, description="Named elsewhere in the draft, so ranked first.")
    evidence: list[EvidenceOut]


class SuggestResponse(BaseModel):
    suggestions: list[SuggestionOut]
    model: str


class Mark(BaseModel):
    kind: Literal["lead", "support", "deadline", "reference"]
    text: str = Field(description="The marked characters of the input text.")
    span: tuple[int, int] = Field(description="Offsets in the input text (Unicode code points).")
    value: str | None = Field(default=None, description="lead/support: the unit's name; deadline: the ISO "
                                                        "date; reference: the symbol.")


class ExtractedTask(Task):
    input_span: tuple[int, int] | None = Field(
        default=None, description="The task in the input text as sent (code points); `span` is in the normalised "
                                  "text.")
    marks: list[Mark] = Field(default_factory=list, description="Non-overlapping, in text order.")
    lead_named: bool = Field(description="False when no unit is named for the task and the lead is the "
                                         "document's issuer or addressees (or empty).")
    suggestions: list[SuggestionOut] = Field(
        default_factory=list, description=f"Top units when `lead_named` is false (for the first "
                                          f"{MAX_SUGGESTED_TASKS} such tasks).")


class ExtractResponse(Document):
    tasks: list[ExtractedTask] = Field(default_factory=list)
    elapsed_ms: float = Field(description="Server-side extraction time.")


class Health(BaseModel):
    status: str
    version: str
    models: dict[str, str | None]
    workers: int
    max_body_bytes: int


# -- the work (module level, so that a process pool can run it) ------------------------------


def analyse(text: str, candidates: list[str] | None = None, k: int = 3, draft: bool = False,
            doc_id: str = "document", kinds: list[str] | None = None) -> dict[str, Any]:
    """Extract a draft and annotate its tasks for the page; ``{"error", "message"}`` for a non-document."""
    started = time.perf_counter()
    clean = normalise(text)
    structure = parse(clean)
    info = document_info(structure)
    if not draft and not looks_administrative(info):
        return {"error": "not_a_document",
                "message": "no document header (type, number, date or issuer) was found; send \"draft\": true "
                           "to extract the tasks of a draft without one"}
    document = Document(doc_id=doc_id, document=info, tasks=assemble(structure, info))
    aligner = Aligner(text, clean)
    fallback = {norm(u) for u in [info.issuer, info.parent_issuer, *structure.header.addressees] if u}
    tasks, suggested = [], 0
    for task in document.tasks:
        extra = _annotate(task, clean, aligner, fallback)
        if not extra["lead_named"] and suggested < MAX_SUGGESTED_TASKS:
            named = None if candidates is not None else document_units(document, besides=task)
            extra["suggestions"] = _suggestions(task.text, k, candidates, kinds, named)
            suggested += 1
        tasks.append({**task.model_dump(), **extra})
    out = document.model_dump()
    out["tasks"] = tasks
    out["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return out


def suggest_units(text: str, k: int = 5, candidates: list[str] | None = None,
                  kinds: list[str] | None = None, prefer: list[str] | None = None) -> list[dict[str, Any]]:
    """The shipped suggester's ranking as plain dicts (see ``pipeline.suggest``); do not mutate them."""
    return _cached_suggest(text, k, None if candidates is None else tuple(candidates),
                           _kinds_key(kinds), tuple(prefer) if prefer else None)


def _kinds_key(kinds: list[str] | None) -> tuple[str, ...] | None:
    """``kinds`` as a cache key: the same kinds in any order or repeated are one request."""
    return None if kinds is None else tuple(sorted(set(kinds)))


@lru_cache(maxsize=SUGGEST_CACHE)
def _cached_suggest(text: str, k: int, candidates: tuple[str, ...] | None,
                    kinds: tuple[str, ...] | None = None,
                    prefer: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    from pipeline.suggester import suggest

    return [asdict(s) for s in suggest(text, k=k, candidates=None if candidates is None else list(candidates),
                                       kinds=kinds, prefer=list(prefer) if prefer else None)]


def _suggestions(text: str, k: int, candidates: list[str] | None, kinds: list[str] | None = None,
                 prefer: list[str] | None = None) -> list[dict[str, Any]]:
    try:
        return suggest_units(text, k, candidates, kinds, prefer)
    except FileNotFoundError:  # no model shipped: the page simply shows none
        return []


def warm() -> int:
    """Load the models and run the pipeline once (each process of the pool runs it on start)."""
    analyse(WARM_TEXT)
    return os.getpid()


def model_names() -> dict[str, str | None]:
    from pipeline.classify import MODELS

    def newest(pattern: str) -> str | None:
        found = sorted(MODELS.glob(pattern))
        return found[-1].stem if found else None

    return {"actions": newest("actions-*.joblib"), "screen": newest("tasks-screen-*.joblib"),
            "suggest": newest("suggest-*.joblib")}


# -- spans in the text as sent -----------------------------------------------------------------

_WORD = re.compile(r"\w+")


class Aligner:
    """Maps offsets of the normalised text back to the text as sent.

    Normalisation (NFC, joined lines, dropped page numbers and emphasis, header
    columns) changes offsets but keeps the words: the two word sequences are
    aligned greedily (equal runs, re-synchronised over a short window where
    words were dropped or moved), and a span's ends are carried over by the
    words at its edges. Offsets are code points, as in Python strings.
    """

    WINDOW = 40

    def __init__(self, raw: str, clean: str) -> None:
        self.raw, self.clean = raw, clean
        self.nfc, self.back = _nfc_with_offsets(raw)
        self.rt = [(m.start(), m.end()) for m in _WORD.finditer(self.nfc)]
        self.ct = [(m.start(), m.end()) for m in _WORD.finditer(clean)]
        self.to_raw = self._align([self.nfc[a:b] for a, b in self.rt], [clean[a:b] for a, b in self.ct])
        self.starts, self.ends = [a for a, _ in self.ct], [b for _, b in self.ct]  # both ascending

    def _align(self, raw: list[str], clean: list[str]) -> dict[int, int]:
        if raw == clean:
            return dict(zip(range(len(clean)), range(len(raw)), strict=True))
        out: dict[int, int] = {}
        i = j = 0
        while i < len(clean) and j < len(raw):
            if clean[i] == raw[j]:
                out[i] = j
                i, j = i + 1, j + 1
                continue
            step = self._resync(raw, clean, i, j)
            if step is None:
                i += 1
            else:
                i, j = i + step[0], j + step[1]
        return out

    def _resync(self, raw: list[str], clean: list[str], i: int, j: int) -> tuple[int, int] | None:
        """The nearest (di, dj) where three words agree again."""
        for total in range(1, 2 * self.WINDOW):
            for di in range(max(0, total - self.WINDOW), min(total, self.WINDOW) + 1):
                dj = total - di
                if clean[i + di : i + di + 3] == raw[j + dj : j + dj + 3] and i + di < len(clean):
                    return di, dj
        return None

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The input-text span of the normalised span [start, end), or None when none of its words is found."""
        # the words inside [start, end) are ct[lo:hi]; the first and last of them that were aligned
        lo, hi = bisect_left(self.starts, start), bisect_right(self.ends, end)
        first = next((i for i in range(lo, hi) if i in self.to_raw), None)
        if first is None:
            return None
        last = next(i for i in range(hi - 1, first - 1, -1) if i in self.to_raw)
        a = _extend(self.nfc, self.rt[self.to_raw[first]][0], self.clean[start : self.ct[first][0]], -1)
        b = _extend(self.nfc, self.rt[self.to_raw[last]][1], self.clean[self.ct[last][1] : end], 1)
        return self.back[a], self.back[b]


EMPHASIS = "*_"


def _extend(text: str, at: int, chars: str, direction: int) -> int:
    """Move ``at`` over ``chars`` (the punctuation next to a span's edge word), skipping the emphasis
    marks that normalisation dropped; stay at ``at`` when the text there differs."""
    pos = at
    for char in chars if direction > 0 else reversed(chars):
        while 0 <= pos + min(direction, 0) < len(text) and text[pos + min(direction, 0)] in EMPHASIS \
                and char not in EMPHASIS:
            pos += direction
        if not (0 <= pos + min(direction, 0) < len(text)) or text[pos + min(direction, 0)] != char:
            return at
        pos += direction
    return pos


def _nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFC of ``text`` and, for each of its offsets (and the end), the offset in ``text``."""
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text) + 1))
    out, back, start = [], [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or unicodedata.combining(text[i]) == 0:
            piece = unicodedata.normalize("NFC", text[start:i])
            out.append(piece)
            back.extend([start] * len(piece))
            start = i
    back.append(len(text))
    return "".join(out), back


def _fold(text: str) -> str:
    """Lower case and one tone placement, keeping every offset (for searching names)."""
    low = text.lower()
    if len(low) != len(text) or "Σ" in text:  # "İ" lower-cases to two characters, a final "Σ" to "ς"
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for old, new in TONE.items():
        low = low.replace(old, new)
    return low


_ALIASES = {"ủy ban nhân dân": "ubnd", "hội đồng nhân dân": "hđnd"}


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = _WORD.findall(_fold(unicodedata.normalize("NFC", name)))
    if not words:
        return None
    body = r"\W+".join(map(re.escape, words))
    for full, short in _ALIASES.items():
        full_words = r"\W+".join(full.split())
        if body.startswith(full_words):
            body = f"(?:{full_words}|{short}){body[len(full_words):]}"
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _annotate(task: Task, clean: str, aligner: Aligner, fallback: set[str]) -> dict[str, Any]:
    start, end = task.span or (None, None)
    if start is None or clean[start:end] != task.text:
        found = clean.find(task.text)
        start, end = (found, found + len(task.text)) if found >= 0 else (None, None)
    marks: list[tuple[int, int, str, str | None]] = []  # normalised spans while collecting
    if start is not None:
        folded = _fold(clean[start:end])
        for ref in task.references:
            span = _reference_span(ref.span, ref.text, task.text)
            if span:
                _add(marks, start + span[0], start + span[1], "reference", ref.symbol or ref.text)
        if task.deadline_text:
            _search(marks, folded, start, task.deadline_text, "deadline", task.deadline)
        for kind, units in (("lead", task.lead_units), ("support", task.support_units)):
            for unit in units:
                _search(marks, folded, start, unit, kind, unit)
    text_keys = f" {norm(task.text)} {norm(task.section)} "
    named_in_text = any(f" {norm(u)} " in text_keys for u in task.lead_units)
    lead_named = bool(task.lead_units) and (named_in_text or not {norm(u) for u in task.lead_units} <= fallback)
    out_marks = []
    for a, b, kind, value in sorted(marks):
        mapped = aligner.span(a, b)
        if mapped:
            out_marks.append({"kind": kind, "text": aligner.raw[mapped[0] : mapped[1]], "span": mapped,
                              "value": value})
    return {"input_span": aligner.span(start, end) if start is not None else None, "marks": out_marks,
            "lead_named": lead_named, "suggestions": []}


def _reference_span(span: tuple[int, int] | None, text: str, task_text: str) -> tuple[int, int] | None:
    """References carry spans relative to their task's text; fall back to finding the text."""
    if span and task_text[span[0] : span[1]] == text:
        return span
    found = task_text.find(text)
    return (found, found + len(text)) if found >= 0 else None


def _search(marks: list, folded: str, offset: int, phrase: str, kind: str, value: str | None) -> None:
    pattern = _name_pattern(phrase)
    if pattern is None:
        return
    for match in pattern.finditer(folded):
        if _add(marks, offset + match.start(), offset + match.end(), kind, value):
            return


def _add(marks: list, start: int, end: int, kind: str, value: str | None) -> bool:
    if end <= start or any(start < b and a < end for a, b, _, _ in marks):
        return False
    marks.append((start, end, kind, value))
    return True


# -- request body limit --------------------------------------------------------------------------


class BodyLimit:
    """Pure ASGI middleware: a JSON 413 for bodies over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send) -> None:
        response = _error(413, "too_large", f"request body over {self.max_bytes} bytes: send at most "
                                            f"{self.max_bytes // 1000} kB of text")
        await response(scope, receive, send)


class FastJSON(JSONResponse):
    """A JSON answer encoded by orjson (the bytes Starlette's would write, 15-20 times faster here), when installed."""

    def render(self, content: Any) -> bytes:
        if orjson is None:
            return super().render(content)
        return orjson.dumps(content)


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


# -- the app -------------------------------------------------------------------------------------

PAGE_FILES = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
              "style.css": "text/css; charset=utf-8"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")


def _load_assets() -> dict[str, bytes]:
    static = resources.files("pipeline") / "static"
    assets = {name: (static / name).read_bytes() for name in PAGE_FILES}
    try:
        import fastapi_offline

        docs = resources.files(fastapi_offline) / "static"
        assets["swagger-ui-bundle.js"] = (docs / "swagger-ui-bundle.js").read_bytes()
        assets["swagger-ui.css"] = (docs / "swagger-ui.css").read_bytes()
    except ImportError:  # the API works without its docs page
        log.warning("fastapi-offline is not installed: /docs is off (the schema stays at /openapi.json)")
    return assets


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app: routes, limits, warm-up at start (``Settings`` for every knob)."""
    settings = settings or Settings()
    assets = _load_assets()
    state: dict[str, Any] = {"pool": None}  # also app.state.pipeline_pool, for tests and operators
    rankings = _LRU(SUGGEST_CACHE)  # /suggest answers, kept in this process in front of the pool
    models = model_names()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        started = time.perf_counter()
        if settings.workers > 0:
            state["pool"] = app.state.pipeline_pool = await _start_pool(settings.workers)
        if settings.warm and state["pool"] is None:  # a pool's processes warm themselves
            await run_in_threadpool(warm)
        log.info("nhiemvu serve ready in %.1f s (%d pipeline processes)", time.perf_counter() - started,
                 settings.workers)
        try:
            yield
        finally:
            if state["pool"] is not None:
                state["pool"].shutdown(wait=True, cancel_futures=True)

    app = FastAPI(
        title="nhiemvu drafting assistant",
        version=__version__,
        description="Tasks, units, deadlines and citations of a Vietnamese administrative notice as it is "
                    "drafted, and the units that led similar past tasks. Limits: request bodies up to "
                    f"{settings.max_body_bytes} bytes (413 beyond), k ≤ {MAX_K}, ≤ {MAX_CANDIDATES} "
                    "candidates. Errors: `{\"error\": code, \"message\": text}`.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # the input is not echoed back: it may be a 200 kB notice
        errors = [{k: v for k, v in e.items() if k not in ("input", "url")} for e in exc.errors()]
        errors = jsonable_encoder(errors, custom_encoder={Exception: str})
        message = "; ".join(_describe(e) for e in errors) or "invalid request"
        return _error(422, "invalid_request", message, detail=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
        response = _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed")
        return _error(500, "internal", "the pipeline failed on this text")

    @app.post("/extract", response_model=ExtractResponse, tags=["api"],
              responses={413: {"description": "Body too large"}, 422: {"description": "Invalid request, "
                         "empty text, or not a document (`error`: `not_a_document`)"}})
    async def extract(body: ExtractRequest) -> Any:
        """The notice's header and tasks (contract JSON) with each task's span and marks in the text as sent,
        and suggested lead units for the tasks whose lead the text does not name."""
        result = await run_pipeline(analyse, body.text, body.candidates, body.k, body.draft, body.doc_id,
                                    body.kinds)
        if isinstance(result, JSONResponse):
            return result
        if "error" in result:
            return _error(422, result["error"], result["message"])
        return FastJSON(result)

    async def run_pipeline(function, *args) -> Any:
        """``function(*args)`` in the pool's processes, or in the server's threads without a pool."""
        pool = state["pool"]
        if pool is None:
            return await run_in_threadpool(function, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, function, *args)
        except BrokenProcessPool:  # a process died (killed, out of memory): replace the pool, ask for a retry
            if state["pool"] is pool:  # the first request to notice replaces it
                log.error("a pipeline process died; starting a new pool")
                pool.shutdown(wait=False, cancel_futures=True)
                state["pool"] = None
                state["pool"] = app.state.pipeline_pool = await _start_pool(settings.workers)
            return _error(503, "worker_lost", "the pipeline process stopped; send the request again")

    @app.post("/suggest", response_model=SuggestResponse, tags=["api"],
              responses={413: {"description": "Body too large"}, 422: {"description": "Invalid request"}})
    async def suggest(body: SuggestRequest) -> Any:
        """Units ranked for one task's text, each with the past tasks behind it."""
        key = (body.text, body.k, None if body.candidates is None else tuple(body.candidates),
               _kinds_key(body.kinds), tuple(body.prefer) if body.prefer else None)
        ranked = rankings.get(key)
        if ranked is None:
            try:
                ranked = await run_pipeline(suggest_units, body.text, body.k, body.candidates, body.kinds,
                                            body.prefer)
            except FileNotFoundError as exc:
                return _error(503, "no_model", str(exc))
            if isinstance(ranked, JSONResponse):
                return ranked
            rankings.put(key, ranked)
        return FastJSON({"suggestions": ranked, "model": models["suggest"]})

    @app.get("/health", response_model=Health, tags=["api"])
    def health() -> Any:
        """Liveness, version and the models in use."""
        return {"status": "ok", "version": __version__, "models": models,
                "workers": settings.workers, "max_body_bytes": settings.max_body_bytes}

    def page(name: str, extra_headers: dict[str, str] | None = None) -> Response:
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache", **(extra_headers or {})}
        return Response(assets[name], media_type=PAGE_FILES.get(name, "text/css"), headers=headers)

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return page("index.html", {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"})

    @app.get("/static/app.js", include_in_schema=False)
    def app_js() -> Response:
        return page("app.js")

    @app.get("/static/style.css", include_in_schema=False)
    def style_css() -> Response:
        return page("style.css")

    if "swagger-ui-bundle.js" in assets:
        from fastapi.openapi.docs import get_swagger_ui_html

        @app.get("/docs", include_in_schema=False)
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="nhiemvu API",
                                       swagger_js_url="/static/docs/swagger-ui-bundle.js",
                                       swagger_css_url="/static/docs/swagger-ui.css",
                                       swagger_favicon_url="data:,")

        @app.get("/static/docs/swagger-ui-bundle.js", include_in_schema=False)
        def swagger_js() -> Response:
            return Response(assets["swagger-ui-bundle.js"], media_type="text/javascript; charset=utf-8")

        @app.get("/static/docs/swagger-ui.css", include_in_schema=False)
        def swagger_css() -> Response:
            return Response(assets["swagger-ui.css"], media_type="text/css; charset=utf-8")

    return app


class _LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size, self._data, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


async def _start_pool(workers: int) -> ProcessPoolExecutor:
    """N spawned processes, each warmed by its initializer before this returns."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=warm)
    loop = asyncio.get_running_loop()
    # one job per worker, overlapping, so that every process is started (and warm) before serving
    await asyncio.gather(*(loop.run_in_executor(pool, time.sleep, 0.5) for _ in range(workers)))
    return pool


def _describe(error: dict[str, Any]) -> str:
    """One line a person can act on, for one pydantic error."""
    kind = error.get("type")
    if kind == "json_invalid":
        return f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'decode error')})"
    if kind == "model_attributes_type" and tuple(error.get("loc", ())) == ("body",):
        return 'the body must be a JSON object such as {"text": "..."} sent with Content-Type: application/json'
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    message = error.get("msg", "invalid").removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


# -- the command ---------------------------------------------------------------------------------


MAX_AUTO_WORKERS = 4
"""``--workers auto`` starts at most this many pipeline processes (about 230 MB each)."""


def auto_workers() -> int:
    """``--workers auto``: one pipeline process per CPU this process may use, at most
    ``MAX_AUTO_WORKERS``; 0 (the server's threads) on a single CPU, where a pool only adds transfers."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_AUTO_WORKERS) if cpus >= 2 else 0


class _Workers(click.ParamType):
    """``auto`` or a number of processes, 0-64."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif str(value).strip().lower() == "auto":
            return auto_workers()
        else:
            try:
                number = int(value)
            except ValueError:
                self.fail(f"{value!r} is neither 'auto' nor a number of processes", param, ctx)
        if not 0 <= number <= 64:
            self.fail(f"{number} is not in the range 0-64", param, ctx)
        return number


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default="auto", show_default=True, type=_Workers(),
              help="Processes that run the pipeline for /extract and /suggest; auto: one per CPU, at most "
                   f"{MAX_AUTO_WORKERS}, or 0 on one CPU; 0: the server's own threads (see docs/API.md).")
@click.option("--max-body", "max_body", default=MAX_BODY_BYTES, show_default=True, type=click.IntRange(1_000),
              help="Largest request body in bytes (413 beyond).")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="Allow browser calls from this origin (repeatable); CORS is off by default.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve_command(host: str, port: int, workers: int, max_body: int, cors_origins: tuple[str, ...],
                  log_level: str) -> None:
    """Serve the drafting page at / and the API (/extract, /suggest, /health, /docs)."""
    import uvicorn

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s: %(message)s")
    app = create_app(Settings(max_body_bytes=max_body, workers=workers,
                              cors_origins=tuple(cors_origins)))
    click.echo(f"nhiemvu: drafting page at http://{host}:{port}/ (API docs at /docs); warming up ...", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug")


if __name__ == "__main__":
    serve_command()
