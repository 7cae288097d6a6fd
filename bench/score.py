#!/usr/bin/env python3
"""Score findings against the labelled corpus' ground truth (Python 3 standard library only).

Used by bench/harness.py for Cordon and the peer tools, and callable from a test or CI:

    python3 bench/score.py --truth corpus/truth.jsonl --findings cordon.jsonl \
        [--strip-prefix corpus/] [--json score.json] [--min-recall 0.9] [--min-precision 0.9]

`--findings` is the output of `cordon scan --format jsonl` (finding and file records). Paths in
it must name the same files as the truth's `file` fields (`samples/app.env`): run `cordon scan`
from the corpus folder on `samples`, or give `--strip-prefix` to cut a leading folder. Exit
status 1 when a `--min-*` threshold is not met, 2 on bad input.

Two ways of matching, both reported:

* exact (Cordon): a finding matches a labelled span when file, start, end and detector are all
  equal. Each labelled span and each finding is used once. TP/FP/FN per detector (FP under the
  finding's detector, FN under the span's) and per category (the category of the detector).
* overlap (peers, whose rule names and span conventions differ from Cordon's): a labelled span
  is found when any reported span of the same file overlaps it (recall, per category, over
  distinct labelled spans); a reported span is correct when it overlaps any labelled span of any
  category (precision: a peer reporting a labelled PII value as a secret is not a false alarm).

File level accuracy: the share of labelled files whose reported level equals the truth's level
(files with no finding record count as `public` when the tool reports levels; see score_levels).
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field

CATEGORIES = ["secret", "pii", "financial", "health", "internal"]
LEVELS = ["public", "internal", "confidential", "restricted"]


@dataclass
class Truth:
    """The ground truth: labelled spans and the level of every file."""

    spans: list = field(default_factory=list)  # (file, start, end, detector, category)
    levels: dict = field(default_factory=dict)  # file -> level
    detector_category: dict = field(default_factory=dict)  # detector -> category

    @property
    def files(self):
        return sorted(self.levels)


def load_truth(path: str) -> Truth:
    truth = Truth()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("type") == "file":
                truth.levels[record["file"]] = record["level"]
            elif record.get("type") == "span":
                span = (record["file"], int(record["start"]), int(record["end"]), record["detector"], record["category"])
                truth.spans.append(span)
                truth.detector_category[record["detector"]] = record["category"]
            else:
                raise ValueError(f"{path}:{number}: unknown record type {record.get('type')!r}")
    return truth


def _strip(path: str, prefix: str) -> str:
    if prefix and path.startswith(prefix):
        path = path[len(prefix):]
    return path[2:] if path.startswith("./") else path


def load_cordon_jsonl(path: str, strip_prefix: str = ""):
    """Reads `cordon scan --format jsonl` output: (findings, file levels).

    findings: list of (file, start, end, detector, category); levels: file -> level.
    """
    findings, levels = [], {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            kind = record.get("type")
            if kind == "finding":
                findings.append((_strip(record["path"], strip_prefix), int(record["start"]), int(record["end"]),
                                 record["detector"], record.get("category", "")))
            elif kind == "file":
                levels[_strip(record["path"], strip_prefix)] = record["level"]
    return findings, levels


def _ratio(numerator: int, denominator: int):
    return round(numerator / denominator, 4) if denominator else None


def _counts(tp: int, fp: int, fn: int) -> dict:
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}


def score_exact(findings, truth: Truth, files=None) -> dict:
    """Exact matching (file, start, end, detector). `files` limits both sides to those files
    (default: the truth's files, so findings in unlabelled files such as README.md are ignored)."""
    scope = set(truth.levels if files is None else files)
    truth_keys = defaultdict(int)
    for file, start, end, detector, _category in truth.spans:
        if file in scope:
            truth_keys[(file, start, end, detector)] += 1
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    category_of = dict(truth.detector_category)
    remaining = dict(truth_keys)
    for file, start, end, detector, category in findings:
        if file not in scope:
            continue
        if category:
            category_of.setdefault(detector, category)
        key = (file, start, end, detector)
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            tp[detector] += 1
        else:
            fp[detector] += 1
    # A miss on a span that another detector was reported for (the truth labels some spans with
    # two detectors; the engine reports one finding per span) is counted apart as well.
    reported_spans = {(f, s, e) for f, s, e, *_ in findings}
    fn_elsewhere = defaultdict(int)
    for (file, start, end, detector), count in remaining.items():
        fn[detector] += count
        if count and (file, start, end) in reported_spans:
            fn_elsewhere[detector] += count
    per_detector = {}
    per_category = {c: [0, 0, 0] for c in CATEGORIES}
    per_category_elsewhere = defaultdict(int)
    for detector in sorted(set(tp) | set(fp) | set(fn)):
        category = category_of.get(detector, "?")
        per_detector[detector] = dict(category=category, **_counts(tp[detector], fp[detector], fn[detector]),
                                      fn_span_reported=fn_elsewhere[detector])
        bucket = per_category.setdefault(category, [0, 0, 0])
        bucket[0] += tp[detector]
        bucket[1] += fp[detector]
        bucket[2] += fn[detector]
        per_category_elsewhere[category] += fn_elsewhere[detector]
    total = [sum(v[i] for v in per_category.values()) for i in range(3)]
    return {
        "method": "exact",
        "per_detector": per_detector,
        "per_category": {c: dict(_counts(*v), fn_span_reported=per_category_elsewhere[c]) for c, v in per_category.items()},
        "overall": dict(_counts(*total), fn_span_reported=sum(per_category_elsewhere.values())),
    }


def _intervals_by_file(spans):
    by_file = defaultdict(list)
    for span in spans:
        by_file[span[0]].append((span[1], span[2]))
    for intervals in by_file.values():
        intervals.sort()
    return by_file


def _overlaps(intervals, start, end, max_length):
    """True when any (s, e) in the sorted list overlaps [start, end)."""
    # Candidates start before `end` and end after `start`; spans are at most max_length long.
    hi = bisect.bisect_left(intervals, (end, -1))
    lo = bisect.bisect_left(intervals, (start - max_length, -1))
    for s, e in intervals[lo:hi]:
        if e > start and s < end:
            return True
    return False


def score_overlap(reported, truth: Truth, categories=None, files=None) -> dict:
    """Overlap matching for tools whose rule ids differ from Cordon's.

    reported: iterable of (file, start, end, label). categories: the categories whose recall
    the tool is judged on (default all); precision counts overlaps with labelled spans of any
    category.
    """
    scope = set(truth.levels if files is None else files)
    reported = [r for r in reported if r[0] in scope]
    labelled = sorted({(f, s, e, c) for f, s, e, _d, c in truth.spans if f in scope})
    reported_by_file = _intervals_by_file(reported)
    labelled_by_file = _intervals_by_file(labelled)
    max_reported = max((e - s for _f, s, e, *_ in reported), default=0)
    max_labelled = max((e - s for _f, s, e, _c in labelled), default=0)
    recall = {}
    for category in CATEGORIES:
        spans = [x for x in labelled if x[3] == category]
        found = sum(1 for f, s, e, _c in spans if _overlaps(reported_by_file.get(f, []), s, e, max_reported))
        recall[category] = {"labelled": len(spans), "found": found, "recall": _ratio(found, len(spans))}
    judged = categories or CATEGORIES
    judged_total = sum(recall[c]["labelled"] for c in judged)
    judged_found = sum(recall[c]["found"] for c in judged)
    correct = sum(1 for f, s, e, *_ in reported if _overlaps(labelled_by_file.get(f, []), s, e, max_labelled))
    per_label = defaultdict(lambda: [0, 0])
    for f, s, e, label in reported:
        per_label[label][0] += 1
        if _overlaps(labelled_by_file.get(f, []), s, e, max_labelled):
            per_label[label][1] += 1
    return {
        "method": "overlap",
        "categories": list(judged),
        "recall": _ratio(judged_found, judged_total),
        "labelled": judged_total,
        "found": judged_found,
        "reported": len(reported),
        "correct": correct,
        "precision": _ratio(correct, len(reported)),
        "per_category": recall,
        "per_label": {k: {"reported": v[0], "correct": v[1], "precision": _ratio(v[1], v[0])}
                      for k, v in sorted(per_label.items())},
    }


def score_levels(levels: dict, truth: Truth) -> dict:
    """Per-file level accuracy: reported level (missing = public) against the labelled level."""
    correct = over = under = 0
    for file, expected in truth.levels.items():
        got = levels.get(file, "public")
        if got == expected:
            correct += 1
        elif LEVELS.index(got) > LEVELS.index(expected):
            over += 1
        else:
            under += 1
    total = len(truth.levels)
    return {"files": total, "correct": correct, "over": over, "under": under, "accuracy": _ratio(correct, total)}


def score_cordon(findings_path: str, truth_path: str, strip_prefix: str = "") -> dict:
    """Everything for one `cordon scan --format jsonl` output."""
    truth = load_truth(truth_path)
    findings, levels = load_cordon_jsonl(findings_path, strip_prefix)
    spans = [(f, s, e, d) for f, s, e, d, _c in findings]
    return {
        "exact": score_exact(findings, truth),
        "overlap": score_overlap(spans, truth),
        "overlap_secret": score_overlap(spans, truth, ["secret"]),
        "overlap_pii": score_overlap(spans, truth, ["pii", "financial"]),
        "levels": score_levels(levels, truth),
        "findings": len(findings),
        "labelled": len(truth.spans),
    }


def _fmt(value):
    return "—" if value is None else f"{value:.3f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", required=True, help="truth.jsonl of the corpus")
    parser.add_argument("--findings", required=True, help="cordon scan --format jsonl output")
    parser.add_argument("--strip-prefix", default="", help="leading path to cut from finding paths")
    parser.add_argument("--json", help="write the full score as JSON here")
    parser.add_argument("--min-recall", type=float, help="fail (exit 1) when overall exact recall is lower")
    parser.add_argument("--min-precision", type=float, help="fail (exit 1) when overall exact precision is lower")
    args = parser.parse_args(argv)
    try:
        result = score_cordon(args.findings, args.truth, args.strip_prefix)
    except (OSError, ValueError, KeyError) as error:
        print(f"score.py: {error}", file=sys.stderr)
        return 2
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=1)
    exact = result["exact"]
    print(f"{'category':<12} {'TP':>7} {'FP':>7} {'FN':>7} {'precision':>9} {'recall':>7}")
    for category, c in exact["per_category"].items():
        print(f"{category:<12} {c['tp']:>7} {c['fp']:>7} {c['fn']:>7} {_fmt(c['precision']):>9} {_fmt(c['recall']):>7}")
    o = exact["overall"]
    print(f"{'all':<12} {o['tp']:>7} {o['fp']:>7} {o['fn']:>7} {_fmt(o['precision']):>9} {_fmt(o['recall']):>7}")
    lv = result["levels"]
    print(f"file levels: {lv['correct']}/{lv['files']} correct ({lv['over']} over, {lv['under']} under)")
    failed = False
    if args.min_recall is not None and (o["recall"] or 0) < args.min_recall:
        print(f"score.py: recall {_fmt(o['recall'])} < {args.min_recall}", file=sys.stderr)
        failed = True
    if args.min_precision is not None and (o["precision"] or 0) < args.min_precision:
        print(f"score.py: precision {_fmt(o['precision'])} < {args.min_precision}", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
