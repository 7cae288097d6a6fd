#!/usr/bin/env python3
"""Held-out secrets recall and precision: generated fake values in contexts that corpus/ and the
detector examples do not use.

How it is built: the values come from bench/corpus/generate.py's generators (right prefix,
alphabet, length and checksum; random content, so nothing here is a real credential). The
contexts are written here and nowhere else: shell history, CI workflow files, Dockerfiles,
Kotlin/Rust/Swift/C# sources, Terraform variables, curl commands, HTTP logs with headers,
.pgpass and .htpasswd lines, XML and INI configuration, notebook output, chat messages, and the
encoded and disguised forms of issue #15 class 1 (percent-encoded context, JSON escapes, ANSI
colours, base64 wrapped at 76 columns, invisible characters, homoglyphs). Each context is
filled `--per-context` times with fresh values; the spans of the planted values are the truth.
Negatives are the same contexts filled with what looks random but is not a secret (commit and
content hashes, UUIDs, build ids, placeholders, base64 of binary data, version strings).

Scoring: a planted value is found when a finding overlaps it (any detector; test-value findings
count, the filters redact them). Precision is over findings of category `secret`: one is correct
when it overlaps a planted value; every other one (in a negative file or beside the value of a
positive one) is a false positive. Host names, identifiers and PII found beside the values
(`db.internal`, an author's e-mail) are not secrets and are left to the other measures.

Usage:
    python3 bench/detection/heldout_secrets.py [--cordon .build/debug/cordon] [--seed 7]
        [--per-context 40] [--detectors DIR] [--misses bench/out/heldout-misses.jsonl]
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "corpus"))
import generate as corpus  # noqa: E402  (the value generators only)

# Kinds of planted values and how each is generated.
KINDS = [
    "aws-access-key-id", "github-pat", "github-fine-grained", "gitlab-pat", "slack-bot", "stripe-live", "google-api-key",
    "openai-proj", "anthropic", "npm", "sendgrid", "jwt", "password", "secret", "twilio",
]

SHELL_OK = string.ascii_letters + string.digits + "_-."


def value_of(rng: random.Random, kind: str) -> str:
    value = corpus.generate_value(rng, kind)
    if kind == "password":
        # Passwords people choose: a word, digits and a symbol, or a random string.
        words = ["Harbor", "maple", "Quartz", "violet", "Falcon", "ember", "Tundra", "copper"]
        if rng.random() < 0.5:
            value = rng.choice(words) + rng.choice("!#%*+") + str(rng.randrange(1000, 99999)) + rng.choice(words).lower()
    return value


# Each context is a function (rng, value, kind) -> (before, written, after), where `written` is the
# value as it appears in the text (encoded or disguised forms differ from the value).
def plain(before: str, after: str = "\n"):
    return lambda rng, value, kind: (before, value, after)


def percent(text: str) -> str:
    return "".join("%%%02X" % b for b in text.encode())


CONTEXTS = {
    "shell-history": plain("$ export DEPLOY_SECRET="),
    "gh-actions": plain("jobs:\n  deploy:\n    env:\n      SERVICE_CREDENTIAL: "),
    "dockerfile": plain("FROM alpine:3.20\nENV UPSTREAM_AUTH_TOKEN="),
    "kotlin-const": lambda rng, value, kind: ("object Config {\n    const val API_SECRET: String = \"", value, "\"\n}\n"),
    "rust-const": lambda rng, value, kind: ("pub const SERVICE_TOKEN: &str = \"", value, "\";\n"),
    "swift-let": lambda rng, value, kind: ("enum Keys {\n    static let clientSecret = \"", value, "\"\n}\n"),
    "csharp-const": lambda rng, value, kind: ("private const string ApiKey = \"", value, "\";\n"),
    "terraform-var": lambda rng, value, kind: ("variable \"vendor_token\" {\n  default = \"", value, "\"\n}\n"),
    "curl-header": lambda rng, value, kind: ("curl -sS -H \"Authorization: Bearer ", value, "\" https://api.internal.example/v2/jobs\n"),
    "http-log": lambda rng, value, kind: ("2026-11-03T10:22:01Z DEBUG request headers={'X-Api-Key': '", value, "', 'Accept': '*/*'}\n"),
    "pgpass": lambda rng, value, kind: ("db.internal:5432:billing:svc_billing:", value.replace(":", "x"), "\n"),
    "xml-config": lambda rng, value, kind: ("<connection>\n  <user>svc</user>\n  <secretKey>", value, "</secretKey>\n</connection>\n"),
    "ini": plain("[upstream]\nhost = api.vendor.example\nclient_secret = "),
    "notebook": lambda rng, value, kind: ("Out[7]: {'status': 'ok', 'session_token': '", value, "'}\n"),
    "chat": lambda rng, value, kind: ("hey, can you check why this fails? I'm using ", value, " as the key and get 401\n"),
    "url-query-encoded-context": lambda rng, value, kind: ("GET /oauth/cb?state=x&q=token%3D", value, "&next=%2Fhome HTTP/1.1\n"),
    "json-escaped-context": lambda rng, value, kind: ('{"url":"https://svc.example/login?u=a\\u0026secret=', value, '"}\n'),
    "ansi-colour": lambda rng, value, kind: ("\x1b[1;34mINFO\x1b[0m using credential \x1b[33m", value, "\x1b[0m\n"),
    "zero-width": lambda rng, value, kind: ("token: ", value[:6] + "\u200b" + value[6:12] + "\u00ad" + value[12:], "\n"),
    "base64-wrapped": None,  # built below: the whole block is the written span
}


def base64_wrapped(rng: random.Random, value: str, kind: str):
    plain_text = "# generated\nAPP_ENV=production\nLOG_LEVEL=info\nSERVICE_SECRET=" + value + "\nREGION=eu-west-1\n"
    encoded = base64.b64encode(plain_text.encode()).decode()
    block = "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    return ("$ base64 .env\n", block, "\n$ ")


CONTEXTS["base64-wrapped"] = base64_wrapped

# Negatives: values that look random and are not secrets, each in the context where it occurs.
def hexstring(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(count))


NEGATIVE_CONTEXTS = {
    "commit": lambda rng: "commit " + hexstring(rng, 40) + "\nAuthor: Build Bot\nDate: Tue Nov 3 10:22:01 2026\n",
    "uuid-json": lambda rng: '{"request_id": "%08x-%04x-%04x-%04x-%012x", "status": 200}\n'
    % tuple(rng.getrandbits(bits) for bits in (32, 16, 16, 16, 48)),
    "docker-digest": lambda rng: "image: registry.example/app@sha256:" + hexstring(rng, 64) + "\n",
    "placeholder": lambda rng: "API_TOKEN=" + rng.choice(
        ["<your-token-here>", "${SERVICE_TOKEN}", "{{ secrets.DEPLOY_KEY }}", "changeme", "********", "REPLACE_ME"]) + "\n",
    "log": lambda rng: "2026-11-03 10:22:01 INFO job build-%012d finished in %d.%ds (v%d.%d.%d)\n"
    % (rng.randrange(10**12), rng.randrange(60), rng.randrange(10), rng.randrange(1, 9), rng.randrange(30), rng.randrange(30)),
    "integrity": lambda rng: '"integrity": "sha512-' + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(64))).decode() + '"\n',
    "encoded-noise": lambda rng: "GET /static/app.js?v=" + percent(hexstring(rng, 12)) + "&t=" + str(rng.randrange(10**9)) + " HTTP/1.1\n",
}


def build(seed: int, per_context: int, folder: str):
    rng = random.Random(seed)
    truth = {}
    index = 0
    for name, context in CONTEXTS.items():
        for _ in range(per_context):
            kind = rng.choice(KINDS)
            value = value_of(rng, kind)
            before, written, after = context(rng, value, kind)
            text = before + written + after
            start = len(before.encode())
            path = os.path.join(folder, "p%05d.txt" % index)
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            truth[path] = {"context": name, "kind": kind, "span": (start, start + len(written.encode()))}
            index += 1
    for name, context in NEGATIVE_CONTEXTS.items():
        for _ in range(per_context):
            text = context(rng)
            path = os.path.join(folder, "n%05d.txt" % index)
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            truth[path] = {"context": "negative:" + name, "kind": None, "span": None}
            index += 1
    return truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cordon", default=os.path.join(ROOT, ".build", "debug", "cordon"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-context", type=int, default=40)
    parser.add_argument("--detectors")
    parser.add_argument("--misses", default=os.path.join(ROOT, "bench", "out", "heldout-misses.jsonl"))
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="cordon-heldout-")
    try:
        truth = build(args.seed, args.per_context, folder)
        command = [args.cordon, "scan", "--format", "jsonl", folder]
        if args.detectors:
            command[2:2] = ["--detectors", args.detectors]
        completed = subprocess.run(command, capture_output=True, text=True)
        if completed.returncode not in (0, 1):
            print(completed.stderr, file=sys.stderr)
            return 2
        findings = collections.defaultdict(list)
        for line in completed.stdout.splitlines():
            record = json.loads(line)
            if record.get("type") != "finding":
                continue
            findings[os.path.abspath(record["path"])].append(record)
        found = collections.Counter()
        planted = collections.Counter()
        correct = 0
        wrong = collections.Counter()
        misses = []
        for path, label in truth.items():
            records = findings.get(os.path.abspath(path), [])
            span = label["span"]
            if span is not None:
                planted[label["context"]] += 1
                hit = any(r["start"] < span[1] and r["end"] > span[0] for r in records)
                if hit:
                    found[label["context"]] += 1
                else:
                    misses.append({"file": os.path.basename(path), "context": label["context"], "kind": label["kind"],
                                   "detectors": sorted({r["detector"] for r in records})})
            for record in records:
                if record.get("category") != "secret":
                    continue  # secrets precision: identifiers, host names and PII are other measures
                if span is not None and record["start"] < span[1] and record["end"] > span[0]:
                    correct += 1
                else:
                    wrong[label["context"] + " " + record["detector"]] += 1
                    misses.append({"file": os.path.basename(path), "context": label["context"], "false_positive": record["detector"]})
        total_planted = sum(planted.values())
        total_found = sum(found.values())
        total_findings = correct + sum(wrong.values())
        print(f"seed {args.seed}, {args.per_context} per context, {total_planted} planted values, "
              f"{len(NEGATIVE_CONTEXTS) * args.per_context} negative files")
        print(f"recall {total_found / total_planted:.3f} ({total_found}/{total_planted}); "
              f"precision {correct / max(1, total_findings):.3f} ({correct}/{total_findings} findings)")
        print("\n| context | found |\n|---|---:|")
        for context in planted:
            print(f"| {context} | {found[context]}/{planted[context]} |")
        if wrong:
            print("\nfalse positives (context detector: count):")
            for key, count in wrong.most_common():
                print(f"  {key}: {count}")
        os.makedirs(os.path.dirname(args.misses), exist_ok=True)
        with open(args.misses, "w", encoding="utf-8") as handle:
            for miss in misses:
                handle.write(json.dumps(miss) + "\n")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
