#!/usr/bin/env python3
"""Two cordon binaries side by side, interleaved in one run: CPU per corpus, threads, hook cold
start, sidecar peak RSS. For before/after figures on a shared, loaded machine, where only
figures taken in the same run can be compared.

    python3 bench/compare.py BASE_BINARY NEW_BINARY [--reps 3] [--only realtext,agent,dense]

Corpora: the folders bench/corpora.py builds under bench/out/ (run it once first). For each
corpus and binary: `cordon scan --format jsonl --threads 1 samples` (CPU = user + system of the
child, from wait4; median of --reps, the binaries alternating), and whether the two binaries'
findings are identical (finding lines only: the new binary also lists skipped files). Threads:
the agent corpus at --threads 1 and 2 (CPU and wall). Hook: `cordon hook claude-code` on a 4 KB
UserPromptSubmit event, --cold runs of each binary alternating, median wall. Sidecar: peak RSS
(GNU time %M) of `cordon serve` answering 300 redact requests of 4 KB. Prints JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")


def timed(cmd, cwd=None, stdin=None, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=stdout, stderr=subprocess.DEVNULL)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rc": os.waitstatus_to_exitcode(status)}


def finding_lines(path):
    with open(path, "rb") as handle:
        return [line for line in handle if line.startswith(b'{"type":"finding"')]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cold", type=int, default=30)
    parser.add_argument("--only", default="realtext,agent,dense")
    args = parser.parse_args()
    binaries = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.new)}
    result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_start": os.getloadavg(),
              "binaries": binaries, "corpora": {}}
    folders = {"realtext": "corpus-realtext", "agent": "corpus-agent", "dense": "corpus-large"}
    for name in [c for c in args.only.split(",") if c]:
        root = os.path.join(OUT, folders[name])
        nbytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(root, "samples")) for f in fs)
        entry = {"mb": round(nbytes / 1e6, 2)}
        runs = {label: [] for label in binaries}
        for rep in range(args.reps):
            for label, binary in binaries.items():
                out = os.path.join(OUT, f"compare-{name}-{label}.jsonl")
                with open(out, "wb") as handle:
                    runs[label].append(timed([binary, "scan", "--format", "jsonl", "--threads", "1", "samples"], cwd=root, stdout=handle))
        for label in binaries:
            cpu = statistics.median(r["cpu"] for r in runs[label])
            entry[label] = {"cpu_s": round(cpu, 3), "mb_per_cpu_s": round(nbytes / 1e6 / cpu, 1),
                            "findings": len(finding_lines(os.path.join(OUT, f"compare-{name}-{label}.jsonl")))}
        entry["identical_findings"] = finding_lines(os.path.join(OUT, f"compare-{name}-base.jsonl")) == \
            finding_lines(os.path.join(OUT, f"compare-{name}-new.jsonl"))
        result["corpora"][name] = entry
        print(f"[compare] {name}: {json.dumps(entry)}", file=sys.stderr, flush=True)

    # Threads, agent corpus.
    root = os.path.join(OUT, "corpus-agent")
    threads = {}
    for label, binary in binaries.items():
        for count in (1, 2):
            threads[f"{label}-{count}"] = []
    for rep in range(args.reps):
        for label, binary in binaries.items():
            for count in (1, 2):
                threads[f"{label}-{count}"].append(timed([binary, "scan", "--format", "jsonl", "--threads", str(count), "samples"], cwd=root))
    result["threads_agent"] = {key: {"cpu_s": round(statistics.median(r["cpu"] for r in runs_), 3),
                                     "wall_s": round(statistics.median(r["wall"] for r in runs_), 3)}
                               for key, runs_ in threads.items()}
    print(f"[compare] threads: {json.dumps(result['threads_agent'])}", file=sys.stderr, flush=True)

    # Hook cold start: a 4 KB prompt.
    prompt = open(os.path.join(ROOT, "examples", "prompt.md"), encoding="utf-8").read()
    prompt = (prompt * (4096 // max(1, len(prompt)) + 1))[:4096]
    event = json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "bench", "cwd": "/tmp", "prompt": prompt}).encode()
    cold = {label: [] for label in binaries}
    for label, binary in binaries.items():
        timed([binary, "hook", "claude-code"], stdin=event)  # warm the page cache
    for _ in range(args.cold):
        for label, binary in binaries.items():
            cold[label].append(timed([binary, "hook", "claude-code"], stdin=event)["wall"] * 1000)
    result["hook_cold_start_ms"] = {label: {"median": round(statistics.median(v), 2), "p90": round(sorted(v)[int(len(v) * 0.9) - 1], 2)}
                                    for label, v in cold.items()}
    print(f"[compare] hook: {json.dumps(result['hook_cold_start_ms'])}", file=sys.stderr, flush=True)

    # Sidecar peak RSS: 300 redact requests of 4 KB from the agent corpus.
    import base64
    samples = os.path.join(OUT, "corpus-agent", "samples")
    data = b"".join(open(os.path.join(samples, f), "rb").read() for f in sorted(os.listdir(samples))[:200])
    requests = b"".join(json.dumps({"id": i, "op": "redact", "base64": base64.b64encode(data[i * 4096:(i + 1) * 4096]).decode()}).encode() + b"\n"
                        for i in range(300))
    rss = {}
    for label, binary in binaries.items():
        report = os.path.join(OUT, f"compare-rss-{label}.txt")
        timed(["/usr/bin/time", "-f", "%M", "-o", report, binary, "serve"], stdin=requests)
        rss[label] = round(int(open(report).read().split()[-1]) / 1024, 1)
    result["serve_peak_rss_mb"] = rss
    result["load_end"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
