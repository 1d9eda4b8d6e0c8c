"""Typed records of the output contract (``../shared/ANNOTATION.md``).

Reads nothing, writes nothing: every stage builds these, the dataset stage
serialises them. Fields beyond the contract (``span``, ``parent_issuer`` ...)
are ignored by the scorer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActionType = Literal[
    "implement",
    "draft",
    "review",
    "report",
    "advise",
    "coordinate",
    "organize",
    "inspect",
    "monitor",
    "communicate",
    "fund",
    "other",
]
ACTION_TYPES: tuple[str, ...] = ActionType.__args__  # type: ignore[attr-defined]

Recurrence = Literal["daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly"]

Span = tuple[int, int]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Reference(_Record):
    """A document cited by a task (ANNOTATION §7)."""

    text: str
    type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    issuer: str | None = None
    span: Span | None = Field(default=None, description="Character span in the normalised text.")


class DocumentInfo(_Record):
    """The document's own header and closing (ANNOTATION §2)."""

    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    meeting_date: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(
        default_factory=list, description="Documents cited in the preamble ('Căn cứ ...')."
    )


class Task(_Record):
    """One instruction to an identifiable unit (ANNOTATION §3-7)."""

    task_id: str
    section: str | None = None
    text: str
    lead_units: list[str] = Field(default_factory=list)
    support_units: list[str] = Field(default_factory=list)
    action_types: list[ActionType] = Field(default_factory=list)
    deadline_text: str | None = None
    deadline: str | None = None
    recurrence: Recurrence | None = None
    urgent: bool = False
    references: list[Reference] = Field(default_factory=list)
    span: Span | None = Field(default=None, description="Character span in the normalised text.")
    confidence: float | None = Field(
        default=None, description="The task screen's probability that this candidate is a task (null without one)."
    )


class Document(_Record):
    """A document with its tasks: one line of ``documents.jsonl``."""

    doc_id: str
    source: str | None = None
    document: DocumentInfo = Field(default_factory=DocumentInfo)
    tasks: list[Task] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=False)


class ExtractionError(_Record):
    """A file that yielded no document, with the reason (one line of ``errors.jsonl``)."""

    path: str
    doc_id: str | None = None
    kind: str
    message: str
