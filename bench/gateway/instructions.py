"""Instructions the gateway executes per streamed request and per upstream event (callgrind):
load-independent figures for the time-to-first-token work (issue #12), where CPU-seconds on the
shared machine vary by more than a change is worth.

The gateway runs under `valgrind --tool=callgrind` uninstrumented; after its start-up and
one warm-up stream, instrumentation is turned on (`callgrind_control -i on`), STREAMS streams of the
streaming benchmark go through it (bench/gateway/streams.py's request to the fake upstream's
model ``slow``: one request with an e-mail address, 103 upstream events each), and the counts are
dumped (`callgrind_control -d`). Printed: instructions per stream, per event (the stream's
instructions less one non-streamed request's, over its 103 events), per non-streamed request
(STREAMS requests of the same body with ``"stream": false``, counted the same way), and the
inclusive counts of the gateway's own top-level steps.

    STREAMS=5 python3 bench/gateway/instructions.py [path/to/cordon, default .build/release/cordon]

With KEEP=DIR the callgrind files are kept in DIR (for `callgrind_annotate --tree=caller`).

The binary is copied and stripped of debug information first (valgrind 3.19 cannot read Swift 6's
DWARF 5); symbols stay, so functions are named.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import streams  # noqa: E402

STREAMS = int(os.environ.get("STREAMS", "5"))
EVENTS = len(streams.PROMPT) + 3
KEEP = os.environ.get("KEEP")  # a directory to keep the callgrind files in

# Functions whose inclusive count is printed (substring of the symbol; first match wins).
STEPS = [
    ("request: respond (whole request path)", "GatewayResponderV7respond"),
    ("request: body scan (RequestScanner)", "RequestScannerV4scan5bytes"),
    ("request: Engine.scan calls", "6Cordon6EngineC4scan_12onlyDetector12usePrefilterAA10ScanResult"),
    ("stream: rewrite (all events)", "ChatCompletionStreamRewriterV7rewrite"),
    ("stream: JSON parse of events", "CordonJSON9JSONValueO7parsingACSays5UInt8VG"),
    ("stream: response scans (newValueSpans)", "ResponseTextFilterC13newValueSpans"),
    ("stream: SSE parser", "ServerSentEventParserV4feed"),
    ("executor hook (since round 10: with the jobs it runs)", "installEventLoopExecutorHook"),
]


def callgrind_control(port, *arguments):
    """Runs callgrind_control while the gateway is kept busy with health checks: valgrind reads
    its commands only while one of the process's threads runs, and an idle gateway sleeps in
    `epoll_wait` (the few health checks are counted too: a few thousand instructions)."""
    done = threading.Event()

    def ping():
        while not done.is_set():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30).read()
            except OSError:
                pass
            time.sleep(0.1)

    thread = threading.Thread(target=ping)
    thread.start()
    try:
        subprocess.run(["callgrind_control", *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=300)
    finally:
        done.set()
        thread.join()


def one_request(base_url, session, stream):
    body = json.dumps({"model": "slow", "stream": stream, "messages": [{"role": "user", "content": streams.PROMPT}]}).encode()
    request = urllib.request.Request(base_url + "/chat/completions", data=body,
                                     headers={"content-type": "application/json", "x-session-id": session})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.read()


def measure(binary, work, stream):
    out = os.path.join(work, f"callgrind.{'stream' if stream else 'plain'}.out")
    upstream, upstream_url = streams.start_upstream(False)
    port = streams.free_port()
    gateway = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                                binary, "gateway", "--listen", f"127.0.0.1:{port}", "--upstream", upstream_url,
                                "--log-level", "warning"], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        streams.wait_until_healthy(port, attempts=1200, pause=0.25, timeout=5)  # valgrind starts slowly
        one_request(base, "warm-up", stream)
        callgrind_control(port, "-i", "on", str(gateway.pid))
        for number in range(STREAMS):
            one_request(base, f"count-{number}", stream)
        callgrind_control(port, "-d", str(gateway.pid))
        time.sleep(2)
    finally:
        gateway.terminate()
        gateway.wait(timeout=120)
        upstream.terminate()
        upstream.wait(timeout=20)
    dumps = sorted(name for name in os.listdir(work) if name.startswith(os.path.basename(out)))
    # The dump taken with callgrind_control ends in .1; the final one (at exit) holds nothing more.
    path = os.path.join(work, dumps[0]) if dumps else out
    for name in dumps:
        candidate = os.path.join(work, name)
        if name.endswith(".1"):
            path = candidate
    return path


def summary(path):
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                               capture_output=True, text=True, check=True).stdout
    total = None
    inclusive = {}
    for line in annotated.splitlines():
        match = re.match(r"\s*([\d,]+) \(.*?\)\s+PROGRAM TOTALS", line) or re.match(r"\s*([\d,]+)\s+PROGRAM TOTALS", line)
        if match:
            total = int(match.group(1).replace(",", ""))
            continue
        match = re.match(r"\s*([\d,]+) \([^)]*\)\s+\*?\s*(?:\?\?\?|[^:]*):(\S+)", line)
        if match:
            count, symbol = int(match.group(1).replace(",", "")), match.group(2)
            inclusive.setdefault(symbol, count)
    return total, inclusive


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(streams.ROOT, ".build", "release", "cordon")
    work = tempfile.mkdtemp()
    try:
        binary = os.path.join(work, "cordon")
        shutil.copy(source, binary)
        subprocess.run(["objcopy", "--strip-debug", binary], check=True)
        print(f"# gateway instructions (callgrind), {source}, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, "
              f"load {open('/proc/loadavg').read().split()[0]}, {STREAMS} requests each")
        stream_total, stream_steps = summary(measure(binary, work, True))
        plain_total, plain_steps = summary(measure(binary, work, False))
        per_stream = stream_total / STREAMS
        per_plain = plain_total / STREAMS
        print(f"per streamed request ({EVENTS} upstream events): {per_stream / 1e6:8.2f} M instructions")
        print(f"per non-streamed request (same body):           {per_plain / 1e6:8.2f} M instructions")
        print(f"per upstream event ((stream - request) / {EVENTS}):     {(per_stream - per_plain) / EVENTS / 1e3:8.1f} k instructions")
        for label, key in STEPS:
            for steps, kind in ((stream_steps, "stream"), (plain_steps, "plain")):
                found = next((count for symbol, count in steps.items() if key in symbol), None)
                if found is not None:
                    print(f"  {label:42s} [{kind:6s}] {found / STREAMS / 1e3:10.1f} k per request")
    finally:
        if KEEP:
            # The callgrind files, for callgrind_annotate (e.g. --tree=caller on swift_task_enqueueGlobal).
            os.makedirs(KEEP, exist_ok=True)
            for name in os.listdir(work):
                if name.startswith("callgrind."):
                    shutil.copy(os.path.join(work, name), KEEP)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
