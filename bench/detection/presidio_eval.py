#!/usr/bin/env python3
"""Recall and precision of Cordon's PII detectors on Microsoft presidio-evaluator's sentences.

Data we did not write: `PresidioSentenceFaker` (PyPI presidio-evaluator 0.3.2) with its bundled
templates (`raw_data/templates.txt`) and fake people, a fixed seed. Each generated sentence is
scanned as its own file by `cordon scan --format jsonl` (built-in detectors, or --detectors).

For each entity type below, a labelled span is *found* when a finding of a detector mapped to that
type overlaps it; a finding of a mapped detector is *correct* when it overlaps a labelled span of
the type. Date of birth is the DATE_TIME span of a `{{date_of_birth}}` template slot (presidio
labels it DATE_TIME); other DATE_TIME spans are not dates of birth and a date-of-birth finding on
them counts as a false positive. Test values (a finding tagged `test_value`, e.g. an
`@example.com` address) count as found: the filters redact them.

Setup (git-ignored venv):
    python3 -m venv bench/detection/.venv
    bench/detection/.venv/bin/pip install presidio-evaluator==0.3.2
Usage:
    bench/detection/.venv/bin/python bench/detection/presidio_eval.py [--samples 10000] [--seed 42]
        [--cordon .build/debug/cordon] [--detectors DIR] [--misses bench/out/presidio-misses.jsonl]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Cordon detector ids per evaluated type (a prefix ends in '-').
TYPES = {
    "PHONE_NUMBER": ["phone-"],
    "CREDIT_CARD": ["payment-card", "payment-card-"],
    "EMAIL_ADDRESS": ["email"],
    "IBAN_CODE": ["iban"],
    "US_SSN": ["us-ssn", "us-ssn-bare", "us-itin", "us-itin-bare"],
    "IP_ADDRESS": ["ipv4-", "ipv6-"],
    "DATE_OF_BIRTH": ["date-of-birth", "date-of-birth-"],
}


def type_of(detector: str) -> str | None:
    for entity, ids in TYPES.items():
        for item in ids:
            if (item.endswith("-") and detector.startswith(item)) or detector == item:
                return entity
    return None


def generate(samples: int, seed: int):
    from presidio_evaluator.data_generator import PresidioSentenceFaker

    faker = PresidioSentenceFaker(locale="en_US", lower_case_ratio=0.05, random_seed=seed)
    templates = faker._sentence_templates if hasattr(faker, "_sentence_templates") else None
    sentences = faker.generate_new_fake_sentences(samples)
    return sentences, templates


def byte_span(text: str, start: int, end: int) -> tuple[int, int]:
    return len(text[:start].encode()), len(text[:end].encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cordon", default=os.path.join(ROOT, ".build", "debug", "cordon"))
    parser.add_argument("--detectors", action="append", default=[])
    parser.add_argument("--misses", default=os.path.join(ROOT, "bench", "out", "presidio-misses.jsonl"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    sentences, _ = generate(args.samples, args.seed)
    labels: list[list[tuple[str, int, int, str]]] = []
    for sample in sentences:
        template = sample.template_id
        spans = []
        for span in sample.spans:
            entity = span.entity_type
            if entity == "DATE_TIME" and template is not None and _is_dob_template(sample):
                entity = "DATE_OF_BIRTH"
            if entity not in TYPES:
                continue
            start, end = byte_span(sample.full_text, span.start_position, span.end_position)
            spans.append((entity, start, end, span.entity_value))
        labels.append(spans)

    folder = tempfile.mkdtemp(prefix="cordon-presidio-")
    try:
        for index, sample in enumerate(sentences):
            with open(os.path.join(folder, "%06d.txt" % index), "w", encoding="utf-8", newline="") as handle:
                handle.write(sample.full_text)
        command = [args.cordon, "scan", "--format", "jsonl", folder]
        for path in args.detectors:
            command += ["--detectors", path]
        result = subprocess.run(command, capture_output=True)
        if result.returncode not in (0, 1):
            sys.stderr.write(result.stderr.decode("utf-8", "replace"))
            raise SystemExit("cordon scan failed with exit status %d" % result.returncode)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    findings: dict[int, list[tuple[str, int, int, str, bool]]] = collections.defaultdict(list)
    for line in result.stdout.splitlines():
        item = json.loads(line)
        if item["type"] != "finding":
            continue
        entity = type_of(item["detector"])
        if entity is None:
            continue
        index = int(os.path.basename(item["path"]).split(".")[0])
        findings[index].append((entity, item["start"], item["end"], item["detector"], bool(item.get("test_value"))))

    counts = collections.Counter()
    os.makedirs(os.path.dirname(args.misses), exist_ok=True)
    with open(args.misses, "w", encoding="utf-8") as misses:
        for index, sample in enumerate(sentences):
            spans = labels[index]
            found = findings.get(index, [])
            for entity, start, end, value in spans:
                counts[(entity, "labelled")] += 1
                hit = any(e == entity and s < end and start < t for e, s, t, _, _ in found)
                if hit:
                    counts[(entity, "found")] += 1
                else:
                    misses.write(json.dumps({"kind": "missed", "type": entity, "text": sample.full_text, "value": value}) + "\n")
            for entity, start, end, detector, test_value in found:
                counts[(entity, "reported")] += 1
                if test_value:
                    counts[(entity, "test_values")] += 1
                if any(e == entity and start < t and s < end for e, s, t, _ in spans):
                    counts[(entity, "correct")] += 1
                else:
                    text = sample.full_text.encode()
                    misses.write(json.dumps({"kind": "false positive", "type": entity, "detector": detector,
                                             "text": sample.full_text, "value": text[start:end].decode("utf-8", "replace")}) + "\n")

    rows = []
    for entity in TYPES:
        labelled, found = counts[(entity, "labelled")], counts[(entity, "found")]
        reported, correct = counts[(entity, "reported")], counts[(entity, "correct")]
        recall = found / labelled if labelled else float("nan")
        precision = correct / reported if reported else float("nan")
        rows.append((entity, labelled, found, recall, reported, correct, precision, counts[(entity, "test_values")]))
    if args.markdown:
        print("| type | labelled | found | recall | reported | correct | precision | of which test values |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print("| %s | %d | %d | %.3f | %d | %d | %.3f | %d |" % row)
    else:
        for row in rows:
            print("%-14s labelled %5d found %5d recall %.3f  reported %5d correct %5d precision %.3f  test values %d" % row)
    sys.stderr.write("samples %d, seed %d; misses and false positives in %s\n" % (args.samples, args.seed, args.misses))


_DOB_TEMPLATES: set[str] | None = None


def _is_dob_template(sample) -> bool:
    """Whether the sample came from a template with a `{{date_of_birth}}` slot."""
    global _DOB_TEMPLATES
    if _DOB_TEMPLATES is None:
        import presidio_evaluator.data_generator as generator

        path = os.path.join(os.path.dirname(generator.__file__), "raw_data", "templates.txt")
        with open(path, encoding="utf-8") as handle:
            lines = [line.rstrip("\n") for line in handle]
        _DOB_TEMPLATES = {str(i) for i, line in enumerate(lines) if "{{date_of_birth}}" in line}
    return str(sample.template_id) in _DOB_TEMPLATES


if __name__ == "__main__":
    main()
