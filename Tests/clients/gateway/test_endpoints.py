"""Embeddings, models, metrics and health through the gateway."""

import re
import urllib.request

import openai
import pytest

EMAIL = "jane.doe@acme-corp.io"



def token(type_and_number):
    """A reversible placeholder: its type and number, then the random tag drawn for each token."""
    return re.compile("\u27e6" + type_and_number + "_[0-9A-Z]{6}\u27e7")

def test_embeddings_string_inputs_are_scanned(gateway, upstream):
    recorder, _ = upstream
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    result = client.embeddings.create(model="e", input=[f"contact {EMAIL}", "plain text"])
    assert len(result.data) == 2
    assert EMAIL not in recorder.everything()
    assert token("EMAIL_1").search(recorder.requests[-1]["body"].decode())


def test_embeddings_token_arrays_are_blocked_by_default(gateway, upstream):
    recorder, _ = upstream
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="e", input=[[101, 2023, 102]])
    assert raised.value.code == "cordon_blocked"
    assert not recorder.requests


def test_metrics_count_requests_by_endpoint_and_action(gateway):
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=0)
    client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"mail {EMAIL}"}])
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.port}/metrics", timeout=5) as response:
        text = response.read().decode()
    lines = [line for line in text.splitlines() if line.startswith("cordon_gateway_requests_total")]
    assert any('endpoint="chat_completions"' in line and 'action="redact"' in line and line.endswith(" 1") for line in lines), text
    assert EMAIL not in text


def test_healthz(gateway):
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.port}/healthz", timeout=5) as response:
        assert response.status == 200
