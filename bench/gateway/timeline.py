"""Where a streamed request's time to first token goes inside the gateway: the gateway's own
stamps (`CORDON_GATEWAY_TIMELINE=1`: CLOCK_MONOTONIC nanoseconds per step, one line per request on
standard error) between the client's and the upstream's stamps (the same clock:
`time.perf_counter_ns`). Kept-alive upstream (Tests/clients/gateway/fake_upstream.py, model
``slow``), sequential streams; standard library only:

    ROUNDS=20 python3 bench/gateway/timeline.py [path/to/cordon, default .build/release/cordon]

CLOSE=1: the upstream closes its connection after each stream (a new upstream connection per request).

Steps (median over the rounds, microseconds): client sent → gateway responder started (request
head read by the server) → body read → body scanned → upstream request started → upstream read the
request head; then, for the event that completes the first word (what the hold-back waits for):
upstream wrote it → gateway read it → gateway wrote it → client read it. Direct streams to the
same upstream, interleaved, give the request and event transit without the gateway.
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import streams  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "20"))


def one_stream(base_url, session):
    """Returns (sent_ns, upstream_received_ns, first-word event created_ns, client read_ns)."""
    body = json.dumps({"model": "slow", "stream": True, "messages": [{"role": "user", "content": streams.PROMPT}]}).encode()
    request = urllib.request.Request(base_url + "/chat/completions", data=body,
                                     headers={"content-type": "application/json", "x-session-id": session})
    sent = time.perf_counter_ns()
    text = ""
    found = None
    received = None
    with urllib.request.urlopen(request, timeout=60) as response:
        for line in response:
            line = line.strip()
            if not line.startswith(b"data: ") or line == b"data: [DONE]":
                continue
            now = time.perf_counter_ns()
            chunk = json.loads(line[6:])
            received = chunk["upstream_received"]
            text += chunk["choices"][0]["delta"].get("content") or ""
            if found is None and " " in text:
                found = (chunk["created"], now)
    return sent, received, found[0], found[1]


def main():
    cordon = sys.argv[1] if len(sys.argv) > 1 else streams.CORDON
    print(f"load before: {open('/proc/loadavg').read().strip()}")
    upstream, upstream_url = streams.start_upstream(os.environ.get("CLOSE") == "1")
    port = streams.free_port()
    gateway = subprocess.Popen([cordon, "gateway", "--listen", f"127.0.0.1:{port}", "--upstream", upstream_url, "--log-level", "warning"],
                               stderr=subprocess.PIPE, env=dict(os.environ, CORDON_GATEWAY_TIMELINE="1"), text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(l for l in gateway.stderr if l.startswith("cordon-gateway-timeline")), daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/v1"
    streams.wait_until_healthy(port)
    for number in range(2):
        one_stream(url, f"warm-{number}")
    client = []
    direct = []
    for number in range(ROUNDS):
        # Interleaved with a direct stream: the load of a shared machine falls on both alike.
        sent, upstream_read, created, client_read = one_stream(upstream_url, f"direct-{number}")
        direct.append((upstream_read - sent, client_read - created))
        client.append(one_stream(url, f"timeline-{number}"))
    gateway.terminate()
    gateway.wait(timeout=20)
    upstream.terminate()
    upstream.wait(timeout=20)
    reader.join(timeout=5)
    stamps = [dict((k, int(v)) for k, v in (field.split("=") for field in line.split()[1:])) for line in lines][2:]
    assert len(stamps) == len(client), (len(stamps), len(client))
    steps = {name: [] for name in ("client sent -> gateway started", "gateway started -> body read", "body read -> scanned",
                                   "scanned -> upstream request started", "upstream request started -> upstream read head",
                                   "REQUEST TRANSIT (client sent -> upstream read head)",
                                   "upstream wrote event -> gateway read it", "gateway read -> gateway wrote", "gateway wrote -> client read",
                                   "EVENT TRANSIT (upstream wrote -> client read)")}
    for (sent, upstream_read, created, client_read), gateway_stamps in zip(client, stamps):
        read = next(gateway_stamps[f"read{k}"] for k in range(1, 13) if gateway_stamps.get(f"read{k}", 0) >= created)
        k = next(k for k in range(1, 13) if gateway_stamps.get(f"read{k}") == read)
        written = gateway_stamps[f"written{k}"]
        values = (gateway_stamps["received"] - sent, gateway_stamps["body"] - gateway_stamps["received"],
                  gateway_stamps["scanned"] - gateway_stamps["body"], gateway_stamps["forwarding"] - gateway_stamps["scanned"],
                  upstream_read - gateway_stamps["forwarding"], upstream_read - sent,
                  read - created, written - read, client_read - written, client_read - created)
        for name, value in zip(steps, values):
            steps[name].append(value / 1000)
    print(f"{cordon}: {ROUNDS} streams, median (p90) microseconds per step")
    for name, values in steps.items():
        print(f"  {name:58s} {statistics.median(values):8.0f} ({statistics.quantiles(values, n=10)[-1]:.0f})")
    request = statistics.median(d[0] for d in direct) / 1000
    event = statistics.median(d[1] for d in direct) / 1000
    print(f"  direct, same rounds: request transit {request:.0f}, event transit {event:.0f}; gateway added (medians): "
          f"request {statistics.median(steps['REQUEST TRANSIT (client sent -> upstream read head)']) - request:.0f}, "
          f"event {statistics.median(steps['EVENT TRANSIT (upstream wrote -> client read)']) - event:.0f}")
    print(f"load after: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
