"""Who uses the CPU during the throughput load? ``python -m loadtests.cpu_split [--duration S]``

Starts the same stack as ``ledger bench throughput``, drives 16 connections on 16 projects and
reads every process's user+system CPU time from /proc before and after. It prints the cores used
by the API workers, the projection worker, this bench's PostgreSQL backends, the load driver and
everything else on the machine. This tells whether a figure is limited by CPU (cores near 2) or
by serialisation and waiting (cores to spare), and whether other work was sharing the machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import time
from pathlib import Path

from loadtests import bench_common, stack

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks() -> dict[int, tuple[int, str]]:
    """pid → (user+system clock ticks, command line) for every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12]), command)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=15.0)
    args = parser.parse_args(argv)
    codes = bench_common.project_codes("CPU", 16)
    with stack.prepared("cpusplit", codes) as url:
        database = url.rsplit("/", 1)[1]
        tokens = stack.create_tokens(url)
        with stack.running(url) as running:
            running.tokens = tokens
            api = set(running.api_pids())
            worker = running.worker.pid if running.worker else -1
            before, started = cpu_ticks(), time.monotonic()
            stats = bench_common.post_expenditures(running, codes, connections=16,
                                                   duration=args.duration, warmup=0)
            after, elapsed = cpu_ticks(), time.monotonic() - started
    cores: collections.Counter[str] = collections.Counter()
    for pid, (ticks, command) in after.items():
        used = ticks - before[pid][0] if pid in before else ticks
        if used <= 0:
            continue
        if pid in api:
            group = "API (uvicorn supervisor and 2 workers)"
        elif pid == worker:
            group = "projection worker"
        elif pid == os.getpid():
            group = "load driver"
        elif command.startswith("postgres") and database in command:
            group = "PostgreSQL backends of this bench"
        elif command.startswith("postgres"):
            group = "PostgreSQL (WAL writer, checkpointer, other databases)"
        else:
            group = "everything else on the machine"
        cores[group] += used / TICKS / elapsed
    print(stats.summary("load"))
    for group, used in cores.most_common():
        print(f"{used:5.2f} cores  {group}")
    if stats.rate:
        api_cores = cores["API (uvicorn supervisor and 2 workers)"]
        print(f"API CPU per posting: {api_cores / stats.rate * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
