"""Profile the API workers under the throughput load: where does a posting's time go?

``python -m loadtests.profile_throughput [--duration S] [--out DIR]`` starts the same stack as
``ledger bench throughput``, drives it at 16 connections and samples every API worker with
py-spy (wall-clock, idle threads excluded unless ``--idle``). It prints the functions with the
most inclusive and self samples and leaves collapsed stacks (for flame graphs) in ``--out``.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import threading
from pathlib import Path

from loadtests import driver, stack

PY_SPY = Path(sys.executable).with_name("py-spy")


def summarise(collapsed: list[Path], top: int = 25) -> str:
    """Inclusive and self sample counts per function from py-spy's collapsed stacks."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for path in collapsed:
        for line in path.read_text().splitlines():
            stack_text, _, count_text = line.rpartition(" ")
            if not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].split("/")[-1]
                      + ")" if " (" in f else f for f in stack_text.split(";")]
            total += count
            for frame in set(frames):
                inclusive[frame] += count
            own[frames[-1]] += count
    lines = [f"{total} samples"]
    lines.append("-- inclusive --")
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines.append("-- self --")
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--out", type=Path, default=Path("profile-throughput"))
    parser.add_argument("--idle", action="store_true", help="include idle (waiting) threads")
    parser.add_argument("--gil", action="store_true", help="only threads holding the GIL (CPU)")
    parser.add_argument("--env", action="append", default=[], metavar="K=V",
                        help="extra environment for the API (e.g. LEDGER_GROUP_COMMIT=n)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    codes = [f"PROF-{i:03d}" for i in range(16)]
    extra = dict(item.split("=", 1) for item in args.env)
    with stack.prepared("profile", codes) as url:
        tokens = stack.create_tokens(url)
        with stack.running(url, extra_env=extra) as running:
            running.tokens = tokens
            workers = [p for p in running.api_pids() if p != running.api.pid]  # type: ignore[union-attr]
            outputs = [args.out / f"worker-{pid}.txt" for pid in workers]
            commands = [[str(PY_SPY), "record", "-p", str(pid), "-d", str(int(args.duration)),
                         "-r", "200", "-f", "raw", "-o", str(out), "--nonblocking",
                         *(["--idle"] if args.idle else []), *(["--gil"] if args.gil else [])]
                        for pid, out in zip(workers, outputs)]
            result: list[driver.Stats] = []

            def load() -> None:
                result.append(driver.closed_loop(
                    "127.0.0.1", running.port,
                    lambda c, s: ("POST", f"/v1/projects/{codes[c]}/expenditures",
                                  stack.expenditure_body(s, c), {"Idempotency-Key": f"p{c}-{s}"}),
                    connections=16, duration=args.duration + 2, warmup=1,
                    headers=running.headers("finance_office"), check=stack.check_expenditure))

            thread = threading.Thread(target=load)
            thread.start()
            spies = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for c in commands]
            for spy in spies:
                spy.wait(timeout=args.duration + 60)
            thread.join(timeout=args.duration + 60)
    print(result[0].summary("load during profile") if result else "no load result")
    report = summarise([o for o in outputs if o.exists()])
    (args.out / "summary.txt").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
