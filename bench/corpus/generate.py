#!/usr/bin/env python3
"""Generate Cordon's labelled test corpus and its ground truth (Python 3 stdlib only).

Templates live in bench/corpus/templates/, one per output file: `app.env.tmpl` becomes
`samples/app.env`. A labelled value is written inline as

    ⟦detector-id⟧value⟦/⟧            a literal value
    ⟦detector-id⟧@gen:KIND⟦/⟧        a value generated from the seeded RNG
    ⟦detector-id⟧@gen:KIND:ARG=NAME⟦/⟧   ... bound to NAME: later uses of NAME in the same
                                     file repeat the value (for deliberate repeats)
    ⟦id-a,id-b⟧...⟦/⟧                 one span that two detectors legitimately both report
    ⟦test:detector-id⟧value⟦/⟧       a published documentation or test value (AKIAIOSFODNN7EXAMPLE):
                                     reported tagged `"test_value": true`, not counted in the level

Generated values may take filters after `|`: `|json` escapes the value for a JSON string
(newlines become the two bytes `\\n`), `|indent:N` indents every line after the first by N
spaces (YAML block scalars). The first template line may be an options line, removed from the
output: `⟦%crlf⟧` (write CRLF line ends) and/or `⟦%noeol⟧` (no newline after the last byte).

The generator strips the markers and records each value's UTF-8 byte span (end exclusive) in
truth.jsonl, with no values in it:

    {"type":"file","file":"samples/app.env","level":"restricted"}
    {"type":"span","file":"samples/app.env","start":S,"end":E,"detector":"...","category":"..."}
    {"type":"span",...,"test_value":true}      (a ⟦test:…⟧ value)

Every labelled value is validated (token formats, GitHub CRC32, Luhn, IBAN mod-97, SSN rules,
JWT structure) and every file is checked for the engine's value-propagation rule (a found value
of >= 4 bytes that occurs again in the same file must be labelled there too). Any failure aborts.

Usage (from the repository root):
    python3 bench/corpus/generate.py --out corpus                       # committed corpus
    python3 bench/corpus/generate.py --out bench/out/corpus-large --size-mb 50
    python3 bench/corpus/generate.py --out bench/out/corpus-x3 --scale 3

The committed corpus is rep 0 of every template under samples/<name>. Large mode writes rep
1..N as samples/rNNNNN/<name>, each with fresh generated values (literal values repeat).
Output is byte-identical for the same arguments and --seed.
"""

from __future__ import annotations

import argparse
import base64
import ipaddress
import json
import math
import random
import re
import shutil
import string
import sys
import zlib
from collections import Counter
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = SCRIPT_DIR / "templates"

# --------------------------------------------------------------------------------------------
# Detector table (from the detector plan): id -> (category, level)

DETECTORS = {
    "aws-access-key-id": ("secret", "restricted"),
    "aws-secret-access-key": ("secret", "restricted"),
    "github-pat": ("secret", "restricted"),
    "github-oauth-token": ("secret", "restricted"),
    "github-app-token": ("secret", "restricted"),
    "github-refresh-token": ("secret", "restricted"),
    "github-fine-grained-pat": ("secret", "restricted"),
    "gitlab-pat": ("secret", "restricted"),
    "gitlab-token": ("secret", "restricted"),
    "slack-token": ("secret", "restricted"),
    "slack-webhook-url": ("secret", "restricted"),
    "stripe-secret-key": ("secret", "restricted"),
    "stripe-webhook-secret": ("secret", "restricted"),
    "google-api-key": ("secret", "restricted"),
    "google-oauth-client-secret": ("secret", "restricted"),
    "openai-api-key": ("secret", "restricted"),
    "anthropic-api-key": ("secret", "restricted"),
    "npm-token": ("secret", "restricted"),
    "pypi-token": ("secret", "restricted"),
    "twilio-api-key": ("secret", "restricted"),
    "sendgrid-api-key": ("secret", "restricted"),
    "private-key-pem": ("secret", "restricted"),
    "openssh-private-key": ("secret", "restricted"),
    "jwt": ("secret", "restricted"),
    "database-url-password": ("secret", "restricted"),
    "url-credentials": ("secret", "restricted"),
    "password-assignment": ("secret", "restricted"),
    "secret-assignment": ("secret", "restricted"),
    "email": ("pii", "confidential"),
    "phone-us": ("pii", "confidential"),
    "phone-e164": ("pii", "confidential"),
    "us-ssn": ("pii", "restricted"),
    "us-itin": ("pii", "restricted"),
    "payment-card": ("financial", "restricted"),
    "iban": ("financial", "restricted"),
    "ipv4-private": ("internal", "internal"),
    "ipv6-private": ("internal", "internal"),
    "ipv4-public": ("pii", "confidential"),
    "internal-hostname": ("internal", "internal"),
    "aws-arn": ("internal", "internal"),
    "aws-account-id": ("internal", "internal"),
    "azure-tenant-id": ("internal", "internal"),
    "phone-contextual": ("pii", "confidential"),
    "payment-card-contextual": ("financial", "restricted"),
    "date-of-birth-nearby": ("pii", "confidential"),
    "ipv6-public": ("pii", "confidential"),
    "secret-named-assignment": ("secret", "restricted"),
    "google-oauth-client-id": ("internal", "internal"),
    "marking-internal": ("internal", "internal"),
    "marking-confidential": ("internal", "confidential"),
    "us-ssn-bare": ("pii", "restricted"),
    "pgpass-password": ("secret", "restricted"),
    "secret-named-mixed-value": ("secret", "restricted"),
    "terraform-variable-default": ("secret", "restricted"),
    "secret-in-prose": ("secret", "restricted"),
    "secret-used-as-key": ("secret", "restricted"),
    "password-comparison": ("secret", "restricted"),
    "connection-string-password": ("secret", "restricted"),
    "gradle-repository-password": ("secret", "restricted"),
    "password-in-command": ("secret", "restricted"),
    "credential-filler-value": ("secret", "restricted"),
    "http-bearer-token": ("secret", "restricted"),
    "password-line-assignment": ("secret", "restricted"),
    "login-user-name": ("internal", "internal"),
    "connection-string-user": ("internal", "internal"),
    "age-recipient": ("internal", "internal"),
}

LEVELS = ["public", "internal", "confidential", "restricted"]


class CorpusError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Checksums and checks

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"


def base62_crc32(text: str) -> str:
    crc = zlib.crc32(text.encode("ascii")) & 0xFFFFFFFF
    out = ""
    while crc:
        crc, rem = divmod(crc, 62)
        out = BASE62[rem] + out
    return out.rjust(6, "0")


def github_checksum_ok(token: str) -> bool:
    m = re.fullmatch(r"(gh[pousr])_([A-Za-z0-9]{30})([A-Za-z0-9]{6})", token)
    return bool(m) and base62_crc32(m.group(2)) == m.group(3)


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if not 12 <= len(digits) <= 19 or any(c not in "0123456789 -" for c in number):
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(prefix_digits: str) -> str:
    for check in "0123456789":
        if luhn_ok(prefix_digits + check):
            return prefix_digits + check
    raise AssertionError("unreachable")


# (network, prefixes, length, grouping)
CARD_NETWORKS = {
    "visa": ([("4",)], 16, (4, 4, 4, 4)),
    "mastercard": ([("51", "52", "53", "54", "55"), tuple(str(p) for p in range(2221, 2721))], 16, (4, 4, 4, 4)),
    "amex": ([("34", "37")], 15, (4, 6, 5)),
    "discover": ([("6011",), ("65",)], 16, (4, 4, 4, 4)),
    "jcb": ([tuple(str(p) for p in range(3528, 3590))], 16, (4, 4, 4, 4)),
    "diners": ([("36", "38"), tuple(str(p) for p in range(300, 306))], 14, (4, 6, 4)),
}


def card_network(digits: str) -> str | None:
    for name, (prefix_sets, length, _) in CARD_NETWORKS.items():
        if len(digits) == length and any(digits.startswith(p) for ps in prefix_sets for p in ps):
            return name
    return None


IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

# BBAN shapes for the countries we generate: a = A-Z, n = digit (SWIFT registry, simplified).
IBAN_BBAN = {
    "DE": "n18", "GB": "a4n14", "FR": "n23", "NL": "a4n10", "ES": "n20", "IT": "a1n22",
    "CH": "n17", "BE": "n12", "AT": "n16", "IE": "a4n14", "PL": "n24", "PT": "n21",
}


def iban_mod97(compact: str) -> int:
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    return (
        bool(re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", compact))
        and IBAN_LENGTHS.get(compact[:2]) == len(compact)
        and iban_mod97(compact) == 1
    )


def ssn_ok(value: str) -> bool:
    m = re.fullmatch(r"(\d{3})[- ./]?(\d{2})[- ./]?(\d{4})", value)
    if not m:
        return False
    area, group, serial = (int(x) for x in m.groups())
    if area == 0 or area == 666 or area >= 900 or group == 0 or serial == 0:
        return False
    return re.sub(r"[- ./]", "", value) not in {"078051120", "219099999", "123456789"}


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_ok(value: str) -> bool:
    parts = value.split(".")
    if len(parts) != 3 or not all(re.fullmatch(r"[A-Za-z0-9_-]*", p) for p in parts):
        return False
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
    except ValueError:
        return False
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


def entropy(value: str) -> float:
    data = value.encode()
    counts = Counter(data)
    return -sum(c / len(data) * math.log2(c / len(data)) for c in counts.values())


def card_like_runs(text: str):
    """Yield every digit sequence (runs of digit groups joined by one space or dash) that a
    card detector could take for a card number: 13..19 digits, Luhn valid, network prefix."""
    for m in re.finditer(r"\d+(?:[ -]\d+)*", text):
        groups = re.split(r"[ -]", m.group(0))
        for i in range(len(groups)):
            for j in range(i + 1, len(groups) + 1):
                digits = "".join(groups[i:j])
                if 13 <= len(digits) <= 19 and luhn_ok(digits) and card_network(digits):
                    yield digits


PRIVATE_V4 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
HOST_TLDS = ("internal", "corp", "intranet", "lan", "local", "private", "intra")

# Full-value formats per detector (the value span, not its context).
FORMATS = {
    "aws-access-key-id": r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    "aws-secret-access-key": r"[A-Za-z0-9/+]{40}",
    "github-pat": r"ghp_[A-Za-z0-9]{36}",
    "github-oauth-token": r"gho_[A-Za-z0-9]{36}",
    "github-app-token": r"gh[us]_[A-Za-z0-9]{36}",
    "github-refresh-token": r"ghr_[A-Za-z0-9]{36}",
    "github-fine-grained-pat": r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    "gitlab-pat": r"glpat-[A-Za-z0-9_-]{20,}",
    "gitlab-token": r"(?:glptt-[0-9a-f]{40}|gldt-[A-Za-z0-9_-]{20}|glrt-[A-Za-z0-9_-]{20}"
    r"|glcbt-[A-Za-z0-9_-]{20,}|gloas-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20})",
    "slack-token": r"xox[bpare]-[0-9A-Za-z-]{20,}",
    "slack-webhook-url": r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}",
    "stripe-secret-key": r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99}",
    "stripe-webhook-secret": r"whsec_[A-Za-z0-9]{32,}",
    "google-api-key": r"AIza[A-Za-z0-9_-]{35}",
    "google-oauth-client-secret": r"GOCSPX-[A-Za-z0-9_-]{28}",
    "openai-api-key": r"sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ"
    r"(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    "anthropic-api-key": r"sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA",
    "npm-token": r"npm_[A-Za-z0-9]{36}",
    "pypi-token": r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
    "twilio-api-key": r"SK[0-9a-f]{32}",
    "sendgrid-api-key": r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    "private-key-pem": r"-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[A-Za-z0-9+/=\s:,-]+?-----END \1-----",
    "openssh-private-key": r"-----BEGIN OPENSSH PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END OPENSSH PRIVATE KEY-----",
    "jwt": r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",
    "database-url-password": r"[^\s:/@\"'\\]{4,}",
    "url-credentials": r"[^\s:/@\"'\\]{4,}",
    "password-assignment": r"[^\s\"'\\]{4,}",
    "secret-assignment": r"[^\s\"'\\]{8,}",
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "phone-us": r"\(\d{3}\) \d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{3}\.\d{3}\.\d{4}|\+1 \d{3} \d{3} \d{4}",
    "phone-e164": r"\+(?!1[ \d])[1-9]\d{0,2}(?: ?\d){7,14}",
    "us-ssn": r"\d{3}-\d{2}-\d{4}",
    "us-ssn-bare": r"\d{3}([ ./]?)\d{2}\1\d{4}",
    "pgpass-password": r"[^\s:\\]{4,128}",
    "secret-named-mixed-value": r"[^\s\"'\\]{8,128}",
    "terraform-variable-default": r"[^\s\"\\]{8,200}",
    "secret-in-prose": r"[^\s\"'`]{10,128}",
    "secret-used-as-key": r"[^\s\"'`]{10,128}",
    "password-comparison": r"[^\s\"'\\]{4,64}",
    "connection-string-password": r"[^;\"'\s=]{4,128}",
    "gradle-repository-password": r"[^\s\"'\\]{4,128}",
    "password-in-command": r"[^\s'\";]{4,128}",
    "credential-filler-value": r"[A-Za-z0-9-]{16,80}",
    "http-bearer-token": r"[A-Za-z0-9._~+/!#%*@^-]{8,}={0,2}",
    "password-line-assignment": r"[^\s\"'`(){}\[\]<>\\]{6,128}",
    "login-user-name": r"[A-Za-z0-9._@+\\-]{2,64}",
    "connection-string-user": r"[^;\"'\s=]{2,64}",
    "age-recipient": r"age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}",
    "payment-card": r"\d{4}(?:[ -]?\d{2,6}){2,4}",
    "iban": r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4})+",
    "ipv4-private": r"(?:\d{1,3}\.){3}\d{1,3}",
    "ipv6-private": r"(?i)f[cdeEf][0-9a-f]{0,2}:[0-9a-f:]+",
    "ipv4-public": r"(?:\d{1,3}\.){3}\d{1,3}",
    "internal-hostname": r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:%s)" % "|".join(HOST_TLDS),
    "aws-account-id": r"\d{12}",
    "azure-tenant-id": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "phone-contextual": r"(?:\+ ?|00 ?|\(\+?\d{1,4}\) ?)?\d[\d ().\-/]{5,24}\d(?: ?(?:x|ext\.?) ?\d{1,6})?",
    "payment-card-contextual": r"\d{2,6}(?:[ .\t\u00a0-]\d{2,6}){0,5}",
    "date-of-birth-nearby": r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}",
    "ipv6-public": r"[0-9a-fA-F:]{6,39}",
    "secret-named-assignment": r"[A-Za-z0-9+/=_.~!&*^#@-]{16,400}",
    "aws-arn": r"arn:aws(?:-cn|-us-gov)?:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:[A-Za-z0-9_/.:*+=,@-]+",
    "google-oauth-client-id": r"\d{6,20}-[a-z0-9]{10,40}\.apps\.googleusercontent\.com",
    "marking-internal": r"(?i)internal use only|for internal use|internal only|company internal",
    "marking-confidential": r"(?i)confidential|strictly confidential|confidential and proprietary|do not distribute",
}

TOKEN_DETECTORS = [d for d in FORMATS if DETECTORS[d][0] == "secret" and d not in (
    "database-url-password", "url-credentials", "password-assignment", "secret-assignment",
    "aws-secret-access-key", "secret-named-assignment", "pgpass-password", "password-line-assignment", "secret-named-mixed-value",
    "terraform-variable-default", "secret-in-prose", "secret-used-as-key", "password-comparison", "connection-string-password",
    "gradle-repository-password", "password-in-command", "credential-filler-value",
    "http-bearer-token")]


def validate(detector: str, value: str, where: str, co: tuple = ()) -> None:
    """Raise unless `value` is a well-formed value for `detector`. `co` lists the other
    detectors deliberately labelled on the same span."""

    def fail(why: str) -> None:
        raise CorpusError(f"{where}: invalid {detector} value {value[:60]!r}: {why}")

    if detector not in DETECTORS:
        fail("unknown detector id")
    if not re.fullmatch(FORMATS[detector], value):
        fail("does not match the expected format")
    if detector.startswith("github-") and detector != "github-fine-grained-pat":
        if not github_checksum_ok(value):
            fail("bad GitHub CRC32 checksum")
    elif detector == "aws-access-key-id":
        if value.endswith("EXAMPLE"):
            fail("documented example key")
    elif detector == "payment-card":
        if not luhn_ok(value):
            fail("Luhn check failed")
        if not card_network(re.sub(r"\D", "", value)):
            fail("no card network prefix/length")
    elif detector == "iban":
        if not iban_ok(value):
            fail("IBAN mod-97 / length check failed")
        if any(card_like_runs(value)):
            fail("contains a Luhn-valid card-like digit run")
    elif detector == "payment-card-contextual":
        if not luhn_ok(value):
            fail("Luhn check failed")
    elif detector == "ipv6-public":
        try:
            ip = ipaddress.IPv6Address(value)
        except ValueError:
            fail("not an IPv6 address")
        if not ip.is_global:
            fail("not a global address")
    elif detector == "age-recipient":
        if not bech32_ok(value):
            fail("bad Bech32 checksum")
    elif detector == "secret-named-assignment":
        if entropy(value) < 3.5:
            fail(f"entropy {entropy(value):.2f} < 3.5")
    elif detector in ("us-ssn", "us-ssn-bare"):
        if not ssn_ok(value):
            fail("invalid SSN area/group/serial")
    elif detector == "jwt":
        if not jwt_ok(value):
            fail("not a well-formed JWT")
    elif detector in ("ipv4-private", "ipv4-public"):
        try:
            ip = ipaddress.IPv4Address(value)
        except ValueError:
            fail("not an IPv4 address")
        private = any(ip in n for n in PRIVATE_V4)
        if detector == "ipv4-private" and not private:
            fail("not in 10/8, 172.16/12, 192.168/16")
        if detector == "ipv4-public" and (private or not ip.is_global or ip.is_multicast):
            fail("not a public unicast address")
    elif detector == "ipv6-private":
        try:
            ip = ipaddress.IPv6Address(value)
        except ValueError:
            fail("not an IPv6 address")
        if not (ip in ipaddress.ip_network("fc00::/7") or ip in ipaddress.ip_network("fe80::/10")):
            fail("not unique-local / link-local")
    elif detector == "phone-e164":
        digits = re.sub(r"\D", "", value)
        if not 8 <= len(digits) <= 15:
            fail("wrong digit count")
    elif detector in ("secret-named-mixed-value", "secret-in-prose", "secret-used-as-key"):
        # A chosen password: under secret-named-assignment's floors (so that detector stays out),
        # with a letter, a digit and a symbol.
        floor = 2.5 if detector == "secret-named-mixed-value" else 3.0  # the detectors' entropy floors
        if entropy(value) < floor or (len(value) >= 16 and entropy(value) >= 3.5):
            fail(f"entropy {entropy(value):.2f} outside the chosen-password band")
        if not (re.search(r"[A-Za-z]", value) and re.search(r"\d", value) and re.search(r"[!#%*+@^&~]", value)):
            fail("needs a letter, a digit and a symbol")
    elif detector in ("password-assignment", "password-line-assignment", "secret-assignment", "database-url-password", "pgpass-password",
                      "url-credentials", "aws-secret-access-key", "terraform-variable-default", "password-comparison",
                      "connection-string-password", "gradle-repository-password", "password-in-command", "http-bearer-token"):
        if entropy(value) < 3.0:
            fail(f"entropy {entropy(value):.2f} < 3.0")
        if detector != "aws-secret-access-key":
            # A password that is itself a token would make two detectors fire on one value.
            for other in TOKEN_DETECTORS:
                if other not in co and re.search(FORMATS[other], value):
                    fail(f"also looks like {other}")


# --------------------------------------------------------------------------------------------
# Value generators (all randomness from the per-file RNG)

FIRST = ["jane", "john", "priya", "wei", "carlos", "amara", "lukas", "sofia", "kenji", "fatima",
         "olivia", "mateo", "noah", "aisha", "elena", "tomasz", "grace", "omar", "hannah", "ravi"]
LAST = ["doe", "smith", "raman", "zhang", "mendez", "okafor", "becker", "rossi", "tanaka",
        "haddad", "nguyen", "silva", "kowalski", "obrien", "patel", "larsen", "dubois", "kim"]
MAIL_DOMAINS = ["acme-corp.io", "globex-corp.net", "initech-systems.com", "umbrella-labs.org",
                "vandelay-imports.com", "hooli-mail.net", "example-corp.com", "stark-ind.co"]
HOST_NAMES = ["db01", "db02", "pg-primary", "pg-replica", "redis-03", "kafka-2", "vault",
              "ldap", "git", "ci-runner-7", "grafana", "jira", "wiki", "billing-api", "mq01",
              "search-es-4", "sftp", "build-agent-12", "payroll", "hr-portal"]
HOST_ENVS = ["prod", "staging", "eu-west", "us-east", "dc2", "qa"]
K8S_SERVICES = ["billing", "orders", "payments", "auth", "ledger", "inventory", "notifier"]
K8S_NAMESPACES = ["prod", "default", "platform", "finance", "staging"]
PUBLIC_FIRST_OCTETS = [3, 13, 18, 23, 34, 35, 44, 52, 54, 63, 66, 69, 74, 81, 85, 91, 93, 104,
                       129, 134, 146, 151, 159, 185, 193, 212, 213]
US_AREA_CODES = ["212", "312", "415", "503", "512", "617", "646", "702", "718", "808", "917",
                 "206", "303", "404", "425", "510", "619", "650", "713", "786"]
PASSWORD_CHARS = ALNUM + "-_.!*%+"
CHOSEN_WORDS = ["Granite", "lantern", "Orchid", "pebble", "Saffron", "willow", "Cobalt", "juniper", "Thistle", "Meadow"]
URLPASS_CHARS = ALNUM + "-_."


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit in range(5):
            if (top >> bit) & 1:
                checksum ^= generator[bit]
    return checksum


def bech32_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_encode(hrp: str, data: bytes) -> str:
    """Bech32 (BIP-173) of `data` under `hrp`: an age recipient is bech32 of 32 bytes under "age"."""
    groups, accumulator, bits = [], 0, 0
    for byte in data:
        accumulator, bits = accumulator << 8 | byte, bits + 8
        while bits >= 5:
            bits -= 5
            groups.append(accumulator >> bits & 31)
    if bits:
        groups.append(accumulator << (5 - bits) & 31)
    check = bech32_polymod(bech32_expand(hrp) + groups + [0] * 6) ^ 1
    return hrp + "1" + "".join(BECH32[x] for x in groups + [check >> 5 * (5 - i) & 31 for i in range(6)])


def bech32_ok(value: str) -> bool:
    hrp, _, data = value.rpartition("1")
    return all(c in BECH32 for c in data) and bech32_polymod(bech32_expand(hrp) + [BECH32.index(c) for c in data]) == 1


def made_up_word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word of consonant-vowel syllables."""
    return "".join(rng.choice("bdfgklmnrstvz") + rng.choice("aeiou") for _ in range(syllables))


def gen_word_password(rng: random.Random) -> str:
    """A password that looks like a name (issue #15 class 2: dropped as an identifier before):
    two made-up words joined in a case style, no digit."""
    while True:
        first, second = made_up_word(rng, 3), made_up_word(rng, 3)
        value = rng.choice([first + second, first + "_" + second, first + second.capitalize(),
                            first + "-" + second, first.capitalize() + second])
        lower = value.lower()
        if not any(w in lower for w in ("pass", "pwd", "secret", "token", "key", "user", "here")) \
                and not lower.startswith(("my", "your", "some", "the")):
            return value


def gen_word_name(rng: random.Random) -> str:
    """A password shaped like an identifier (snake_case or camelCase, no digit): what only the
    literal-syntax rule (password-line-assignment) takes, code rules reading it as a variable."""
    while True:
        first, second = made_up_word(rng, 3), made_up_word(rng, 3)
        value = rng.choice([first + "_" + second, first + second.capitalize()])
        lower = value.lower()
        if not any(w in lower for w in ("pass", "pwd", "secret", "token", "key", "user", "here")) \
                and not lower.startswith(("my", "your", "some", "the")):
            return value


def gen_login(rng: random.Random) -> str:
    """A login user name: a made-up word, maybe with a service prefix, a dot or digits."""
    word = made_up_word(rng, 3)
    return rng.choice([word, "svc_" + word, word[0] + "." + word[1:], word + str(rng.randrange(10, 99))])


def rstr(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def rstr_edges_alnum(rng: random.Random, alphabet: str, n: int) -> str:
    """Random string whose first and last characters are alphanumeric (clean token ends)."""
    if n <= 2:
        return rstr(rng, ALNUM, n)
    return rng.choice(ALNUM) + rstr(rng, alphabet, n - 2) + rng.choice(ALNUM)


def mixed(rng: random.Random, alphabet: str, n: int) -> str:
    """Random string with at least one upper, one lower and one digit (entropy, realism)."""
    while True:
        s = rstr_edges_alnum(rng, alphabet, n)
        if re.search(r"[A-Z]", s) and re.search(r"[a-z]", s) and re.search(r"\d", s):
            return s


def github_token(rng: random.Random, prefix: str) -> str:
    body = rstr(rng, ALNUM, 30)
    return f"{prefix}_{body}{base62_crc32(body)}"


def pem_block(label: str, der: bytes, width: int = 64) -> str:
    b64 = base64.b64encode(der).decode()
    lines = [b64[i:i + width] for i in range(0, len(b64), width)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def gen_pem(rng: random.Random, kind: str) -> str:
    rb = lambda n: bytes(rng.getrandbits(8) for _ in range(n))  # noqa: E731
    if kind == "rsa":  # PKCS#1 RSA 2048 shape: MIIEow...
        return pem_block("RSA PRIVATE KEY", bytes.fromhex("308204a30201000282010100") + rb(1179))
    if kind == "pkcs8":  # PKCS#8 RSA shape: MIIEvgIBADANBgkqhkiG9w0BAQEFAASC...
        head = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8")
        return pem_block("PRIVATE KEY", head + rb(1192))
    if kind == "ec":  # SEC1 P-256 shape: MHcCAQEEI...
        head = bytes.fromhex("307702010104") + b"\x20"
        tail = bytes.fromhex("a00a06082a8648ce3d030107a144034200")
        return pem_block("EC PRIVATE KEY", head + rb(32) + tail + rb(65))
    if kind == "encrypted":  # PKCS#8 encrypted shape
        head = bytes.fromhex("308205253057") + b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d"
        return pem_block("ENCRYPTED PRIVATE KEY", head + rb(1250))
    if kind == "openssh":
        body = (b"openssh-key-v1\x00" + b"\x00\x00\x00\x04none" * 2 + b"\x00\x00\x00\x00"
                + b"\x00\x00\x00\x01\x00\x00\x00\x33\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
                + rb(32) + b"\x00\x00\x00\x88" + rb(136 + 27))
        return pem_block("OPENSSH PRIVATE KEY", body, width=70)
    raise CorpusError(f"unknown pem kind {kind}")


def gen_jwt(rng: random.Random, alg: str = "HS256") -> str:
    enc = lambda obj: base64.urlsafe_b64encode(  # noqa: E731
        json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")
    header = {"alg": alg, "typ": "JWT"}
    if alg == "RS256":
        header["kid"] = rstr(rng, "0123456789abcdef", 16)
    iat = 1700000000 + rng.randrange(30_000_000)
    payload = {"sub": f"usr_{rstr(rng, ALNUM, 12)}", "iss": "https://auth.acme-corp.io",
               "aud": "orders-api", "iat": iat, "exp": iat + 3600,
               "scope": rng.choice(["orders:read", "orders:write admin", "billing:read"])}
    sig_len = 256 if alg == "RS256" else 32
    sig = base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(sig_len))).decode().rstrip("=")
    return f"{enc(header)}.{enc(payload)}.{sig}"


def gen_card(rng: random.Random, network: str | None, fmt: str | None) -> str:
    network = network or rng.choice(list(CARD_NETWORKS))
    prefix_sets, length, grouping = CARD_NETWORKS[network]
    prefix = rng.choice(rng.choice(prefix_sets))
    number = luhn_complete(prefix + rstr(rng, string.digits, length - len(prefix) - 1))
    fmt = fmt or rng.choice(["plain", "spaces", "dashes"])
    if fmt == "plain":
        return number
    sep = " " if fmt == "spaces" else "-"
    out, i = [], 0
    for g in grouping:
        out.append(number[i:i + g])
        i += g
    return sep.join(out)


def gen_iban(rng: random.Random, country: str | None, fmt: str | None) -> str:
    country = country or rng.choice(list(IBAN_BBAN))
    while True:
        bban = ""
        for kind, count in re.findall(r"([an])(\d+)", IBAN_BBAN[country]):
            bban += rstr(rng, string.ascii_uppercase if kind == "a" else string.digits, int(count))
        check = 98 - iban_mod97(country + "00" + bban)
        compact = f"{country}{check:02d}{bban}"
        assert len(compact) == IBAN_LENGTHS[country], country
        value = compact if (fmt or rng.choice(["plain", "grouped"])) == "plain" else \
            " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
        if not any(card_like_runs(value)):
            return value


def gen_ssn(rng: random.Random) -> str:
    while True:
        area = rng.randrange(1, 900)
        value = f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"
        if ssn_ok(value):
            return value


def gen_phone_us(rng: random.Random, fmt: str | None) -> str:
    area, line = rng.choice(US_AREA_CODES), f"01{rng.randrange(100):02d}"  # 555-0100..0199
    fmt = fmt or rng.choice(["paren", "dash", "dot", "intl"])
    return {"paren": f"({area}) 555-{line}", "dash": f"{area}-555-{line}",
            "dot": f"{area}.555.{line}", "intl": f"+1 {area} 555 {line}"}[fmt]


def gen_phone_e164(rng: random.Random, fmt: str | None) -> str:
    fmt = fmt or rng.choice(["uk", "uk-compact", "de", "fr-compact"])
    if fmt == "uk":  # Ofcom drama range 07700 900000-900999
        return f"+44 7700 900{rng.randrange(1000):03d}"
    if fmt == "uk-compact":
        return f"+447700900{rng.randrange(1000):03d}"
    if fmt == "de":
        return f"+49 30 {rng.randrange(1000000, 9999999)}"
    return f"+336{rng.randrange(10000000, 99999999)}"


def gen_ipv4_private(rng: random.Random, block: str | None) -> str:
    block = block or rng.choice(["10", "172", "192"])
    last = rng.randrange(2, 254)
    if block == "10":
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{last}"
    if block == "172":
        return f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{last}"
    return f"192.168.{rng.randrange(256)}.{last}"


def gen_ipv4_public(rng: random.Random) -> str:
    return f"{rng.choice(PUBLIC_FIRST_OCTETS)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(2, 254)}"


def gen_ipv6_private(rng: random.Random, kind: str | None) -> str:
    h = lambda: format(rng.randrange(1, 0x10000), "x")  # noqa: E731
    if (kind or rng.choice(["ula", "link"])) == "ula":
        return f"fd{rng.randrange(256):02x}:{h()}:{h()}:{rng.randrange(1, 0x100):x}::{rng.randrange(1, 0x1000):x}"
    return f"fe80::{h()}:{h()}ff:fe{rng.randrange(256):02x}:{h()}"


def gen_hostname(rng: random.Random, kind: str | None) -> str:
    kind = kind or rng.choice(["corp", "k8s", "tld"])
    if kind == "k8s":
        return f"{rng.choice(K8S_SERVICES)}.{rng.choice(K8S_NAMESPACES)}.svc.cluster.local"
    tld = "corp" if kind == "corp" else rng.choice(["internal", "corp", "intranet", "lan", "private", "intra"])
    return f"{rng.choice(HOST_NAMES)}.{rng.choice(HOST_ENVS)}.{tld}"


def gen_email(rng: random.Random, name: str | None) -> str:
    first, last = name.split(".", 1) if name else (rng.choice(FIRST), rng.choice(LAST))
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randrange(10, 99)}"])
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def generate_value(rng: random.Random, spec: str) -> str:
    kind, *args = spec.split(":")
    arg = args[0] if args else None
    arg2 = args[1] if len(args) > 1 else None
    tokens = {
        "aws-access-key-id": lambda: (arg or "AKIA") + rstr(rng, string.ascii_uppercase + "234567", 16),
        "aws-secret": lambda: mixed(rng, B64, 40),
        "github-pat": lambda: github_token(rng, "ghp"),
        "github-oauth": lambda: github_token(rng, "gho"),
        "github-user": lambda: github_token(rng, "ghu"),
        "github-server": lambda: github_token(rng, "ghs"),
        "github-refresh": lambda: github_token(rng, "ghr"),
        "github-fine-grained": lambda: "github_pat_11" + rstr(rng, string.ascii_uppercase + string.digits, 20)
        + "_" + rstr(rng, ALNUM, 59),
        "gitlab-pat": lambda: "glpat-" + rstr_edges_alnum(rng, URLSAFE, 20),
        "gitlab-trigger": lambda: "glptt-" + rstr(rng, "0123456789abcdef", 40),
        "gitlab-deploy": lambda: "gldt-" + rstr_edges_alnum(rng, URLSAFE, 20),
        "gitlab-runner": lambda: "glrt-" + rstr_edges_alnum(rng, URLSAFE, 20),
        "gitlab-runner-reg": lambda: "GR1348941" + rstr_edges_alnum(rng, URLSAFE, 20),
        "slack-bot": lambda: f"xoxb-{rng.randrange(10**10, 10**11)}-{rng.randrange(10**12, 10**13)}-{rstr(rng, ALNUM, 24)}",
        "slack-user": lambda: f"xoxp-{rng.randrange(10**10, 10**11)}-{rng.randrange(10**10, 10**11)}-"
        f"{rng.randrange(10**12, 10**13)}-{rstr(rng, '0123456789abcdef', 32)}",
        "slack-webhook": lambda: "https://hooks.slack.com/services/T0" + rstr(rng, string.ascii_uppercase + string.digits, 8)
        + "/B0" + rstr(rng, string.ascii_uppercase + string.digits, 8) + "/" + rstr(rng, ALNUM, 24),
        "stripe-live": lambda: "sk_live_" + rstr(rng, ALNUM, 24),
        "stripe-live-long": lambda: "sk_live_51" + rstr(rng, ALNUM, 97),
        "stripe-test": lambda: "sk_test_" + rstr(rng, ALNUM, 24),
        "stripe-restricted": lambda: "rk_live_" + rstr(rng, ALNUM, 24),
        "stripe-webhook": lambda: "whsec_" + rstr(rng, ALNUM, 32),
        "google-api-key": lambda: "AIzaSy" + rstr_edges_alnum(rng, URLSAFE, 33),
        "google-oauth-secret": lambda: "GOCSPX-" + rstr_edges_alnum(rng, URLSAFE, 28),
        "openai-proj": lambda: "sk-proj-" + rstr_edges_alnum(rng, URLSAFE, 74) + "T3BlbkFJ" + rstr_edges_alnum(rng, URLSAFE, 74),
        "openai-svcacct": lambda: "sk-svcacct-" + rstr_edges_alnum(rng, URLSAFE, 58) + "T3BlbkFJ" + rstr_edges_alnum(rng, URLSAFE, 58),
        "openai-legacy": lambda: "sk-" + rstr(rng, ALNUM, 20) + "T3BlbkFJ" + rstr(rng, ALNUM, 20),
        "anthropic": lambda: "sk-ant-api03-" + rstr_edges_alnum(rng, URLSAFE, 93) + "AA",
        "anthropic-admin": lambda: "sk-ant-admin01-" + rstr_edges_alnum(rng, URLSAFE, 93) + "AA",
        "npm": lambda: "npm_" + rstr(rng, ALNUM, 36),
        "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + rstr_edges_alnum(rng, URLSAFE, rng.randrange(60, 140)),
        "twilio": lambda: "SK" + rstr(rng, "0123456789abcdef", 32),
        "sendgrid": lambda: "SG." + rstr_edges_alnum(rng, URLSAFE, 22) + "." + rstr_edges_alnum(rng, URLSAFE, 43),
        "pem": lambda: gen_pem(rng, arg or "rsa"),
        "openssh": lambda: gen_pem(rng, "openssh"),
        "jwt": lambda: gen_jwt(rng, arg or "HS256"),
        "password": lambda: mixed(rng, PASSWORD_CHARS, rng.randrange(14, 21)),
        # A password a person chose: a word, a symbol, digits, a word (under the generic floors).
        "chosen": lambda: rng.choice(CHOSEN_WORDS) + rng.choice("!#%*+@") + str(rng.randrange(100, 99999))
        + rng.choice(CHOSEN_WORDS).lower(),
        "urlpass": lambda: mixed(rng, URLPASS_CHARS, rng.randrange(12, 21)),
        "secret": lambda: mixed(rng, URLSAFE, int(arg or rng.randrange(32, 49))),
        "email": lambda: gen_email(rng, arg),
        "phone-us": lambda: gen_phone_us(rng, arg),
        "phone-e164": lambda: gen_phone_e164(rng, arg),
        "ssn": lambda: gen_ssn(rng).replace("-", {"dash": "-", "space": " ", "dot": ".", "slash": "/", "bare": ""}[arg or "dash"]),
        "card": lambda: gen_card(rng, arg, arg2),
        "iban": lambda: gen_iban(rng, arg, arg2),
        "ipv4-private": lambda: gen_ipv4_private(rng, arg),
        "ipv4-public": lambda: gen_ipv4_public(rng),
        "ipv6-private": lambda: gen_ipv6_private(rng, arg),
        "hostname": lambda: gen_hostname(rng, arg),
        "word-password": lambda: gen_word_password(rng),
        "word-name": lambda: gen_word_name(rng),
        "login": lambda: gen_login(rng),
        "age-recipient": lambda: bech32_encode("age", bytes(rng.randrange(256) for _ in range(32))),
    }
    if kind not in tokens:
        raise CorpusError(f"unknown generator @gen:{spec}")
    return tokens[kind]()


# --------------------------------------------------------------------------------------------
# Templates

MARK_RE = re.compile(r"⟦((?:test:)?[a-z0-9-]+(?:,[a-z0-9-]+)*)⟧(.*?)⟦/⟧", re.S)
OPTIONS_RE = re.compile(r"\A((?:⟦%[a-z]+⟧)+)\n")
GEN_RE = re.compile(r"@gen:([A-Za-z0-9:.-]+?)(?:=([A-Za-z0-9_]+))?((?:\|[a-z]+(?::\d+)?)*)")


def apply_filters(value: str, filters: str) -> str:
    for f in filter(None, filters.split("|")):
        name, _, arg = f.partition(":")
        if name == "json":
            value = json.dumps(value, ensure_ascii=False)[1:-1]
        elif name == "indent":
            value = value.replace("\n", "\n" + " " * int(arg))
        # Issue #15 class 1: the disguises a value gets on its way (the span is the disguised text).
        elif name == "pct":  # every byte percent-encoded
            value = "".join("%%%02X" % b for b in value.encode())
        elif name == "xesc":  # C/Python \x escapes
            value = "".join("\\x%02x" % b for b in value.encode())
        elif name == "shy":  # a soft hyphen after every 5th character
            value = "".join(c + ("\u00ad" if i % 5 == 4 and i < len(value) - 1 else "") for i, c in enumerate(value))
        elif name == "fullwidth":  # fullwidth forms (NFKC folds them back)
            value = "".join(chr(ord(c) - 0x21 + 0xFF01) if "!" <= c <= "~" else c for c in value)
        elif name == "homoglyph":  # up to 3 letters replaced by their Cyrillic look-alikes
            looks = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
                     "A": "\u0410", "B": "\u0412", "E": "\u0415", "K": "\u041a", "M": "\u041c", "H": "\u041d",
                     "O": "\u041e", "P": "\u0420", "C": "\u0421", "T": "\u0422", "X": "\u0425"}
            out, swapped = [], 0
            for c in value:
                if swapped < 3 and c in looks:
                    out.append(looks[c])
                    swapped += 1
                else:
                    out.append(c)
            value = "".join(out)
        else:
            raise CorpusError(f"unknown filter |{f}")
    return value


def render(template_name: str, text: str, rng: random.Random):
    """Render one template. Returns (bytes, [(start, end, detector, raw_value, is_test_value)])."""
    options = set()
    m = OPTIONS_RE.match(text)
    if m:
        options = set(re.findall(r"⟦%([a-z]+)⟧", m.group(1)))
        text = text[m.end():]
        if options - {"crlf", "noeol"}:
            raise CorpusError(f"{template_name}: unknown options {options}")
    if "noeol" in options:
        text = text.rstrip("\n")
    newline = "\r\n" if "crlf" in options else "\n"

    # Literal labelled values are reserved up front so generated values never collide with them.
    used = {v for _, v in MARK_RE.findall(text) if not v.startswith("@gen:")}
    bound: dict[str, str] = {}

    def fresh(spec: str, detectors: list[str]) -> str:
        for _ in range(1000):
            v = generate_value(rng, spec)
            if any(v in u or u in v for u in used):
                continue
            try:
                for d in detectors:
                    validate(d, v, template_name, tuple(detectors))
            except CorpusError:
                continue
            used.add(v)
            return v
        raise CorpusError(f"{template_name}: cannot generate a distinct @gen:{spec}")

    out: list[bytes] = []
    pos = 0
    spans = []
    last = 0
    for mm in MARK_RE.finditer(text):
        detectors, body = mm.group(1).split(","), mm.group(2)
        # A published test value is labelled as such and not validated: it is one by its spelling
        # (an SSN in the never-issued 9xx area, a documented example key), not by its checks.
        is_test = detectors[0].startswith("test:")
        if is_test:
            detectors[0] = detectors[0][len("test:"):]
            if body.startswith("@gen:"):
                raise CorpusError(f"{template_name}: a test value is literal, not generated")
        lead = text[last:mm.start()]
        if "⟦" in lead or "⟧" in lead:
            raise CorpusError(f"{template_name}: stray marker near {lead[-40:]!r}")
        chunk = lead.replace("\n", newline).encode()
        out.append(chunk)
        pos += len(chunk)
        g = GEN_RE.fullmatch(body)
        if body.startswith("@gen:"):
            if not g:
                raise CorpusError(f"{template_name}: bad generator {body!r}")
            spec, name, filters = g.groups()
            if name and name in bound:
                raw = bound[name]
            else:
                raw = fresh(spec, detectors)
                if name:
                    bound[name] = raw
            value = apply_filters(raw, filters)
        else:
            raw = value = body
        value = value.replace("\n", newline)
        raw = raw.replace("\n", newline)
        for d in detectors:
            if d not in DETECTORS:
                raise CorpusError(f"{template_name}: unknown detector {d!r}")
            if not is_test:
                validate(d, raw.replace("\r\n", "\n"), f"{template_name} @{pos}", tuple(detectors))
        vb = value.encode()
        for d in detectors:
            spans.append((pos, pos + len(vb), d, value, is_test))
        out.append(vb)
        pos += len(vb)
        last = mm.end()
    tail = text[last:]
    if "⟦" in tail or "⟧" in tail:
        raise CorpusError(f"{template_name}: stray marker near {tail[:40]!r}")
    out.append(tail.replace("\n", newline).encode())
    return b"".join(out), spans


# Detectors whose values are not looked for again elsewhere in a message (`propagate: false`).
NOT_PROPAGATED = {"login-user-name", "connection-string-user"}


def check_propagation(name: str, data: bytes, spans) -> None:
    """Every occurrence of a labelled value (>= 4 bytes) must itself be labelled with the same
    detector, as the engine reports repeated values (unless inside a longer [A-Za-z0-9] run).
    Detectors with `propagate: false` (user names: their word elsewhere is an ordinary word)
    are exempt."""
    labelled = {(s, e, d) for s, e, d, _, _ in spans}
    isalnum = lambda b: (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122)  # noqa: E731
    for s, e, d, value, _ in spans:
        v = value.encode()
        if len(v) < 4 or d in NOT_PROPAGATED:
            continue
        i = data.find(v)
        while i != -1:
            j = i + len(v)
            inside = (isalnum(v[0]) and i > 0 and isalnum(data[i - 1])) or \
                     (isalnum(v[-1]) and j < len(data) and isalnum(data[j]))
            if not inside and (i, j, d) not in labelled:
                raise CorpusError(f"{name}: {d} value at {s}..{e} occurs again unlabelled at {i}..{j}")
            i = data.find(v, i + 1)


def check_truth_slices(data: bytes, spans, name: str) -> None:
    for s, e, d, value, _ in spans:
        if data[s:e] != value.encode():
            raise CorpusError(f"{name}: span {s}..{e} does not slice to its value")


# --------------------------------------------------------------------------------------------
# Driver


def load_templates() -> list[tuple[str, str]]:
    items = []
    for path in sorted(TEMPLATE_DIR.iterdir()):
        if path.is_file() and path.name.endswith(".tmpl"):
            items.append((path.name[: -len(".tmpl")], path.read_text(encoding="utf-8")))
    if not items:
        raise CorpusError(f"no templates in {TEMPLATE_DIR}")
    return items


def build_file(seed: int, rep: int, tname: str, text: str, rel: str):
    rng = random.Random(f"cordon-corpus:{seed}:{rep}:{tname}")
    data, spans = render(tname, text, rng)
    check_truth_slices(data, spans, rel)
    check_propagation(rel, data, spans)
    # Test values do not raise a file's level: `cordon scan` does not fail on them.
    level = max((DETECTORS[d][1] for _, _, d, _, t in spans if not t), key=LEVELS.index, default="public")
    lines = [{"type": "file", "file": rel, "level": level}]
    for s, e, d, _, t in sorted(spans, key=lambda x: (x[0], x[1], x[2])):
        record = {"type": "span", "file": rel, "start": s, "end": e, "detector": d, "category": DETECTORS[d][0]}
        if t:
            record["test_value"] = True
        lines.append(record)
    return data, lines


def safe_reset(out: Path) -> None:
    out = out.resolve()
    if out == Path("/") or out == Path.home() or len(out.parts) < 3:
        raise CorpusError(f"refusing to write into {out}")
    samples = out / "samples"
    if samples.exists():
        shutil.rmtree(samples)
    out.mkdir(parents=True, exist_ok=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="output directory (gets samples/ and truth.jsonl); default: the "
                    "repository's corpus/, or bench/out/corpus-large in large mode")
    ap.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--scale", type=int, metavar="N", help="large mode: N repetitions of every template")
    size.add_argument("--size-mb", type=float, metavar="M", help="large mode: repeat until >= M MiB")
    args = ap.parse_args(argv)

    templates = load_templates()
    large = args.scale is not None or args.size_mb is not None
    committed = SCRIPT_DIR.parent.parent / "corpus"
    out = Path(args.out) if args.out else (SCRIPT_DIR.parent / "out" / "corpus-large" if large else committed)
    if large and out.resolve() == committed.resolve():
        raise CorpusError("large mode must not write into the committed corpus/ directory")
    if (args.scale is not None and args.scale < 1) or (args.size_mb is not None and args.size_mb <= 0):
        raise CorpusError("--scale and --size-mb must be positive")
    safe_reset(out)
    truth: list[dict] = []
    total = files = 0
    limit = int(args.size_mb * 1024 * 1024) if args.size_mb is not None else None
    rep = 0 if not large else 1
    while True:
        for tname, text in templates:
            rel = f"samples/{tname}" if not large else f"samples/r{rep:05d}/{tname}"
            data, lines = build_file(args.seed, rep, tname, text, rel)
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            truth.extend(lines)
            total += len(data)
            files += 1
            if limit is not None and total >= limit:
                break
        if not large or (args.scale is not None and rep >= args.scale) or (limit is not None and total >= limit):
            break
        rep += 1

    # Sort by file, then start (the file line first).
    truth.sort(key=lambda r: (r["file"], r.get("start", -1), r.get("end", -1), r.get("detector", "")))
    with open(out / "truth.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for r in truth:
            fh.write(json.dumps(r, separators=(",", ":")) + "\n")
    spans = Counter(r["detector"] for r in truth if r["type"] == "span")
    print(f"wrote {files} files, {total} bytes, {sum(spans.values())} spans to {out}", file=sys.stderr)
    if not large:
        missing = sorted(set(DETECTORS) - set(spans))
        if missing:
            raise CorpusError(f"detectors with no labelled value: {missing}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CorpusError as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        sys.exit(1)
