"""Extraction time on damaged text, as ratios to the same documents undamaged, measured in the same run.

Archives hold text that lost its line breaks (a PDF text layer read as one paragraph), its marks (old
ASCII copies), its case (OCR of titles), or that was pasted several times into one file. Each damage is
applied to the same sample of corpus working documents, and ``pipeline.extract_text`` is timed on
every text in this process (one core). Prints, per damage, the total time, its ratio to the undamaged
texts, and the worst single document's ratio (a slow path shows there first: before session 16 a text
without line breaks took up to 170 times as long as with them, from subject splitting that read the whole
rest of the paragraph at each clause). Nothing is asserted: figures, not tests.

    .venv/bin/python benchmarks/bench_damaged.py             # 80 documents, seed 2026
    .venv/bin/python benchmarks/bench_damaged.py --docs 0    # every working document
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pipeline import NotADocument, extract_text
from pipeline.lexicon import fold

ROOT = Path(__file__).resolve().parent.parent


DAMAGES: dict[str, Callable[[str], str]] = {
    "line breaks lost": lambda text: " ".join(text.split("\n")),
    "marks lost": fold,
    "upper case": str.upper,
    "pasted 4 times": lambda text: "\n".join([text] * 4),
}
"""What each damage does to a text; "pasted 4 times" should take about 4 times as long."""


def seconds(text: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(NotADocument):
        extract_text(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--docs", type=int, default=80, help="documents sampled (0: all)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    pool = sorted(p for folder in ("laocai", "hanoi", "seed") for p in (args.corpus / folder).glob("*.txt"))
    if not pool:
        sys.exit(f"no corpus texts under {args.corpus}")
    paths = random.Random(args.seed).sample(pool, args.docs) if 0 < args.docs < len(pool) else pool
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in paths}
    seconds(next(iter(texts.values())))  # models and patterns loaded before any timing
    base = {name: seconds(text) for name, text in texts.items()}
    total = sum(base.values())
    print(f"{len(texts)} corpus documents (seed {args.seed}), {sum(map(len, texts.values())):,} characters; "
          f"undamaged: {total:.1f} s")
    print("| damage | seconds | vs undamaged | worst document: ratio | worst document |")
    print("|---|---|---|---|---|")
    for damage, apply in DAMAGES.items():
        timed = {name: seconds(apply(text)) for name, text in texts.items()}
        worst = max(timed, key=lambda name: timed[name] / max(base[name], 0.005))
        print(f"| {damage} | {sum(timed.values()):.1f} | {sum(timed.values()) / total:.2f} | "
              f"{timed[worst] / max(base[worst], 0.005):.1f} | {worst[:60]} |", flush=True)


if __name__ == "__main__":
    main()
