"""Stage 1, read: a file's bytes -> Unicode text.

:func:`read_file` picks a reader by the file's suffix and, where the suffix
lies, by its first bytes (a ``.doc`` that is really a ``.docx``, HTML or a
PDF; a ``.txt`` that is a PDF):

========================  =====================================================
``.txt`` and no suffix    UTF-8, UTF-16 (BOM, or none with its NUL pattern), Windows-1258,
                          TCVN3, VNI; VIQR and legacy fonts in Unicode text (:mod:`pipeline.legacy`)
``.docx``                 :mod:`pipeline.read_docx` (paragraphs and tables in reading order)
``.pdf``                  :mod:`pipeline.read_pdf` (text layer in a time-limited child process; OCR optional)
``.doc``                  :mod:`pipeline.read_doc` (antiword / catdoc when installed)
``.html``, ``.htm``       :mod:`pipeline.read_html`
``.zip``                  checked (:mod:`pipeline.archive`) and refused: the batch expands archives
========================  =====================================================

Anything that cannot become text raises :class:`ReadError` with a ``kind``
that a batch records in its errors table; ``KINDS`` lists them. The size is
checked on the file's metadata before it is read, and a file is read once.
See ``docs/READERS.md``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

MAX_BYTES = 20_000_000
"""Files larger than this are refused: no administrative document is this long."""

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
FORMATS = {
    **dict.fromkeys(TEXT_SUFFIXES, "text"),
    ".docx": "docx", ".docm": "docx", ".dotx": "docx",
    ".pdf": "pdf",
    ".doc": "doc", ".dot": "doc",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".zip": "zip",
}
KINDS = {
    "empty": "the file holds no text",
    "binary": "the file is binary (an image, an executable, ...), not a document",
    "encoding": "text in no encoding that reads as Vietnamese",
    "too_large": "over a size, page or memory limit",
    "unsupported": "a format with no reader (or a reader whose tool is not installed)",
    "corrupt": "a .docx, .pdf, .doc or .zip that is truncated or broken",
    "scanned_pdf": "a PDF of page images with no text layer (OCR is off or not installed)",
    "encrypted": "a password-protected PDF or zip member",
    "zip_bomb": "a zip container that inflates past the limits",
    "unsafe_xml": "XML with a DTD or entity declarations (billion laughs, external entities)",
    "unsafe_path": "a zip member with an absolute or '..' path, or a link",
    "too_deep": "HTML nested deeper than the limit",
    "timeout": "a reader ran past its time limit",
}
HEAD_BYTES = 8192


class ReadError(Exception):
    """A file that cannot be read as a document."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# -- text -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode bytes of a text file; raise :class:`ReadError` when they are not text.

    BOMs first (UTF-8, UTF-16), then UTF-16 without a BOM (told by its NUL
    bytes), then UTF-8, then Windows-1258 / TCVN3 / VNI, whichever reads as
    Vietnamese. The result is NFC, with text in legacy encodings converted.
    """
    from pipeline import legacy

    if not data.strip():
        raise ReadError("empty", "the file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _finish(data.decode(encoding), legacy)
            except UnicodeDecodeError as exc:
                raise ReadError("encoding", f"invalid {encoding} at byte {exc.start}") from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _finish(utf16, legacy)
    if b"\x00" in data[:4096]:
        raise ReadError("binary", "the file holds NUL bytes: binary, not text")
    try:
        return _finish(data.decode("utf-8"), legacy)
    except UnicodeDecodeError as exc:
        if _looks_binary(data):
            raise ReadError("binary", "the file is binary, not text") from exc
        found = legacy.decode_bytes(data)
        if found is not None:
            return _finish(found[0], legacy)
        raise ReadError(
            "encoding", f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}), and no "
                        "Vietnamese in Windows-1258, TCVN3 or VNI either"
        ) from exc


def _finish(text: str, legacy) -> str:
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ReadError("empty", "the file holds only white space")
    return legacy.fix_text(text)[0]


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text written without a BOM: every other byte is NUL for Latin letters."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        other = even if zeros is odd else odd
        if zeros.count(0) > len(zeros) * 0.3 and other.count(0) < len(other) * 0.05:
            try:
                text = data[: len(data) - len(data) % 2].decode(encoding)
            except UnicodeDecodeError:
                return None
            control = sum(1 for c in text[:2048] if ord(c) < 32 and c not in "\t\n\r\f")
            return text if control < 0.02 * min(len(text), 2048) + 1 else None
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


# -- format sniffing ---------------------------------------------------------------

BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", None), (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"), (b"\x7fELF", "an executable"),
    (b"MZ", None), (b"%!PS", "a PostScript file"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                        rb"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes announce: zip, pdf, ole, rtf, html, or None."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    at = head.find(b"%PDF-", 0, 1024)
    if at == 0 or (at > 0 and (not head[:at].strip() or not head[:at].isascii())):  # junk before the header
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if HTML_START.match(head[:4096]):
        return "html"
    return None


def _binary_kind(head: bytes) -> str | None:
    for magic, what in BINARY_MAGIC:
        if what and head.startswith(magic):
            return what
    return None


# -- dispatch ----------------------------------------------------------------------


def read_file(path: str | Path, max_bytes: int = MAX_BYTES, *, ocr: bool | None = None) -> str:
    """Read one document file as text; raise :class:`ReadError` when it cannot be.

    ``ocr`` turns OCR of scanned PDFs on or off (default: env ``NHIEMVU_OCR``).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError("too_large", f"{size:,} bytes, over the {max_bytes:,}-byte limit")
        if size == 0:
            raise ReadError("empty", "the file is empty")
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise ReadError("unsupported", f"cannot open the file ({exc.strerror or exc})") from exc
    suffix = path.suffix.lower()
    by_suffix = FORMATS.get(suffix)
    container = sniff(head)
    text = _read_as(path, suffix, by_suffix, container, head, ocr)
    if not text.strip():
        raise ReadError("empty", "the document holds no text")
    return text


def _read_as(path: Path, suffix: str, by_suffix: str | None, container: str | None, head: bytes,
             ocr: bool | None) -> str:
    if container == "zip":
        if by_suffix == "zip":
            return _refuse_zip(path)
        from pipeline.read_docx import read_docx

        return read_docx(path)
    if container == "pdf":
        from pipeline.read_pdf import read_pdf

        return read_pdf(path, ocr=ocr)
    if container == "ole":
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise ReadError("encrypted", "a password-protected Office document")
        if by_suffix not in ("doc", "docx", "text"):
            raise ReadError("unsupported", f"an OLE compound file ({suffix or 'no suffix'}): only Word .doc is read")
        from pipeline.read_doc import read_doc

        return read_doc(path)
    if container == "rtf":
        raise ReadError("unsupported", "an RTF file: no RTF reader (save it as .docx)")
    if container == "html" and by_suffix in ("html", "text", "doc"):
        from pipeline.read_html import read_html

        return read_html(path.read_bytes())
    if by_suffix in ("docx", "pdf", "doc", "zip"):
        what = _binary_kind(head)
        raise ReadError("corrupt", f"a {suffix} file that is not one" + (f" ({what})" if what else
                                   f": it does not start like a {suffix} file (truncated or damaged)"))
    if by_suffix == "html":
        from pipeline.read_html import read_html

        return read_html(path.read_bytes())
    if by_suffix != "text":
        raise ReadError("unsupported", f"no reader for '{suffix}' files")
    what = _binary_kind(head)
    if what:
        raise ReadError("binary", f"{what}, not text")
    return decode(path.read_bytes())


def _refuse_zip(path: Path) -> str:
    from pipeline.archive import check_archive

    names = check_archive(path)  # an unsafe archive gets its own error (unsafe_path, zip_bomb, ...)
    raise ReadError("unsupported", f"a .zip archive of {len(names)} file(s): archives are expanded by the batch "
                                   "(pipeline.archive.iter_zip_members), not read as one document")
