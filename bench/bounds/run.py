#!/usr/bin/env python3
"""Worst-case time per MB and peak memory per input shape (issue #16 items 2 and 3).

Runs the given `cordon` binary as a child of /usr/bin/time on generated pathological inputs and
prints one Markdown table row per case: exit status, wall seconds, user CPU seconds, peak RSS
(MiB) and peak RSS over input size. Nothing here is a real secret: key bodies are random base64.

    python3 bench/bounds/run.py [--cordon .build/release/cordon] [--time-size 1] [--memory-size 10]
        [--only time|memory]

Time cases: a flood of every block-detector header, 1 MiB each through `cordon redact`, and the
hook's worst case, a 2 MB UserPromptSubmit prompt of the slowest header flood (the hook must
decide, exit 0 or 2, in under 10 s). Memory cases: `redact` of 10 MiB of one letter, of `@`, of
base64 and of dense e-mail addresses; `serve` with one 15 MiB request line; `hook` with a 60 MB
event.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HEADERS = [
    ("PGP private key block", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"),
    ("PEM PKCS#8", "-----BEGIN PRIVATE KEY-----\n"),
    ("PEM RSA", "-----BEGIN RSA PRIVATE KEY-----\n"),
    ("PEM EC", "-----BEGIN EC PRIVATE KEY-----\n"),
    ("PEM DSA", "-----BEGIN DSA PRIVATE KEY-----\n"),
    ("PEM encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"),
    ("OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\n"),
    ("PEM in a JSON string", "\\n-----BEGIN RSA PRIVATE KEY-----\\n"),
    ("PEM with a mismatched END", "-----BEGIN RSA PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n"),
    ("PEM header with a body line", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzEBTMj0x0vAdSnnzjv+cPCWOoamAANlHB9X1\n"),
    ("base64-encoded PEM", "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ+"),
    ("PuTTY", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"),
    ("PuTTY with Private- words", "PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 1\n"),
    ("Kubernetes Secret", "kind: Secret\ndata:\n  tls.key: "),
    ("JWK", '{"kty":"EC","crv":"P-256","d":"'),
]


def flood(unit, size):
    data = (unit * (size // len(unit) + 1))[:size]
    return data.encode()


def run(cordon, arguments, data):
    with tempfile.NamedTemporaryFile(delete=False) as handle:
        handle.write(data)
        path = handle.name
    try:
        with open(path, "rb") as stdin:
            completed = subprocess.run(
                ["/usr/bin/time", "-f", "bounds %e %U %M", cordon] + arguments,
                stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finally:
        os.unlink(path)
    line = [l for l in completed.stderr.decode(errors="replace").splitlines() if l.startswith("bounds ")][-1]
    _, wall, user, kib = line.split()
    return completed.returncode, float(wall), float(user), int(kib) * 1024


def hook_event(prompt):
    return json.dumps({
        "session_id": "bench", "transcript_path": "/tmp/t.jsonl", "cwd": "/tmp",
        "hook_event_name": "UserPromptSubmit", "prompt": prompt,
    }).encode()


def serve_line(text):
    return (json.dumps({"id": 1, "op": "redact", "text": text}) + "\n").encode()


def time_cases(cordon, size_mib, hook=True):
    size = int(size_mib * (1 << 20))
    print(f"\n### Time: {size_mib} MiB of each block header through `cordon redact`\n")
    print("| input | exit | wall s | user CPU s | CPU s per MiB |")
    print("|---|---|---|---|---|")
    slowest = None
    for name, unit in HEADERS:
        status, wall, user, _ = run(cordon, ["redact"], flood(unit, size))
        print(f"| {name} | {status} | {wall:.2f} | {user:.2f} | {user / size_mib:.2f} |", flush=True)
        if slowest is None or user > slowest[1]:
            slowest = (name, user, unit)
    if not hook:
        return
    print("\n### Hook: a 2 MB UserPromptSubmit prompt (Claude Code's timeout is 30 s; target < 10 s)\n")
    print("| prompt | exit | wall s | user CPU s | peak RSS MiB |")
    print("|---|---|---|---|---|")
    for name, unit in [(n, u) for n, u in HEADERS if n in (slowest[0], "PGP private key block", "PEM RSA")]:
        text = flood(unit, 2_000_000).decode()
        status, wall, user, peak = run(cordon, ["hook", "claude-code", "--log-level", "warning"], hook_event(text))
        print(f"| {name} | {status} | {wall:.2f} | {user:.2f} | {peak / (1 << 20):.0f} |", flush=True)


def memory_cases(cordon, size_mib):
    size = int(size_mib * (1 << 20))
    rng = random.Random(7)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    emails = "".join(f"u{i}@mail.test " for i in range(size // 12))[:size]
    shapes = [
        ("one letter", "a" * size),
        ("at signs", "@" * size),
        ("base64", "".join(rng.choice(alphabet) for _ in range(size))),
        ("dense e-mail addresses", emails),
    ]
    print(f"\n### Memory: peak RSS per input shape\n")
    print("| front end | input | input MiB | exit | wall s | peak RSS MiB | peak / input |")
    print("|---|---|---|---|---|---|---|")
    for name, text in shapes:
        data = text.encode()
        status, wall, _, peak = run(cordon, ["redact"], data)
        print(f"| redact | {name} | {len(data) / (1 << 20):.1f} | {status} | {wall:.2f} | {peak / (1 << 20):.0f} | {peak / len(data):.1f} |", flush=True)
    line = serve_line("a" * (15 << 20))
    status, wall, _, peak = run(cordon, ["serve", "--max-bytes", str(32 << 20), "--log-level", "warning"], line)
    print(f"| serve | one line, 15 MiB of `a` | {len(line) / (1 << 20):.1f} | {status} | {wall:.2f} | {peak / (1 << 20):.0f} | {peak / len(line):.1f} |", flush=True)
    event = hook_event("@" * 60_000_000)
    status, wall, _, peak = run(cordon, ["hook", "claude-code", "--log-level", "warning"], event)
    print(f"| hook | 60 MB UserPromptSubmit event of `@` | {len(event) / (1 << 20):.1f} | {status} | {wall:.2f} | {peak / (1 << 20):.0f} | {peak / len(event):.1f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cordon", default=".build/release/cordon")
    parser.add_argument("--time-size", type=float, default=1, help="MiB per header flood")
    parser.add_argument("--memory-size", type=float, default=10, help="MiB per redact memory shape")
    parser.add_argument("--only", choices=["time", "memory"])
    parser.add_argument("--no-hook", action="store_true", help="skip the 2 MB hook cases (a build that never decides them)")
    arguments = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    load = open("/proc/loadavg").read().split()[:3]
    print(f"cordon: {arguments.cordon}; commit {commit}; load {' '.join(load)}; {os.cpu_count()} CPUs")
    if arguments.only != "memory":
        time_cases(arguments.cordon, arguments.time_size, hook=not arguments.no_hook)
    if arguments.only != "time":
        memory_cases(arguments.cordon, arguments.memory_size)


if __name__ == "__main__":
    sys.exit(main())
