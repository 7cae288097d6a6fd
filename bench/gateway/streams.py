"""Streaming figures for the gateway: time to first token (direct vs through the gateway) and the
gateway's peak resident memory with 100 concurrent streams.

Upstream: the fake upstream of the client tests (Tests/clients/gateway/fake_upstream.py, model
``slow``: one character every 20 ms). Run with the venv of .ci/gateway.sh:

    .venv-ci/bin/python bench/gateway/streams.py [path/to/cordon]
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
sys.path.insert(0, os.path.join(ROOT, "Tests", "clients", "gateway"))
import fake_upstream  # noqa: E402

CORDON = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "cordon")
ROUNDS = int(os.environ.get("ROUNDS", "40"))
PROMPT = "Hello there, this answer streams one character at a time for contact jane.doe@acme-corp.io today."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_token_seconds(base_url, session):
    """Seconds from sending the request to the first chunk with non-empty content, seconds to the
    first complete word (text up to a space: what the gateway's hold-back waits for), the text,
    and the first content chunk's transit: seconds from the upstream sending the event that
    released it (its ``created`` stamp, the fake upstream's perf_counter_ns) to the client reading
    it — for a direct stream, the transit of the event that completed the first word."""
    body = json.dumps({"model": "slow", "stream": True, "messages": [{"role": "user", "content": PROMPT}]}).encode()
    request = urllib.request.Request(base_url + "/chat/completions", data=body,
                                     headers={"content-type": "application/json", "x-session-id": session})
    started = time.perf_counter()
    first = None
    word = None
    transit = None
    text = ""
    with urllib.request.urlopen(request, timeout=60) as response:
        for line in response:
            line = line.strip()
            if not line.startswith(b"data: ") or line == b"data: [DONE]":
                continue
            now = time.perf_counter_ns()
            chunk = json.loads(line[6:])
            delta = chunk["choices"][0]["delta"].get("content") or ""
            if delta and first is None:
                first = time.perf_counter() - started
            text += delta
            if word is None and " " in text:
                word = time.perf_counter() - started
                transit = (now - chunk["created"]) / 1e9
    return first, word, text, transit


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


def main():
    server, _, upstream_url = fake_upstream.start()
    port = free_port()
    gateway = subprocess.Popen([CORDON, "gateway", "--listen", f"127.0.0.1:{port}", "--upstream", upstream_url, "--log-level", "warning"])
    gateway_url = f"http://127.0.0.1:{port}/v1"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        direct_first, direct_word, direct_transit, through, through_transit = [], [], [], [], []
        # Interleaved, so that the load of the shared machine falls on both alike.
        cpu_before = cpu_seconds(gateway.pid)
        for number in range(ROUNDS):
            first, word, _, transit = first_token_seconds(upstream_url, f"ttft-{number}")
            direct_first.append(first)
            direct_word.append(word)
            direct_transit.append(transit)
            seconds, _, text, transit = first_token_seconds(gateway_url, f"ttft-{number}")
            assert text == PROMPT, text
            through.append(seconds)
            through_transit.append(transit)
        cpu = (cpu_seconds(gateway.pid) - cpu_before) / ROUNDS
        events = len(PROMPT) + 3  # role chunk, one per character, finish chunk, [DONE]
        ms = lambda values: f"p50 {statistics.median(values) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms"
        print(f"gateway CPU per stream (user+system):    {cpu * 1000:.2f} ms, {cpu * 1e6 / events:.0f} us per upstream event ({events} events)")
        print(f"direct, first character:                 {ms(direct_first)} ({ROUNDS} streams each)")
        print(f"direct, first word complete (hold-back): {ms(direct_word)}")
        print(f"gateway, first token:                    {ms(through)}")
        added = [g - w for g, w in zip(through, direct_word)]
        print(f"added beyond the hold-back:              p50 {statistics.median(added) * 1000:.2f} ms")
        print(f"event transit upstream->client, direct:  {ms(direct_transit)}")
        print(f"event transit upstream->client, gateway: {ms(through_transit)}")
        print(f"request path (added minus the event's extra transit): p50 "
              f"{(statistics.median(added) - statistics.median(through_transit) + statistics.median(direct_transit)) * 1000:.2f} ms")
        errors = []

        def one(number):
            try:
                _, _, text, _ = first_token_seconds(gateway_url, f"concurrent-{number}")
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
    finally:
        gateway.terminate()
        gateway.wait(timeout=20)
        server.shutdown()


if __name__ == "__main__":
    main()
