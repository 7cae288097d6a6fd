#!/usr/bin/env bash
# Counts the instructions Cordon executes on fixed workloads, with callgrind, so that a figure
# quoted in a commit or a note ("hook: 87 M instructions") can be reproduced by anyone.
#
#   bench/instructions.sh [WORKLOAD...]     default: all of them
#
# Workloads (inputs built from the repository only, the same bytes every time):
#   hook      one `cordon hook claude-code` process on a UserPromptSubmit event holding
#             examples/prompt.md: start-up (engine, policy) plus one decision
#   hookbash, hookprompt, hookread
#             one hook process on each event of bench/coldstart.py (the same bytes): a clean
#             PreToolUse Bash command, a 4 KB UserPromptSubmit prompt (blocked), a PostToolUse
#             Read of a 4 KB file (output replaced)
#   custom    `cordon scan --detectors detectors examples/prompt.md`: a custom detector set's
#             start-up (the repository's detector files parsed and compiled) and one scan
#   prompts   300 redact requests of 4 KB through `cordon serve` (corpus/samples cut into
#             4096-byte pieces, sent as base64): start-up plus steady-state scanning
#   scan      `cordon scan corpus/samples`: the folder scan of the CLI
#   realtext  `cordon scan --threads 1 --format jsonl` on every 16th file of the real-text corpus
#             (bench/out/corpus-realtext, ~3.0 MB; build it first with `python3 bench/corpora.py`)
#   dense     the same on every 16th folder of the dense corpus (bench/out/corpus-large, ~3.3 MB)
#   scan300   per-scan cost of a small message: 1,000 `scan` requests of 300 bytes (the gateway's
#             per-event tail) through `cordon serve`, cut from the agent corpus
#             (bench/out/corpus-agent); the requests are sent twice and the second pass is what
#             is printed, per request (the run with the requests once is subtracted): steady
#             state, without the first uses' pattern compilation
#   agent4k   the same for 300 requests of 4,096 bytes of the agent corpus
#   dense4k   the same for 300 requests of 4,096 bytes of the dense corpus (bench/out/corpus-large)
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
    case $workload in hook|hookbash|hookprompt|hookread|custom|prompts|scan|realtext|dense|scan300|agent4k|dense4k) ;;
        *) echo "unknown workload '$workload' (hook, hookbash, hookprompt, hookread, custom, prompts, scan, realtext, dense, scan300, agent4k, dense4k)" >&2; exit 2 ;;
    esac
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
        hookbash|hookprompt|hookread)
            input="$work/$workload.json"
            python3 - "${workload#hook}" "$input" <<'PY'
import json, sys
sys.path.insert(0, "bench")
import coldstart
open(sys.argv[2], "w").write(json.dumps(coldstart.events()[sys.argv[1]]))
PY
            total=$(count hook claude-code)
            ;;
        custom)
            input=/dev/null
            total=$(count scan --detectors detectors examples/prompt.md)
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
        scan300|agent4k|dense4k)
            case $workload in
                scan300) source=bench/out/corpus-agent/samples size=300 requests=1000 ;;
                agent4k) source=bench/out/corpus-agent/samples size=4096 requests=300 ;;
                dense4k) source=bench/out/corpus-large/samples size=4096 requests=300 ;;
            esac
            [[ -d $source ]] || { echo "$source is missing: build the corpora with python3 bench/corpora.py" >&2; exit 1; }
            # The same pieces every time: the corpus's files in name order, concatenated (the
            # dense corpus's folders walked in name order), cut every 4,099 bytes into `size`.
            input="$work/$workload.jsonl"
            python3 - "$source" "$size" "$requests" "$input" <<'PY'
import base64, json, os, sys
source, size, requests, output = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = bytearray()
for root, folders, files in os.walk(source):
    folders.sort()
    for name in sorted(files):
        data += open(os.path.join(root, name), "rb").read()
        if len(data) > requests * 4099 + size:
            break
    if len(data) > requests * 4099 + size:
        break
lines = []
for index in range(requests):
    piece = bytes(data[index * 4099:index * 4099 + size])
    lines.append(json.dumps({"id": index, "op": "scan", "base64": base64.b64encode(piece).decode()}) + "\n")
open(output + ".once", "w").write("".join(lines))
open(output, "w").write("".join(lines + lines))
PY
            total=$(count serve --max-in-flight 1)
            read -r total calls <<<"$total"
            input="$input.once"
            read -r idle idleCalls <<<"$(count serve --max-in-flight 1)"
            printf '%-8s %15s instructions per request (%s k)  %8s PCRE2 match calls per request  (%s requests of %s bytes; serve with them once %s M)\n' \
                "$workload" "$(( (total - idle) / requests ))" "$(awk -v n="$(( (total - idle) / requests ))" 'BEGIN { printf "%.1f", n / 1e3 }')" \
                "$(awk -v n="$(( calls - idleCalls ))" -v r="$requests" 'BEGIN { printf "%.1f", n / r }')" "$requests" "$size" \
                "$(awk -v n="$idle" 'BEGIN { printf "%.1f", n / 1e6 }')"
            continue
            ;;
    esac
    read -r total calls <<<"$total"
    printf '%-8s %15s instructions  (%s M)  %10s PCRE2 match calls\n' "$workload" "$total" \
        "$(awk -v n="$total" 'BEGIN { printf "%.1f", n / 1e6 }')" "$calls"
done
