#!/usr/bin/env bash
# Counts the instructions Cordon executes on fixed workloads, with callgrind, so that a figure
# quoted in a commit or a note ("hook: 87 M instructions") can be reproduced by anyone.
#
#   bench/instructions.sh [WORKLOAD...]     default: all of them
#
# Workloads (inputs built from the repository only, the same bytes every time):
#   hook      one `cordon hook claude-code` process on a UserPromptSubmit event holding
#             examples/prompt.md: start-up (engine, policy) plus one decision
#   prompts   300 redact requests of 4 KB through `cordon serve` (corpus/samples cut into
#             4096-byte pieces, sent as base64): start-up plus steady-state scanning
#   scan      `cordon scan corpus/samples`: the folder scan of the CLI
#   small     1,000 redact requests of 300 bytes through `cordon serve`, cut from the first 400
#             files of the agent-traffic corpus (bench/out/corpus-agent): per-message fixed cost
#   agent     300 redact requests of 4 KB through `cordon serve`, cut the same way
#   startup   one redact request of 1 byte through `cordon serve`: subtract it from small and
#             agent for the instructions of the requests alone
#   realtext  `cordon scan --threads 1 --format jsonl` on every 16th file of the real-text corpus
#             (bench/out/corpus-realtext, ~3.0 MB; build it first with `python3 bench/corpora.py`)
#   dense     the same on every 16th folder of the dense corpus (bench/out/corpus-large, ~3.3 MB)
#
# Besides the total, each line gives the calls into PCRE2's matcher (pcre2_jit_match_8 and
# pcre2_match_8, from callgrind's call counts): the confirmation work the first stage and the
# gates leave over. Default workloads: hook, prompts, scan (realtext and dense need the corpora).
#
# The binary measured is the install build (`make release`: optimised, Swift libraries linked
# in), stripped of its debug information: valgrind 3.19 cannot read Swift 6's DWARF 5. Counts
# do not depend on the machine's load; they do depend on the binary, so the commit is printed.
# Needs valgrind (installed from Debian when missing and run as root). CORDON_BINARY=PATH measures
# that release binary (another commit's build) instead of building this checkout; the commit
# printed is then this checkout's, not the binary's.
set -euo pipefail
cd "$(dirname "$0")/.."

workloads=("$@")
[[ ${#workloads[@]} -gt 0 ]] || workloads=(hook prompts scan)
for workload in "${workloads[@]}"; do
    case $workload in hook|prompts|scan|realtext|dense|small|agent|startup) ;; *) echo "unknown workload '$workload' (hook, prompts, scan, realtext, dense, small, agent, startup)" >&2; exit 2 ;; esac
done

if ! command -v valgrind >/dev/null; then
    echo "installing valgrind" >&2
    apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -n ${CORDON_BINARY:-} ]]; then
    cp "$CORDON_BINARY" "$work/cordon"
else
    make -s release >/dev/null
    cp .build/release/cordon "$work/cordon"
fi
objcopy --strip-debug "$work/cordon"

# Prints the total instructions of one run of `$work/cordon "$@"` with standard input from $input,
# and the calls into PCRE2's matcher.
count() {
    local log="$work/callgrind.log" out="$work/callgrind.out"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$work/cordon" "$@" <"$input" >/dev/null 2>"$log" || true
    local total calls
    total=$(grep -o 'Collected : [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [[ -n $total ]] || { echo "callgrind gave no count; its log:" >&2; cat "$log" >&2; exit 1; }
    # Callgrind names a function once as `fn=(id) name` or `cfn=(id) name` and later by its id
    # alone; each `calls=N ...` line counts the calls into the last `cfn=` target.
    calls=$(awk '
        /^c?fn=/ { called = ($0 ~ /^cfn=/); sub(/^c?fn=/, ""); match($0, /^\([0-9]+\)/)
                   id = substr($0, 1, RLENGTH); rest = substr($0, RLENGTH + 2)
                   if (rest != "") name[id] = rest; if (called) current = id; next }
        /^calls=/ { split($0, f, /[= ]/); if (name[current] ~ /^pcre2_(jit_)?match_8$/) n += f[2]; next }
        END { print n + 0 }' "$out")
    rm -f "$out"
    echo "$total $calls"
}

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain -- Sources Package.swift detectors 2>/dev/null) ]] || commit="$commit+changes"
echo "# instructions (callgrind), commit $commit, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m)"
for workload in "${workloads[@]}"; do
    case $workload in
        hook)
            input="$work/event.json"
            python3 - "$input" <<'PY'
import json, sys
prompt = open("examples/prompt.md", encoding="utf-8").read()
event = {"hook_event_name": "UserPromptSubmit", "session_id": "bench", "cwd": "/tmp", "prompt": prompt}
open(sys.argv[1], "w").write(json.dumps(event))
PY
            total=$(count hook claude-code)
            ;;
        prompts)
            input="$work/requests.jsonl"
            python3 - "$input" <<'PY'
import base64, json, os, sys
data = b"".join(open(os.path.join("corpus/samples", name), "rb").read() for name in sorted(os.listdir("corpus/samples")))
with open(sys.argv[1], "w") as out:
    for index in range(300):
        start = (index * 4096) % max(1, len(data) - 4096)
        piece = data[start:start + 4096]
        out.write(json.dumps({"id": index, "op": "redact", "base64": base64.b64encode(piece).decode()}) + "\n")
PY
            total=$(count serve --max-in-flight 1)
            ;;
        small|agent|startup)
            [[ -d bench/out/corpus-agent/samples ]] || { echo "bench/out/corpus-agent is missing: build the corpora with python3 bench/corpora.py" >&2; exit 1; }
            input="$work/$workload.jsonl"
            python3 - "$input" "$workload" <<'PY'
import base64, json, os, sys
source = "bench/out/corpus-agent/samples"
data = b"".join(open(os.path.join(source, name), "rb").read() for name in sorted(os.listdir(source))[:400])
size, count = {"small": (300, 1000), "agent": (4096, 300), "startup": (1, 1)}[sys.argv[2]]
with open(sys.argv[1], "w") as out:
    for index in range(count):
        start = (index * 7919 * 13) % (len(data) - size)
        out.write(json.dumps({"id": index, "op": "redact", "base64": base64.b64encode(data[start:start + size]).decode()}) + "\n")
PY
            total=$(count serve --max-in-flight 1)
            ;;
        scan)
            input=/dev/null
            total=$(count scan corpus/samples --threads 1)
            ;;
        realtext|dense)
            if [[ $workload == realtext ]]; then source=bench/out/corpus-realtext/samples step=16
            else source=bench/out/corpus-large/samples step=16; fi
            [[ -d $source ]] || { echo "$source is missing: build the corpora with python3 bench/corpora.py" >&2; exit 1; }
            mkdir -p "$work/$workload"
            ls "$source" | sort | awk -v step="$step" 'NR % step == 1' | while read -r name; do cp -r "$source/$name" "$work/$workload/"; done
            input=/dev/null
            total=$(count scan "$work/$workload" --threads 1 --format jsonl)
            ;;
    esac
    read -r total calls <<<"$total"
    printf '%-8s %15s instructions  (%s M)  %10s PCRE2 match calls\n' "$workload" "$total" \
        "$(awk -v n="$total" 'BEGIN { printf "%.1f", n / 1e6 }')" "$calls"
done
