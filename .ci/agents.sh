#!/usr/bin/env bash
# The agent integrations with real peers: `cordon mcp` between the official MCP Python SDK
# (PyPI `mcp`, its stdio client) and an SDK server written by the tests
# (Tests/clients/mcp/fake_server.py). Creates a venv (Tests/clients/mcp/.venv, kept out of git),
# installs the pinned SDK and pytest from PyPI, builds `cordon` unless CORDON_EXECUTABLE names
# one, and runs the tests. Needs python3 with venv and network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=Tests/clients/mcp/.venv
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check -r Tests/clients/mcp/requirements.txt

if [[ -z ${CORDON_EXECUTABLE:-} ]]; then
    swift build --product cordon
    export CORDON_EXECUTABLE=$PWD/.build/debug/cordon
fi
"$venv/bin/python" -m pytest -q Tests/clients/mcp "$@"
