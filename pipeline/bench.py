"""`make bench`: pipeline speed and memory as ratios to a baseline measured in the same run.

Baseline: reading each file, NFC and splitting it into syllables (the least any
pipeline must do). Reported: documents/s and syllables/s of both, their ratio,
and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import resource
import time
import unicodedata
from pathlib import Path

from pipeline import extract_text
from pipeline.dataset import iter_files
from pipeline.read import ReadError, read_file


def _texts(paths: list[str], limit: int) -> list[str]:
    texts = []
    for path in iter_files(paths):
        try:
            texts.append(read_file(path))
        except ReadError:
            continue
        if len(texts) >= limit:
            break
    return texts


def _timed(fn, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        with contextlib.suppress(ReadError):
            fn(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "laocai"
    parser.add_argument("paths", nargs="*", default=[str(default)])
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()
    texts = _texts(args.paths, args.limit)
    syllables = sum(len(re.findall(r"\w+", t)) for t in texts)
    base = _timed(lambda t: re.findall(r"\w+", unicodedata.normalize("NFC", t)), texts)
    pipe = _timed(extract_text, texts)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(texts)}  syllables: {syllables:,}")
    print(f"baseline (NFC + syllable split): {len(texts) / base:10.1f} docs/s  {syllables / base:12,.0f} syl/s")
    print(f"pipeline (extract_text):         {len(texts) / pipe:10.1f} docs/s  {syllables / pipe:12,.0f} syl/s")
    print(f"ratio pipeline/baseline throughput: {base / pipe:.4f}")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
