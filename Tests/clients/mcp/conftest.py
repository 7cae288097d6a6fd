"""Shared fixtures for the `cordon mcp` tests: the built binary, the fake server, a record file."""

import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]


@pytest.fixture(scope="session")
def cordon() -> str:
    path = os.environ.get("CORDON_EXECUTABLE") or str(ROOT / ".build" / "debug" / "cordon")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no cordon binary at {path}: build it (swift build --product cordon) or set CORDON_EXECUTABLE")
    return path


@pytest.fixture(scope="session")
def server_script() -> str:
    return str(HERE / "fake_server.py")


@pytest.fixture()
def record_file(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "received.jsonl"


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
