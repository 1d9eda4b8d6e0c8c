"""Child process of :mod:`pipeline.read_pdf`: extract a PDF's text layer with pypdf.

Run as a script (``python -I pdf_worker.py PATH MAX_CHARS MAX_PAGES MEMORY_BYTES``)
so that a hostile PDF can only hang or exhaust this process: the parent kills
it after its timeout, and the address-space limit set here turns a memory
blow-up into a clean error. Prints one JSON object on stdout:
``{"ok": true, "pages": [...], "image_pages": [...]}`` or
``{"ok": false, "kind": ..., "message": ...}``. Imports nothing from the
package, to start fast.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings


def _limit_memory(max_bytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ImportError, ValueError, OSError):  # not on this platform: the timeout still bounds the work
        pass


def _has_image(page) -> bool:
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image" or obj.get("/Subtype") == "/Form":
                return True
    except Exception:
        return False
    return False


def extract(path: str, max_chars: int, max_pages: int) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return {"ok": False, "kind": "encrypted", "message": "the PDF is encrypted with a password"}
            except (FileNotDecryptedError, NotImplementedError, PyPdfError) as exc:
                return {"ok": False, "kind": "encrypted", "message": f"the PDF is encrypted ({exc})"}
        n_pages = len(reader.pages)
        if n_pages > max_pages:
            return {"ok": False, "kind": "too_large",
                    "message": f"{n_pages:,} pages, over the {max_pages:,}-page limit"}
        pages, image_pages, total = [], [], 0
        for number, page in enumerate(reader.pages):
            try:
                text = page.extract_text(extraction_mode="layout")
            except (LimitReachedError, MemoryError, RecursionError):
                raise
            except Exception:  # layout mode fails on some fonts: the plain mode still reads them
                text = page.extract_text()
            text = text or ""
            total += len(text)
            if total > max_chars:
                return {"ok": False, "kind": "too_large",
                        "message": f"the text layer is over {max_chars:,} characters"}
            if len("".join(text.split())) < 20 and _has_image(page):
                image_pages.append(number)
            pages.append(text)
        return {"ok": True, "pages": pages, "image_pages": image_pages}
    except MemoryError:
        return {"ok": False, "kind": "too_large", "message": "the PDF needs more memory than the reader allows"}
    except LimitReachedError as exc:
        return {"ok": False, "kind": "too_large",
                "message": f"a stream of the PDF inflates past the reader's limit, a decompression bomb ({exc})"}
    except RecursionError:
        return {"ok": False, "kind": "corrupt", "message": "the PDF's objects nest without end"}
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, EOFError, AssertionError, ZeroDivisionError) as exc:
        return {"ok": False, "kind": "corrupt", "message": f"not a readable PDF ({type(exc).__name__}: {exc})"[:500]}


def main(argv: list[str]) -> int:
    path, max_chars, max_pages, memory = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    _limit_memory(memory)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    sys.setrecursionlimit(5000)
    try:
        result = extract(path, max_chars, max_pages)
    except ImportError as exc:
        result = {"ok": False, "kind": "unsupported", "message": f"PDF reading needs pypdf>=6 ({exc})"}
    except MemoryError:
        result = {"ok": False, "kind": "too_large", "message": "the PDF needs more memory than the reader allows"}
    except Exception as exc:  # anything else pypdf raises on a broken file
        result = {"ok": False, "kind": "corrupt", "message": f"not a readable PDF ({type(exc).__name__}: {exc})"[:500]}
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
