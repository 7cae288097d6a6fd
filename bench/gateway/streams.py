"""Streaming figures for the gateway: time to first token (direct vs through the gateway) and the
gateway's peak resident memory with 100 concurrent streams.

Upstream: the fake upstream of the client tests (Tests/clients/gateway/fake_upstream.py, model
``slow``: one character every 20 ms), in its own process, twice: streams on a kept-alive
connection (chunked, as providers send them) and streams that close their connection (the gateway
opens a new upstream connection for each). Run with the venv of .ci/gateway.sh (any python3 works:
the script needs the standard library only):

    ROUNDS=15 python3 bench/gateway/streams.py [path/to/cordon, default .build/release/cordon]
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

CORDON = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "cordon")
ROUNDS = int(os.environ.get("ROUNDS", "40"))
PROMPT = "Hello there, this answer streams one character at a time for contact jane.doe@acme-corp.io today."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_token_seconds(base_url, session):
    """One streamed request. Returns seconds from sending it to the first chunk with non-empty
    content, seconds to the first complete word (text up to a space: what the gateway's hold-back
    waits for), the text, the transit of the first word's event (seconds from the upstream sending
    the event that released it — its ``created`` stamp — to the client reading it; for a direct
    stream, the event that completed the word), and the request's transit (seconds from the client
    sending it to the upstream having read its head — the chunk's ``upstream_received`` stamp).
    The stamps are ``perf_counter_ns`` in the upstream's process: the system-wide monotonic clock."""
    body = json.dumps({"model": "slow", "stream": True, "messages": [{"role": "user", "content": PROMPT}]}).encode()
    request = urllib.request.Request(base_url + "/chat/completions", data=body,
                                     headers={"content-type": "application/json", "x-session-id": session})
    sent_ns = time.perf_counter_ns()
    started = time.perf_counter()
    first = None
    word = None
    transit = None
    request_transit = None
    text = ""
    with urllib.request.urlopen(request, timeout=60) as response:
        for line in response:
            line = line.strip()
            if not line.startswith(b"data: ") or line == b"data: [DONE]":
                continue
            now = time.perf_counter_ns()
            chunk = json.loads(line[6:])
            if request_transit is None:
                request_transit = (chunk["upstream_received"] - sent_ns) / 1e9
            delta = chunk["choices"][0]["delta"].get("content") or ""
            if delta and first is None:
                first = time.perf_counter() - started
            text += delta
            if word is None and " " in text:
                word = time.perf_counter() - started
                transit = (now - chunk["created"]) / 1e9
    return first, word, text, transit, request_transit


def cpu_seconds(pid):
    """User + system CPU seconds the process has used (from /proc, clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def start_upstream(close_streams):
    """The fake upstream in its own process (its threads and the client's do not share one
    interpreter lock); returns (process, base_url)."""
    arguments = [sys.executable, os.path.join(ROOT, "Tests", "clients", "gateway", "fake_upstream.py")]
    if close_streams:
        arguments.append("--close-streams")
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def wait_until_healthy(port, attempts=100, pause=0.1, timeout=1):
    """Polls the gateway's /healthz on `port` until it answers (or `attempts` run out)."""
    for _ in range(attempts):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout)
            return
        except OSError:
            time.sleep(pause)


def start_gateway(upstream_url):
    port = free_port()
    gateway = subprocess.Popen([CORDON, "gateway", "--listen", f"127.0.0.1:{port}", "--upstream", upstream_url, "--log-level", "warning"])
    wait_until_healthy(port)
    return gateway, f"http://127.0.0.1:{port}/v1"


def ms(values):
    return f"p50 {statistics.median(values) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms"


def measure(label, upstream_url, gateway, gateway_url):
    """Interleaved direct and gateway streams (the load of a shared machine falls on both alike);
    prints the time to first token beyond the hold-back and its parts."""
    rows = {key: [] for key in ("direct_first", "direct_word", "direct_transit", "direct_request", "through", "through_transit", "through_request")}
    first_token_seconds(gateway_url, "warm-up")  # the gateway's first request pays one-time set-up
    cpu_before = cpu_seconds(gateway.pid)
    for number in range(ROUNDS):
        first, word, _, transit, request = first_token_seconds(upstream_url, f"ttft-{number}")
        rows["direct_first"].append(first)
        rows["direct_word"].append(word)
        rows["direct_transit"].append(transit)
        rows["direct_request"].append(request)
        seconds, _, text, transit, request = first_token_seconds(gateway_url, f"ttft-{number}")
        assert text == PROMPT, text
        rows["through"].append(seconds)
        rows["through_transit"].append(transit)
        rows["through_request"].append(request)
    cpu = (cpu_seconds(gateway.pid) - cpu_before) / ROUNDS
    events = len(PROMPT) + 3  # role chunk, one per character, finish chunk, [DONE]
    median = lambda key: statistics.median(rows[key]) * 1000
    added = [g - w for g, w in zip(rows["through"], rows["direct_word"])]
    # The same pair's added time, from the stamps: what the gateway adds to the request's way to
    # the upstream plus what it adds to the first word's event on its way back. The upstream's own
    # time between the two (five 20 ms sleeps, whose oversleep varies by milliseconds with the
    # machine's load) drops out, which the difference of the two first-word times above keeps.
    stamped = [(gr + gt) - (dr + dt) for gr, gt, dr, dt in
               zip(rows["through_request"], rows["through_transit"], rows["direct_request"], rows["direct_transit"])]
    print(f"== upstream streams {label}")
    print(f"gateway CPU per stream (user+system):    {cpu * 1000:.2f} ms, {cpu * 1e6 / events:.0f} us per upstream event ({events} events)")
    print(f"direct, first character:                 {ms(rows['direct_first'])} ({ROUNDS} streams each)")
    print(f"direct, first word complete (hold-back): {ms(rows['direct_word'])}")
    print(f"gateway, first token:                    {ms(rows['through'])}")
    print(f"ADDED beyond the hold-back (stamped):    p50 {statistics.median(stamped) * 1000:.2f} ms, "
          f"p90 {statistics.quantiles(stamped, n=10)[-1] * 1000:.2f} ms (request transit + first word's event transit, gateway minus direct, per pair)")
    print(f"added beyond the hold-back (first-word times, includes the upstream's sleep jitter): p50 {statistics.median(added) * 1000:.2f} ms")
    print(f"request transit client->upstream, direct:  {ms(rows['direct_request'])}")
    print(f"request transit client->upstream, gateway: {ms(rows['through_request'])}")
    print(f"event transit upstream->client, direct:    {ms(rows['direct_transit'])}")
    print(f"event transit upstream->client, gateway:   {ms(rows['through_transit'])}")
    print(f"added request transit p50 {median('through_request') - median('direct_request'):.2f} ms, "
          f"added event transit p50 {median('through_transit') - median('direct_transit'):.2f} ms")


def concurrent_streams(gateway, gateway_url):
    errors = []

    def one(number):
        try:
            _, _, text, _, _ = first_token_seconds(gateway_url, f"concurrent-{number}")
            if text != PROMPT:
                errors.append(number)
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(100)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print("errors:", errors[:5])
    print(f"100 concurrent streams: {time.perf_counter() - started:.1f} s, {len(errors)} errors, "
          f"gateway peak RSS {peak_rss_kib(gateway.pid) / 1024:.1f} MiB")


def main():
    print(f"load before: {open('/proc/loadavg').read().strip()}")
    processes = []
    try:
        for label, close_streams in (("kept alive (chunked, as providers do)", False), ("closing the connection after each stream", True)):
            upstream, upstream_url = start_upstream(close_streams)
            processes.append(upstream)
            gateway, gateway_url = start_gateway(upstream_url)
            processes.append(gateway)
            measure(label, upstream_url, gateway, gateway_url)
            if not close_streams:
                concurrent_streams(gateway, gateway_url)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=20)
    print(f"load after: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
