"""Stage 4b, extract action types: the cue lexicon of ANNOTATION §5.

Reads a task's text; returns its action types in the order the text states
them, the first being the main action. Cues live in ``data/action_cues.tsv``;
at each place the longest cue wins, so "tổ chức hội nghị" (organize) beats
"tổ chức thực hiện" and "chủ trì" (no action) only blocks shorter cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicon import data_rows

CLAUSE_START = re.compile(
    r"(?:^|[;:,.]\s*|\b(?:và|để|đồng\s+thời|tiếp\s+tục|khẩn\s+trương|tập\s+trung|chủ\s+động|kịp\s+thời)\s+)$",
    re.I,
)
CLAUSE_REACH = 100
"""How far back the opening of a cue's clause is looked for: its longest form is some twenty characters."""


@dataclass(frozen=True)
class ActionCue:
    action: str
    cue: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _cues() -> tuple[tuple[str, str, bool], ...]:
    rows = [(r[0], r[1], len(r) > 2 and r[2] == "initial") for r in data_rows("action_cues.tsv")]
    return tuple(sorted(rows, key=lambda r: len(r[1]), reverse=True))


@lru_cache(maxsize=1)
def cue_words() -> tuple[str, ...]:
    """Every cue with an action, for the stages that must stop a name at a verb."""
    return tuple(cue for action, cue, _ in _cues() if action != "none")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    body = "|".join(re.escape(cue).replace(r"\ ", r"\s+") for _, cue, _ in _cues())
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)


@lru_cache(maxsize=1)
def _cue_table() -> dict[str, tuple[str, bool]]:
    return {re.sub(r"\s+", " ", cue): (action, initial) for action, cue, initial in _cues()}


def find_cues(text: str) -> list[ActionCue]:
    """Cues in ``text`` left to right (longest at each place)."""
    table = _cue_table()
    out = []
    for match in _pattern().finditer(text):
        action, initial = table[re.sub(r"\s+", " ", match.group().lower())]
        if action == "none":
            continue
        # the words just before it (``^`` still means the start of the text, ``$`` the cue's place)
        if initial and not CLAUSE_START.search(text, max(0, match.start() - CLAUSE_REACH), match.start()):
            continue
        out.append(ActionCue(action, match.group(), match.start(), match.end()))
    return out


def action_types(text: str) -> list[str]:
    """Action types in order of first mention; ["other"] when no cue is found."""
    seen: list[str] = []
    for cue in find_cues(text):
        if cue.action not in seen:
            seen.append(cue.action)
    return seen or ["other"]
