"""Time to first token beyond the hold-back for several gateway builds in one sitting: one upstream
(Tests/clients/gateway/fake_upstream.py, model ``slow``), one gateway per build, and rounds that
interleave a direct stream with one stream through each build (the order alternating), so that
the load of a shared machine falls on all of them alike. The figure is streams.py's stamped one
(request transit + first word's event transit, gateway minus the same round's direct stream).
Standard library only:

    ROUNDS=30 python3 bench/gateway/compare.py BUILD_A BUILD_B [...]      # CLOSE=1: connection per stream
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import streams  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "30"))


def main():
    builds = sys.argv[1:]
    if not builds:
        sys.exit(__doc__)
    print(f"load before: {open('/proc/loadavg').read().strip()}")
    upstream, upstream_url = streams.start_upstream(os.environ.get("CLOSE") == "1")
    gateways = []
    try:
        for build in builds:
            streams.CORDON = build
            gateways.append(streams.start_gateway(upstream_url))
        for _, url in gateways:
            streams.first_token_seconds(url, "warm-up")
        rows = [{"added": [], "request": [], "event": []} for _ in builds]
        cpu_before = [streams.cpu_seconds(gateway.pid) for gateway, _ in gateways]
        for number in range(ROUNDS):
            _, _, _, direct_event, direct_request = streams.first_token_seconds(upstream_url, f"direct-{number}")
            order = range(len(builds)) if number % 2 == 0 else reversed(range(len(builds)))
            for index in order:
                _, _, text, event, request = streams.first_token_seconds(gateways[index][1], f"round-{number}")
                assert text == streams.PROMPT, text
                rows[index]["added"].append((request + event) - (direct_request + direct_event))
                rows[index]["request"].append(request - direct_request)
                rows[index]["event"].append(event - direct_event)
        cpu_after = [streams.cpu_seconds(gateway.pid) for gateway, _ in gateways]
        print(f"{ROUNDS} rounds, {'connection per stream' if os.environ.get('CLOSE') == '1' else 'kept-alive upstream'}; "
              "added beyond the hold-back, gateway minus the same round's direct stream (ms)")
        for index, build in enumerate(builds):
            row = rows[index]
            median = lambda key: statistics.median(row[key]) * 1000
            p90 = statistics.quantiles(row["added"], n=10)[-1] * 1000
            cpu = (cpu_after[index] - cpu_before[index]) / ROUNDS * 1000
            print(f"  {build}: added p50 {median('added'):.2f}, p90 {p90:.2f}; request transit added p50 {median('request'):.2f}, "
                  f"event transit added p50 {median('event'):.2f}; gateway CPU per stream {cpu:.1f} ms")
    finally:
        for gateway, _ in gateways:
            gateway.terminate()
            gateway.wait(timeout=20)
        upstream.terminate()
        upstream.wait(timeout=20)
    print(f"load after: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
