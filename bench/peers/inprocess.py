#!/usr/bin/env python3
"""Peer tools driven in process, for bench/harness.py. Runs under bench/.venv/bin/python.

    inprocess.py detect-secrets-scan ROOT DIR OUT.jsonl   # detect-secrets, default plugins+filters
    inprocess.py presidio-scan ROOT DIR OUT.jsonl         # Presidio AnalyzerEngine, regex only
    inprocess.py presidio-latency PROMPTS.bin OUT.json [N]
    inprocess.py betterleaks-latency PROMPTS.bin OUT.json [N]

Scans walk DIR (relative to ROOT) in sorted order and write one JSON line per finding,
{"path", "start", "end", "label"} with UTF-8 byte offsets (end exclusive), then a last line
{"type": "summary", "files", "bytes", "scan_cpu_s", "scan_wall_s"}: the CPU time of the scan
loop alone (after imports and engine set-up). Never prints a found value.

Latency modes time one call per prompt (prompts separated by NUL bytes, as written by
bench/harness.py) and write {"p50_us", "p99_us", ...}.

Presidio runs with a blank spaCy pipeline (no NER model: none can be downloaded here, and the
regex recognizers do not need one) and tldextract's bundled suffix list (no network).
"""

from __future__ import annotations

import json
import os
import sys
import time


def walk(root: str, folder: str):
    for directory, subdirs, files in os.walk(os.path.join(root, folder)):
        subdirs.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            yield os.path.relpath(path, root), path


def line_starts(data: bytes):
    starts = [0]
    index = data.find(b"\n")
    while index >= 0:
        starts.append(index + 1)
        index = data.find(b"\n", index + 1)
    return starts


def percentiles(samples):
    samples = sorted(samples)

    def rank(p):
        k = max(1, -(-len(samples) * p // 100))
        return samples[int(min(k, len(samples))) - 1] * 1e6

    return {
        "iterations": len(samples),
        "p50_us": round(rank(50), 3),
        "p90_us": round(rank(90), 3),
        "p99_us": round(rank(99), 3),
        "mean_us": round(sum(samples) / len(samples) * 1e6, 3),
        "max_us": round(samples[-1] * 1e6, 3),
    }


def read_prompts(path: str):
    with open(path, "rb") as handle:
        return [p.decode("utf-8", "replace") for p in handle.read().split(b"\0") if p]


# ---------------------------------------------------------------------------------------------
# detect-secrets


def detect_secrets_scan(root: str, folder: str, out: str) -> None:
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    records, files, total = [], 0, 0
    with default_settings():
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for rel, path in walk(root, folder):
            files += 1
            total += os.path.getsize(path)
            collection = SecretsCollection(root=root)
            collection.scan_file(rel)
            found = [s for _f, s in collection]
            if not found:
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            starts = line_starts(data)
            for secret in found:
                value = (secret.secret_value or "").encode("utf-8")
                line = secret.line_number - 1
                begin = starts[line] if 0 <= line < len(starts) else 0
                stop = starts[line + 1] if line + 1 < len(starts) else len(data)
                index = data.find(value, begin, stop) if value else -1
                if index < 0:  # value not on its line (e.g. normalised): fall back to the line
                    index, length = begin, max(0, stop - begin - 1)
                else:
                    length = len(value)
                records.append({"path": rel, "start": index, "end": index + length, "label": secret.type})
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    write_records(out, records, files, total, cpu, wall)


# ---------------------------------------------------------------------------------------------
# Presidio


def presidio_analyzer():
    import tldextract

    # The e-mail recognizer calls tldextract.extract, which fetches the public suffix list on
    # first use; use the snapshot bundled with tldextract instead (no network here).
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    import logging

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpacyEngine(SpacyNlpEngine):
        """A spaCy NLP engine with a blank English pipeline: tokens only, no NER model."""

        def __init__(self):
            super().__init__(models=[{"lang_code": "en", "model_name": "blank:en"}])

        def load(self):
            self.nlp = {"en": spacy.blank("en")}

    engine = BlankSpacyEngine()
    engine.load()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    # SpacyRecognizer (NER) finds nothing with a blank pipeline; drop it so only regexes run.
    analyzer.registry.recognizers = [r for r in analyzer.registry.recognizers if r.name != "SpacyRecognizer"]
    return analyzer


def presidio_scan(root: str, folder: str, out: str) -> None:
    analyzer = presidio_analyzer()
    analyzer.analyze(text="warm up jane@example.com 555-0100", language="en")
    records, files, total = [], 0, 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for rel, path in walk(root, folder):
        files += 1
        with open(path, "rb") as handle:
            data = handle.read()
        total += len(data)
        text = data.decode("utf-8", "replace")
        results = analyzer.analyze(text=text, language="en")
        ascii_only = len(text) == len(data)
        for r in results:
            if ascii_only:
                start, end = r.start, r.end
            else:  # character offsets -> UTF-8 byte offsets
                start = len(text[: r.start].encode("utf-8"))
                end = start + len(text[r.start : r.end].encode("utf-8"))
            records.append({"path": rel, "start": start, "end": end, "label": r.entity_type})
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    write_records(out, records, files, total, cpu, wall)


def presidio_latency(prompts_path: str, out: str, iterations: int) -> None:
    analyzer = presidio_analyzer()
    prompts = read_prompts(prompts_path)
    for p in prompts[:5]:
        analyzer.analyze(text=p, language="en")
    samples = []
    for i in range(iterations):
        t0 = time.perf_counter()
        analyzer.analyze(text=prompts[i % len(prompts)], language="en")
        samples.append(time.perf_counter() - t0)
    with open(out, "w") as handle:
        json.dump(percentiles(samples), handle)


# ---------------------------------------------------------------------------------------------
# betterleaks (Python binding of the Go library)


def betterleaks_latency(prompts_path: str, out: str, iterations: int) -> None:
    import betterleaks

    prompts = read_prompts(prompts_path)
    for p in prompts[:20]:
        betterleaks.scan_string(p)
    samples = []
    for i in range(iterations):
        t0 = time.perf_counter()
        betterleaks.scan_string(prompts[i % len(prompts)])
        samples.append(time.perf_counter() - t0)
    with open(out, "w") as handle:
        json.dump(percentiles(samples), handle)


def write_records(out, records, files, total, cpu, wall):
    with open(out, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
        handle.write(json.dumps({"type": "summary", "files": files, "bytes": total,
                                 "scan_cpu_s": round(cpu, 4), "scan_wall_s": round(wall, 4)}) + "\n")


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    mode = argv[0]
    if mode == "detect-secrets-scan":
        detect_secrets_scan(*argv[1:4])
    elif mode == "presidio-scan":
        presidio_scan(*argv[1:4])
    elif mode == "presidio-latency":
        presidio_latency(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 200)
    elif mode == "betterleaks-latency":
        betterleaks_latency(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 2000)
    else:
        print(f"inprocess.py: unknown mode {mode}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
