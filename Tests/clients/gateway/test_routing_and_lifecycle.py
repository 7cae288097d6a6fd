"""Classification-based routing, upstream credentials from the environment, graceful shutdown."""

import json
import os
import signal
import subprocess
import threading
import time
import urllib.request

import openai

import fake_upstream
from conftest import Gateway, cordon_executable

EMAIL = "jane.doe@acme-corp.io"

POLICY = """\
default_destination: public-api
destinations:
  public-api:
    max_level: internal
    action: redact
  on-prem:
    max_level: restricted
"""


def test_content_above_the_level_is_routed_unredacted_to_the_overflow_destination(tmp_path):
    public_server, public, public_url = fake_upstream.start()
    onprem_server, onprem, onprem_url = fake_upstream.start()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    config = tmp_path / "gateway.yaml"
    config.write_text(f"""\
upstreams:
  public:
    base_url: {public_url}
  local-model:
    base_url: {onprem_url}
routes:
  public-api:
    upstream: public
    overflow: on-prem
  on-prem:
    upstream: local-model
""")
    gateway = Gateway(public_url, extra=["--config", str(config), "--policy", str(policy)])
    try:
        # --upstream replaces the first upstream's URL with the same URL: the config's routes stay.
        client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
        plain = client.chat.completions.with_raw_response.create(model="echo", messages=[{"role": "user", "content": "hello"}])
        assert plain.parse().choices[0].message.content == "hello"
        assert plain.headers["x-cordon-action"] == "allow" and "x-cordon-route" not in plain.headers
        assert len(public.requests) == 1 and not onprem.requests
        raw = client.chat.completions.with_raw_response.create(model="echo", messages=[{"role": "user", "content": f"mail {EMAIL}"}])
        sensitive = raw.parse()
        assert sensitive.choices[0].message.content == f"mail {EMAIL}"
        # The action of the destination actually used, and where.
        assert raw.headers["x-cordon-action"] == "route"
        assert raw.headers["x-cordon-route"] == "on-prem"
        assert raw.headers["x-cordon-level"] == "confidential"
        assert len(public.requests) == 1
        assert len(onprem.requests) == 1
        assert EMAIL in onprem.requests[0]["body"].decode()  # on-prem may receive it: sent as is
        assert EMAIL not in public.everything()
    finally:
        gateway.stop()
        public_server.shutdown()
        onprem_server.shutdown()


def test_upstream_key_from_the_environment_when_the_client_sends_none(upstream, tmp_path):
    recorder, url = upstream
    os.environ["CORDON_TEST_UPSTREAM_KEY"] = "sk-from-environment-0000"
    try:
        gateway = Gateway(url, extra=["--upstream-api-key-env", "CORDON_TEST_UPSTREAM_KEY"], tmp_path=tmp_path)
    finally:
        del os.environ["CORDON_TEST_UPSTREAM_KEY"]
    try:
        body = json.dumps({"model": "echo", "messages": [{"role": "user", "content": "hi"}]}).encode()
        request = urllib.request.Request(gateway.base_url + "/chat/completions", data=body, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert recorder.requests[-1]["headers"].get("authorization") == "Bearer sk-from-environment-0000"
        # The client's own key wins.
        client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-client", max_retries=0)
        client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "hi"}])
        assert recorder.requests[-1]["headers"].get("authorization") == "Bearer sk-client"
    finally:
        gateway.stop()
    assert "sk-from-environment-0000" not in gateway.stderr
    assert "sk-client" not in gateway.stderr


def test_sigterm_finishes_the_stream_in_flight_then_exits_0(gateway):
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    text = "a slow answer that is still streaming when the gateway is told to stop"
    stream = client.chat.completions.create(model="slow", stream=True, messages=[{"role": "user", "content": text}])
    received = []
    iterator = iter(stream)
    received.append(next(iterator).choices[0].delta.content or "")
    received.append(next(iterator).choices[0].delta.content or "")
    gateway.process.send_signal(signal.SIGTERM)
    for chunk in iterator:
        received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == text
    assert gateway.process.wait(timeout=20) == 0


def test_sigterm_with_idle_kept_alive_connections_exits_0_within_seconds(gateway, upstream):
    # Non-streamed and streamed answers on kept-alive upstream connections (streams are chunked,
    # as providers send them) and one kept-alive client connection: then nothing is in flight,
    # and SIGTERM must not wait for an idle connection to time out.
    recorder, _ = upstream
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    for number in range(3):
        text = f"hi number {number}"
        assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}]).choices[0].message.content == text
        streamed = client.chat.completions.create(model="echo", stream=True, messages=[{"role": "user", "content": text}])
        assert "".join(chunk.choices[0].delta.content or "" for chunk in streamed) == text
    assert len(recorder.requests) == 6
    # The gateway writes a stream's last event as soon as it has read it, and may not yet have
    # read the upstream's closing empty chunk when the client's next request arrives: that request
    # then opens a second connection. After that, both are reused.
    assert recorder.connections <= 2, "the gateway did not keep its upstream connections alive"
    started = time.monotonic()
    gateway.process.send_signal(signal.SIGTERM)
    assert gateway.process.wait(timeout=15) == 0
    assert time.monotonic() - started < 5


def test_the_gateway_runs_its_tasks_on_its_event_loops_and_says_so_at_start(upstream):
    # The hook that puts the gateway's tasks on NIO's event loops is found by dlsym in a dynamically
    # linked build and by a link-time reference in a --static-swift-stdlib one (`make release`,
    # where dlsym finds nothing): either way it must take effect, and the start-up line says
    # whether it did. CORDON_GATEWAY_TASKS_ON_EVENT_LOOPS=0 turns it off.
    _, url = upstream
    for setting, expected in ((None, "tasks_on_event_loops=true"), ("0", "tasks_on_event_loops=false")):
        if setting is not None:
            os.environ["CORDON_GATEWAY_TASKS_ON_EVENT_LOOPS"] = setting
        try:
            gateway = Gateway(url)
        finally:
            os.environ.pop("CORDON_GATEWAY_TASKS_ON_EVENT_LOOPS", None)
        client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
        streamed = client.chat.completions.create(model="echo", stream=True, messages=[{"role": "user", "content": "hello there"}])
        assert "".join(chunk.choices[0].delta.content or "" for chunk in streamed) == "hello there"
        assert gateway.stop() == 0
        starting = [line for line in gateway.stderr.splitlines() if "starting" in line]
        assert len(starting) == 1 and expected in starting[0], starting


def listening_sockets(port):
    """The listening TCP sockets on 127.0.0.1:`port` (from /proc/net/tcp; state 0A is LISTEN)."""
    count = 0
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            address, state = fields[1], fields[3]
            if state == "0A" and address == f"0100007F:{port:04X}":
                count += 1
    return count


def test_each_event_loop_listens_on_the_one_port_and_every_new_connection_is_answered(upstream):
    # One listening socket per event loop (SO_REUSEPORT), so that a connection is accepted, read
    # and answered on one thread; the kernel spreads new connections over them. NIO starts one
    # loop per core it may use.
    _, url = upstream
    gateway = Gateway(url)
    try:
        cores = len(os.sched_getaffinity(0))
        listeners = listening_sockets(gateway.port)
        assert listeners >= 1
        if cores >= 2:
            assert listeners >= 2, "one listening socket for several event loops"
        client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
        for number in range(40):
            # A new client (and connection) each time: connections land on every listener.
            text = f"hello number {number}"
            with openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0) as fresh:
                reply = fresh.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}])
            assert reply.choices[0].message.content == text
        assert client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "done"}]).choices[0].message.content == "done"
    finally:
        assert gateway.stop() == 0


def test_a_second_gateway_on_a_port_in_use_fails_instead_of_sharing_it(upstream):
    # The listeners share their port with each other (SO_REUSEPORT): a second process of the same
    # user must still get "address in use", not a silent share of the first one's connections.
    _, url = upstream
    first = Gateway(url)
    try:
        second = subprocess.run(
            [cordon_executable(), "gateway", "--listen", f"127.0.0.1:{first.port}", "--upstream", url],
            capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert "Address already in use" in second.stderr
        with urllib.request.urlopen(f"http://127.0.0.1:{first.port}/healthz", timeout=10) as response:
            assert response.status == 200
    finally:
        assert first.stop() == 0
