#!/usr/bin/env bash
# Builds Cordon's libFuzzer targets and runs each for N minutes, one after another.
#
#   fuzz/run.sh [MINUTES] [TARGET...]   fuzz each target (default: 1 minute, all targets)
#   fuzz/run.sh build                   only build
#   fuzz/run.sh regress [TARGET...]     run the saved reproducers in fuzz/regressions/<target>/
#
# TARGET is a name without the fuzz- prefix: scan detectors policy json serve hook audit paths.
# Crashes, timeouts and the log of each run go to fuzz/out/<target>/; the growing corpus to
# fuzz/out/corpus/<target>/ (the seeds in fuzz/corpus/<target>/ are read, never written).
# Environment: CORDON_FUZZ_RELAX=inv1,inv2 counts those invariants' violations instead of
# stopping (their first inputs are saved to fuzz/out/<target>/relaxed/); FUZZ_FLAGS adds
# libFuzzer flags. Targets run one at a time, at nice 10 (the machine is shared).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

all_targets=(scan detectors policy json serve hook audit paths)

# The working build on Linux with Swift 6.3 (see README.md):
# - -sanitize=fuzzer,address instruments every Swift module (Cordon included) and links libFuzzer;
# - -use-ld=lld because gold fails on the instrumented objects ("internal error in
#   format_file_lineno");
# - no -parse-as-library: SwiftPM links executables with --defsym main=<module>_main, so each
#   target's main.swift calls LLVMFuzzerRunDriver itself (FuzzDriver).
build() {
    echo "== building fuzz targets (release, -sanitize=fuzzer,address)"
    local log status
    log=$(mktemp)
    # A failed build must stop here: the targets of an earlier build would otherwise be fuzzed.
    status=0
    swift build -c release --package-path "$here" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld > "$log" 2>&1 || status=$?
    if [[ $status -ne 0 ]]; then
        # The nested package can keep a stale plan of Cordon (a source file or a module added
        # since its last build: "no such module"); plan again once, keeping the built objects.
        echo "== build failed; planning again without the cached build plan"
        rm -f "$here/.build/"*.yaml "$here/.build/build.db" "$here/.build/release/description.json"
        status=0
        swift build -c release --package-path "$here" \
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld > "$log" 2>&1 || status=$?
    fi
    grep -v -E 'warning: Cannot export local symbol|^\[[0-9]+/[0-9]+\] (Compiling|Write|Linking|Emitting|Applying)' "$log" || true
    rm -f "$log"
    if [[ $status -ne 0 ]]; then
        echo "build failed (exit $status); if it names a stale file or module of Cordon, rm -rf fuzz/.build" >&2
        echo "and build again" >&2
        exit 1
    fi
    local bin
    bin=$(swift build -c release --package-path "$here" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --show-bin-path)
    for target in "${all_targets[@]}"; do
        [[ -x "$bin/fuzz-$target" ]] || { echo "build failed: $bin/fuzz-$target missing" >&2; exit 1; }
    done
    BIN=$bin
}

max_len() {
    case "$1" in
        scan) echo 4096 ;;      # 16 keyword windows (256 bytes) of arbitrary text
        detectors) echo 8192 ;; # a detector file with a few detectors
        policy) echo 4096 ;;    # a full policy file
        json) echo 4096 ;;
        serve) echo 4096 ;;     # several request lines
        hook) echo 4096 ;;      # one event with a few fields
        audit) echo 4096 ;;     # an audit file of a dozen records
        paths) echo 512 ;;      # a glob and a path
    esac
}

# Swift's own crash backtracer would race libFuzzer's handler and slow every crash down.
export SWIFT_BACKTRACE=enable=no
# Leaks are not in scope (and the Swift runtime keeps caches that LSan reports).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}

# The last match of the grep pattern $1 in file $2, or nothing (never fails).
last_match() {
    grep -o -- "$1" "$2" | tail -1 || true
}

run_target() {
    local target=$1 seconds=$2
    local out="$here/out/$target" corpus="$here/out/corpus/$target" seeds="$here/corpus/$target"
    mkdir -p "$out/relaxed" "$corpus"
    local extra_seeds=()
    if [[ $target == scan ]]; then
        # Every built-in detector's examples, written by the target itself.
        mkdir -p "$here/out/seeds/scan"
        CORDON_FUZZ_EMIT_SEEDS="$here/out/seeds/scan" "$BIN/fuzz-scan" >/dev/null 2>&1 || true
        # …and the repository's labelled corpus, read in place rather than copied.
        extra_seeds=("$here/out/seeds/scan" "$here/../corpus/samples")
    fi
    local log="$out/fuzz.log"
    echo "== fuzz-$target: $seconds s, -max_len=$(max_len "$target")"
    set +e
    CORDON_FUZZ_SAVE="$out/relaxed" nice -n 10 "$BIN/fuzz-$target" \
        -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=20 -rss_limit_mb=4096 \
        -dict="$here/dicts/$target.dict" -artifact_prefix="$out/" -print_final_stats=1 \
        ${FUZZ_FLAGS:-} "$corpus" "$seeds" "${extra_seeds[@]}" >"$log" 2>&1
    local status=$?
    set -e
    local execs rate cov ft corp result
    execs=$(last_match 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}')
    rate=$(last_match 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}')
    cov=$(last_match 'cov: [0-9]*' "$log" | awk '{print $2}')
    ft=$(last_match 'ft: [0-9]*' "$log" | awk '{print $2}')
    corp=$(last_match 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | awk '{print $2}')
    if [[ $status -eq 0 ]]; then
        result="no findings"
    else
        result="FINDING (exit $status): $(grep -o -m1 'invariant .* violated: .\{0,160\}' "$log" || grep -m1 -o 'ERROR: .*' "$log" || echo 'see log')"
        result="$result; input: $(last_match 'Test unit written to .*' "$log" | sed 's/Test unit written to //')"
    fi
    local relaxed
    relaxed=$(grep -o 'count violated:[^ ]* = [0-9]*' "$log" | sed 's/count violated://' | paste -sd, - || true)
    local observed
    observed=$(grep -o 'count [A-Za-z0-9_-]*[A-Za-z0-9] = [0-9]*' "$log" | grep -v 'count violated' | sed 's/^count //' | paste -sd, - || true)
    printf '   execs=%s exec/s=%s cov=%s ft=%s corpus=%s\n   result: %s\n' \
        "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
    if [[ -n $relaxed ]]; then printf '   relaxed violations: %s\n' "$relaxed"; fi
    if [[ -n $observed ]]; then printf '   counted: %s\n' "$observed"; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result" >>"$here/out/summary.tsv"
    return 0
}

regress() {
    local status=0
    for target in "$@"; do
        local dir="$here/regressions/$target"
        [[ -d $dir ]] || continue
        shopt -s nullglob
        local files=("$dir"/*)
        shopt -u nullglob
        [[ ${#files[@]} -gt 0 ]] || continue
        for file in "${files[@]}"; do
            [[ $file == *.md ]] && continue
            if "$BIN/fuzz-$target" -runs=1 "$file" >"$here/out/regress.log" 2>&1; then
                echo "ok     fuzz-$target $(basename "$file")"
            else
                echo "FAILS  fuzz-$target $(basename "$file"): $(grep -o -m1 'invariant .* violated: .\{0,120\}' "$here/out/regress.log" || grep -o -m1 'ERROR: .*' "$here/out/regress.log" || echo crash)"
                status=1
            fi
        done
    done
    return $status
}

mkdir -p "$here/out"
case "${1:-}" in
    build)
        build
        exit 0
        ;;
    regress)
        shift
        build
        if [[ $# -gt 0 ]]; then regress "$@"; else regress "${all_targets[@]}"; fi
        exit $?
        ;;
esac

minutes=${1:-1}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
build
for target in "${targets[@]}"; do
    run_target "$target" "$seconds"
done
