"""nhiemvu: tasks, units, deadlines and citations from Vietnamese administrative documents.

The public API::

    from pipeline import extract, suggest
    doc = extract("notice.txt")          # a path, or the text itself
    doc.tasks[0].lead_units
    suggest("Rà soát quy hoạch cụm công nghiệp", k=5, candidates=None)   # lead units for a draft task

Stages, one module each: read -> normalise -> structure -> extract
(header, units, actions, deadlines, references) -> tasks -> screen -> dataset.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from pipeline.header import document_info
from pipeline.models import Document, DocumentInfo, ExtractionError, Reference, Task
from pipeline.normalise import normalise
from pipeline.read import ReadError, read_file
from pipeline.screen import screen_tasks
from pipeline.structure import parse
from pipeline.tasks import assemble

__all__ = [
    "Document",
    "DocumentInfo",
    "ExtractionError",
    "NotADocument",
    "ReadError",
    "Reference",
    "Task",
    "extract",
    "extract_text",
    "looks_administrative",
    "suggest",
]
__version__ = "0.1.0"


class NotADocument(ReadError):
    """Text that has none of the marks of an administrative document."""

    def __init__(self, message: str) -> None:
        super().__init__("not_a_document", message)


def extract_text(text: str, doc_id: str = "document", source: str | None = None) -> Document:
    """Extract one document from its text."""
    clean = normalise(text)
    structure = parse(clean)
    info = document_info(structure)
    if not looks_administrative(info):
        raise NotADocument("no document header (type, number, date or issuer) was found")
    return Document(doc_id=doc_id, source=source, document=info, tasks=screen_tasks(assemble(structure, info), info))


def extract(path_or_text: str | Path, doc_id: str | None = None) -> Document:
    """Extract one document from a file path or from the text itself."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and len(path_or_text) < 4096
        and Path(path_or_text).is_file()
    ):
        path = Path(path_or_text)
        return extract_text(read_file(path), doc_id=doc_id or path.stem, source=str(path))
    return extract_text(str(path_or_text), doc_id=doc_id or "document")


def looks_administrative(info: DocumentInfo) -> bool:
    """Does the header have at least one mark of an administrative document (type, number, date, issuer)?"""
    return any(x is not None for x in (info.doc_type, info.symbol, info.issued_date, info.issuer))


def suggest(text: str, k: int = 5, candidates: list[str] | None = None, kinds: Collection[str] | None = None,
            prefer: list[str] | None = None) -> list:
    """Rank lead units for a draft task text with the shipped suggester (:mod:`pipeline.suggester`).

    ``candidates`` restricts and normalises the ranking to those unit names (the draft's addressees, the
    organisation's units), units never seen in training included. ``kinds`` keeps only some kinds of lead
    ("unit", "office", "person"). ``prefer`` (the units the rest of the draft names:
    ``pipeline.suggester.document_units``) ranks those first and fills the rest of ``k`` from all units. Each
    suggestion has its unit, its score, its kind and the past tasks behind it.
    """
    from pipeline.suggester import suggest as rank  # the model loads on first use, not on import

    return rank(text, k=k, candidates=candidates, kinds=kinds, prefer=prefer)
