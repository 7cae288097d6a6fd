#!/usr/bin/env bash
# Where the gateway's CPU goes for one kind of request: nginx upstream and wrk (one connection) as
# in run.sh, `perf record` on the gateway while wrk runs, then the top functions by self time and
# the gateway's own CPU per request. Needs a release build, perf (Debian linux-perf), nginx, wrk.
#
#   bench/gateway/profile.sh [4k|400k, default 400k] [seconds, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
KIND="${1:-400k}"
SECONDS_PER_RUN="${2:-10}"
CORDON="${CORDON_EXECUTABLE:-$PWD/.build/release/cordon}"
command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
source bench/gateway/setup.sh
if [ "$KIND" = 4k ]; then
    set -- bench/gateway/post.lua BODY="$WORK/chat-4k.json"
else
    set -- bench/gateway/conversation.lua PREFIX="$WORK/conversation-400k.prefix" SUFFIX="$WORK/conversation-400k.suffix"
fi
SCRIPT="$1"; shift
env "$@" wrk -t1 -c1 -d2s -s "$SCRIPT" "http://127.0.0.1:$GW/v1/chat/completions" >/dev/null  # warm the caches
# 1. Instructions (where the machine has hardware counters: not in this project's VMs) and CPU
#    time per request (perf stat). CPU time moves with the load of a shared machine (cache and core
#    sharing): compare builds in alternation, in one sitting.
perf stat -x, -e instructions,task-clock -o "$WORK/stat.txt" -p "$GATEWAY_PID" & STAT_PID=$!
sleep 0.2
env "$@" wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" -s "$SCRIPT" "http://127.0.0.1:$GW/v1/chat/completions" > "$WORK/wrk.txt"
kill -INT "$STAT_PID"; wait "$STAT_PID" || true
requests="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk.txt")"
python3 - "$WORK/stat.txt" "$requests" "$KIND" <<'PY'
import sys
values = {}
for line in open(sys.argv[1]):
    fields = line.strip().split(",")
    if len(fields) > 2 and fields[0] and fields[0][0].isdigit():
        values[fields[2]] = float(fields[0])
requests = int(sys.argv[2])
instructions = next((v for k, v in values.items() if k.startswith("instructions")), 0)
clock = next((v for k, v in values.items() if k.startswith("task-clock")), 0)
counted = f"{instructions / requests / 1e6:.2f} M instructions, " if instructions else ""
print(f"{sys.argv[3]}: {requests} requests; gateway per request: {counted}{clock / requests:.3f} ms CPU (task-clock)")
PY
echo "load: $(cat /proc/loadavg)"
# 2. Where the time goes (perf record, call graphs).
perf record -q -F 4999 -g -o "$WORK/perf.data" -p "$GATEWAY_PID" 2>/dev/null & PERF_PID=$!
env "$@" wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" -s "$SCRIPT" "http://127.0.0.1:$GW/v1/chat/completions" > /dev/null
kill -INT "$PERF_PID"; wait "$PERF_PID" || true
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol -g none --percent-limit 0.7 2>/dev/null | grep '%' | cut -c1-180
echo "-- inclusive time (self and callees) of the main steps"
FRAMES="${PROFILE_FRAMES:-GatewayResponder|RequestScanner|RequestBodyLayout|DecisionCache|SHA256|sha256|HTTPClient|Engine|PolicyEnforcer|do_syscall_64|memmove|audit|ResponseTextFilter|HTTPDecoder|StreamRewriter|JSONParser|serialized|Array|append}"
perf report -i "$WORK/perf.data" --children --sort symbol -g none 2>/dev/null | grep '%' | grep -E "$FRAMES" | head -"${PROFILE_LINES:-50}" | cut -c1-200
