#!/usr/bin/env python3
"""Conformance of Cordon against peer scanners' per-rule examples.

Runs `cordon scan` once per project over the positive and negative example strings in
shared/peer-examples/*.jsonl.gz (gitleaks, betterleaks, noseyparker) and reports, per project,
the share of positives that any Cordon detector finds and the share of negatives it flags.
A positive counts as found when Cordon reports anything in it; a negative counts as flagged
when Cordon reports anything at or above --min-confidence (test values included; the share
flagged with something other than a test value is printed beside it).

Misses and flagged negatives go to a JSONL file (default bench/out/conformance-misses.jsonl);
bench/conformance-exclusions.yaml lists the upstream examples Cordon deliberately does not
treat as upstream expects, with the reason, and the report counts those separately instead of
hiding them: "found" is raw (the issue's target), "found, deliberate misses excused" is with
them. A full run names every exclusion that excused nothing (stale: Cordon now agrees with
upstream there) so the file can be kept to the disagreements that remain.

Usage:
  python3 bench/conformance.py [--cordon .build/release/cordon] [--detectors detectors/]
                               [--project gitleaks] [--rule-prefix aws] [--markdown]
"""

import argparse
import collections
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_EXAMPLES = os.path.join(os.path.dirname(ROOT), "shared", "peer-examples")
PROJECTS = ["gitleaks", "betterleaks", "noseyparker"]


def load_exclusions(path):
    """Reads the exclusions file: a list of {project, rule, expected, reason}, one per line group.

    The file is a tiny YAML subset (list items of key: value pairs) so the script needs only the
    standard library.
    """
    exclusions = []
    if not os.path.exists(path):
        return exclusions
    item = None
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            stripped = line.strip()
            if stripped.startswith("- "):
                item = {}
                exclusions.append(item)
                stripped = stripped[2:]
            key, _, value = stripped.partition(":")
            if item is not None:
                item[key.strip()] = value.strip().strip("'\"")
    return exclusions


def excluded(record, exclusions):
    """The reason of the first exclusion that applies to `record`, or None."""
    index = reason_key(record, exclusions)
    return None if index is None else exclusions[index].get("reason", "excluded")


def reason_key(record, exclusions):
    """The index of the first exclusion that applies to `record`."""
    for index, rule in enumerate(exclusions):
        if rule.get("project") not in (None, "", "*", record["project"]):
            continue
        if rule.get("rule") != record["rule"]:
            continue
        if rule.get("expected") not in (None, "", record["expected"]):
            continue
        return index
    return None


def run_cordon(cordon, detectors, records, min_confidence):
    """Scans every record's text as its own file; returns {record index: set of detector ids} for
    the records with findings, and the set of record indexes with a finding that is not a test
    value (a documentation value, tagged, does not fail a CI scan)."""
    folder = tempfile.mkdtemp(prefix="cordon-conformance-")
    try:
        for index, record in enumerate(records):
            with open(os.path.join(folder, "%06d.txt" % index), "w", encoding="utf-8", newline="") as handle:
                handle.write(record["text"])
        command = [cordon, "scan", "--format", "jsonl", "--min-confidence", min_confidence, folder]
        for path in detectors:
            command += ["--detectors", path]
        result = subprocess.run(command, capture_output=True)
        if result.returncode not in (0, 1):
            sys.stderr.write(result.stderr.decode("utf-8", "replace"))
            raise SystemExit("cordon scan failed with exit status %d" % result.returncode)
        flagged = {}
        beyond_test_values = set()
        for line in result.stdout.splitlines():
            item = json.loads(line)
            if item["type"] == "finding":
                index = int(os.path.basename(item["path"]).split(".")[0])
                flagged.setdefault(index, set()).add(item["detector"])
                if not item.get("test_value"):
                    beyond_test_values.add(index)
        return flagged, beyond_test_values
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cordon", default=os.path.join(ROOT, ".build", "debug", "cordon"))
    parser.add_argument("--detectors", action="append", default=[], help="detector files instead of the built-in set")
    parser.add_argument("--examples", default=DEFAULT_EXAMPLES)
    parser.add_argument("--project", action="append", choices=PROJECTS)
    parser.add_argument("--rule-prefix", action="append", default=[], help="only rules starting with this")
    parser.add_argument("--rules-file", help="only the rule ids listed in this file (first tab-separated column or whole line)")
    parser.add_argument("--min-confidence", default="low", choices=["low", "medium", "high"])
    parser.add_argument("--misses", default=os.path.join(ROOT, "bench", "out", "conformance-misses.jsonl"))
    parser.add_argument("--exclusions", default=os.path.join(ROOT, "bench", "conformance-exclusions.yaml"))
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    arguments = parser.parse_args()

    exclusions = load_exclusions(arguments.exclusions)
    used_exclusions = set()
    os.makedirs(os.path.dirname(arguments.misses), exist_ok=True)
    rows = []
    with open(arguments.misses, "w", encoding="utf-8") as misses:
        for project in arguments.project or PROJECTS:
            path = os.path.join(arguments.examples, project + ".jsonl.gz")
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                records = [json.loads(line) for line in handle]
            if arguments.rules_file:
                with open(arguments.rules_file, encoding="utf-8") as listing:
                    wanted = {line.split("\t")[1] if "\t" in line else line.strip() for line in listing if line.strip()}
                records = [r for r in records if r["rule"] in wanted]
            if arguments.rule_prefix:
                records = [r for r in records if any(r["rule"].startswith(p) for p in arguments.rule_prefix)]
            if not records:
                continue
            flagged, beyond_test_values = run_cordon(arguments.cordon, arguments.detectors, records, arguments.min_confidence)
            counts = collections.Counter()
            per_rule_missed = collections.Counter()
            for index, record in enumerate(records):
                hit = index in flagged
                reason = excluded(record, exclusions)
                kind = record["expected"]
                counts[kind] += 1
                good = hit if kind == "positive" else not hit
                if kind == "negative" and hit and index not in beyond_test_values:
                    counts["negative_test_values_only"] += 1
                if good:
                    counts[kind + "_ok"] += 1
                    continue
                if reason:
                    counts[kind + "_excluded"] += 1
                    used_exclusions.add(reason_key(record, exclusions))
                else:
                    per_rule_missed[record["rule"]] += 1
                misses.write(json.dumps({
                    "project": project, "rule": record["rule"], "expected": kind,
                    "cordon": sorted(flagged.get(index, [])), "excluded": reason,
                    "text": record["text"],
                }) + "\n")
            positives, negatives = counts["positive"], counts["negative"]
            found = counts["positive_ok"] / positives if positives else 1.0
            flagged_share = (negatives - counts["negative_ok"]) / negatives if negatives else 0.0
            found_with_exclusions = (counts["positive_ok"] + counts["positive_excluded"]) / positives if positives else 1.0
            flagged_without_exclusions = (negatives - counts["negative_ok"] - counts["negative_excluded"]) / negatives if negatives else 0.0
            flagged_beyond_test_values = (negatives - counts["negative_ok"] - counts["negative_test_values_only"]) / negatives if negatives else 0.0
            rows.append((project, positives, found, found_with_exclusions, counts["positive_excluded"],
                         negatives, flagged_share, flagged_without_exclusions, counts["negative_excluded"],
                         per_rule_missed.most_common(15), flagged_beyond_test_values,
                         counts["positive_ok"], negatives - counts["negative_ok"]))
    if arguments.markdown:
        print("| project | positives | found | found, deliberate misses excused | deliberate misses | negatives | flagged | flagged, test values aside | flagged, deliberate excused | deliberate flags |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print("| %s | %d | %.1f %% | %.1f %% | %d | %d | %.1f %% | %.1f %% | %.1f %% | %d |" % (
                row[0], row[1], 100 * row[2], 100 * row[3], row[4], row[5], 100 * row[6], 100 * row[10], 100 * row[7], row[8]))
    for row in rows:
        sys.stderr.write("%s: positives found %.1f%% (%d/%d; %.1f%% excusing %d deliberate), negatives flagged %.1f%% (%d/%d; %.1f%% not counting test values; %.1f%% excusing %d deliberate)\n" % (
            row[0], 100 * row[2], row[11], row[1], 100 * row[3], row[4], 100 * row[6], row[12], row[5], 100 * row[10], 100 * row[7], row[8]))
        if row[9]:
            sys.stderr.write("  most-missed rules: %s\n" % ", ".join("%s×%d" % item for item in row[9]))
    # An exclusion that excused nothing is stale: Cordon now agrees with upstream on that example.
    # Only meaningful on a full run (every project, no rule filter).
    if not arguments.project and not arguments.rule_prefix and not arguments.rules_file:
        stale = [index for index in range(len(exclusions)) if index not in used_exclusions]
        for index in stale:
            rule = exclusions[index]
            sys.stderr.write("stale exclusion (excuses nothing; remove it): %s %s %s\n" % (
                rule.get("project"), rule.get("rule"), rule.get("expected")))
    sys.stderr.write("misses written to %s\n" % arguments.misses)


if __name__ == "__main__":
    main()
