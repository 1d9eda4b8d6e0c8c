"""Extraction on a Dask distributed cluster (``nhiemvu extract --scheduler tcp://host:8786``).

Reads the batch's jobs from :mod:`pipeline.dataset`; the workers run
:func:`pipeline.dataset.extract_one` on each file (they need the files at the
same paths, e.g. a shared disk, and nhiemvu installed); the results come back
in input order, a bounded batch at a time, and are written by the same code as
a local run, so the output is the same. ``--scheduler local`` starts a
LocalCluster with one worker process per core.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def client(scheduler: str):
    """A Dask client for ``scheduler`` ("local" starts a LocalCluster of worker processes)."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        try:
            with Client(cluster) as dask_client:
                yield dask_client
        finally:
            cluster.close()
    else:
        with Client(scheduler) as dask_client:
            yield dask_client


def dask_results(jobs: list[dict], scheduler: str, batch: int = 64) -> Iterator[tuple[dict, tuple]]:
    """(job, result) pairs in input order, computed on the cluster ``batch`` files at a time."""
    from pipeline.dataset import extract_one

    with client(scheduler) as dask_client:
        for start in range(0, len(jobs), batch):
            chunk = jobs[start : start + batch]
            futures = dask_client.map(extract_one, [j["path"] for j in chunk], [j["doc_id"] for j in chunk],
                                      pure=False)
            yield from zip(chunk, dask_client.gather(futures), strict=True)
