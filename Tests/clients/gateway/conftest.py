"""Fixtures: the fake upstream and the built ``cordon gateway`` on free loopback ports."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import fake_upstream  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def cordon_executable():
    return os.environ.get("CORDON_EXECUTABLE") or os.path.join(ROOT, ".build", "debug", "cordon")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("cordon gateway exited: " + process.stderr.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("cordon gateway did not become healthy")


class Gateway:
    def __init__(self, upstream_url, extra=(), tmp_path=None):
        self.port = free_port()
        self.audit = str(tmp_path / "audit.jsonl") if tmp_path else None
        self.audit_key = str(tmp_path / "audit.key") if tmp_path else None
        arguments = [cordon_executable(), "gateway", "--listen", f"127.0.0.1:{self.port}", "--upstream", upstream_url]
        if self.audit:
            # A keyed trail: records hold content, sessions and paths only as keyed fingerprints.
            with open(self.audit_key, "wb") as key:
                key.write(os.urandom(32))
            arguments += ["--audit", self.audit, "--audit-key-file", self.audit_key]
        arguments += list(extra)
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_healthy(self.port, self.process)
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def stop(self):
        self.process.terminate()
        try:
            _, stderr = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        self.stderr = stderr.decode(errors="replace")
        return self.process.returncode


@pytest.fixture
def upstream():
    server, recorder, url = fake_upstream.start()
    yield recorder, url
    server.shutdown()


@pytest.fixture
def gateway(upstream, tmp_path):
    _, url = upstream
    instance = Gateway(url, tmp_path=tmp_path)
    yield instance
    instance.stop()
