"""Slow and stalled peers: a client that trickles its request body, a client that reads a large
stream slowly, an upstream that does not answer or stops mid-stream. The gateway answers each
within its documented timeouts, keeps its memory bounded, and keeps serving everyone else."""

import json
import select
import socket
import threading
import time

import openai
import pytest

from conftest import Gateway


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def echo(gateway, text="ok"):
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0, timeout=10)
    return client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}]).choices[0].message.content


@pytest.fixture
def timeouts_gateway(upstream, tmp_path):
    _, url = upstream
    config = tmp_path / "gateway.yaml"
    config.write_text(f"upstreams:\n  main:\n    base_url: {url}\nrequest_timeout: 2\nupstream_timeout: 1\n")
    instance = Gateway(url, extra=["--config", str(config)], tmp_path=tmp_path)
    yield instance
    instance.stop()


def test_a_client_trickling_its_body_gets_408_at_the_request_timeout_while_others_are_served(timeouts_gateway, upstream):
    recorder, _ = upstream
    body = json.dumps({"model": "echo", "messages": [{"role": "user", "content": "x" * 500}]}).encode()
    answer = []

    def trickle():
        with socket.create_connection(("127.0.0.1", timeouts_gateway.port)) as connection:
            connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                               + f"content-length: {len(body)}\r\n\r\n".encode())
            started = time.monotonic()
            for byte in body:
                readable, _, _ = select.select([connection], [], [], 0.2)
                if not readable:
                    try:
                        connection.sendall(bytes([byte]))
                        continue
                    except OSError:
                        pass
                answer.append((time.monotonic() - started, connection.recv(4096)))
                break

    thread = threading.Thread(target=trickle)
    thread.start()
    time.sleep(0.5)
    # While the trickler holds its request open, others are served promptly.
    started = time.monotonic()
    assert echo(timeouts_gateway, "served") == "served"
    assert time.monotonic() - started < 1.5
    thread.join(timeout=30)
    assert answer, "no answer to the trickling client"
    seconds, data = answer[0]
    assert data.startswith(b"HTTP/1.1 408")
    assert b"cordon_request_timeout" in data
    assert 1.5 < seconds < 6
    assert all(b"served" in request["body"] for request in recorder.requests)  # the partial body never went upstream


def test_a_slow_reader_of_a_large_stream_keeps_the_gateways_memory_bounded(gateway, upstream):
    body = json.dumps({"model": "flood", "stream": True, "messages": [{"role": "user", "content": "go"}]}).encode()
    before = rss_kib(gateway.process.pid)
    peak = before
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        connection.connect(("127.0.0.1", gateway.port))
        connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                           + f"content-length: {len(body)}\r\n\r\n".encode() + body)
        received = 0
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            received += len(connection.recv(4096))
            time.sleep(0.01)  # about 400 KB/s, of a 32 MiB stream
            peak = max(peak, rss_kib(gateway.process.pid))
        # Served meanwhile.
        assert echo(gateway, "meanwhile") == "meanwhile"
    assert 0 < received < 8 * 1024 * 1024
    # The stream waits for the reader instead of piling up: far less than its 32 MiB is held.
    assert peak - before < 24 * 1024, f"gateway RSS grew by {(peak - before) // 1024} MiB"
    assert echo(gateway, "after") == "after"


def test_an_upstream_that_does_not_answer_gets_504_in_the_openai_envelope(timeouts_gateway):
    client = openai.OpenAI(base_url=timeouts_gateway.base_url, api_key="sk-test", max_retries=0, timeout=30)
    started = time.monotonic()
    with pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(model="stall", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.status_code == 504
    assert raised.value.code == "cordon_upstream_timeout"
    assert time.monotonic() - started < 2.9  # the gateway's timeout (1 s), not the upstream's 3 s
    assert echo(timeouts_gateway) == "ok"


def test_an_upstream_that_stalls_mid_stream_ends_the_stream_with_an_error_frame(timeouts_gateway):
    client = openai.OpenAI(base_url=timeouts_gateway.base_url, api_key="sk-test", max_retries=0, timeout=30)
    text = ""
    with pytest.raises(openai.APIError) as raised:
        for chunk in client.chat.completions.create(model="stall-mid", stream=True, messages=[{"role": "user", "content": "hello there world"}]):
            text += chunk.choices[0].delta.content or ""
    assert "cordon_upstream_timeout" in str(raised.value.body)
    assert text == "hello"
    assert echo(timeouts_gateway) == "ok"
