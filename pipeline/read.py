"""Stage 1, read: a file's bytes -> Unicode text.

Reads ``.txt`` in UTF-8 (with or without BOM) and UTF-16 (BOM). Anything
that cannot become text raises :class:`ReadError` with a ``kind`` a batch
records in its errors table: ``empty``, ``binary``, ``encoding``,
``too_large``, ``unsupported``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

MAX_BYTES = 20_000_000
"""Files larger than this are refused: no administrative document is this long."""

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})


class ReadError(Exception):
    """A file that cannot be read as a document."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def decode(data: bytes) -> str:
    """Decode bytes of a text file; raise :class:`ReadError` when they are not text."""
    if not data.strip():
        raise ReadError("empty", "the file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError("encoding", f"invalid {encoding} at byte {exc.start}") from exc
    if b"\x00" in data[:4096]:
        raise ReadError("binary", "the file holds NUL bytes: binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _looks_binary(data):
            raise ReadError("binary", "the file is binary, not text") from exc
        raise ReadError(
            "encoding", f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def read_file(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Read one document file as text."""
    path = Path(path)
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise ReadError("unsupported", f"no reader for '{path.suffix}' files")
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError("too_large", f"{size:,} bytes, over the {max_bytes:,}-byte limit")
    return decode(path.read_bytes())
