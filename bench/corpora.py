#!/usr/bin/env python3
"""The corpora that reflect real use, and Cordon against the peers on each, one thread.

    python3 bench/corpora.py [--reps N] [--no-peers] [--only realtext,agent,dense] [--markdown OUT]

Three corpora, each a folder of files under bench/out/ (gitignored; rebuilt when missing):

  realtext  ~50 MB of text nobody here wrote and nobody planted anything in: the machine's Python
            standard library (*.py), C headers (/usr/include, *.h), Swift module interfaces
            (*.swiftinterface, one copy of each) and package documentation (/usr/share/doc,
            uncompressed text). Files are taken in sorted path order, round-robin over the four
            sources, so the same machine gives the same corpus.
  agent     ~50 MB of agent traffic at realistic density: user prompts, tool output (file reads,
            command output, test runs, directory listings), code, configs and logs, in messages of
            1-64 KB, with one fake value (a well-formed but invented credential or personal datum,
            valid checksum where the format has one) planted at a line boundary every 10-50 KB.
            Seeded: the same machine gives the same bytes. The planted spans are written to
            planted.jsonl (file, start, end, kind) so recall on them can be checked.
  dense     the labelled corpus of bench/corpus/generate.py (bench/out/corpus-large/samples): about
            six labelled values per KB, far denser than real traffic.

For each corpus: `cordon scan --format jsonl --threads 1 DIR` (CPU = user + system of the
process, from wait4; median of --reps), betterleaks (`fs DIR -j 1`) and kingfisher (`scan DIR -j 1
--no-validate --no-update-check --no-dedup`) from bench/.venv in the same run. In-process latency:
bench/latency's tool on 4 KB prompts cut from each corpus (p50/p99). Results go to
bench/out/corpora.json and, with --markdown, a section of RESULTS.md.
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
VENV_BIN = os.path.join(BENCH, ".venv", "bin")
CORDON = os.path.join(ROOT, ".build", "release", "cordon")
LATENCY = os.path.join(BENCH, "latency", ".build", "release", "CordonLatency")
TARGET_BYTES = 50 * 1000 * 1000


def log(message):
    print(f"[corpora] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Real text


def real_sources():
    """The four sources of real text, each a sorted list of file paths."""
    def walk(root, suffixes, skip=()):
        found = []
        for directory, dirs, files in os.walk(root):
            dirs.sort()
            if any(part in directory for part in skip):
                continue
            for name in sorted(files):
                if name.endswith(suffixes):
                    path = os.path.join(directory, name)
                    if os.path.isfile(path) and not os.path.islink(path) and 0 < os.path.getsize(path) <= 2_000_000:
                        found.append(path)
        return found

    python = walk("/usr/lib/python3.11", (".py",), skip=("site-packages", "dist-packages"))
    headers = walk("/usr/include", (".h", ".hpp"))
    swift = []
    seen = set()
    for path in walk("/opt/swift/usr/lib", (".swiftinterface",)):
        if path.endswith(".private.swiftinterface"):
            continue
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            swift.append(path)
    docs = [p for p in walk("/usr/share/doc", ("", ))
            if not p.endswith((".gz", ".bz2", ".xz", ".png", ".jpg", ".gif", ".svg", ".ico", ".pdf"))
            and os.path.basename(p) != "copyright"]
    return {"python": python, "headers": headers, "swift": swift, "docs": docs}


def is_text(data):
    return b"\0" not in data[:8192]


def build_realtext(target):
    samples = os.path.join(target, "samples")
    os.makedirs(samples, exist_ok=True)
    sources = real_sources()
    iterators = {name: iter(paths) for name, paths in sources.items()}
    total = 0
    counts = {name: 0 for name in sources}
    sizes = {name: 0 for name in sources}
    index = 0
    while total < TARGET_BYTES and iterators:
        for name in list(iterators):
            path = next(iterators[name], None)
            if path is None:
                del iterators[name]
                continue
            data = open(path, "rb").read()
            if not is_text(data):
                continue
            index += 1
            flat = f"{index:06d}-{name}-" + os.path.basename(path)
            with open(os.path.join(samples, flat), "wb") as out:
                out.write(data)
            total += len(data)
            counts[name] += 1
            sizes[name] += len(data)
            if total >= TARGET_BYTES:
                break
    json.dump({"files": counts, "bytes": sizes, "total": total}, open(os.path.join(target, "manifest.json"), "w"), indent=1)
    log(f"realtext: {sum(counts.values())} files, {total / 1e6:.1f} MB ({counts})")


# ---------------------------------------------------------------------------------------------
# Agent traffic

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
FIRST = ["Maren", "Tobias", "Aiko", "Ravi", "Lucia", "Oskar", "Nadia", "Pavel", "Ines", "Kwame"]
LAST = ["Lindqvist", "Okafor", "Brandt", "Moreau", "Tanaka", "Castellano", "Novak", "Haddad"]
DOMAINS = ["northwind-mail.com", "fabrikam.io", "contoso-health.net", "tailspin.dev"]


def luhn_complete(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return digits + str((10 - total % 10) % 10)


def fake_value(rng):
    """One planted line: (kind, line, value)."""
    kind = rng.choice(["aws", "stripe", "slack", "email", "card", "password", "openai", "ssn"])
    if kind == "aws":
        value = "AKIA" + "".join(rng.choice(BASE32) for _ in range(16))
        line = f"export AWS_ACCESS_KEY_ID={value}"
    elif kind == "stripe":
        value = "sk_live_" + "".join(rng.choice(ALNUM) for _ in range(24))
        line = f"STRIPE_SECRET_KEY={value}"
    elif kind == "slack":
        value = "xoxb-" + str(rng.randrange(10**11, 10**12)) + "-" + str(rng.randrange(10**11, 10**12)) + "-" + "".join(
            rng.choice(ALNUM) for _ in range(24))
        line = f'slack_token: "{value}"'
    elif kind == "email":
        value = f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@{rng.choice(DOMAINS)}"
        line = f"Please forward the report to {value} before Friday."
    elif kind == "card":
        value = luhn_complete("4" + "".join(str(rng.randrange(10)) for _ in range(14)))
        line = f"card on file: {value[:4]} {value[4:8]} {value[8:12]} {value[12:]}"
        value = line.split(": ", 1)[1]
    elif kind == "password":
        value = "".join(rng.choice(ALNUM + "!#%") for _ in range(18))
        line = f"DB_PASSWORD={value}"
    elif kind == "openai":
        value = "sk-proj-" + "".join(rng.choice(ALNUM + "_-") for _ in range(74)) + "T3BlbkFJ" + "".join(
            rng.choice(ALNUM + "_-") for _ in range(74))
        line = f"OPENAI_API_KEY={value}"
    else:
        area = rng.choice([123, 234, 345, 456, 512, 601])
        value = f"{area:03d}-{rng.randrange(10, 99):02d}-{rng.randrange(1000, 9999):04d}"
        line = f"Patient SSN: {value}"
    return kind, line, value


def excerpt(rng, files, size):
    """About `size` bytes of one real file, from a line start."""
    path = rng.choice(files)
    data = open(path, "rb").read()
    if len(data) <= size:
        return data
    start = rng.randrange(0, len(data) - size)
    newline = data.find(b"\n", start, start + 400)
    start = newline + 1 if newline >= 0 else start
    end = data.rfind(b"\n", start, start + size)
    return data[start:(end + 1 if end > start else start + size)]


PROMPTS = [
    "Can you explain why this function returns None when the list is empty?",
    "Refactor the following so that it does not allocate inside the loop, and keep the behaviour.",
    "The build fails on CI but not locally. Here is the log; what is going on?",
    "Write unit tests for the parser below. Cover the error paths too.",
    "Summarise what this header declares and which functions are thread-safe.",
    "I get a segfault when I run the tool with --threads 4. Any idea?",
    "Please review this config before I deploy it to staging.",
    "Why is this query slow? It scans the whole table every time.",
]


def message(rng, kind, real):
    python, headers, docs = real["python"], real["headers"], real["docs"]
    size = int(rng.choice([1, 2, 3, 4, 4, 6, 8, 12, 16, 24, 32, 48, 64]) * 1024)
    if kind == "prompt":
        body = excerpt(rng, rng.choice([python, headers, docs]), size)
        return (rng.choice(PROMPTS) + "\n\n```\n").encode() + body + b"\n```\n"
    if kind == "read":
        path = rng.choice(python + headers)
        return (f"Tool: Read\nfile_path: {path}\n\n").encode() + excerpt(rng, [path], size)
    if kind == "command":
        lines = [f"$ ls -la {rng.choice(['src', 'build', 'Sources/Cordon', 'tests'])}"]
        for i in range(size // 70):
            lines.append(f"-rw-r--r--  1 dev  staff  {rng.randrange(100, 99999):6d} Dec  {rng.randrange(1, 28):2d} "
                         f"{rng.randrange(0, 23):02d}:{rng.randrange(0, 59):02d} file_{i:04d}.{rng.choice(['py', 'swift', 'json', 'md'])}")
        return ("\n".join(lines) + "\n").encode()
    if kind == "tests":
        lines = ["$ pytest -q"]
        for i in range(size // 80):
            status = "PASSED" if rng.random() > 0.03 else "FAILED"
            lines.append(f"tests/test_module_{i % 37}.py::test_case_{i} {status} [{min(100, i % 101):3d}%]")
        lines.append(f"{size // 80} passed in {rng.uniform(1, 90):.2f}s")
        return ("\n".join(lines) + "\n").encode()
    if kind == "config":
        lines = ["# service configuration", "server:", f"  port: {rng.randrange(1024, 65535)}",
                 f"  workers: {rng.randrange(1, 64)}", "  host: 0.0.0.0", "logging:", "  level: info",
                 "  format: json", "database:", "  pool_size: 20", "  timeout_ms: 5000", "features:"]
        for i in range(size // 40):
            lines.append(f"  flag_{i}: {rng.choice(['true', 'false'])}")
        return ("\n".join(lines) + "\n").encode()
    if kind == "log":
        lines = []
        for i in range(size // 110):
            lines.append(f"2026-12-0{rng.randrange(1, 6)}T{rng.randrange(0, 23):02d}:{rng.randrange(0, 59):02d}:"
                         f"{rng.randrange(0, 59):02d}.{rng.randrange(0, 999):03d}Z INFO worker[{rng.randrange(1, 16)}] "
                         f"request done status={rng.choice([200, 200, 200, 204, 304, 404, 500])} "
                         f"duration_ms={rng.randrange(1, 900)} route=/api/v1/{rng.choice(['items', 'users', 'orders'])}")
        return ("\n".join(lines) + "\n").encode()
    # code
    return excerpt(rng, rng.choice([python, headers]), size)


def build_agent(target):
    samples = os.path.join(target, "samples")
    os.makedirs(samples, exist_ok=True)
    real = real_sources()
    rng = random.Random(20261206)
    kinds = ["prompt"] * 3 + ["read"] * 4 + ["code"] * 3 + ["command", "tests", "config", "log"]
    total = 0
    planted = []
    gap = rng.randrange(10_000, 50_000)
    index = 0
    while total < TARGET_BYTES:
        kind = rng.choice(kinds)
        body = message(rng, kind, real)
        index += 1
        name = f"{index:06d}-{kind}.txt"
        # Plant a value at a line boundary wherever the running gap runs out in this message.
        pieces = []
        position = 0
        offset = 0
        while total + len(body) - position > 0 and gap <= len(body) - position:
            cut = body.find(b"\n", position + gap)
            if cut < 0:
                break
            pieces.append(body[position:cut + 1])
            offset += cut + 1 - position
            plant_kind, line, value = fake_value(rng)
            encoded = line.encode() + b"\n"
            start = offset + encoded.index(value.encode())
            planted.append({"file": name, "start": start, "end": start + len(value.encode()), "kind": plant_kind})
            pieces.append(encoded)
            offset += len(encoded)
            position = cut + 1
            gap = rng.randrange(10_000, 50_000)
        gap -= len(body) - position
        pieces.append(body[position:])
        data = b"".join(pieces)
        with open(os.path.join(samples, name), "wb") as out:
            out.write(data)
        total += len(data)
    with open(os.path.join(target, "planted.jsonl"), "w") as out:
        for record in planted:
            out.write(json.dumps(record) + "\n")
    log(f"agent: {index} messages, {total / 1e6:.1f} MB, {len(planted)} planted values")


def ensure_dense(target):
    if not os.path.isdir(os.path.join(target, "samples")):
        subprocess.run([sys.executable, os.path.join(BENCH, "corpus", "generate.py"), "--size-mb", "50", "--out", target],
                       check=True)


# ---------------------------------------------------------------------------------------------
# Measuring


def run(cmd, cwd=None, stdout=None):
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if stdout:
        out.close()
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rc": os.waitstatus_to_exitcode(status)}


def folder_files(folder):
    return [os.path.join(d, n) for d, _dirs, names in os.walk(folder) for n in names]


def folder_bytes(folder):
    return sum(os.path.getsize(p) for p in folder_files(folder))


def measure(label, cmd, cwd, nbytes, reps, ok, stdout=None):
    runs = []
    for _ in range(reps):
        r = run(cmd, cwd=cwd, stdout=stdout)
        if r["rc"] not in ok:
            return {"error": f"{label} exited {r['rc']}"}
        runs.append(r)
    cpu = statistics.median(r["cpu"] for r in runs)
    wall = statistics.median(r["wall"] for r in runs)
    return {"cpu_s": round(cpu, 3), "wall_s": round(wall, 3), "mb_per_cpu_s": round(nbytes / 1e6 / cpu, 1),
            "command": " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd))}


def count_lines(path):
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def planted_recall(findings_path, planted_path):
    """Share of planted spans that some Cordon finding overlaps."""
    planted = [json.loads(line) for line in open(planted_path)]
    by_file = {}
    for line in open(findings_path):
        record = json.loads(line)
        if "start" not in record:
            continue
        by_file.setdefault(os.path.basename(record.get("path", record.get("file", ""))), []).append(
            (record["start"], record["end"]))
    found = 0
    for p in planted:
        if any(s < p["end"] and p["start"] < e for s, e in by_file.get(p["file"], [])):
            found += 1
    return found, len(planted)


def write_prompts(folder, target, size=4096, count=64):
    blob = b"".join(open(p, "rb").read() for p in sorted(folder_files(folder))).replace(b"\0", b"")
    os.makedirs(target, exist_ok=True)
    prompts = []
    span = len(blob) - size - 1
    for i in range(count):
        start = (i * span) // count
        newline = blob.find(b"\n", start, start + 512)
        start = newline + 1 if newline >= 0 else start
        end = start + size
        while end < len(blob) and (blob[end] & 0xC0) == 0x80:
            end -= 1
        prompts.append(blob[start:end])
    with open(os.path.join(target, f"{size}.bin"), "wb") as out:
        out.write(b"\0".join(prompts))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--only", default="realtext,agent,dense")
    parser.add_argument("--markdown")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cordon", default=CORDON, help="the cordon binary to measure (default: the release build)")
    parser.add_argument("--tag", default="", help="a suffix for the output files (e.g. baseline)")
    args = parser.parse_args()
    args.cordon = os.path.abspath(args.cordon)
    os.makedirs(OUT, exist_ok=True)
    corpora = {
        "realtext": os.path.join(OUT, "corpus-realtext"),
        "agent": os.path.join(OUT, "corpus-agent"),
        "dense": os.path.join(OUT, "corpus-large"),
    }
    wanted = [c for c in args.only.split(",") if c]
    if "realtext" in wanted and not os.path.isdir(os.path.join(corpora["realtext"], "samples")):
        build_realtext(corpora["realtext"])
    if "agent" in wanted and not os.path.isdir(os.path.join(corpora["agent"], "samples")):
        build_agent(corpora["agent"])
    if "dense" in wanted:
        ensure_dense(corpora["dense"])

    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
               "dirty": bool(subprocess.run(["git", "status", "--porcelain", "--", "Sources", "Package.swift", "detectors"],
                                            cwd=ROOT, capture_output=True, text=True).stdout.strip()),
               "load_start": os.getloadavg(), "corpora": {}}
    for name in wanted:
        root = corpora[name]
        samples = os.path.join(root, "samples")
        nbytes = folder_bytes(samples)
        entry = {"files": len(folder_files(samples)), "mb": round(nbytes / 1e6, 2)}
        findings = os.path.join(OUT, f"corpora-{name}-cordon{args.tag}.jsonl")
        log(f"{name}: cordon")
        entry["cordon"] = measure("cordon", [args.cordon, "scan", "--format", "jsonl", "--threads", str(args.threads), "samples"],
                                  root, nbytes, args.reps, (0, 1), stdout=findings)
        entry["cordon"]["findings"] = count_lines(findings)
        if name == "agent":
            found, total = planted_recall(findings, os.path.join(root, "planted.jsonl"))
            entry["cordon"]["planted_found"] = f"{found} of {total}"
        if not args.no_peers:
            exe = os.path.join(VENV_BIN, "betterleaks")
            if os.access(exe, os.X_OK):
                log(f"{name}: betterleaks")
                report = os.path.join(OUT, f"corpora-{name}-betterleaks.json")
                entry["betterleaks"] = measure("betterleaks", [exe, "fs", "samples", "-j", "1", "-o", report, "-s", "--no-banner",
                                                               "-l", "error"], root, nbytes, args.reps, (0, 1))
                try:
                    data = json.load(open(report))
                    entry["betterleaks"]["findings"] = len(data["findings"] if isinstance(data, dict) else data)
                except (OSError, ValueError, KeyError):
                    pass
            else:
                entry["betterleaks"] = {"error": "not installed"}
            exe = os.path.join(VENV_BIN, "kingfisher")
            if os.access(exe, os.X_OK):
                log(f"{name}: kingfisher")
                report = os.path.join(OUT, f"corpora-{name}-kingfisher.jsonl")
                entry["kingfisher"] = measure("kingfisher", [exe, "scan", "samples", "-j", "1", "--no-validate",
                                                             "--no-update-check", "--no-dedup", "-f", "jsonl", "-o", report],
                                              root, nbytes, args.reps, (0, 200, 205))
                try:
                    entry["kingfisher"]["findings"] = count_lines(report)
                except OSError:
                    pass
            else:
                entry["kingfisher"] = {"error": "not installed"}
        if os.access(LATENCY, os.X_OK) and args.cordon == CORDON:
            log(f"{name}: latency")
            prompts = os.path.join(OUT, f"prompts-{name}")
            write_prompts(samples, prompts)
            out = os.path.join(OUT, f"corpora-{name}-latency.json")
            r = run([LATENCY, "--prompts", prompts], stdout=out)
            if r["rc"] == 0:
                data = json.load(open(out))
                entry["latency_4k"] = data
        results["corpora"][name] = entry
    results["load_end"] = os.getloadavg()
    results["cordon_binary"] = os.path.relpath(args.cordon, ROOT)
    json.dump(results, open(os.path.join(OUT, f"corpora{args.tag}.json"), "w"), indent=1)
    markdown = render(results)
    if args.markdown:
        open(args.markdown, "w").write(markdown)
    print(markdown)


def latency_cells(entry):
    lat = entry.get("latency_4k") or {}
    sizes = lat.get("sizes") or lat
    data = None
    if isinstance(sizes, dict):
        data = sizes.get("4096")
    elif isinstance(sizes, list):
        data = next((s for s in sizes if s.get("size") == 4096 or s.get("bytes") == 4096), None)
    if not data:
        return "—", "—"
    p50 = data.get("p50_us", data.get("p50"))
    p99 = data.get("p99_us", data.get("p99"))
    return (f"{p50:.1f}" if isinstance(p50, (int, float)) else "—"), (f"{p99:.1f}" if isinstance(p99, (int, float)) else "—")


def render(results):
    lines = ["## Corpora that reflect real use (one thread, same run as the peers)", "",
             f"Command: `python3 bench/corpora.py` — {results['date']}, commit `{results['commit'][:12]}`"
             f"{' (+uncommitted changes)' if results['dirty'] else ''}, load {results['load_start'][0]:.2f} → "
             f"{results['load_end'][0]:.2f}. MB per CPU-second = 10⁶ bytes ÷ (user + system CPU of the process), median "
             "of the repetitions. Peers with `-j 1`. Latency: `bench/latency` (in process, the engine compiled once) on "
             "64 prompts of 4 KB cut from the corpus.", "",
             "| corpus | files | MB | Cordon MB/CPU-s | betterleaks | kingfisher | Cordon ÷ betterleaks | Cordon findings | "
             "betterleaks findings | kingfisher findings | 4 KB p50 µs | 4 KB p99 µs |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, entry in results["corpora"].items():
        c = entry.get("cordon", {})
        b = entry.get("betterleaks", {})
        k = entry.get("kingfisher", {})
        ratio = (f"{c['mb_per_cpu_s'] / b['mb_per_cpu_s']:.2f}×" if c.get("mb_per_cpu_s") and b.get("mb_per_cpu_s") else "—")
        p50, p99 = latency_cells(entry)
        lines.append(
            f"| {name} | {entry['files']:,} | {entry['mb']} | **{c.get('mb_per_cpu_s', c.get('error', '—'))}** | "
            f"{b.get('mb_per_cpu_s', b.get('error', '—'))} | {k.get('mb_per_cpu_s', k.get('error', '—'))} | {ratio} | "
            f"{c.get('findings', '—'):,} | {b.get('findings', '—')} | {k.get('findings', '—')} | {p50} | {p99} |")
    agent = results["corpora"].get("agent", {}).get("cordon", {})
    if agent.get("planted_found"):
        lines += ["", f"Agent traffic: Cordon's findings overlap {agent['planted_found']} planted values."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
