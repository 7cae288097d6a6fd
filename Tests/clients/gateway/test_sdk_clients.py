"""The official openai and anthropic SDKs against ``cordon gateway`` and a fake upstream.

Every test checks both sides: the client gets its own text back, and nothing the upstream
received (path, headers, body) holds the raw values.
"""

import re
import json

import anthropic
import openai
import pytest

EMAIL = "jane.doe@acme-corp.io"
CARD = "4556-7375-8689-9855"
PROMPT = f"Please e-mail {EMAIL} the receipt for card {CARD} today."
INJECTED = "mallory.quinn@northwind-traders.net"



def token(type_and_number):
    """A reversible placeholder: its type and number, then the random tag drawn for each token."""
    return re.compile("\u27e6" + type_and_number + "_[0-9A-Z]{6}\u27e7")

def openai_client(gateway, **kwargs):
    return openai.OpenAI(base_url=gateway.base_url, api_key="sk-test-not-a-real-key", max_retries=0, **kwargs)


def anthropic_client(gateway):
    return anthropic.Anthropic(base_url=gateway.base_url.removesuffix("/v1"), api_key="test-not-a-real-key", max_retries=0)


def assert_no_raw_values(recorder, *values):
    seen = recorder.everything()
    assert recorder.requests, "the upstream received nothing"
    for value in values:
        assert value not in seen
        assert value.replace("-", "") not in seen.replace("-", "")


def test_openai_non_stream_restores_and_hides_values(gateway, upstream):
    recorder, _ = upstream
    client = openai_client(gateway)
    raw = client.chat.completions.with_raw_response.create(model="echo", messages=[{"role": "user", "content": PROMPT}])
    completion = raw.parse()
    assert completion.choices[0].message.content == PROMPT
    assert raw.headers["x-cordon-action"] == "redact"
    assert raw.headers["x-cordon-level"] in ("confidential", "restricted")
    assert_no_raw_values(recorder, EMAIL, CARD)
    assert token("EMAIL_1").search(recorder.requests[-1]["body"].decode())


def test_openai_stream_restores_with_many_events_and_one_done(gateway, upstream):
    recorder, _ = upstream
    client = openai_client(gateway)
    stream = client.chat.completions.create(model="echo", stream=True, messages=[{"role": "user", "content": PROMPT}])
    chunks = list(stream)
    assert len(chunks) > 10
    assert all(chunk.choices for chunk in chunks)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == PROMPT
    assert_no_raw_values(recorder, EMAIL, CARD)


def assert_restored_into_tool_arguments(arguments):
    """The restore policy's defaults: the e-mail (confidential) goes back into a tool call's
    arguments, the card number (restricted) stays a placeholder unless the policy names the tool."""
    assert set(arguments) == {"text"}
    assert CARD not in arguments["text"]
    card = re.compile("\u27e6[A-Z_]+_1_[0-9A-Z]{6}\u27e7")
    assert card.sub("<card>", arguments["text"]) == PROMPT.replace(CARD, "<card>")


def test_openai_stream_tool_call_argument_fragments_are_restored(gateway, upstream):
    recorder, _ = upstream
    client = openai_client(gateway)
    tools = [{"type": "function", "function": {"name": "send", "description": "Send text",
                                               "parameters": {"type": "object", "properties": {"text": {"type": "string"}}}}}]
    stream = client.chat.completions.create(model="tool", stream=True, tools=tools, messages=[{"role": "user", "content": PROMPT}])
    arguments = ""
    names = []
    for chunk in stream:
        for call in chunk.choices[0].delta.tool_calls or []:
            if call.function and call.function.arguments:
                arguments += call.function.arguments
            if call.function and call.function.name:
                names.append(call.function.name)
    assert names == ["send"]
    assert_restored_into_tool_arguments(json.loads(arguments))
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_openai_tool_call_arguments_in_history_are_scanned(gateway, upstream):
    recorder, _ = upstream
    client = openai_client(gateway)
    messages = [
        {"role": "user", "content": "send it"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {
            "name": "send", "arguments": json.dumps({"to": EMAIL, "card": CARD})}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": f"sent to {EMAIL}"},
        {"role": "user", "content": "thanks"},
    ]
    client.chat.completions.create(model="echo", messages=messages)
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_openai_new_value_from_upstream_is_masked(gateway, upstream):
    client = openai_client(gateway)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in client.chat.completions.create(
        model="inject", stream=True, messages=[{"role": "user", "content": PROMPT}]))
    assert text.startswith(PROMPT)
    assert INJECTED not in text
    assert "[REDACTED:email]" in text
    whole = client.chat.completions.create(model="inject", messages=[{"role": "user", "content": PROMPT}])
    assert INJECTED not in whole.choices[0].message.content


def test_anthropic_non_stream_and_stream_restore(gateway, upstream):
    recorder, _ = upstream
    client = anthropic_client(gateway)
    message = client.messages.create(model="echo", max_tokens=100, messages=[{"role": "user", "content": PROMPT}])
    assert message.content[0].text == PROMPT
    with client.messages.stream(model="echo", max_tokens=100, messages=[{"role": "user", "content": PROMPT}]) as stream:
        text = "".join(stream.text_stream)
    assert text == PROMPT
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_anthropic_stream_tool_use_input_is_restored(gateway, upstream):
    recorder, _ = upstream
    client = anthropic_client(gateway)
    tools = [{"name": "send", "description": "Send text", "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}}}]
    with client.messages.stream(model="tool", max_tokens=100, tools=tools, messages=[{"role": "user", "content": PROMPT}]) as stream:
        final = stream.get_final_message()
    assert_restored_into_tool_arguments(final.content[0].input)
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_models_are_passed_through(gateway):
    client = openai_client(gateway)
    assert [model.id for model in client.models.list()] == ["echo"]


def test_upstream_errors_keep_their_status_and_are_restored(gateway, upstream):
    recorder, _ = upstream
    client = openai_client(gateway)
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="error", messages=[{"role": "user", "content": PROMPT}])
    assert EMAIL in raised.value.message
    assert_no_raw_values(recorder, EMAIL)
