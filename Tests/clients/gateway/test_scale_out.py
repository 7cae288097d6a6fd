"""Scale-out: two gateway replicas behind nginx (Debian's package, started here on loopback)
with session affinity on x-session-id; 50 sessions, every restore correct."""

import os
import shutil
import subprocess
import time
import urllib.request

import openai

from conftest import Gateway, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_fifty_sessions_through_nginx_restore_correctly(upstream, tmp_path):
    assert os.path.exists(NGINX), "nginx is not installed (.ci/gateway.sh installs nginx-light)"
    recorder, url = upstream
    replicas = [Gateway(url), Gateway(url)]
    port = free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    upstream cordon_gateways {{
        hash $http_x_session_id consistent;
        server 127.0.0.1:{replicas[0].port};
        server 127.0.0.1:{replicas[1].port};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://cordon_gateways;
            proxy_http_version 1.1;
            proxy_buffering off;
        }}
    }}
}}
""")
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)], stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-test", max_retries=0)
        # Turn 1 of each session introduces the session's own address; turn 2 asks the model
        # (the echo upstream) to repeat the placeholder it saw in turn 1 — which only the replica
        # holding that session can restore.
        placeholders = {}
        for number in range(50):
            session = f"session-{number}"
            email = f"person.{number}@acme-corp.io"
            reply = client.chat.completions.with_raw_response.create(
                model="echo", messages=[{"role": "user", "content": f"my address is {email}"}],
                extra_headers={"x-session-id": session})
            assert reply.parse().choices[0].message.content == f"my address is {email}"
            sent = recorder.requests[-1]["body"].decode()
            assert email not in sent
            placeholders[session] = sent.split("my address is ")[1].split('"')[0]
        for number in range(50):
            session = f"session-{number}"
            email = f"person.{number}@acme-corp.io"
            stream = client.chat.completions.create(
                model="echo", stream=True, messages=[{"role": "user", "content": f"repeat {placeholders[session]}"}],
                extra_headers={"x-session-id": session})
            assert "".join(chunk.choices[0].delta.content or "" for chunk in stream) == f"repeat {email}"
        # Both replicas served sessions (each counted some chat requests), and both still run.
        for replica in replicas:
            with urllib.request.urlopen(f"http://127.0.0.1:{replica.port}/metrics", timeout=5) as response:
                metrics = response.read().decode()
            served = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                         if line.startswith("cordon_gateway_requests_total") and 'endpoint="chat_completions"' in line)
            assert served > 0
            assert replica.process.poll() is None
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for replica in replicas:
            replica.stop()
