"""Blocks and bad input: the right envelope, the right status, nothing upstream, and the
gateway keeps serving."""

import gzip
import hashlib
import json
import socket
import subprocess
import urllib.request
import zlib

import anthropic
import httpx
import openai
import pytest

from conftest import Gateway, cordon_executable

EMAIL = "jane.doe@acme-corp.io"
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEA" + "q" * 60 + "\n" + "Zm9vYmFy" * 8 + "\n-----END RSA PRIVATE KEY-----"

BLOCKING_POLICY = """\
default_destination: public-api
destinations:
  public-api:
    max_level: internal
    action: block
"""


@pytest.fixture
def blocking_gateway(upstream, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(BLOCKING_POLICY)
    _, url = upstream
    instance = Gateway(url, extra=["--policy", str(policy)], tmp_path=tmp_path)
    yield instance
    instance.stop()


def post(gateway, path, body, headers=None):
    request = urllib.request.Request(gateway.base_url + path, data=body, method="POST",
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_blocked_openai_request_raises_bad_request_with_cordon_blocked(blocking_gateway, upstream):
    recorder, _ = upstream
    client = openai.OpenAI(base_url=blocking_gateway.base_url, api_key="sk-test", max_retries=2)
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"mail {EMAIL}"}])
    assert raised.value.code == "cordon_blocked"
    assert raised.value.response.headers["x-should-retry"] == "false"
    assert raised.value.response.headers["x-cordon-action"] == "block"
    assert EMAIL not in raised.value.message
    assert not recorder.requests  # nothing reached the upstream, and the SDK did not retry


def test_blocked_anthropic_request_gets_the_anthropic_envelope(blocking_gateway, upstream):
    recorder, _ = upstream
    client = anthropic.Anthropic(base_url=blocking_gateway.base_url.removesuffix("/v1"), api_key="test", max_retries=2)
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(model="echo", max_tokens=10, messages=[{"role": "user", "content": f"mail {EMAIL}"}])
    body = raised.value.body
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert body["error"]["message"].startswith("cordon_blocked")
    assert not recorder.requests


def test_malformed_json_is_400_and_not_forwarded(gateway, upstream):
    recorder, _ = upstream
    status, headers, body = post(gateway, "/chat/completions", b'{"model": "echo", "messages": [')
    assert status == 400
    assert json.loads(body)["error"]["code"] == "cordon_invalid_json"
    assert headers["x-should-retry"] == "false"
    status, _, body = post(gateway, "/chat/completions", b'{"a": 1, "a": 2}')
    assert status == 400
    status, _, body = post(gateway, "/messages", b'["not", "an", "object"]')
    assert status == 400 and json.loads(body)["type"] == "error"
    assert not recorder.requests


def test_huge_body_is_413(upstream, tmp_path):
    recorder, url = upstream
    small = Gateway(url, extra=["--max-request-bytes", "100000"], tmp_path=tmp_path)
    try:
        status, _, body = post(small, "/chat/completions", json.dumps({"model": "echo", "messages": [{"role": "user", "content": "x" * 200000}]}).encode())
        assert status == 413
        assert json.loads(body)["error"]["code"] == "cordon_request_too_large"
        assert not recorder.requests
        # still serving
        client = openai.OpenAI(base_url=small.base_url, api_key="sk-test", max_retries=0)
        assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "hi"
    finally:
        small.stop()


def test_compressed_request_bodies_are_decoded_scanned_and_forwarded_uncompressed(gateway, upstream):
    recorder, _ = upstream
    body = json.dumps({"model": "echo", "messages": [{"role": "user", "content": f"write to {EMAIL} today"}]}).encode()
    bodies = {"gzip": gzip.compress(body), "deflate": zlib.compress(body), "x-gzip": gzip.compress(body)}
    raw = zlib.compressobj(wbits=-15)
    bodies["deflate (raw)"] = raw.compress(body) + raw.flush()
    with httpx.Client(timeout=30) as client:
        for coding, compressed in bodies.items():
            response = client.post(gateway.base_url + "/chat/completions", content=compressed,
                                   headers={"content-type": "application/json", "content-encoding": coding.split()[0]})
            assert response.status_code == 200, (coding, response.text)
            assert response.json()["choices"][0]["message"]["content"] == f"write to {EMAIL} today"
            assert response.headers["x-cordon-action"] == "redact"
    assert len(recorder.requests) == len(bodies)
    for request in recorder.requests:
        assert "content-encoding" not in {name.lower() for name in request["headers"]}
        text = request["body"].decode()  # forwarded uncompressed
        assert EMAIL not in text and "write to" in text


def test_openai_sdk_with_a_gzip_http_client_is_scanned(gateway, upstream):
    recorder, _ = upstream

    class GzipTransport(httpx.BaseTransport):
        """Sends every request body gzip-compressed, as a client behind a compressing proxy does."""

        def __init__(self):
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request):
            body = gzip.compress(request.read())
            headers = {name: value for name, value in request.headers.items() if name.lower() not in ("content-length", "transfer-encoding")}
            headers["content-encoding"] = "gzip"
            return self.inner.handle_request(httpx.Request(request.method, request.url, headers=headers, content=body))

    http_client = httpx.Client(transport=GzipTransport())
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0, http_client=http_client)
    reply = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"mail {EMAIL}"}])
    assert reply.choices[0].message.content == f"mail {EMAIL}"
    assert recorder.requests and EMAIL not in recorder.requests[-1]["body"].decode()


def test_a_zip_bomb_is_413_and_other_codings_415(upstream, tmp_path):
    recorder, url = upstream
    small = Gateway(url, extra=["--max-request-bytes", "1000000"], tmp_path=tmp_path)
    try:
        # 10 MB of JSON-looking text in about 10 KB: the decoded size counts against the limit.
        bomb = gzip.compress(b'{"model":"echo","messages":[{"role":"user","content":"' + b"a" * 10_000_000 + b'"}]}')
        assert len(bomb) < 100_000
        status, _, body = post(small, "/chat/completions", bomb, headers={"content-encoding": "gzip"})
        assert status == 413 and json.loads(body)["error"]["code"] == "cordon_request_too_large"
        status, _, body = post(small, "/chat/completions", b"\x1f\x8b\x08\x00 not gzip", headers={"content-encoding": "gzip"})
        assert status == 400 and json.loads(body)["error"]["code"] == "cordon_invalid_encoding"
        cut = gzip.compress(json.dumps({"model": "echo", "messages": [{"role": "user", "content": "hello " * 100}]}).encode())[:-20]
        status, _, body = post(small, "/chat/completions", cut, headers={"content-encoding": "gzip"})
        assert status == 400 and json.loads(body)["error"]["code"] == "cordon_invalid_encoding"
        for coding in ["br", "zstd", "gzip, br"]:
            status, headers, body = post(small, "/chat/completions", b"\x00\x01", headers={"content-encoding": coding})
            assert status == 415 and json.loads(body)["error"]["code"] == "cordon_unsupported_encoding"
            assert headers["x-should-retry"] == "false"
        assert not recorder.requests
        client = openai.OpenAI(base_url=small.base_url, api_key="sk-test", max_retries=0)
        assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "hi"
    finally:
        small.stop()


def test_unknown_paths_are_rejected_and_not_forwarded(gateway, upstream):
    recorder, _ = upstream
    status, _, body = post(gateway, "/files", json.dumps({"purpose": EMAIL}).encode())
    assert status == 404
    assert json.loads(body)["error"]["code"] == "cordon_unknown_path"
    assert not recorder.requests


def test_upstream_closing_early_ends_the_stream_with_an_error_frame(gateway):
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    stream = client.chat.completions.create(model="close-early", stream=True, messages=[{"role": "user", "content": "hello there world"}])
    text = ""
    with pytest.raises(openai.APIError) as raised:
        for chunk in stream:
            text += chunk.choices[0].delta.content or ""
    assert "cordon_upstream_stream_incomplete" in str(raised.value.body)
    assert text == "hello"
    assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "ok"}]).choices[0].message.content == "ok"


def test_malformed_upstream_stream_gets_an_error_frame(gateway):
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    with pytest.raises(openai.APIError):
        list(client.chat.completions.create(model="malformed", stream=True, messages=[{"role": "user", "content": "hi"}]))
    assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "ok"}]).choices[0].message.content == "ok"


def test_client_disconnecting_mid_stream_cancels_the_upstream_request(gateway, upstream):
    recorder, _ = upstream
    body = json.dumps({"model": "flood", "stream": True, "messages": [{"role": "user", "content": "go"}]}).encode()
    with socket.create_connection(("127.0.0.1", gateway.port)) as connection:
        connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                           + f"content-length: {len(body)}\r\n\r\n".encode() + body)
        assert connection.recv(100).startswith(b"HTTP/1.1 200")
    # The 32 MiB stream is abandoned upstream too, long before it could have been sent whole.
    assert recorder.flood_abandoned.wait(timeout=20)
    gateway.stop()
    records = [json.loads(line) for line in open(gateway.audit).read().splitlines()]
    assert records[-1]["op"] == "gateway.chat_completions.response" and records[-1]["error"] == "client_disconnected"


def test_client_disconnecting_mid_stream_leaves_the_gateway_serving(gateway):
    body = json.dumps({"model": "echo", "stream": True, "messages": [{"role": "user", "content": "x " * 2000}]}).encode()
    with socket.create_connection(("127.0.0.1", gateway.port)) as connection:
        connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                           + f"content-length: {len(body)}\r\n\r\n".encode() + body)
        assert connection.recv(100).startswith(b"HTTP/1.1 200")
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "ok"}]).choices[0].message.content == "ok"


def test_audit_records_every_request_and_response_without_values(gateway):
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"mail {EMAIL}"}])
    # The stream's bytes as the client received them, to check the record's output hash.
    with httpx.stream("POST", gateway.base_url + "/chat/completions", timeout=30,
                      json={"model": "echo", "stream": True, "messages": [{"role": "user", "content": f"mail {EMAIL}"}]}) as response:
        received = b"".join(response.iter_raw())
    assert b"[DONE]" in received
    # A stream the gateway could not scan (an event that is not JSON) is recorded distinctly.
    with pytest.raises(openai.APIError):
        list(client.chat.completions.create(model="malformed", stream=True, messages=[{"role": "user", "content": "hi"}]))
    gateway.stop()
    lines = open(gateway.audit).read().splitlines()
    records = [json.loads(line) for line in lines]
    operations = [record["op"] for record in records]
    assert operations == ["gateway.chat_completions", "gateway.chat_completions.response"] * 3
    assert records[0]["action"] == "redact" and records[0]["detectors"].get("email") == 1
    assert all(record["error"] is None for record in records[:4])
    # The record names the received bytes only by their keyed fingerprint, which the audit key's
    # holder can compute (`cordon audit fingerprint`) and nobody else can.
    fingerprint = subprocess.run([cordon_executable(), "audit", "fingerprint", "-", "--key-file", gateway.audit_key],
                                 input=received, capture_output=True, check=True).stdout.decode().split()
    assert fingerprint[0] == "content"
    assert records[3]["output_hmac"] == fingerprint[1]
    assert hashlib.sha256(received).hexdigest() not in "\n".join(lines)
    assert records[3]["action"] == "allow"
    assert records[5]["error"] == "response_malformed" and records[5]["action"] is None
    assert records[5]["output_hmac"] not in (None, records[3]["output_hmac"])
    assert EMAIL not in "\n".join(lines)
    assert EMAIL not in gateway.stderr
