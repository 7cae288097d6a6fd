"""`cordon mcp` with bad input on raw pipes: malformed and oversized lines, a client that closes
standard input, a server that dies — no hang, no raw value forwarded, every request answered."""

import json
import subprocess
import time

from fake_server import FAKE_AWS, FAKE_EMAIL

INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def start(cordon, python, server_script, *options, mode="normal"):
    return subprocess.Popen(
        [cordon, "mcp", "--log-level", "warning", *options, "--", python, server_script, mode],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def exchange(cordon, python, server_script, lines, *options, mode="normal", expect=(), timeout=30):
    """Sends `lines` (bytes each, newline added), reads until every id in `expect` is answered,
    closes stdin, and returns (responses by id, stdout, stderr, status)."""
    proxy = start(cordon, python, server_script, *options, mode=mode)
    proxy.stdin.write(b"".join(line + b"\n" for line in lines))
    proxy.stdin.flush()
    responses = {}
    out = b""
    deadline = time.monotonic() + timeout
    while not set(expect) <= set(responses) and time.monotonic() < deadline:
        raw = proxy.stdout.readline()
        if not raw:
            break
        out += raw
        message = json.loads(raw)  # every line the proxy writes is JSON
        for item in message if isinstance(message, list) else [message]:
            responses[json.dumps(item.get("id"))] = item
    proxy.stdin.close()
    proxy.wait(timeout=timeout)
    rest, err = proxy.stdout.read(), proxy.stderr.read()
    out += rest
    for raw in rest.splitlines():
        message = json.loads(raw)
        for item in message if isinstance(message, list) else [message]:
            responses[json.dumps(item.get("id"))] = item
    return responses, out, err, proxy.returncode


def encode(message) -> bytes:
    return json.dumps(message).encode()


def test_malformed_lines_are_answered_and_never_forwarded(cordon, python, server_script):
    lines = [
        encode(INIT), encode(INITIALIZED),
        b"this is not json " + FAKE_AWS.encode(),
        b'{"jsonrpc":"2.0","id":5,"method":"tools/call","params":',
        b'\xff\xfe{"jsonrpc":"2.0","id":6,"method":"ping"}',
        b'{"id":7,"method":"ping"}',
        encode({"jsonrpc": "2.0", "id": 8, "method": "ping"}),
    ]
    responses, out, err, status = exchange(cordon, python, server_script, lines, expect=["7", "8"])
    assert responses["8"].get("result") == {}
    assert responses["7"]["error"]["code"] == -32600
    parse_errors = [r for r in responses.values() if r.get("error", {}).get("code") == -32700]
    assert len(parse_errors) >= 1
    assert FAKE_AWS.encode() not in out and FAKE_AWS.encode() not in err
    assert status == 0


def test_an_oversized_line_fails_only_that_message(cordon, python, server_script):
    big = encode({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                  "params": {"name": "send_mail", "arguments": {"to": "x", "body": "y" * 200_000 + FAKE_EMAIL}}})
    lines = [encode(INIT), encode(INITIALIZED), big,
             encode({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "fetch", "arguments": {"url": "u"}}})]
    responses, out, _, _ = exchange(cordon, python, server_script, lines, "--max-line-bytes", "65536", expect=["2", "3"])
    assert responses["2"]["error"]["code"] == -32603
    assert "larger than 65536 bytes" in responses["2"]["error"]["message"]
    assert responses["3"]["result"]["content"][0]["text"] == "fetched"
    assert FAKE_EMAIL.encode() not in out


def test_an_oversized_server_result_is_answered_with_an_error(cordon, python, server_script):
    lines = [encode(INIT), encode(INITIALIZED),
             encode({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "big", "arguments": {"size": 100_000}}}),
             encode({"jsonrpc": "2.0", "id": 5, "method": "ping"})]
    responses, _, _, _ = exchange(cordon, python, server_script, lines, "--max-line-bytes", "65536", expect=["4", "5"])
    assert responses["4"]["error"]["code"] == -32603
    assert responses["5"]["result"] == {}


def test_a_client_that_closes_stdin_ends_the_proxy_and_the_server(cordon, python, server_script):
    proxy = start(cordon, python, server_script)
    proxy.stdin.write(encode(INIT) + b"\n")
    proxy.stdin.flush()
    first = json.loads(proxy.stdout.readline())
    assert first["id"] == 0 and "result" in first
    started = time.monotonic()
    proxy.stdin.close()
    assert proxy.wait(timeout=20) == 0
    assert time.monotonic() - started < 15


def test_a_server_that_dies_mid_request_gets_every_pending_request_answered(cordon, python, server_script):
    lines = [encode(INIT), encode(INITIALIZED),
             encode({"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "crash", "arguments": {}}})]
    proxy = start(cordon, python, server_script)
    for line in lines:
        proxy.stdin.write(line + b"\n")
    proxy.stdin.flush()
    answers = {}
    deadline = time.monotonic() + 30
    while "10" not in answers and time.monotonic() < deadline:
        raw = proxy.stdout.readline()
        if not raw:
            break
        message = json.loads(raw)
        answers[json.dumps(message.get("id"))] = message
    assert answers["10"]["error"]["code"] == -32603
    assert "exited" in answers["10"]["error"]["message"]
    proxy.stdin.close()
    # The proxy exits with the server's status (3).
    assert proxy.wait(timeout=20) == 3


def test_non_json_server_output_is_never_forwarded(cordon, python, server_script):
    lines = [encode(INIT), encode(INITIALIZED), encode({"jsonrpc": "2.0", "id": 1, "method": "ping"})]
    responses, out, err, _ = exchange(cordon, python, server_script, lines, mode="garbage", expect=["0", "1"])
    assert set(responses) == {"0", "1"}
    assert FAKE_AWS.encode() not in out and FAKE_AWS.encode() not in err
    assert b"not forwarded" in err


def test_server_stderr_is_passed_through(cordon, python, server_script):
    lines = [encode(INIT)]
    _, _, err, _ = exchange(cordon, python, server_script, lines, mode="noisy-stderr", expect=["0"])
    assert b"fake_server: diagnostics on stderr" in err
