#!/usr/bin/env python3
"""Turns bench/out/results.json (bench/harness.py) into bench/RESULTS.md and bench/throughput.svg.

    python3 bench/report.py [--results bench/out/results.json]

Python 3 standard library only; the chart is written as SVG by hand.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from html import escape

BENCH = os.path.dirname(os.path.abspath(__file__))
TARGETS = {
    "mb_per_cpu_s": 300.0,
    "vs_betterleaks": 5.0,
    "scaling": 1.5,
    "lat4k_p50_us": 20.0,
    "lat4k_p99_us": 200.0,
    "sidecar_p99_ms": 1.0,
    "sidecar_rss_mb": 40.0,
    "hook_median_ms": 15.0,
}


def f(value, digits=1, unit=""):
    if value is None:
        return "—"
    if isinstance(value, float):
        if abs(value) >= 100 or digits == 0:
            text = f"{value:,.0f}"
        else:
            text = f"{value:.{digits}f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return text + unit


def pct(value):
    return "—" if value is None else f"{value * 100:.1f} %"


def ok(flag):
    return "—" if flag is None else ("yes" if flag else "**no**")


def result(results, name):
    entry = results.get("steps", {}).get(name) or {}
    return entry.get("result") or {}


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def build(results):
    m = result(results, "machine")
    thr = result(results, "cordon_throughput")
    scaling = result(results, "detector_scaling")
    acc = result(results, "accuracy")
    lat = result(results, "library_latency")
    side = result(results, "sidecar")
    cold = result(results, "cold_start")
    peers = result(results, "peers")
    on_sample = result(results, "cordon_on_sample")
    nproc = m.get("nproc", 2)
    corpora = results.get("corpora", {})
    md = []
    md.append("# Benchmark results\n")
    md.append("Written by `bash bench/run.sh` (bench/report.py from bench/out/results.json): do not edit by "
              "hand; re-run the command. bench/README.md explains every figure.\n")

    # --- run -----------------------------------------------------------------------------------
    md.append("## Run\n")
    dirty = m.get("git_dirty_paths")
    md.append(table(["", ""], [
        ["date", m.get("date_utc", "—")],
        ["command", f"`{results.get('command', '')}`"],
        ["commit", f"`{m.get('git_commit', '—')}`" + (f" plus {dirty} uncommitted paths in the work tree" if dirty else "")],
        ["machine", f"{m.get('cpu_model', '?')}, {nproc} CPUs (nproc), {m.get('memory_gib', '?')} GiB memory"],
        ["system", f"{m.get('os', '')}, Linux {m.get('kernel', '')}; {m.get('swift', '')}; Python {m.get('python', '')}"],
        ["cordon", f"{m.get('cordon_version', '?')}, {m.get('detectors_builtin', '?')} built-in detectors; built as `make release` does (`swift build -c release --static-swift-stdlib --product cordon`)"],
        ["corpora", "; ".join(f"{k}: `{v['path']}` {v['files']:,} files, {v['bytes'] / 1e6:.2f} MB" for k, v in corpora.items())],
        ["repetitions", f"{results.get('reps', '?')} per throughput figure (median CPU time; best in results.json)"],
        ["load average", f"{' '.join(m.get('loadavg_start', []))} at start, {' '.join(results.get('loadavg_end', []))} at end "
                         "(a shared machine: wall-clock figures are noisier than CPU-seconds)"],
        ["harness time", f"{results.get('harness_seconds', '?')} s (measurements only, builds excluded)"],
    ]))
    md.append("")

    # --- targets -------------------------------------------------------------------------------
    large_t1 = thr.get("large-folder-t1", {})
    bl = peers.get("betterleaks", {}) if isinstance(peers, dict) else {}
    s_runs = scaling.get("runs", {})
    lat4 = next((s for s in lat.get("sizes", []) if s.get("bytes") == 4096), {})
    hook = cold.get("cordon hook claude-code", {})
    ratio_bl = (large_t1.get("mb_per_cpu_s") / bl["mb_per_cpu_s"]) if large_t1.get("mb_per_cpu_s") and bl.get("mb_per_cpu_s") else None
    scale_ratio = s_runs.get("100", {}).get("cpu_vs_25")
    identical = all(v.get("identical_across_threads", True) for v in thr.values()) if thr else None
    rows = [
        ["MB per CPU-second, 1 thread, full catalogue, large corpus (folder)", f(large_t1.get("mb_per_cpu_s")), "≥ 300",
         ok(large_t1.get("mb_per_cpu_s", 0) >= TARGETS["mb_per_cpu_s"]) if large_t1 else "—"],
        ["… the same ÷ betterleaks' MB per CPU-second (same run)", f(ratio_bl, 2, "×"), "≥ 5×",
         ok(ratio_bl >= TARGETS["vs_betterleaks"]) if ratio_bl else "—"],
        ["CPU time with 100 % ÷ 25 % of the catalogue", f(scale_ratio, 2, "×"), "≤ 1.5×",
         ok(scale_ratio <= TARGETS["scaling"]) if scale_ratio else "—"],
        ["library latency, 4 KB prompt, p50", f(lat4.get("p50_us"), 1, " µs"), "≤ 20 µs",
         ok(lat4["p50_us"] <= TARGETS["lat4k_p50_us"]) if lat4 else "—"],
        ["library latency, 4 KB prompt, p99", f(lat4.get("p99_us"), 1, " µs"), "≤ 200 µs",
         ok(lat4["p99_us"] <= TARGETS["lat4k_p99_us"]) if lat4 else "—"],
        ["sidecar round trip, 4 KB, p99", f(side.get("p99_ms"), 3, " ms") if "p99_ms" in side else side.get("skipped", "—"), "≤ 1 ms",
         ok(side["p99_ms"] <= TARGETS["sidecar_p99_ms"]) if "p99_ms" in side else "—"],
        ["sidecar peak RSS", f(side.get("peak_rss_mb"), 1, " MB"), "≤ 40 MB",
         ok(side["peak_rss_mb"] <= TARGETS["sidecar_rss_mb"]) if "peak_rss_mb" in side else "—"],
        ["hook cold start (`cordon hook claude-code`, 4 KB), median", f(hook.get("median_ms"), 1, " ms") if "median_ms" in hook else hook.get("skipped", "—"),
         "≤ 15 ms", ok(hook["median_ms"] <= TARGETS["hook_median_ms"]) if "median_ms" in hook else "—"],
        [f"same findings with --threads 1 and --threads {nproc}", ok(identical), "identical", ok(identical)],
    ]
    md.append("## Targets (issue #5)\n")
    md.append(table(["figure", "measured", "target", "met"], rows))
    md.append("")

    # --- throughput ----------------------------------------------------------------------------
    md.append("## Throughput of `cordon scan --format jsonl`\n")
    md.append("MB = 10⁶ bytes. CPU = user + system time of the `cordon` process; MB/CPU-s = MB ÷ CPU. "
              "Wall MB/s is what a user waits for. A concatenated file is one message, so it is scanned by one "
              "thread whatever `--threads` says; at 52 MB it is also larger than `ScanLimits.maximumDecodedInput` "
              "(16 MiB by default), so the engine treats it differently from 40,000 small messages (decoded layers, "
              "chunking): compare it with the folder with care. The committed corpus (36 KB) measures start-up, not throughput. The clean row is "
              "the large corpus' files with no labelled value (hard negatives only).\n")
    rows = []
    for key, v in thr.items():
        rows.append([v.get("corpus"), v.get("form"), v.get("threads"), f(v.get("bytes", 0) / 1e6, 2), f(v.get("cpu_s"), 3),
                     f"**{f(v.get('mb_per_cpu_s'))}**", f(v.get("wall_s"), 3), f(v.get("mb_per_wall_s")),
                     f(v.get("peak_rss_mb")), f(v.get("findings")), ok(v.get("identical_across_threads"))])
    md.append(table(["corpus", "input", "threads", "MB", "CPU s", "MB/CPU-s", "wall s", "MB/s (wall)", "peak RSS MB",
                     "findings", "same output at 1/N threads"], rows))
    md.append("")

    # --- scaling -------------------------------------------------------------------------------
    md.append("## Throughput against catalogue size\n")
    md.append(f"Large corpus (folder), `--threads 1`, `--detectors bench/out/subsets/pNN` (every 4th/2nd/every detector "
              f"of the {scaling.get('catalogue_detectors', '?')} in detectors/*.yaml, spread evenly).\n")
    rows = [[f"{p} %", v.get("detectors"), f(v.get("cpu_s"), 3), f(v.get("mb_per_cpu_s")), f(v.get("cpu_vs_25"), 2, "×"),
             f(v.get("findings"))] for p, v in s_runs.items()]
    md.append(table(["catalogue", "detectors", "CPU s", "MB/CPU-s", "CPU ÷ 25 %", "findings"], rows))
    md.append("")

    # --- accuracy ------------------------------------------------------------------------------
    md.append("## Precision and recall against the ground truth\n")
    md.append("Exact match: file, start, end and detector all equal (bench/score.py). The truth labels some spans with "
              "two detectors (an AWS secret key that is also a `secret-assignment`); the engine reports one finding per "
              "span, so the other label counts as a miss, shown apart as \"span reported by another detector\". "
              "Overlap: a labelled span counts as found when any finding overlaps it, whatever the detector (the "
              "measure used for the peers).\n")
    for name, sc in acc.items():
        ex = sc["exact"]
        md.append(f"### {name} corpus (`{corpora.get(name, {}).get('path', name)}`)\n")
        rows = [[c, v["tp"], v["fp"], v["fn"], v.get("fn_span_reported", "—"), pct(v["precision"]), pct(v["recall"]),
                 pct(sc["overlap"]["per_category"].get(c, {}).get("recall"))] for c, v in ex["per_category"].items()]
        o = ex["overall"]
        rows.append(["**all**", o["tp"], o["fp"], o["fn"], o.get("fn_span_reported", "—"), pct(o["precision"]), pct(o["recall"]),
                     pct(sc["overlap"]["recall"])])
        md.append(table(["category", "TP", "FP", "FN", "of which span reported by another detector", "precision", "recall",
                         "recall (overlap)"], rows))
        lv = sc["levels"]
        md.append(f"\nFile levels: {lv['correct']} of {lv['files']} files at the labelled level ({pct(lv['accuracy'])}); "
                  f"{lv['over']} above it, {lv['under']} below it. Overlap precision (any labelled span): "
                  f"{pct(sc['overlap']['precision'])} of {sc['overlap']['reported']:,} findings.\n")
        detectors = ex["per_detector"]
        imperfect = {d: v for d, v in detectors.items() if v["fp"] or v["fn"]}
        if name == "small" or len(detectors) <= 60:
            shown, caption = detectors, "every detector with a labelled span or a finding"
        else:
            shown, caption = imperfect, "detectors with a false positive or a miss (the others: all TP)"
        md.append(f"<details><summary>Per detector: {caption} ({len(shown)})</summary>\n")
        rows = [[d, v["category"], v["tp"], v["fp"], v["fn"], v.get("fn_span_reported", "—"), pct(v["precision"]), pct(v["recall"])]
                for d, v in sorted(shown.items(), key=lambda kv: (kv[1]["category"], kv[0]))]
        md.append(table(["detector", "category", "TP", "FP", "FN", "FN, span reported by another detector", "precision",
                         "recall"], rows) if rows else "(none)")
        md.append("\n</details>\n")

    # --- latency -------------------------------------------------------------------------------
    md.append("## Per-message latency\n")
    if lat:
        md.append(f"Library, in process (bench/latency: `DetectorSet.builtIn()` loaded in {f(lat.get('load_ms'), 1)} ms and "
                  f"`Engine(_:)` compiled in {f(lat.get('compile_ms'), 1)} ms, once, {lat.get('detectors')} detectors; then "
                  f"`engine.scan(String)` timed per call on prompts cut from the corpus, cycling through them).\n")
        rows = [[f"{s['bytes'] // 1024} KB", s["prompts"], f(s["iterations"]), f(s["p50_us"], 1), f(s["p90_us"], 1),
                 f(s["p99_us"], 1), f(s["max_us"], 1), f(s["mb_per_s"]), s["findings_per_prompt"]] for s in lat.get("sizes", [])]
        md.append(table(["prompt", "prompts", "iterations", "p50 µs", "p90 µs", "p99 µs", "max µs", "MB/s", "findings/prompt"], rows))
        md.append("")
    else:
        md.append(f"Library latency: not measured ({results['steps'].get('library_latency', {}).get('error', 'step skipped')}).\n")
    prof = result(results, "scan_profile")
    if prof:
        md.append(f"Where a scan's time goes (bench/latency `--profile`, best of several passes over the {prof['prompts']} "
                  f"4 KB prompts, µs per KB of prompt): full engine **{f(prof['full_us_per_kb'], 1)}**; without decoded "
                  f"layers (`ScanLimits(decodingDepth: 0)`) **{f(prof['no_decoding_us_per_kb'], 1)}**, so decoding and "
                  f"re-scanning the decoded layers takes "
                  f"{pct(1 - prof['no_decoding_us_per_kb'] / prof['full_us_per_kb']) if prof['full_us_per_kb'] else '—'} of "
                  f"the scan. Each detector alone (its own engine, no decoding): the keyword pass costs "
                  f"{f(prof['keyword_pass_us_per_kb'], 2)} µs/KB; the detectors add {f(prof['sum_of_detector_costs_us_per_kb'], 1)} "
                  f"µs/KB in all, of which the {prof['keywordless_detectors']} detectors without keywords (gated by a `run` or a "
                  f"required context's words, or a full PCRE2 pass for the few with neither) "
                  f"take {pct(prof['keywordless_share'])}. The most expensive:\n")
        rows = [[t["id"], t["keywords"] or "**none**", f(t["us_per_kb"], 2), pct(t["share"])] for t in prof.get("top", [])]
        md.append(table(["detector", "keywords", "µs per KB", "share of detector time"], rows))
        md.append("")
    if "p50_ms" in side:
        md.append(f"Sidecar (`{side.get('command')}`): {side['requests']:,} scan requests of ~{side['prompt_bytes']:,} bytes, "
                  f"sent one at a time over stdin, each timed until its response line: p50 {f(side['p50_ms'], 3)} ms, "
                  f"p95 {f(side['p95_ms'], 3)} ms, p99 {f(side['p99_ms'], 3)} ms, max {f(side['max_ms'], 2)} ms; "
                  f"peak RSS {f(side['peak_rss_mb'])} MB; first answer (start-up + compile) after {f(side['first_answer_ms'])} ms; "
                  f"{side['errors']} error responses.\n")
    else:
        md.append(f"Sidecar: {side.get('skipped') or results['steps'].get('sidecar', {}).get('error', 'not measured')}.\n")

    # --- cold start ----------------------------------------------------------------------------
    md.append("## Cold start: one process per 4 KB prompt\n")
    md.append("Wall time from spawn to exit, one process per event (the binary is in the page cache: one warm-up run "
              "first). Hook events are `UserPromptSubmit` with a 4 KB prompt cut from the corpus.\n")
    rows = []
    for name, v in cold.items():
        if "skipped" in v:
            rows.append([f"`{name}`", "—", "—", "—", "—", "—", v["skipped"]])
        else:
            rows.append([f"`{name}`", v["n"], f(v["median_ms"], 1), f(v["p95_ms"], 1), f(v["min_ms"], 1),
                         f(v["cpu_median_ms"], 1), f"peak RSS {f(v['peak_rss_mb'])} MB; exit codes {v['exit_codes']}"])
    md.append(table(["command", "runs", "median ms", "p95 ms", "min ms", "CPU ms (median)", ""], rows))
    md.append("")

    # --- peers ---------------------------------------------------------------------------------
    md.append("## Side by side with the peers (same run)\n")
    if not peers or "skipped" in peers:
        md.append(f"Peers not measured: {peers.get('skipped', 'step did not run') if isinstance(peers, dict) else '—'}.\n")
    else:
        large_tn = thr.get(f"large-folder-t{nproc}", {})
        md.append("Each tool over the same files, its own default parallelism unless stated. Recall: share of the "
                  "labelled spans of the tool's categories (secrets for the secret scanners, PII + financial for "
                  "Presidio) that one of its findings overlaps. Precision: share of its findings that overlap any "
                  "labelled span. Ratio: Cordon's MB per CPU-second on the same input ÷ the tool's. betterleaks and "
                  f"kingfisher scan the large corpus; detect-secrets and Presidio (pure Python, ~100× slower) scan "
                  f"`{corpora.get('sample', {}).get('path', 'the sample')}`, its first "
                  f"{corpora.get('sample', {}).get('bytes', 0) / 1e6:.2f} MB, and their CPU time is that of the scan "
                  "loop alone (interpreter start-up and imports excluded, in their favour).\n")
        rows = []

        def cordon_row(label, v, sc_secret=None, sc_pii=None):
            rows.append([label, "—", v.get("mb_label", ""), f(v.get("cpu_s"), 3), f"**{f(v.get('mb_per_cpu_s'))}**",
                         f(v.get("mb_per_wall_s")), f(v.get("peak_rss_mb")),
                         pct(sc_secret["recall"]) if sc_secret else "—", pct(sc_secret["precision"]) if sc_secret else "—",
                         pct(sc_pii["recall"]) if sc_pii else "—", pct(sc_pii["precision"]) if sc_pii else "—", "1×"])

        large_score = acc.get("large", {})
        cordon_row(f"**Cordon** `--threads 1`, large", dict(large_t1, mb_label=f(large_t1.get("bytes", 0) / 1e6, 1)),
                   large_score.get("overlap_secret"), large_score.get("overlap_pii"))
        if large_tn:
            cordon_row(f"**Cordon** `--threads {nproc}`, large", dict(large_tn, mb_label=f(large_tn.get("bytes", 0) / 1e6, 1)))
        if on_sample:
            cordon_row("**Cordon** `--threads 1`, sample", dict(on_sample, mb_label=f(on_sample.get("bytes", 0) / 1e6, 2)),
                       on_sample.get("score_secret"), on_sample.get("score_pii"))
        for name, v in peers.items():
            if "error" in v and "mb_per_cpu_s" not in v:
                rows.append([name, "—", "—", "—", "—", "—", "—", "—", "—", "—", "—", f"failed: {v['error']}"])
                continue
            sc = v.get("score", {})
            secret = "secret" in sc.get("categories", [])
            cordon_ref = on_sample if v.get("corpus", "").endswith("corpus-sample") else large_t1
            ratio = (cordon_ref.get("mb_per_cpu_s") / v["mb_per_cpu_s"]) if cordon_ref.get("mb_per_cpu_s") and v.get("mb_per_cpu_s") else None
            rows.append([name, v.get("version", "?"), f(v.get("bytes", 0) / 1e6, 2 if v.get("bytes", 0) < 1e7 else 1),
                         f(v.get("cpu_s"), 3), f(v.get("mb_per_cpu_s"), 2), f(v.get("mb_per_wall_s"), 2), f(v.get("peak_rss_mb")),
                         pct(sc.get("recall")) if secret else "—", pct(sc.get("precision")) if secret else "—",
                         pct(sc.get("recall")) if not secret else "—", pct(sc.get("precision")) if not secret else "—",
                         f"**{f(ratio, 1, '×')}**"])
        md.append(table(["tool", "version", "MB", "CPU s", "MB/CPU-s", "MB/s (wall)", "peak RSS MB", "secret recall",
                         "secret precision", "PII+fin. recall", "PII+fin. precision", "Cordon ÷ tool (MB/CPU-s)"], rows))
        md.append("")
        # Latency side by side.
        rows = []
        for s in lat.get("sizes", []):
            b = bl.get("latency", {}).get(str(s["bytes"]), {})
            rows.append([f"{s['bytes'] // 1024} KB", f(s["p50_us"], 1), f(s["p99_us"], 1), f(b.get("p50_us"), 1), f(b.get("p99_us"), 1),
                         f(b["p50_us"] / s["p50_us"], 1, "×") if b.get("p50_us") and s.get("p50_us") else "—"])
        pr = peers.get("presidio", {}).get("latency", {}).get("4096")
        if rows:
            md.append("In-process latency per prompt (µs): Cordon's library against betterleaks' Python binding "
                      "(`betterleaks.scan_string`, the Go library behind a C call, which includes that call's cost)"
                      + (f"; Presidio regex-only takes p50 {f(pr['p50_us'] / 1000, 1)} ms, p99 {f(pr['p99_us'] / 1000, 1)} ms "
                         "for 4 KB." if pr else ".") + "\n")
            md.append(table(["prompt", "Cordon p50", "Cordon p99", "betterleaks p50", "betterleaks p99", "betterleaks ÷ Cordon (p50)"], rows))
            md.append("")
        details = []
        for name, v in peers.items():
            if v.get("command"):
                details.append(f"- **{name}**: `{v['command']}`"
                               + (f"; {v['unplaced_spans']} findings could not be placed in their file and count as their whole line"
                                  if v.get("unplaced_spans") else "")
                               + (f"; not scored (outside Cordon's categories): {v['out_of_scope_findings']}" if v.get("out_of_scope_findings") else ""))
            if v.get("error"):
                details.append(f"- **{name}**: {v['error']}")
            if v.get("latency_error"):
                details.append(f"- **{name}** latency: {v['latency_error']}")
        if details:
            md.append("\n".join(details) + "\n")

    # --- notes ---------------------------------------------------------------------------------
    notes = list(results.get("notes", []))
    for name, entry in results.get("steps", {}).items():
        if not entry.get("ok", True) and entry.get("error") and not any(entry["error"] in n for n in notes):
            notes.append(f"step {name} failed: {entry['error']}")
    md.append("## Notes\n")
    md.append("- Chart: [throughput.svg](throughput.svg). Raw figures: bench/out/results.json; raw tool outputs: bench/out/raw/.")
    md.append("- Wall-clock figures depend on what else the machine runs (see the load average above); "
              "CPU-seconds and the ratios taken in the same run are the figures to compare.")
    for n in notes:
        md.append(f"- {n}")
    md.append("")
    return "\n".join(md)


# ---------------------------------------------------------------------------------------------
# Chart


def svg_chart(results):
    thr = result(results, "cordon_throughput")
    m = result(results, "machine")
    nproc = m.get("nproc", 2)
    peers = result(results, "peers") or {}
    lat = result(results, "library_latency")
    side = result(results, "sidecar")
    on_sample = result(results, "cordon_on_sample")
    bars1 = []
    for key, label in (("large-folder-t1", "Cordon, large corpus, 1 thread"),
                       (f"large-folder-t{nproc}", f"Cordon, large corpus, {nproc} threads"),
                       ("clean-folder-t1", "Cordon, clean files, 1 thread")):
        if thr.get(key, {}).get("mb_per_cpu_s"):
            bars1.append((label, thr[key]["mb_per_cpu_s"], "#2b6cb0"))
    if on_sample.get("mb_per_cpu_s"):
        bars1.append(("Cordon, 1 MB sample, 1 thread", on_sample["mb_per_cpu_s"], "#2b6cb0"))
    for name in ("betterleaks", "kingfisher", "detect-secrets", "presidio"):
        v = peers.get(name, {}) if isinstance(peers, dict) else {}
        if v.get("mb_per_cpu_s"):
            where = "1 MB sample" if v.get("corpus", "").endswith("corpus-sample") else "large corpus"
            bars1.append((f"{name}, {where}", v["mb_per_cpu_s"], "#a0aec0"))
    bars2 = []
    lat4 = next((s for s in lat.get("sizes", []) if s.get("bytes") == 4096), None)
    if lat4:
        bars2.append(("Cordon library p50", lat4["p50_us"], "#2b6cb0"))
        bars2.append(("Cordon library p99", lat4["p99_us"], "#63b3ed"))
    if "p50_ms" in side:
        bars2.append(("Cordon sidecar p50", side["p50_ms"] * 1000, "#2b6cb0"))
        bars2.append(("Cordon sidecar p99", side["p99_ms"] * 1000, "#63b3ed"))
    bl = (peers.get("betterleaks", {}) if isinstance(peers, dict) else {}).get("latency", {}).get("4096")
    if bl:
        bars2.append(("betterleaks in-process p50", bl["p50_us"], "#a0aec0"))
        bars2.append(("betterleaks in-process p99", bl["p99_us"], "#cbd5e0"))
    pr = (peers.get("presidio", {}) if isinstance(peers, dict) else {}).get("latency", {}).get("4096")
    if pr:
        bars2.append(("Presidio regex-only p50", pr["p50_us"], "#a0aec0"))
        bars2.append(("Presidio regex-only p99", pr["p99_us"], "#cbd5e0"))

    width, left, right, bar, gap = 920, 270, 110, 18, 6
    panels = [("Throughput: MB per CPU-second (log scale, higher is better)", bars1, "MB/CPU-s"),
              ("Latency per 4 KB prompt: µs (log scale, lower is better)", bars2, "µs")]
    y = 20
    parts = []
    for title, bars, unit in panels:
        if not bars:
            continue
        parts.append(f'<text x="10" y="{y + 14}" font-size="15" font-weight="bold">{escape(title)}</text>')
        y += 30
        values = [v for _l, v, _c in bars if v > 0]
        lo = 10 ** math.floor(math.log10(min(values)))
        hi = 10 ** math.ceil(math.log10(max(values)))
        if hi == lo:
            hi *= 10
        span = math.log10(hi) - math.log10(lo)
        plot_w = width - left - right
        top = y
        height = len(bars) * (bar + gap)
        decade = lo
        while decade <= hi * 1.0001:
            x = left + (math.log10(decade) - math.log10(lo)) / span * plot_w
            parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + height}" stroke="#e2e8f0"/>')
            parts.append(f'<text x="{x:.1f}" y="{top + height + 14}" font-size="11" text-anchor="middle" fill="#4a5568">'
                         f'{decade:g}</text>')
            decade *= 10
        for label, value, colour in bars:
            w = max(1.0, (math.log10(value) - math.log10(lo)) / span * plot_w) if value > 0 else 1.0
            parts.append(f'<text x="{left - 8}" y="{y + bar - 4}" font-size="12" text-anchor="end">{escape(label)}</text>')
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}"/>')
            shown = f"{value:,.0f}" if value >= 100 else (f"{value:.1f}" if value >= 1 else f"{value:.2f}")
            parts.append(f'<text x="{left + w + 5:.1f}" y="{y + bar - 4}" font-size="12">{shown} {unit}</text>')
            y += bar + gap
        y += 40
    stamp = f"{m.get('date_utc', '')} · commit {m.get('git_commit_short', '?')} · {m.get('cpu_model', '')} × {nproc}"
    parts.append(f'<text x="10" y="{y - 10}" font-size="11" fill="#718096">{escape(stamp)} · bench/RESULTS.md</text>')
    height = y + 5
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(parts) + "\n</svg>\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=os.path.join(BENCH, "out", "results.json"))
    parser.add_argument("--markdown", default=os.path.join(BENCH, "RESULTS.md"))
    parser.add_argument("--chart", default=os.path.join(BENCH, "throughput.svg"))
    args = parser.parse_args(argv)
    try:
        results = json.load(open(args.results))
    except (OSError, ValueError) as error:
        print(f"report.py: cannot read {args.results}: {error}", file=sys.stderr)
        return 2
    with open(args.markdown, "w", encoding="utf-8") as out:
        out.write(build(results))
    with open(args.chart, "w", encoding="utf-8") as out:
        out.write(svg_chart(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
