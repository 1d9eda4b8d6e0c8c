"""spaCy integration: an underthesea tokenizer for ``spacy.blank("vi")`` and the ``nhiemvu`` component.

Importing this module registers both with spaCy (no entry point is needed)::

    import pipeline.spacy_vi

    nlp = pipeline.spacy_vi.blank()     # spacy.blank("vi") with the underthesea tokenizer
    nlp.add_pipe("nhiemvu")
    doc = nlp(text)
    doc.spans["tasks"][0]._.lead_units  # one Span per task
    doc._.nhiemvu_document              # the pydantic Document

Tokenizer ``nhiemvu.underthesea_tokenizer.v1``: the words of
:func:`pipeline.tokenize.tokenize` (underthesea segmentation, citations, dates
and unit names kept whole) become the tokens, so "Sở Kế hoạch và Đầu tư" is one
token. White space follows spaCy's convention: one plain space after a word is
that token's ``whitespace_``, any other run (line breaks, several spaces) is a
token of its own, so ``doc.text`` is always the input text.

Component ``nhiemvu``: runs :func:`pipeline.extract_text` on ``doc.text`` and
writes the result onto the Doc. The extractor's offsets are into the
*normalised* text (:func:`pipeline.normalise.normalise`). When that text is
``doc.text`` itself (up to leading and trailing line breaks) they are used as
they are; otherwise the normalised text is aligned with ``doc.text`` word by
word and every span is mapped through its first and last aligned words (see
:class:`_Locator`), so the component accepts raw text: CRLF line ends, NFD,
wrapped lines, emphasis marks and page numbers. Spans are made with
``doc.char_span(..., alignment_mode="expand")``. A task that cannot be located
gets no span (it stays in ``doc._.nhiemvu_document``) and a warning.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.util import DummyTokenizer
    from spacy.vocab import Vocab
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("pipeline.spacy_vi needs spaCy: pip install 'spacy>=3.7.4,<4'") from exc

from pipeline.models import Document, Reference, Task
from pipeline.normalise import normalise
from pipeline.tokenize import tokenize

__all__ = [
    "COMPONENT",
    "TOKENIZER",
    "NhiemvuComponent",
    "UndertheseaTokenizer",
    "blank",
    "words_and_spaces",
]

TOKENIZER = "nhiemvu.underthesea_tokenizer.v1"
COMPONENT = "nhiemvu"
DOCUMENT_KEY = "nhiemvu.document"
"""``doc.user_data`` key of the extracted Document as JSON (a string, so DocBin and ``to_bytes`` keep it)."""

TASK_ATTRS = ("task_id", "lead_units", "support_units", "action_types", "deadline", "deadline_text")
NON_SPACE = re.compile(r"\S+")


# -- tokenizer ----------------------------------------------------------------------


def words_and_spaces(text: str, protect: bool = True) -> tuple[list[str], list[bool]]:
    """``words`` and ``spaces`` for :class:`spacy.tokens.Doc` such that the Doc's text is ``text``."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for token in tokenize(text, protect=protect):
        start, end = max(token.start, pos), token.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        spans.extend(_leftovers(text, pos, start))
        spans.append((start, end))
        pos = end
    spans.extend(_leftovers(text, pos, len(text)))
    # spaCy's convention (spacy.util.get_words_and_spaces): one " " after a word is its trailing
    # space; any other white space run is a token of its own.
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for start, end in spans:
        if start > pos:
            words.append(text[pos:start])
            spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        pos = end
        if pos < len(text) and text[pos] == " ":
            spaces[-1] = True
            pos += 1
    if pos < len(text):
        words.append(text[pos:])
        spaces.append(False)
    return words, spaces


def _leftovers(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Characters the segmenter skipped (it may drop or rewrite odd symbols): one token per run."""
    return [(start + m.start(), start + m.end()) for m in NON_SPACE.finditer(text[start:end])]


class UndertheseaTokenizer(DummyTokenizer):
    """Vietnamese words (underthesea, protected spans) as spaCy tokens; ``doc.text`` is the input."""

    def __init__(self, vocab: Vocab, protect: bool = True) -> None:
        self.vocab = vocab
        self.protect = protect

    def __reduce__(self):  # picklable, for nlp.pipe(n_process=...)
        return UndertheseaTokenizer, (self.vocab, self.protect)

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(text, self.protect)
        return Doc(self.vocab, words=words, spaces=spaces)


@spacy.registry.tokenizers(TOKENIZER)
def create_underthesea_tokenizer(protect: bool = True) -> Callable[[Language], UndertheseaTokenizer]:
    """``[nlp.tokenizer] @tokenizers = "nhiemvu.underthesea_tokenizer.v1"``; ``protect`` keeps
    citations, dates and unit names whole."""

    def make(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab, protect=protect)

    return make


def blank(protect: bool = True, **kwargs) -> Language:
    """``spacy.blank("vi")`` with the underthesea tokenizer instead of pyvi."""
    config = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER, "protect": protect}}}
    return spacy.blank("vi", config=config, **kwargs)


# -- component ----------------------------------------------------------------------


def _document(doc: Doc) -> Document | None:
    data = doc.user_data.get(DOCUMENT_KEY)
    return Document.model_validate_json(data) if data else None


def _register_extensions() -> None:
    if not Doc.has_extension("nhiemvu_document"):
        Doc.set_extension("nhiemvu_document", getter=_document)
    for attr in (*TASK_ATTRS, "reference"):
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)


_register_extensions()


class _Locator:
    """Maps spans of the normalised text (the extractor's offsets) to spans of ``doc.text``.

    When the normalised text is ``doc.text`` up to leading and trailing line breaks the
    offsets are shifted. Otherwise the two texts are aligned word by word (white-space
    separated words, compared in NFC without emphasis marks, by :func:`align`):
    normalisation only changes white space, drops emphasis and page-number
    lines and reorders two-column headers, so nearly every word has its counterpart. A
    span is mapped through its first and last aligned words.
    """

    def __init__(self, text: str) -> None:
        self.normalised = normalised = normalise(text)
        lead = len(text) - len(text.lstrip("\n"))
        self.shift: int | None = lead if text[lead:].rstrip("\n") == normalised.rstrip("\n") else None
        if self.shift is not None:
            return
        self.original_words = _words(text)
        self.normalised_words = _words(normalised)
        self.norm_starts = [w[1] for w in self.normalised_words]
        self.norm_ends = [w[2] for w in self.normalised_words]
        self.to_original = align([w[0] for w in self.original_words], [w[0] for w in self.normalised_words])

    def __call__(self, start: int, end: int) -> tuple[int, int] | None:
        """The span of ``doc.text`` for the span ``start, end`` of the normalised text (None: not found)."""
        if self.shift is not None:
            return start + self.shift, end + self.shift
        first = bisect_right(self.norm_ends, start)  # first word ending after start
        last = bisect_left(self.norm_starts, end) - 1  # last word starting before end
        aligned = [j for j in range(first, last + 1) if j in self.to_original]
        if not aligned:
            return None
        j0, j1 = aligned[0], aligned[-1]
        w0, w1 = self.original_words[self.to_original[j0]], self.original_words[self.to_original[j1]]
        n0, n1 = self.normalised_words[j0], self.normalised_words[j1]
        # inside a word, keep the offset when the two words are printed alike
        begin = w0[1] + max(0, start - n0[1]) if w0[3] == n0[3] else w0[1]
        finish = w1[2] - max(0, n1[2] - end) if w1[3] == n1[3] else w1[2]
        return (begin, finish) if begin < finish else None


def align(a: list[str], b: list[str]) -> dict[int, int]:
    """Pairs of equal items of ``a`` and ``b`` in order, as ``{index in b: index in a}`` (patience diff:
    items unique in both sides anchor the alignment, the gaps between anchors are aligned recursively
    and, once they have no unique items left, by difflib; fast on long, nearly equal texts)."""
    pairs: dict[int, int] = {}
    stack = [(0, len(a), 0, len(b))]
    while stack:
        a_lo, a_hi, b_lo, b_hi = stack.pop()
        while a_lo < a_hi and b_lo < b_hi and a[a_lo] == b[b_lo]:  # common head
            pairs[b_lo] = a_lo
            a_lo, b_lo = a_lo + 1, b_lo + 1
        while a_lo < a_hi and b_lo < b_hi and a[a_hi - 1] == b[b_hi - 1]:  # common tail
            a_hi, b_hi = a_hi - 1, b_hi - 1
            pairs[b_hi] = a_hi
        if a_lo == a_hi or b_lo == b_hi:
            continue
        anchors = _unique_anchors(a, b, a_lo, a_hi, b_lo, b_hi)
        if not anchors:
            if (a_hi - a_lo) * (b_hi - b_lo) <= 4_000_000:
                matcher = SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
                for i, j, size in matcher.get_matching_blocks():
                    pairs.update((b_lo + j + k, a_lo + i + k) for k in range(size))
            continue
        prev_a, prev_b = a_lo, b_lo
        for i, j in anchors:
            pairs[j] = i
            stack.append((prev_a, i, prev_b, j))
            prev_a, prev_b = i + 1, j + 1
        stack.append((prev_a, a_hi, prev_b, b_hi))
    return pairs


def _unique_anchors(a: list[str], b: list[str], a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> list[tuple[int, int]]:
    """Items that occur once in ``a[a_lo:a_hi]`` and once in ``b[b_lo:b_hi]``: the longest run of them in order."""
    count_a = Counter(a[a_lo:a_hi])
    count_b = Counter(b[b_lo:b_hi])
    where = {a[i]: i for i in range(a_lo, a_hi) if count_a[a[i]] == 1 and count_b.get(a[i]) == 1}
    candidates = [(where[b[j]], j) for j in range(b_lo, b_hi) if b[j] in where]
    # longest increasing subsequence of the a indices (patience sorting)
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = [-1] * len(candidates)
    for n, (i, _) in enumerate(candidates):
        k = bisect_left(tails, i)
        if k == len(tails):
            tails.append(i)
            tail_at.append(n)
        else:
            tails[k] = i
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    out = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        out.append(candidates[n])
        n = back[n]
    return out[::-1]


WORD = re.compile(r"\S+")


def _words(text: str) -> list[tuple[str, int, int, str]]:
    """(comparison key, start, end, text) of every white-space separated word."""
    out = []
    for m in WORD.finditer(text):
        key = unicodedata.normalize("NFC", m.group()).replace("*", "").replace("\ufeff", "")
        if key:
            out.append((key, m.start(), m.end(), m.group()))
    return out


class NhiemvuComponent:
    """Sets ``doc.spans[tasks_key]``, ``doc.spans[references_key]`` and ``doc._.nhiemvu_document``.

    Task spans carry ``task_id``, ``lead_units``, ``support_units``, ``action_types``,
    ``deadline`` and ``deadline_text`` as ``span._`` attributes; reference spans carry
    ``task_id`` (None for the "Căn cứ" lines) and ``reference`` (the citation as a dict).
    Text that is not an administrative document gets empty span groups and
    ``doc._.nhiemvu_document`` None, unless ``strict`` is set.
    """

    def __init__(self, nlp: Language, name: str, tasks_key: str = "tasks", references_key: str = "references",
                 strict: bool = False) -> None:
        self.name = name
        self.tasks_key = tasks_key
        self.references_key = references_key
        self.strict = strict

    def __call__(self, doc: Doc) -> Doc:
        from pipeline import NotADocument, extract_text

        doc.spans[self.tasks_key] = []
        doc.spans[self.references_key] = []
        doc.user_data[DOCUMENT_KEY] = None
        try:
            result = extract_text(doc.text)
        except NotADocument:
            if self.strict:
                raise
            return doc
        doc.user_data[DOCUMENT_KEY] = result.model_dump_json()
        locate = _Locator(doc.text)
        tasks: list[Span] = []
        references: list[Span] = []
        for ref in result.document.references:
            where = ref.span if ref.span and locate.normalised[ref.span[0]:ref.span[1]] == ref.text else None
            found = locate(*where) if where else None
            if found and (span := _span(doc, found, "REFERENCE")) is not None:
                span._.reference = ref.model_dump(exclude={"span"})
                references.append(span)
        for task in result.tasks:
            found = locate(*task.span) if task.span else None
            span = _span(doc, found, "TASK") if found else None
            if span is None:
                warnings.warn(f"nhiemvu: task {task.task_id} could not be located in doc.text", stacklevel=2)
                continue
            for attr in TASK_ATTRS:
                value = getattr(task, attr)
                setattr(span._, attr, [str(v) for v in value] if isinstance(value, list) else value)
            tasks.append(span)
            for ref in task.references:
                where = _citation_span(locate.normalised, task, ref)
                place = locate(*where) if where else None
                if place and (ref_span := _span(doc, place, "REFERENCE")) is not None:
                    ref_span._.task_id = task.task_id
                    ref_span._.reference = ref.model_dump(exclude={"span"})
                    references.append(ref_span)
        doc.spans[self.tasks_key] = tasks
        doc.spans[self.references_key] = sorted(references, key=lambda s: (s.start_char, s.end_char))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


def _citation_span(normalised: str, task: Task, ref: Reference) -> tuple[int, int] | None:
    """A task's citation in the normalised text: its span is read as offsets into that text, else
    into the task's text; failing both, its text is looked up inside the task."""
    if task.span is None:
        return None
    if ref.span:
        start, end = ref.span
        if task.span[0] <= start and end <= task.span[1] and normalised[start:end] == ref.text:
            return start, end
        if task.text[start:end] == ref.text:
            return task.span[0] + start, task.span[0] + end
    found = normalised.find(ref.text, task.span[0], task.span[1])
    return (found, found + len(ref.text)) if found >= 0 else None


def _span(doc: Doc, found: tuple[int, int], label: str) -> Span | None:
    return doc.char_span(found[0], found[1], label=label, alignment_mode="expand")


@Language.factory(
    COMPONENT,
    default_config={"tasks_key": "tasks", "references_key": "references", "strict": False},
    assigns=["doc.spans", "doc._.nhiemvu_document"],
)
def create_nhiemvu_component(nlp: Language, name: str, tasks_key: str, references_key: str,
                             strict: bool) -> NhiemvuComponent:
    return NhiemvuComponent(nlp, name, tasks_key=tasks_key, references_key=references_key, strict=strict)
