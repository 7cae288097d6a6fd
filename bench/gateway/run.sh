#!/usr/bin/env bash
# Gateway benchmark: added latency and throughput of `cordon gateway` over a direct request to the
# same upstream, in one run. Upstream: nginx (Debian) answering a fixed chat completion on loopback;
# load: wrk (Debian). Needs a release build (make release). Prints a Markdown table; the figures
# with machine, command, commit and date go in bench/gateway/RESULTS.md.
#
#   bench/gateway/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-10}"
CORDON="${CORDON_EXECUTABLE:-$PWD/.build/release/cordon}"
source bench/gateway/setup.sh

# CPU time (user + system, clock ticks) the gateway process has used so far.
gateway_ticks() { awk '{print $14 + $15}' "/proc/$GATEWAY_PID/stat"; }

# wrk --latency prints "50%  1.23ms" lines; print p50 and p99 in milliseconds, the rate, and for
# runs through the gateway its own CPU time per request (user + system, from /proc: a figure the
# load of a shared machine does not inflate the way it inflates latency percentiles).
run() { # name url script threads connections env...
    local name="$1" url="$2" script="$3" threads="$4" connections="$5"; shift 5
    local before; before="$(gateway_ticks)"
    env "$@" wrk -t"$threads" -c"$connections" -d"${SECONDS_PER_RUN}s" --latency -s "$script" "$url" > "$WORK/$name.txt"
    local after; after="$(gateway_ticks)"
    python3 - "$WORK/$name.txt" "$name" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
cpu = int(sys.argv[3]) / int(sys.argv[4]) * 1000 / requests if sys.argv[2].startswith("gateway") else None
cpu_text = f"{cpu:.3f}" if cpu is not None else "–"
print(f"| {sys.argv[2]} | {ms('50%'):.3f} | {ms('99%'):.3f} | {rate:.0f} | {errors.group(1) if errors else 0} | {cpu_text} |")
PY
}
echo "load before: $(uptime)"
echo "| run | p50 ms | p99 ms | requests/s | non-2xx | gateway CPU ms/request |"
echo "|---|---|---|---|---|---|"
run direct-4k-c1 "http://127.0.0.1:$UP/v1/chat/completions" bench/gateway/post.lua 1 1 BODY="$WORK/chat-4k.json"
run gateway-4k-c1 "http://127.0.0.1:$GW/v1/chat/completions" bench/gateway/post.lua 1 1 BODY="$WORK/chat-4k.json"
run direct-4k-c32 "http://127.0.0.1:$UP/v1/chat/completions" bench/gateway/post.lua 2 32 BODY="$WORK/chat-4k.json"
run gateway-4k-c32 "http://127.0.0.1:$GW/v1/chat/completions" bench/gateway/post.lua 2 32 BODY="$WORK/chat-4k.json"
run direct-400k-conversation-c1 "http://127.0.0.1:$UP/v1/chat/completions" bench/gateway/conversation.lua 1 1 PREFIX="$WORK/conversation-400k.prefix" SUFFIX="$WORK/conversation-400k.suffix"
run gateway-400k-conversation-c1 "http://127.0.0.1:$GW/v1/chat/completions" bench/gateway/conversation.lua 1 1 PREFIX="$WORK/conversation-400k.prefix" SUFFIX="$WORK/conversation-400k.suffix"
echo
echo "load after: $(uptime)"
echo "gateway peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$GATEWAY_PID/status)"
