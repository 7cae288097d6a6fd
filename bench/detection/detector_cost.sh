#!/bin/sh
# CPU cost of a detector set against another, with the same cordon binary: scans INPUT with
# --threads 1 five times per set and prints each run's user+system CPU seconds and the number
# of findings. Used for issue #15: the detector files of a base commit against the working tree.
#
#   bench/detection/detector_cost.sh .build/release/cordon BASE_COMMIT INPUT...
#
# The base commit's detectors/ are exported to a temporary folder (git archive); both sets are
# loaded with --detectors, so parsing is the same on both sides.
set -eu
cordon=$1; base=$2; shift 2
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
git archive "$base" detectors | tar -x -C "$old"
for input in "$@"; do
  for set in base tree; do
    if [ "$set" = base ]; then dir="$old/detectors"; else dir=detectors; fi
    times=""
    for _ in 1 2 3 4 5; do
      t=$( { /usr/bin/time -f "%U %S" "$cordon" scan --threads 1 --format jsonl --detectors "$dir" "$input" > "$old/out.jsonl"; } 2>&1 | tail -1 | awk '{print $1 + $2}')
      times="$times $t"
    done
    echo "$set $input cpu_s:$times findings=$(grep -c '"type":"finding"' "$old/out.jsonl" || true)"
  done
done
