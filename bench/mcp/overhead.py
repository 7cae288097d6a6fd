"""Per-message overhead of `cordon mcp`: the round trip of a `tools/call` whose result is a 4 KB
text, sent one at a time, straight to the server and through the proxy; overhead = proxied minus
direct, at p50 and p99.

    python3 bench/mcp/overhead.py --cordon .build/release/cordon [--calls 2000] [--warmup 200]

Prints a Markdown table and writes bench/out/mcp-overhead.json.
"""

import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(command, env, calls, warmup):
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def call(message):
        process.stdin.write((json.dumps(message, separators=(",", ":")) + "\n").encode())
        process.stdin.flush()
        return process.stdout.readline()

    call({"jsonrpc": "2.0", "id": 0, "method": "initialize",
          "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    process.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    timings = []
    reply = b""
    for index in range(warmup + calls):
        request = {"jsonrpc": "2.0", "id": index + 1, "method": "tools/call", "params": {"name": "status", "arguments": {"service": "api"}}}
        start = time.perf_counter_ns()
        reply = call(request)
        elapsed = time.perf_counter_ns() - start
        if index >= warmup:
            timings.append(elapsed / 1000)
    process.stdin.close()
    process.wait(timeout=30)
    return timings, reply


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cordon", default=str(ROOT / ".build" / "release" / "cordon"))
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    arguments = parser.parse_args()

    server = [sys.executable, str(HERE / "echo_server.py")]
    rows = []
    for findings in ("0", "1"):
        env = dict(os.environ, RESULT_BYTES="4096", FINDINGS=findings)
        direct, direct_reply = measure(server, env, arguments.calls, arguments.warmup)
        proxied, proxied_reply = measure([arguments.cordon, "mcp", "--log-level", "warning", "--"] + server, env, arguments.calls, arguments.warmup)
        if findings == "1":
            assert b"AKIAFHSG4A7UNZQWWYEV" in direct_reply and b"AKIAFHSG4A7UNZQWWYEV" not in proxied_reply
        else:
            assert json.loads(direct_reply)["result"] == json.loads(proxied_reply)["result"]
        row = {
            "result": "4 KB text, " + ("2 findings (redacted)" if findings == "1" else "clean"),
            "direct_p50_us": percentile(direct, 0.50), "direct_p99_us": percentile(direct, 0.99),
            "proxied_p50_us": percentile(proxied, 0.50), "proxied_p99_us": percentile(proxied, 0.99),
        }
        row["overhead_p50_us"] = row["proxied_p50_us"] - row["direct_p50_us"]
        row["overhead_p99_us"] = row["proxied_p99_us"] - row["direct_p99_us"]
        row["direct_mean_us"] = statistics.mean(direct)
        row["proxied_mean_us"] = statistics.mean(proxied)
        rows.append(row)

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
        "command": " ".join(["python3", "bench/mcp/overhead.py", "--cordon", arguments.cordon, "--calls", str(arguments.calls)]),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs", "load_average": load,
        "calls": arguments.calls, "warmup": arguments.warmup,
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "mcp-overhead.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"date {meta['date']}, commit {commit[:12]}, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {arguments.calls} calls after {arguments.warmup} warm-up")
    print()
    print("| tool result | direct p50 | direct p99 | through cordon mcp p50 | p99 | overhead p50 | overhead p99 |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['result']} | {row['direct_p50_us']:.0f} µs | {row['direct_p99_us']:.0f} µs | {row['proxied_p50_us']:.0f} µs | "
              f"{row['proxied_p99_us']:.0f} µs | **{row['overhead_p50_us']:.0f} µs** | **{row['overhead_p99_us']:.0f} µs** |")


if __name__ == "__main__":
    main()
