"""How many gold unit names the unit extractor's mentions reach, before and after pipeline.unit_names.

Over the train and dev documents of data/split.json (never test): for every gold task, is each gold lead
and support unit (compared by ``unit_key``) among

(a) the names of ``pipeline.units.find_units(task text)`` as they are;
(b) the same plus, for each name, ``expand_abbreviations``, ``expand_list`` and ``Gazetteer.lookup``;
(c) (b) plus ``expand_list`` run on each mention's clause (up to ";" or ".", so that "các Sở: Công Thương,
    Tài chính" is read whole) and the names ``Gazetteer.find`` finds in the task text.

The ceiling row counts gold names whose key occurs in the key of the text at all. The same again on the task
text plus its gold section heading (where most lead units are named). Prints Markdown tables and the number
of gold unit names that the gazetteer holds.
usage: python benchmarks/unit_names_coverage.py [CORPUS]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.annotations import load_gold, load_split
from pipeline.unit_names import Gazetteer, expand_abbreviations, expand_list, unit_key
from pipeline.units import UnitMention, find_units

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("lead_units", "support_units")


def as_found(text: str, mentions: list[UnitMention], gazetteer: Gazetteer) -> set[str]:
    return {unit_key(m.name) for m in mentions}


def normalised(text: str, mentions: list[UnitMention], gazetteer: Gazetteer) -> set[str]:
    keys = as_found(text, mentions, gazetteer)
    for m in mentions:
        names = [expand_abbreviations(m.name), *expand_list(m.name, gazetteer), gazetteer.lookup(m.name)]
        keys |= {unit_key(n) for n in names if n}
    return keys


def with_context(text: str, mentions: list[UnitMention], gazetteer: Gazetteer) -> set[str]:
    keys = normalised(text, mentions, gazetteer)
    for m in mentions:
        clause = re.split(r"[;.\n]", text[m.start :], maxsplit=1)[0]
        keys |= {unit_key(n) for n in expand_list(clause, gazetteer)}
    keys |= {unit_key(name) for _, _, name in gazetteer.find(text)}
    return keys


METHODS: dict[str, Callable[[str, list[UnitMention], Gazetteer], set[str]]] = {
    "(a) find_units as is": as_found,
    "(b) + expand/lookup": normalised,
    "(c) + clause lists, Gazetteer.find": with_context,
}
CEILING = "ceiling: gold name literally in the text (by key)"


def recall(tasks: list[dict], gazetteer: Gazetteer, with_section: bool) -> dict[tuple[str, str], int]:
    """Gold units found, by (method, role)."""
    hits = {(method, role): 0 for method in [*METHODS, CEILING] for role in ROLES}
    for task in tasks:
        texts = [task["text"], task.get("section") or ""] if with_section else [task["text"]]
        found = {method: set().union(*(fn(t, find_units(t), gazetteer) for t in texts))
                 for method, fn in METHODS.items()}
        text_keys = [f" {unit_key(t)} " for t in texts]
        for role in ROLES:
            for key in (unit_key(u) for u in task.get(role) or []):
                for method, keys in found.items():
                    hits[method, role] += key in keys
                hits[CEILING, role] += any(f" {key} " in t for t in text_keys)
    return hits


def main(corpus: Path) -> None:
    split = load_split(ROOT / "data" / "split.json")
    ids = set(split["train"]) | set(split["dev"])
    gold = load_gold(ROOT / "data" / "annotations", corpus, doc_ids=ids)
    gazetteer = Gazetteer.load()
    tasks = [task for doc in gold.values() for task in doc["tasks"]]
    totals = {role: sum(len(task.get(role) or []) for task in tasks) for role in ROLES}
    print(f"{len(gold)} documents (train + dev), {len(tasks)} tasks, {totals['lead_units']} gold lead and "
          f"{totals['support_units']} gold support units")
    for title, with_section in (("task text", False), ("task text + section heading", True)):
        hits = recall(tasks, gazetteer, with_section)
        print(f"\n| candidates from the {title} | lead recall | support recall |")
        print("|---|---|---|")
        for method in [*METHODS, CEILING]:
            cells = [f"{hits[method, r] / totals[r]:.3f} ({hits[method, r]}/{totals[r]})" for r in ROLES]
            print(f"| {method} | {' | '.join(cells)} |")
    names: dict[str, int] = {}
    for task in tasks:
        for role in ROLES:
            for unit in task.get(role) or []:
                names[unit_key(unit)] = names.get(unit_key(unit), 0) + 1
    known = [key for key in names if gazetteer.lookup(key)]
    print(f"\nGold unit names in the gazetteer ({len(gazetteer)} names): {len(known)} of {len(names)} distinct names, "
          f"{sum(names[k] for k in known)} of {sum(names.values())} occurrences.")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
