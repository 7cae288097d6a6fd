#!/usr/bin/env python3
"""Hook cold start: one `cordon hook claude-code` process per event, wall and CPU time.

    python3 bench/coldstart.py [BINARY ...] [--runs 50]

BINARY defaults to .build/release/cordon (the install build, `make release`). With two or more
binaries (say a base build and a new one) their runs alternate, so every binary sees the same
load: on a shared machine only figures taken in the same run can be compared.

Events (the shapes Claude Code sends most, built from the repository only, the same bytes every
time): `prompt` is a UserPromptSubmit event with a 4 KB prompt (examples/prompt.md repeated: it
holds fake values, so the hook blocks, exit 2); `bash` is a PreToolUse event of a Bash command
with nothing sensitive (exit 0, no output); `read` is a PostToolUse event of a Read tool with a
4 KB file body (examples/prompt.md again: the output is replaced). Each binary runs every event
once first (page cache), then --runs times per event. Wall time is from spawn to exit as seen by
this script (fork/exec included); CPU is the child's user + system time from wait4.

`--events custom` (not in the default list) measures the start-up of a custom detector set
instead: `cordon scan --detectors detectors/ examples/prompt.md`, the repository's detector
files read, parsed and compiled at start-up as any `--detectors` set is (exit 1: findings).

Prints one JSON object: per binary and event the median, p90 and min wall in ms, the median CPU
in ms (and its user and system parts), the median number of minor page faults, the exit codes,
plus the load average before and after and the date.
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


def events():
    prompt = open(os.path.join(ROOT, "examples", "prompt.md"), encoding="utf-8").read()
    body = (prompt * (4096 // max(1, len(prompt)) + 1))[:4096]
    common = {"session_id": "bench-coldstart", "transcript_path": "/tmp/bench-coldstart.jsonl", "cwd": "/tmp"}
    return {
        "prompt": {**common, "hook_event_name": "UserPromptSubmit", "prompt": body},
        "bash": {**common, "hook_event_name": "PreToolUse", "tool_name": "Bash",
                 "tool_input": {"command": "git status --short && swift build 2>&1 | tail -20",
                                "description": "Show the working tree and build"}},
        "read": {**common, "hook_event_name": "PostToolUse", "tool_name": "Read",
                 "tool_input": {"file_path": "/tmp/notes.md"},
                 "tool_response": {"type": "text", "file": {"filePath": "/tmp/notes.md", "content": body,
                                                            "numLines": body.count("\n") + 1, "startLine": 1,
                                                            "totalLines": body.count("\n") + 1}}},
    }


# The command line of an event: the hook, or (`custom`) a scan with the repository's detector files.
CUSTOM = ["scan", "--detectors", os.path.join(ROOT, "detectors"), os.path.join(ROOT, "examples", "prompt.md")]


def run_once(binary, event):
    start = time.perf_counter()
    arguments = CUSTOM if event is None else ["hook", "claude-code"]
    process = subprocess.Popen([binary] + arguments, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    if event is not None:
        process.stdin.write(event)
    process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return (wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status),
            usage.ru_utime * 1000, usage.ru_stime * 1000, usage.ru_minflt)


def main():
    parser = argparse.ArgumentParser(description="Hook cold start, one process per event.")
    parser.add_argument("binaries", nargs="*", default=[os.path.join(ROOT, ".build", "release", "cordon")])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--events", default="prompt,bash,read")
    args = parser.parse_args()
    chosen = {name: json.dumps(event).encode() for name, event in events().items() if name in args.events.split(",")}
    if "custom" in args.events.split(","):
        chosen["custom"] = None
    binaries = [os.path.abspath(b) for b in args.binaries]
    for binary in binaries:
        if not os.access(binary, os.X_OK):
            sys.exit(f"coldstart: {binary} is not an executable (build it with `make release`)")
    result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_start": os.getloadavg(), "runs": args.runs}
    samples = {(b, e): [] for b in binaries for e in chosen}
    for binary in binaries:
        for event in chosen.values():
            run_once(binary, event)
    for _ in range(args.runs):
        for name, event in chosen.items():
            for binary in binaries:
                samples[(binary, name)].append(run_once(binary, event))
    result["load_end"] = os.getloadavg()
    table = {}
    for (binary, name), runs in samples.items():
        walls = sorted(r[0] for r in runs)
        table.setdefault(os.path.relpath(binary, ROOT), {})[name] = {
            "median_ms": round(statistics.median(walls), 2),
            "p90_ms": round(walls[max(0, int(len(walls) * 0.9) - 1)], 2),
            "min_ms": round(walls[0], 2),
            "cpu_median_ms": round(statistics.median(r[1] for r in runs), 2),
            "user_median_ms": round(statistics.median(r[3] for r in runs), 2),
            "system_median_ms": round(statistics.median(r[4] for r in runs), 2),
            "minor_faults_median": statistics.median(r[5] for r in runs),
            "exit_codes": sorted({r[2] for r in runs}),
        }
    result["binaries"] = table
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
