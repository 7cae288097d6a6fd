#!/usr/bin/env bash
# The gateway's client tests, on loopback only: the official openai and anthropic Python SDKs
# against `cordon gateway` and a fake upstream (Tests/clients/gateway), then pii-leak-benchmark
# 0.6.0 — v1 (`ci`, with the gateway started by the benchmark) and v2 (`--partial-emission`).
# Installs what they need: Python packages pinned in Tests/clients/gateway/requirements.txt into
# .venv-ci/ (git-ignored). Expects `swift build --product cordon` to have run (.ci/run does it).
set -euo pipefail
cd "$(dirname "$0")/.."
CORDON="${CORDON_EXECUTABLE:-$PWD/.build/debug/cordon}"
export CORDON_EXECUTABLE="$CORDON"
test -x "$CORDON" || swift build --product cordon

# nginx (Debian) for the scale-out test; curl for health checks.
if ! command -v nginx >/dev/null || ! command -v curl >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nginx-light curl >/dev/null
fi

VENV=.venv-ci
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --no-cache-dir -r Tests/clients/gateway/requirements.txt

echo "== gateway: SDK client tests"
"$VENV/bin/python" -m pytest -q Tests/clients/gateway

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== gateway: pii-leak-benchmark v1 (ci)"
PORT="$(free_port)"
"$VENV/bin/pii-leak-benchmark" ci \
    --target-base-url "http://127.0.0.1:$PORT/v1" --out "$OUT/v1" \
    --start-command "\"$CORDON\" gateway --listen 127.0.0.1:$PORT --upstream \"\$BENCHMARK_UPSTREAM_BASE_URL\""

echo "== gateway: pii-leak-benchmark v2 (--partial-emission)"
PORT="$(free_port)"
UPSTREAM_PORT="$(free_port)"
"$CORDON" gateway --listen "127.0.0.1:$PORT" --upstream "http://127.0.0.1:$UPSTREAM_PORT/v1" 2>"$OUT/gateway-v2.log" &
GATEWAY_PID=$!
trap 'kill "$GATEWAY_PID" 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
"$VENV/bin/pii-leak-benchmark-v2" --out "$OUT/v2" \
    --gateway-url "http://127.0.0.1:$PORT/v1/chat/completions" --upstream-port "$UPSTREAM_PORT" --partial-emission \
    | tee "$OUT/v2.txt"
# Every row must pass (fidelity 1.0, zero leaks, no partial emission), and there must be rows.
grep -q 'outcome=' "$OUT/v2.txt"
if grep 'outcome=' "$OUT/v2.txt" | grep -vq 'outcome=pass'; then
    echo "pii-leak-benchmark v2: a row did not pass" >&2
    exit 1
fi
if grep 'partial-emission=' "$OUT/v2.txt" | grep -vq 'partial-emission=0.0 '; then
    echo "pii-leak-benchmark v2: partial emission observed" >&2
    exit 1
fi
kill "$GATEWAY_PID"
wait "$GATEWAY_PID" || true
