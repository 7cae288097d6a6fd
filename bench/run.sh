#!/usr/bin/env bash
# Cordon's benchmark harness: one command, from anywhere in the repository.
#
#   bash bench/run.sh [--no-peers] [--install-peers] [--reps N] [--quick] [--huge]
#
# 1. builds `cordon` as `make release` does (swift build -c release --static-swift-stdlib
#    --product cordon, default .build): the binary a user installs;
# 2. generates the >= 50 MiB labelled corpus in bench/out/corpus-large when it is missing;
# 3. builds the in-process latency tool (nested package bench/latency, its own .build);
# 4. runs every measurement (bench/harness.py): throughput (1 thread / all cores, folder /
#    one concatenated file, committed / large corpus), detector-count scaling, precision and
#    recall against the truth, library latency, sidecar round trip, cold starts, and the peer
#    tools from bench/.venv when installed (bench/peers/install.sh; --install-peers runs it);
# 5. writes bench/RESULTS.md and bench/throughput.svg (bench/report.py);
# 6. appends the corpora that reflect real use (bench/corpora.py): ~50 MB of the machine's own
#    real text, ~50 MB of agent traffic with a planted value every 10-50 KB, and the dense
#    corpus, Cordon and the peers with one thread each, plus 4 KB in-process latency.
# Raw outputs and bench/out/results.json stay in bench/out/ (gitignored).
#
#   --no-peers       skip the peer tools
#   --install-peers  run bench/peers/install.sh first (PyPI) when bench/.venv lacks a peer
#   --reps N         repetitions per throughput figure (median; default 3)
#   --quick          1 repetition, fewer cold starts and latency iterations (a smoke test)
#   --huge           also stream a ~1 GB file (the large corpus concatenated 20 times) through
#                    `cordon scan --threads 1` and record CPU time and peak RSS (~1-2 minutes)
# Whole run: about 10 minutes on 2 cores, most of it the builds and the peers.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
cd "$ROOT"

harness_args=()
corpora_reps=3
install_peers=0
huge=0
command_line="bash bench/run.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-peers) harness_args+=(--no-peers) ;;
    --install-peers) install_peers=1 ;;
    --huge) huge=1 ;;
    --reps) harness_args+=(--reps "$2"); corpora_reps="$2"; shift ;;
    --quick) harness_args+=(--reps 1 --cold-runs 10 --latency-scale 0.1); corpora_reps=1 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n== %s\n' "$*" >&2; }

mkdir -p bench/out
step "build cordon (release)"
make -s deps >/dev/null
if ! swift build -c release --static-swift-stdlib --product cordon > bench/out/build-release.log 2>&1; then
  tail -n 30 bench/out/build-release.log >&2
  echo "run.sh: the release build failed (bench/out/build-release.log)" >&2
  exit 1
fi
tail -n 1 bench/out/build-release.log >&2

step "corpus"
truth=bench/out/corpus-large/truth.jsonl
if [ ! -f "$truth" ] || [ bench/corpus/generate.py -nt "$truth" ] || [ -n "$(find bench/corpus/templates -newer "$truth" | head -1)" ]; then
  rm -rf bench/out/corpus-large
  python3 bench/corpus/generate.py --size-mb 50 --out bench/out/corpus-large
else
  echo "bench/out/corpus-large exists ($(find bench/out/corpus-large/samples -type f -printf "%s\n" | awk "{s+=\$1} END {print s}") bytes of samples)" >&2
fi

step "build the latency tool (bench/latency, release)"
build_latency() { (cd bench/latency && swift build -c release > ../out/build-latency.log 2>&1); }
# The nested package can keep a stale list of Cordon's source files (a file added since its last
# build fails with "cannot find type"): forget its build plan and try once more.
if build_latency || { rm -f bench/latency/.build/*.yaml bench/latency/.build/build.db bench/latency/.build/release/description.json; build_latency; }; then
  tail -n 1 bench/out/build-latency.log >&2
else
  tail -n 20 bench/out/build-latency.log >&2
  # Never measure an earlier build's tool.
  rm -f bench/latency/.build/release/CordonLatency
  echo "run.sh: the latency tool did not build (bench/out/build-latency.log); its figures will be missing" >&2
fi

if [ "$install_peers" = 1 ]; then
  step "peers (bench/peers/install.sh)"
  bash bench/peers/install.sh || echo "run.sh: some peers did not install; RESULTS.md says which" >&2
fi

step "measure (bench/harness.py)"
python3 bench/harness.py --command "$command_line" ${harness_args[@]+"${harness_args[@]}"}

step "report"
python3 bench/report.py

step "conformance against the peers' rule examples (bench/conformance.py)"
if [ -d ../shared/peer-examples ]; then
  python3 bench/conformance.py --cordon .build/release/cordon --markdown > bench/out/conformance.md 2> bench/out/conformance.log
  {
    echo
    echo "## Conformance with the peers' rule examples"
    echo
    echo "Command: \`python3 bench/conformance.py --cordon .build/release/cordon --markdown\` over"
    echo "\`../shared/peer-examples/\` (gitleaks, betterleaks and Nosey Parker per-rule examples). A positive"
    echo "is found when Cordon reports anything in it; a negative is flagged when it does. The \"excused\""
    echo "columns leave out the deliberate disagreements listed, each with its reason, in"
    echo "\`bench/conformance-exclusions.yaml\` (an entry covers one rule's positives or negatives in one"
    echo "project). Misses: \`bench/out/conformance-misses.jsonl\`."
    echo
    cat bench/out/conformance.md
  } >> bench/RESULTS.md
else
  echo "run.sh: ../shared/peer-examples not found; conformance skipped" >&2
fi
step "corpora that reflect real use (bench/corpora.py): real text, agent traffic, dense; peers in the same run"
corpora_args=()
for arg in ${harness_args[@]+"${harness_args[@]}"}; do [ "$arg" = --no-peers ] && corpora_args+=(--no-peers); done
if python3 bench/corpora.py ${corpora_args[@]+"${corpora_args[@]}"} --reps "$corpora_reps" --markdown bench/out/corpora.md > bench/out/corpora.log 2>&1; then
  { echo; cat bench/out/corpora.md; } >> bench/RESULTS.md
else
  tail -n 20 bench/out/corpora.log >&2
  echo "run.sh: bench/corpora.py failed (bench/out/corpora.log)" >&2
fi
echo "wrote bench/RESULTS.md and bench/throughput.svg (raw results: bench/out/results.json)" >&2

if [ "$huge" = 1 ]; then
  step "huge input: ~1 GB streamed through a bounded window"
  find bench/out/corpus-large/samples -type f | sort | xargs cat > bench/out/one-file.txt
  rm -f bench/out/huge.txt
  for _ in $(seq 1 20); do cat bench/out/one-file.txt >> bench/out/huge.txt; done
  size=$(stat -c %s bench/out/huge.txt)
  /usr/bin/time -f "%U %S %e %M" -o bench/out/huge.time .build/release/cordon scan --threads 1 --format jsonl bench/out/huge.txt \
    | tail -n 1 > bench/out/huge.last || true
  # cordon exits 1 when it finds something, and time(1) then writes a status line first.
  read -r user system wall rss < <(tail -n 1 bench/out/huge.time)
  rm -f bench/out/huge.txt
  python3 - "$size" "$user" "$system" "$wall" "$rss" >> bench/RESULTS.md <<'PY'
import json, sys
size, user, system, wall, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
last = json.loads(open("bench/out/huge.last").read() or "{}")
cpu = user + system
print()
print("## Huge input: one ~1 GB file, streamed")
print()
print("`cordon scan --threads 1 --format jsonl` on the large corpus concatenated 20 times, one file (files over 16 MiB")
print("are scanned through a 4 MiB window with 512 KiB overlap, findings written per window).")
print()
print("| MB | CPU s | MB/CPU-s | wall s | peak RSS MB | findings |")
print("|---|---|---|---|---|---|")
print("| %.1f | %.1f | %.1f | %.1f | %.1f | %s |" % (size / 1e6, cpu, size / 1e6 / cpu, wall, rss / 1024, format(last.get("findings", 0), ",")))
PY
fi
