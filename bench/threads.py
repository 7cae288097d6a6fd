#!/usr/bin/env python3
"""`cordon scan --threads N` against one thread on a folder: wall time and total CPU, same run.

    python3 bench/threads.py [BINARY ...] [--reps 5] [--corpus realtext] [--threads 2]

BINARY defaults to .build/release/cordon. For each binary, rep and thread count (1, then N),
`cordon scan --format jsonl --threads T samples` runs on the corpus folder (bench/corpora.py builds
it under bench/out/); wall time from spawn to exit, CPU = user + system of the child from wait4.
The runs alternate (binaries, thread counts), so each sees the same load; medians of --reps.
Also checks that every thread count prints the same output (byte for byte: output is in input
order whatever the thread count).

With --control, each rep also runs two one-thread scans of the corpus at once, as two separate
processes (first binary only), and reports their CPU against one such scan alone
(`control_cpu_ratio`): the extra CPU that two busy cores cost for work that shares nothing, the
machine's own share of `cpu_ratio` (shared caches and memory bandwidth, a hypervisor's vCPUs).

Wall-time speed-up needs idle cores: on a machine shared with other work, a second thread waits
for a core, so the figure is only meaningful with the load average printed beside it well below
the number of cores.
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
FOLDERS = {"realtext": "corpus-realtext", "agent": "corpus-agent", "dense": "corpus-large"}


def timed(cmd, cwd, stdout):
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return {"wall": time.perf_counter() - start, "user": usage.ru_utime, "sys": usage.ru_stime,
            "cpu": usage.ru_utime + usage.ru_stime, "rc": os.waitstatus_to_exitcode(status)}


def paired(binary, root):
    """Two one-thread scans of the corpus started together as separate processes: each one's CPU."""
    cmd = [binary, "scan", "--format", "jsonl", "--threads", "1", "samples"]
    processes = [subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
                 for _ in range(2)]
    cpus = []
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"threads: {binary} (paired) exited {os.waitstatus_to_exitcode(status)}")
        cpus.append(usage.ru_utime + usage.ru_stime)
    return cpus


def main():
    parser = argparse.ArgumentParser(description="Thread scaling of cordon scan.")
    parser.add_argument("binaries", nargs="*", default=[os.path.join(ROOT, ".build", "release", "cordon")])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--corpus", default="realtext", choices=sorted(FOLDERS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--control", action="store_true", help="also run two one-thread processes at once (first binary)")
    args = parser.parse_args()
    root = os.path.join(OUT, FOLDERS[args.corpus])
    if not os.path.isdir(os.path.join(root, "samples")):
        sys.exit(f"threads: {root}/samples is missing (run python3 bench/corpora.py --no-peers --only {args.corpus} once)")
    binaries = [os.path.abspath(b) for b in args.binaries]
    counts = (1, args.threads)
    result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_start": os.getloadavg(),
              "corpus": args.corpus, "reps": args.reps, "nproc": os.cpu_count()}
    samples = {(b, t): [] for b in binaries for t in counts}
    control = []
    digests = {}
    for _ in range(args.reps):
        for binary in binaries:
            for count in counts:
                out = os.path.join(OUT, f"threads-{count}.jsonl")
                with open(out, "wb") as handle:
                    run = timed([binary, "scan", "--format", "jsonl", "--threads", str(count), "samples"], root, handle)
                if run["rc"] not in (0, 1):
                    sys.exit(f"threads: {binary} --threads {count} exited {run['rc']}")
                samples[(binary, count)].append(run)
                with open(out, "rb") as handle:
                    digests[(binary, count)] = hashlib.sha256(handle.read()).hexdigest()
        if args.control:
            control.append(paired(binaries[0], root))
    result["load_end"] = os.getloadavg()
    table = {}
    for binary in binaries:
        entry = {}
        for count in counts:
            runs = samples[(binary, count)]
            entry[f"threads_{count}"] = {key: round(statistics.median(r[key] for r in runs), 3) for key in ("wall", "user", "sys", "cpu")}
        one, many = entry["threads_1"], entry[f"threads_{args.threads}"]
        entry["wall_speedup"] = round(one["wall"] / many["wall"], 3)
        entry["cpu_ratio"] = round(many["cpu"] / one["cpu"], 3)
        entry["identical_output"] = digests[(binary, 1)] == digests[(binary, args.threads)]
        table[os.path.relpath(binary, ROOT)] = entry
    result["binaries"] = table
    if control:
        alone = statistics.median(samples[(binaries[0], 1)][i]["cpu"] for i in range(len(control)))
        pair = statistics.median(cpu for run in control for cpu in run)
        result["control"] = {"binary": os.path.relpath(binaries[0], ROOT), "cpu_alone": round(alone, 3),
                             "cpu_each_of_two": round(pair, 3), "control_cpu_ratio": round(pair / alone, 3)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
