"""Latency of the drafting assistant's API: p50/p95 of /suggest and /extract under concurrent clients.

Starts ``python -m pipeline.serve`` (uvicorn) on a free loopback port, waits
until it is warm, then runs two phases with ``--clients`` threads (each its
own keep-alive HTTP connection, one request in flight; a latency runs from
sending the request to having read the whole answer) and a bounded number of
requests:

* /suggest on real task texts: the tasks that /extract finds in the notices,
  each distinct text once (cold), then all of them again (the server's cache
  of rankings, which serves a draft re-analysed as it is typed);
* /extract on real notices of about two pages: the files of ``--corpus``
  between ``--min-bytes`` and ``--max-bytes`` (default 5-10 kB; the bundled
  sample notice, two printed pages, is 6.7 kB), or the bundled sample when
  the corpus is absent.

Prints the figures and the targets (/suggest p95 <= 30 ms, /extract p95 <=
300 ms at 8 clients), the load average, and the CPU time per request of the
server (with its pool) and of this load generator; writes nothing. Client and
server share this machine's CPUs, as a drafter's browser and a small office
server would not: the default client (``http.client``) spends 0.2-0.7 ms of
CPU per request, ``--client httpx`` (the figures before 2026-11-25 23:00)
1.4-6 ms.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "laocai"
SAMPLE = ROOT / "data" / "samples" / "dongthap-skhcn-tb-2020-06.txt"
TARGETS_MS = {"/suggest": 30.0, "/extract": 300.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: str | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline.serve", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]
    if workers is not None:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    server.kill()
    raise SystemExit("the server did not answer /health within 180 s")


def notices(corpus: Path, min_bytes: int, max_bytes: int, limit: int) -> list[str]:
    from pipeline.read import ReadError, read_file

    texts = []
    if corpus.is_dir():
        for path in sorted(corpus.iterdir()):
            if path.is_file() and min_bytes <= path.stat().st_size <= max_bytes:
                try:
                    texts.append(read_file(path))
                except ReadError:
                    continue
            if len(texts) >= limit:
                break
    return texts or [SAMPLE.read_text(encoding="utf-8")]


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) of the server process and its live children (the pipeline pool)."""
    try:
        import psutil  # installed with dask[distributed]
    except ImportError:
        return float("nan")
    if pid is None:
        return float("nan")

    try:
        process = psutil.Process(pid)
        total = sum(process.cpu_times()[:2])
        for child in process.children(recursive=True):
            try:
                total += sum(child.cpu_times()[:2])
            except psutil.NoSuchProcess:
                continue
        return total
    except psutil.NoSuchProcess:
        return float("nan")


def run(base: str, route: str, bodies: list[dict], clients: int, requests: int,
        client: str = "stdlib") -> tuple[list[float], float, int]:
    """Latencies (ms) of ``requests`` POSTs spread over ``clients`` threads, the wall time, the failures.

    Each thread holds one keep-alive connection with one request in flight; a latency runs from
    sending the request to having read the whole response. ``client``: ``stdlib`` (``http.client``,
    bodies JSON-encoded before the clock starts, connection opened before it starts) or ``httpx``
    (``httpx.Client``, encodes the body inside the timed call and connects on its first request),
    which spends 5-8 times more CPU per request on the CPUs the server also uses.
    """
    counter = itertools.count()
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    url = urlsplit(base)
    payloads = [json.dumps(body, ensure_ascii=False).encode("utf-8") for body in bodies]
    headers = {"Content-Type": "application/json"}

    def stdlib_client() -> None:
        kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        connection = kind(url.hostname, url.port, timeout=120)
        connection.connect()
        try:
            while (i := next(counter)) < requests:
                started = time.perf_counter()
                connection.request("POST", route, body=payloads[i % len(payloads)], headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    failures[0] += response.status != 200
        finally:
            connection.close()

    def httpx_client() -> None:
        with httpx.Client(base_url=base, timeout=120) as session:
            while (i := next(counter)) < requests:
                started = time.perf_counter()
                response = session.post(route, json=bodies[i % len(bodies)])
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    failures[0] += response.status_code != 200

    target = stdlib_client if client == "stdlib" else httpx_client
    threads = [threading.Thread(target=target) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, failures[0]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(route: str, latencies: list[float], wall: float, failures: int, clients: int, note: str,
           cpu: tuple[float, float]) -> None:
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    target = TARGETS_MS[route]
    verdict = ("meets" if p95 <= target else "MISSES") if clients == 8 else "(set for 8 clients)"
    server_ms, client_ms = (1000 * c / len(latencies) for c in cpu)
    print(f"{route:9} {len(latencies):5d} requests  {clients} clients  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
          f"p99 {percentile(latencies, 99):7.1f} ms  max {max(latencies):7.1f} ms  {len(latencies) / wall:6.1f} req/s"
          f"  failures {failures}  -> {verdict} target p95 <= {target:.0f} ms  ({note})")
    print(f"{'':9} CPU per request: server {server_ms:5.2f} ms, load generator {client_ms:5.2f} ms"
          f"  (load average {os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'):.2f})")


def phase(base: str, route: str, bodies: list[dict], clients: int, requests: int, server_pid: int | None,
          note: str, client: str) -> None:
    """One timed phase, with the CPU time that the server (and its pool) and this load generator spent."""
    server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    latencies, wall, failures = run(base, route, bodies, clients, requests, client)
    cpu = (cpu_seconds(server_pid) - server_cpu, time.process_time() - client_cpu)
    report(route, latencies, wall, failures, clients, note, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--suggest-requests", type=int, default=800)
    parser.add_argument("--extract-requests", type=int, default=120)
    parser.add_argument("--workers", default=None,
                        help="the server's --workers, N or auto (default: its own default, auto)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--min-bytes", type=int, default=5_000)
    parser.add_argument("--max-bytes", type=int, default=10_000)
    parser.add_argument("--notices", type=int, default=40, help="at most this many distinct notices")
    parser.add_argument("--routes", default="suggest,extract", help="which phases to run, comma-separated")
    parser.add_argument("--client", choices=("stdlib", "httpx"), default="stdlib",
                        help="load generator: http.client (default, cheap) or httpx (the figures before "
                             "2026-11-25 23:00)")
    parser.add_argument("--url", help="measure a server already running there instead of starting one")
    args = parser.parse_args()

    server, pid = None, None
    if args.url:
        base = args.url.rstrip("/")
    else:
        port = free_port()
        server = start_server(port, args.workers)
        pid = server.pid
        base = f"http://127.0.0.1:{port}"
    try:
        health = httpx.get(base + "/health", timeout=10).json()
        texts = notices(args.corpus, args.min_bytes, args.max_bytes, args.notices)
        # one untimed pass: keeps the notices the pipeline reads as documents, gathers their task texts
        kept, tasks = [], []
        with httpx.Client(base_url=base, timeout=120) as http:
            for text in texts:
                answer = http.post("/extract", json={"text": text})
                if answer.status_code == 200 and answer.json()["tasks"]:
                    kept.append(text)
                    tasks.extend(t["text"] for t in answer.json()["tasks"])
        if not kept:
            raise SystemExit("no notice gave a task")
        sizes = sorted(len(t.encode("utf-8")) for t in kept)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"server: {base}  pipeline processes {health['workers']}  CPUs {os.cpu_count()}  "
              f"load average {load:.1f}  models {health['models']}")
        print(f"data: {len(kept)} notices of {sizes[0]}-{sizes[-1]} bytes (median {sizes[len(sizes) // 2]}), "
              f"{len(tasks)} task texts from them")
        routes = set(args.routes.split(","))
        # each distinct task text once: the server's ranking cache cannot help (cold) ...
        if "suggest" in routes:
            bodies = [{"text": t[:5000], "k": 5} for t in dict.fromkeys(tasks)][: args.suggest_requests]
            phase(base, "/suggest", bodies, args.clients, len(bodies), pid, "cold: distinct task texts, k=5, all units",
                  args.client)
            # ... then the same texts again, as a draft re-analysed while it is typed asks for them (cached)
            phase(base, "/suggest", bodies, args.clients, len(bodies), pid, "repeated texts: served from the cache",
                  args.client)
        if "extract" in routes:
            bodies = [{"text": t} for t in kept]
            phase(base, "/extract", bodies, args.clients, args.extract_requests, pid, "5-10 kB notices (~2 pages)"
                  if args.min_bytes == 5_000 and args.max_bytes == 10_000 else "notices", args.client)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
