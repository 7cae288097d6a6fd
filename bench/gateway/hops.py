"""Cross-thread wake-ups per request on a new client connection: the gateway under `strace -f`,
N non-streamed requests (each on its own client connection, as urllib opens them) to the fake
upstream's ``echo`` model with a kept-alive upstream; counted: eventfd wake-ups (8-byte writes of
1: one NIO event loop waking another), futex wakes, and which threads accepted the connections.
Load-independent (counts, not times); standard library and strace only:

    N=20 python3 bench/gateway/hops.py [path/to/cordon, default .build/release/cordon]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import streams  # noqa: E402

N = int(os.environ.get("N", "20"))


def main():
    streams.CORDON = sys.argv[1] if len(sys.argv) > 1 else streams.CORDON
    upstream, upstream_url = streams.start_upstream(False)
    gateway, url = streams.start_gateway(upstream_url)

    def plain(number):
        body = json.dumps({"model": "echo", "messages": [{"role": "user", "content": f"hello {number}"}]}).encode()
        request = urllib.request.Request(url + "/chat/completions", data=body, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    out = tempfile.mktemp(suffix=".strace")
    try:
        for number in range(3):
            plain(number)
        tracer = subprocess.Popen(["strace", "-f", "-o", out, "-p", str(gateway.pid)], stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        for number in range(N):
            plain(number)
            time.sleep(0.05)
        time.sleep(0.3)
        tracer.terminate()
        tracer.wait()
    finally:
        gateway.terminate()
        gateway.wait()
        upstream.terminate()
        upstream.wait()
    lines = open(out).read().splitlines()
    os.unlink(out)
    wakeups = sum(1 for line in lines if "write(" in line and '"\\1\\0\\0\\0\\0\\0\\0\\0", 8' in line)
    futexes = sum(1 for line in lines if "futex(" in line and "FUTEX_WAKE" in line)
    accepted = [line.split()[0] for line in lines if "accept4(" in line and "= -1" not in line]
    print(f"{streams.CORDON}: {N} requests on new client connections: eventfd wake-ups {wakeups} ({wakeups / N:.1f} per request), "
          f"futex wakes {futexes}, {len(accepted)} accepts on threads {sorted(set(accepted))}")


if __name__ == "__main__":
    main()
