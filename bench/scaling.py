#!/usr/bin/env python3
"""What the catalogue's size costs on real text: 25 %, 50 % and 100 % of the detectors.

    python3 bench/scaling.py [--binary .build/release/cordon] [--reps 3] [--seed 7] [--corpus realtext]

Subsets: detectors/*.yaml split into its detectors (each kept or dropped whole, each file keeping
its header and named fragments), a fixed-seed random 25 % and 50 % of them (the 25 % inside the
50 %), and 100 % — all three written as detector folders under bench/out/scaling/ and loaded with
`--detectors`, so the three runs take the same path (patterns and the keyword database compiled at
start-up; the built-in set skips that). Each run: `cordon scan --format jsonl --threads 1
--detectors SUBSET samples` on the corpus (bench/corpora.py builds it under bench/out/), CPU =
user + system of the child from wait4, median of --reps, the subsets alternating. Start-up (the
same command on an empty file) is measured the same way and subtracted, so the ratio is about
scanning, and reported on its own.

Prints one JSON object: per subset the detector count, CPU seconds (whole run and start-up), MB per
CPU-second of scanning, the ratio to 25 % and the finding lines; plus load and date.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
sys.path.insert(0, BENCH)
from harness import detector_chunks  # noqa: E402  one reader of the detector files for both scripts

FOLDERS = {"realtext": "corpus-realtext", "agent": "corpus-agent", "dense": "corpus-large"}


def write_subsets(seed):
    chunks = detector_chunks()
    order = list(range(len(chunks)))
    random.Random(seed).shuffle(order)
    subsets = {}
    for percent in (25, 50, 100):
        keep = set(order[:round(len(chunks) * percent / 100)])
        folder = os.path.join(OUT, "scaling", f"p{percent}")
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        by_file = {}
        for index, (name, header, body) in enumerate(chunks):
            if index in keep:
                by_file.setdefault(name, [header]).append("".join(body))
        for name, parts in by_file.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
                out.write("".join(parts))
        subsets[percent] = (folder, len(keep))
    return subsets, len(chunks)


def timed(cmd, cwd, stdout):
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": time.perf_counter() - start,
            "rc": os.waitstatus_to_exitcode(status)}


def main():
    parser = argparse.ArgumentParser(description="Catalogue size against scan cost.")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "cordon"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", default="realtext", choices=sorted(FOLDERS))
    args = parser.parse_args()
    root = os.path.join(OUT, FOLDERS[args.corpus])
    samples = os.path.join(root, "samples")
    if not os.path.isdir(samples):
        sys.exit(f"scaling: {samples} is missing (run python3 bench/corpora.py --no-peers --only {args.corpus} once)")
    nbytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(samples) for f in fs)
    subsets, total = write_subsets(args.seed)
    result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_start": os.getloadavg(),
              "corpus": args.corpus, "mb": round(nbytes / 1e6, 2), "catalogue": total, "seed": args.seed, "reps": args.reps}
    empty = tempfile.NamedTemporaryFile(suffix=".txt", delete=False)
    empty.close()
    runs = {p: [] for p in subsets}
    startups = {p: [] for p in subsets}
    lines = {}
    for _ in range(args.reps):
        for percent, (folder, _count) in subsets.items():
            command = [args.binary, "scan", "--format", "jsonl", "--threads", "1", "--detectors", folder]
            findings = os.path.join(OUT, "scaling", f"findings-p{percent}.jsonl")
            with open(findings, "wb") as handle:
                run = timed(command + ["samples"], root, handle)
            if run["rc"] not in (0, 1):
                sys.exit(f"scaling: the {percent} % run exited {run['rc']}")
            runs[percent].append(run["cpu"])
            startups[percent].append(timed(command + [empty.name], root, subprocess.DEVNULL)["cpu"])
            with open(findings, "rb") as handle:
                lines[percent] = sum(1 for line in handle if line.startswith(b'{"type":"finding"'))
    os.unlink(empty.name)
    table = {}
    for percent, (folder, count) in subsets.items():
        cpu = statistics.median(runs[percent])
        startup = statistics.median(startups[percent])
        table[percent] = {"detectors": count, "cpu_s": round(cpu, 3), "startup_cpu_s": round(startup, 3),
                          "scan_cpu_s": round(cpu - startup, 3),
                          "mb_per_scan_cpu_s": round(nbytes / 1e6 / max(1e-9, cpu - startup), 1), "finding_lines": lines[percent]}
    for entry in table.values():
        entry["scan_cpu_vs_25"] = round(entry["scan_cpu_s"] / table[25]["scan_cpu_s"], 3)
        entry["cpu_vs_25"] = round(entry["cpu_s"] / table[25]["cpu_s"], 3)
    result["subsets"] = table
    result["load_end"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
