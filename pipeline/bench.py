"""`make bench`: speed and memory of batch extraction, as ratios to baselines measured in the same run.

Builds an archive by sampling real corpus documents (2,000 by default, with
replacement, seeded), then measures on the same texts:

* the baseline: underthesea ``word_tokenize`` alone, one process;
* ``nhiemvu extract`` with 1 worker and with 2 workers (each in a subprocess,
  so its peak RSS is its own).

Prints documents/s, syllables/s, the ratio to the tokenizer alone, the 2-vs-1
worker speed-up and the peak RSS. Nothing is asserted: figures, not tests.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_archive(corpus: Path, n: int, seed: int, target: Path) -> list[Path]:
    """``n`` documents sampled with replacement from the working documents of ``corpus``."""
    pool = sorted(p for folder in ("laocai", "hanoi", "seed") for p in (corpus / folder).glob("*.txt"))
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        source = rng.choice(pool)
        copy = target / f"{i:05d}-{source.name}"
        shutil.copy(source, copy)
        out.append(copy)
    return out


def tokenizer_alone(files: list[Path]) -> float:
    from underthesea import word_tokenize

    started = time.perf_counter()
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                word_tokenize(line, use_token_normalize=False)
    return time.perf_counter() - started


def extract_run(archive: Path, out: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `nhiemvu extract` in a subprocess."""
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(archive), "--out", str(out),
               "--workers", str(workers), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak


def _progress(message: str) -> None:
    """A line on stderr while the runs go on (the table comes at the end)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = build_archive(args.corpus, args.docs, args.seed, Path(tmp) / "archive")
        syllables = sum(len(re.findall(r"\w+", p.read_text(encoding="utf-8"))) for p in files)
        _progress(f"{len(files)} documents sampled; 1/3 the baseline: underthesea word_tokenize alone")
        base = tokenizer_alone(files)
        _progress(f"baseline {base:.0f} s; 2/3 nhiemvu extract, 1 worker")
        one, rss_one = extract_run(Path(tmp) / "archive", Path(tmp) / "out1", 1)
        _progress(f"1 worker {one:.0f} s; 3/3 nhiemvu extract, 2 workers")
        two, rss_two = extract_run(Path(tmp) / "archive", Path(tmp) / "out2", 2)
    print(f"archive: {len(files)} documents sampled from {args.corpus} (seed {args.seed}), {syllables:,} syllables")
    print("| run | seconds | documents/s | syllables/s | vs tokenizer alone | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    print(f"| underthesea word_tokenize alone | {base:.1f} | {len(files) / base:.1f} | "
          f"{syllables / base:,.0f} | 1.00 | |")
    runs = (("nhiemvu extract, 1 worker", one, rss_one), ("nhiemvu extract, 2 workers", two, rss_two))
    for name, seconds, rss in runs:
        print(f"| {name} | {seconds:.1f} | {len(files) / seconds:.1f} | {syllables / seconds:,.0f} | "
              f"{base / seconds:.2f} | {rss:.0f} |")
    print(f"2 workers vs 1: {one / two:.2f}x")


if __name__ == "__main__":
    main()
