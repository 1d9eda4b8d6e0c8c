""".pdf reader: the text layer, laid out as on the page; OCR of scanned pages when asked.

Extraction runs pypdf in a child process (:mod:`pipeline.pdf_worker`) with a
time limit (``PDF_TIMEOUT`` seconds, env ``NHIEMVU_PDF_TIMEOUT``) and an
address-space limit (``PDF_MEMORY``), so a hostile or pathological PDF ends
as a ``timeout``, ``too_large`` or ``corrupt`` error instead of hanging the batch.

pypdf's layout mode keeps each line's horizontal layout with spaces: a
two-column header (issuer | motto, number | place and date) comes out as one
line per row with a wide gap, which :mod:`pipeline.normalise` reads column by
column. Runs of 2-3 spaces from justified text are closed up.

A PDF whose pages hold images and no text is a scan: ``ReadError('scanned_pdf')``,
unless OCR is on (``ocr=True`` or env ``NHIEMVU_OCR=1``) and Tesseract with its
Vietnamese model and poppler's ``pdftoppm`` are installed (Debian:
``tesseract-ocr tesseract-ocr-vie poppler-utils``): then each image-only page is
rendered at 300 dpi and read by ``tesseract -l vie``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

from pipeline import legacy
from pipeline.read import ReadError

PDF_TIMEOUT = float(os.environ.get("NHIEMVU_PDF_TIMEOUT", "60"))
"""Seconds one PDF's text extraction may take."""
PDF_MEMORY = int(os.environ.get("NHIEMVU_PDF_MEMORY", str(1024**3)))
"""Address space (bytes) of the extraction process."""
MAX_PAGES = 5_000
MAX_CHARS = 20_000_000
OCR_TIMEOUT = float(os.environ.get("NHIEMVU_OCR_TIMEOUT", "120"))
"""Seconds to render and OCR one page."""
OCR_DPI = 300
WORKER = Path(__file__).with_name("pdf_worker.py")


def ocr_enabled() -> bool:
    return os.environ.get("NHIEMVU_OCR", "").strip().lower() in {"1", "true", "yes", "on"}


def read_pdf(
    path: str | Path, timeout: float | None = None, max_chars: int = MAX_CHARS, ocr: bool | None = None
) -> str:
    """Text of a PDF file; raises :class:`ReadError` (corrupt, encrypted, scanned_pdf, timeout, too_large, empty)."""
    path = Path(path)
    timeout = PDF_TIMEOUT if timeout is None else timeout
    result = _run_worker(path, timeout, max_chars)
    pages: list[str] = result["pages"]
    image_pages: list[int] = result["image_pages"]
    if not pages:
        raise ReadError("empty", "the PDF has no pages")
    texts = [_tidy(page) for page in pages]
    has_text = [len("".join(t.split())) >= 20 for t in texts]
    if not any(has_text):
        if not image_pages:
            raise ReadError("empty", f"the PDF's {len(pages)} page(s) hold no text")
        use_ocr = ocr_enabled() if ocr is None else ocr
        if not use_ocr:
            raise ReadError("scanned_pdf", f"a scanned PDF: {len(image_pages)} image page(s) and no text layer; "
                                           "turn on OCR (NHIEMVU_OCR=1, with tesseract-ocr-vie) to read it")
    use_ocr = ocr_enabled() if ocr is None else ocr
    if use_ocr and image_pages:
        missing = ocr_missing()
        if missing and not any(has_text):
            raise ReadError("scanned_pdf", f"a scanned PDF and OCR is not available: {missing}")
        if not missing:
            for number in image_pages:
                if not has_text[number]:
                    texts[number] = _tidy(ocr_page(path, number))
    text = "\n\f".join(texts)  # as pdftotext: a form feed starts each new page
    return legacy.fix_text(unicodedata.normalize("NFC", text))[0]


def _run_worker(path: Path, timeout: float, max_chars: int) -> dict:
    command = [sys.executable, "-I", str(WORKER), str(path), str(max_chars), str(MAX_PAGES), str(PDF_MEMORY)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReadError("timeout", f"PDF text extraction took over {timeout:g} s; stopped") from exc
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        kind = "too_large" if "MemoryError" in done.stderr.decode("utf-8", "replace") else "corrupt"
        raise ReadError(kind, f"the PDF reader failed ({tail[0][:300]})") from exc
    if not result.get("ok"):
        raise ReadError(result.get("kind", "corrupt"), result.get("message", "the PDF cannot be read"))
    return result


def _tidy(page: str) -> str:
    """Close up the 2-3 space runs of justified lines and the blank runs that stand for vertical space.

    Indents and column gaps (4+ spaces) stay: :mod:`pipeline.normalise` reads columns from them.
    """
    lines: list[str] = []
    for line in page.split("\n"):
        body = re.sub(r"(?<=\S) {2,3}(?=\S)", " ", line.strip(" "))
        if not body and lines and not lines[-1]:
            continue
        lines.append(line[: len(line) - len(line.lstrip(" "))] + body if body else "")
    return "\n".join(lines).strip("\n")


# -- OCR ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def ocr_missing() -> str | None:
    """What OCR lacks on this machine (a sentence), or None when it can run."""
    tesseract, pdftoppm = shutil.which("tesseract"), shutil.which("pdftoppm")
    if not tesseract:
        return "tesseract is not installed (Debian: apt install tesseract-ocr tesseract-ocr-vie)"
    if not pdftoppm:
        return "pdftoppm is not installed (Debian: apt install poppler-utils)"
    try:
        langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract does not run"
    if "vie" not in langs.stdout.decode("utf-8", "replace").split():
        return "tesseract has no Vietnamese model (Debian: apt install tesseract-ocr-vie)"
    return None


def ocr_page(path: Path, number: int, timeout: float | None = None) -> str:
    """OCR one page (0-based) of a PDF with Tesseract's Vietnamese model."""
    timeout = OCR_TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="nhiemvu-ocr-") as tmp:
        image = Path(tmp) / "page"
        try:
            subprocess.run(["pdftoppm", "-r", str(OCR_DPI), "-f", str(number + 1), "-l", str(number + 1),
                            "-png", "-singlefile", str(path), str(image)],
                           capture_output=True, timeout=timeout, check=True)
            done = subprocess.run(["tesseract", str(image.with_suffix(".png")), "stdout", "-l", "vie"],
                                  capture_output=True, timeout=timeout, check=True)
        except subprocess.TimeoutExpired as exc:
            raise ReadError("timeout", f"OCR of page {number + 1} took over {timeout:g} s; stopped") from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise ReadError("corrupt", f"OCR of page {number + 1} failed ({exc})") from exc
    return done.stdout.decode("utf-8", "replace")
